"""Bytes → layout model: format detection and one reader per format (抽取).

`extract(data)` is the one entry point: it detects the format from the content and returns a
`Document` (see layout.py), or raises `UnusableInput` with a Chinese reason.
"""
from __future__ import annotations

from .detect import FORMAT_NAMES_ZH, detect_format
from .errors import UnusableInput, guarded
from .layout import Document, Line, Page, Rule, Run
from .limits import check_text_size

__all__ = ["extract", "detect_format", "Document", "Page", "Line", "Run", "Rule", "UnusableInput", "FORMAT_NAMES_ZH"]


def extract(data: bytes, fmt: str | None = None, ocr: bool = True) -> Document:
    """Read a file's bytes into the layout model. `fmt` skips detection when already known. `ocr` False reads
    text layers only: a PDF or OFD page without one stays as it is (no recognition), an image is one picture
    (page 1's 版头 is then read for a 密级 by extractors/image_marks.py, nothing else).

    The one guarded place around every reader: whatever a reader or a library under it raises leaves here
    as UnusableInput with a Chinese reason (extractors/errors.py), and a document holding more text than
    limits.MAX_TEXT_CHARS is refused (超出处理上限) before any rule or language model sees it.
    """
    with guarded("文件"):
        fmt = fmt or detect_format(data)
    with guarded(FORMAT_NAMES_ZH.get(fmt, "文件")):
        document = _read(data, fmt, ocr)
        check_text_size(document)
    document.notes.extend(seal_notes(document))
    return document


def seal_notes(document: Document) -> list[str]:
    """A remark per scanned page where a seal's own text was read and kept out of the lines (印章文字)."""
    return [f"第 {page.number} 页识别到印章，印章上的文字（{'、'.join(page.seal_text)}）未作为发文机关署名等公文要素"
            for page in document.pages if page.seal_text]


def _read(data: bytes, fmt: str, ocr: bool = True) -> Document:
    """The registered format's reader (extractors/formats.py)."""
    from .formats import FORMATS

    if fmt not in FORMATS:
        raise UnusableInput("不支持的文件格式", "unsupported")
    return FORMATS[fmt].read(data, ocr)
