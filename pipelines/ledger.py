"""The 登记簿 (ledger): one row per received document, in the embedded SQLite database.

收文编号 is a per-year sequence with no gaps and no duplicates, also when several workers register at once:
the number is drawn and the row written in one `BEGIN IMMEDIATE` transaction, so SQLite serialises the
writers and a failed registration gives its number back. Every status change is kept in `history`.
The schema is created and migrated by the program itself (`PRAGMA user_version`).
"""
from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

STATUSES = ("registered", "reviewed", "returned", "routed", "indexed", "quarantined")
STATUS_ZH = {"registered": "已登记", "reviewed": "已初审", "returned": "已退文", "routed": "已分办",
             "indexed": "已入检索", "quarantined": "已隔离"}

MIGRATIONS = [
    # 1: the ledger, its history and the per-year sequence
    """
    CREATE TABLE sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        received_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        archive_path TEXT NOT NULL,
        format TEXT, pages INTEGER,
        issuer TEXT, doc_number TEXT, doc_type TEXT, title TEXT, urgency TEXT, secrecy TEXT,
        verdict TEXT, findings TEXT,
        department TEXT, route_reason TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        UNIQUE (year, seq)
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX history_document ON history(document_id);
    """,
    # 2: how a document was routed (rule, classified, model, fallback, clerk) and what became of its return
    """
    ALTER TABLE documents ADD COLUMN route_source TEXT;
    ALTER TABLE documents ADD COLUMN route_confidence REAL;
    ALTER TABLE documents ADD COLUMN return_state TEXT;
    ALTER TABLE documents ADD COLUMN return_path TEXT;
    """,
]


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass
class Registration:
    id: int
    number: str  # 收文编号, e.g. 收〔2026〕12号
    created: bool  # False when the same file (by sha256) was received before


def format_number(year: int, seq: int) -> str:
    return f"收〔{year}〕{seq}号"


class Ledger:
    """The ledger in `path` (a SQLite file); safe to open from several processes at once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")  # readers never block the batch
        self.conn.execute("PRAGMA busy_timeout=60000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def register(self, *, sha256: str, file: str, channel: str, archive_path: str,
                 received_at: Optional[str] = None) -> Registration:
        """登记: give a newly received file its 收文编号, or find the registration it already has."""
        received_at = received_at or now()
        year = int(received_at[:4])
        with self._write() as conn:
            row = conn.execute("SELECT id, number FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if row:
                return Registration(id=row["id"], number=row["number"], created=False)
            conn.execute("INSERT INTO sequences(year, last) VALUES (?, 0) ON CONFLICT(year) DO NOTHING", (year,))
            seq = conn.execute("UPDATE sequences SET last = last + 1 WHERE year = ? RETURNING last", (year,)).fetchone()[0]
            number = format_number(year, seq)
            cur = conn.execute(
                "INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'registered')",
                (year, seq, number, received_at, channel, file, sha256, archive_path))
            conn.execute("INSERT INTO history(document_id, status, at, note) VALUES (?, 'registered', ?, ?)",
                         (cur.lastrowid, received_at, f"签收于{channel}收件箱"))
            return Registration(id=cur.lastrowid, number=number, created=True)

    def set_status(self, document_id: int, status: str, note: Optional[str] = None, **fields) -> None:
        """Move a document to `status`, updating ledger fields (verdict, department, …) in the same transaction."""
        if status not in STATUSES:
            raise ValueError(status)
        if "findings" in fields and not isinstance(fields["findings"], str):
            fields["findings"] = json.dumps(fields["findings"], ensure_ascii=False)
        columns = "".join(f", {name} = ?" for name in fields)
        with self._write() as conn:
            conn.execute(f"UPDATE documents SET status = ?{columns} WHERE id = ?", (status, *fields.values(), document_id))
            conn.execute("INSERT INTO history(document_id, status, at, note) VALUES (?, ?, ?, ?)",
                         (document_id, status, now(), note))

    def find(self, key: str) -> Optional[dict]:
        """A document by 收文编号 (收〔2026〕12号, or 2026-12) or by its database id."""
        m = re.fullmatch(r"\s*(?:收〔)?(\d{4})(?:〕|-)(\d+)号?\s*", key)
        if m:
            row = self.conn.execute("SELECT * FROM documents WHERE year = ? AND seq = ?", (int(m[1]), int(m[2]))).fetchone()
        elif key.strip().isdigit():
            row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (int(key),)).fetchone()
        else:
            row = None
        return dict(row) if row else None

    def get(self, document_id: int) -> Optional[dict]:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return dict(row) if row else None

    def by_sha256(self, sha256: str) -> Optional[dict]:
        row = self.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return dict(row) if row else None

    def history(self, document_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT status, at, note FROM history WHERE document_id = ? ORDER BY id", (document_id,))]

    def rows(self, year: Optional[int] = None) -> list[dict]:
        sql = "SELECT * FROM documents" + (" WHERE year = ?" if year else "") + " ORDER BY year, seq"
        return [dict(r) for r in self.conn.execute(sql, (year,) if year else ())]

    def unfinished(self) -> list[dict]:
        """Documents registered but not yet in a final state: what an interrupted batch left to do."""
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM documents WHERE status NOT IN ('returned', 'indexed', 'quarantined') ORDER BY year, seq")]
