"""Plain text (UTF-8 or GB18030) → layout model without geometry (纯文本读取).

One line of the file is one Line; a form feed starts a new page. Layout rules do not run on it.
"""
from __future__ import annotations

from .detect import decode_text
from .errors import UnusableInput
from .layout import Document, Line, Page, Run


def read_text(data: bytes) -> Document:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnusableInput("文本文件没有内容", "empty")
    pages = [Page(number=1)]
    for raw in text.split("\n"):
        if "\f" in raw:
            pages.append(Page(number=len(pages) + 1))
            raw = raw.replace("\f", "")
        if raw.strip():
            pages[-1].lines.append(Line(runs=[Run(text=raw.rstrip())]))
    return Document(format="txt", pages=[p for p in pages if p.lines] or pages[:1], geometry=False)
