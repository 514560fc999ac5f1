"""Plain text (UTF-8, UTF-16 with BOM or GB18030) → layout model without geometry (纯文本读取).

One line of the file is one Line; a form feed starts a new page. Layout rules do not run on it. Terminal
escape sequences and control characters are removed (detect.decode_text), with a note in the report.
"""
from __future__ import annotations

import re

from .detect import read_plain_text
from .errors import UnusableInput
from .layout import Document, Line, Page, Run
from .limits import MAX_TEXT_CHARS

# a blank between two parts of a page flattened onto one line: after a CJK character or a closing mark, before
# a CJK character, a digit or an opening mark (never after ，、: a blank there is inside a sentence)
FIELD_GAP = re.compile(r"(?<=[\u4e00-\u9fff。：；！？”）》])[ \u3000\t]+(?=[\u4e00-\u9fff（《“0-9])")


def unflatten(text: str) -> tuple[str, bool]:
    """A web page copied with its line breaks lost (the whole 公文 on one line, parts apart by blanks) → one part
    a line, and True; other texts unchanged. Only when there are at most three lines, one of 100+ characters
    with three or more such gaps."""
    lines = [x for x in text.split("\n") if x.strip()]
    if len(lines) > 3 or not any(len(x) >= 100 and len(FIELD_GAP.findall(x)) >= 3 for x in lines):
        return text, False
    return FIELD_GAP.sub("\n", text), True


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
    text, flattened = unflatten(text)
    pages = [Page(number=1)]
    for raw in text.split("\n"):
        if "\f" in raw:
            pages.append(Page(number=len(pages) + 1))
            raw = raw.replace("\f", "")
        if raw.strip():
            pages[-1].lines.append(Line(runs=[Run(text=raw.rstrip())]))
    document = Document(format="txt", pages=[p for p in pages if p.lines] or pages[:1], geometry=False)
    if flattened:
        document.notes.append("全文挤在一行（多见于从网页复制），已按空格分行后初审")
    if cleaned:
        document.notes.append("文本中含有终端控制字符或转义序列，已去除后初审")
    return document


def read(data: bytes, fmt: str = "txt", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): read_text."""
    return read_text(data)
