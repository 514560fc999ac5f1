"""A page of the 登记簿 at 100,000 registrations, on SQLite and on PostgreSQL, side by side, against the way
`shouwen ledger` read it before pipelines/ledger/query.py.

    .venv/bin/python bench/ledger_page_bench.py [--rows 100000] [--repeat 5]

The ledger: `--rows` registrations over three years (four channels, twelve departments, forty issuers, eight
文种; every 50th a new version of the one before, every 40th a copy linked to an earlier one, every 200th held,
every 150th classified, a mail sender on the mail channel), three history lines each, loaded with
import_tables. PostgreSQL: a real server from Debian's packages started for the run (tests/postgres.py, Unix
socket, fsync off: reads are what is timed).

Timed (median of --repeat, wall seconds, with the statements each one sent to the database):
    page            desk.ledger_page(LedgerQuery(limit=50)) — the first page with its marks and Chinese entries
    deep_offset     the same at offset rows-50 (OFFSET walks the index)
    keyset          the page after 收〔2025〕1号 (keyset: the index seeks there)
    filtered        status returned, two departments, newest first
    date_range      one month of 收文日期, confidential rows left out
    before          the first 50 entries the way `shouwen ledger` made them before: ledger.rows() (every row:
                    there was no page) and, per row, marks and JSON extras (newer versions, linked copies, the
                    numbers linked_to / revision_of point at) — on the schema before steps 6 and 7, i.e. without
                    the indexes on linked_to / revision_of / department / received_at (and status, on SQLite),
                    dropped for this peer
    before_per_row  what one more row cost that way: (50 rows − 1 row) / 49 (its statements × rows ≈ the whole
                    listing, which had no page)

Writes bench/results/ledger_page.json and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import desk  # noqa: E402
from pipelines.ledger import LedgerQuery, open_ledger  # noqa: E402
from pipelines.office import Office  # noqa: E402
from tests.postgres import PostgresServer, bin_dir  # noqa: E402

DEPARTMENTS = ("办公室", "综合科", "财务科", "人事科", "基础教育科", "职成教科", "安全科", "法规科", "督导室", "招生办", "信息中心",
               "机要室")
STATUSES = ("indexed",) * 14 + ("returned", "returned", "routed", "quarantined", "linked", "reviewed")
KINDS = ("通知", "请示", "报告", "函", "通报", "批复", "意见", "纪要")
CHANNELS = ("edoc", "fax", "mail", "scan")
NEW_INDEXES = ("documents_department_status", "documents_received_at", "documents_linked_to", "documents_revision_of")


def rows_for(count: int):
    """The documents and history of the bench ledger, in id order (deterministic)."""
    documents, history, last = [], [], {}
    for i in range(1, count + 1):
        year = 2024 + (i - 1) * 3 // count
        seq = last[year] = last.get(year, 0) + 1
        day = (i * 7) % 365
        received = f"{year}-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}T{8 + i % 9:02d}:{i % 60:02d}:00+08:00"
        status = STATUSES[i % len(STATUSES)]
        route_source = "classified" if i % 150 == 0 else ("rule" if i % 3 else "model")
        if i % 200 == 0:
            status, route_source = "held", None
        channel = CHANNELS[i % 4]
        documents.append({
            "id": i, "year": year, "seq": seq, "number": f"收〔{year}〕{seq}号", "received_at": received,
            "channel": channel, "file": f"来文{i}.pdf", "sha256": f"{i:064x}", "archive_path": f"archive/{i % 256:02x}/{i}.pdf",
            "format": "pdf", "pages": 1 + i % 9, "issuer": f"市直单位{i % 40}", "doc_number": f"筑教发〔{year}〕{i % 300}号",
            "doc_type": KINDS[i % len(KINDS)], "title": f"关于做好{year}年第{i % 12 + 1}批重点工作的{KINDS[i % len(KINDS)]}",
            "verdict": "return" if status == "returned" else "accept",
            "findings": json.dumps([{"rule": "element.date", "说明": "成文日期用阿拉伯数字"}], ensure_ascii=False)
            if status == "returned" else "[]",
            "department": "机要室" if route_source == "classified" else DEPARTMENTS[i % 11],
            "route_source": route_source, "status": status, "version": 3,
            "revision_of": i - 1 if i % 50 == 0 else None, "revision": 2 if i % 50 == 0 else None,
            "linked_to": i - 17 if i % 40 == 0 and i > 17 else None,
            "mail_from": f"office{i % 40}@gy.gov.cn" if channel == "mail" else None,
        })
        for k, state in enumerate(("registered", "reviewed", status)):
            history.append({"id": 3 * (i - 1) + k + 1, "document_id": i, "status": state, "at": received,
                            "note": None, "actor": "batch"})
    return documents, history, [{"year": y, "last": n} for y, n in sorted(last.items())]


class Counter:
    """Statements sent on the ledger's connection (SQLite: its trace callback; PostgreSQL: each execute)."""

    def __init__(self, ledger):
        self.ledger, self.count = ledger, 0
        if ledger.dialect == "sqlite":
            ledger.conn.set_trace_callback(lambda _: self._add())
        else:
            real, outer = ledger.conn, self

            class Counted:
                def __getattr__(self, name):
                    return getattr(real, name)

                def execute(self, *args, **kwargs):
                    outer._add()
                    return real.execute(*args, **kwargs)
            self.real, ledger.conn = real, Counted()

    def _add(self) -> None:
        self.count += 1

    def close(self) -> None:
        if self.ledger.dialect == "sqlite":
            self.ledger.conn.set_trace_callback(None)
        else:
            self.ledger.conn = self.real


def timed(office, work, repeat: int) -> dict:
    """Median wall seconds of work(office) over `repeat` runs, and the statements one run sent."""
    work(office)  # warm: the page cache and the plans
    times, statements = [], None
    for _ in range(repeat):
        counter = Counter(office.ledger)
        began = time.perf_counter()
        try:
            work(office)
        finally:
            elapsed = time.perf_counter() - began
            counter.close()
        times.append(elapsed)
        statements = counter.count
    return {"seconds": round(statistics.median(times), 5), "statements": statements}


def before(office, rows: int = 50) -> None:
    """The first `rows` entries as desk.ledger_entries made them before ledger.page (the statements of
    ledger_view.ledger_marks and ledger_extras then, one per lookup): every row read, then per row the
    numbers linked_to / revision_of point at (ledger.get), its newer versions and its linked copies — each
    twice, once for the text line's marks and once for the JSON extras."""
    db = office.ledger.store
    for row in office.ledger.rows()[:rows]:
        for _ in ("marks", "extras"):
            for column in ("linked_to", "revision_of"):
                if row[column] is not None:
                    db.one("SELECT * FROM documents WHERE id = ?", (row[column],))
            db.query("SELECT number FROM documents WHERE revision_of = ? ORDER BY id", (row["id"],))
            db.query("SELECT number FROM documents WHERE linked_to = ? ORDER BY id", (row["id"],))


def measure(url: str, root: Path, count: int, repeat: int) -> dict:
    documents, history, sequences = rows_for(count)
    if not url.startswith("sqlite"):
        (root / "shouwen.toml").write_text(f'[ledger]\nurl = "{url}"\n', encoding="utf-8")
    loaded = open_ledger(url, root)
    began = time.perf_counter()
    loaded.import_tables({"documents": documents, "history": history, "sequences": sequences})
    load_s = time.perf_counter() - began
    if loaded.dialect == "postgresql":
        loaded.store.execute("ANALYZE")
    loaded.close()
    middle = documents[count // 3]["number"]
    after = (documents[count // 3]["year"], documents[count // 3]["seq"])
    pages = {
        "page": LedgerQuery(limit=50),
        "deep_offset": LedgerQuery(limit=50, offset=count - 50),
        "keyset": LedgerQuery(limit=50, after=after),
        "filtered": LedgerQuery(limit=50, statuses=("returned",), departments=["综合科", "财务科"], order="-number"),
        "date_range": LedgerQuery(limit=50, date_from="2025-03-01", date_to="2025-03-31", include_confidential=False),
    }
    out = {"rows": count, "load_s": round(load_s, 2), "keyset_after": middle}
    with Office.open(root) as office:
        for name, query in pages.items():
            result = timed(office, lambda o, q=query: desk.ledger_page(o, q), repeat)
            result["total"] = office.ledger.page(query).total
            out[name] = result
        before_schema = NEW_INDEXES + (("documents_status",) if office.ledger.dialect == "sqlite" else ())
        for index in before_schema:  # the schema `shouwen ledger` ran on before (PostgreSQL had documents_status)
            office.ledger.store.execute(f"DROP INDEX {index}")
        out["before"] = fifty = timed(office, before, max(1, repeat // 2))
        one = timed(office, lambda o: before(o, 1), max(1, repeat // 2))
        out["before_per_row"] = {"seconds": round(max(0.0, fifty["seconds"] - one["seconds"]) / 49, 5),
                                 "statements": round((fifty["statements"] - one["statements"]) / 49, 2)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if bin_dir() is None:
        sys.exit("PostgreSQL server binaries are not installed (scripts/setup.sh --dev)")
    server = PostgresServer(bin_dir())
    results = {}
    try:
        server.start()
        with tempfile.TemporaryDirectory() as tmp:
            for backend in ("sqlite", "postgresql"):
                root = Path(tmp) / backend
                root.mkdir()
                url = "sqlite:///ledger.sqlite3" if backend == "sqlite" else server.create_database("page_bench")
                results[backend] = measure(url, root, args.rows, args.repeat)
    finally:
        server.stop()
    load = os.getloadavg()
    out = {"benchmark": "ledger_page", "rows": args.rows, "repeat": args.repeat, "cpus": os.cpu_count(),
           "load_average": [round(x, 1) for x in load], "machine": platform.platform(),
           "python": platform.python_version(), "results": results,
           "note": "median wall seconds; statements counted on the ledger's connection. PostgreSQL on a Unix socket, "
                   "fsync off. Busy shared machine: compare side by side, not across runs."}
    path = ROOT / "bench" / "results" / "ledger_page.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"a page of 50 at {args.rows:,} registrations (median of {args.repeat}; load {load[0]:.1f} on "
          f"{os.cpu_count()} CPUs)")
    print(f"{'':14}{'sqlite s':>10}{'stmts':>7}{'postgresql s':>14}{'stmts':>7}")
    for name in ("page", "deep_offset", "keyset", "filtered", "date_range", "before", "before_per_row"):
        s, p = results["sqlite"][name], results["postgresql"][name]
        print(f"{name:14}{s['seconds']:>10.4f}{s['statements']:>7g}{p['seconds']:>14.4f}{p['statements']:>7g}")
    whole = {b: round(results[b]["before_per_row"]["statements"] * args.rows) + 1 for b in results}
    print(f"before, the whole listing (no page existed): ≈{whole['sqlite']:,} statements (per-row cost × rows)")
    print(f"→ {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
