"""The one 密级 reader (密级标志识别): which levels there are, what a line written as a 密级 mark says, where in
a document a mark is looked for, and what a document's parsed elements alone decide. Every other part (the
element parser, the security rule, the index's last refusal, the batch's decision) calls this module; nothing
else lists the levels. Source: GB/T 9704-2012 7.2.2 (密级和保密期限: 版心左上角第二行, 份号 above it); 保密法.

    LEVELS                               ("绝密", "机密", "秘密")
    UNCLASSIFIED_WORDS                   what a 密级 field says of an open document ("无|无密级|非密|…", a regex
                                         alternation)
    read_secrecy(text) -> dict | None    a whole line read as the parser reads a 密级 line:
                                         {"level", "star", "period", "urgency", "copy"}; level may be 内部/保密
    read_mark(text) -> Mark | None       a line read as a mark: kind CLASSIFIED (level read), UNREADABLE (a mark whose
                                         level cannot be read: held for the 机要员) or UNCLASSIFIED (密级：无 …)
    level_of(text) -> str | None         绝密/机密/秘密 from any written form (`机　密★1年`, `密级：机密`, `【秘密】`)
    is_mark_line(text) -> bool           a line that is a 密级 mark whose level is classified or cannot be read
    find_mark(lines, title_line, …)      the first such mark where GB/T 9704 puts it (版头: above the title)
    unreadable_mark(elements) -> str     the text of a mark the parser could not read, or None
    secrecy_decision(elements)           Decision OPEN / CLASSIFIED / HELD from the parsed elements alone

A line is a mark only when the whole line is one (a level, a label, a 保密期限, a 份号, a 紧急程度, nothing
else): "做好秘密载体管理" and "密级，并由专人报送。" are sentences, not marks.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Sequence

from .normalise import normalise

LEVELS = ("绝密", "机密", "秘密")
# what a 密级 field says of a document that is not classified ("密级：无", "非密", "公开"): a mark, nothing to hold
UNCLASSIFIED_WORDS = "无|无密级|非密|公开|内部公开|一般|普通|不涉密|非涉密"

# 密级 as documents carry it: spaced (机　密, the 1999 layout), labelled (密级：机密), with 保密期限 (★1年) and
# 紧急程度 on the same line; OCR reads the ★ as * ☆ ※ or drops it. Matched on the line without whitespace.
STARS = "★☆*＊✱✲✳⭐※▲△"
SECRECY_LINE = re.compile(
    rf"^(?:(?:紧急程度[:：]?)?(?P<urgency_first>特急|加急|特提|平急|急件))?(?:密级[:：]?)?(?P<level>绝密|机密|秘密|内部|保密)"
    rf"(?P<term>(?:保密期限[:：]?)?(?P<star>[{STARS}])?(?P<period>\d+年|[一二三四五六七八九十]+年|长期|\d+个月|[一二三四五六七八九十]+个月)?"
    rf"|[{STARS}])?"
    rf"(?:(?:紧急程度[:：]?)?(?P<urgency>特急|加急|特提|平急|急件))?$")
SECRECY = re.compile(rf"^(绝密|机密|秘密|内部|保密)\s*(?:([{STARS}]).*)?$")  # a 密级 already found: level and star
# a line that is a 密级 mark whatever its level says: a label
SECRECY_LABEL = re.compile(r"^密\s*级\s*[:：]")
UNCLASSIFIED_LABEL = re.compile(rf"^(?:份号[:：]?[0-9]{{1,8}})?密级[:：]?(?:{UNCLASSIFIED_WORDS})$")
# a star with a 保密期限: a mark whatever the level before it reads
SECRECY_TERM = re.compile(rf"[{STARS}]\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:年|个月)|[{STARS}]\s*长期")

# A line that begins like a 密级 mark (on the normalised line, spacing kept): a 份号 first perhaps, a bracket or a
# star, then 密级 or 绝/机/秘 + 密 (any spacing) followed by a blank, ★, a separator, a digit, 紧急程度 or the end
# of the line — not a title that merely begins with 秘密….
MARK = re.compile(r"^[\s\u3000]*(?:(?:份[\s\u3000]*号[\s\u3000]*[:：]?[\s\u3000]*)?[0-9]{1,8}[\s\u3000]*)?"
                  r"[【\[〔（(★☆*＊▲]?[\s\u3000]*"
                  r"(?:密[\s\u3000]*级|(?:绝|机|秘)[\s\u3000]*密(?=[\s\u3000★☆*＊:：()（）【】\[\]〔〕\d]|$|特急|加急|平急))")
UNCLASSIFIED = re.compile(r"^[\s\u3000]*(?:份[\s\u3000]*号[\s\u3000]*[:：]?[\s\u3000]*[0-9]{1,8}[\s\u3000]*)?密[\s\u3000]*级"
                          rf"[\s\u3000]*[:：]?[\s\u3000]*(?:{UNCLASSIFIED_WORDS})[\s\u3000]*$")
# the 密级 label and what follows it, on the line without whitespace: "份号：000123密级：■■"
_LABELLED = re.compile(r"^(?:份号[:：]?[0-9]{1,8})?[【\[〔（(]?密级(?P<colon>[:：])?(?P<rest>.*)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MARK_WORDS = re.compile(r"保密期限|紧急程度|特急|加急|平急|特提|急件|长期|个月|[一二三四五六七八九十]+年|年|级")
_SENTENCE = re.compile(r"[。；;！!？?，,、]")  # a mark is never a sentence, nor a clause of one
MAX_MARK_CHARS = 32  # the longest mark line: 份号：000123 密级：机密★10年 紧急程度：特急 (without blanks) is 25
HEAD_LINES = 80  # how far a mark is looked for when the document's title was not found: a web page's or a
# portal's navigation (dozens of lines) can come before the 版头

CLASSIFIED, UNREADABLE, UNCLASSIFIED_MARK = "classified", "unreadable", "unclassified"  # Mark.kind


@dataclass(frozen=True)
class Mark:
    """A 密级 mark read: `kind` CLASSIFIED (level 绝密/机密/秘密), UNREADABLE (a mark, its level unreadable) or
    UNCLASSIFIED_MARK (the field says the document is open); `text` the line as written (stripped); `line` its
    index in the lines looked at and `page` its page where known; `source` "text" or "image" (read by OCR from a
    picture on page 1, see extractors/image_marks.py)."""

    kind: str
    text: str
    level: Optional[str] = None
    line: Optional[int] = None
    page: Optional[int] = None
    source: str = "text"

    @property
    def held(self) -> bool:
        """A mark that keeps the document from the shared index: classified, or unreadable."""
        return self.kind in (CLASSIFIED, UNREADABLE)


def flatten(text: str) -> str:
    """The line as the mark readers see it: normalised (extractors/normalise.py), whitespace of every kind
    (ideographic space, no-break space) and invisible format characters (zero-width space, joiners, BOM) taken
    out — a mark spaced out or split by a zero-width character is still the mark."""
    text = normalise(text or "")
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _visible(text: str) -> str:
    """The normalised line with invisible format characters taken out, spacing kept (for MARK)."""
    return "".join(ch for ch in normalise(text or "") if unicodedata.category(ch) != "Cf")


def read_secrecy(text: str) -> Optional[dict]:
    """A 密级 line read: {"level", "star", "period", "urgency", "copy"} or None.

    Accepts "机密★1年", "机　密★1年" (spaced, the 1999 layout), "密级：机密", "机密★1年 特急", "000123 秘密",
    "【机密】", "★机密", "机密级", "机密，1年" and OCR's "机密*1年", "机密☆1年", "机密 1年". The whole line must
    be the mark: "做好秘密载体管理" is not. `level` may be 内部 or 保密 (not a legal level: element.secrecy says so).
    """
    compact = flatten(text)
    compact = re.sub(r"^份号[:：]?(?=[0-9])", "", compact)  # "份号：000123　密级：机密" on one line
    copy = re.match(r"^[0-9]{1,8}(?=\D)", compact)
    if copy:
        compact = compact[copy.end():]
    # a level in brackets, as web pages and some templates write it: "【机密】", "[秘密★1年]", "（机密）"
    compact = re.sub(r"^[【\[〔（(]((?:绝|机|秘)密[^】\]〕）)]{0,12})[】\]〕）)]", r"\1", compact)
    compact = re.sub(rf"^(密级[:：]?)?[{STARS}]+(?=(?:绝|机|秘)密)", r"\1", compact)  # "★机密": the star before the level
    compact = re.sub(r"^(密级[:：]?)?(绝密|机密|秘密)级?[,，、;；]?", r"\1\2", compact)  # "机密级", "机密，1年"
    m = SECRECY_LINE.match(compact)
    if not m:
        return None
    return {"level": m.group("level"), "star": m.group("star") or (m.group("term") if m.group("term") in STARS else None),
            "period": m.group("period"), "urgency": m.group("urgency") or m.group("urgency_first"),
            "copy": copy.group(0) if copy else None}


def secrecy_text(reading: dict) -> str:
    """The canonical form of a 密级 read by `read_secrecy`: "机密★1年", "秘密"."""
    text = reading["level"]
    if reading["star"] or reading["period"]:
        text += (reading["star"] or "") + (reading["period"] or "")
    return text


def _level_in(text: str) -> Optional[str]:
    return next((level for level in LEVELS if level in text), None)


def read_mark(text: str) -> Optional[Mark]:
    """The line `text` read as a 密级 mark, or None when it is not one (a sentence, a title, a heading).

    CLASSIFIED with its level: the parser's reading (read_secrecy), or a line that begins like a mark (MARK, a
    label, a 保密期限) in which a level can be read once spacing, labels and brackets are set aside.
    UNREADABLE: a label (密级：■■, 密级：), a ★ with a 保密期限 (杌宓★1年), or a line beginning like a mark,
    whose level cannot be read. UNCLASSIFIED_MARK: 密级：无 / 非密 / 内部公开 …, or the non-legal 内部 / 保密."""
    flat = flatten(text)
    if not flat or len(flat) > MAX_MARK_CHARS:
        return None
    shown = (text or "").strip()
    reading = read_secrecy(flat)
    if reading:
        if reading["level"] in LEVELS:
            return Mark(CLASSIFIED, shown, reading["level"])
        return Mark(UNCLASSIFIED_MARK, shown)  # 内部, 保密: not a legal 密级 (element.secrecy says so)
    if UNCLASSIFIED_LABEL.match(flat) or UNCLASSIFIED.match(_visible(text)):
        return Mark(UNCLASSIFIED_MARK, shown)
    if _SENTENCE.search(flat):
        return None  # "密级，并由专人报送。": a clause of a sentence that begins with the word
    labelled = _LABELLED.match(flat)
    if labelled:
        rest = labelled.group("rest")
        # "密级：■■", "密级：", "密级 杌宓": a label with something unreadable after it; "密级和保密期限的标注" is
        # a phrase (the label is followed by a colon, by nothing, or by a few characters at most)
        if labelled.group("colon") or len(rest) <= 3 or not re.search(r"[\u4e00-\u9fff]", rest):
            level = _level_in(rest)
            return Mark(CLASSIFIED, shown, level) if level else Mark(UNREADABLE, shown)
        return None
    if SECRECY_TERM.search(flat) or MARK.match(_visible(text)):
        level = _level_in(flat)
        if level and len(_HAN.findall(_MARK_WORDS.sub("", flat.split(level, 1)[1]))) > 3:
            return None  # "秘 密 级 文 件 管 理 办 法": a letter-spaced title that begins with a level, not a mark
        return Mark(CLASSIFIED, shown, level) if level else Mark(UNREADABLE, shown)
    return None


def level_of(text: Optional[str]) -> Optional[str]:
    """绝密/机密/秘密 from a 密级 as written (`机　密★1年`, `密级：机密`, `【秘密】`, `000123 机密★1年`), else None
    (no mark, an unclassified field, or a mark whose level cannot be read)."""
    mark = read_mark(text or "")
    return mark.level if mark is not None and mark.kind == CLASSIFIED else None


def is_mark_line(text: str) -> bool:
    """True for a line that is a 密级 mark keeping a document from the shared index: a classified level, or a mark
    whose level cannot be read. An unclassified field (密级：无) and sentences are not."""
    mark = read_mark(text)
    return mark is not None and mark.held


def _text(line) -> str:
    return getattr(line, "text", line) if not isinstance(line, str) else line


def _title_like(text: str) -> bool:
    """A line that could be a 公文's title (ends in a 文种, is no sentence): where a 版头 ends when the parser
    found no title."""
    from .elements import DOC_TYPES, doc_type_of  # the parser's list of 文种 (imported late: it imports us)

    flat = flatten(text)
    return 4 <= len(flat) <= 80 and not flat.endswith(("。", "；", "！", "？")) and doc_type_of(flat) in DOC_TYPES


def head_end(lines: Sequence, title_line: Optional[int], body_start: Optional[int] = None) -> int:
    """Where the 版头 area ends, as a line index (exclusive): GB/T 9704-2012 7.2 puts 份号, 密级 and 紧急程度
    above the 发文机关标志, and the title follows the 版头. With a title found, everything before the 正文
    (`body_start`, else the line after the title): the head the parser classified, a web page's heading printed
    before the document's own 版头 included. Without one, line order: up to the first line that reads like a title
    or a sentence of the 正文 within HEAD_LINES (a portal's navigation may come first)."""
    n = len(lines)
    if title_line is not None:
        end = body_start if body_start is not None and body_start > title_line else title_line + 1
        return min(n, end)
    for i in range(min(n, HEAD_LINES)):
        text = flatten(_text(lines[i]))
        if _title_like(text) or len(text) >= 12 and text.endswith(("。", "！", "？")):
            return i
    return min(n, HEAD_LINES)


def find_mark(lines: Sequence, title_line: Optional[int], body_start: Optional[int] = None,
              pages: Optional[Sequence[int]] = None) -> Optional[Mark]:
    """The first 密级 mark (classified or unreadable) where GB/T 9704-2012 7.2.2 puts it: in the 版头 area before
    the title (head_end), never in the 正文. `lines` are str or layout Lines; where they carry positions (PDF,
    OFD, OCR) a mark must also stand on the title's page above the title (by `top`). `pages` gives each line's
    page number. An unclassified field (密级：无) is passed over."""
    end = head_end(lines, title_line, body_start)
    title = lines[title_line] if title_line is not None and title_line < len(lines) else None
    title_top = getattr(title, "top", None) if title is not None else None
    title_page = pages[title_line] if title is not None and pages else (pages[0] if pages else None)
    for i in range(end):
        line = lines[i]
        mark = read_mark(_text(line))
        if mark is None or not mark.held:
            continue
        page = pages[i] if pages else None
        if page is not None and title_page is not None and page > title_page:
            continue  # the 版头 is on the title's page (page 1 where no title was found)
        top = getattr(line, "top", None)
        if title_line is not None and i < title_line and page == title_page and None not in (top, title_top) \
                and top > title_top:
            continue  # read before the title but laid out below it (a floating box, a note at the foot)
        return Mark(mark.kind, mark.text, mark.level, i, page)
    return None


# the decision taken from a document's parsed elements alone -------------------------------------------------------
OPEN, HELD = "open", "held"  # Decision.kind, with CLASSIFIED


@dataclass(frozen=True)
class Decision:
    """Whether a document may enter the shared index: kind OPEN, CLASSIFIED (marked 绝密/机密/秘密: to the 机要室)
    or HELD (a 密级 mark whose level cannot be read: held for the 机要员); `reason` Chinese; `level` where
    classified."""

    kind: str  # OPEN | CLASSIFIED | HELD
    reason: str = ""
    level: Optional[str] = None  # 绝密/机密/秘密 where classified

    @property
    def indexable(self) -> bool:
        return self.kind == OPEN


ANNEX_CLASSIFIED = "邮件的附件有密级标志，全件按涉密公文转机要室处理，不进入共享检索"
ANNEX_HELD = "邮件的附件有密级标志但无法确定密级，全件暂存待机要员核定，不进入检索、不退文、不分办"


def _body_start(elements) -> Optional[int]:
    body = getattr(elements, "body_lines", None)
    return body[0] if body else None


def unreadable_mark(elements) -> Optional[str]:
    """The text of a 密级 mark in the document's 版头 (find_mark) that the parser did not read as its 密级 (its own
    `secrecy_unreadable` first), or None. `elements` is an extractors.elements.Elements (duck-typed: lines,
    pages_of, title, body_lines, secrecy, secrecy_unreadable)."""
    said = getattr(elements, "secrecy_unreadable", None)
    if said:
        return getattr(said, "text", None) or str(said)
    if elements.secrecy is not None and level_of(elements.secrecy.text):
        return None
    title = elements.title.line if elements.title is not None else None
    mark = find_mark(elements.lines, title, _body_start(elements), getattr(elements, "pages_of", None) or None)
    return mark.text if mark is not None else None


def secrecy_decision(elements) -> Decision:
    """OPEN, CLASSIFIED or HELD from a document's parsed elements alone (extractors.elements.Elements): its 密级
    line as the parser read it (read_secrecy), else a mark in the 版头 it did not read (unreadable_mark). Used for a
    mail's 附件 (pipelines/review.py annex_secrecy), whose 初审 report is not made."""
    level = level_of(elements.secrecy.text if elements.secrecy is not None else None)
    mark = unreadable_mark(elements)
    if level or (mark and level_of(mark)):
        return Decision(CLASSIFIED, ANNEX_CLASSIFIED, level or level_of(mark))
    if mark:
        return Decision(HELD, ANNEX_HELD)
    return Decision(OPEN)


# A 密级 the sender put at the head of a mail's subject or of the file's name (机密★1年 关于……, 秘密-筑公发…pdf,
# 【绝密】…, 转发：机密：……): the level word first (after a forwarding prefix and an opening bracket), then a star,
# a bracket, a separator or the end — never a word inside a title (关于加强机密文件管理的通知, 秘密通道改造工程).
_NAMED_LEVEL = re.compile(
    r"^\s*(?:(?:转发|报送|回复|答复|Fwd?|FW|Re)\s*[:：]\s*)*[【\[〔（(]?\s*"
    r"(绝\s*密|机\s*密|秘\s*密|絕\s*密|機\s*密|祕\s*密)\s*"
    rf"(?:[{STARS}]|[】\]〕）)：:\-－—_\s]|$)", re.I)
_TRADITIONAL = {"絕": "绝", "機": "机", "祕": "秘"}


def level_named(name: Optional[str]) -> Optional[str]:
    """绝密/机密/秘密 when a mail's subject or a file's name begins with a 密级 (`机密★1年 关于……`,
    `秘密-筑公发2026-12号-名单.pdf`, `【绝密】布防图.docx`, `转发：机 密★6个月 通知`), else None. Not a mark on the
    document (GB/T 9704-2012 7.2.2 puts that in the 版头): what the sender said about it, for the policy to hold it."""
    m = _NAMED_LEVEL.match(unicodedata.normalize("NFC", name or ""))
    if not m:
        return None
    word = re.sub(r"\s", "", m[1])
    return _TRADITIONAL.get(word[0], word[0]) + "密"
