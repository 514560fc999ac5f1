"""The ledger's two backends side by side: registrations/s (登记: number drawn and row written in one transaction)
and set_status/s (a state change with its history line and a compare-and-set on the version), from 1 and from 4
processes at once, on SQLite (a file, WAL, its default synchronous=FULL: each commit flushed) and on PostgreSQL
(real servers from Debian's packages, started for the run by the tests' harness: initdb in a temporary
directory, Unix socket only) twice: durable (PostgreSQL's defaults, each commit flushed — what an office runs)
and with fsync off (the tests' setting: the engine without the disk).

    .venv/bin/python bench/ledger_bench.py [--per-process 300]

Writes bench/results/ledger.json and prints a summary. Throughput = all operations / the wall time from the
moment all processes start together (a barrier) until the last one finishes.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from pipelines.ledger import open_ledger  # noqa: E402
from tests.postgres import PostgresServer, bin_dir  # noqa: E402

_start = None


def _set_start(barrier) -> None:
    global _start
    _start = barrier


def _work(args) -> dict:
    url, root, worker, count = args
    ledger = open_ledger(url, root)
    _start.wait()
    began = time.time()
    ids = [ledger.register(sha256=f"{worker:08d}{i:056d}", file=f"来文{worker}-{i}.pdf", channel="edoc",
                           archive_path=f"archive/{worker}/{i}.pdf").id for i in range(count)]
    registered = time.time()
    _start.wait()  # the state changes start together too
    changing = time.time()
    for doc_id in ids:
        ledger.set_status(doc_id, "reviewed", "初审完毕", expect_version=0, verdict="accept",
                          findings=[{"rule": "element.title", "severity": "info"}], title="关于冬季学校安全工作的通知")
    done = time.time()
    ledger.close()
    return {"began": began, "registered": registered, "changing": changing, "done": done}


def measure(url: str, root: Path, processes: int, count: int) -> dict:
    open_ledger(url, root).close()  # schema first
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_set_start, initargs=(context.Barrier(processes),)) as pool:
        spans = pool.map(_work, [(url, root, w, count) for w in range(processes)], chunksize=1)
    total = processes * count
    register_s = max(s["registered"] for s in spans) - min(s["began"] for s in spans)
    status_s = max(s["done"] for s in spans) - min(s["changing"] for s in spans)
    ledger = open_ledger(url, root)
    rows = ledger.rows()
    assert sorted(r["seq"] for r in rows) == list(range(1, total + 1)), "numbers with a gap or a repeat"
    assert all(r["status"] == "reviewed" for r in rows)
    ledger.close()
    return {"operations": total, "register_per_s": round(total / register_s, 1),
            "set_status_per_s": round(total / status_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-process", type=int, default=300, help="registrations (and state changes) per process")
    args = parser.parse_args()
    if bin_dir() is None:
        sys.exit("PostgreSQL server binaries are not installed (scripts/setup.sh --dev)")
    started = machine.before()
    durable, fast = PostgresServer(bin_dir(), durable=True), PostgresServer(bin_dir())
    results: dict = {}
    try:
        durable.start()
        fast.start()
        with tempfile.TemporaryDirectory() as tmp:
            for processes in (1, 4):
                urls = {"sqlite": f"sqlite:///{Path(tmp) / f'ledger-{processes}.sqlite3'}",
                        "postgresql": durable.create_database(f"bench_{processes}"),
                        "postgresql_fsync_off": fast.create_database(f"bench_{processes}")}
                for backend, url in urls.items():
                    results.setdefault(backend, {})[str(processes)] = measure(url, Path(tmp), processes,
                                                                             args.per_process)
    finally:
        durable.stop()
        fast.stop()
    out = {"benchmark": "ledger", "per_process": args.per_process, "cpus": os.cpu_count(),
           "machine": machine.after(started),
           "postgres_bin": str(bin_dir()), "results": results,
           "note": "Unix socket; postgresql: server defaults (fsync on); postgresql_fsync_off: fsync, "
                   "synchronous_commit and full_page_writes off (the tests' harness); sqlite: WAL, synchronous=FULL. "
                   "Busy shared machine: compare side by side, not across runs."}
    path = ROOT / "bench" / "results" / "ledger.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"ledger backends, {args.per_process} operations per process ({os.cpu_count()} CPUs)")
    backends = ("sqlite", "postgresql", "postgresql_fsync_off")
    print(f"{'':10}{'register/s':>42}   {'set_status/s':>42}")
    label = {"sqlite": "sqlite", "postgresql": "pg", "postgresql_fsync_off": "pg fsync off"}
    print(f"{'processes':10}" + "".join(f"{label[b]:>14}" for b in backends) + "   "
          + "".join(f"{label[b]:>14}" for b in backends))
    for processes in ("1", "4"):
        print(f"{processes:10}" + "".join(f"{results[b][processes]['register_per_s']:>14}" for b in backends) + "   "
              + "".join(f"{results[b][processes]['set_status_per_s']:>14}" for b in backends))
    print("(pg fsync off: the tests' server, commits not flushed; sqlite and pg flush each commit)")
    print(f"→ {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
