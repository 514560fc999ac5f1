"""`shouwen migrate`: a real office's SQLite ledger (made by a real `shouwen run --samples`) copied into a real
PostgreSQL (tests/postgres.py), then compared row by row; refusals in Chinese with exit 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.ledger import SQLiteLedger, open_ledger
from pipelines.ledger.postgres import PostgresLedger

ROOT = Path(__file__).resolve().parents[3]


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""}
    env.pop("SHOUWEN_LEDGER_URL", None)
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=900)


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A data root after one real batch on the sample inbox (9 files: 2 returned, 1 quarantined, …)."""
    tmp = tmp_path_factory.mktemp("migrate")
    run = cli(tmp, "run", "--root", str(tmp / "office"), "--samples")
    assert run.returncode == 0, run.stderr[-3000:]
    return tmp / "office"


def test_migrate_copies_a_real_office_ledger_row_by_row(office, postgres_url, tmp_path):
    source = SQLiteLedger(office / "ledger.sqlite3", create=False)
    before = source.export_tables()
    source.close()
    year = int(before["documents"][0]["received_at"][:4])

    done = cli(tmp_path, "migrate", "--root", str(office), "--to", postgres_url)
    assert done.returncode == 0, done.stderr
    assert "迁移完成并已核对：收文 9 件" in done.stdout
    assert f"各年度最后编号：收〔{year}〕9号" in done.stdout
    assert f'[ledger]\n    url = "{postgres_url}"' in done.stdout  # the next step, spelled out
    assert "复制收文：9/9" in done.stdout

    target = PostgresLedger(postgres_url, create=False)
    after = target.export_tables()
    # by hand: nine registrations numbered 1…9 of this year, the sequence at 9, each with its history
    assert [r["number"] for r in target.rows()] == [f"收〔{year}〕{i}号" for i in range(1, 10)]
    assert after["sequences"] == [{"year": year, "last": 9}]
    assert sorted(r["status"] for r in target.rows()).count("returned") == 2
    assert {h["document_id"] for h in after["history"]} == {r["id"] for r in after["documents"]}
    # row by row, every column, every table
    for table in ("documents", "history", "sequences", "same_document"):
        assert len(after[table]) == len(before[table])
        for old, new in zip(before[table], after[table]):
            assert old == new, table
    assert len(before["same_document"]) >= 1  # the sample inbox holds a 公文 sent twice (edoc and fax)
    # ids and numbers go on from where the office was
    new = target.register(sha256="f" * 64, file="新来文.pdf", channel="edoc", archive_path="x")
    assert (new.id, new.seq) == (max(r["id"] for r in before["documents"]) + 1, 10 if new.year == year else 1)
    target.close()
    # the source is left as it was
    again = SQLiteLedger(office / "ledger.sqlite3", create=False)
    assert again.export_tables() == before
    again.close()
    # switching over: the office's configuration now names PostgreSQL, and open_ledger follows it
    (tmp_path / "shouwen.toml").write_text(f'[ledger]\nurl = "{postgres_url}"\n', encoding="utf-8")
    from pipelines.config import load

    config = load(tmp_path, environ={})
    switched = open_ledger(config.settings.ledger.url, config.root)
    assert isinstance(switched, PostgresLedger) and switched.find(f"收〔{year}〕3号") == next(
        d for d in before["documents"] if d["seq"] == 3)
    switched.close()


def test_migrate_refuses_a_target_that_holds_documents(office, postgres_url, tmp_path):
    occupied = open_ledger(postgres_url, tmp_path)
    occupied.register(sha256="e" * 64, file="别处的收文.pdf", channel="edoc", archive_path="x",
                      received_at="2026-05-01T09:00:00+08:00")
    occupied.close()
    refused = cli(tmp_path, "migrate", "--root", str(office), "--to", postgres_url)
    assert refused.returncode == 2
    assert "目标登记簿已有收文，拒绝迁移" in refused.stderr and "Traceback" not in refused.stderr
    check = open_ledger(postgres_url, tmp_path)
    assert [r["file"] for r in check.rows()] == ["别处的收文.pdf"]  # nothing was added
    check.close()


def test_migrate_says_what_is_missing_or_unreachable(tmp_path):
    empty = tmp_path / "empty-office"
    empty.mkdir()
    missing = cli(tmp_path, "migrate", "--root", str(empty), "--to", "postgresql://shouwen@/shouwen?host=/nonexistent")
    assert missing.returncode == 2 and "没有找到源登记簿" in missing.stderr
    SQLiteLedger(empty / "ledger.sqlite3").close()
    url = f"postgresql://shouwen:secret-pw@/shouwen?host={tmp_path}/no-server"
    unreachable = cli(tmp_path, "migrate", "--root", str(empty), "--to", url)
    assert unreachable.returncode == 2
    assert "登记簿数据库无法连接：postgresql://shouwen:***@/shouwen" in unreachable.stderr
    assert "secret-pw" not in unreachable.stderr and "Traceback" not in unreachable.stderr
    wrong = cli(tmp_path, "migrate", "--root", str(empty), "--to", "mysql://office/ledger")
    assert wrong.returncode == 2 and "--to 的值无效：不支持的登记簿地址 'mysql://office/ledger'" in wrong.stderr


def test_a_pg_dump_of_the_ledger_restores_with_numbers_going_on(postgres, postgres_url, tmp_path):
    """docs/admin/deploy.md's backup and restore of a PostgreSQL ledger: pg_dump -Fc, pg_restore into an empty database."""
    from ...postgres import bin_dir

    ledger = open_ledger(postgres_url, tmp_path)
    first = ledger.register(sha256="1" * 64, file="甲.pdf", channel="edoc", archive_path="a", received_at="2026-04-01T09:00:00+08:00")
    ledger.set_status(first.id, "returned", "退文通知单已放入发件箱", verdict="return")
    ledger.register(sha256="2" * 64, file="乙.pdf", channel="fax", archive_path="b", received_at="2026-04-01T10:00:00+08:00")
    before = ledger.export_tables()
    ledger.close()
    dump = tmp_path / "shouwen.dump"
    dumped = subprocess.run([str(bin_dir() / "pg_dump"), "-Fc", "-d", postgres_url, "-f", str(dump)],
                            capture_output=True, text=True, timeout=600)
    assert dumped.returncode == 0, dumped.stderr
    restored_url = postgres.create_database()
    restored = subprocess.run([str(bin_dir() / "pg_restore"), "--no-owner", "-d", restored_url, str(dump)],
                              capture_output=True, text=True, timeout=600)
    assert restored.returncode == 0, restored.stderr
    back = open_ledger(restored_url, tmp_path, create=False)
    assert back.export_tables() == before
    third = back.register(sha256="3" * 64, file="丙.pdf", channel="mail", archive_path="c",
                          received_at="2026-04-02T09:00:00+08:00")
    assert (third.number, third.id) == ("收〔2026〕3号", 3)
    assert [h["status"] for h in back.history(first.id)] == ["registered", "returned"]
    back.close()
