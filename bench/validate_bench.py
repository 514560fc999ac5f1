"""Throughput of 初审 on one core: extract + parse + validate, for docx and for PDF.

Builds its own corpus with the test builder (every conformant and rule-breaking document of
tests/cases.py, as docx, as a PDF typeset with named fonts and as a PDF rendered by LibreOffice),
pins itself to one CPU, warms the pipeline up once (jieba's dictionary, spaCy), then times each
document several times.

    .venv/bin/python bench/validate_bench.py [--rounds 5]

Writes bench/results/validate.json and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from extractors import extract  # noqa: E402
from extractors.convert import convert_files  # noqa: E402
from extractors.elements import parse_elements  # noqa: E402
from tests import builder  # noqa: E402
from tests.cases import CASES, CONFORMANT  # noqa: E402
from validators import load_profile, validate  # noqa: E402


def build_corpus(workdir: Path) -> dict[str, list[Path]]:
    specs = {f"ok-{k}": v for k, v in CONFORMANT.items()}
    specs.update({f"case-{i:02d}": c.spec for i, c in enumerate(CASES)})
    docx, named = [], []
    for name, spec in specs.items():
        docx.append(builder.write_docx(spec, workdir / f"{name}.docx"))
        named.append(builder.write_named_font_pdf(spec, workdir / f"{name}.named.pdf", workdir / "fonts"))
    rendered = convert_files(docx, "pdf", workdir / "lo", timeout=900)
    return {"docx": docx, "pdf": named + rendered}


def review(data: bytes, profile) -> int:
    document = extract(data)
    elements = parse_elements(document)
    validate(document, elements, profile, "edoc")
    return len(document.pages)


def time_format(paths: list[Path], rounds: int, profile) -> dict:
    blobs = [p.read_bytes() for p in paths]
    per_doc, pages_total, seconds_total = [], 0, 0.0
    for _ in range(rounds):
        for data in blobs:
            start = time.perf_counter()
            pages = review(data, profile)
            elapsed = time.perf_counter() - start
            per_doc.append(elapsed)
            pages_total += pages
            seconds_total += elapsed
    return {
        "documents": len(blobs),
        "rounds": rounds,
        "documents_per_second": round(len(per_doc) / seconds_total, 1),
        "pages_per_second": round(pages_total / seconds_total, 1),
        "median_ms_per_document": round(statistics.median(per_doc) * 1000, 2),
        "p95_ms_per_document": round(sorted(per_doc)[int(len(per_doc) * 0.95) - 1] * 1000, 2),
        "mean_pages_per_document": round(pages_total / len(per_doc), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = machine.before()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the issue asks
    with tempfile.TemporaryDirectory(prefix="shouwen-bench-") as tmp:
        t0 = time.perf_counter()
        corpus = build_corpus(Path(tmp))
        build_seconds = time.perf_counter() - t0
        profile = load_profile("gb9704-2012")
        t0 = time.perf_counter()
        review(corpus["docx"][0].read_bytes(), profile)  # loads jieba and spaCy once, as a worker does
        warmup = time.perf_counter() - t0
        results = {fmt: time_format(paths, args.rounds, profile) for fmt, paths in corpus.items()}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "benchmark": "validate (extract + parse + validate), one core",
        "machine": machine.after(started),
        "corpus_build_seconds": round(build_seconds, 1),
        "warmup_seconds": round(warmup, 2),
        "peak_rss_mib": round(peak_mib, 1),
        **results,
    }
    target = ROOT / "bench" / "results" / "validate.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"初审吞吐(单核)  docx: {results['docx']['documents_per_second']} 件/秒 "
          f"(中位 {results['docx']['median_ms_per_document']} ms/件, {results['docx']['documents']} 件 × {args.rounds} 轮)")
    print(f"               PDF: {results['pdf']['pages_per_second']} 页/秒, {results['pdf']['documents_per_second']} 件/秒 "
          f"(中位 {results['pdf']['median_ms_per_document']} ms/件, {results['pdf']['documents']} 件 × {args.rounds} 轮)")
    print(f"首次加载(jieba、spaCy) {warmup:.2f} s;峰值内存 {peak_mib:.0f} MiB;结果写入 {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
