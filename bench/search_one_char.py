"""One-character queries: the unit field (what shouwen does) against a regex over the bigram terms (no extra
field): index size, latency and whether both find the same documents. → bench/results/search_one_char.json

    python bench/search_one_char.py --size 5000
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CHARS = "市区县局镇乡水电路校"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=5000)
    args = ap.parse_args()
    import tantivy
    from search_corpus import Corpus

    import index.tantivy_index as ti
    from index import Doc, open_index

    corpus = Corpus(args.size)
    out = {"documents": args.size, "load_average": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="shouwen-onechar-"))
    try:
        sizes = {}
        for variant in ("with unit field", "without unit field"):
            root = work / variant.replace(" ", "-")
            index = open_index(root)
            original = ti.analyse
            if variant == "without unit field":
                ti.analyse = lambda t, b: (lambda a: (a[0], a[1], "", a[3]))(original(t, b))
            index.add_many(Doc(d.id, d.title, d.body, d.fields) for d in corpus.docs())
            ti.analyse = original
            sizes[variant] = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
            if variant == "with unit field":
                kept = index
        out["index_bytes"] = sizes
        out["unit_field_share"] = round(1 - sizes["without unit field"] / sizes["with unit field"], 3)
        searcher = kept.index.searcher()
        schema = kept.schema
        term_ms, regex_ms, same = [], [], 0
        for c in CHARS * 3:
            t = time.perf_counter()
            a = searcher.search(tantivy.Query.term_query(schema, "units", c), limit=10, count=True)
            term_ms.append((time.perf_counter() - t) * 1000)
            pattern = f"{c}.|.{c}|{c}"
            q = tantivy.Query.boolean_query([
                (tantivy.Occur.Should, tantivy.Query.regex_query(schema, "title_bi", pattern)),
                (tantivy.Occur.Should, tantivy.Query.regex_query(schema, "body_bi", pattern))])
            t = time.perf_counter()
            b = searcher.search(q, limit=10, count=True)
            regex_ms.append((time.perf_counter() - t) * 1000)
            same += a.count == b.count
        out["unit_term_ms_median"] = round(statistics.median(term_ms), 2)
        out["bigram_regex_ms_median"] = round(statistics.median(regex_ms), 2)
        out["same_match_counts"] = f"{same}/{len(CHARS) * 3}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    target = ROOT / "bench" / "results" / "search_one_char.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
