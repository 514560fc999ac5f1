"""The 登记簿 (ledger): one row per received document; the `Ledger` protocol and its embedded SQLite backend.

Backends (chosen by the office's `[ledger] url`, opened by `open_ledger`):
    SQLiteLedger    sqlite:///ledger.sqlite3 (relative to the data root) or sqlite:////absolute/path — this module
    PostgresLedger  postgresql://user:pw@host:5432/db or postgresql://user@/db?host=/socket/dir —
                    pipelines/ledger_postgres.py
Callers see no difference: rows are dicts with the same keys and types (received_at and history's `at` ISO
strings, findings and mail_attachments JSON text, route_confidence and similarity floats, ids ints).

收文编号 is a per-year sequence with no gaps and no duplicates, also when several workers register at once:
the number is drawn and the row written in one transaction (SQLite: `BEGIN IMMEDIATE`, which serialises the
writers), so a failed registration gives its number back. Every status change is kept in `history`.
The schema is created and migrated by the program itself (SQLite: `PRAGMA user_version`).
"""
from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Protocol, runtime_checkable

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


class LedgerUnavailable(RuntimeError):
    """A database ledger (PostgreSQL) cannot be reached, or holds no ledger where one was expected; said in Chinese
    with the URL, its password masked."""

    def __init__(self, message: str):
        from .config import mask

        super().__init__(mask(message))  # the server's own words may quote the conninfo


class LedgerMoved(LedgerUnavailable):
    """This SQLite ledger was copied to another ledger by `shouwen migrate` (its `moved_to` table says where and
    when): registering in it would number documents a second time beside the new ledger (split brain)."""


MOVED_TABLE = "moved_to"  # one row (url with its password masked, at) once `shouwen migrate` copied this file away


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


NUMBER_KEY = re.compile(r"\s*(?:收\s*[〔\[【［(（])?(\d{4})(?:[〕\]】］)）]|-)\s*(\d+)\s*号?\s*")  # 收〔2026〕12号, 收[2026]12号, 2026-12
TABLES = ("documents", "history", "sequences", "same_document")  # what a whole-ledger copy carries (shouwen migrate)
TABLE_KEYS = {"documents": "id", "history": "id", "sequences": "year", "same_document": "document_id"}  # paging order
PAGE_ROWS = 1000  # rows per page when a whole table is read or written
MAX_TRAINING_ROWS = 5000  # the routing model's newest examples (pipelines/router_model.py)


def parse_key(key: str) -> Optional[tuple[str, tuple[int, ...]]]:
    """What `find` looks up: ("number", (year, seq)) for 收〔2026〕12号 or 2026-12, ("id", (n,)) for digits, else None."""
    m = NUMBER_KEY.fullmatch(key)
    if m:
        return "number", (int(m[1]), int(m[2]))
    if key.strip().isdigit():
        return "id", (int(key),)
    return None


def prepare_fields(status: str, fields: dict) -> dict:
    """Check the status (ValueError for an unknown one) and store findings as JSON text, as every backend does."""
    if status not in STATUSES:
        raise ValueError(status)
    fields = dict(fields)
    if "findings" in fields and not isinstance(fields["findings"], str):
        fields["findings"] = json.dumps(fields["findings"], ensure_ascii=False)
    return fields


def conflict(document_id: int, current: Optional[dict]) -> LedgerConflict:
    """The Chinese refusal of a compare-and-set that found the row changed (current: its number and status) or gone."""
    if current is None:
        return LedgerConflict(f"登记簿中没有这件收文（id {document_id}）")
    return LedgerConflict(f"{current['number']} 刚被他人办理（现为{STATUS_ZH.get(current['status'], current['status'])}），"
                          "本次未作改动；请用 shouwen ledger 查看后再办")


@runtime_checkable
class Ledger(Protocol):
    """What every ledger backend offers (SQLiteLedger here, PostgresLedger in ledger_postgres.py).

    Rows are dicts keyed by the `documents` columns (MIGRATIONS); history rows have status, at, note.
    Errors: LedgerConflict (Chinese) where a compare-and-set finds the row changed; ValueError for an unknown
    status; PostgreSQL adds LedgerUnavailable (Chinese, URL without password) where the server cannot be reached."""

    url: str  # where it is, as the configuration names it (sqlite:////abs/path or the PostgreSQL URL)

    @property
    def schema_version(self) -> int: ...

    def register(self, *, sha256: str, file: str, channel: str, archive_path: str,
                 received_at: Optional[str] = None, file_raw: Optional[str] = None) -> Registration: ...

    def set_status(self, document_id: int, status: str, note: Optional[str] = None, *,
                   expect_version: Optional[int] = None, expect_status: Optional[tuple[str, ...]] = None,
                   **fields) -> int: ...

    def note(self, document_id: int, note: str) -> None: ...

    def find(self, key: str) -> Optional[dict]: ...

    def get(self, document_id: int) -> Optional[dict]: ...

    def by_sha256(self, sha256: str) -> Optional[dict]: ...

    def history(self, document_id: int) -> list[dict]: ...

    def rows(self, year: Optional[int] = None) -> list[dict]: ...

    def unfinished(self) -> list[dict]: ...

    def newer_versions(self, document_id: int) -> list[str]: ...

    def linked_copies(self, document_id: int) -> list[str]: ...

    def claim_same_document(self, document_id: int, key: str, body: str) -> list[dict]: ...

    def training_rows(self, limit: int = MAX_TRAINING_ROWS) -> list[tuple[int, str, str]]: ...

    def count_rows(self, table: str) -> int: ...

    def table_rows(self, table: str, after=None, limit: int = PAGE_ROWS) -> list[dict]: ...

    def export_tables(self) -> dict[str, list[dict]]: ...

    def import_tables(self, tables: Mapping[str, Iterable[dict]], progress=None,
                      totals: Optional[Mapping[str, int]] = None) -> None: ...

    def close(self) -> None: ...


class SQLiteLedger:
    """The ledger in `path` (a SQLite file); safe to open from several processes at once."""

    def __init__(self, path: Path, create: bool = True):
        """create=False: an existing ledger only (sqlite3.OperationalError where there is none)."""
        self.path = Path(path)
        self.url = f"sqlite:///{self.path.resolve()}"
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        else:
            self.conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")  # readers never block the batch
        self.conn.execute("PRAGMA busy_timeout=60000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.moved_to: Optional[dict] = None
        self._migrate()
        self.moved_to = self._moved_to()
        self._columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(documents)")} - {"id"}

    def close(self) -> None:
        self.conn.close()

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
        with self._write() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {MOVED_TABLE}(url TEXT NOT NULL, at TEXT NOT NULL)")
            conn.execute(f"DELETE FROM {MOVED_TABLE}")
            conn.execute(f"INSERT INTO {MOVED_TABLE}(url, at) VALUES (?, ?)", (url, now()))
        self.moved_to = self._moved_to()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        moved = self.moved_error()
        if moved:
            raise moved
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
        fields = prepare_fields(status, fields)
        unknown = set(fields) - self._columns
        if unknown:
            raise ValueError(f"登记簿没有这些栏目：{'、'.join(sorted(unknown))}")
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
                raise conflict(document_id, dict(current) if current else None)
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
        parsed = parse_key(key)
        if parsed and parsed[0] == "number":
            row = self.conn.execute("SELECT * FROM documents WHERE year = ? AND seq = ?", parsed[1]).fetchone()
        elif parsed:
            row = self.conn.execute("SELECT * FROM documents WHERE id = ?", parsed[1]).fetchone()
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

    def newer_versions(self, document_id: int) -> list[str]:
        """收文编号 of the registrations recorded as new versions of this one (revision_of), oldest first."""
        return [r[0] for r in self.conn.execute("SELECT number FROM documents WHERE revision_of = ? ORDER BY id",
                                                (document_id,))]

    def linked_copies(self, document_id: int) -> list[str]:
        """收文编号 of the later copies linked to this registration (同一来文, linked_to), oldest first."""
        return [r[0] for r in self.conn.execute("SELECT number FROM documents WHERE linked_to = ? ORDER BY id",
                                                (document_id,))]

    def claim_same_document(self, document_id: int, key: str, body: str) -> list[dict]:
        """Claim a document's 发文字号 key and plain text for pipelines/same_document.py, in one transaction that
        serialises two workers claiming at once (a claim again replaces key and text, keeping its place), and
        return the earlier claims with the same key whose documents are not quarantined or linked, newest claim
        first: their `documents` row plus same_body (the claimed text) and sender (mail_from_name)."""
        with self._write() as conn:
            conn.execute("INSERT INTO same_document(document_id, key, body, claimed) VALUES"
                         " (?, ?, ?, (SELECT coalesce(max(claimed), 0) + 1 FROM same_document))"
                         " ON CONFLICT(document_id) DO UPDATE SET key = excluded.key, body = excluded.body",
                         (document_id, key, body))
            claimed = conn.execute("SELECT claimed FROM same_document WHERE document_id = ?", (document_id,)).fetchone()[0]
            return [dict(r) for r in conn.execute(
                "SELECT d.*, s.body AS same_body, d.mail_from_name AS sender FROM same_document s"
                " JOIN documents d ON d.id = s.document_id WHERE s.key = ? AND s.document_id != ? AND s.claimed < ?"
                " AND d.status NOT IN ('quarantined', 'linked') ORDER BY s.claimed DESC",
                (key, document_id, claimed))]

    def training_rows(self, limit: int = MAX_TRAINING_ROWS) -> list[tuple[int, str, str]]:
        """The routing model's examples (pipelines/router_model.py): (id, route_source, department) of indexed
        documents routed by a rule or corrected by a clerk, newest first, at most `limit`."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT id, route_source, department FROM documents"
            " WHERE route_source IN ('rule', 'clerk') AND department IS NOT NULL AND status = 'indexed'"
            " ORDER BY id DESC LIMIT ?", (limit,))]

    def count_rows(self, table: str) -> int:
        """How many rows `table` (one of TABLES) holds."""
        return self.conn.execute(f"SELECT count(*) FROM {_table(table)}").fetchone()[0]

    def table_rows(self, table: str, after=None, limit: int = PAGE_ROWS) -> list[dict]:
        """One page of `table` (one of TABLES), all columns, in the order of its key (TABLE_KEYS): the first
        `limit` rows whose key is greater than `after` (None: from the start). iter_table walks them all."""
        key = TABLE_KEYS[_table(table)]
        if after is None:
            rows = self.conn.execute(f"SELECT * FROM {table} ORDER BY {key} LIMIT ?", (limit,))
        else:
            rows = self.conn.execute(f"SELECT * FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?", (after, limit))
        return [dict(r) for r in rows]

    def export_tables(self) -> dict[str, list[dict]]:
        """Every row of every table, all columns, ids included: {table: [row, …]} in TABLES order, each table in
        the order of its key. In memory: for a large ledger walk iter_table instead."""
        return {t: list(iter_table(self, t)) for t in TABLES}

    def import_tables(self, tables: Mapping[str, Iterable[dict]], progress=None,
                      totals: Optional[Mapping[str, int]] = None) -> None:
        """Load whole tables (export_tables' output, or iter_table's pages from another ledger) into this ledger,
        which must be empty (ValueError in Chinese otherwise), in one transaction, keeping ids, 收文编号 and every
        column; progress(table, done, total) after each page (total from `totals`, else rows so far)."""
        with self._write() as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")  # linked_to / revision_of may point forward
            if conn.execute("SELECT count(*) FROM documents").fetchone()[0]:
                raise ValueError(f"目标登记簿不是空的：{self.url}")
            for table in TABLES:
                done = 0
                for page in pages(tables.get(table) or ()):
                    columns = list(page[0])
                    conn.executemany(f"INSERT INTO {_table(table)} ({', '.join(columns)}) VALUES"
                                     f" ({', '.join('?' * len(columns))})", [tuple(r[c] for c in columns) for r in page])
                    done += len(page)
                    if progress:
                        progress(table, done, (totals or {}).get(table, done))
                if progress and not done:
                    progress(table, 0, 0)


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"登记簿没有这张表：{name}")
    return name


def iter_table(ledger: "Ledger", table: str, page_rows: int = PAGE_ROWS) -> Iterator[dict]:
    """Every row of `table` in key order, read a page at a time (a ledger of years stays out of memory)."""
    key, after = TABLE_KEYS[table], None
    while True:
        page = ledger.table_rows(table, after, page_rows)
        yield from page
        if len(page) < page_rows:
            return
        after = page[-1][key]


def pages(rows: Iterable[dict], size: int = PAGE_ROWS) -> Iterator[list[dict]]:
    """rows in lists of at most `size`."""
    rows = iter(rows)
    while page := list(islice(rows, size)):
        yield page


def ledger_url_error(reason: str) -> ValueError:
    from .config import mask

    return ValueError(mask(f"配置项 [ledger] url 的值无效：{reason}"))


def open_ledger(url: str, root: Path, *, create: bool = True) -> Ledger:
    """The office's ledger from its `[ledger] url` (pipelines/config.py's rules: sqlite:///relative-to-root,
    sqlite:////absolute/path, postgresql://user:pw@host:port/db, postgresql://user@/db?host=/socket/dir).
    create=False: an existing ledger only (SQLite: sqlite3.OperationalError where there is no file; PostgreSQL:
    LedgerUnavailable where the database has no ledger schema). Errors: ValueError (Chinese, naming
    `[ledger] url`) for an unsupported or malformed URL; LedgerUnavailable where PostgreSQL cannot be reached."""
    from pydantic import ValidationError

    from .config import Config, LedgerSettings, Settings, mask

    try:
        settings = LedgerSettings(url=url)
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = str((error.get("ctx") or {}).get("error", error["msg"]))
        raise ledger_url_error(mask(reason)) from None
    location = Config(Settings(ledger=settings), Path(root).resolve(), None).ledger_location()
    if settings.url.startswith("sqlite:"):
        return SQLiteLedger(Path(location), create=create)
    from .ledger_postgres import PostgresLedger

    return PostgresLedger(location, create=create)
