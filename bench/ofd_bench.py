"""OFD beside PDF: pages per second through extract + parse + validate, in one run, on one core.

The corpus is every conformant and rule-breaking 公文 of tests/cases.py, typeset once and written both
as a PDF (reportlab, named fonts: the PDF reader's fastest case) and as an OFD (tests/ofd_builder.py:
the same glyphs, positions and rules), so the two columns differ only by the reader. The real OFD
samples in tests/data/ofd/ that have a text layer are timed as a third group. Each document is timed
`--rounds` times after one warm-up (jieba and spaCy load once, as in a worker); the extract step is also
timed on its own, so the reader's share is visible.

    .venv/bin/python bench/ofd_bench.py [--rounds 3]

Writes bench/results/ofd.json and prints a summary.
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
from extractors.elements import parse_elements  # noqa: E402
from tests import builder, ofd_builder  # noqa: E402
from tests.cases import CASES, CONFORMANT  # noqa: E402
from validators import load_profile, validate  # noqa: E402

REAL_TEXT_LAYER = ("luqiao-pifu-sealed.ofd", "bengbu-han.ofd", "hello-sealed.ofd", "helloworld.ofd")


def build_corpus(workdir: Path) -> dict[str, list[Path]]:
    specs = {f"ok-{k}": v for k, v in CONFORMANT.items()}
    specs.update({f"case-{i:02d}": c.spec for i, c in enumerate(CASES)})
    pdf, ofd = [], []
    for name, spec in specs.items():
        pdf.append(builder.write_named_font_pdf(spec, workdir / f"{name}.pdf", workdir / "fonts"))
        ofd.append(ofd_builder.write_ofd(spec, workdir / f"{name}.ofd", workdir / "fonts"))
    real = [ROOT / "tests" / "data" / "ofd" / name for name in REAL_TEXT_LAYER]
    return {"pdf": pdf, "ofd": ofd, "ofd-real": real}


def time_format(paths: list[Path], rounds: int, profile) -> dict:
    blobs = [p.read_bytes() for p in paths]
    per_doc, extract_total, pages_total, seconds_total = [], 0.0, 0, 0.0
    for _ in range(rounds):
        for data in blobs:
            start = time.perf_counter()
            document = extract(data)
            middle = time.perf_counter()
            validate(document, parse_elements(document), profile, "edoc")
            elapsed = time.perf_counter() - start
            per_doc.append(elapsed)
            extract_total += middle - start
            pages_total += len(document.pages)
            seconds_total += elapsed
    return {
        "documents": len(blobs),
        "rounds": rounds,
        "pages_per_second": round(pages_total / seconds_total, 1),
        "documents_per_second": round(len(per_doc) / seconds_total, 1),
        "extract_pages_per_second": round(pages_total / extract_total, 1),
        "extract_share": round(extract_total / seconds_total, 2),
        "median_ms_per_document": round(statistics.median(per_doc) * 1000, 2),
        "mean_pages_per_document": round(pages_total / len(per_doc), 2),
        "bytes_mean": round(sum(len(b) for b in blobs) / len(blobs)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = machine.before()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    with tempfile.TemporaryDirectory(prefix="shouwen-ofd-bench-") as tmp:
        t0 = time.perf_counter()
        corpus = build_corpus(Path(tmp))
        build_seconds = time.perf_counter() - t0
        profile = load_profile("gb9704-2012")
        t0 = time.perf_counter()
        document = extract(corpus["ofd"][0].read_bytes())
        validate(document, parse_elements(document), profile, "edoc")  # jieba, spaCy, fontTools load once
        warmup = time.perf_counter() - t0
        results = {fmt: time_format(paths, args.rounds, profile) for fmt, paths in corpus.items()}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "benchmark": "OFD vs PDF: extract + parse + validate, one core, same documents",
        "machine": machine.after(started),
        "corpus_build_seconds": round(build_seconds, 1),
        "warmup_seconds": round(warmup, 2),
        "peak_rss_mib": round(peak_mib, 1),
        **results,
    }
    target = ROOT / "bench" / "results" / "ofd.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("初审吞吐(单核，抽取 + 要素解析 + 规则校验)")
    for fmt, label in (("pdf", "PDF (reportlab)"), ("ofd", "OFD (同一批公文)"), ("ofd-real", "OFD (真实样本)")):
        r = results[fmt]
        print(f"  {label:<16} {r['pages_per_second']:>7} 页/秒  {r['documents_per_second']:>6} 件/秒  "
              f"抽取 {r['extract_pages_per_second']} 页/秒（占 {r['extract_share']:.0%}）  中位 {r['median_ms_per_document']} ms/件  "
              f"({r['documents']} 件 × {args.rounds} 轮)")
    print(f"首次加载 {warmup:.2f} s；峰值内存 {peak_mib:.0f} MiB；结果写入 {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
