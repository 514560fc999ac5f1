"""登记簿 and 签收: numbers without gaps or duplicates under concurrency, nothing received twice, originals kept."""
from __future__ import annotations

import multiprocessing
import os
import stat

import pytest

from pipelines.dataroot import prepare, sha256_of
from pipelines.inbox import inbox_files
from pipelines.intake import archive, receive
from pipelines.ledger import MIGRATIONS, SQLiteLedger, format_number


def _register_many(args):
    path, worker, count = args
    ledger = SQLiteLedger(path)
    numbers = [ledger.register(sha256=f"{worker:04d}{i:060d}", file=f"{worker}-{i}.pdf", channel="edoc",
                               archive_path="archive/x", received_at="2026-11-26T10:00:00+08:00").number
               for i in range(count)]
    ledger.close()
    return numbers


def test_numbers_have_no_gaps_or_duplicates_with_four_writers(tmp_path):
    db = tmp_path / "ledger.sqlite3"
    SQLiteLedger(db).close()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_register_many, [(db, w, 30) for w in range(4)])
    numbers = [n for r in results for n in r]
    assert sorted(numbers, key=lambda n: int(n[7:-1])) == [format_number(2026, i) for i in range(1, 121)]
    ledger = SQLiteLedger(db)
    assert [row["seq"] for row in ledger.rows(2026)] == list(range(1, 121))


def test_sequence_restarts_each_year_and_a_file_is_registered_once(tmp_path):
    ledger = SQLiteLedger(tmp_path / "l.sqlite3")
    a = ledger.register(sha256="a" * 64, file="a.pdf", channel="fax", archive_path="x", received_at="2025-12-31T23:59:00+08:00")
    b = ledger.register(sha256="b" * 64, file="b.pdf", channel="fax", archive_path="x", received_at="2026-01-01T08:00:00+08:00")
    again = ledger.register(sha256="a" * 64, file="a-copy.pdf", channel="mail", archive_path="x")
    assert (a.number, b.number) == ("收〔2025〕1号", "收〔2026〕1号")
    assert again.created is False and again.id == a.id and again.number == a.number
    assert len(ledger.rows()) == 2


def test_status_changes_are_kept_in_history(tmp_path):
    ledger = SQLiteLedger(tmp_path / "l.sqlite3")
    reg = ledger.register(sha256="c" * 64, file="c.docx", channel="edoc", archive_path="x")
    ledger.set_status(reg.id, "reviewed", verdict="return", findings=[{"rule": "element.date"}], title="关于……的请示")
    ledger.set_status(reg.id, "returned", note="退文通知单已放入发件箱")
    row = ledger.get(reg.id)
    assert row["status"] == "returned" and row["verdict"] == "return" and '"element.date"' in row["findings"]
    assert [h["status"] for h in ledger.history(reg.id)] == ["registered", "reviewed", "returned"]
    assert ledger.unfinished() == []


def test_schema_is_created_once_and_reopened(tmp_path):
    path = tmp_path / "l.sqlite3"
    first = SQLiteLedger(path)
    first.register(sha256="d" * 64, file="d.pdf", channel="scan", archive_path="x")
    first.close()
    again = SQLiteLedger(path)
    assert again.schema_version == len(MIGRATIONS) and len(again.rows()) == 1


def test_a_ledger_of_the_first_schema_is_migrated_in_place(tmp_path):
    """A ledger written by the first release (schema 1) gains the new columns and keeps every row."""
    import sqlite3

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status, department)"
                 " VALUES (2025, 7, '收〔2025〕7号', '2025-12-30T10:00:00+08:00', 'fax', 'a.tif', ?, 'x', 'indexed', '办公室')",
                 ("e" * 64,))
    conn.execute("INSERT INTO sequences(year, last) VALUES (2025, 7)")
    conn.commit()
    conn.close()
    ledger = SQLiteLedger(path)
    assert ledger.schema_version == len(MIGRATIONS) >= 2
    row = ledger.find("收〔2025〕7号")
    assert row["department"] == "办公室" and row["route_source"] is None and row["return_state"] is None
    assert ledger.register(sha256="f" * 64, file="b.pdf", channel="edoc", archive_path="y",
                           received_at="2025-12-31T09:00:00+08:00").number == "收〔2025〕8号"


def test_receive_archives_the_original_before_registering(tmp_path):
    root = tmp_path / "root"
    prepare(root)
    original = root / "inbox" / "fax" / "传真.tif"
    original.write_bytes(b"II*\x00 fax bytes")
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    assert inbox_files(root) == [("fax", original)]
    reg = receive(root, ledger, "fax", original)
    row = ledger.get(reg.id)
    kept = root / row["archive_path"]
    assert kept.read_bytes() == original.read_bytes()
    assert kept.name == sha256_of(original) + ".tif"
    assert not os.access(kept, os.W_OK) or os.geteuid() == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o444
    assert receive(root, ledger, "fax", original).created is False  # the same paper twice: one registration
    assert archive(root, original, sha256_of(original)) == kept


@pytest.mark.parametrize("name", [".hidden.pdf", "~$temp.docx", "upload.pdf.part"])
def test_partial_and_hidden_files_wait(tmp_path, name):
    prepare(tmp_path)
    (tmp_path / "inbox" / "edoc" / name).write_bytes(b"x")
    assert inbox_files(tmp_path) == []
