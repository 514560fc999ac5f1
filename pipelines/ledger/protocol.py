"""What every ledger backend offers (the Ledger protocol): SQLiteLedger (sqlite.py) and PostgresLedger
(postgres.py), both base.SQLLedger.

Rows are dicts keyed by the `documents` columns (schema.LEDGER); history rows have status, at, note, actor.
Errors: LedgerConflict (Chinese) where a compare-and-set finds the row changed; ValueError for an unknown
status or column; PostgreSQL adds LedgerUnavailable (Chinese, URL without password) where the server cannot be
reached within its retry time.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional, Protocol, runtime_checkable

from .core import MAX_TRAINING_ROWS, PAGE_ROWS, Registration
from .features import Feature


@runtime_checkable
class Ledger(Protocol):
    url: str  # where it is, as the configuration names it (sqlite:////abs/path or the PostgreSQL URL)
    dialect: str  # "sqlite" | "postgresql"

    @property
    def schema_version(self) -> int: ...

    @property
    def store(self): ...  # store.Store: SQL for features' own tables

    def ensure(self, feature: Feature) -> int: ...  # apply a feature's steps not yet applied (features.py)

    def register(self, *, sha256: str, file: str, channel: str, archive_path: str,
                 received_at: Optional[str] = None, file_raw: Optional[str] = None,
                 actor: str = "batch") -> Registration: ...

    def set_status(self, document_id: int, status: str, note: Optional[str] = None, *,
                   expect_version: Optional[int] = None, expect_status: Optional[tuple[str, ...]] = None,
                   actor: str = "batch", **fields) -> int: ...

    def note(self, document_id: int, note: str, *, actor: str = "batch") -> None: ...

    def find(self, key: str) -> Optional[dict]: ...

    def get(self, document_id: int) -> Optional[dict]: ...

    def by_sha256(self, sha256: str) -> Optional[dict]: ...

    def history(self, document_id: int) -> list[dict]: ...

    def rows(self, year: Optional[int] = None) -> list[dict]: ...

    def page(self, query=None, **filters): ...  # query.LedgerQuery -> query.Page

    def unfinished(self) -> list[dict]: ...

    def claim_same_document(self, document_id: int, key: str, body: str) -> list[dict]: ...

    def training_rows(self, limit: int = MAX_TRAINING_ROWS) -> list[tuple[int, str, str]]: ...

    def applied_features(self) -> dict[str, int]: ...  # shouwen migrate: the features to carry along

    def table_key(self, table: str) -> str: ...  # the column a whole table is paged by

    def count_rows(self, table: str) -> int: ...

    def table_rows(self, table: str, after=None, limit: int = PAGE_ROWS) -> list[dict]: ...

    def export_tables(self) -> dict[str, list[dict]]: ...

    def import_tables(self, tables: Mapping[str, Iterable[dict]], progress=None,
                      totals: Optional[Mapping[str, int]] = None) -> None: ...

    def close(self) -> None: ...
