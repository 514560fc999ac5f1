"""The batch end to end, and search latency at scale.

1. Generates an inbox of N documents (default 1,000): about 70% e-documents (docx, named-font PDF, text),
   20% colour scans (JPEG) and 10% faxes (TIFF G4), 1–5 pages each, and runs one batch over it
   (pipelines.batch.run_batch, the steps the Prefect flow calls) in a fresh process: documents/s and pages/s,
   per stage time (intake, review, returns, routing + index), peak memory.
2. Fills a search index with M synthetic documents (default 100,000) and times 200 queries of two to four
   characters taken from the texts: median and p95 latency.

    .venv/bin/python bench/batch_bench.py [--documents 1000] [--index-size 100000]

Writes bench/results/batch.json and prints a summary.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
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


def make_inbox(inbox: Path, n: int, seed: int = 7) -> None:
    """Write n documents into inbox/<channel>/."""
    rng = random.Random(seed)
    fonts = inbox.parent / "fonts"
    bases = list(CONFORMANT.values())
    for i in range(n):
        kind = rng.random()
        extra = rng.randint(0, 4)  # pages beyond the first: longer bodies
        base = rng.choice(bases)
        body = list(base.body) + [rng.choice(PARAGRAPHS) for _ in range(extra * 12)]
        spec = dataclasses.replace(base, doc_number=f"筑教发〔2026〕{i + 1}号", title=f"贵阳市教育局关于第{i + 1}项工作的通知",
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
from pipelines import batch
stages = {"intake": 0.0, "review": 0.0, "returns": 0.0, "route_and_index": 0.0}
original = {name: getattr(batch, name) for name in ("take_in", "review_document", "write_return", "route")}
def timed(stage, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            stages[stage] += time.perf_counter() - t
    return wrapper
batch.take_in = timed("intake", original["take_in"])
batch.review_document = timed("review", original["review_document"])
batch.write_return = timed("returns", original["write_return"])
batch.route = timed("route_and_index", original["route"])
t = time.perf_counter()
summary = batch.run_batch(sys.argv[1])
total = time.perf_counter() - t
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024
from pipelines.ledger import Ledger
pages = sum(r["pages"] or 0 for r in Ledger(batch.DataRoot(sys.argv[1]).ledger_path).rows())
print(json.dumps({"seconds": total, "received": summary.received, "outcomes": len(summary.outcomes), "pages": pages,
                  "stages": stages, "peak_mib": hwm,
                  "statuses": {s: summary.count(s) for s in ("indexed", "returned", "quarantined", "routed")}}))
"""


def run_batch(root: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", BATCH, str(root)], capture_output=True, text=True, cwd=ROOT, timeout=7200)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def search_latency(workdir: Path, size: int, queries: int = 200, seed: int = 11) -> dict:
    from index import SqliteIndex

    rng = random.Random(seed)
    words = "校舍维修安全检查防汛抗旱疫情防控招商引资乡村振兴营商环境城市更新教育医疗养老托育就业创业生态环境保护交通运输"
    index = SqliteIndex(workdir / "big.sqlite3")
    t = time.perf_counter()
    index.conn.execute("BEGIN")
    from index.sqlite_fts import tokens
    for i in range(size):
        title = f"关于{words[rng.randrange(len(words) - 4):][:4]}工作的通知"
        body = "".join(rng.choice(PARAGRAPHS) for _ in range(6)) + words[rng.randrange(len(words) - 6):][:6]
        index.conn.execute("INSERT INTO docs(id, title, body, doc_type, date) VALUES (?, ?, ?, ?, ?)",
                           (i + 1, title, body, rng.choice(("通知", "请示", "报告")), f"2026-{rng.randint(1, 12):02d}-01"))
        index.conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                           (i + 1, " ".join(tokens(title)), " ".join(tokens(body))))
    index.conn.execute("COMMIT")
    build = time.perf_counter() - t
    latencies = []
    for _ in range(queries):
        start = rng.randrange(len(words) - 4)
        query = words[start:start + rng.randint(2, 4)]
        t = time.perf_counter()
        index.search(query, limit=20)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    return {"documents": size, "build_seconds": round(build, 1), "queries": queries,
            "median_ms": round(statistics.median(latencies), 2), "p95_ms": round(latencies[int(queries * 0.95) - 1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--index-size", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shouwen-batch-bench-") as tmp:
        root = Path(tmp) / "office"
        t = time.perf_counter()
        make_inbox(root / "inbox", args.documents)
        generated = time.perf_counter() - t
        batch = run_batch(root)
        pages = batch["pages"]  # as read, from the ledger
        search = search_latency(Path(tmp), args.index_size)
    out = {"documents": args.documents, "pages": pages, "generate_seconds": round(generated, 1),
           "batch_seconds": round(batch["seconds"], 1),
           "documents_per_second": round(args.documents / batch["seconds"], 2),
           "pages_per_second": round(pages / batch["seconds"], 2),
           "stage_seconds": {k: round(v, 1) for k, v in batch["stages"].items()},
           "statuses": batch["statuses"], "peak_mib": batch["peak_mib"], "search": search}
    target = ROOT / "bench" / "results" / "batch.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"批处理 {args.documents} 件 / {pages} 页：{out['batch_seconds']} 秒，{out['documents_per_second']} 件/秒，"
          f"{out['pages_per_second']} 页/秒；峰值内存 {out['peak_mib']} MiB")
    print("各步用时（秒）：" + "，".join(f"{k} {v}" for k, v in out["stage_seconds"].items()))
    print(f"检索 {search['documents']} 件：中位 {search['median_ms']} ms，p95 {search['p95_ms']} ms（建库 {search['build_seconds']} 秒）；"
          f"结果写入 {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
