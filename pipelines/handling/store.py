"""承办's own tables beside the 登记簿 (seam S1: a Feature whose steps the ledger applies, SQL through `store`).

    handling          one 承办记录 per routed document (document_id → documents.id). Its state, kind, department
                      and deadline are a cache of what its events say (state.derive), recomputable at any time.
    handling_events   every step, appended, never changed: seq (1, 2, … per record: two writers cannot both add
                      the same step — UNIQUE(handling_id, seq)), kind (model.EVENTS), at (ISO 8601 with offset),
                      actor (the history name of seam S2: an account, "batch", "cli:<os user>"), on_behalf_of
                      (a 批办 typed by the clerk for a leader: the leader's name), department, words (the words
                      written: 拟办意见, 批示, reason, result …) and data (JSON: deadline, files, readers, …).

`tables(office)` is seam S1's store (pipelines/ledger/store.py) on this thread's ledger connection, the feature's
steps applied once per connection (ledger.ensure).
"""
from __future__ import annotations

from ..ledger.features import Feature

HANDLING = Feature("handling", steps=(
    """CREATE TABLE handling (
        id {id},
        document_id {bigint} NOT NULL UNIQUE REFERENCES documents(id) {deferrable},
        number TEXT NOT NULL,
        subject TEXT NOT NULL,
        department TEXT,
        kind TEXT,
        state TEXT NOT NULL,
        due_on TEXT,
        leader TEXT,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        confidential INTEGER NOT NULL DEFAULT 0,
        last_seq INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE handling_events (
        id {id},
        handling_id {bigint} NOT NULL REFERENCES handling(id) {deferrable},
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        on_behalf_of TEXT,
        department TEXT,
        words TEXT,
        data TEXT,
        UNIQUE (handling_id, seq)
    )""",
    "CREATE INDEX handling_state ON handling(state, due_on)",
    "CREATE INDEX handling_department ON handling(department)",
))


def tables(office):
    """The SQL store of this thread's ledger connection, with the handling tables made (once per connection)."""
    ledger = office.ledger
    if not getattr(ledger, "_handling_ensured", False):
        ledger.ensure(HANDLING)
        ledger._handling_ensured = True
    return ledger.store
