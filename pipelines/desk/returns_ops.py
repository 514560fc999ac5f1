"""退文 at the desk: 重发 and 撤回 (pipelines/disposition.py does them), and a notice's 送达: recorded as delivered
by hand (公文交换, 传真 …) or tried again now (pipelines/returns/delivery.py does them). The CLI (`shouwen resend`,
`withdraw`, `returns --delivered/--retry`) and the web desk's document page call these same functions."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..access import may, require
from ..actors import Actor, acting
from ..refusals import DeskRefusal
from .common import find, named


@dataclass
class Resent:
    row: dict
    notice: Path  # the new 退文通知单 (docx), beside the first in outbox/<sender>/


@dataclass
class Withdrawn:
    row: dict
    outcome: object  # disposition.Outcome: status (indexed or routed), department, reason
    moved: list  # where the withdrawn notices went (withdrawn/<sender>/…)


def resend(office, key: str, *, actor: Optional[Actor] = None) -> Resent:
    """重发 the 退文通知单 of document `key` (disposition.resend_return). DeskRefusal when it is not returned or
    its original cannot be read."""
    from ..disposition import resend_return

    actor = acting(actor)
    row = find(office, key, actor=actor, action="resend")
    with _refusals(row, actor):
        return Resent(row, resend_return(office, row, actor=actor))


def withdraw(office, key: str, reason: str, *, actor: Optional[Actor] = None) -> Withdrawn:
    """撤回 the return of document `key` and 分办 it (disposition.withdraw_return). DeskRefusal when it is not
    returned or its original cannot be read."""
    from ..disposition import withdraw_return

    actor = acting(actor)
    if not (reason or "").strip():  # the 撤回通知 tells the sender why: a reason is required
        raise DeskRefusal("reason_required", "撤回退文须说明理由（写入撤回通知）")
    row = find(office, key, actor=actor, action="withdraw")
    with _refusals(row, actor):
        outcome, moved = withdraw_return(office, row, reason, actor=actor)
    return Withdrawn(row, outcome, moved)


class _refusals:
    """NotReturned and an unreadable original, as DeskRefusal."""

    def __init__(self, row: dict, actor: Actor):
        self.row, self.actor = row, actor

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        from extractors import UnusableInput

        from ..disposition import NotReturned

        if isinstance(exc, NotReturned):
            raise DeskRefusal("not_returned", str(exc)) from exc
        if isinstance(exc, UnusableInput):
            raise DeskRefusal("unreadable_original", f"{named(self.row, self.actor)}原件无法读取：{exc.reason}") from exc
        return False


# -- 送达: a notice's delivery, by the notice's own number (退〔2026〕3号) ------------------------------------------

DELIVERY_ACTIONS = {"delivered": "标记为已人工送达", "retry": "立即重试发送"}


@dataclass
class DeliveryDone:
    row: dict  # the returned document, as the clerk saw it
    notice: str  # the notice's number, 退〔2026〕3号
    state: str  # its delivery state now, in Chinese (已送达, 已发送, 发送失败 …)
    note: str = ""  # mark_delivered: how it was delivered, as recorded (已经传真送达)
    attempts: list = field(default_factory=list)  # retry: (sent: bool, the mail server's answer) per attempt


def delivery_actions(actor: Actor, row: dict, state: str) -> list[tuple[str, str]]:
    """What `actor` may do to a notice's delivery in `state` (delivery.STATES' keys), as (action, label):
    标记为已人工送达 while it is not sent (待送达, 发送失败, 待发送), 立即重试发送 when it failed. Whoever may 重发
    the return (access.py, action "resend"); nothing for a cancelled or sent one."""
    if not may(actor, "resend", row):
        return []
    out = []
    if state in ("manual", "failed", "pending"):
        out.append(("delivered", DELIVERY_ACTIONS["delivered"]))
    if state == "failed":
        out.append(("retry", DELIVERY_ACTIONS["retry"]))
    return out


def _notice_row(office, number: str, actor: Actor) -> dict:
    """The returned document whose notice is `number`, when `actor` may act on its delivery; DeskRefusal
    not_found (no such notice, or one of a document the actor may not see), forbidden (the role may not)."""
    from ..returns.delivery import for_notice
    from ..returns.issue import find_notice

    issued = find_notice(office, number or "")
    d = for_notice(office, issued.id) if issued else None
    row = office.ledger.get(d.document_id) if d and d.document_id else None
    if row is None:
        raise DeskRefusal("not_found", f"没有编号为“{number}”的退文通知")
    require(actor, "resend", row, number)
    return row


def mark_delivered(office, number: str, how: str = "", *, actor: Optional[Actor] = None) -> DeliveryDone:
    """登记已人工送达: notice `number` reached its sender by hand (`how`: 公文交换系统, 传真 …; default 人工送达).
    DeskRefusal "invalid" where it was sent by mail already or cancelled (delivery.mark_delivered)."""
    from ..returns import delivery

    actor = acting(actor)
    row = _notice_row(office, number, actor)
    try:
        d = delivery.mark_delivered(office, number, how, actor.history_name)
    except delivery.NotFound as exc:
        raise DeskRefusal("not_found", str(exc)) from exc
    except ValueError as exc:
        raise DeskRefusal("invalid", str(exc)) from exc
    return DeliveryDone(row, "".join(number.split()), d.state_zh, d.note or "")


def retry_delivery(office, number: str, *, actor: Optional[Actor] = None) -> DeliveryDone:
    """立即重试: send notice `number`, whose sending failed, again now (delivery.retry). DeskRefusal "invalid"
    where it has not failed."""
    from ..returns import delivery

    actor = acting(actor)
    row = _notice_row(office, number, actor)
    try:
        done = delivery.retry(office, number, actor.history_name)
    except delivery.NotFound as exc:
        raise DeskRefusal("not_found", str(exc)) from exc
    except ValueError as exc:
        raise DeskRefusal("invalid", str(exc)) from exc
    state = done.attempts[-1].delivery.state_zh if done.attempts else delivery.STATES["failed"]
    return DeliveryDone(row, "".join(number.split()), state, attempts=[(a.sent, a.answer) for a in done.attempts])
