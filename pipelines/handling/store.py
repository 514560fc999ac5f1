"""承办's own tables beside the 登记簿 (seam S1: a Feature whose steps the ledger applies, SQL through `store`).

    handling          one 承办记录 per routed document (document_id → documents.id). Its state, kind, department
                      and deadline are a cache of what its events say (state.derive), recomputable at any time.
    handling_events   every step, appended, never changed: seq (1, 2, … per record: two writers cannot both add
                      the same step — UNIQUE(handling_id, seq)), kind (model.EVENTS), at (ISO 8601 with offset),
                      actor (the history name of seam S2: an account, "batch", "cli:<os user>"), on_behalf_of
                      (a 批办 typed by the clerk for a leader: the leader's name), department, words (the words
                      written: 拟办意见, 批示, reason, result …) and data (JSON: deadline, files, readers, …).

Until the ledger package of seam S1 is on main, `tables(office)` gives the same interface over today's ledger
connection (SQLite or PostgreSQL): `ensure(feature)`, `query`, `one`, `execute`, `insert`, `transaction`, `dialect`.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

try:  # seam S1 (branch ledger)
    from pipelines.ledger.features import Feature  # type: ignore
except ImportError:  # until it lands: the same shape
    @dataclass(frozen=True)
    class Feature:  # type: ignore[no-redef]
        name: str
        steps: tuple[str, ...]


HANDLING = Feature("handling", steps=(
    """CREATE TABLE handling (
        id {id},
        document_id {bigint} NOT NULL UNIQUE,
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
        handling_id {bigint} NOT NULL REFERENCES handling(id),
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
    """The SQL store of the office's ledger with the handling tables made (seam S1's ledger.ensure/.store where it
    has landed, else the stand-in below over the ledger's own connection)."""
    ledger = office.ledger
    if hasattr(ledger, "ensure") and hasattr(ledger, "store"):
        if not getattr(ledger, "_handling_ensured", False):  # once per connection
            ledger.ensure(HANDLING)
            ledger._handling_ensured = True
        return ledger.store
    store = getattr(ledger, "_handling_store", None)
    if store is None:
        store = _Store(ledger)
        store.ensure(HANDLING)
        ledger._handling_store = store
    return store


_TYPES = {"sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "float": "REAL", "bigint": "INTEGER", "bool": "INTEGER"},
          "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "float": "DOUBLE PRECISION", "bigint": "BIGINT",
                         "bool": "BOOLEAN"}}
_LOCK = 0x5348_5702  # pg_advisory_xact_lock key of the stand-in's migrations ("SHW" + 2)


class _Store:
    """Seam S1's store over today's SQLiteLedger / PostgresLedger connection (removed once S1 is on main)."""

    def __init__(self, ledger):
        self._ledger = ledger
        self.dialect = "sqlite" if isinstance(ledger.conn, sqlite3.Connection) else "postgresql"
        self._depth = 0

    @property
    def _conn(self):
        return self._ledger.conn

    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    def ensure(self, feature) -> None:
        with self.transaction():
            if self.dialect == "postgresql":
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            self.execute("CREATE TABLE IF NOT EXISTS feature_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            row = self.one("SELECT version FROM feature_versions WHERE feature = ?", (feature.name,))
            done = row["version"] if row else 0
            for step in feature.steps[done:]:
                self.execute(step.format(**_TYPES[self.dialect]))
            if not row:
                self.execute("INSERT INTO feature_versions(feature, version) VALUES (?, ?)", (feature.name, len(feature.steps)))
            elif done < len(feature.steps):
                self.execute("UPDATE feature_versions SET version = ? WHERE feature = ?", (len(feature.steps), feature.name))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (SQLite: BEGIN IMMEDIATE); a nested use joins the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self.dialect == "postgresql":
            with self._conn.transaction():
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    def _cursor(self, sql: str, params=()):
        return self._conn.execute(self._sql(sql), tuple(params))

    def query(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self._cursor(sql, params).fetchall()]

    def one(self, sql: str, params=()) -> Optional[dict]:
        row = self._cursor(sql, params).fetchone()
        return dict(row) if row is not None else None

    def execute(self, sql: str, params=()) -> int:
        return self._cursor(sql, params).rowcount

    def insert(self, sql: str, params=()) -> int:
        if self.dialect == "postgresql":
            return self._cursor(sql.rstrip() + " RETURNING id", params).fetchone()["id"]
        return self._cursor(sql, params).lastrowid
