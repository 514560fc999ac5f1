"""SQL access for features (功能表的读写), on the ledger's own connection: `office.ledger.store`.

    db = office.ledger.store
    db.dialect                              "sqlite" | "postgresql"
    db.query("SELECT … WHERE a = ?", (x,))  -> list[dict]   "?" placeholders on both backends
    db.one(sql, params)                     -> dict | None  the first row
    db.execute(sql, params)                 -> int          rowcount
    db.insert(sql, params)                  -> int          the new row's id (its key column must be `id`)
    with db.transaction(): …                one transaction (SQLite: BEGIN IMMEDIATE); nested use joins the
                                            outer one, and so do the ledger's own operations (set_status, note…)

Outside a transaction each statement is its own transaction. On PostgreSQL a lost connection (a server
restart) is waited for (the ledger's retry_seconds): a SELECT is run again, another statement only where it was
lost before its COMMIT was sent; lost during the COMMIT, LedgerUnavailable says it may or may not have been
done. Inside a transaction, a lost connection loses the transaction: LedgerUnavailable, nothing committed.
Values: str, int, float, None (and bytes for {bytes} columns); times as ISO-8601 text with their offset.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional, Sequence


class Store:
    """The statements of features, run by a ledger backend (base.SQLLedger)."""

    def __init__(self, ledger):
        self._ledger = ledger

    @property
    def dialect(self) -> str:
        return self._ledger.dialect

    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        return self._ledger._statement("all", sql, tuple(params))

    def one(self, sql: str, params: Sequence = ()) -> Optional[dict]:
        return self._ledger._statement("one", sql, tuple(params))

    def execute(self, sql: str, params: Sequence = ()) -> int:
        return self._ledger._statement("execute", sql, tuple(params))

    def insert(self, sql: str, params: Sequence = ()) -> int:
        return self._ledger._statement("insert", sql, tuple(params))

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        with self._ledger._transaction():
            yield self
