"""Plain text (UTF-8, UTF-16 with BOM or GB18030) → layout model without geometry (纯文本读取).

One line of the file is one Line; a form feed starts a new page. Layout rules do not run on it. Terminal
escape sequences and control characters are removed (detect.decode_text), with a note in the report.
"""
from __future__ import annotations

from .detect import read_plain_text
from .errors import UnusableInput
from .layout import Document, Line, Page, Run
from .limits import MAX_TEXT_CHARS


def read_text(data: bytes) -> Document:
    """Bytes of a text file → Document (format "txt", no geometry); raises UnusableInput (empty, too long,
    unknown encoding)."""
    text, cleaned = read_plain_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnusableInput("文本文件没有内容", "empty")
    if len(text) > MAX_TEXT_CHARS:
        raise UnusableInput(f"文字量超出处理上限（约 {len(text) / 10000:.0f} 万字，上限 {MAX_TEXT_CHARS // 10000} 万字），"
                            "不像一件公文；请来文单位核对后报送", "too-large")
    pages = [Page(number=1)]
    for raw in text.split("\n"):
        if "\f" in raw:
            pages.append(Page(number=len(pages) + 1))
            raw = raw.replace("\f", "")
        if raw.strip():
            pages[-1].lines.append(Line(runs=[Run(text=raw.rstrip())]))
    document = Document(format="txt", pages=[p for p in pages if p.lines] or pages[:1], geometry=False)
    if cleaned:
        document.notes.append("文本中含有终端控制字符或转义序列，已去除后初审")
    return document

