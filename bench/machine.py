"""The machine a benchmark ran on and how busy it was: the "machine" entry of a bench/results file.

The machine is shared, so a figure means little without the load beside it. Call `before()` as the run
starts and `after(started)` when it ends:

    started = machine.before()
    ...                                  # the run
    out = {"machine": machine.after(started), ...}

`after` returns a dict: cpus (os.cpu_count()), cpus_usable (this process's affinity at the start, before a
bench pins itself), python, platform, commit (short git hash of the tree, "" outside git), started and
finished (UTC, ISO 8601, seconds), seconds (wall time), load_average_before and load_average_after
(os.getloadavg(): 1, 5 and 15 minute averages, rounded to 0.01). No errors: a field it cannot read is None.
"""
from __future__ import annotations

import os
import platform
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not available on this platform
        return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def before() -> dict:
    """The state as the run starts: pass it to `after`."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"started": _now(), "clock": time.monotonic(), "cpus_usable": usable, "load_average_before": _load()}


def after(started: dict) -> dict:
    """The "machine" entry: `started` (from `before`) plus the load and time as the run ends."""
    return {"cpus": os.cpu_count(), "cpus_usable": started["cpus_usable"], "python": platform.python_version(),
            "platform": platform.platform(), "commit": _commit(), "started": started["started"],
            "finished": _now(), "seconds": round(time.monotonic() - started["clock"], 1),
            "load_average_before": started["load_average_before"], "load_average_after": _load()}
