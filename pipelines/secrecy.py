"""The 机要 policy (机要政策), in one place: whether a reviewed document is open, classified or held, and
whether a ledger row is confidential.

    decide(review, recorded) -> Decision   OPEN        routed and indexed (or returned, if its 初审 says so)
                                           CLASSIFIED  marked 绝密/机密/秘密: to the 机要室, never indexed, never returned
                                           HELD        a 密级 line is there but its level cannot be read: held for the
                                                       机要员 (ledger status `held`), never indexed, never returned
                                           with the 机要员's recorded decision (secrecy_records.py) folded in, once:
                                           a mark nobody could read that the 机要员 read and released is OPEN
                                           (Decision.released); a level that can be read always stops it
    is_confidential(row)                   a ledger row nobody but the 机要员 sees: classified, held, with the
                                           机要室, or a level named in its 密级 field (the ledger's definition,
                                           beside its SQL form; access.py decides who sees it)
    kept_from_index(row)                   never in the shared index: is_confidential (one predicate)
    releasable(row)                        whether the 机要员's 核定非涉密 can succeed: held, or with the 机要室
                                           with no level that can be read (reads_a_level: its 密级 field or its
                                           初审's security.classified) — the desk's release refuses what this
                                           refuses, and the page offers the button only where it is True
    name_shown(name)                       a file name as the batch's output, a history line or a file name may
                                           say it: NAME_WITHHELD where the name says a 密级 (named_by_sender)
    CONFIDENTIAL_OFFICE                    "机要室"

The batch, 撤回 (withdraw), 改办 (route), release and any re-indexing ask decide(); the search index refuses
classified text again on its side. Every reading of a 密级 — the levels, a mark line, where GB/T 9704 puts a
mark (版头, above the title, never a 正文 line), a mark the parser could not read — is extractors/secrecy.py's
(the one 密级 reader, seam S7); this module decides what follows from it. A mark whose level can be read is
classified; a mark whose level cannot be read holds the document, never a guess. Source: GB/T 9704-2012 7.2.2
(密级和保密期限); 保密法 — classified text must never reach the shared index.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from extractors.secrecy import CLASSIFIED, HELD, OPEN, level_named, level_of
from extractors.secrecy import Decision as Reading

from .secrecy_records import RELEASED

CONFIDENTIAL_OFFICE = "机要室"  # where classified documents go (分办), and the 机要员's office
CLASSIFIED_REASON = "涉密公文经非涉密渠道传来，转机要室处理，不进入共享检索"


@dataclass(frozen=True)
class Decision(Reading):
    """extractors.secrecy.Decision (kind OPEN | CLASSIFIED | HELD, reason, level) with what only the policy
    knows: `released`, OPEN because the 机要员 read a mark nobody could read and released it (never returned)."""
    released: bool = False


def decide(review, recorded: Optional[str] = None) -> Decision:
    """OPEN, CLASSIFIED or HELD for a Review (pipelines.review) and the 机要员's last recorded decision on it
    (secrecy_records.decision_kind: CLASSIFIED, HELD, RELEASED or None). RELEASED turns HELD into
    Decision(OPEN, released=True) — the one place the release is honoured; CLASSIFIED never becomes OPEN."""
    decision = index_decision(review)
    if decision.kind == HELD and recorded == RELEASED:
        return Decision(OPEN, RELEASED_REASON, released=True)
    return decision


RELEASED_REASON = "机要员核定：非涉密公文"


def conclusion(report: dict, decision: Decision) -> str:
    """The 初审 conclusion as the office acts on it (the history's 初审 line, `shouwen validate`'s 初审结论): a
    classified or held document is never returned (it goes to the 机要室, or waits for the 机要员), nor one the
    机要员 released — its line says so instead of 退文. One wording for the batch and validate."""
    if not_returned(report, decision):
        if decision.kind == CLASSIFIED:
            return "格式有误（涉密公文，不退文，转机要室办理）"
        if decision.kind == HELD:
            return "格式有误（待机要员核定密级，不退文）"
        return "格式有误（机要员已核定非涉密，不退文，转分办）"
    return {"return": "退文", "review_held": "退文理由存疑（待复核）"}.get(report.get("outcome"), "通过")


def not_returned(report: dict, decision: Decision) -> bool:
    """True when the 初审 says 退文 but the 机要 policy keeps the document from being returned (conclusion)."""
    return report.get("verdict") == "return" and (decision.kind != OPEN or decision.released)


def index_decision(review) -> Decision:
    """OPEN, CLASSIFIED or HELD for a Review from the text alone (no recorded decision: use decide()). A mail
    whose 主件 is open but one of whose 附件 is classified (or held) is classified (held) as a whole
    (review.annex_secrecy)."""
    decision = _main_decision(review)
    annex = getattr(review, "annex_secrecy", None)
    if annex is not None and (decision.kind == OPEN or (decision.kind == HELD and annex.kind == CLASSIFIED)):
        return Decision(annex.kind, annex.reason, annex.level)
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
    named = _named_by_sender(report)
    if named:  # no mark on the document, but the sender's subject or file name says a level: held, not guessed
        return Decision(HELD, f"{named}，正文未见密级标志，暂存待机要员核定，不进入检索、不退文、不分办")
    return Decision(OPEN)


def _named_by_sender(report: dict) -> Optional[str]:
    return named_by_sender(report.get("file"), (report.get("mail") or {}).get("subject"))


def named_by_sender(file_name: Optional[str], mail_subject: Optional[str]) -> Optional[str]:
    """Where the sender named a 密级 outside the document (extractors.secrecy.level_named): the mail's subject or
    the file's name, said for the 机要员 ("邮件主题标有“机密”"); None when neither does. A document that says so
    is held for the 机要员 — read or not (an unreadable one is not put in the clerk's 隔离区 under its title)."""
    if level_named(mail_subject):
        return f"邮件主题标有“{level_named(mail_subject)}”"
    if level_named(file_name):
        return f"文件名标有“{level_named(file_name)}”"
    return None


NAME_WITHHELD = "（文件名标有密级，不予显示）"


def name_shown(name: Optional[str]) -> str:
    """`name` (an inbox file's name) as anything but the 机要员's own view may say it — the batch's output, a line
    in a registration's history: NAME_WITHHELD where the name itself says a 密级 (named_by_sender: it may be the
    title of a classified document), else the name unchanged."""
    core = (name or "").lstrip(".").removeprefix("~$")  # a writer's temporary (.name, ~$name) names the same
    return NAME_WITHHELD if named_by_sender(core, None) else (name or "")


# -- ledger rows ------------------------------------------------------------------------------------------------

# A 密级 field that names a level: one of these characters, then 密 somewhere after it — 机密, 机　密★1年, 密级：绝密,
# 秘 密, the traditional 機密 and 祕密. A superset of what extractors.secrecy.level_of reads (tests hold it so): a
# field the reader might not read as a level still withholds the row (an unreadable mark is held anyway).
LEVEL_FIRST = ("绝", "机", "秘", "機", "祕", "絕")


def names_level(secrecy) -> bool:
    """True when a 密级 field holds one of LEVEL_FIRST followed, anywhere later, by 密 (what the SQL's LIKE says)."""
    text = secrecy or ""
    return any(first in text and "密" in text[text.index(first) + 1:] for first in LEVEL_FIRST)


def is_confidential(row: dict) -> bool:
    """A row nobody but the 机要员 sees, on any face (pipelines/access.py): classified (sent to the 机要室 as such:
    route_source 'classified'), held for the 机要员 (status 'held'), with the 机要室 however it got there, or whose
    密级 field names a level (names_level: also in the moment between the 初审 recording a 机密 and the batch sending
    it to the 机要室). The same test as confidential_sql, which every paged ledger query filters on (the ledger
    imports both from here); a test holds them to the same answer on both backends."""
    return (row.get("route_source") == "classified" or row.get("status") == "held"
            or row.get("department") == CONFIDENTIAL_OFFICE or names_level(row.get("secrecy")))


def confidential_sql(alias: str = "d") -> str:
    """is_confidential as an SQL condition on the documents row `alias` (true or false, never NULL). Plain
    comparisons and LIKE only (both backends; the 密级 test reads a column that is NULL on almost every row)."""
    levels = " OR ".join(f"{alias}.secrecy LIKE '%{first}%密%'" for first in LEVEL_FIRST)
    return (f"(coalesce({alias}.route_source, '') = 'classified' OR {alias}.status = 'held'"
            f" OR coalesce({alias}.department, '') = '{CONFIDENTIAL_OFFICE}'"
            f" OR ({alias}.secrecy IS NOT NULL AND ({levels})))")


def kept_from_index(row: dict) -> bool:
    """Never (again) in the shared search index: is_confidential (the same predicate that hides it everywhere)."""
    return is_confidential(row)


def at_confidential_office(row: dict) -> bool:
    """Routed to the 机要室 (its final step in the batch: pending() leaves it there)."""
    return row.get("status") == "routed" and row.get("department") == CONFIDENTIAL_OFFICE


def releasable(row: dict) -> bool:
    """Whether the 机要员's 核定非涉密 (release) can succeed on ledger row `row`: a held row (its mark unreadable:
    decide() keeps a readable level with the 机要室 whatever the 机要员 says), or one sent to the 机要室
    (route_source 'classified') whose level cannot be read (reads_a_level). The desk's release refuses what this
    refuses, and a page offers the button only where this is True: one rule for both."""
    if row.get("status") == "held":
        return True
    return at_confidential_office(row) and row.get("route_source") == "classified" and not reads_a_level(row)


def reads_a_level(row: dict) -> bool:
    """True when the row's recorded readings say a level: its 密级 field (extractors.secrecy.level_of) or its 初审's
    security.classified finding — where decide() starts from; such a document never leaves the 机要室."""
    import json

    try:
        findings = json.loads(row.get("findings") or "[]")
    except (TypeError, ValueError):
        findings = []
    return bool(level_of(row.get("secrecy"))) or any(
        isinstance(f, dict) and f.get("rule") == "security.classified" for f in (findings if isinstance(findings, list) else []))
