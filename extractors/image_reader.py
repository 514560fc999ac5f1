"""Image files (TIFF, PNG, JPEG) → layout model: the registry's reader (图像读取, extractors/formats.py).

With OCR, every page is recognised (extractors/scan.read_image); for the text layer only (ocr False: a mail's
附件 read for its 密级) an image has none: page 1 is one picture, whose 版头 extractors/image_marks.py reads.
"""
from __future__ import annotations

from .layout import Document


def read(data: bytes, fmt: str, ocr: bool = True) -> Document:
    if not ocr:
        from .image_marks import picture_page
        return picture_page(data, fmt)
    from .scan import read_image
    return read_image(data, fmt)
