"""The PostgreSQL test harness (tests/postgres.py) itself: a real server on a Unix socket only, a query through
psycopg, a database per test (fixtures `postgres`, `postgres_url`, registered in conftest.py), the office's configuration accepting its socket URL, and nothing left running."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from pipelines.config import load

from ...postgres import PostgresServer, bin_dir


def test_a_query_over_the_unix_socket(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE documents (seq integer PRIMARY KEY, title text NOT NULL)")
        conn.execute("INSERT INTO documents VALUES (1, %s), (2, %s)", ("关于冬季学校安全工作的通知", "校舍维修资金请示"))
        rows = conn.execute("SELECT seq, title FROM documents WHERE title LIKE %s", ("%通知",)).fetchall()
        assert rows == [(1, "关于冬季学校安全工作的通知")]
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)  # no TCP at all
        assert conn.execute("SELECT current_user, pg_encoding_to_char(encoding) FROM pg_database "
                            "WHERE datname = current_database()").fetchone() == ("shouwen", "UTF8")


def test_each_test_gets_an_empty_database(postgres, postgres_url):
    other = postgres.create_database()
    assert other != postgres_url
    with psycopg.connect(other) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_the_configuration_takes_the_socket_url(postgres_url, tmp_path):
    (tmp_path / "shouwen.toml").write_text(f'[ledger]\nurl = "{postgres_url}"\n', encoding="utf-8")
    config = load(tmp_path, environ={})
    with psycopg.connect(config.ledger_location()) as conn:
        assert conn.execute("SELECT 1 + 1").fetchone() == (2,)


def test_a_stopped_server_leaves_nothing_running_or_on_disk():
    if bin_dir() is None:
        pytest.skip("PostgreSQL server binaries are not installed (run scripts/setup.sh --dev)")
    server = PostgresServer(bin_dir()).start()
    pid, directory = server.process.pid, server.dir
    assert Path(f"/proc/{pid}").exists()
    server.stop()
    assert not Path(f"/proc/{pid}").exists() and not directory.exists()
    children = subprocess.run(["pgrep", "-f", f"postgres -D {directory}"], capture_output=True, text=True).stdout
    assert children.strip() == ""
    assert os.getuid() != 0 or server.uid != 0  # never as root
