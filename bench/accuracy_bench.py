"""Accuracy of 初审: false returns of conformant documents per producer, and per-rule precision and recall.

1. False-return rate (退文误判率) and documents held for the clerk (待复核, validators/doubt.py): a 退文 goes out
   only when sure; a verdict `return` resting on an absence or a doubtful reading is held, not counted as a
   false return but as held — the aim is zero false returns with as few held as possible. Conformant documents,
   each made by one producer — python-docx docx,
   LibreOffice PDF (those docx rendered with the Fandol fonts of scripts/setup.sh), named-font PDF
   (reportlab, fonts named as the standard's), plain text, a colour scan with a red seal, a G4 fax — and
   the share of them that 初审 returns (any error). The conformant set is tests/cases.py's CONFORMANT plus
   documents real senders make: closing punctuation hanging past the margin, a 版头 in a borderless
   table, a 信函 mark in the page header, a Normal style left at 五号 (tests/docx_layouts.py).
2. Per rule and format on the fixture corpus (tests/cases.py): each document is expected to break exactly
   the rules its case names; a finding of an expected rule is a true positive, of any other rule a false
   positive, a missing expected rule a false negative. Font findings on LibreOffice PDFs count like any
   other (substituted fonts are counted separately too).

    .venv/bin/python bench/accuracy_bench.py [--no-ocr]
    .venv/bin/python bench/accuracy_bench.py --producers DIR [--out FILE]

Writes bench/results/accuracy.json and prints both tables. --producers measures instead the files made by other
people's GB/T 9704 tools (tests/data/producers: right values committed, files kept outside the repository, see its
SOURCES.md) found in DIR: per producer, how many are returned (退文), held (a verdict other than accept/return,
待复核), returned although conformant (false returns), and with which error rules each.
"""
from __future__ import annotations

import json
import runpy
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from extractors import extract  # noqa: E402
from extractors.convert import convert_files  # noqa: E402
from extractors.elements import parse_elements  # noqa: E402
from extractors.fonts import looks_substituted  # noqa: E402
from tests import builder, docx_layouts, scans  # noqa: E402
from tests.cases import CASES, CONFORMANT, OCR_CONFORMANT  # noqa: E402
from validators import all_rules, validate  # noqa: E402
from validators.report import build_report  # noqa: E402

PRODUCERS = {"docx": "python-docx docx", "pdf": "LibreOffice PDF", "named": "具名字体 PDF（reportlab）",
             "txt": "纯文本", "scan": "彩色扫描件（带印章）", "fax": "传真（G4）"}
A = "各单位要把安全工作摆在突出位置落实主体责任层层签订责任书确保责任到人"
HANGING_BODY = [A[:26] + "，" + A[:27] + "。" + A[:10] + "。", "一、高度重视安全工作",
                A[:26] + "；" + A[:20] + "。", A[:26] + "：" + A[:10] + "。", A[:20] + "。"]
SCAN_DPI = 300


def _conformant_files(tmp: Path, ocr: bool) -> dict[str, list[tuple[str, Path]]]:
    """Conformant documents per producer: {producer: [(name, path)]}."""
    files: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    specs = {f"ok-{k}": v for k, v in CONFORMANT.items()}
    specs["hanging-notice"] = builder.conformant_notice(body=HANGING_BODY, hang_punctuation=True)
    specs["hanging-request"] = builder.conformant_request(
        body=[A[:26] + "。", A[:26] + "，" + A[:30] + "。" + A[:3] + "。", "妥否，请批示。"], hang_punctuation=True)
    specs["lo-margin-punctuation"] = builder.conformant_notice(
        body=[A[:k] + "。" + A[:10] + "。" for k in (24, 25, 26)] + [A[:24] + "，" + A[:k] + "”" + A[:5] + "。" for k in (25, 26)])
    docx = []
    for name, spec in specs.items():
        docx.append((name, builder.write_docx(spec, tmp / f"c-{name}.docx")))
        files["txt"].append((name, builder.write_text(spec, tmp / f"c-{name}.txt")))
        files["named"].append((name, builder.write_named_font_pdf(spec, tmp / f"c-{name}.named.pdf", tmp / "fonts")))
    docx += [("table-head", docx_layouts.table_head(builder.conformant_request(), tmp / "c-table-head.docx", "table")),
             ("table-head-cell-border", docx_layouts.table_head(builder.conformant_request(), tmp / "c-table-cell.docx", "paragraph")),
             ("letter-mark-in-header", docx_layouts.letter_mark_in_header(builder.conformant_notice(), tmp / "c-letter.docx")),
             ("normal-style-wuhao", docx_layouts.normal_style_small(builder.conformant_notice(), tmp / "c-wuhao.docx"))]
    files["docx"] = docx
    by_stem = {path.stem: name for name, path in docx}
    files["pdf"] = [(by_stem[pdf.stem], pdf) for pdf in convert_files([p for _, p in docx], "pdf", tmp / "lo-c", timeout=900)]
    if ocr:
        pdf = builder.write_named_font_pdf(OCR_CONFORMANT, tmp / "paper.pdf", tmp / "fonts")
        pages = scans.render_pdf(pdf, SCAN_DPI)
        document = extract(pdf.read_bytes())
        el = parse_elements(document)
        date = el.lines[el.date.line]
        sealed = scans.add_seal(pages[0], ((date.x0 + date.x1) / 2, (date.top + date.bottom) / 2 - 5), SCAN_DPI)
        jpg = tmp / "paper.scan.jpg"
        scans.scan(sealed, seed=1).save(jpg, quality=90, dpi=(SCAN_DPI, SCAN_DPI))
        files["scan"].append(("ocr-request", jpg))
        files["fax"].append(("ocr-request", scans.save_tiff([scans.fax(p, SCAN_DPI, seed=2) for p in pages], tmp / "paper.tif")))
    return files


def false_returns(tmp: Path, ocr: bool = True) -> dict:
    """{producer: {documents, returned, held, rate, returns: [{document, rules}], held_documents}} over the
    conformant documents: `returned` counts sure 退文 (outcome return), `held` those held for the clerk."""
    out = {}
    for producer, items in _conformant_files(tmp, ocr).items():
        channel = producer if producer in ("scan", "fax") else "edoc"
        returns, warned, held = [], [], []
        for name, path in items:
            document = extract(path.read_bytes())
            elements = parse_elements(document)
            findings, skipped = validate(document, elements, "gb9704-2012", channel)
            report = build_report(file=path.name, sha256="0" * 64, channel=channel, document=document, elements=elements,
                                  findings=findings, skipped=skipped, profile="gb9704-2012")
            errors = sorted({f.rule for f in findings if f.severity == "error"})
            if report["outcome"] == "return":
                returns.append({"document": name, "rules": errors})
            elif report["outcome"] == "review_held":
                held.append({"document": name, "rules": errors, "reasons": report["doubt"]["reasons"]})
            if any(f.severity != "error" for f in findings):  # accepted or not, a warning that is not true
                warned.append({"document": name, "rules": sorted({f.rule for f in findings if f.severity != "error"})})
        out[producer] = {"producer": PRODUCERS[producer], "documents": len(items), "returned": len(returns),
                         "rate": len(returns) / len(items) if items else None, "returns": returns,
                         "held": len(held), "held_documents": held,
                         "with_warnings": len(warned), "warnings": warned}
    return {k: out[k] for k in PRODUCERS if k in out}


def producer_returns(files: Path) -> dict:
    """{producer: {documents, returned, held, unusable, conformant, false_returns, detail: [per file]}} over the
    files of tests/data/producers found in `files` (a file shouwen refuses as unusable is counted apart)."""
    from tests.real_corpus import load_cases
    from tests.real_corpus import read_or_unusable as read

    corpus = ROOT / "tests" / "data" / "producers"
    out: dict = {}
    for case in load_cases(corpus / "expected.toml", files, missing_ok=True):
        reading = read(case.file, case.channel)
        row = out.setdefault(case.origin, {"documents": 0, "returned": 0, "held": 0, "unusable": 0, "conformant": 0,
                                           "false_returns": 0, "detail": []})
        row["documents"] += 1
        row["returned"] += reading.verdict == "return"
        row["held"] += reading.verdict not in ("accept", "return", "unusable")
        row["unusable"] += reading.verdict == "unusable"
        row["conformant"] += case.must_not_return
        row["false_returns"] += case.must_not_return and reading.verdict != "accept"
        row["detail"].append({"document": case.id, "verdict": reading.verdict, "rules": sorted(set(reading.errors)),
                              "breaks": case.breaks, "missed_breaks": [r for r in case.breaks if r not in reading.errors]})
    return out


def main_producers(argv: list[str]) -> None:
    files = Path(argv[argv.index("--producers") + 1])
    target = Path(argv[argv.index("--out") + 1]) if "--out" in argv else ROOT / "bench" / "results" / "accuracy-producers.json"
    result = producer_returns(files)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'制作工具（他人的公文工具）':28} {'份数':>4} {'退文':>4} {'待复核':>6} {'无法读取':>8} {'合格':>4} {'误退':>4}  退文规则")
    for producer, row in result.items():
        rules = "；".join(f"{d['document']}: {','.join(d['rules'])}" for d in row["detail"] if d["rules"]) or "—"
        print(f"{producer:28} {row['documents']:>4} {row['returned']:>4} {row['held']:>6} {row['unusable']:>8} {row['conformant']:>4} "
              f"{row['false_returns']:>4}  {rules}")
    print(f"结果写入 {target}")


def main() -> None:
    if "--producers" in sys.argv:
        return main_producers(sys.argv[1:])
    started = machine.before()
    # (name, spec, the rule it breaks, rules its change may also break (neither counted nor held against it), formats)
    documents = [(f"ok-{k}", spec, frozenset(), frozenset(), ("docx", "pdf", "named", "txt")) for k, spec in CONFORMANT.items()]
    documents += [(f"case-{c.id}", c.spec, frozenset({c.rule}), c.also, c.formats) for c in CASES]
    counts = defaultdict(lambda: defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0}))
    # per producer, over the documents that break a rule: returned for sure, or held for the clerk (待复核)
    breaking = defaultdict(lambda: {"documents": 0, "returned": 0, "held": 0, "accepted": 0})
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
                elements = parse_elements(document)
                findings, skipped = validate(document, elements, "gb9704-2012", "edoc")
                if expected:
                    report = build_report(file=name, sha256="0" * 64, channel="edoc", document=document, elements=elements,
                                          findings=findings, skipped=skipped, profile="gb9704-2012")
                    key = {"return": "returned", "review_held": "held", "accept": "accepted"}[report["outcome"]]
                    breaking[fmt]["documents"] += 1
                    breaking[fmt][key] += 1
                if fmt == "pdf":
                    substituted_font_findings += sum(f.aspect == "font" and f.rule not in expected
                                                     and any(looks_substituted(x) for x in document.fonts) for f in findings)
                found = {f.rule for f in findings} - allowed
                for rule in found | expected:
                    key = "tp" if rule in found and rule in expected else ("fp" if rule in found else "fn")
                    counts[rule][fmt][key] += 1
        (tmp / "conformant").mkdir()
        returns = false_returns(tmp / "conformant", ocr="--no-ocr" not in sys.argv)
    table = {}
    for rule_id in all_rules():
        per_format = {}
        for fmt, c in sorted(counts[rule_id].items()):
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
            recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
            per_format[fmt] = {**c, "precision": precision, "recall": recall}
        table[rule_id] = per_format
    out = {"machine": machine.after(started), "false_returns": returns, "breaking": dict(breaking),
           "corpus": {"documents": len(documents), "checks": sum(len(d[4]) for d in documents)},
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
    print(f"合计 TP {tp}  FP {fp}  FN {fn};LibreOffice PDF 上未预期的字体提示 {substituted_font_findings} 条")
    print()
    print(f"{'来文制作方式（合格公文）':24} {'份数':>4} {'误退':>4} {'误退率':>7} {'待复核':>6} {'有提示':>6}  误退规则 / 提示规则")
    for r in returns.values():
        rules = "；".join(f"{x['document']}: {','.join(x['rules'])}" for x in r["returns"]) or "—"
        notes = "；".join(f"{x['document']}: {','.join(x['rules'])}" for x in r["warnings"]) or "—"
        print(f"{r['producer']:24} {r['documents']:>4} {r['returned']:>4} {r['rate']:>7.0%} {r['held']:>6} {r['with_warnings']:>6}  {rules} / {notes}")
    print()
    print(f"{'格式（有错公文）':16} {'份数':>4} {'退文':>4} {'待复核':>6} {'通过':>4}")
    for fmt, b in sorted(breaking.items()):
        print(f"{fmt:16} {b['documents']:>4} {b['returned']:>4} {b['held']:>6} {b['accepted']:>4}")
    print(f"结果写入 {target.relative_to(ROOT)}")
    print()
    # field accuracy per field on the real corpus (tests/data/real/), written beside: bench/results/fields.json
    runpy.run_path(str(ROOT / "bench" / "field_accuracy.py"), run_name="field_accuracy")["main"]([])


if __name__ == "__main__":
    main()
