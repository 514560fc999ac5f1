"""A stand-in for SEAMS S1 (branch `ledger`: pipelines/ledger/features.py) until it lands on main: features that
own tables in the ledger's database, applied once, on SQLite and PostgreSQL alike.

    feature = Feature("accounts", steps=("CREATE TABLE accounts (id {id}, …)", …))
    ensure(ledger, feature)      applies the steps not yet applied (table feature_versions), idempotent,
                                 under the backend's write lock (SQLite BEGIN IMMEDIATE; PostgreSQL an advisory lock)
    db = store(ledger)           .dialect, .query(sql, params) -> [dict], .one(), .execute() -> rowcount,
                                 .insert() -> new id, .transaction()  ("?" placeholders on both backends)

The same names and shapes as S1, so that the merge replaces this module's import with
`from pipelines.ledger.features import Feature` and `ledger.ensure(f)` / `ledger.store`, and nothing else.
Where the ledger already offers them (S1 merged), they are used instead of these.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

PLACEHOLDERS = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "float": "REAL", "bigint": "INTEGER", "bool": "INTEGER"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "float": "DOUBLE PRECISION", "bigint": "BIGINT", "bool": "INTEGER"},
}
FEATURE_LOCK = 734_911  # PostgreSQL advisory lock key while a feature's steps are applied


@dataclass(frozen=True)
class Feature:
    name: str
    steps: tuple[str, ...]  # SQL, {id}/{float}/{bigint}/{bool} rendered per dialect; appended, never edited


class Store:
    """SQL for features on one ledger connection (see the module's docstring)."""

    def __init__(self, ledger):
        self.ledger = ledger
        self.dialect = "sqlite" if isinstance(getattr(ledger, "conn", None), sqlite3.Connection) else "postgresql"
        self._depth = 0

    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else re.sub(r"\?", "%s", sql.replace("%", "%%"))

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        if self.dialect == "sqlite":
            return [dict(r) for r in self.ledger.conn.execute(sql, params)]
        return self.ledger._call(lambda c: list(c.execute(self._sql(sql), params).fetchall()))

    def one(self, sql: str, params: tuple = ()) -> Optional[dict]:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: tuple = ()) -> int:
        if self.dialect == "sqlite":
            return self.ledger.conn.execute(sql, params).rowcount
        return self.ledger._call(lambda c: c.execute(self._sql(sql), params).rowcount)

    def insert(self, sql: str, params: tuple = ()) -> int:
        if self.dialect == "sqlite":
            return self.ledger.conn.execute(sql, params).lastrowid
        return self.ledger._call(lambda c: c.execute(self._sql(sql) + " RETURNING id", params).fetchone()["id"])

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        if self._depth:  # nested use joins the outer transaction
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.dialect == "sqlite":
                conn = self.ledger.conn
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            else:
                with self.ledger.conn.transaction():
                    yield self
        finally:
            self._depth = 0


def store(ledger) -> Store:
    """The ledger's feature store (S1's `ledger.store` where the ledger has one)."""
    own = getattr(ledger, "store", None)
    if own is not None:
        return own
    cached = getattr(ledger, "_web_feature_store", None)
    if cached is None:
        cached = Store(ledger)
        ledger._web_feature_store = cached
    return cached


def ensure(ledger, feature: Feature) -> None:
    """Apply the feature's steps not yet applied (S1's `ledger.ensure(feature)` where the ledger has one)."""
    if hasattr(ledger, "ensure"):
        ledger.ensure(feature)
        return
    done = getattr(ledger, "_web_features", set())
    if feature.name in done:
        return
    db = store(ledger)
    with db.transaction():
        if db.dialect == "postgresql":
            db.execute("SELECT pg_advisory_xact_lock(?)", (FEATURE_LOCK,))
        db.execute("CREATE TABLE IF NOT EXISTS feature_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
        row = db.one("SELECT version FROM feature_versions WHERE name = ?", (feature.name,))
        applied = row["version"] if row else 0
        for step in feature.steps[applied:]:
            for statement in filter(str.strip, step.format(**PLACEHOLDERS[db.dialect]).split(";")):
                db.execute(statement)
        if row is None:
            db.execute("INSERT INTO feature_versions (name, version) VALUES (?, ?)", (feature.name, len(feature.steps)))
        elif applied < len(feature.steps):
            db.execute("UPDATE feature_versions SET version = ? WHERE name = ?", (len(feature.steps), feature.name))
    ledger._web_features = done | {feature.name}
