"""Search benchmark (检索): build time, index size, peak memory, query latency and P@5 / R@10 per backend and size.

    python bench/search_bench.py --sizes 10000              # while developing
    nice python bench/search_bench.py --sizes 100000 1000000
    nice python bench/search_bench.py --sizes 1000000 --keep /work/bench-index-1m --build-until 07:05 --label=-x
    nice python bench/search_bench.py --sizes 1000000 --existing /work/bench-index-1m/root --label=-quiet

--keep builds into a directory that is kept; --existing measures the queries again on such an index (the
same corpus: give the size it was built for); --build-until stops adding documents at a UTC time and the
queries run on what was built (the row says build_stopped_early); --label names the rows.
Backends: tantivy (every query plan of TantivyIndex.PLANS: latency_by_plan, quality_by_plan) and
sqlite-fts5, a bench-only peer fed the same analysis (bench/search_fts5_peer.py).

Each (backend, size) runs in its own process (peak memory is that process's). The corpus and the relevance
set come from bench/search_corpus.py (realistic 公文 of 1,000–3,000 characters; 112 planted questions and 70 harder ones).
Results are merged into bench/results/search.json (a run for one size keeps the others' figures) and
printed as a table. Latency is the search the clerk runs (best 10, with snippets); "with facets" adds the
facet counts over every match. The machine's load average is recorded at start and end: it is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results" / "search.json"
BACKENDS = ("tantivy", "sqlite-fts5")
WORKERS = int(os.environ.get("SHOUWEN_BENCH_WORKERS", "2"))  # processes cutting text during the build


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 2)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def measure(backend: str, size: int, workdir: Path, build_until: float = 0.0, existing: Path | None = None,
            build_only: bool = False) -> dict:
    """build_until: a time.time() after which no more documents are added (the shared machine may not build
    the whole size before a deadline): the queries then run on what was built, and the row says so."""
    from search_corpus import Corpus, latency_queries

    from index import Doc, open_index

    corpus = Corpus(size)
    root = existing or workdir / "root"
    if backend == "sqlite-fts5":  # the peer (bench only), fed the same analysis
        from search_fts5_peer import Fts5Peer

        index = Fts5Peer(root)
    else:
        index = open_index(root)
    started = time.perf_counter()
    last = [started]

    def progress(n):
        if time.perf_counter() - last[0] > 60:
            last[0] = time.perf_counter()
            print(f"  {backend} {size}: {n} 件已入检索，{n / (last[0] - started):.0f} 件/秒", file=sys.stderr, flush=True)

    def docs():
        for d in corpus.docs():
            if build_until and time.time() > build_until:
                return
            yield Doc(d.id, d.title, d.body, d.fields)

    built = {}
    if existing:  # queries only, on an index this bench built before (same corpus and seed)
        added, build = index.count(), None
        facts = Path(root) / "bench-build.json"  # what its build measured (--build-only, --keep)
        built = json.loads(facts.read_text(encoding="utf-8")) if facts.exists() else {}
    else:
        added = index.add_many(docs(), progress, workers=WORKERS, commit_every=50_000)
    build = time.perf_counter() - started if not existing else built.get("build_seconds")
    size_bytes = _du(root)
    if not existing:
        built = {"build_seconds": round(build, 1), "documents": added, "index_mib": round(size_bytes / 1048576),
                 "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                 "load_average_after": [round(x, 2) for x in os.getloadavg()], "workers": WORKERS,
                 "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        (Path(root) / "bench-build.json").write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
        if build_only:
            index.close()
            return {"backend": backend, "build_only": True} | built
    size = added  # the documents 1..added were built
    chars = sum(len(corpus.doc(i).body) for i in range(1, min(size, 2000) + 1)) / min(size, 2000)

    queries = latency_queries()
    for q, f in queries[:20]:  # warm the caches as a day's first searches do
        index.search(q, limit=10, **f)
    plain, faceted, by_kind, cpu, cpu_by_kind = [], [], {}, [], {}
    for k, (q, f) in enumerate(queries):
        t, c = time.perf_counter(), time.process_time()
        index.search(q, limit=10, **f)
        ms = (time.perf_counter() - t) * 1000
        cpu.append((time.process_time() - c) * 1000)  # this process's CPU: what the query costs, load aside
        plain.append(ms)
        kind = KINDS[k % 8]
        by_kind.setdefault(kind, []).append(ms)
        cpu_by_kind.setdefault(kind, []).append(cpu[-1])
        t = time.perf_counter()
        index.results(q, limit=10, **f)
        faceted.append((time.perf_counter() - t) * 1000)
    paste = corpus.doc(size // 2).body[:10000] * (1 + 10000 // max(1, len(corpus.doc(size // 2).body)))
    t = time.perf_counter()
    paste_hits = index.search(paste[:10000], limit=10)
    paste_ms = (time.perf_counter() - t) * 1000

    plans = getattr(index, "PLANS", ("default",))
    quality = {plan: relevance(index, corpus, size, plan) for plan in plans}
    quality["default"] = quality[plans[0]]
    speed = {plan: plan_latency(index, queries, plan) for plan in plans}
    index.close()
    return {"backend": backend, "documents": added, "mean_chars": round(chars), "build_seconds": round(build, 1) if build else None,
            "documents_per_second": round(added / build) if build else None, "index_mib": round(size_bytes / 1048576),
            "build": built,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "queries": len(plain), "p50_ms": _percentile(plain, 50), "p95_ms": _percentile(plain, 95),
            "max_ms": round(max(plain), 2), "cpu_p50_ms": _percentile(cpu, 50), "cpu_p95_ms": _percentile(cpu, 95),
            "with_facets_p50_ms": _percentile(faceted, 50),
            "with_facets_p95_ms": _percentile(faceted, 95),
            "p95_ms_by_kind": {k: _percentile(v, 95) for k, v in by_kind.items()},
            "cpu_p95_ms_by_kind": {k: _percentile(v, 95) for k, v in cpu_by_kind.items()},
            "paste_10000_chars_ms": round(paste_ms, 1), "paste_finds_its_document": size // 2 in [h.id for h in paste_hits],
            "build_stopped_early": added < corpus.n, "planned_documents": corpus.n,
            "questions": quality["default"]["planted"]["questions"], "p_at_5": quality["default"]["planted"]["p_at_5"],
            "r_at_10": quality["default"]["planted"]["r_at_10"], "hard_questions": quality["default"]["hard"]["questions"],
            "hard_p_at_5": quality["default"]["hard"]["p_at_5"], "hard_r_at_10": quality["default"]["hard"]["r_at_10"],
            "quality_by_plan": quality, "latency_by_plan": speed}


KINDS = ("frequent", "topic", "one character", "phrase", "three words", "发文字号 part", "subject", "punctuation inside")


def plan_latency(index, queries, plan: str) -> dict:
    """Wall and CPU p50/p95 (ms) of the clerk's search (best 10, snippets) under one query plan, per kind."""
    previous = getattr(index, "plan", None)
    if previous is not None:
        index.plan = plan
    wall, cpu, by_kind = [], [], {}
    for k, (q, f) in enumerate(queries):
        t, c = time.perf_counter(), time.process_time()
        index.search(q, limit=10, **f)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        by_kind.setdefault(KINDS[k % 8], []).append(cpu[-1])
    if previous is not None:
        index.plan = previous
    return {"p50_ms": _percentile(wall, 50), "p95_ms": _percentile(wall, 95), "cpu_p50_ms": _percentile(cpu, 50),
            "cpu_p95_ms": _percentile(cpu, 95), "cpu_p95_ms_by_kind": {k: _percentile(v, 95) for k, v in by_kind.items()},
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def relevance(index, corpus, size: int, plan: str) -> dict:
    """P@5 and R@10 of the planted set (corpus.questions) and of the harder set (corpus.hard), by kind, under
    one query plan of the index (index.plan; the default first). P@5 = relevant in the top 5 / min(5, relevant)."""
    previous = getattr(index, "plan", None)
    if previous is not None:
        index.plan = plan
    out = {}
    for name, questions in (("planted", corpus.questions), ("hard", corpus.hard)):
        by_kind: dict[str, list] = {}
        for question in questions:
            relevant = {i for i in question.relevant if i <= size}
            if not relevant:
                continue
            got = [h.id for h in index.search(question.query, limit=10)]
            p5 = sum(1 for i in got[:5] if i in relevant) / min(5, len(relevant))
            r10 = sum(1 for i in got[:10] if i in relevant) / len(relevant)
            by_kind.setdefault(question.kind, []).append((p5, r10))
        every = [x for v in by_kind.values() for x in v]
        out[name] = {"questions": len(every),
                     "p_at_5": round(statistics.mean(p for p, _ in every), 3) if every else None,
                     "r_at_10": round(statistics.mean(r for _, r in every), 3) if every else None,
                     "by_kind": {k: {"questions": len(v), "p_at_5": round(statistics.mean(p for p, _ in v), 3),
                                     "r_at_10": round(statistics.mean(r for _, r in v), 3)} for k, v in by_kind.items()}}
    if previous is not None:
        index.plan = previous
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS))
    ap.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help="where indexes are built (default: a temporary folder)")
    ap.add_argument("--query-only", "--existing", dest="query_only", default=None, metavar="ROOT",
                    help="measure queries on the index already built in ROOT/search-index (built for the first SIZE)")
    ap.add_argument("--keep", default=None, metavar="ROOT",
                    help="build into ROOT/search-index and keep it (for --existing later); ROOT must not hold an index")
    ap.add_argument("--build-until", default=None, metavar="HH:MM",
                    help="UTC time after which building stops and the queries run on what was built")
    ap.add_argument("--label", default="", help="suffix of the result rows' names (keeps earlier rows)")
    ap.add_argument("--build-only", action="store_true",
                    help="with --one and --keep: build, record the build's figures in ROOT/root/bench-build.json, "
                         "measure nothing else (--existing reads them)")
    args = ap.parse_args()
    if args.one:
        work = Path(tempfile.mkdtemp(prefix="shouwen-search-", dir=args.workdir))
        if args.keep:
            shutil.rmtree(work)
            work = Path(args.keep)
            if (work / "root").exists():
                sys.exit(f"{work}/root already holds an index: measure it with --existing {work}/root")
        try:
            until = float(args.build_until) if args.build_until else 0.0
            existing = Path(args.query_only) if args.query_only else None
            print(json.dumps(measure(args.one[0], int(args.one[1]), work, until, existing, args.build_only),
                             ensure_ascii=False))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        return
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": {}}
    for size in args.sizes:
        for backend in args.backends:
            load_before = os.getloadavg()
            cmd = [sys.executable, __file__, "--one", backend, str(size)] + (["--workdir", args.workdir] if args.workdir else [])
            if args.query_only:
                cmd += ["--query-only", args.query_only]
            if args.keep:
                cmd += ["--keep", args.keep]
            if args.build_until:
                hh, mm = map(int, args.build_until.split(":"))
                now = time.gmtime()
                until = time.mktime((now.tm_year, now.tm_mon, now.tm_mday, hh, mm, 0, 0, 0, 0)) - time.timezone
                cmd += ["--build-until", str(until)]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            if proc.returncode != 0:
                print(f"{backend} {size}: failed ({proc.returncode})", file=sys.stderr)
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            row["machine"] = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                              "load_average_after": [round(x, 2) for x in os.getloadavg()],
                              "note": "shared by 8 engineers; run with nice", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
            results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": {}}
            if args.query_only:
                row["build_seconds"] = row["documents_per_second"] = None
                row["note"] = "queries measured again on the index built by the run above (build figures there)"
            results["runs"][f"{backend}@{size}" + ("-queries" if args.query_only else "") + args.label] = row  # read again: another run may have written meanwhile
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(results)


def print_table(results: dict) -> None:
    cols = ("documents", "build_seconds", "index_mib", "peak_rss_mib", "p50_ms", "p95_ms", "max_ms", "cpu_p95_ms", "with_facets_p95_ms",
            "paste_10000_chars_ms", "p_at_5", "r_at_10")
    print("backend@size".ljust(40) + "".join(c[:14].rjust(15) for c in cols))
    for key, row in sorted(results["runs"].items(), key=lambda kv: (kv[1]["backend"], kv[1]["documents"])):
        print(key.ljust(40) + "".join(str(row.get(c)).rjust(15) for c in cols))


if __name__ == "__main__":
    main()
