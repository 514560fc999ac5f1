"""来信 or 公文 (pipelines/letters/tell.py) measured on the real corpora and on the letters of tests/data/letters.

The 公文 side: every readable file of tests/data/real/docs (real public 公文 texts, held-out sets included),
tests/data/mail, tests/data/ofd, samples/inbox and the office's own procedures (shared/seed, when present) — each
told twice: as arriving by an ordinary channel, and as dropped into a declared letter channel (12345). A 公文 taken
for a letter would never be checked against GB/T 9704: the aim is none, on either channel; "unsure" goes to the
clerk (a cost, not an error). The letter side: tests/data/letters (the citizen's mail of issue 22 and a letter of
each 受理范围 category, written by hand), told on the channel they arrive by in tests/pipelines/letters/test_letters.py.

    .venv/bin/python bench/letters_bench.py [--out bench/results/letters.json]

Writes the JSON (counts, the files taken for letters or held, the commit, seconds) and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from extractors import UnusableInput  # noqa: E402
from pipelines.letters.tell import tell  # noqa: E402
from pipelines.review import read_original  # noqa: E402

DOCUMENT_FOLDERS = ("tests/data/real/docs", "tests/data/mail", "tests/data/ofd", "samples/inbox")
SEED = Path("/work/shared/seed")
SUFFIXES = (".txt", ".docx", ".pdf", ".ofd", ".eml", ".doc", ".wps")
# tests/data/letters: which channel each arrives by (as in tests/pipelines/letters/test_letters.py) and what it is, by hand
LETTER_CHANNEL = {"来信-电子渠道.txt": None, "存疑-我们单位.txt": None, "市长信箱-道路积水.eml": "市长信箱"}


def documents() -> list[Path]:
    paths = [p for folder in DOCUMENT_FOLDERS for p in sorted((ROOT / folder).rglob("*"))
             if p.is_file() and p.suffix.lower() in SUFFIXES]
    return paths + (sorted(SEED.glob("*.txt")) if SEED.is_dir() else [])


def told(path: Path, channel):
    read = read_original(path.read_bytes())
    return tell(read.text, channel, read.mail.subject if read.mail is not None else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "letters.json"))
    args = parser.parse_args()
    began = machine.before()
    started = time.perf_counter()
    result = {"documents": {}, "letters": {}}
    for channel, name in ((None, "ordinary channel"), ("12345", "letter channel")):
        counts = {"document": 0, "letter": 0, "unsure": 0, "unreadable": 0}
        taken, held = [], []
        for path in documents():
            try:
                kind = told(path, channel).kind
            except UnusableInput:
                counts["unreadable"] += 1
                continue
            counts[kind] += 1
            (taken if kind == "letter" else held if kind == "unsure" else []).append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
        result["documents"][name] = {**counts, "taken_for_letters": taken, "unsure": held, "counts": counts}
    letters = sorted((ROOT / "tests" / "data" / "letters").iterdir())
    counts = {"document": 0, "letter": 0, "unsure": 0}
    each = {}
    for path in letters:
        kind = told(path, LETTER_CHANNEL.get(path.name, "12345")).kind
        counts[kind] += 1
        each[path.name] = kind
    result["letters"] = {"counts": counts, "each": each}
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                      text=True).stdout.strip()
    result["machine"] = machine.after(began)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, r in result["documents"].items():
        c = r["counts"]
        print(f"公文 on an {name:<16}: {sum(c.values())} files — 公文 {c['document']}, taken for letters {c['letter']}, "
              f"unsure (to the clerk) {c['unsure']}, unreadable {c['unreadable']}")
    c = result["letters"]["counts"]
    print(f"letters (tests/data/letters)   : {sum(c.values())} files — 来信 {c['letter']}, unsure {c['unsure']}, "
          f"taken for 公文 {c['document']}")
    print(f"{result['seconds']} s; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
