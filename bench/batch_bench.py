"""The batch end to end (search latency at scale: bench/search_bench.py → bench/results/search.json).

1. Generates an inbox of N documents (default 1,000): about 70% e-documents (docx, named-font PDF, text),
   20% colour scans (JPEG) and 10% faxes (TIFF G4), 1–5 pages each, and runs `shouwen run` over it — the real
   Prefect flow with its two worker processes, timed from the command's start to its exit: documents/s,
   pages/s, and peak memory of the whole process tree (sum of RSS, sampled every 0.1 s).
2. The same for N e-documents alone (the office's everyday load; target ≥ 20 documents/s end to end).
3. Per-stage time (intake, review, returns, routing + index) from the same mixed inbox run through the batch
   steps in one process, one document after another (pipelines.batch.run_batch), where stages can be timed.
5. With --ledgers N: N e-documents through each ledger backend (SQLite, and a real PostgreSQL started here from
   Debian's packages, durable: fsync on), each three ways — the plain steps in one process, the plain steps on
   the batch's two worker processes (the flow's pool, no Prefect), and `shouwen run` (the Prefect flow) — so the
   flow's overhead over the plain steps is the difference between the last two. Written under "ledgers".

    .venv/bin/python bench/batch_bench.py [--documents 1000] [--skip-stages]
    .venv/bin/python bench/batch_bench.py --ledgers 300        # only part 5

Writes bench/results/batch.json and prints a summary.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import builder, scans  # noqa: E402
from tests.cases import CONFORMANT, OCR_BROKEN, OCR_CONFORMANT  # noqa: E402

PARAGRAPHS = [
    "各单位要高度重视，明确责任分工，确保各项工作按时完成。",
    "要加强督促检查，及时发现和解决工作中存在的问题。",
    "全市共完成投资12.6亿元，同比增长8.3%，圆满完成年度目标任务。",
    "请各区县于每月5日前报送上月工作进展情况。",
    "要严格落实安全生产责任制，坚决防范和遏制重特大事故发生。",
]


def make_inbox(inbox: Path, n: int, seed: int = 7, paper: bool = True) -> None:
    """Write n documents into inbox/<channel>/ (paper=False: e-documents only)."""
    rng = random.Random(seed)
    fonts = inbox.parent / "fonts"
    bases = list(CONFORMANT.values())
    for i in range(n):
        kind = rng.random() if paper else 0.0
        extra = rng.randint(0, 4)  # pages beyond the first: longer bodies
        base = rng.choice(bases)
        body = list(base.body) + [rng.choice(PARAGRAPHS) for _ in range(extra * 12)]
        doc_type = base.title[-2:]  # 通知, 请示, 报告: the title keeps the base's 文种
        spec = dataclasses.replace(base, doc_number=f"筑教发〔2026〕{i + 1}号", title=f"贵阳市教育局关于第{i + 1}项工作的{doc_type}",
                                   body=body)
        if kind < 0.70:
            fmt = rng.choice(("docx", "pdf", "txt"))
            target = inbox / "edoc" / f"e{i:05d}.{fmt}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "docx":
                builder.write_docx(spec, target)
            elif fmt == "pdf":
                builder.write_named_font_pdf(spec, target, fonts)
            else:
                builder.write_text(spec, target)
        else:
            spec = rng.choice((OCR_CONFORMANT, OCR_BROKEN))
            pdf = builder.write_named_font_pdf(spec, inbox.parent / "tmp.pdf", fonts)
            pages = scans.render_pdf(pdf, 200)
            if kind < 0.90:
                target = inbox / "scan" / f"s{i:05d}.jpg"
                target.parent.mkdir(parents=True, exist_ok=True)
                scans.scan(pages[0], seed=i).save(target, quality=80, dpi=(200, 200))
            else:
                target = inbox / "fax" / f"f{i:05d}.tif"
                target.parent.mkdir(parents=True, exist_ok=True)
                scans.save_tiff([scans.fax(p, 200, seed=i) for p in pages], target)



BATCH = """
import json, re, sys, time
from pipelines import batch, disposition, process
stages = {"intake": 0.0, "review": 0.0, "returns": 0.0, "route_and_index": 0.0}
def timed(stage, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            stages[stage] += time.perf_counter() - t
    wrapper.step = getattr(fn, "step", None)
    return wrapper
# each stage timed where its caller looks it up: the sequence (batch), one document's step (process), the return
batch.take_in = timed("intake", batch.take_in)
process.review_document = timed("review", process.review_document)
disposition.write_return = timed("returns", disposition.write_return)
process.route_and_index = timed("route_and_index", process.route_and_index)
t = time.perf_counter()
summary = batch.run_batch(sys.argv[1])
total = time.perf_counter() - t
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024
from pipelines.office import Office
with Office.open(sys.argv[1]) as office:
    pages = sum(r["pages"] or 0 for r in office.ledger.rows())
print(json.dumps({"seconds": total, "received": summary.received, "outcomes": len(summary.outcomes), "pages": pages,
                  "stages": stages, "peak_mib": hwm,
                  "statuses": {s: summary.count(s) for s in ("indexed", "returned", "quarantined", "routed")}}))
"""


def run_stages(root: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", BATCH, str(root)], capture_output=True, text=True, cwd=ROOT, timeout=7200)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


PLAIN_RUN = """
import json, sys, time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor, as_completed
from pipelines import batch
from pipelines.workers import Workers

class Threaded:
    # the plain steps with each document sent to its lane's worker at once, as the flow's task runners do
    def call(self, fn, *args):
        return fn(*args)
    def each(self, fn, calls, lanes):
        with ThreadPoolExecutor(max_workers=2) as threads:
            futures = {threads.submit(fn, *args): i for i, args in enumerate(calls)}
            for future in as_completed(futures):
                exc = future.exception()
                yield futures[future], exc if exc else future.result()

root, how = Path(sys.argv[1]), sys.argv[2]
t = time.perf_counter()
if how == "one-process":
    summary = batch.run_batch(root)
else:
    from pipelines.batch_lock import batch_lock
    from pipelines.office import Office
    from pipelines.dataroot import prepare
    prepare(root)
    with batch_lock(root), Office.open(root) as office, Workers(root) as pool:
        summary = batch.run_steps(office, pool, Threaded())
print(json.dumps({"seconds": time.perf_counter() - t, "documents": len(summary.outcomes),
                  "statuses": {s: summary.count(s) for s in ("indexed", "returned", "quarantined")}}))
"""


def plain_run(root: Path, how: str, env: dict) -> dict:
    """The batch's steps without Prefect in a fresh process: how = one-process | two-workers."""
    result = subprocess.run([sys.executable, "-c", PLAIN_RUN, str(root), how], capture_output=True, text=True, cwd=ROOT,
                            env=env, timeout=7200)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["documents_per_second"] = round(out["documents"] / out["seconds"], 2)
    out["seconds"] = round(out["seconds"], 1)
    return out


def flow_run(root: Path, env: dict) -> dict:
    """`shouwen run` on a root whose Prefect database exists (one empty run first): wall and in-flow time."""
    shouwen = Path(sys.executable).with_name("shouwen")
    inbox = root / "inbox"
    waiting = inbox.rename(root / "waiting")
    subprocess.run([str(shouwen), "run", "--root", str(root)], cwd=ROOT, env=env, capture_output=True, check=True)
    for folder in inbox.iterdir():
        folder.rmdir()
    waiting.rename(inbox)
    started = time.perf_counter()
    result = subprocess.run([str(shouwen), "run", "--root", str(root)], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"shouwen run failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    in_flow = float(re.search(r"用时 ([\d.]+) 秒", result.stdout).group(1))
    documents = int(re.search(r"处理 (\d+) 件", result.stdout).group(1))
    return {"documents": documents, "wall_seconds": round(wall, 1), "in_flow_seconds": in_flow,
            "documents_per_second": round(documents / wall, 2), "documents_per_second_in_flow": round(documents / in_flow, 2),
            "fixed_seconds": round(wall - in_flow, 1)}


def compare_ledgers(workdir: Path, n: int) -> dict:
    """Part 5: the same N e-documents on SQLite and on PostgreSQL, plain (one process, two workers) and flow."""
    sys.path.insert(0, str(ROOT))
    from tests.postgres import PostgresServer, bin_dir

    source = workdir / "ledgers-inbox"
    make_inbox(source, n, seed=9, paper=False)
    server = PostgresServer(bin_dir(), durable=True).start() if bin_dir() else None
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHOUWEN_LEDGER_URL"))}
    out: dict = {"documents": n, "postgresql": "durable (fsync on), Unix socket" if server else "not installed"}
    try:
        for backend in ("sqlite", "postgresql"):
            if backend == "postgresql" and server is None:
                continue
            rows = {}
            for how in ("one-process", "two-workers", "flow"):
                root = workdir / f"{backend}-{how}"
                shutil.copytree(source, root / "inbox")
                env = dict(base)
                if backend == "postgresql":
                    env["SHOUWEN_LEDGER_URL"] = server.create_database(f"bench_{how.replace('-', '_')}")
                rows[how] = flow_run(root, env) if how == "flow" else plain_run(root, how, env)
                print(f"  {backend} {how}: {rows[how]}", flush=True)
            flow, plain = rows["flow"], rows["two-workers"]
            rows["flow_overhead"] = {
                "seconds_in_flow_over_plain": round(flow["in_flow_seconds"] - plain["seconds"], 1),
                "ms_per_document": round((flow["in_flow_seconds"] - plain["seconds"]) * 1000 / n, 1),
                "fixed_start_seconds": flow["fixed_seconds"]}
            out[backend] = rows
    finally:
        if server:
            server.stop()
    return out


def tree_rss(process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    import psutil

    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_cli(root: Path) -> dict:
    """`shouwen run --root ROOT` in a fresh process: wall time to exit, in-flow time, peak memory of the tree.
    The data root has run an (empty) batch before, as an office's has: Prefect's own database exists; the
    first run ever on a data root spends about 8 s more creating it (reported apart as first_run_seconds)."""
    import psutil

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    shouwen = Path(sys.executable).with_name("shouwen")
    inbox = root / "inbox"
    waiting = inbox.rename(root / "waiting")
    t = time.perf_counter()
    subprocess.run([str(shouwen), "run", "--root", str(root)], cwd=ROOT, env=env, capture_output=True, check=True)
    first_run = time.perf_counter() - t
    for folder in inbox.iterdir():
        folder.rmdir()
    waiting.rename(inbox)
    started = time.perf_counter()
    proc = subprocess.Popen([str(shouwen), "run", "--root", str(root)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(watched))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"shouwen run failed ({proc.returncode}):\n{out[-3000:]}")
    in_flow = float(re.search(r"用时 ([\d.]+) 秒", out).group(1))
    from pipelines.ledger import SQLiteLedger

    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    pages = sum(r["pages"] or 0 for r in rows)
    return {"documents": len(rows), "pages": pages, "wall_seconds": round(wall, 1), "in_flow_seconds": in_flow,
            "documents_per_second": round(len(rows) / wall, 2), "pages_per_second": round(pages / wall, 2),
            "documents_per_second_in_flow": round(len(rows) / in_flow, 2), "peak_tree_mib": peak // 1048576,
            "statuses": statuses, "first_run_seconds_empty_inbox": round(first_run, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--skip-stages", action="store_true", help="skip the one-process per-stage run")
    parser.add_argument("--ledgers", type=int, metavar="N", help="only part 5: N e-documents on SQLite and PostgreSQL")
    args = parser.parse_args()
    if args.ledgers:
        return ledgers_only(args.ledgers)
    out: dict = {"documents": args.documents, "cpus": os.cpu_count()}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="shouwen-batch-bench-") as tmp:
        mixed, edocs = Path(tmp) / "mixed", Path(tmp) / "edocs"
        t = time.perf_counter()
        make_inbox(mixed / "inbox", args.documents)
        make_inbox(edocs / "inbox", args.documents, seed=8, paper=False)
        out["generate_seconds"] = round(time.perf_counter() - t, 1)
        if not args.skip_stages:
            shutil.copytree(mixed / "inbox", Path(tmp) / "stages" / "inbox")
        out["mixed"] = run_cli(mixed)
        print(_line("混合收文（70% 电子公文，20% 扫描件，10% 传真）", out["mixed"]), flush=True)
        out["edocs"] = run_cli(edocs)
        print(_line("电子公文", out["edocs"]), flush=True)
        if not args.skip_stages:
            stages = run_stages(Path(tmp) / "stages")
            out["stages_one_process"] = {"seconds": round(stages["seconds"], 1), "peak_mib": stages["peak_mib"],
                                         "stage_seconds": {k: round(v, 1) for k, v in stages["stages"].items()}}
            print("单进程逐件各步用时（秒）：" + "，".join(f"{k} {v}" for k, v in out["stages_one_process"]["stage_seconds"].items())
                  + f"；合计 {out['stages_one_process']['seconds']} 秒", flush=True)
    out["machine"] = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                      "load_average_after": [round(x, 2) for x in os.getloadavg()],
                      "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    target = ROOT / "bench" / "results" / "batch.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    if "ledgers" in kept:  # part 5 is run on its own (--ledgers): its latest figures stay, with their own load
        out["ledgers"] = kept["ledgers"]
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"结果写入 {target.relative_to(ROOT)}")


def ledgers_only(n: int) -> None:
    target = ROOT / "bench" / "results" / "batch.json"
    out = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="shouwen-ledger-bench-") as tmp:
        result = compare_ledgers(Path(tmp), n)
    result["machine"] = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                         "load_average_after": [round(x, 2) for x in os.getloadavg()],
                         "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    out["ledgers"] = result
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"电子公文 {n} 件，件/秒（一个进程 | 两个工作进程 | shouwen run 流程内 | 全程）及流程开销：")
    for backend in ("sqlite", "postgresql"):
        if backend in result:
            r = result[backend]
            print(f"  {backend:10s} {r['one-process']['documents_per_second']:>6} | {r['two-workers']['documents_per_second']:>6} | "
                  f"{r['flow']['documents_per_second_in_flow']:>6} | {r['flow']['documents_per_second']:>6}   "
                  f"流程比直接调用多 {r['flow_overhead']['seconds_in_flow_over_plain']} 秒"
                  f"（每件 {r['flow_overhead']['ms_per_document']} ms），启动等固定开销 {r['flow_overhead']['fixed_start_seconds']} 秒")
    print(f"结果写入 {target.relative_to(ROOT)}")


def _line(label: str, r: dict) -> str:
    return (f"{label} {r['documents']} 件 / {r['pages']} 页：shouwen run 全程 {r['wall_seconds']} 秒，"
            f"{r['documents_per_second']} 件/秒，{r['pages_per_second']} 页/秒（流程内 {r['in_flow_seconds']} 秒，"
            f"{r['documents_per_second_in_flow']} 件/秒）；进程树峰值内存 {r['peak_tree_mib']} MiB；{r['statuses']}")


if __name__ == "__main__":
    main()
