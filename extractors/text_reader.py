"""Plain text (UTF-8, UTF-16 with BOM or GB18030) → layout model without geometry (纯文本读取).

One line of the file is one Line; a form feed starts a new page. Layout rules do not run on it. Terminal
escape sequences and control characters are removed (detect.decode_text), with a note in the report; a page's
raw HTML left in the text (<p>…</p>) is set to lines (untag), with a note too.
"""
from __future__ import annotations

import html
import re

from .detect import read_plain_text
from .errors import UnusableInput
from .layout import Document, Line, Page, Run
from .limits import MAX_TEXT_CHARS

# a blank between two parts of a page flattened onto one line: after a CJK character or a closing mark, before
# a CJK character, a digit or an opening mark (never after ，、: a blank there is inside a sentence)
FIELD_GAP = re.compile(r"(?<=[\u4e00-\u9fff。：；！？”）》])[ \u3000\t]+(?=[\u4e00-\u9fff（《“0-9])")


# the parts of a 公文 glued together with no blank at all ("…的决定示政发〔2023〕3号各区县人民政府：2022年，…。示例市人民
#政府2023年2月10日"): the 发文字号, a 主送 ending in a colon after it, and the 署名 with its date at the end
GLUED_NUMBER = re.compile(r"[〔\[【(（][0-9]{4}[〕\]】)）]第?[0-9]{1,5}号")
SIGNED_END = re.compile(r"(?:[0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日\s*$")
TITLE_END = re.compile(r"(?:决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要)")
GLUED_ADDRESSEE = re.compile(r"^(?P<names>[^。；;！？：:]{2,200}?[：:])(?=\S)")
GLUED_SIGNATURE = re.compile(r"(?<=[。！!])(?P<tail>[\u4e00-\u9fff（）()]{2,40}?(?:[0-9]{4}|[〇○零一二三四五六七八九]{4})年[0-9一二三四五六七八九十]{1,3}月"
                             r"[0-9一二三四五六七八九十]{1,3}日)$")


def _split_glued(line: str) -> str:
    """A 公文 glued onto one line with no blanks → its parts a line: the title before the 发文字号, the 主送 after
    it, the 正文, and the 署名 with its date (left on one line: the parser reads a 署名 glued to its date)."""
    m = GLUED_NUMBER.search(line[:160])
    if not m or m.start() < 8:
        return line
    # the title ends with its 文种 just before the 机关代字 (2–10 characters before the bracket)
    ends = [t.end() for t in TITLE_END.finditer(line, 0, m.start() - 1) if 2 <= m.start() - t.end() <= 10]
    if not ends:
        return line
    head, number, rest = line[:ends[-1]], line[ends[-1]:m.end()], line[m.end():]
    parts = [head, number]
    addressee = GLUED_ADDRESSEE.match(rest)
    if addressee:
        parts.append(addressee.group("names"))
        rest = rest[addressee.end():]
    signature = GLUED_SIGNATURE.search(rest)
    if signature:
        parts += [rest[:signature.start()], signature.group("tail")]
    else:
        parts.append(rest)
    return "\n".join(p for p in parts if p.strip())


def unflatten(text: str) -> tuple[str, bool]:
    """A web page copied with its line breaks lost (the whole 公文 on one line, parts apart by blanks or glued
    together) → one part a line, and True; other texts unchanged. Only the lines of 100+ characters with three
    or more such gaps are split (the page's own short lines around them stay), or, with no gaps, a line of
    100+ characters that carries a 发文字号 near its start."""
    lines = text.split("\n")
    few = len([x for x in lines if x.strip()]) <= 3
    flattened = False
    for k, line in enumerate(lines):
        # a whole 公文 on one line: the text has at most three lines, or this line carries a 发文字号 near its start
        # and ends with the date (a paragraph of the 正文 that cites a number does not end so)
        whole = few or bool(GLUED_NUMBER.search(line[:160]) and SIGNED_END.search(line))
        if len(line) < 100 or not whole:
            continue
        if len(FIELD_GAP.findall(line)) >= 3:
            lines[k] = FIELD_GAP.sub("\n", line)
            flattened = True
        elif not re.search(r"[ \u3000\t]", line.strip()):
            split = _split_glued(line.strip())
            if split != line.strip():
                lines[k] = split
                flattened = True
    return ("\n".join(lines), True) if flattened else (text, False)


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
    text, tagged = untag(text)
    text, flattened = unflatten(text)
    pages = [Page(number=1)]
    for raw in text.split("\n"):
        if "\f" in raw:
            pages.append(Page(number=len(pages) + 1))
            raw = raw.replace("\f", "")
        if raw.strip():
            pages[-1].lines.append(Line(runs=[Run(text=raw.rstrip())]))
    document = Document(format="txt", pages=[p for p in pages if p.lines] or pages[:1], geometry=False)
    document.flattened = flattened
    if flattened:
        document.notes.append("全文挤在一行（多见于从网页复制），已按空格分行后初审")
    if cleaned:
        document.notes.append("文本中含有终端控制字符或转义序列，已去除后初审")
    if tagged:
        document.notes.append("文本中夹有网页的 HTML 标记（如 <p>），已按段落分行、去除标记后初审")
    return document


# a page's raw HTML left in a text (a database's field copied with its markup): "<p>各市、县人民政府：</p><p> 现将…</p>"
BLOCK_TAG = re.compile(r"<\s*(?:/\s*(?:p|div|li|tr|h[1-6]|table|section)|br|p|div|li|tr|h[1-6])\b[^<>]{0,200}>", re.I)
ANY_TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9]{0,10}\b[^<>]{0,200}>")
TAGS_MIN = 3  # this many block tags make a text carry a page's markup (one "<p>" may be quoted in a 正文)


def untag(text: str) -> tuple[str, bool]:
    """(text, whether it carried HTML): a text holding TAGS_MIN or more block tags (<p>, </p>, <br/>, <div>…) has
    each of them set to a line break, every other tag removed and its entities (&nbsp;, &amp;) decoded."""
    if len(BLOCK_TAG.findall(text)) < TAGS_MIN:
        return text, False
    text = ANY_TAG.sub("", BLOCK_TAG.sub("\n", text))
    return html.unescape(text).replace("\xa0", " "), True


def read(data: bytes, fmt: str = "txt", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): read_text."""
    return read_text(data)
