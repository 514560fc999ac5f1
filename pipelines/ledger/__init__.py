"""The 登记簿 (ledger): one row per received document, its history, and the tables features own beside it.

Backends (chosen by the office's `[ledger] url`, opened by `open_ledger`), one behaviour (base.SQLLedger):
    SQLiteLedger    sqlite:///ledger.sqlite3 (relative to the data root) or sqlite:////absolute/path — sqlite.py
    PostgresLedger  postgresql://user:pw@host:5432/db or postgresql://user@/db?host=/socket/dir — postgres.py
Callers see no difference: rows are dicts with the same keys and types (received_at and history's `at` ISO
strings, findings and mail_attachments JSON text, route_confidence and similarity floats, ids ints).

收文编号 is a per-year sequence with no gaps and no duplicates, also when several workers register at once:
the number is drawn and the row written in one transaction, so a failed registration gives its number back.
Every status change is kept in `history`, with who made it (actor). The schema is one list of migration steps
(schema.LEDGER) rendered per dialect and applied by the program itself; a feature (accounts, 承办/督办 …) owns
its tables the same way: `ledger.ensure(Feature(name, steps))`, then `ledger.store` (features.py, store.py).

    core.py      statuses, errors, 收文编号, paging helpers      schema.py    the ledger's migration steps
    query.py     a page of the 登记簿 (filters, marks joined), what "confidential" means for a row
    journal.py   each registration's changes appended beside it (rebuild-ledger reads them)
    features.py  Feature and the placeholders of a step          store.py     SQL access for features
    protocol.py  the Ledger protocol                             base.py      the behaviour, written once
    sqlite.py / postgres.py   the two backends' primitives
"""
from __future__ import annotations

from pathlib import Path

from .core import (
    BATCH_ACTOR,
    FINAL,
    MAX_TRAINING_ROWS,
    MOVED_TABLE,
    NUMBER_KEY,
    PAGE_ROWS,
    STATUS_ZH,
    STATUSES,
    LedgerConflict,
    LedgerDamaged,
    LedgerMoved,
    LedgerUnavailable,
    Registration,
    conflict,
    format_number,
    iter_table,
    ledger_url_error,
    now,
    pages,
    parse_key,
    prepare_fields,
)
from .features import Feature
from .journal import Journal
from .protocol import Ledger
from .query import LedgerQuery, Page, confidential_sql, is_confidential
from .schema import LEDGER, MIGRATIONS, SCHEMA_VERSION, TABLE_KEYS, TABLES
from .sqlite import SQLiteLedger
from .store import Store

__all__ = [
    "BATCH_ACTOR", "FINAL", "LEDGER", "MAX_TRAINING_ROWS", "MIGRATIONS", "MOVED_TABLE", "NUMBER_KEY", "PAGE_ROWS",
    "SCHEMA_VERSION", "STATUSES", "STATUS_ZH", "TABLES", "TABLE_KEYS", "Feature", "Ledger", "LedgerConflict",
    "Journal", "LedgerDamaged", "LedgerMoved", "LedgerQuery", "LedgerUnavailable", "Page", "PostgresLedger", "Registration",
    "SQLiteLedger", "Store", "confidential_sql", "conflict", "format_number", "is_confidential", "iter_table",
    "ledger_url_error", "now", "open_ledger", "pages", "parse_key", "prepare_fields",
]


def __getattr__(name: str):
    if name == "PostgresLedger":  # psycopg is imported only where a PostgreSQL ledger is used
        from .postgres import PostgresLedger

        return PostgresLedger
    raise AttributeError(name)


def open_ledger(url: str, root: Path, *, create: bool = True, retry_seconds: float | None = None,
                journal: bool | None = None) -> Ledger:
    """The office's ledger from its `[ledger] url` (pipelines/config.py's rules: sqlite:///relative-to-root,
    sqlite:////absolute/path, postgresql://user:pw@host:port/db, postgresql://user@/db?host=/socket/dir).
    create=False: an existing ledger only (SQLite: sqlite3.OperationalError where there is no file; PostgreSQL:
    LedgerUnavailable where the database has no ledger schema). retry_seconds: how long a PostgreSQL server that
    restarts is waited for (None: postgres.RETRY_SECONDS). journal: append each registration's changes to
    <root>/registrations/<year>/<seq>.journal.jsonl (journal.py) — None: for a SQLite ledger, which
    `shouwen rebuild-ledger` rebuilds from them (a PostgreSQL ledger is restored from its own backups, and its
    workers may share the data root over NFS, where appends from several machines are not atomic).
    Errors: ValueError (Chinese, naming `[ledger] url`)
    for an unsupported or malformed URL; LedgerUnavailable where PostgreSQL cannot be reached."""
    from pydantic import ValidationError

    from ..config import Config, LedgerSettings, Settings, mask
    from ..dataroot import DataRoot

    try:
        settings = LedgerSettings(url=url)
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = str((error.get("ctx") or {}).get("error", error["msg"]))
        raise ledger_url_error(mask(reason)) from None
    location = Config(Settings(ledger=settings), Path(root).resolve(), None).ledger_location()
    sqlite = settings.url.startswith("sqlite:")
    kept = Journal(DataRoot(root).registrations) if (sqlite if journal is None else journal) else None
    if sqlite:
        return SQLiteLedger(Path(location), create=create, journal=kept)
    from .postgres import PostgresLedger

    return PostgresLedger(location, create=create, retry_seconds=retry_seconds, journal=kept)
