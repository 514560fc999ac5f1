"""What the clerk is told when the machine, not a document, is at fault (issue 19, point 11).

Each message is the real one: a real full tmpfs (mounted for the test; root needed, skipped where mounting is
not allowed), a real read-only bind mount of a real data root, the real `shouwen` commands, a real Prefect HTTP
error (prefect's own exception class around an httpx response), a real batch lock held by a second process.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from pipelines import faults
from pipelines.batch import run_batch
from pipelines.batch_lock import BatchBusy, batch_lock
from pipelines.ledger import SQLiteLedger

from ..pipelines.test_batch import SAMPLES
from ..pipelines.test_faults import NOTICE, ROOT, cli, one_line
from . import test_faults

tmpfs = test_faults.tmpfs  # the fixture: a size-limited tmpfs mounted for the test


# ---- the disk: the threshold said, and Prefect's HTTP 500 said as the disk's fault ---------------------------

def test_a_disk_short_of_room_is_said_with_the_room_left_and_the_threshold(tmpfs):
    root = tmpfs("29m") / "office"  # the finding: 29 MB free was called 没有剩余空间
    root.mkdir()
    line = faults.check_writable(root)
    assert line and "磁盘空间不足" in line and "没有剩余空间" not in line, line
    assert "仅剩 29 MB" in line and "至少需要 32 MB" in line, line
    full = tmpfs("4m") / "office"
    full.mkdir()
    with open(full / "fill", "wb") as f:  # fill it to the last block
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    line = faults.check_writable(full)
    assert line and "磁盘已满" in line and "没有剩余空间" in line, line  # true here: not one byte can be written


def _prefect_500():
    from prefect.exceptions import PrefectHTTPStatusError

    request = httpx.Request("POST", "http://127.0.0.1:4200/api/flow_runs/")
    response = httpx.Response(500, request=request, json={"exception_message": "Internal Server Error"})
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        return PrefectHTTPStatusError.from_httpx_error(exc)


def test_prefects_http_500_on_a_full_disk_is_said_as_the_disk(tmpfs, tmp_path):
    error = _prefect_500()
    assert "developer.mozilla.org" in str(error)  # what reached the clerk before
    root = tmpfs("8m") / "office"  # the disk filled early in the batch: Prefect's database could not grow
    root.mkdir()
    line = faults.interrupted(error, root, root / "prefect" / "prefect.log")
    assert line.startswith("本批处理中断。") and "磁盘" in line and "至少需要 32 MB" in line, line
    assert "mozilla" not in line and "Prefect" not in line and "HTTP" not in line


def test_prefects_http_error_with_room_on_the_disk_is_said_in_chinese(tmp_path):
    line = faults.interrupted(_prefect_500(), tmp_path, tmp_path / "prefect.log")
    assert "流程服务出错（HTTP 500）" in line and "mozilla" not in line and "已登记的文件不受影响" in line, line
    assert str(tmp_path / "prefect.log") in line


# ---- the batch lock: the office's time zone, as the ledger ----------------------------------------------------

_HOLD = """
import sys, time
from pathlib import Path
from pipelines.batch_lock import batch_lock
with batch_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def test_the_batch_lock_message_gives_the_offices_time(tmp_path):
    root = tmp_path / "office"
    root.mkdir()
    env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT)}  # the server's clock in UTC, the office in Beijing
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(root)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BatchBusy) as busy:
            with batch_lock(root):
                pass
    finally:
        holder.kill()
        holder.wait()
    said = str(busy.value)
    assert "北京时间" in said, said
    stamp = said.split("开始于 ")[1][:19]
    beijing = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert abs(datetime.now(ZoneInfo("Asia/Shanghai")) - beijing) < timedelta(minutes=30), said  # not UTC: 8 h off


# ---- names beginning with a dot: left, and said -----------------------------------------------------------------

def test_names_beginning_with_a_dot_are_left_and_said(tmp_path):
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    shutil.copy(NOTICE, inbox / "通知.docx")
    text = (SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt").read_bytes()
    for name in ("...txt", "..\\..\\etc\\passwd.txt", ".~lock.通知.docx#", "~$通知.docx", "汇报.pdf.part"):
        (inbox / name).write_bytes(text)
    env_before = os.environ.get("SHOUWEN_SETTLE_SECONDS")
    os.environ["SHOUWEN_SETTLE_SECONDS"] = "0"
    try:
        summary = run_batch(root)
    finally:
        if env_before is None:
            os.environ.pop("SHOUWEN_SETTLE_SECONDS")
        else:
            os.environ["SHOUWEN_SETTLE_SECONDS"] = env_before
    lines = "\n".join(summary.lines())
    assert summary.received == 1
    for name in ("...txt", "..\\..\\etc\\passwd.txt"):
        assert f"未收 edoc/{name}：文件名以“.”开头" in lines, lines
        assert (inbox / name).read_bytes() == text  # left where it is, whole
    assert "未收 edoc/~$通知.docx：文件名以“~$”开头" in lines and "未收 edoc/汇报.pdf.part：文件名以 .part 结尾" in lines
    assert "去掉文件名开头的“.”" in lines
    assert not (root / "etc").exists() and not (tmp_path / "etc").exists()


# ---- a read-only data root: ledger and search only read, so they work ----------------------------------------

def test_ledger_and_search_work_on_a_read_only_data_root(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    number = SQLiteLedger(root / "ledger.sqlite3").rows()[0]["number"]
    before = {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}
    read_only = tmp_path / "read-only-office"
    read_only.mkdir()
    if subprocess.run(["mount", "--bind", str(root), str(read_only)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        assert subprocess.run(["mount", "-o", "remount,bind,ro", str(read_only)]).returncode == 0
        assert not os.access(read_only, os.W_OK)
        ledger = cli("ledger", "--root", str(read_only))
        assert ledger.returncode == 0 and number in ledger.stdout, ledger.stderr[-3000:]
        found = cli("search", "冬季学校安全", "--root", str(read_only))
        assert found.returncode == 0 and number in found.stdout, found.stderr[-3000:]
        assert "Traceback" not in ledger.stderr + found.stderr
        route = cli("route", number, "综合科", "--root", str(read_only))  # a write is still refused, in one line
        assert route.returncode == 2 and "数据目录只读" in one_line(route.stderr)
    finally:
        subprocess.run(["umount", "-l", str(read_only)])
    assert {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")} == before
