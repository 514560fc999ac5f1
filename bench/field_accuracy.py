"""Field accuracy of 初审 on the real corpus (tests/data/real/), per field, and false returns (退文).

For each of 文种, 标题, 发文机关, 发文字号, 成文日期, 主送机关, 抄送, 签发人 (and the 公文 format of GB/T 9704
chapter 10): of the documents whose right value is written by hand in tests/data/real/expected.toml, how
many shouwen reads right. Fields that a document does not have count too: they must come back empty.
A document marked must_not_return whose 退文 would go out (outcome `return`: a sure return) is a false return;
one whose verdict is return but is held for the clerk (outcome `review_held`, 待复核: the return rests on an
absence or a doubtful reading, validators/doubt.py) is counted as held, not as a false return; a file said to
be a template (outcome `template`, validators/template.py) is counted apart (templates); a rule a
document really breaks that shouwen does not find is a missed break, and a document that breaks rules but is
held rather than returned is counted too (held breaks). Every number is given for the whole corpus, the real
texts and the derived shapes, and per producer (the file's format: plain text, docx, PDF).

    .venv/bin/python bench/field_accuracy.py [--failures] [--ids h41-h70] [--out FILE]
                                             [--corpus DIR --files DIR]

Writes bench/results/fields.json (or --out) and prints a table; --failures also prints each failing check.
--ids measures only the documents of an id range (h41-h70) or list (h41,h44); --corpus takes another
expected.toml (tests/data/producers) whose files are under --files. Groups are "all" and one per `origin`
(real / derived; the producer's name for tests/data/producers). The JSON also gives, per document, the
verdict, the error rules, each field right or wrong, and the commit measured.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from tests.real_corpus import ALL_FIELDS, DOCS, FIELD_ZH, REAL, expected_value, field_matches, load_cases, normalised  # noqa: E402
from tests.real_corpus import read_or_unusable as read

RESULTS = ROOT / "bench" / "results" / "fields.json"


def _selected(case_id: str, ids: str | None) -> bool:
    """Whether `case_id` is in --ids: "h41-h70" (same letter, numeric range) or "h41,h44"; None: all."""
    if not ids:
        return True
    for part in ids.split(","):
        m = re.fullmatch(r"([a-z]+)(\d+)-\1?(\d+)", part.strip())
        c = re.fullmatch(r"([a-z]+)(\d+)", case_id)
        if m and c and c.group(1) == m.group(1) and int(m.group(2)) <= int(c.group(2)) <= int(m.group(3)):
            return True
        if part.strip() == case_id:
            return True
    return False


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="field_accuracy.py")
    parser.add_argument("--failures", action="store_true")
    parser.add_argument("--ids")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--corpus", type=Path, help="a folder with an expected.toml (default tests/data/real)")
    parser.add_argument("--files", type=Path, help="where the --corpus files are (default its docs/ folder)")
    args = parser.parse_args(argv)
    began = machine.before()
    if args.corpus:
        cases = load_cases(args.corpus / "expected.toml", args.files or args.corpus / "docs", missing_ok=True)
    else:
        cases = load_cases(REAL / "expected.toml", args.files or DOCS)
    cases = [c for c in cases if _selected(c.id, args.ids)]
    started = time.perf_counter()
    groups = {"all": cases}
    for case in cases:
        groups.setdefault(case.origin, []).append(case)
    for suffix in sorted({c.file.suffix.lstrip(".") for c in cases}):
        groups[suffix] = [c for c in cases if c.file.suffix == "." + suffix]  # per producer: the file's format
    failures: list[dict] = []
    readings = {c.id: read(c.file, c.channel) for c in cases}
    seconds = time.perf_counter() - started
    for case in cases:
        reading = readings[case.id]
        for name in case.checked_fields():
            if not field_matches(case, name, reading):
                failures.append({"document": case.id, "check": name,
                                 "read": normalised(name, reading.fields[name]),
                                 "right": normalised(name, expected_value(case, name))})
        if case.must_not_return and reading.outcome == "return":
            failures.append({"document": case.id, "check": "verdict", "read": reading.errors, "right": "accept"})
        elif case.must_not_return and reading.outcome in ("review_held", "template"):
            failures.append({"document": case.id, "check": "held", "read": reading.errors, "right": "accept"})
        for rule in case.breaks:
            if rule not in reading.errors:
                failures.append({"document": case.id, "check": f"breaks:{rule}", "read": reading.errors, "right": rule})

    failed = {(f["document"], f["check"]) for f in failures}
    result = {"commit": _commit(), "documents": len(cases), **{g: len(m) for g, m in groups.items() if g != "all"},
              "seconds": round(seconds, 2), "fields": {}, "false_returns": {}, "held": {}, "missed_breaks": {}}
    for group, members in groups.items():
        for name in ALL_FIELDS:
            checked = [c for c in members if name in c.checked_fields()]
            right = sum(1 for c in checked if (c.id, name) not in failed)
            entry = result["fields"].setdefault(name, {"zh": FIELD_ZH[name]})
            entry[group] = {"checked": len(checked), "right": right,
                            "accuracy": round(right / len(checked), 3) if checked else None}
        conformant = [c for c in members if c.must_not_return]
        returned = [c.id for c in conformant if (c.id, "verdict") in failed]
        # a document held for the clerk (待复核) is counted apart: not returned, not accepted
        held = [c.id for c in members if readings[c.id].outcome == "review_held"]
        result["false_returns"][group] = {"conformant": len(conformant), "returned": len(returned), "documents": returned,
                                          "held": len(held), "held_documents": held}
        result["held"][group] = {"documents": len(members), "held": len(held), "ids": held,
                                 "conformant_held": sum(1 for c in conformant if c.id in held),
                                 "breaking_held": sum(1 for c in members if c.breaks and c.id in held)}
        # a file said to be a template (validators/template.py): neither returned nor held as a 公文
        templates = [c.id for c in members if readings[c.id].outcome == "template"]
        result.setdefault("templates", {})[group] = {"documents": len(members), "templates": len(templates),
                                                     "ids": templates}
        breaks = [(c.id, r) for c in members for r in c.breaks]
        missed = [f"{d}:{r}" for d, r in breaks if (d, f"breaks:{r}") in failed]
        result["missed_breaks"][group] = {"breaks": len(breaks), "missed": len(missed), "documents": missed}
    result["failures"] = failures
    result["machine"] = machine.after(began)
    result["per_document"] = [{
        "document": c.id, "origin": c.origin, "verdict": readings[c.id].verdict,
        "outcome": readings[c.id].outcome, "errors": readings[c.id].errors,
        "fields": {n: (c.id, n) not in failed for n in c.checked_fields()},
        "fully_right": not any((c.id, n) in failed for n in c.checked_fields()),
        "must_not_return": c.must_not_return, "false_return": (c.id, "verdict") in failed,
        "missed_breaks": [r for r in c.breaks if (c.id, f"breaks:{r}") in failed]} for c in cases]
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    counts = ", ".join(f"{len(m)} {g}" for g, m in groups.items() if g != "all")
    print(f"corpus: {len(cases)} documents ({counts}), read in {seconds:.1f} s")
    print(f"{'field':<14}" + "".join(f"{g:>14}" for g in groups))
    for name in ALL_FIELDS:
        row = result["fields"][name]
        cells = [f"{row[g]['right']}/{row[g]['checked']} {row[g]['accuracy'] or 0:.0%}" if row[g]["checked"] else "—"
                 for g in groups]
        print(f"{FIELD_ZH[name] + ' ' + name:<14}" + "".join(f"{c:>14}" for c in cells))
    for label, key, total in (("false returns", "false_returns", "conformant"), ("missed breaks", "missed_breaks", "breaks")):
        cells = [f"{result[key][g]['returned' if key == 'false_returns' else 'missed']}/{result[key][g][total]}" for g in groups]
        print(f"{label:<14}" + "".join(f"{c:>14}" for c in cells))
    print(f"{'held 待复核':<14}" + "".join(f"{result['held'][g]['held']}/{result['held'][g]['documents']:<3}".rjust(14) for g in groups))
    print(f"{' of conformant':<14}" + "".join(f"{result['held'][g]['conformant_held']:>14}" for g in groups))
    print(f"{'template 模板':<14}" + "".join(
        f"{result['templates'][g]['templates']}/{result['templates'][g]['documents']:<3}".rjust(14) for g in groups))
    print(f"{'fully right':<14}" + "".join(
        f"{sum(1 for c in m if not any((c.id, n) in failed for n in c.checked_fields()))}/{len(m)}".rjust(14)
        for m in groups.values()))
    if args.failures:
        for f in failures:
            print(f"{f['document']:<5} {f['check']:<22} read {f['read']!r}  right {f['right']!r}")
    print(f"→ {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
