"""Field accuracy of 初审 on the real corpus (tests/data/real/), per field, and false returns (退文).

For each of 文种, 标题, 发文机关, 发文字号, 成文日期, 主送机关, 抄送, 签发人 (and the 公文 format of GB/T 9704
chapter 10): of the documents whose right value is written by hand in tests/data/real/expected.toml, how
many shouwen reads right. Fields that a document does not have count too: they must come back empty.
A document marked must_not_return whose 退文 would go out (outcome `return`: a sure return) is a false return;
one whose verdict is return but is held for the clerk (outcome `review_held`, 待复核: the return rests on an
absence or a doubtful reading, validators/doubt.py) is counted as held, not as a false return; a rule a
document really breaks that shouwen does not find is a missed break, and a document that breaks rules but is
held rather than returned is counted too (held breaks). Every number is given for the whole corpus, the real
texts and the derived shapes, and per producer (the file's format: plain text, docx, PDF).

    .venv/bin/python bench/field_accuracy.py [--failures]

Writes bench/results/fields.json and prints a table; --failures also prints each failing check.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.real_corpus import ALL_FIELDS, FIELD_ZH, expected_value, field_matches, load_cases, normalised, read  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "fields.json"


def main(argv: list[str]) -> None:
    cases = load_cases()
    started = time.perf_counter()
    groups = {"all": cases, "real": [c for c in cases if c.origin == "real"],
              "derived": [c for c in cases if c.origin == "derived"]}
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
        elif case.must_not_return and reading.outcome == "review_held":
            failures.append({"document": case.id, "check": "held", "read": reading.errors, "right": "accept"})
        for rule in case.breaks:
            if rule not in reading.errors:
                failures.append({"document": case.id, "check": f"breaks:{rule}", "read": reading.errors, "right": rule})

    failed = {(f["document"], f["check"]) for f in failures}
    result = {"documents": len(cases), "real": len(groups["real"]), "derived": len(groups["derived"]),
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
        result["false_returns"][group] = {"conformant": len(conformant), "returned": len(returned), "documents": returned}
        held = [c.id for c in members if readings[c.id].outcome == "review_held"]
        result["held"][group] = {"documents": len(members), "held": len(held), "ids": held,
                                 "conformant_held": sum(1 for c in conformant if c.id in held),
                                 "breaking_held": sum(1 for c in members if c.breaks and c.id in held)}
        breaks = [(c.id, r) for c in members for r in c.breaks]
        missed = [f"{d}:{r}" for d, r in breaks if (d, f"breaks:{r}") in failed]
        result["missed_breaks"][group] = {"breaks": len(breaks), "missed": len(missed), "documents": missed}
    result["failures"] = failures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print(f"real corpus: {len(cases)} documents ({len(groups['real'])} real, {len(groups['derived'])} derived), "
          f"read in {seconds:.1f} s")
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
    if "--failures" in argv:
        for f in failures:
            print(f"{f['document']:<5} {f['check']:<22} read {f['read']!r}  right {f['right']!r}")
    print(f"→ {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
