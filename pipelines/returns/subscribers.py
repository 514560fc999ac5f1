"""Seam S4's subscribers of 退文 (pipelines/events.py names this module in SUBSCRIBERS): a notice issued is queued
for delivery; a withdrawal issues its 撤回通知 and queues it. A person's act (a clerk's 重发 or 撤回) is
delivered at once — the clerk is told how it went; the batch's are sent by its 送达 step after the documents
(pipelines/returns/delivery.deliver), so that no document waits for a mail server. All idempotent: the next
batch retries a subscriber that failed (events.retry_failed), and queueing the same notice twice queues it once.
"""
from __future__ import annotations

from .. import events


def _deliver_now(office, row: dict, actor: str) -> None:
    if actor != "batch":
        from .delivery import deliver

        deliver(office, actor=actor, document_id=row["id"])


def _issued(office, row: dict, notice_id) -> None:
    from .issue import notice, notices

    issued = notice(office, int(notice_id)) if notice_id else None
    if issued is None:  # emitted without the notice's id: the document's latest
        listed = [n for n in notices(office, row["id"]) if n.kind != "withdrawal"]
        issued = listed[-1] if listed else None
    return issued


def on_returned(office, row: dict, department=None, actor: str = "batch", **extra) -> None:
    """退文 / 重发: the notice (extra notice_id) is queued; a person's is sent now."""
    from .delivery import queue_notice

    issued = _issued(office, row, extra.get("notice_id"))
    if issued is not None:
        queue_notice(office, issued, actor)
        _deliver_now(office, row, actor)


def on_withdrawn(office, row: dict, department=None, actor: str = "batch", **extra) -> None:
    """撤回: the notices' recorded paths follow them to withdrawn/, the 撤回通知 is issued (with the clerk's reason)
    and queued; a person's is sent now."""
    from .delivery import queue_notice
    from .issue import follow_moved, issue_withdrawal

    follow_moved(office, row)
    issued = issue_withdrawal(office, row, extra.get("reason") or "文秘人员复核后撤回退文", actor=actor)
    if issued is not None:
        queue_notice(office, issued, actor)
        _deliver_now(office, row, actor)


def finish_withdrawal(office, row: dict) -> None:
    """A withdrawal the batch finishes (interrupted after the ledger moved): its RETURN_WITHDRAWN again, with the
    clerk's reason as the history holds it (撤回退文：…). Idempotent: a 撤回通知 issued already is not issued again."""
    from .issue import notices

    if any(n.kind == "withdrawal" for n in notices(office, row["id"])):
        return
    said = [h["note"] for h in office.ledger.history(row["id"]) if (h.get("note") or "").startswith("撤回退文：")]
    reason = said[-1].removeprefix("撤回退文：") if said else ""
    events.emit(events.RETURN_WITHDRAWN, office, row, actor="batch", reason=reason or "文秘人员复核后撤回退文")


events.subscribe(events.RETURNED, on_returned, idempotent=True)
events.subscribe(events.RETURN_RESENT, on_returned, idempotent=True)
events.subscribe(events.RETURN_WITHDRAWN, on_withdrawn, idempotent=True)
