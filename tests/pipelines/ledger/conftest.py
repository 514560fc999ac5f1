"""The ledger on both backends for the ledger's tests: `url` (a SQLite file in the test's folder, or a database of
the real PostgreSQL tests/postgres.py starts) and `ledger`, opened on it. A module may define its own `url`."""
from __future__ import annotations

import pytest

from pipelines.ledger import open_ledger


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def ledger(url, tmp_path):
    opened = open_ledger(url, tmp_path)
    yield opened
    opened.close()
