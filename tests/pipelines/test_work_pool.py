"""Prefect work pool: a local server, the pool and its queues made by `shouwen worker --setup-only`, prefect.yaml
deployed with `prefect deploy --all`, and the batch run through a real `shouwen worker` on this machine, with the
network cut off (loopback only, where the machine allows a network namespace); then the ledger is read."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from pipelines.ledger import SQLiteLedger
from pipelines.schedule import free_port

from ..pipelines.test_batch import ROOT, SAMPLES
from ..pipelines.test_batch_server import processes_marked
from ..pipelines.test_schedule import _loopback_only


def test_the_batch_runs_through_a_worker_of_the_work_pool_offline(tmp_path):
    root = tmp_path / "office"
    shutil.copytree(SAMPLES / "edoc", root / "inbox" / "edoc")
    yesterday = time.time() - 86400  # the cut PDF is a transfer that broke off long ago: quarantined, not awaited
    os.utime(root / "inbox" / "edoc" / "传输中断-半截文件.pdf", (yesterday, yesterday))
    expected = sorted(p.name for p in (SAMPLES / "edoc").iterdir())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHOUWEN_"))}
    done = subprocess.run([*_loopback_only(), sys.executable, "-m", "tests.pool_scenario", str(root), str(free_port(4300))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "已创建工作池 shouwen" in result["setup"]["err"] and "已创建队列 shouwen/ocr" in result["setup"]["err"]
    assert "'收文批处理 ingest/收文批处理' successfully created" in result["deploy"]["out"]
    assert (result["state"], result["work_pool"], result["work_queue"]) == ("COMPLETED", "shouwen", "text"), result
    assert result["parameters"] == {"root": str(root)}
    assert "工作进程 测试工作进程 正在领取收文批处理" in result["worker_log"]
    assert result["worker_rc"] == 0 and "流程工作进程已停止" in result["worker_log"], result  # one SIGTERM (issue 19.12)
    assert f"本批收文 {len(expected)} 件" in result["worker_log"]
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    rows = ledger.rows()
    ledger.close()
    assert sorted(r["file"] for r in rows) == expected  # every sample registered once, by the worker's flow run
    assert {r["status"] for r in rows} <= {"indexed", "returned", "quarantined", "routed"}
    assert not processes_marked(root, "SHOUWEN_ROOT"), "nothing the worker's batch started is still running"
