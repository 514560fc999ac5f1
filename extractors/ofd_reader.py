"""OFD → layout model: the entry point (OFD 读取); the reader itself lives in extractors/ofd/."""
from .layout import Document
from .ofd import open_ofd, read_ofd, render_page

__all__ = ["read", "read_ofd", "open_ofd", "render_page"]


def read(data: bytes, fmt: str = "ofd", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): read_ofd."""
    return read_ofd(data, ocr=ocr)
