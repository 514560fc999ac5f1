"""The fixed cost of a batch: an empty `shouwen run`, before and after the batch's own Prefect server.

    before   Prefect's implicit ephemeral server (what `shouwen run` did until the batch started its own): the
             flow is called with no PREFECT_API_URL, so the first Prefect client starts
             prefect.server.api.server.SubprocessASGIServer and waits for it at most 20 s
    patient  the same as before, with PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=600, so that on a busy
             machine it finishes and its fixed cost can be compared (before fails there: its 20 s runs out)
    after    `shouwen run` as it is now (pipelines/batch_server.py: started first, services a batch does not need
             off, 60 s database timeout, generous start-up deadline, a second try)

Each is timed from the command's start to its exit on an empty inbox: on a new data root (Prefect's database
created and migrated) and on an existing one; then the same under load (one Python busy loop per core running
all the while). Runs alternate between before and after so both see the same machine. A run that fails (exit
status not 0) is counted and its time left out.

    .venv/bin/python bench/prefect_start_bench.py [--repeats 2] [--no-load]

Writes bench/results/prefect_start.json and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = ("before", "patient", "after")
BEFORE = ("from pathlib import Path; import sys; from pipelines.dataroot import prepare; "
          "from pipelines.prefect_setup import configure; root = Path(sys.argv[1]); prepare(root); configure(root); "
          "from flows import ingest; ingest(str(root))")


def _busy() -> None:
    while True:
        pass


def _command(mode: str, root: Path) -> list[str]:
    if mode in ("before", "patient"):
        return [sys.executable, "-c", BEFORE, str(root)]
    return [sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)]


def _one(mode: str, root: Path) -> tuple[float, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHOUWEN_"))}
    if mode == "patient":
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "600"
    started = time.perf_counter()
    done = subprocess.run(_command(mode, root), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, done.returncode, (done.stdout + done.stderr)[-400:]


def measure(repeats: int, work: Path) -> dict:
    out: dict = {}
    for case in ("new_root", "existing_root"):
        for mode in MODES:
            out.setdefault(f"{mode}.{case}", {"seconds": [], "failures": 0, "failure_tails": []})
    for i in range(repeats):
        for mode in MODES:
            root = work / f"{mode}-{i}-{time.monotonic_ns()}"
            for case in ("new_root", "existing_root"):  # the first run creates the root, the second finds it
                seconds, status, tail = _one(mode, root)
                entry = out[f"{mode}.{case}"]
                if status == 0:
                    entry["seconds"].append(round(seconds, 2))
                else:
                    entry["failures"] += 1
                    entry["failure_tails"].append(tail)
            shutil.rmtree(root, ignore_errors=True)
    for entry in out.values():
        entry["median_s"] = round(statistics.median(entry["seconds"]), 2) if entry["seconds"] else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-load", action="store_true", help="skip the runs under CPU load")
    args = parser.parse_args()
    results = {"cpus": os.cpu_count(), "load_before": os.getloadavg(), "repeats": args.repeats}
    with tempfile.TemporaryDirectory(prefix="shouwen-start-") as tmp:
        results["idle"] = measure(args.repeats, Path(tmp))
        if not args.no_load:
            hogs = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(os.cpu_count() or 2)]
            for hog in hogs:
                hog.start()
            try:
                results["under_load"] = measure(args.repeats, Path(tmp))
            finally:
                for hog in hogs:
                    hog.kill()
                    hog.join()
    results["load_after"] = os.getloadavg()
    out = ROOT / "bench" / "results" / "prefect_start.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"empty `shouwen run`, seconds to exit (median of {args.repeats}; failures) — machine load "
          f"{results['load_before'][0]:.1f} at start, shared")
    for load in ("idle", "under_load"):
        if load not in results:
            continue
        for case in ("new_root", "existing_root"):
            cells = [f"{mode} {results[load][f'{mode}.{case}']['median_s']} s "
                     f"({results[load][f'{mode}.{case}']['failures']} failed)" for mode in MODES]
            print(f"  {load:10} {case:13}  " + "   ".join(cells))
    print(f"→ {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
