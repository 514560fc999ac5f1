"""Bytes → layout model: format detection and one reader per format (抽取).

`extract(data)` is the one entry point: it detects the format from the content and returns a
`Document` (see layout.py), or raises `UnusableInput` with a Chinese reason.
"""
from __future__ import annotations

from .detect import FORMAT_NAMES_ZH, detect_format
from .errors import UnusableInput
from .layout import Document, Line, Page, Rule, Run

__all__ = ["extract", "detect_format", "Document", "Page", "Line", "Run", "Rule", "UnusableInput", "FORMAT_NAMES_ZH"]


def extract(data: bytes, fmt: str | None = None) -> Document:
    """Read a file's bytes into the layout model. `fmt` skips detection when already known."""
    fmt = fmt or detect_format(data)
    if fmt == "docx":
        from .docx_reader import read_docx
        return read_docx(data)
    if fmt == "pdf":
        from .pdf_reader import read_pdf
        return read_pdf(data)
    if fmt == "txt":
        from .text_reader import read_text
        return read_text(data)
    if fmt in ("doc", "wps"):
        from .convert import convert_to_docx
        from .docx_reader import read_docx
        doc = read_docx(convert_to_docx(data, fmt))
        doc.format = fmt
        doc.notes.append(f"原件为{FORMAT_NAMES_ZH[fmt]}，已用 LibreOffice 转换为 docx 后初审")
        return doc
    if fmt in ("tiff", "png", "jpeg"):
        from .scan import read_image
        return read_image(data, fmt)
    if fmt == "eml":  # a mail message: the 公文 inside it (extractors/mail)
        from .mail import read_message
        return read_message(data)[1]
    if fmt == "ofd":
        from .ofd_reader import read_ofd
        return read_ofd(data)
    raise UnusableInput("不支持的文件格式", "unsupported")
