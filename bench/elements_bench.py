"""Element parser (要素识别) on the real corpus: field accuracy, false returns and parsing speed.

Reads tests/data/real/expected.toml (values written by hand; see that file) — or the corpus given with
`--corpus DIR` — parses every document, and compares 文种, 标题, 发文机关 (every issuer), 发文字号, 成文日期,
主送机关, 抄送, 签发人 and the GB/T 9704 format with the expected values. Lists are compared after
splitting at top-level 、，, and strings without whitespace, as the corpus file explains. Time is the
parser alone (extract and rules excluded), median of 5 runs per document.

    .venv/bin/python bench/elements_bench.py [--corpus tests/data/real]

Writes bench/results/elements.json and prints a table.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import extract  # noqa: E402
from extractors.elements import parse_elements, split_names  # noqa: E402
from validators import validate  # noqa: E402
from validators.report import build_report  # noqa: E402

FIELDS = ("doc_type", "title", "issuers", "doc_number", "date", "addressees", "cc", "signers", "format")


def _flat(values) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += split_names(v)
    return [re.sub(r"\s", "", v) for v in out]


def _same(want, got) -> bool:
    if isinstance(want, list):
        return _flat(want) == _flat(got)
    if isinstance(want, str) and isinstance(got, str):
        return re.sub(r"\s", "", want) == re.sub(r"\s", "", got)
    return want == got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "real")
    args = parser.parse_args()
    expected_file = args.corpus / "expected.toml"
    if not expected_file.is_file():
        print(f"no corpus at {args.corpus} (expected.toml missing)")
        return
    expected = tomllib.loads(expected_file.read_text(encoding="utf-8"))
    right = {f: 0 for f in FIELDS}
    asked = {f: 0 for f in FIELDS}
    wrong: list[str] = []
    false_returns: list[str] = []
    times_ms: list[float] = []
    for key, exp in expected.items():
        path = args.corpus / "docs" / exp["file"]
        document = extract(path.read_bytes())
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            el = parse_elements(document)
            runs.append((time.perf_counter() - start) * 1000)
        times_ms.append(statistics.median(runs))
        findings, skipped = validate(document, el, "gb9704-2012", "edoc")
        report = build_report(file=path.name, sha256="0" * 64, channel="edoc", document=document, elements=el,
                              findings=findings, skipped=skipped, profile="gb9704-2012")
        d = report["document"]
        got = {"doc_type": d["doc_type"], "title": d["title"], "issuers": d.get("issuers"), "doc_number": d["doc_number"],
               "date": d["date"], "addressees": d["addressees"], "cc": d["cc"],
               "signers": [d["signer"]] if d["signer"] else [], "format": d.get("format")}
        for f in FIELDS:
            if f in exp:
                asked[f] += 1
                ok = _same(exp[f], got[f])
            elif f in exp.get("absent", []):
                asked[f] += 1
                ok = not got[f]
            else:
                continue
            right[f] += ok
            if not ok:
                wrong.append(f"{key} {f}: expected {exp.get(f, '(absent)')!r}, got {got[f]!r}")
        if exp.get("must_not_return") and report["verdict"] == "return":
            false_returns.append(f"{key}: " + "; ".join(x["rule"] for x in report["findings"] if x["severity"] == "error"))
    conformant = sum(1 for e in expected.values() if e.get("must_not_return"))
    result = {
        "documents": len(expected),
        "field_accuracy": {f: {"right": right[f], "asked": asked[f], "rate": round(right[f] / asked[f], 3) if asked[f] else None}
                           for f in FIELDS},
        "false_returns": {"count": len(false_returns), "of_conformant": conformant, "which": false_returns},
        "wrong": wrong,
        "parse_ms": {"median": round(statistics.median(times_ms), 2), "max": round(max(times_ms), 2)},
    }
    out = ROOT / "bench" / "results" / "elements.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'field':<12}{'right/asked':>12}{'rate':>8}")
    for f in FIELDS:
        a = result["field_accuracy"][f]
        print(f"{f:<12}{a['right']:>5}/{a['asked']:<6}{(a['rate'] or 0) * 100:>7.1f}%")
    print(f"false returns: {len(false_returns)} of {conformant} conformant")
    print(f"parse time per document: median {result['parse_ms']['median']} ms, max {result['parse_ms']['max']} ms")
    for line in wrong:
        print("  wrong:", line)
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
