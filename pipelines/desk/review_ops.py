"""待复核 at the desk (issue 24 §1): the clerk's queue of documents whose 退文 rests on a doubtful reading, and the
clerk's decision on each — confirm the 退文 (the notice goes out) or dismiss it (分办 → 检索).

    review_queue(office, actor=)                         -> [Held]      the 待复核 documents, oldest first
    review(office, key, "confirm"|"dismiss", reason, actor=) -> Reviewed  the clerk's 复核 of one

Both faces (CLI `shouwen review`, the web desk's queue and buttons) call these; who may is access.py's ("review":
the 文秘). The decision is recorded twice: in the ledger's history with the actor, and beside the registration
(pipelines/review_records.py) so that rebuild-ledger and a rerun batch keep to it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from ..access import can_see, require
from ..actors import Actor, acting, history_kwargs
from ..ledger import STATUS_ZH
from ..refusals import DeskRefusal
from .common import find, named_findings

CONFIRM, DISMISS, LETTER, DOCUMENT = "confirm", "dismiss", "letter", "document"
DECISION_ZH = {CONFIRM: "确认退文", DISMISS: "不予退文，转分办", LETTER: "是来信（不按公文格式审核）", DOCUMENT: "是公文（按公文初审）"}


@dataclass
class Held:
    """One 待复核 document as the clerk's queue shows it."""
    number: str
    title: str  # the title read (else the file name)
    received_at: str
    reason: str  # why the 退文 is doubtful, or why 来信 / 公文 could not be told (Chinese)
    findings: list[dict] = field(default_factory=list)  # the proposed 退文 findings (error severity), as the report has them
    choices: tuple[str, ...] = (CONFIRM, DISMISS, LETTER)  # the decisions open to the clerk (Reviewed.decision)
    id: Optional[int] = None  # the ledger row's id (the web desk's /documents/{id})


@dataclass
class Reviewed:
    row: dict  # the row as the clerk saw it (待复核)
    decision: str  # CONFIRM or DISMISS
    status: str  # the ledger status it went to: returned, or indexed / routed / held (分办, or 机要 after all)
    notice: Optional[str] = None  # confirm: the 退文通知单's path relative to the root
    department: Optional[str] = None  # dismiss: where it was routed


def _proposed(row: dict) -> list[dict]:
    try:
        findings = json.loads(row.get("findings") or "[]")
    except (TypeError, ValueError):
        return []
    return named_findings([f for f in findings if isinstance(f, dict) and f.get("severity") == "error"])


def review_queue(office, *, actor: Optional[Actor] = None) -> list[Held]:
    """The documents held 待复核, oldest first, as `actor` may see them (the 复核 role only: DeskRefusal
    "forbidden" for others)."""
    actor = acting(actor)
    require(actor, "review")
    rows = [r for r in office.ledger.rows() if r["status"] == "review_held" and can_see(actor, r)]
    return [Held(r["number"], r["title"] or r["file"], r["received_at"], r.get("reason") or "", _proposed(r),
                 _choices(office, r), r["id"])
            for r in sorted(rows, key=lambda r: (r["year"], r["seq"]))]


def _choices(office, row: dict) -> tuple[str, ...]:
    """What the clerk may decide on a 待复核 row: 来信 or 公文 where that was the doubt, else the 退文 or not
    (or, a 公文 held on a doubtful 退文 that is a citizen's letter after all: 是来信)."""
    from ..review_records import KIND_HELD, review_kind

    return (LETTER, DOCUMENT) if review_kind(office.root, row) == KIND_HELD else (CONFIRM, DISMISS, LETTER)


def review(office, key: str, decision: str, reason: Optional[str] = None, *,
           actor: Optional[Actor] = None) -> Reviewed:
    """The clerk's 复核 of 待复核 document `key`. On a 退文 resting on a doubtful reading: CONFIRM — the 退文 goes
    out (notice in outbox/<来文单位>/, the ledger `returned`); DISMISS — the proposed reasons are not true: 分办
    and 检索 as any accepted document (or the 机要室 where it turns out classified). Where 来信 or 公文 could not
    be told: LETTER — a citizen's letter, into the letters' register (交办 or 转出, never 初审); DOCUMENT — a 公文,
    初审 as always (which may hold it again on a doubtful 退文). LETTER is open on a doubtful 退文 too (a
    citizen's letter taken for a 公文). Compare-and-set on the row read (LedgerConflict when someone decided
    meanwhile). DeskRefusal: "not_found", "forbidden" (access.py), "not_review_held" (any other status),
    "bad_decision" (a decision not open on this row)."""
    from ..disposition import return_document, route_and_index
    from ..process import process
    from ..review import review_original
    from ..review_records import AS_DOCUMENT, AS_LETTER, CONFIRMED, DISMISSED, record_review
    from ..secrecy import decide
    from ..secrecy_records import decision_kind

    actor = acting(actor)
    if decision not in DECISION_ZH:
        raise DeskRefusal("bad_decision", "复核须写明：确认退文（--confirm）、不予退文（--dismiss）、是来信（--letter）或是公文（--document）")
    row = find(office, key, actor=actor, action="review")
    number = row["number"]
    if row["status"] != "review_held":
        raise DeskRefusal("not_review_held", f"{number} 不是待复核的收文（现为{STATUS_ZH.get(row['status'], row['status'])}），无需复核")
    choices = _choices(office, row)
    if decision not in choices:
        raise DeskRefusal("bad_decision", f"{number} 待复核的是：{'、'.join(DECISION_ZH[c] for c in choices)}；"
                                          f"不能“{DECISION_ZH[decision]}”")
    note = f"文秘复核：{DECISION_ZH[decision]}" + (f"（{reason}）" if reason else "")
    ledger = office.ledger
    version = ledger.set_status(row["id"], "reviewed", note, expect_version=row["version"],
                                expect_status=("review_held",), **history_kwargs(ledger, actor))
    record = {CONFIRM: CONFIRMED, DISMISS: DISMISSED, LETTER: AS_LETTER, DOCUMENT: AS_DOCUMENT}[decision]
    record_review(office.root, row, record, reason or "", actor.history_name)
    if decision in (LETTER, DOCUMENT):  # the batch's own step again, with the clerk's choice (process._tell)
        outcome = process(office, row["id"], office.rules)
        return Reviewed(row, decision, outcome.status, department=outcome.department)
    review_ = review_original(office, row)
    if decision == CONFIRM:
        notice = return_document(office, {**row, "version": version}, review_.report, version, actor=actor)
        try:  # a 退文 is searchable too (status returned), as the batch's (process.py)
            from index import IndexUnavailable

            from ..search_sync import add_document

            add_document(office.index, row, review_, status="returned")
        except IndexUnavailable:
            pass  # caught up by a later batch (search_sync.catch_up)
        return Reviewed(row, decision, "returned", notice=notice)
    outcome = route_and_index(office, ledger.get(row["id"]), review_, office.rules,
                              decide(review_, decision_kind(office.root, row)), actor=actor)
    return Reviewed(row, decision, outcome.status, department=outcome.department)
