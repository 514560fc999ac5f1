"""定时收文: `shouwen schedule` starts a real local Prefect server, serves the batch on a cron schedule with the
network cut off (a network namespace with only loopback, where the machine allows one), and stops the server
when the clerk stops it."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.schedule import ScheduleError, check_cron, free_port, next_run

from ..pipelines.test_batch import ROOT, SAMPLES, _ledger_counts, processes_of


def _loopback_only() -> list[str]:
    """A prefix that runs a command with no network but loopback, or [] where namespaces are not allowed."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare and ip:
        probe = subprocess.run([unshare, "-rn", "sh", "-c", f"{ip} link set lo up"], capture_output=True)
        if probe.returncode == 0:
            return [unshare, "-rn", "sh", "-c", f'{ip} link set lo up && exec "$0" "$@"']
    return []


def _servers_of(home: Path) -> list[str]:
    return processes_of("server start", home)


def test_schedule_serves_the_batch_offline_and_stops_its_server(tmp_path):
    root = tmp_path / "office"
    shutil.copytree(SAMPLES, root / "inbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    command = [*_loopback_only(), sys.executable, "-m", "pipelines.cli", "schedule", "--cron", "0 3 * * *", "--now",
               "--timezone", "Asia/Shanghai", "--root", str(root), "--port", str(free_port(4200))]
    log = tmp_path / "schedule.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 400
        try:
            while _ledger_counts(root / "ledger.sqlite3")[1] < 9 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)
            while "本批收文" not in log.read_text(encoding="utf-8") and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)  # the batch prints its summary after its last document (seconds on a busy machine)
            assert proc.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            assert _servers_of(root / "prefect"), "a Prefect server runs while the schedule is served"
        finally:
            proc.send_signal(signal.SIGTERM)  # what a service manager sends; Ctrl-C is handled the same way
            proc.wait(timeout=600)  # generous: the batch in progress finishes first, on a busy machine
    output = log.read_text(encoding="utf-8")
    assert proc.returncode == 0, output[-3000:]
    assert "定时收文已开始：0 3 * * *（Asia/Shanghai）" in output and "下次运行：" in output
    assert "[9/9]" in output and "本批收文 9 件" in output
    assert "定时收文已停止，本机流程服务已关闭" in output
    assert _ledger_counts(root / "ledger.sqlite3") == (9, 9)
    time.sleep(1)
    assert not _servers_of(root / "prefect"), "the server stopped with the schedule"
    ledger = subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(root), "--json"], cwd=ROOT,
                            capture_output=True, text=True, env=env)
    # the operator's (a clerk's) 登记簿: the 机要室's document is not in it at all (issue 17 item 2)
    assert {json.loads(line)["status"] for line in ledger.stdout.splitlines()} == {"indexed", "returned", "quarantined"}


def test_next_run_is_in_the_offices_time_zone():
    # 03:00 in Shanghai is 19:00 UTC the day before: whatever this machine's clock zone, the date printed is Shanghai's
    assert next_run("0 3 * * *", "Asia/Shanghai").endswith("03:00")
    assert next_run("30 8 * * 1-5", "Asia/Shanghai").endswith("08:30")


@pytest.mark.parametrize("cron, zone, word", [("every ten minutes", "Asia/Shanghai", "cron 表达式"),
                                              ("*/10 * * * *", "Asia/Beijing", "时区")])
def test_a_wrong_schedule_is_refused_before_anything_starts(cron, zone, word):
    with pytest.raises(ScheduleError) as caught:
        check_cron(cron, zone)
    assert str(caught.value).startswith(word + "无效")


def test_cli_refuses_a_wrong_cron_in_chinese(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "schedule", "--cron", "* * *", "--root", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2 and "cron 表达式无效" in result.stderr
    assert not (tmp_path / "prefect" / "server.log").exists(), "no server was started"
