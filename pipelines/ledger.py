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

STATUSES = ("registered", "reviewed", "returned", "routed", "indexed", "quarantined", "held", "linked")
STATUS_ZH = {"registered": "已登记", "reviewed": "已初审", "returned": "已退文", "routed": "已分办",
             "indexed": "已入检索", "quarantined": "已隔离", "held": "待机要员核定",
             "linked": "同一来文（已关联）"}
# held: a 密级 line nobody could read, for the 机要员; linked: the same 来文 again (pipelines/same_document.py)
FINAL = ("returned", "indexed", "quarantined", "held", "linked")

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
    # 3: a version counter for compare-and-set (every change bumps it) and the file name's original bytes (hex)
    #    where the name was not valid UTF-8 (`file` then holds a display form)
    """
    ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN file_raw TEXT;
    """,
    # 4: the mail channel (pipelines/mail_intake.py), the same 来文 twice (pipelines/same_document.py) and OFD
    #    electronic seals: the sender and date of a message and its attachments (JSON, each archived); the
    #    registration a copy is linked to (同一来文) or the one it is a new version of, with the text similarity;
    #    the number of electronic seals and whether all their signed files are unchanged (1/0, NULL: none)
    """
    ALTER TABLE documents ADD COLUMN mail_from TEXT;
    ALTER TABLE documents ADD COLUMN mail_from_name TEXT;
    ALTER TABLE documents ADD COLUMN mail_date TEXT;
    ALTER TABLE documents ADD COLUMN mail_message_id TEXT;
    ALTER TABLE documents ADD COLUMN mail_subject TEXT;
    ALTER TABLE documents ADD COLUMN mail_attachments TEXT;
    ALTER TABLE documents ADD COLUMN linked_to INTEGER REFERENCES documents(id);
    ALTER TABLE documents ADD COLUMN revision_of INTEGER REFERENCES documents(id);
    ALTER TABLE documents ADD COLUMN revision INTEGER;
    ALTER TABLE documents ADD COLUMN similarity REAL;
    ALTER TABLE documents ADD COLUMN seals INTEGER;
    ALTER TABLE documents ADD COLUMN seals_unchanged INTEGER;
    CREATE TABLE same_document (
        document_id INTEGER PRIMARY KEY REFERENCES documents(id),
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        claimed INTEGER NOT NULL
    );
    CREATE INDEX same_document_key ON same_document(key);
    CREATE INDEX same_document_claimed ON same_document(claimed);
    """,
]


class LedgerConflict(RuntimeError):
    """A state change found the document changed by someone else (another clerk, the batch): refused, in Chinese."""


class LedgerDamaged(RuntimeError):
    """The ledger file is missing, empty or corrupt while the archive holds documents (said in Chinese)."""


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass
class Registration:
    id: int
    number: str  # 收文编号, e.g. 收〔2026〕12号
    created: bool  # False when the same file (by sha256) was received before
    year: int = 0
    seq: int = 0


def format_number(year: int, seq: int) -> str:
    return f"收〔{year}〕{seq}号"


class Ledger:
    """The ledger in `path` (a SQLite file); safe to open from several processes at once."""

    def __init__(self, path: Path, create: bool = True):
        """create=False: an existing ledger only (sqlite3.OperationalError where there is none)."""
        self.path = Path(path)
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        else:
            self.conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=60, isolation_level=None)
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
                 received_at: Optional[str] = None, file_raw: Optional[str] = None) -> Registration:
        """登记: give a newly received file its 收文编号, or find the registration it already has.
        file: the name as shown; file_raw: the name's original bytes in hex where they are not UTF-8."""
        received_at = received_at or now()
        year = int(received_at[:4])
        with self._write() as conn:
            row = conn.execute("SELECT id, number, year, seq FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            if row:
                return Registration(id=row["id"], number=row["number"], created=False, year=row["year"], seq=row["seq"])
            conn.execute("INSERT INTO sequences(year, last) VALUES (?, 0) ON CONFLICT(year) DO NOTHING", (year,))
            seq = conn.execute("UPDATE sequences SET last = last + 1 WHERE year = ? RETURNING last", (year,)).fetchone()[0]
            number = format_number(year, seq)
            cur = conn.execute(
                "INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status,"
                " file_raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'registered', ?)",
                (year, seq, number, received_at, channel, file, sha256, archive_path, file_raw))
            conn.execute("INSERT INTO history(document_id, status, at, note) VALUES (?, 'registered', ?, ?)",
                         (cur.lastrowid, received_at, f"签收于{channel}收件箱"))
            return Registration(id=cur.lastrowid, number=number, created=True, year=year, seq=seq)

    def set_status(self, document_id: int, status: str, note: Optional[str] = None, *,
                   expect_version: Optional[int] = None, expect_status: Optional[tuple[str, ...]] = None,
                   **fields) -> int:
        """Move a document to `status`, updating ledger fields (verdict, department, …) in the same transaction.
        Compare-and-set: with expect_version / expect_status the change is made only while the row still has
        that version / one of those statuses, else LedgerConflict (in Chinese) and nothing changes.
        Returns the row's new version (every change bumps it)."""
        if status not in STATUSES:
            raise ValueError(status)
        if "findings" in fields and not isinstance(fields["findings"], str):
            fields["findings"] = json.dumps(fields["findings"], ensure_ascii=False)
        columns = "".join(f", {name} = ?" for name in fields)
        where, params = "id = ?", [document_id]
        if expect_version is not None:
            where, params = where + " AND version = ?", params + [expect_version]
        if expect_status is not None:
            where += f" AND status IN ({', '.join('?' * len(expect_status))})"
            params += list(expect_status)
        with self._write() as conn:
            row = conn.execute(f"UPDATE documents SET status = ?, version = version + 1{columns} WHERE {where}"
                               " RETURNING version", (status, *fields.values(), *params)).fetchone()
            if row is None:
                current = conn.execute("SELECT number, status FROM documents WHERE id = ?", (document_id,)).fetchone()
                if current is None:
                    raise LedgerConflict(f"登记簿中没有这件收文（id {document_id}）")
                raise LedgerConflict(f"{current['number']} 刚被他人办理（现为{STATUS_ZH.get(current['status'], current['status'])}），"
                                     "本次未作改动；请用 shouwen ledger 查看后再办")
            conn.execute("INSERT INTO history(document_id, status, at, note) VALUES (?, ?, ?, ?)",
                         (document_id, status, now(), note))
            return row[0]

    def note(self, document_id: int, note: str) -> None:
        """A line in the document's history without changing its state (its version stays)."""
        with self._write() as conn:
            conn.execute("INSERT INTO history(document_id, status, at, note)"
                         " SELECT id, status, ?, ? FROM documents WHERE id = ?", (now(), note, document_id))

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
            f"SELECT * FROM documents WHERE status NOT IN ({', '.join('?' * len(FINAL))}) ORDER BY year, seq", FINAL)]


def open_ledger(url: str, root: Path, *, create: bool = True) -> Ledger:
    """Stand-in until the PostgreSQL backend is merged (issue 11 part 3): the ledger named by the office's
    `[ledger] url` — sqlite:///relative-to-root or sqlite:////absolute. Any other scheme: ValueError (Chinese).
    create=False: an existing ledger only (sqlite3.OperationalError where there is none)."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"此版本只支持 SQLite 登记簿（sqlite:///…），不支持 {url.split('://')[0]}")
    path = Path(url[len("sqlite:///"):])
    return Ledger(path if path.is_absolute() else Path(root) / path, create=create)
