"""Refusals in seam S3's shape (code, Chinese message, action), and the actor's history name (seam S2).

Until branch house's DeskRefusal/Action (pipelines/desk) are on main, HandlingRefusal subclasses today's
desk.DeskRefusal (so the CLI already prints its Chinese line and exits 2) and carries `code`, `message` and
`action` as S3 says; Action is S3's dataclass. When S3 lands these two become imports of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..desk import DeskRefusal

try:  # seam S3 (branch house)
    from ..desk import Action  # type: ignore
except ImportError:
    @dataclass(frozen=True)
    class Action:  # type: ignore[no-redef]
        name: str  # a desk operation: "sign", "route", "classify", …
        label: str  # Chinese, fit for a button
        args: dict = field(default_factory=dict)


class HandlingRefusal(DeskRefusal):
    """What was asked cannot be done: `code` (stable id), `message` (Chinese; also str()), `action` (what to do
    instead, or None)."""

    def __init__(self, code: str, message: str, action: Optional[Action] = None):
        super().__init__(message)
        self.code, self.message, self.action = code, message, action


def actor_name(actor) -> str:
    """The history name of `actor` (seam S2): an Actor's .name, or the str itself ("batch", "cli:<os user>")."""
    name = getattr(actor, "name", actor)
    if not isinstance(name, str) or not name.strip():
        raise HandlingRefusal("no_actor", "未指明办理人（账户、batch 或 cli:用户名），本次未办理")
    return name.strip()


def actor_display(actor) -> str:
    """How a person is named on a form: an Actor's display (姓名) where it has one, else its history name."""
    return getattr(actor, "display", "") or actor_name(actor)
