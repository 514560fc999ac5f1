"""Recognising the same 来文 (pipelines/same_document.py): what it adds to each document of a batch.

Times, on one core:
  - the text comparison of two 正文 of the given length (letters and digits after normalising), with
    rapidfuzz's Indel ratio (what shouwen uses) beside the standard library's difflib.SequenceMatcher.ratio
    (the peer), on an OCR-noised copy (1 character in 40 changed);
  - `match` (the claim: key and text stored, earlier claims looked up, one SQLite transaction) against a real
    ledger already holding N reviewed documents, for a document with a new 发文字号 and for a copy of one.

    .venv/bin/python bench/same_document_bench.py [--documents 2000] [--chars 3000] [--rounds 20]

Writes bench/results/same_document.json and prints a summary.
"""
from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from pipelines.ledger import SQLiteLedger  # noqa: E402
from pipelines.same_document import match, similarity  # noqa: E402

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def _time(fn, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = machine.before()
    rng = random.Random(7)
    text = "".join(rng.choice(CHARS) for _ in range(args.chars))
    noisy = "".join(rng.choice(CHARS) if i % 40 == 0 else c for i, c in enumerate(text))
    compare = {
        "rapidfuzz_ms": _time(lambda: similarity(text, noisy), args.rounds),
        "difflib_ms": _time(lambda: difflib.SequenceMatcher(None, text, noisy, autojunk=False).ratio(), max(3, args.rounds // 5)),
        "similarity": round(similarity(text, noisy), 3),
    }
    with tempfile.TemporaryDirectory() as tmp:
        ledger = SQLiteLedger(Path(tmp) / "ledger.sqlite3")
        for n in range(1, args.documents + 1):
            reg = ledger.register(sha256=f"{n:064x}", file=f"{n}.docx", channel="edoc", archive_path=f"a/{n}")
            doc = {"issuer": "贵阳市教育局", "doc_number": f"筑教发〔2026〕{n}号", "title": f"关于第{n}项工作的通知"}
            ledger.set_status(reg.id, "indexed", None, issuer=doc["issuer"], doc_number=doc["doc_number"],
                              title=doc["title"])
            match(ledger, {"id": reg.id}, doc, text[: args.chars // 2] + str(n))
        fresh = ledger.register(sha256="f" * 64, file="new.docx", channel="edoc", archive_path="a/new")
        copy = ledger.register(sha256="e" * 64, file="copy.docx", channel="fax", archive_path="a/copy")
        new_doc = {"issuer": "贵阳市教育局", "doc_number": "筑教发〔2026〕99999号", "title": "关于新工作的通知"}
        copy_doc = {"issuer": "贵阳市教育局", "doc_number": "筑教发[2026]7号", "title": "关于第7项工作的通知"}
        found = match(ledger, {"id": copy.id}, copy_doc, text[: args.chars // 2] + "7")
        assert found is not None and found.kind == "linked", found
        claims = {
            "new_number_ms": _time(lambda: match(ledger, {"id": fresh.id}, new_doc, text), args.rounds),
            "copy_ms": _time(lambda: match(ledger, {"id": copy.id}, copy_doc, noisy), args.rounds),
        }
        ledger.close()
    result = {"documents_in_ledger": args.documents, "chars": args.chars, "compare": compare, "match": claims,
              "machine": machine.after(started)}
    out = ROOT / "bench" / "results" / "same_document.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"正文比较（{args.chars} 字，OCR 噪声 1/40，相似度 {compare['similarity']}）："
          f"rapidfuzz {compare['rapidfuzz_ms']:.2f} ms，difflib {compare['difflib_ms']:.1f} ms")
    print(f"同一来文识别（登记簿已有 {args.documents} 件）：新文号 {claims['new_number_ms']:.2f} ms，"
          f"同件 {claims['copy_ms']:.2f} ms（含一次 SQLite 写事务）")
    print(f"→ {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
