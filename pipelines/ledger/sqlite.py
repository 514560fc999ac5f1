"""The 登记簿 in one SQLite file (sqlite:///ledger.sqlite3, relative to the data root, or sqlite:////abs/path).

收文编号 is a per-year sequence with no gaps and no duplicates, also when several workers register at once: the
number is drawn and the row written in one transaction, begun with `BEGIN IMMEDIATE`, which serialises the
writers (busy_timeout 60 s). WAL: readers never block the batch. The schema version is `PRAGMA user_version`.
A connection belongs to the thread that opened it (Office gives each thread its own).

A ledger copied away by `shouwen migrate` keeps a `moved_to` row and refuses every write (LedgerMoved).

A ledger on a data root this process cannot write (mounted read-only, or another user's) is still read:
`shouwen ledger` and `search` only read. SQLite's WAL needs its -shm file, which cannot be made there once the
last writer closed the database; the file is then opened as immutable (`?mode=ro&immutable=1`): nothing can
write it through this mount meanwhile (connect_readable). `read_only` says so; a write is refused by SQLite
(attempt to write a readonly database: pipelines/faults.py says 数据目录只读).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Optional

from .base import SQLLedger
from .core import MOVED_TABLE, LedgerMoved, now
from .journal import Journal


def writable(path: Path) -> bool:
    """Whether this process may write the ledger file and make files beside it (its -wal and -shm)."""
    folder = Path(path).parent
    return os.access(folder, os.W_OK) and (not Path(path).exists() or os.access(path, os.W_OK))


def connect_readable(path: Path, mode: str = "ro") -> sqlite3.Connection:
    """A connection to the existing SQLite file `path` (mode "ro" or "rw"). Where the folder cannot be written
    and SQLite cannot open the file as it is (WAL without its -shm), it is opened immutable and read-only.
    sqlite3.OperationalError where the file is missing or unreadable."""
    conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=60, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if writable(path) or not Path(path).is_file():
            raise
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, timeout=60, isolation_level=None)
    conn.execute("PRAGMA query_only = 1")
    return conn


class SQLiteLedger(SQLLedger):
    """The ledger in `path` (a SQLite file); safe to open from several processes at once."""

    dialect = "sqlite"

    def __init__(self, path: Path, create: bool = True, journal: Optional[Journal] = None):
        """create=False: an existing ledger only (sqlite3.OperationalError where there is none). journal: where
        each registration's changes are appended (journal.py; open_ledger gives the data root's)."""
        self.path = Path(path)
        self.url = f"sqlite:///{self.path.resolve()}"
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        else:
            self.conn = connect_readable(self.path, "rw")
        self.read_only = self.conn.execute("PRAGMA query_only").fetchone()[0] == 1 or not writable(self.path)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")  # readers never block the batch
        self.conn.execute("PRAGMA busy_timeout=60000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.moved_to: Optional[dict] = None
        self._setup(create, journal)
        self.moved_to = self._moved_to()

    def close(self) -> None:
        self.conn.close()

    # -- primitives (base.SQLLedger) ----------------------------------------------------------------------------

    def _fetch(self, sql: str, params: tuple = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def _execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def _insert_id(self, sql: str, params: tuple = ()) -> int:
        return self.conn.execute(sql, params).lastrowid

    def _begin(self) -> None:
        self.conn.execute("BEGIN" if self.read_only else "BEGIN IMMEDIATE")  # read-only: the reads of ensure()

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # some errors (a full disk) end the transaction themselves
            self.conn.execute("ROLLBACK")

    def _lock(self, key: int) -> None:
        pass  # BEGIN IMMEDIATE holds the database's one write lock already

    def _core_version(self, create: bool) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _set_core_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    def _columns_of(self, table: str) -> list[str]:
        return [r["name"] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def _defer_constraints(self) -> None:
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def _load(self, table: str, columns: list[str], rows: list[dict]) -> None:
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                              [tuple(r[c] for c in columns) for r in rows])

    def _writable(self) -> None:
        moved = self.moved_error()
        if moved:
            raise moved

    # -- moved away (shouwen migrate) ---------------------------------------------------------------------------

    def _moved_to(self) -> Optional[dict]:
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MOVED_TABLE,)).fetchone():
            return None
        row = self.conn.execute(f"SELECT url, at FROM {MOVED_TABLE} ORDER BY at DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    def moved_error(self) -> Optional[LedgerMoved]:
        """LedgerMoved (Chinese: where the ledger now is, what to set) when `shouwen migrate` copied this file
        away, else None."""
        if not self.moved_to:
            return None
        return LedgerMoved(f"登记簿已迁移：{self.path} 已于 {self.moved_to['at']} 迁移到 {self.moved_to['url']}，不能再用于登记"
                           f"（否则收文编号会重号）。请在数据目录的 shouwen.toml 中写入 [ledger] url（或设置环境变量 "
                           f"SHOUWEN_LEDGER_URL）指向新登记簿；如确要改回 SQLite，请用 shouwen migrate 从新登记簿迁回"
                           f"一个新的 SQLite 文件")

    def mark_moved(self, url: str) -> None:
        """Record that this ledger was copied to `url` (give it masked): from now on every write is refused
        (LedgerMoved). Called by `shouwen migrate` once the copy is checked."""
        with self._transaction():
            self.conn.execute(f"CREATE TABLE IF NOT EXISTS {MOVED_TABLE}(url TEXT NOT NULL, at TEXT NOT NULL)")
            self.conn.execute(f"DELETE FROM {MOVED_TABLE}")
            self.conn.execute(f"INSERT INTO {MOVED_TABLE}(url, at) VALUES (?, ?)", (url, now()))
        self.moved_to = self._moved_to()
