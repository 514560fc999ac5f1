"""公文 element parser (要素识别): finds 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 文种,
主送机关, 正文 and its heading levels, 附件说明, 署名, 成文日期, 附注, 附件, 抄送, 印发 and 页码.

It reads the layout model in order and uses geometry and fonts when they are there (the red line
on top is the 发文机关标志; a large centred line is the title), and patterns alone on bare text.
Patterns are deliberately tolerant ("[2026]", "第5号", "2026年07月01日"): the parser finds an
element even when it is written wrong, so that the rules can say what is wrong with it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from . import nlp
from .layout import PAGE_NUMBER, STRICT_PAGE_NUMBER, Document, Line, is_red

DOC_TYPES = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要")
# Names often used for a document that are not one of the 15 legal 文种 of 条例 第八条.
NON_LEGAL_TYPES = ("汇报", "报告书", "请求", "申请", "总结", "要点", "规划", "方案", "简报", "讲话", "建议", "答复", "说明", "计划")
UPWARD_TYPES = ("请示", "报告")

SECRECY = re.compile(r"^(绝密|机密|秘密|内部|保密)\s*(?:([★☆*]).*)?$")
URGENCY = re.compile(r"^(特急|加急|特提|平急|急件|急)$")
COPY_NUMBER = re.compile(r"^[0-9０-９]{1,8}$")
DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,15})\s*(?P<lb>[〔\[【(（〈［〖])\s*(?P<year>[0-9０-９]{2,4})\s*"
    r"(?P<rb>[〕\]】)）〉］〗])\s*(?P<di>第)?\s*(?P<num>[0-9０-９]+)\s*号")
SIGNER = re.compile(r"签发人\s*(?P<colon>[:：])?\s*(?P<names>[\u4e00-\u9fff·\s]+)?")
DATE = re.compile(r"^\s*(?P<y>[0-9０-９]{2,4}|[〇○零Ｏ0一二三四五六七八九]{2,4})\s*年\s*(?P<m>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                  r"\s*(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]\s*$")
PRINT_LINE = re.compile(r"^(?P<issuer>.*?)\s*(?P<date>(?:[0-9０-９]{2,4}|[〇○零一二三四五六七八九]{2,4})\s*年.{1,3}月.{1,3}[日号])\s*印\s*发\s*$")
ATTACHMENT_NOTE = re.compile(r"^\s*附\s*件\s*(?P<colon>[:：])?\s*(?P<rest>.*)$")
ATTACHMENT_ITEM = re.compile(r"^\s*(?P<n>\d+)\s*(?P<dot>[．.、,，]?)\s*(?P<name>.+)$")
ATTACHMENT_LABEL = re.compile(r"^\s*附\s*件\s*(?P<n>\d*)\s*$")
CC = re.compile(r"^\s*抄\s*送\s*(?P<colon>[:：])?\s*(?P<rest>.*)$")
ANNOTATION = re.compile(r"^\s*[（(].*(联系人|电话|此件|附注).*")
CONTACT_NAME = re.compile(r"联系人\s*[:：]?\s*(?P<name>[\u4e00-\u9fff]{2,4})")
HEADINGS = [  # level, pattern of the label at the start of a paragraph
    (1, re.compile(r"^(?P<label>(?P<n>[一二三四五六七八九十]{1,3})\s*(?P<sep>[、，,.．]))")),
    (2, re.compile(r"^(?P<label>(?P<open>[（(])(?P<n>[一二三四五六七八九十]{1,3})(?P<close>[）)]))")),
    (3, re.compile(r"^(?P<label>(?P<n>\d{1,2})(?P<sep>[．.、])(?!\d))")),
    (4, re.compile(r"^(?P<label>(?P<open>[（(])(?P<n>\d{1,2})(?P<close>[）)]))")),
]
CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass
class Found:
    """An element as written: its text, the page and the index of its first line."""

    text: str
    page: Optional[int]
    line: int


@dataclass
class Heading:
    level: int
    label: str
    number: int
    line: int
    page: Optional[int]


@dataclass
class Elements:
    lines: list[Line] = field(default_factory=list)  # the document's lines, in reading order
    pages_of: list[int] = field(default_factory=list)  # page number of each line
    copy_number: Optional[Found] = None
    secrecy: Optional[Found] = None
    urgency: Optional[Found] = None
    issuer_mark: Optional[Found] = None
    doc_number: Optional[Found] = None
    signer: Optional[Found] = None
    title: Optional[Found] = None
    title_lines: list[int] = field(default_factory=list)
    doc_type: Optional[str] = None
    addressee: Optional[Found] = None
    addressees: list[str] = field(default_factory=list)
    body_lines: list[int] = field(default_factory=list)
    paragraph_starts: set[int] = field(default_factory=set)
    headings: list[Heading] = field(default_factory=list)
    attachment_note: list[Found] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    signature: Optional[Found] = None
    date: Optional[Found] = None
    date_iso: Optional[str] = None
    annotation: Optional[Found] = None
    contact_name: Optional[str] = None
    contact_phone: Optional[str] = None
    attachment_pages: list[tuple[Found, Optional[Found]]] = field(default_factory=list)
    cc: Optional[Found] = None
    cc_list: list[str] = field(default_factory=list)
    print_line: Optional[Found] = None
    phrases: list[tuple[str, str, int]] = field(default_factory=list)  # (label, text, line index)

    @property
    def upward(self) -> bool:
        """上行文: a 请示 or 报告, or any document that names its 签发人."""
        return self.doc_type in UPWARD_TYPES or self.signer is not None

    def text_of(self, indexes) -> str:
        return "".join(self.lines[i].text for i in indexes)

    @property
    def body_text(self) -> str:
        return "\n".join(self.lines[i].text for i in self.body_lines)

    @property
    def body_chars(self) -> int:
        return sum(1 for ch in self.body_text if not ch.isspace())

    def found(self, i: int, text: Optional[str] = None) -> Found:
        return Found(text=self.lines[i].text.strip() if text is None else text, page=self.pages_of[i], line=i)


def normalise_digits(text: str) -> str:
    return text.translate({0xFF10 + i: 0x30 + i for i in range(10)})


def chinese_number(text: str) -> Optional[int]:
    """二〇二六 → 2026 (digit by digit), 二十三 → 23, 十一 → 11."""
    text = normalise_digits(text)
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (CHINESE_DIGITS.get(ones, 0) if ones else 0)
    digits = [CHINESE_DIGITS.get(ch) for ch in text]
    if not digits or None in digits:
        return None
    return int("".join(str(d) for d in digits))


def parse_date(text: str) -> Optional[str]:
    m = DATE.match(text)
    if not m:
        return None
    y, mo, d = (chinese_number(m.group(k)) for k in ("y", "m", "d"))
    if y is None or mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if y < 100:
        y += 2000
    return f"{y:04d}-{mo:02d}-{d:02d}"


def split_names(text: str) -> list[str]:
    """Split "各区（市、县）教育局，市属各学校" at 、，, outside brackets."""
    names, depth, current = [], 0, ""
    for ch in text:
        if ch in "（(〔[":
            depth += 1
        elif ch in "）)〕]":
            depth = max(0, depth - 1)
        if ch in "，,、；;" and depth == 0:
            if current.strip():
                names.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        names.append(current.strip())
    return names


def doc_type_of(title: str) -> Optional[str]:
    """The 文种 a title ends in ("…的请示" → 请示), or the non-legal name it uses ("…的汇报" → 汇报)."""
    stripped = re.sub(r"[（(][^（）()]*[）)]$", "", title.strip()).rstrip("。.")
    for name in sorted(DOC_TYPES + NON_LEGAL_TYPES, key=len, reverse=True):
        if stripped.endswith(name):
            return name
    return None


class _Parser:
    def __init__(self, document: Document):
        self.doc = document
        self.el = Elements()
        # paragraphs start indented from the text block's left edge, the same on every page
        lefts = [p.margin_left_mm for p in document.pages if p.margin_left_mm is not None and p.margins_measured]
        self.block_left = min(lefts) if lefts else None
        for page in document.pages:
            for line in page.lines:
                if line.zone in ("footer", "header") or not line.text.strip():
                    continue
                if PAGE_NUMBER.match(line.text) and (line.top is not None and line.top > (page.height_mm or 297) * 0.8
                                                     or line.top is None and STRICT_PAGE_NUMBER.match(line.text)):
                    continue  # a page number: in a PDF by its place, in plain text only in the form "— 1 —"
                self.el.lines.append(line)
                self.el.pages_of.append(page.number)
                if self._starts_paragraph(line):
                    self.el.paragraph_starts.add(len(self.el.lines) - 1)
        self.n = len(self.el.lines)

    def _starts_paragraph(self, line: Line) -> bool:
        if line.x0 is None or self.block_left is None:
            return True  # docx and text: one line is one paragraph
        size_mm = (line.runs[0].size_pt or 16) * 25.4 / 72
        return line.x0 - self.block_left > size_mm * 0.8

    def text(self, i: int) -> str:
        return self.el.lines[i].text.strip()

    def parse(self) -> Elements:
        i = self._header()
        i = self._title(i)
        i = self._addressee(i)
        end = self._closing(i)
        self.el.body_lines = list(range(i, end))
        self._headings()
        self._phrases()
        return self.el

    # 版头 -------------------------------------------------------------------------------------
    def _header(self) -> int:
        el, i = self.el, 0
        number_at = None
        for j in range(min(self.n, 8)):
            if DOC_NUMBER.search(self.text(j)) and len(self.text(j)) < 60 and not self.text(j).endswith(("：", ":")):
                number_at = j
                break
        limit = number_at if number_at is not None else min(self.n, 4)
        while i < limit:
            t = normalise_digits(self.text(i))
            if COPY_NUMBER.match(t) and el.copy_number is None:
                el.copy_number = el.found(i)
            elif SECRECY.match(t) and el.secrecy is None:
                el.secrecy = el.found(i)
            elif URGENCY.match(t) and el.urgency is None:
                el.urgency = el.found(i)
            elif self._secrecy_and_urgency(i):
                pass
            elif el.issuer_mark is None and (number_at is not None or self._looks_like_issuer_mark(i)):
                el.issuer_mark = el.found(i)
            else:
                break
            i += 1
        if number_at is not None:
            t = self.text(number_at)
            m = DOC_NUMBER.search(t)
            el.doc_number = el.found(number_at, m.group(0))
            s = SIGNER.search(t)
            if s:
                el.signer = el.found(number_at, t[s.start():].strip())
            # 签发人 may stand on the next line (several signers, or a line break in the PDF)
            nxt = number_at + 1
            if nxt < self.n and SIGNER.search(self.text(nxt)) and el.signer is None:
                el.signer = el.found(nxt)
                return nxt + 1
            if nxt < self.n and el.signer and not self._is_titleish(nxt) and re.fullmatch(r"[\u4e00-\u9fff·\s]{2,12}", self.text(nxt)) \
                    and el.lines[nxt].align != "center":
                el.signer = Found(el.signer.text + self.text(nxt), el.signer.page, el.signer.line)
                return nxt + 1
            return number_at + 1
        return i

    def _secrecy_and_urgency(self, i: int) -> bool:
        """"秘密★1年 特急" on one line."""
        parts = self.text(i).split()
        if len(parts) == 2 and SECRECY.match(parts[0]) and URGENCY.match(parts[1]):
            self.el.secrecy = self.el.found(i, parts[0])
            self.el.urgency = self.el.found(i, parts[1])
            return True
        return False

    def _looks_like_issuer_mark(self, i: int) -> bool:
        line = self.el.lines[i]
        red = any(is_red(r.color) for r in line.runs)
        return red or self.text(i).endswith("文件")

    def _is_titleish(self, i: int) -> bool:
        line = self.el.lines[i]
        return bool(line.runs and (line.runs[0].size_pt or 0) >= 18)

    # 标题 -------------------------------------------------------------------------------------
    def _title(self, i: int) -> int:
        el = self.el
        if i >= self.n:
            return i
        if self.text(i).endswith(("：", ":")):
            return i  # no title: the addressee follows the header directly
        lines = [i]
        first = el.lines[i]
        size = first.runs[0].size_pt if first.runs else None
        j = i + 1
        while j < self.n and j - i < 4:
            nxt = el.lines[j]
            next_size = nxt.runs[0].size_pt if nxt.runs else None
            if self.doc.ocr:
                # OCR sizes of short lines scatter: a large, centred line under an unfinished title continues it
                continues = bool(next_size and next_size >= 18 and nxt.align == "center"
                                 and doc_type_of(el.text_of(lines)) is None)
            else:
                continues = bool(next_size and abs(next_size - size) <= 0.1)
            if self.doc.geometry and size and size >= 18 and continues and not self.text(j).endswith(("：", ":")):
                lines.append(j)  # a title wrapped over several lines
                j += 1
                continue
            break
        el.title_lines = lines
        el.title = Found(el.text_of(lines).strip(), el.pages_of[i], i)
        el.doc_type = doc_type_of(el.title.text)
        return j

    # 主送机关 ---------------------------------------------------------------------------------
    def _addressee(self, i: int) -> int:
        el = self.el
        for span in (1, 2, 3):
            if i + span > self.n:
                break
            text = el.text_of(range(i, i + span)).strip()
            if text.endswith(("：", ":")) and len(text) < 120 and not ATTACHMENT_NOTE.match(text):
                el.addressee = el.found(i, text)
                el.addressees = split_names(text.rstrip("：:"))
                return i + span
        return i

    # 附件说明, 署名, 成文日期, 附注, 附件, 版记 -------------------------------------------------------
    def _closing(self, start: int) -> int:
        el = self.el
        date_at = None
        for j in range(start, self.n):
            if DATE.match(self.text(j)) and not PRINT_LINE.match(self.text(j)):
                date_at = j
                break
        body_end = date_at if date_at is not None else self.n
        if date_at is not None:
            el.date = el.found(date_at)
            el.date_iso = parse_date(self.text(date_at))
            sig = date_at - 1
            if sig >= start and self._looks_like_signature(sig):
                el.signature = el.found(sig)
                body_end = sig
        # 附件说明: the last "附件：" paragraph before the signature, with its numbered continuation lines
        for j in range(start, body_end):
            m = ATTACHMENT_NOTE.match(self.text(j))
            if m and j in el.paragraph_starts and (m.group("colon") or m.group("rest")) and not ATTACHMENT_LABEL.match(self.text(j)):
                notes = [j]
                k = j + 1
                while k < body_end and (ATTACHMENT_ITEM.match(self.text(k)) or k not in el.paragraph_starts):
                    notes.append(k)
                    k += 1
                el.attachment_note = [el.found(x) for x in notes]
                el.attachments = self._attachment_names(notes)
                body_end = j
                break
        after = (date_at + 1) if date_at is not None else self.n
        self._after_date(after)
        return body_end

    def _looks_like_signature(self, j: int) -> bool:
        text, line = self.text(j), self.el.lines[j]
        if re.search(r"[。；;，,：:！？]$", text) or len(text) > 40:
            return False
        return line.align in ("right", "center") or (line.x0 is not None and line.x0 > 80) or len(text) <= 25

    def _attachment_names(self, notes: list[int]) -> list[str]:
        text = self.text(notes[0])
        rest = ATTACHMENT_NOTE.match(text).group("rest")
        items: list[str] = []
        for k, raw in enumerate([rest] + [self.text(x) for x in notes[1:]]):
            m = ATTACHMENT_ITEM.match(raw)
            if m and (k == 0 or m.group("dot")):
                items.append(m.group("name").strip())
            elif items and k > 0:
                items[-1] += raw.strip()  # a long name wrapped onto the next line
            elif raw.strip():
                items.append(raw.strip())
        return items

    def _after_date(self, j: int) -> None:
        el = self.el
        # 附注: one parenthesised paragraph right under the date (it may wrap in a PDF)
        if j < self.n and ANNOTATION.match(self.text(j)):
            k = j
            text = self.text(j)
            while not text.rstrip().endswith(("）", ")")) and k + 1 < self.n and k - j < 3:
                k += 1
                text += self.text(k)
            el.annotation = el.found(j, text)
            name = CONTACT_NAME.search(text)
            el.contact_name = name.group("name") if name else None
            phone = nlp.PHRASES["PHONE"].search(text)
            el.contact_phone = phone.group(0) if phone else None
            j = k + 1
        while j < self.n:
            t = self.text(j)
            label = ATTACHMENT_LABEL.match(t)
            if label:
                title = el.found(j + 1) if j + 1 < self.n else None
                el.attachment_pages.append((el.found(j), title))
            elif CC.match(t) and el.cc is None:
                k, text = j, t
                while not text.endswith(("。", ".")) and k + 1 < self.n and not PRINT_LINE.match(self.text(k + 1)) and k - j < 3:
                    k += 1
                    text += self.text(k)
                el.cc = el.found(j, text)
                el.cc_list = split_names(CC.match(text).group("rest").rstrip("。."))
                j = k
            elif PRINT_LINE.match(t):
                el.print_line = el.found(j)
            j += 1

    # 结构层次 ---------------------------------------------------------------------------------
    def _headings(self) -> None:
        el = self.el
        for i in el.body_lines:
            if i not in el.paragraph_starts:
                continue
            text = self.text(i)
            for level, pattern in HEADINGS:
                m = pattern.match(text)
                if m:
                    el.headings.append(Heading(level=level, label=m.group("label"), number=chinese_number(m.group("n")) or 0,
                                               line=i, page=el.pages_of[i]))
                    break

    def _phrases(self) -> None:
        """spaCy marks the phrases the drafting rules look for; each is mapped back to its line."""
        el = self.el
        offsets, text = [], ""
        for i in range(self.n):
            offsets.append(len(text))
            text += el.lines[i].text + "\n"
        for label, phrase, start in nlp.phrases(text):
            el.phrases.append((label, phrase, bisect.bisect_right(offsets, start) - 1))


def parse_elements(document: Document) -> Elements:
    """Find the 公文 elements of a document read into the layout model."""
    return _Parser(document).parse()
