"""`shouwen worker` stops on one SIGTERM, as systemd stops a service (issue 19, point 12).

A real Prefect server (pipelines.schedule.LocalServer on 127.0.0.1) and a real `shouwen worker` process. A flow
run through the worker (with no SHOUWEN_CODE_DIR given: the worker sets it), stopped the same way after it, is
tests/pipelines/test_work_pool.py.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.schedule import LocalServer, free_port

ROOT = Path(__file__).resolve().parents[2]


def test_one_sigterm_stops_an_idle_worker(tmp_path):
    root = tmp_path / "office"
    home = root / "prefect"
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHOUWEN_"))}
    env.update(PREFECT_HOME=str(home), SHOUWEN_ROOT=str(root), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    with LocalServer(home, free_port(4350)) as server:
        env["PREFECT_API_URL"] = server.url
        log = root / "worker.log"
        with open(log, "wb") as out:
            worker = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "worker", "--root", str(root)], cwd=ROOT,
                                      env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while "正在领取收文批处理" not in log.read_text(encoding="utf-8", errors="replace"):  # readiness, no deadline
                assert worker.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-3000:]
                time.sleep(0.2)
            time.sleep(2)  # polling, idle
            os.kill(worker.pid, signal.SIGTERM)  # once, to its own pid, as systemd does
            rc = worker.wait(timeout=600)  # generous: it must end by itself, however busy the machine
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    said = log.read_text(encoding="utf-8", errors="replace")
    assert rc == 0 and "流程工作进程已停止" in said and "Traceback" not in said, said[-3000:]
