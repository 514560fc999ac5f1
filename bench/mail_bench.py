"""Unpacking mail (拆解邮件) on one core: shouwen's `unpack` beside the bare standard library.

For each sample message of tests/data/mail/ (Outlook, Foxmail, Coremail, QQ mail, Thunderbird, an OA
mailer, a forward, a body-only message), times
  - stdlib: BytesParser(policy=default).parsebytes + walk + get_payload(decode=True) of every leaf
    (the floor: parsing and decoding, no names, no detection, no bounds), and
  - unpack: extractors.mail.unpack (headers and names decoded, formats detected from the bytes, bounds,
    the main document chosen);
and how long refusing hostile messages takes (a 1,000-deep message bomb, 1,000 attachments, a 4 MB header).

    .venv/bin/python bench/mail_bench.py [--rounds 20]

Writes bench/results/mail.json and prints a summary.
"""
from __future__ import annotations

import argparse
import email.policy
import json
import os
import statistics
import sys
import time
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import machine  # noqa: E402
from extractors import UnusableInput  # noqa: E402
from extractors.mail import unpack  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "mail"


def stdlib_walk(data: bytes) -> int:
    msg = BytesParser(policy=email.policy.default).parsebytes(data)
    total = 0
    for part in msg.walk():
        if not part.is_multipart():
            total += len(part.get_payload(decode=True) or b"")
    return total


def timed(fn, data: bytes, rounds: int) -> float:
    """Median seconds of `rounds` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        try:
            fn(data)
        except UnusableInput:
            pass
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def hostile() -> dict[str, bytes]:
    many = EmailMessage()
    many["From"] = "a@b.cn"
    many.set_content("x")
    for i in range(1000):
        many.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"{i}.bin")
    return {
        "bomb-1000-deep": b"From: a@b.cn\r\nMIME-Version: 1.0\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * 1000 + b"x",
        "attachments-1000": bytes(many),
        "header-4MB": b"From: a@b.cn\r\nSubject: " + b"x" * 4_000_000 + b"\r\n\r\nbody",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    started = machine.before()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rows = []
    for path in sorted(SAMPLES.glob("*.eml")):
        data = path.read_bytes()
        base, ours = timed(stdlib_walk, data, args.rounds), timed(unpack, data, args.rounds)
        rows.append({"message": path.name, "bytes": len(data), "stdlib_ms": round(base * 1000, 2),
                     "unpack_ms": round(ours * 1000, 2), "unpack_mb_per_s": round(len(data) / ours / 1e6, 1)})
    refused = [{"message": name, "bytes": len(data), "unpack_ms": round(timed(unpack, data, 3) * 1000, 1)}
               for name, data in hostile().items()]
    result = {"machine": machine.after(started), "rounds": args.rounds,
              "samples": rows, "hostile": refused,
              "total": {"stdlib_ms": round(sum(r["stdlib_ms"] for r in rows), 1),
                        "unpack_ms": round(sum(r["unpack_ms"] for r in rows), 1)}}
    out = ROOT / "bench" / "results" / "mail.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'message':28} {'KB':>6} {'stdlib ms':>10} {'unpack ms':>10} {'MB/s':>6}")
    for r in rows:
        print(f"{r['message']:28} {r['bytes'] / 1024:6.0f} {r['stdlib_ms']:10.2f} {r['unpack_ms']:10.2f} {r['unpack_mb_per_s']:6.1f}")
    print(f"{'all samples':28} {'':6} {result['total']['stdlib_ms']:10.1f} {result['total']['unpack_ms']:10.1f}")
    for r in refused:
        print(f"refused {r['message']:20} {r['bytes'] / 1048576:6.1f} MB in {r['unpack_ms']:.1f} ms")
    print(f"→ {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
