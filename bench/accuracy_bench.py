"""Per-rule precision and recall of 初审 on the fixture corpus (tests/cases.py), per format.

Each document is expected to break exactly the rules its case names (none for the conformant ones).
A finding of an expected rule is a true positive, of any other rule a false positive, a missing
expected rule a false negative. On PDFs rendered by LibreOffice, font findings are expected (the
standard 公文 fonts are not installed here and are substituted) and are counted separately.

    .venv/bin/python bench/accuracy_bench.py

Writes bench/results/accuracy.json and prints a table.
"""
from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import extract  # noqa: E402
from extractors.convert import convert_files  # noqa: E402
from extractors.elements import parse_elements  # noqa: E402
from tests import builder  # noqa: E402
from tests.cases import CASES, CONFORMANT  # noqa: E402
from validators import all_rules, validate  # noqa: E402


def main() -> None:
    # (name, spec, the rule it breaks, rules its change may also break (neither counted nor held against it), formats)
    documents = [(f"ok-{k}", spec, frozenset(), frozenset(), ("docx", "pdf", "named", "txt")) for k, spec in CONFORMANT.items()]
    documents += [(f"case-{c.id}", c.spec, frozenset({c.rule}), c.also, c.formats) for c in CASES]
    counts = defaultdict(lambda: defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0}))
    substituted_font_findings = 0
    with tempfile.TemporaryDirectory(prefix="shouwen-acc-") as tmp:
        tmp = Path(tmp)
        paths = {}
        for name, spec, *_ in documents:
            paths[(name, "docx")] = builder.write_docx(spec, tmp / f"{name}.docx")
            paths[(name, "txt")] = builder.write_text(spec, tmp / f"{name}.txt")
            paths[(name, "named")] = builder.write_named_font_pdf(spec, tmp / f"{name}.named.pdf", tmp / "fonts")
        for pdf in convert_files([paths[(d[0], "docx")] for d in documents], "pdf", tmp / "lo", timeout=900):
            paths[(pdf.stem, "pdf")] = pdf
        for name, _, expected, allowed, formats in documents:
            for fmt in formats:
                document = extract(paths[(name, fmt)].read_bytes())
                findings, _ = validate(document, parse_elements(document), "gb9704-2012", "edoc")
                if fmt == "pdf":
                    substituted_font_findings += sum(f.aspect == "font" and f.rule not in expected for f in findings)
                    findings = [f for f in findings if f.aspect != "font" or f.rule in expected]
                found = {f.rule for f in findings} - allowed
                for rule in found | expected:
                    key = "tp" if rule in found and rule in expected else ("fp" if rule in found else "fn")
                    counts[rule][fmt][key] += 1
    table = {}
    for rule_id in all_rules():
        per_format = {}
        for fmt, c in sorted(counts[rule_id].items()):
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
            recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
            per_format[fmt] = {**c, "precision": precision, "recall": recall}
        table[rule_id] = per_format
    out = {"corpus": {"documents": len(documents), "checks": sum(len(d[4]) for d in documents)},
           "font_findings_on_substituted_pdfs": substituted_font_findings, "rules": table}
    target = ROOT / "bench" / "results" / "accuracy.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'规则':34} {'格式':6} {'TP':>3} {'FP':>3} {'FN':>3}  精确率  召回率")
    for rule_id, per_format in table.items():
        for fmt, c in per_format.items():
            p = "—" if c["precision"] is None else f"{c['precision']:.2f}"
            r = "—" if c["recall"] is None else f"{c['recall']:.2f}"
            print(f"{rule_id:34} {fmt:6} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}  {p:>6}  {r:>6}")
    tp = sum(c["tp"] for pf in table.values() for c in pf.values())
    fp = sum(c["fp"] for pf in table.values() for c in pf.values())
    fn = sum(c["fn"] for pf in table.values() for c in pf.values())
    print(f"合计 TP {tp}  FP {fp}  FN {fn};LibreOffice 替换字体引起的字体提示 {substituted_font_findings} 条(不计入);"
          f"结果写入 {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
