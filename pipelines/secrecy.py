"""The 机要 policy (机要政策), in one place: whether a reviewed document is open, classified or held, and
whether a ledger row is confidential.

    decide(review, recorded) -> Decision   OPEN        routed and indexed (or returned, if its 初审 says so)
                                           CLASSIFIED  marked 绝密/机密/秘密: to the 机要室, never indexed, never returned
                                           HELD        a 密级 line is there but its level cannot be read: held for the
                                                       机要员 (ledger status `held`), never indexed, never returned
                                           with the 机要员's recorded decision (secrecy_records.py) folded in, once:
                                           a mark nobody could read that the 机要员 read and released is OPEN
                                           (Decision.released); a level that can be read always stops it
    is_confidential(row)                   a ledger row the shared views withhold: classified, held, or a level
                                           in its 密级 field (pipelines/access.py decides who sees it)
    kept_from_index(row)                   is_confidential, or with the 机要室 however it got there
    CONFIDENTIAL_OFFICE                    "机要室"

The batch, 撤回 (withdraw), 改办 (route), release and any re-indexing ask decide(); the search index refuses
classified text again on its side. A line at the head of the document that looks like a 密级 mark (密级：…,
机　密★…, 秘 密 …) which the element parser did not turn into a level (or the parser's own
`secrecy_unreadable`) is enough: classified where a level can be read in it once spacing and labels are set
aside, otherwise held, not guessed. Source: GB/T 9704-2012 7.2.2 (密级和保密
期限); 保密法 — classified text must never reach the shared index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .secrecy_records import RELEASED

LEVELS = ("绝密", "机密", "秘密")
OPEN, CLASSIFIED, HELD = "open", "classified", "held"
CONFIDENTIAL_OFFICE = "机要室"  # where classified documents go (分办), and the 机要员's office
CLASSIFIED_REASON = "涉密公文经非涉密渠道传来，转机要室处理，不进入共享检索"
_SPACE = re.compile(r"[\s\u3000]+")
# A line that begins like a 密级 mark: 密级 (labelled), or 绝/机/秘 + 密 (any spacing) followed by ★, a
# separator, a digit, 紧急程度 or the end of the line — not a title that merely begins with 秘密….
MARK = re.compile(r"^[\s\u3000]*(?:(?:份[\s\u3000]*号[\s\u3000]*[:：]?[\s\u3000]*)?[0-9０-９]{1,8}[\s\u3000]*)?"  # a 份号,
                  r"[【\[〔（(★☆*＊▲]?[\s\u3000]*"  # a bracket or a star may come first
                  r"(?:密[\s\u3000]*级|(?:绝|机|秘)[\s\u3000]*密(?=[\s\u3000★☆*＊:：()（）【】\[\]〔〕\d０-９]|$|特急|加急|平急))")
HEAD_LINES = 80  # how far down a 密级 mark is looked for, whatever was taken for the title: a web page's or a
# portal's navigation (dozens of lines) can come before the 版头; a mark must begin its line (MARK), so the 正文's
# sentences within these lines ("做好秘密载体管理", "机密文件…") do not match


@lru_cache(maxsize=1)
def _unclassified() -> re.Pattern:
    """A 密级 field that says unclassified (密级：无 …), with extractors.elements' words (imported when first
    needed: the parser's module loads the language model, which the desk's row checks must not)."""
    from extractors.elements import UNCLASSIFIED_WORDS

    return re.compile(r"^[\s\u3000]*(?:份[\s\u3000]*号[\s\u3000]*[:：]?[\s\u3000]*[0-9０-９]{1,8}[\s\u3000]*)?密[\s\u3000]*级"
                      rf"[\s\u3000]*[:：]?[\s\u3000]*(?:{UNCLASSIFIED_WORDS})[\s\u3000]*$")


@dataclass(frozen=True)
class Decision:
    kind: str  # OPEN | CLASSIFIED | HELD
    reason: str = ""
    level: Optional[str] = None  # 绝密/机密/秘密 where classified
    released: bool = False  # OPEN because the 机要员 read a mark nobody could read and released it: never returned

    @property
    def indexable(self) -> bool:
        return self.kind == OPEN


def level_of(secrecy: Optional[str]) -> Optional[str]:
    """绝密/机密/秘密 from a 密级 as written (`机　密★1年`, `密级：机密`), else None."""
    flat = _SPACE.sub("", secrecy or "")
    return next((level for level in LEVELS if level in flat), None)


def unreadable_mark(elements) -> Optional[str]:
    """The text of a line at the head of the document that looks like a 密级 mark the parser could not read
    (its own `secrecy_unreadable` first), or None."""
    said = getattr(elements, "secrecy_unreadable", None)
    if said:
        return getattr(said, "text", None) or str(said)
    if elements.secrecy is not None and level_of(elements.secrecy.text):
        return None
    lines = elements.lines
    end = elements.title.line if elements.title is not None else 0
    # the head of the document, and the first lines whatever the parser took for the title (a forwarded mail's
    # headers, a web page's lines can come before the 版头)
    for line in lines[:max(end, HEAD_LINES)]:
        text = getattr(line, "text", str(line))
        if MARK.match(text) and not _unclassified().match(text):
            return text.strip()
    return None


def secrecy_decision(elements) -> Decision:
    """OPEN, CLASSIFIED or HELD from a document's parsed elements alone (extractors.elements.Elements): its 密级
    line as the parser read it (read_secrecy), else the MARK backstop (unreadable_mark). Used for a mail's 附件
    (pipelines/review.py annex_secrecy), whose 初审 report is not made."""
    level = level_of(elements.secrecy.text if elements.secrecy is not None else None)
    mark = unreadable_mark(elements)
    if level or (mark and level_of(mark)):
        return Decision(CLASSIFIED, ANNEX_CLASSIFIED, level or level_of(mark))
    if mark:
        return Decision(HELD, ANNEX_HELD)
    return Decision(OPEN)


ANNEX_CLASSIFIED = "邮件的附件有密级标志，全件按涉密公文转机要室处理，不进入共享检索"
ANNEX_HELD = "邮件的附件有密级标志但无法确定密级，全件暂存待机要员核定，不进入检索、不退文、不分办"


def decide(review, recorded: Optional[str] = None) -> Decision:
    """OPEN, CLASSIFIED or HELD for a Review (pipelines.review) and the 机要员's last recorded decision on it
    (secrecy_records.decision_kind: CLASSIFIED, HELD, RELEASED or None). RELEASED turns HELD into
    Decision(OPEN, released=True) — the one place the release is honoured; CLASSIFIED never becomes OPEN."""
    decision = index_decision(review)
    if decision.kind == HELD and recorded == RELEASED:
        return Decision(OPEN, RELEASED_REASON, released=True)
    return decision


RELEASED_REASON = "机要员核定：非涉密公文"


def index_decision(review) -> Decision:
    """OPEN, CLASSIFIED or HELD for a Review from the text alone (no recorded decision: use decide()). A mail
    whose 主件 is open but one of whose 附件 is classified (or held) is classified (held) as a whole
    (review.annex_secrecy)."""
    decision = _main_decision(review)
    annex = getattr(review, "annex_secrecy", None)
    if annex is not None and (decision.kind == OPEN or (decision.kind == HELD and annex.kind == CLASSIFIED)):
        return annex
    return decision


def _main_decision(review) -> Decision:
    report = review.report
    level = level_of(report["document"].get("secrecy"))
    if level:
        return Decision(CLASSIFIED, CLASSIFIED_REASON, level)
    mark = getattr(review, "secrecy_unreadable", None)
    if mark and level_of(mark):  # a mark the parser missed, but its level is plain once spacing and labels go
        return Decision(CLASSIFIED, CLASSIFIED_REASON, level_of(mark))
    if mark:  # the parser's secrecy_unreadable, or a mark-like line it did not read: held, not guessed
        return Decision(HELD, f"本件有密级标志“{mark[:40]}”但无法确定密级，暂存待机要员核定，不进入检索、不退文、不分办")
    if any(f["rule"] == "security.classified" for f in report["findings"]):  # any other reason the rule fired
        evidence = " ".join(f.get("evidence") or "" for f in report["findings"] if f["rule"] == "security.classified")
        return Decision(CLASSIFIED, CLASSIFIED_REASON, level_of(evidence) or "涉密")
    return Decision(OPEN)


# -- ledger rows ------------------------------------------------------------------------------------------------

def is_confidential(row: dict) -> bool:
    """A classified document (sent to the 机要室 as such, or a level readable in its 密级 field) or one held for
    the 机要员 (密级 unread): the shared views withhold its title and names (pipelines/access.py)."""
    return (row.get("route_source") == "classified" or row.get("status") == "held"
            or level_of(row.get("secrecy")) is not None)


def kept_from_index(row: dict) -> bool:
    """Never (again) in the shared search index: confidential, or with the 机要室 however it got there."""
    return is_confidential(row) or row.get("department") == CONFIDENTIAL_OFFICE


def at_confidential_office(row: dict) -> bool:
    """Routed to the 机要室 (its final step in the batch: pending() leaves it there)."""
    return row.get("status") == "routed" and row.get("department") == CONFIDENTIAL_OFFICE
