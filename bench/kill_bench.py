"""Kill trials (断电试验): the real `shouwen run` killed with kill -9 at a random moment, then run again.

Each trial: a fresh data root with N e-documents, a fax and a truncated PDF; `shouwen run` started and killed
with SIGKILL after a random delay (0 … --max-delay s, so it falls in start-up, intake or processing); then one
more `shouwen run` to the end. Counted per trial:
  lost        inputs not in the ledger after the second run (or still in the inbox)
  duplicated  inputs registered twice, numbers given twice or skipped
  stuck       documents not in a final state after the second run, .incoming-* temporaries left in the
              archive, or worker processes of the killed batch still running
  leftovers   what the killed batch left that the second run did not clear: .incoming-* temporaries, a
              search-index.new/ rebuild, Prefect worker processes (counted in stuck as well)
The truncated PDF stands for a transfer that broke off long ago (its mtime an hour back): it is quarantined,
not waited for (issue 19 point 7's grace period). The machine's load average is written with the results.
Writes bench/results/kill.json (the latest run only) and prints a summary.

    python bench/kill_bench.py --trials 10 --docs 8
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples" / "inbox"
FINAL = ("returned", "indexed", "quarantined", "held")


def make_inbox(root: Path, docs: int) -> int:
    from tests import builder

    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    for i in range(docs):
        spec = builder.conformant_notice(doc_number=f"筑教发〔2026〕{i + 1}号", title=f"贵阳市教育局关于第{i + 1}项工作的通知")
        builder.write_docx(spec, inbox / f"文件{i:02d}.docx")
    shutil.copy(SAMPLES / "edoc" / "传输中断-半截文件.pdf", inbox / "半截.pdf")
    long_ago = time.time() - 3600
    os.utime(inbox / "半截.pdf", (long_ago, long_ago))  # cut off an hour ago: quarantined, not waited for
    (root / "inbox" / "fax").mkdir()
    shutil.copy(next((SAMPLES / "fax").iterdir()), root / "inbox" / "fax" / "传真.tif")
    return docs + 2


def workers_of(root: Path) -> list[str]:
    found = []
    for pid in subprocess.run(["pgrep", "-f", "spawn_main"], capture_output=True, text=True).stdout.split():
        try:
            if f"PREFECT_HOME={root / 'prefect'}".encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


def trial(base: Path, n: int, docs: int, max_delay: float, rng: random.Random) -> dict:
    root = base / f"trial{n}"
    total = make_inbox(root, docs)
    env = {**os.environ, "PREFECT_API_URL": "", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
           "PREFECT_HOME": str(root / "prefect"), "SHOUWEN_SETTLE_SECONDS": "0.2"}
    command = [sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)]
    delay = rng.uniform(0, max_delay)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(delay)
    finished_before_kill = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)
    orphans = workers_of(root)
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    conn = sqlite3.connect(root / "ledger.sqlite3")
    rows = conn.execute("SELECT sha256, seq, status FROM documents").fetchall()
    conn.close()
    shas = [r[0] for r in rows]
    seqs = sorted(r[1] for r in rows)
    left_in_inbox = [p for p in (root / "inbox").rglob("*") if p.is_file()]
    temps = list((root / "archive").rglob(".incoming-*"))
    time.sleep(1.0)
    leftovers = [str(p.relative_to(root)) for p in [*temps, *root.glob("search-index.new*")]]
    leftovers += [f"worker pid {pid}" for pid in workers_of(root)]
    return {
        "trial": n, "delay_s": round(delay, 2), "finished_before_kill": finished_before_kill,
        "final_exit": final.returncode, "inputs": total, "registered": len(rows),
        "lost": max(0, total - len(set(shas))) + len(left_in_inbox),
        "duplicated": (len(shas) - len(set(shas))) + (0 if seqs == list(range(1, len(seqs) + 1)) else 1),
        "stuck": sum(1 for r in rows if r[2] not in FINAL) + len(temps)
                 + len(workers_of(root)),
        "orphan_workers_after_kill": len(orphans),
        "leftovers": leftovers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--max-delay", type=float, default=40.0, help="kill within this many seconds of the start")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--out", default="kill.json", help="file name under bench/results/")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = []
    load_before = os.getloadavg()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="kill-bench-") as tmp:
        for n in range(args.trials):
            result = trial(Path(tmp), n, args.docs, args.max_delay, rng)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    totals = {k: sum(r[k] for r in results) for k in ("lost", "duplicated", "stuck", "orphan_workers_after_kill")}
    totals["leftovers"] = sum(len(r["leftovers"]) for r in results)
    machine = {"cpus": os.cpu_count(), "load_avg_1_5_15_before": [round(x, 2) for x in load_before],
               "load_avg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
               "minutes": round((time.time() - started) / 60, 1), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    out = ROOT / "bench" / "results" / args.out
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"trials": args.trials, "docs_per_trial": args.docs, "max_delay_s": args.max_delay,
                               "seed": args.seed, "machine": machine, "totals": totals, "results": results}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{args.trials} 次 kill -9 试验：丢失 {totals['lost']}，重复 {totals['duplicated']}，卡住 {totals['stuck']}，"
          f"被杀批次遗留工作进程 {totals['orphan_workers_after_kill']}，第二次运行后遗留 {totals['leftovers']}；"
          f"负载 {machine['load_avg_1_5_15_before'][0]}→{machine['load_avg_1_5_15_after'][0]}（{out}）")


if __name__ == "__main__":
    main()
