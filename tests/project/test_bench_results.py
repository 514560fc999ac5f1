"""bench/results: every result file states the machine's load (issue 21 target 5), and bench/machine.py gives it."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from bench import machine

ROOT = Path(__file__).resolve().parents[2]
# load_average…, load_avg_…, loadavg, load_before/after/during — not, say, engine_load_s (a model's load time)
LOAD_KEY = re.compile(r"^load(avg|_av|_before|_after|_during)")


def _load_keys(value) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if LOAD_KEY.match(k)] + [k for v in value.values() for k in _load_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _load_keys(v)]
    return []


def test_every_result_file_states_the_machines_load():
    files = sorted((ROOT / "bench" / "results").glob("*.json"))
    assert files
    silent = [f.name for f in files if not _load_keys(json.loads(f.read_text(encoding="utf-8")))]
    assert silent == []


def test_the_machine_entry_has_the_load_before_and_after_and_the_run_between():
    started = machine.before()
    entry = machine.after(started)
    for key in ("load_average_before", "load_average_after"):
        assert len(entry[key]) == 3 and all(isinstance(x, float) and x >= 0 for x in entry[key])
    assert entry["cpus"] >= entry["cpus_usable"] >= 1
    assert datetime.fromisoformat(entry["started"]) <= datetime.fromisoformat(entry["finished"])
    assert entry["seconds"] >= 0
    if (ROOT / ".git").exists():  # a checkout (a worktree's .git is a file)
        assert re.fullmatch(r"[0-9a-f]{7,40}", entry["commit"])
    json.dumps(entry)  # goes into a result file as it is
