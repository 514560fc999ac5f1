"""A batch killed with kill -9 while its workers are still starting leaves no worker running (issue 19, kill
trials: trial 3 of the re-measure, killed 39 s in, left two workers alive after the next run).

Real processes: a batch stand-in process spawns a worker the way the batch's pool does (multiprocessing,
spawn), and is killed with SIGKILL before the worker has begun to follow it; the worker must still notice and
exit. The worker's slow start (loading its models) is a sleep in the worker, so the kill falls inside it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_BATCH = """
import multiprocessing, sys, time
from tests.pipelines.test_worker_orphans import slow_worker
if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    worker = context.Process(target=slow_worker, args=(sys.argv[1],))
    worker.start()
    print(worker.pid, flush=True)
    time.sleep(600)
"""


def slow_worker(ready: str) -> None:
    """A worker whose start takes a while: its batch is killed meanwhile; then it follows its parent."""
    while not Path(ready).exists():  # the test kills the batch first, then lets the start finish
        time.sleep(0.05)
    from pipelines.workers import follow_parent

    follow_parent()
    time.sleep(600)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_a_worker_whose_batch_was_killed_while_it_started_exits(tmp_path):
    ready = tmp_path / "started"
    batch = subprocess.Popen([sys.executable, "-c", _BATCH, str(ready)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    worker = int(batch.stdout.readline())
    try:
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        while Path(f"/proc/{worker}/stat").exists() and \
                int(Path(f"/proc/{worker}/stat").read_text().split(") ")[1].split()[1]) == batch.pid:
            time.sleep(0.05)  # until the orphan is handed to init (or a subreaper)
        ready.touch()  # now the worker's start finishes and it begins to follow its batch
        for _ in range(6000):  # readiness: up to 10 min on a loaded machine; it exits within 0.2 s when right
            if not _alive(worker):
                break
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived its killed batch"
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)
