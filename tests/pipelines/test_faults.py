"""Faults of the data root reach the clerk as one Chinese line, exit 2, nothing half-written (issue 9, item 10).

A full disk and a read-only data root are real: a size-limited tmpfs mounted for the test (`mount -t tmpfs
-o size=…`), remounted read-only; this needs root (the tests are skipped, saying so, where mounting is not
allowed). The commands are the real `shouwen` processes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger

from ..pipelines.test_batch import SAMPLES, processes_of

ROOT = Path(__file__).resolve().parents[2]
NOTICE = SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"
ENV = {**os.environ, "PREFECT_API_URL": "", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
       "SHOUWEN_SETTLE_SECONDS": "0.1"}


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env=env or ENV)


def one_line(stderr: str) -> str:
    """The clerk's message: exactly one line, no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("数据目录：")]
    assert "Traceback" not in stderr and len(lines) == 1, stderr[-3000:]
    return lines[0]


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) → a fresh tmpfs of that size under tmp_path, unmounted at the end."""
    mounted = []

    def mount(size: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode(errors='replace').strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _no_temporaries(root: Path) -> None:
    assert not list(root.rglob(".incoming-*")), "a temporary was left behind"
    assert not list(root.rglob("*.rebuilding*"))


def _no_workers(root: Path) -> None:
    time.sleep(1)
    assert not processes_of("spawn_main", root / "prefect"), "a worker outlived its batch"


def test_disk_full_from_the_start_says_so_at_once(tmpfs):
    root = tmpfs("4m") / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run = cli("run", "--root", str(root))
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert "磁盘空间不足" in line and "仅剩 4 MB" in line and "至少需要 32 MB" in line and "清理" in line  # issue 19.11
    assert (root / "inbox" / "edoc" / "通知.docx").exists() and not (root / "ledger.sqlite3").exists()
    _no_temporaries(root)


def test_disk_full_during_the_batch_stops_it_with_one_line_and_nothing_half_written(tmpfs, tmp_path):
    root = tmpfs("72m") / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "a-通知.docx")
    big = root / "inbox" / "edoc" / "b-大文件.pdf"
    big.write_bytes(b"%PDF-1.7\n" + os.urandom(36 << 20))  # fits in the inbox, not a second time in the archive
    os.utime(big, (time.time() + 5, time.time() + 5))  # taken after the notice
    run = cli("run", "--root", str(root))
    assert run.returncode == 2, run.stderr[-3000:]
    assert "磁盘已满" in run.stderr and "Traceback" not in run.stderr
    assert big.exists(), "the original stays in the inbox"
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert all(r["file"] != big.name for r in rows)
    _no_temporaries(root)
    _no_workers(root)


def test_a_read_only_data_root_is_said_in_one_line_by_run_and_route(tmpfs, tmp_path):
    root = tmpfs("64m") / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    number = SQLiteLedger(root / "ledger.sqlite3").rows()[0]["number"]
    shutil.copy(SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt", root / "inbox" / "edoc" / "报告.txt")
    before = {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}
    read_only = tmp_path / "read-only-office"  # the same data root, mounted read-only (a bind mount)
    read_only.mkdir()
    assert subprocess.run(["mount", "--bind", str(root), str(read_only)]).returncode == 0
    try:
        assert subprocess.run(["mount", "-o", "remount,bind,ro", str(read_only)]).returncode == 0
        for args in (("run", "--root", str(read_only)), ("route", number, "综合科", "--root", str(read_only))):
            done = cli(*args)
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            line = one_line(done.stderr)
            assert "数据目录只读" in line and "挂载" in line, line
    finally:
        subprocess.run(["umount", "-l", str(read_only)])
    assert {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")} == before
    assert SQLiteLedger(root / "ledger.sqlite3").rows()[0]["department"] != "综合科"


def test_a_corrupt_ledger_is_said_in_one_line_by_ledger_search_and_route(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    number = SQLiteLedger(root / "ledger.sqlite3").rows()[0]["number"]
    for side in ("-wal", "-shm"):
        Path(f"{root / 'ledger.sqlite3'}{side}").unlink(missing_ok=True)
    damaged = b"SQLite format 3\x00" + b"\x13\x37" * 4000  # a header, then garbage
    (root / "ledger.sqlite3").write_bytes(damaged)
    for args in (("ledger",), ("search", "冬季"), ("route", number, "综合科")):
        done = cli(*args, "--root", str(root))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        line = one_line(done.stderr)
        assert "登记簿损坏" in line and "shouwen rebuild-ledger" in line, line
    assert (root / "ledger.sqlite3").read_bytes() == damaged, "the damaged ledger is left as it was, for the rebuild"
