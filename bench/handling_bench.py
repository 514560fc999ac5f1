"""承办/督办 at office scale: a year's routed documents, each with its steps, on a real SQLite ledger.

Measures, on N documents (default 2000; a large municipal office receives ~10,000 a year):
  open       opening the records as the batch routes them (ops.open_for_routed, one transaction each)
  steps      拟办 + 批办 + 签收 + 办结 on every other record (one event each)
  due        the 督办 list (queries.due: two queries, every open record folded) — and its peer side by side,
             the same answer read record by record (ops.record per open record), as a desk page would naively
  remind     the reminder step (sync + due + notices + one 催办 event per chased record)
  monthly    one month's 督查专报 numbers (report.monthly) and the rendered docx + xlsx (forms.monthly_report)
Writes bench/results/handling.json and prints a summary. No assertions on time.

    PYTHONPATH=$PWD .venv/bin/python bench/handling_bench.py [--documents 2000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.handling import forms, ops  # noqa: E402
from pipelines.handling.queries import due  # noqa: E402
from pipelines.handling.remind import remind  # noqa: E402
from pipelines.handling.report import monthly  # noqa: E402
from tests.handling_ledger import Clock, make_office, route  # noqa: E402

DEPARTMENTS = ("财政局", "水务局", "教育局", "交通局", "住建局", "卫健委", "应急局", "林业局")


class _Patch:
    def setattr(self, target, name, value):
        setattr(target, name, value)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=2000)
    args = parser.parse_args()
    n = args.documents
    root = Path(tempfile.mkdtemp(prefix="handling-bench-"))
    clock = Clock("2026-03-02")
    office = make_office(root / "office", _Patch(), clock, '[handling]\nleaders = ["张伟 市长"]\n')
    rows = []
    _, t_open = timed(lambda: [rows.append(route(office, clock.at(f"2026-03-{2 + i % 20:02d}"), f"第{i}号文件",
                                                 DEPARTMENTS[i % len(DEPARTMENTS)])) for i in range(n)])

    def steps():
        for i, row in enumerate(rows[::2]):
            clock.at(f"2026-03-{2 + i % 20:02d}", "10:00:00")
            ops.propose(office, row["number"], "拟请张市长阅示", actor="cli:bench")
            ops.instruct(office, row["number"], "请阅处", actor="cli:bench", by="张伟")
            ops.sign(office, row["number"], actor="staff")
            if i % 2:
                ops.done(office, row["number"], actor="staff", result="已办结")
    _, t_steps = timed(steps)
    events = len(rows) + (len(rows) // 2) * 3 + len(rows) // 4
    clock.at("2026-03-27")
    found, t_due = timed(lambda: due(office, actor="cli:bench", days=3))
    open_numbers = [r.number for r in found.overdue + found.due_soon]
    _, t_peer = timed(lambda: [ops.record(office, k, actor="cli:bench") for k in open_numbers])
    chased, t_remind = timed(lambda: remind(office, actor="batch"))
    _, t_month = timed(lambda: monthly(office, "2026-03", actor="cli:bench"))
    _, t_render = timed(lambda: forms.monthly_report(office, "2026-03", root / "out", actor="cli:bench"))
    office.close()
    load = os.getloadavg()[0]
    result = {
        "documents": n, "events": events, "load_average_1m": round(load, 2), "cpus": os.cpu_count(),
        "open_records_s": round(t_open, 3), "open_per_record_ms": round(1000 * t_open / n, 2),
        "steps_s": round(t_steps, 3), "steps_per_event_ms": round(1000 * t_steps / max(1, events - n), 2),
        "due_s": round(t_due, 3), "due_listed": len(open_numbers),
        "peer_record_by_record_s": round(t_peer, 3),
        "remind_s": round(t_remind, 3), "chased": len(chased.chased), "notices": len(chased.notices),
        "monthly_numbers_s": round(t_month, 3), "monthly_render_docx_xlsx_s": round(t_render, 3),
    }
    out = Path(__file__).with_name("results") / "handling.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{n} documents, {events} events (load {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"  open records      {t_open:7.2f} s  ({1000 * t_open / n:.1f} ms each, incl. registering in the ledger)")
    print(f"  steps             {t_steps:7.2f} s  ({result['steps_per_event_ms']} ms per event)")
    print(f"  due list          {t_due:7.2f} s  for {len(open_numbers)} listed   | peer, record by record: {t_peer:.2f} s")
    print(f"  remind            {t_remind:7.2f} s  ({len(chased.chased)} chased, {len(chased.notices)} notices)")
    print(f"  monthly numbers   {t_month:7.2f} s  | rendered docx + xlsx + chart: {t_render:.2f} s")
    print(f"written {out}")


if __name__ == "__main__":
    main()
