"""Seam S4's subscribers (pipelines/events.py names this module in SUBSCRIBERS): a document routed to a department
opens its 承办记录; a 改办 moves the record with the document. Both idempotent (the next batch may retry them:
ops.sync also finds what a failed subscriber left)."""
from __future__ import annotations

from . import ops


def on_routed(office, row: dict, department: str, actor: str = "batch", **extra) -> None:
    ops.open_for_routed(office, row, department, actor)


def on_rerouted(office, row: dict, department: str, actor: str = "batch", **extra) -> None:
    ops.moved(office, row, department, actor, reason=extra.get("reason"))  # extra: previous, reason


IDEMPOTENT = True

try:  # seam S4 (branch house); until it is on main the batch does not call these (ops.sync does their work)
    from .. import events  # type: ignore
except ImportError:
    events = None
if events is not None:
    events.subscribe(events.ROUTED, on_routed, idempotent=True)
    events.subscribe(events.REROUTED, on_rerouted, idempotent=True)
