"""How fast the search index is built (the office's `reindex`, the search benchmark's build): this tree's index/
against an earlier revision's, side by side in the same run.

    nice python bench/search_build_bench.py                     # 5,000 documents, against 3bfd143
    nice python bench/search_build_bench.py --documents 10000 --before REV --out /tmp/b.json

Two measurements, each alternating before / after in rounds (the machine is shared: the same rounds see the same
load), on the benchmark's corpus (bench/search_corpus.py):
- analysis: index.analysis.analyse (the four texts each document gives the index) per document, CPU time in one
  process; both revisions' outputs compared on every document (they must be identical: the index is the same);
- build: TantivyIndex.add_many of the documents into a fresh index (2 worker processes cutting text, as
  bench/search_bench.py builds), each revision's index/ in its own process: wall seconds, documents/s, CPU per
  document (the process, its threads and its workers).
Writes bench/results/search_build.json (the latest run only, with the machine's load before and after).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "search_build.json"
BEFORE = "3bfd143"  # main before the analysis was cut on arrays

BUILD = r"""
import json, os, resource, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from search_corpus import Corpus
from index import Doc
from index.tantivy_index import TantivyIndex
n, workers = int(sys.argv[1]), int(sys.argv[2])
corpus, root = Corpus(100_000), tempfile.mkdtemp(prefix="shouwen-build-")  # the first n of the corpus
try:
    index = TantivyIndex(Path(root))
    t, c = time.perf_counter(), time.process_time()
    docs = (corpus.doc(i) for i in range(1, n + 1))
    added = index.add_many((Doc(d.id, d.title, d.body, d.fields) for d in docs), workers=workers)
    wall = time.perf_counter() - t
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c + children.ru_utime + children.ru_stime
    print(json.dumps({"documents": added, "wall_s": round(wall, 1), "documents_per_s": round(added / wall),
                      "cpu_ms_per_document": round(cpu / added * 1000, 3)}))
finally:
    shutil.rmtree(root, ignore_errors=True)
"""


def _tree(revision: str, into: Path) -> Path:
    """index/ of `revision` (git archive) under into/; returns into (a PYTHONPATH root)."""
    data = subprocess.run(["git", "archive", revision, "index"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into)
    return into


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def analysis(before_root: Path, n: int, rounds: int) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from search_corpus import Corpus

    old = _module(before_root / "index" / "analysis.py", "analysis_before")
    new = _module(ROOT / "index" / "analysis.py", "analysis_after")
    corpus = Corpus(100_000)  # its first n documents
    docs = [corpus.doc(i) for i in range(1, n + 1)]
    identical = all(old.analyse(d.title, d.body) == new.analyse(d.title, d.body) for d in docs)
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(rounds):
        for name, module in (("before", old), ("after", new)):
            c = time.process_time()
            for d in docs:
                module.analyse(d.title, d.body)
            cpu[name].append((time.process_time() - c) / n * 1000)
    return {"documents": n, "identical": identical, "rounds": rounds,
            "before_cpu_ms_per_document": round(statistics.median(cpu["before"]), 3),
            "after_cpu_ms_per_document": round(statistics.median(cpu["after"]), 3)}


def build(before_root: Path, n: int, workers: int, rounds: int) -> dict:
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(rounds):
        for name, root in (("before", before_root), ("after", ROOT)):
            out = subprocess.run([sys.executable, "-c", BUILD, str(n), str(workers), str(ROOT / "bench")],
                                 capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
            if out.returncode != 0:
                raise SystemExit(out.stderr[-800:])
            runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]) | {"load": [round(x, 2) for x in os.getloadavg()]})
    summary = {name: {"documents_per_s_median": statistics.median(r["documents_per_s"] for r in rs),
                      "cpu_ms_per_document_median": round(statistics.median(r["cpu_ms_per_document"] for r in rs), 3)}
               for name, rs in runs.items()}
    return {"documents": n, "workers": workers, "rounds": rounds, "summary": summary, "runs": runs}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--before", default=BEFORE, help="the git revision measured against (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    started = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
               "load_average_before": [round(x, 2) for x in os.getloadavg()], "before": args.before,
               "command": "python bench/search_build_bench.py " + " ".join(sys.argv[1:])}
    with tempfile.TemporaryDirectory(prefix="shouwen-before-") as tmp:
        before_root = _tree(args.before, Path(tmp))
        result = {"run": started, "analysis": analysis(before_root, min(args.documents, 5000), 3),
                  "build": build(before_root, args.documents, args.workers, args.rounds)}
    started["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    a, b = result["analysis"], result["build"]["summary"]
    print(f"analyse: {a['before_cpu_ms_per_document']} → {a['after_cpu_ms_per_document']} ms CPU per document "
          f"(identical: {a['identical']}); build of {args.documents}: {b['before']['documents_per_s_median']} → "
          f"{b['after']['documents_per_s_median']} documents/s, {b['before']['cpu_ms_per_document_median']} → "
          f"{b['after']['cpu_ms_per_document_median']} ms CPU per document; load {started['load_average_before']} → "
          f"{started['load_average_after']}")


if __name__ == "__main__":
    main()
