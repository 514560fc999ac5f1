"""退文 at the desk: 重发 and 撤回 (pipelines/disposition.py does them)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

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
