"""Refusals in seam S3's shape (code, Chinese message, action), and the actor's history name (seam S2).

HandlingRefusal is pipelines/refusals.py's DeskRefusal (code, message, *actions) with the one action handling
gives (so the CLI prints its Chinese line and exits 2). Imported from pipelines/refusals.py, not from the desk:
the desk runs the batch, whose 催办 step imports handling.
"""
from __future__ import annotations

from typing import Optional

from ..refusals import Action, DeskRefusal  # seam S3


class HandlingRefusal(DeskRefusal):
    """What was asked cannot be done: `code`, `message` (Chinese; also str()), `action` (or None)."""

    def __init__(self, code: str, message: str, action: Optional[Action] = None):
        super().__init__(code, message, *([action] if action is not None else []))

    def __reduce__(self):  # refusals cross process boundaries (worker pools) whole
        return (type(self), (self.code, self.message, self.action))


def actor_name(actor) -> str:
    """The history name of `actor` (seam S2): an Actor's .name, or the str itself ("batch", "cli:<os user>")."""
    name = getattr(actor, "name", actor)
    if not isinstance(name, str) or not name.strip():
        raise HandlingRefusal("no_actor", "未指明办理人（账户、batch 或 cli:用户名），本次未办理")
    return name.strip()


def actor_display(actor) -> str:
    """How a person is named on a form: an Actor's display (姓名) where it has one, else its history name."""
    return getattr(actor, "display", "") or actor_name(actor)
