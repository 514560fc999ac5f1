"""Search benchmark (检索): build time, index size, query latency with and without total and facets, the first
search with a cold page cache, and P@5 / R@10, per backend and size, peers in the same run.

    nice python bench/search_bench.py                              # 100,000 and 1,000,000; the FTS5 peer at 100,000
    nice python bench/search_bench.py --sizes 10000 --out /tmp/s.json   # while developing

Each (backend, size) index is built once into --workdir (bench/work/BACKEND-SIZE/root, git-ignored) and reused by
later runs (--rebuild builds again): the 1,000,000 one takes half an hour or more on this machine. Its build
figures (time, size, peak memory, load) are kept beside it (bench-build.json) and repeated in each row.
Backends: tantivy (every query plan of TantivyIndex.PLANS: latency_by_plan, quality_by_plan; the total and facets
as Results gives them, estimated past a threshold: with_facets_estimated, estimate_accuracy) and sqlite-fts5, a
bench-only peer fed the same analysis that counts everything exactly (bench/search_fts5_peer.py).

Each (backend, size) runs in its own process. The corpus and the relevance set come from bench/search_corpus.py
(realistic 公文 of 1,000–3,000 characters; 112 planted questions and 70 harder ones). Latency is the search the
clerk runs (best 10, with snippets); "with facets" is results(): the total and every facet the web desk shows.
"cold": for tantivy, the first search of a fresh process after the index's files were evicted from the page
cache (vmtouch -e). The results file holds the latest run only, each row with the machine's load before and
after it (the machine is shared), and is printed as a table.
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
    plain, faceted, by_kind, cpu, cpu_by_kind, faceted_cpu, faceted_by_kind = [], [], {}, [], {}, [], {}
    estimated, totals, next_page = 0, [], []
    for k, (q, f) in enumerate(queries):
        t, c = time.perf_counter(), time.process_time()
        index.search(q, limit=10, **f)
        ms = (time.perf_counter() - t) * 1000
        cpu.append((time.process_time() - c) * 1000)  # this process's CPU: what the query costs, load aside
        plain.append(ms)
        kind = KINDS[k % 8]
        by_kind.setdefault(kind, []).append(ms)
        cpu_by_kind.setdefault(kind, []).append(cpu[-1])
        forget = getattr(index, "forget_counts", None)
        if forget:
            forget()  # each query's own count, not one kept from the same query earlier in the list
        t, c = time.perf_counter(), time.process_time()
        found = index.results(q, limit=10, **f)  # what `shouwen search` and the web desk show: total and FACETS
        faceted.append((time.perf_counter() - t) * 1000)
        faceted_cpu.append((time.process_time() - c) * 1000)
        t = time.perf_counter()
        index.results(q, limit=20, **f)  # the web desk's next page of the same query (counts kept, if the backend keeps them)
        next_page.append((time.perf_counter() - t) * 1000)
        faceted_by_kind.setdefault(kind, []).append(faceted_cpu[-1])
        estimated += bool(getattr(found, "approximate", False))
        totals.append((q, f, found.total, bool(getattr(found, "approximate", False))))
    accuracy = estimate_accuracy(index, totals)
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
            "with_facets_p95_ms": _percentile(faceted, 95), "with_facets_max_ms": round(max(faceted), 2),
            "with_facets_cpu_p50_ms": _percentile(faceted_cpu, 50), "with_facets_cpu_p95_ms": _percentile(faceted_cpu, 95),
            "with_facets_cpu_p95_ms_by_kind": {k: _percentile(v, 95) for k, v in faceted_by_kind.items()},
            "with_facets_estimated": estimated, "estimate_accuracy": accuracy,
            "next_page_p50_ms": _percentile(next_page, 50), "next_page_p95_ms": _percentile(next_page, 95),
            "p95_ms_by_kind": {k: _percentile(v, 95) for k, v in by_kind.items()},
            "cpu_p95_ms_by_kind": {k: _percentile(v, 95) for k, v in cpu_by_kind.items()},
            "paste_10000_chars_ms": round(paste_ms, 1), "paste_finds_its_document": size // 2 in [h.id for h in paste_hits],
            "build_stopped_early": added < corpus.n, "planned_documents": corpus.n,
            "questions": quality["default"]["planted"]["questions"], "p_at_5": quality["default"]["planted"]["p_at_5"],
            "r_at_10": quality["default"]["planted"]["r_at_10"], "hard_questions": quality["default"]["hard"]["questions"],
            "hard_p_at_5": quality["default"]["hard"]["p_at_5"], "hard_r_at_10": quality["default"]["hard"]["r_at_10"],
            "quality_by_plan": quality, "latency_by_plan": speed}


KINDS = ("frequent", "topic", "one character", "phrase", "three words", "发文字号 part", "subject", "punctuation inside")


def estimate_accuracy(index, totals: list) -> dict | None:
    """How far the estimated totals (Results.approximate) are from the exact ones: the same queries counted in
    full (the index's thresholds lifted). None for a backend that never estimates."""
    estimated = [(q, f, total) for q, f, total, approximate in totals if approximate]
    if not estimated or not hasattr(index, "EXACT_VISIT_MAX"):
        return None
    saved = index.VISIT_MAX
    index.VISIT_MAX = 10**12  # every match counted
    errors = []
    for q, f, total in estimated:
        exact = index.results(q, limit=10, **f).total
        errors.append(abs(total - exact) / max(1, exact))
    index.VISIT_MAX = saved
    errors.sort()
    return {"queries": len(errors), "median_relative_error": round(statistics.median(errors), 4),
            "p95_relative_error": _percentile(errors, 95), "max_relative_error": round(max(errors), 4)}


COLD_QUERIES = 8  # the first query of each kind, each after the index's files were evicted from the page cache

COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from index import open_index, parse_query
import index.tantivy_index
sys.path.insert(0, sys.argv[2])
from search_corpus import latency_queries
q, f = latency_queries()[int(sys.argv[3])]
parse_query("预热")  # jieba's dictionary: loaded once per process, whatever the page cache holds
t1 = time.perf_counter()
index = open_index(sys.argv[1])
t2 = time.perf_counter()
found = index.results(q, limit=10, **f)
t3 = time.perf_counter()
warm = []
for _ in range(7):
    getattr(index, "forget_counts", lambda: None)()  # counted again each time, as the first one was
    t = time.perf_counter()
    index.results(q, limit=10, **f)
    warm.append((time.perf_counter() - t) * 1000)
print(json.dumps({"query": q, "filters": f, "import_ms": round((t1 - t0) * 1000, 1), "open_ms": round((t2 - t1) * 1000, 1),
                  "first_query_ms": round((t3 - t2) * 1000, 1), "first_ms": round((t3 - t1) * 1000, 1),
                  "warm_ms": round(sorted(warm)[3], 2), "total": found.total, "approximate": found.approximate},
                 ensure_ascii=False))
"""


def evict(folder: Path) -> dict:
    """Drop the index's files from the page cache as `vmtouch -e` does (posix_fadvise DONTNEED on each file; not
    /proc/sys/vm/drop_caches, which would drop every other process's cache on a shared machine), and say how much
    of them is still resident."""
    if shutil.which("vmtouch"):
        subprocess.run(["vmtouch", "-q", "-e", str(folder)], check=False)
        out = subprocess.run(["vmtouch", str(folder)], capture_output=True, text=True).stdout
        resident = next((line.split()[-1] for line in out.splitlines() if "Resident Pages" in line), "?")
        return {"how": "vmtouch -e (posix_fadvise DONTNEED per file)", "resident_after": resident}
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
    return {"how": "posix_fadvise DONTNEED per file (vmtouch not installed)", "resident_after": "?"}


def cold(root: Path) -> dict:
    """The first search of a fresh process (as `shouwen search` is) after the index's files left the page cache:
    opening the index and the query with total and facets (first_ms; the imports and jieba's dictionary, the same
    cold or warm, apart: import_ms), for the first query of each kind; then the same query again in that process
    (warm_ms). Run with no other process holding the index open (mapped pages stay)."""
    trials = []
    for k in range(COLD_QUERIES):
        how = evict(root / "search-index")
        out = subprocess.run([sys.executable, "-c", COLD, str(root), str(ROOT / "bench"), str(k)], cwd=ROOT,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if out.returncode != 0:
            return {"error": out.stderr[-500:]}
        trials.append(json.loads(out.stdout.strip().splitlines()[-1]) | {"kind": KINDS[k], "evicted": how})
    firsts = [t["first_ms"] for t in trials]
    return {"trials": trials, "first_ms_median": round(statistics.median(firsts), 1), "first_ms_max": max(firsts),
            "first_over_same_query_warm_max": round(max(t["first_ms"] / max(0.01, t["warm_ms"]) for t in trials), 1),
            "how": trials[0]["evicted"]["how"]}


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
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS))
    ap.add_argument("--peer-sizes", type=int, nargs="*", default=[100_000],
                    help="sizes the SQLite FTS5 peer runs at (its build at 1,000,000 takes hours here)")
    ap.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=str(ROOT / "bench" / "work"),
                    help="where each (backend, size) index is built and kept (BACKEND-SIZE/root), and reused by the "
                         "next run: the 1,000,000 one takes half an hour or more to build (default bench/work)")
    ap.add_argument("--rebuild", action="store_true", help="build the indexes again even where kept")
    ap.add_argument("--out", default=str(RESULTS), help="the results file (replaced: the latest run only)")
    ap.add_argument("--query-only", "--existing", dest="query_only", default=None, metavar="ROOT", help=argparse.SUPPRESS)
    ap.add_argument("--keep", default=None, metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--build-until", default=None, metavar="HH:MM", help=argparse.SUPPRESS)
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="shouwen-search-"))
        try:
            until = float(args.build_until) if args.build_until else 0.0
            existing = Path(args.query_only) if args.query_only else None
            print(json.dumps(measure(args.one[0], int(args.one[1]), work, until, existing, args.build_only),
                             ensure_ascii=False))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        return
    started = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
               "load_average_before": [round(x, 2) for x in os.getloadavg()],
               "command": "python bench/search_bench.py " + " ".join(sys.argv[1:])}
    rows = {}
    for size in args.sizes:
        for backend in args.backends:
            if backend != "tantivy" and size not in args.peer_sizes:
                continue
            keep = Path(args.workdir) / f"{backend}-{size}"
            root = keep / "root"
            if args.rebuild:
                shutil.rmtree(keep, ignore_errors=True)
            kept = (root / "bench-build.json").exists()
            cmd = [sys.executable, __file__, "--one", backend, str(size), "--keep", str(keep)]
            if kept:
                cmd += ["--query-only", str(root)]
            load_before = os.getloadavg()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            if proc.returncode != 0:
                print(f"{backend} {size}: failed ({proc.returncode})", file=sys.stderr)
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            if backend == "tantivy":  # no process holds the index now: its pages can leave the cache
                row["cold"] = cold(root)
            row["machine"] = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                              "load_average_after": [round(x, 2) for x in os.getloadavg()],
                              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
            row["index_reused"] = kept  # built by an earlier run (row["build"] says when, under what load)
            rows[f"{backend}@{size}"] = row
            print(f"{backend}@{size}: with facets p95 {row.get('with_facets_p95_ms')} ms", file=sys.stderr, flush=True)
    started["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results = {"run": started, "runs": rows, "notes": NOTES}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(results)


NOTES = [
    "The latest run only (bench/search_bench.py replaces this file). Each row states the machine's load average "
    "before and after it (a shared 2-core machine: wall-clock times include waiting for a core; the cpu_* figures "
    "are the CPU time the query used in the benchmark's process).",
    "with_facets_*: results() as `shouwen search` and the web desk call it: the best 10 with snippets, the total and "
    "every facet (FACETS). with_facets_estimated: how many of the 200 queries had their total and facets estimated on "
    "a sample (Results.approximate, shown 约 …); estimate_accuracy compares those totals with a full count.",
    "cold: the first search of a fresh process after the index's files were evicted from the page cache (vmtouch -e: "
    "posix_fadvise DONTNEED on each file; not /proc/sys/vm/drop_caches, which would empty the cache of every other "
    "process on the shared machine), opening the index included (open_ms), for the first query of each kind "
    "(first_query_ms); warm_ms is the same query again in that process, its counts made again.",
    "with_facets_*: each query's own count (the counts the index keeps for the pager are dropped before each); "
    "next_page_*: the same query again with 20 hits, as the web desk's page 2 asks (the counts kept).",
    "An index kept under bench/work from an earlier run is reused (index_reused): its build figures (build) are that "
    "run's, with its own date and load.",
]


def print_table(results: dict) -> None:
    cols = ("documents", "build_seconds", "index_mib", "p50_ms", "p95_ms", "cpu_p95_ms", "with_facets_p50_ms",
            "with_facets_p95_ms", "with_facets_cpu_p95_ms", "with_facets_estimated", "p_at_5", "r_at_10")
    print("backend@size".ljust(40) + "".join(c[:14].rjust(15) for c in cols))
    for key, row in sorted(results["runs"].items(), key=lambda kv: (kv[1]["backend"], kv[1]["documents"])):
        print(key.ljust(40) + "".join(str(row.get(c)).rjust(15) for c in cols))
        if row.get("cold", {}).get("trials"):
            c = row["cold"]
            print(f"  cold first search (open + query, {c['how']}): median {c['first_ms_median']} ms, max "
                  f"{c['first_ms_max']} ms, at most {c['first_over_same_query_warm_max']}x the same query warm")


if __name__ == "__main__":
    main()
