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
from .common import find

CONFIRM, DISMISS = "confirm", "dismiss"
DECISION_ZH = {CONFIRM: "确认退文", DISMISS: "不予退文，转分办"}


@dataclass
class Held:
    """One 待复核 document as the clerk's queue shows it."""
    number: str
    title: str  # the title read (else the file name)
    received_at: str
    reason: str  # why the 退文 is doubtful (Chinese)
    findings: list[dict] = field(default_factory=list)  # the proposed 退文 findings (error severity), as the report has them


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
    return [f for f in findings if isinstance(f, dict) and f.get("severity") == "error"]


def review_queue(office, *, actor: Optional[Actor] = None) -> list[Held]:
    """The documents held 待复核, oldest first, as `actor` may see them (the 复核 role only: DeskRefusal
    "forbidden" for others)."""
    actor = acting(actor)
    require(actor, "review")
    rows = [r for r in office.ledger.rows() if r["status"] == "review_held" and can_see(actor, r)]
    return [Held(r["number"], r["title"] or r["file"], r["received_at"], r.get("reason") or "", _proposed(r))
            for r in sorted(rows, key=lambda r: (r["year"], r["seq"]))]


def review(office, key: str, decision: str, reason: Optional[str] = None, *,
           actor: Optional[Actor] = None) -> Reviewed:
    """The clerk's 复核 of 待复核 document `key`: CONFIRM — the 退文 goes out (notice in outbox/<来文单位>/, the
    ledger `returned`); DISMISS — the proposed reasons are not true: 分办 and 检索 as any accepted document (or
    the 机要室 where it turns out classified). Compare-and-set on the row read (LedgerConflict when someone
    decided meanwhile). DeskRefusal: "not_found", "forbidden" (access.py), "not_review_held" (any other
    status), "bad_decision"."""
    from ..disposition import return_document, route_and_index
    from ..review import review_original
    from ..review_records import CONFIRMED, DISMISSED, record_review
    from ..secrecy import decide
    from ..secrecy_records import decision_kind

    actor = acting(actor)
    if decision not in (CONFIRM, DISMISS):
        raise DeskRefusal("bad_decision", "复核须写明确认退文（--confirm）或不予退文（--dismiss）")
    row = find(office, key, actor=actor, action="review")
    number = row["number"]
    if row["status"] != "review_held":
        raise DeskRefusal("not_review_held", f"{number} 不是待复核的收文（现为{STATUS_ZH.get(row['status'], row['status'])}），无需复核")
    note = f"文秘复核：{DECISION_ZH[decision]}" + (f"（{reason}）" if reason else "")
    ledger = office.ledger
    review_ = review_original(office, row)
    if decision == CONFIRM:
        version = ledger.set_status(row["id"], "reviewed", note, expect_version=row["version"],
                                    expect_status=("review_held",), **history_kwargs(ledger, actor))
        record_review(office.root, row, CONFIRMED, reason or "", actor.history_name)
        notice = return_document(office, {**row, "version": version}, review_.report, version, actor=actor)
        return Reviewed(row, decision, "returned", notice=notice)
    version = ledger.set_status(row["id"], "reviewed", note, expect_version=row["version"],
                                expect_status=("review_held",), **history_kwargs(ledger, actor))
    record_review(office.root, row, DISMISSED, reason or "", actor.history_name)
    outcome = route_and_index(office, ledger.get(row["id"]), review_, office.rules,
                              decide(review_, decision_kind(office.root, row)), actor=actor)
    return Reviewed(row, decision, outcome.status, department=outcome.department)
