"""What happened to a document (收文事件), said in one place, for the parts that follow it to subscribe to.

    events.subscribe(events.ROUTED, handler, idempotent=True)
    events.emit(events.ROUTED, office, row, department="综合科", actor="batch", reason="…")
    handler(office, row: dict, department: str | None, actor: str, **extra)

Each event is emitted where its state change happens, once (pipelines/disposition.py for the batch's and the
desk's dispositions, pipelines/desk for the clerk's own acts), after the ledger holds the change:
    ROUTED            分办 to `department` (rules, model, fallback, a withdrawn return, a release)
    REROUTED          改办 by a person to `department` (extra: previous)
    RETURNED          退文: the notice is in the outbox (extra: notice)
    RETURN_RESENT     重发 (extra: notice)
    RETURN_WITHDRAWN  撤回 (the document is ROUTED right after)
    RELEASED          机要员核定非涉密 (ROUTED follows)
    HELD              held for the 机要员 (密级 unread)
    CLASSIFIED        to the 机要室 as classified (never ROUTED: nothing else follows a classified document)
    REVIEW_HELD       待复核: a return resting on a doubtful reading waits for the clerk (a later branch)

Subscribers are the modules named in SUBSCRIBERS, imported on the first emit in each process (every worker has
them); a module subscribes when imported. A subscriber that raises never undoes the state change: the error is
noted in the document's history and, where the subscriber says it is idempotent, kept under events/ and
delivered again by the next batch (retry_failed).
"""
from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Optional

from .dataroot import DataRoot, write_json_atomically

ROUTED, REROUTED = "routed", "rerouted"
RETURNED, RETURN_RESENT, RETURN_WITHDRAWN = "returned", "return_resent", "return_withdrawn"
RELEASED, HELD, CLASSIFIED, REVIEW_HELD = "released", "held", "classified", "review_held"
EVENTS = (ROUTED, REROUTED, RETURNED, RETURN_RESENT, RETURN_WITHDRAWN, RELEASED, HELD, CLASSIFIED, REVIEW_HELD)
EVENT_ZH = {ROUTED: "分办", REROUTED: "改办", RETURNED: "退文", RETURN_RESENT: "重发退文", RETURN_WITHDRAWN: "撤回退文",
            RELEASED: "机要员核定非涉密", HELD: "待机要员核定", CLASSIFIED: "转机要室", REVIEW_HELD: "待复核"}

# the modules that subscribe (imported on first emit): add one line per part that follows documents
SUBSCRIBERS: tuple[str, ...] = (
    "pipelines.handling.subscribers",  # 承办: a routed document opens its handling record; a 改办 moves it
    "pipelines.returns.subscribers",  # 送达: a 退文通知单 / 重发 / 撤回通知 is queued for delivery (mail or the clerk)
)

log = logging.getLogger("shouwen.events")


@dataclass(frozen=True)
class Subscription:
    event: str
    handler: Callable
    idempotent: bool

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{self.handler.__qualname__}"


_subscriptions: list[Subscription] = []
_loaded = False
_guard = threading.Lock()


def subscribe(event: str, handler: Callable, *, idempotent: bool = False) -> Callable:
    """Call handler(office, row, department, actor, **extra) on every `event` from now on. idempotent: it may be
    called again with the same arguments (the next batch retries a delivery that raised). Returns handler."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    with _guard:
        if not any(s.event == event and s.handler is handler for s in _subscriptions):
            _subscriptions.append(Subscription(event, handler, idempotent))
    return handler


def unsubscribe(event: str, handler: Callable) -> None:
    with _guard:
        _subscriptions[:] = [s for s in _subscriptions if not (s.event == event and s.handler is handler)]


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in SUBSCRIBERS:
        importlib.import_module(module)


def wants(event: str) -> bool:
    """Whether anyone subscribes to `event` (so an emitter can skip reading the row again when no one does)."""
    _load()
    return any(s.event == event for s in _subscriptions)


def emit(event: str, office, row: dict, *, department: Optional[str] = None, actor: str = "batch", **extra) -> int:
    """Tell every subscriber of `event` about `row` (the ledger row after the change). extra: plain JSON values.
    A subscriber that raises is noted in the document's history (and kept for retry where idempotent); the
    others are still called. Returns how many subscribers succeeded."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    _load()
    done = 0
    for subscription in [s for s in _subscriptions if s.event == event]:
        if _deliver(subscription, office, row, department, actor, extra):
            done += 1
    return done


def _deliver(subscription: Subscription, office, row: dict, department, actor: str, extra: dict,
             keep: bool = True) -> bool:
    try:
        subscription.handler(office, row, department, actor, **extra)
        return True
    except Exception as exc:
        log.warning("subscriber %s of %s failed on %s", subscription.name, subscription.event, row.get("number"),
                    exc_info=True)
        retry = "，下批重试" if subscription.idempotent else ""
        try:
            office.ledger.note(row["id"], f"后续处理出错（{EVENT_ZH[subscription.event]}：{subscription.name}）："
                                          f"{type(exc).__name__}: {exc}"[:300] + retry)
        except Exception:
            log.warning("could not note the failed delivery in the history", exc_info=True)
        if keep and subscription.idempotent:
            _keep_failed(office, subscription, row, department, actor, extra)
        return False


def _keep_failed(office, subscription: Subscription, row: dict, department, actor: str, extra: dict) -> None:
    folder = DataRoot(office.root).events
    folder.mkdir(parents=True, exist_ok=True)
    record = {"event": subscription.event, "subscriber": subscription.name, "document_id": row["id"],
              "department": department, "actor": actor, "extra": extra, "at": time.time()}
    try:
        write_json_atomically(folder / f"{int(time.time() * 1000)}-{uuid.uuid4().hex[:8]}.json", record)
    except (OSError, TypeError, ValueError):
        log.warning("could not keep the failed delivery for retry", exc_info=True)


def failed(office) -> list[dict]:
    """The deliveries kept for retry (events/*.json), oldest first."""
    folder = DataRoot(office.root).events
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            out.append({**json.loads(path.read_text(encoding="utf-8")), "path": str(path)})
        except (OSError, ValueError):
            continue
    return out


def retry_failed(office) -> int:
    """Deliver again what idempotent subscribers failed on in an earlier batch (the row as the ledger holds it
    now); a delivery that succeeds, or whose subscriber or document is gone, is removed. Returns how many
    succeeded."""
    _load()
    done = 0
    for record in failed(office):
        from pathlib import Path

        path = Path(record.pop("path"))
        subscription = next((s for s in _subscriptions
                             if s.event == record.get("event") and s.name == record.get("subscriber")), None)
        row = office.ledger.get(record.get("document_id")) if subscription else None
        if subscription is None or row is None:
            path.unlink(missing_ok=True)
            continue
        if _deliver(subscription, office, row, record.get("department"), record.get("actor") or "batch",
                    record.get("extra") or {}, keep=False):
            path.unlink(missing_ok=True)
            done += 1
    return done
