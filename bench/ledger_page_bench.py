"""A page of the 登记簿 at a million registrations, on SQLite and on PostgreSQL, side by side: each filter a
clerk uses, before (every matching row counted, the indexes of schema step 7) and after (the count bounded at
query.COUNT_EXACT_UP_TO and estimated past it — 约 N —, and step 8's indexes on filter + 收文编号), in the same run.

    .venv/bin/python bench/ledger_page_bench.py [--rows 1000000] [--repeat 20] [--before-repeat 5]
                                                [--workdir bench/work/ledger_page]

The ledger: `--rows` registrations over three years (four channels, twelve departments, forty issuers, eight
文种; every 50th a new version of the one before, every 40th a copy linked to an earlier one, every 200th held,
every 150th classified, a mail sender on the mail channel); no history lines (a page never reads them). The
SQLite ledger is built once under --workdir (gitignored) and kept; PostgreSQL (a real server from Debian's
packages, tests/postgres.py, Unix socket, fsync off: reads are what is timed) is loaded with COPY each run and
ANALYZEd (as autovacuum would).

Timed: desk.ledger_page as the web desk's /ledger calls it (a 文秘, whose scope leaves classified and held rows
out; one case as a department's 承办人员), a page of 50, p50/p95 wall milliseconds over --repeat runs after one
warm-up (--before-repeat for before, whose runs take seconds), with the statements one page sent, the total it
reported and whether that total was exact. "before" is the same code with COUNT_EXACT_UP_TO = None (count
everything, as main did) on the schema without step 8's indexes (dropped for it, made again for after).

Writes bench/results/ledger_page.json (the latest run, with the machine's load) and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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


STEP8 = ("documents_status_number", "documents_department_number", "documents_issuer_number",
         "documents_year_unlike_received")


def cases(rows: list[dict]) -> dict:
    """label → (LedgerQuery, actor): the pages a clerk opens all day (the web desk's filters)."""
    from pipelines.actors import Actor

    clerk, staff = Actor("bench-clerk", "clerk"), Actor("bench-staff", "staff", "综合科")
    middle = rows[len(rows) // 2]
    return {
        "all, page 1": (LedgerQuery(limit=50), clerk),
        "all, page 200": (LedgerQuery(limit=50, offset=199 * 50), clerk),
        "all, next page (keyset)": (LedgerQuery(limit=50, after=(middle["year"], middle["seq"])), clerk),
        "all, newest first": (LedgerQuery(limit=50, order="-number"), clerk),
        "year": (LedgerQuery(limit=50, date_from="2025-01-01", date_to="2025-12-31"), clerk),
        "month": (LedgerQuery(limit=50, date_from="2025-03-01", date_to="2025-03-31"), clerk),
        "status returned": (LedgerQuery(limit=50, statuses=("returned",)), clerk),
        "department 综合科": (LedgerQuery(limit=50, departments=("综合科",)), clerk),
        "来文单位 市直单位7 (contains)": (LedgerQuery(limit=50, issuer_contains="市直单位7"), clerk),
        "来文单位 市直单位39 (exact)": (LedgerQuery(limit=50, issuer="市直单位39"), clerk),
        "text 单位39 (contains, 2.5%)": (LedgerQuery(limit=50, issuer_contains="单位39"), clerk),
        "text 教育局 (contains, none)": (LedgerQuery(limit=50, issuer_contains="教育局"), clerk),
        "staff 综合科, page 1": (LedgerQuery(limit=50), staff),
        "staff 综合科, returned": (LedgerQuery(limit=50, statuses=("returned",)), staff),
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 1)


def timed(office, query, actor, repeat: int) -> dict:
    """p50/p95 wall milliseconds of desk.ledger_page over `repeat` runs (after one warm-up), the statements one
    run sent, the total it gave and whether it was exact."""
    page = desk.ledger_page(office, query, actor=actor)  # warm: the page cache and the plans
    times, statements = [], None
    for _ in range(repeat):
        counter = Counter(office.ledger)
        began = time.perf_counter()
        try:
            page = desk.ledger_page(office, query, actor=actor)
        finally:
            elapsed = time.perf_counter() - began
            counter.close()
        times.append(elapsed * 1000)
        statements = counter.count
    return {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "runs": repeat, "statements": statements,
            "total": page.total, "exact": page.exact, "said": page.total_zh, "shown": len(page.entries)}


def build_sqlite(path: Path, documents: list[dict], sequences: list[dict]) -> None:
    """A SQLite ledger at `path` (the schema open_ledger makes) with these rows, in one transaction."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    ledger = open_ledger(f"sqlite:///{tmp}", path.parent)
    columns = list(documents[0])
    ledger.conn.execute("BEGIN")
    ledger.conn.executemany(f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                            [tuple(d[c] for c in columns) for d in documents])
    ledger.conn.executemany("INSERT INTO sequences(year, last) VALUES (?, ?)", [(s["year"], s["last"]) for s in sequences])
    ledger.conn.execute("COMMIT")
    ledger.close()
    tmp.rename(path)


def load_postgres(url: str, root: Path, documents: list[dict], sequences: list[dict]) -> None:
    """A PostgreSQL ledger at `url` with these rows (COPY), ANALYZEd."""
    from psycopg import sql

    ledger = open_ledger(url, root)
    columns = list(documents[0])
    with ledger.conn.transaction():
        with ledger.conn.cursor() as cursor, cursor.copy(sql.SQL("COPY documents ({}) FROM STDIN").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)))) as copy:
            for d in documents:
                copy.write_row([d[c] for c in columns])
        for s in sequences:
            ledger.conn.execute("INSERT INTO sequences(year, last) VALUES (%s, %s)", (s["year"], s["last"]))
    ledger.conn.execute("ANALYZE")
    ledger.close()


def step8(office, present: bool) -> None:
    """Schema step 8's indexes made (present) or dropped with main's documents_status made again (the before)."""
    from pipelines.ledger.schema import LEDGER

    db = office.ledger.store
    if present:
        for statement in LEDGER.rendered(office.ledger.dialect)[7]:
            db.execute(statement)
    else:
        for index in STEP8:
            db.execute(f"DROP INDEX IF EXISTS {index}")
        db.execute("CREATE INDEX IF NOT EXISTS documents_status ON documents(status)")
    if office.ledger.dialect == "postgresql":
        db.execute("ANALYZE documents")


def measure(url: str, root: Path, documents: list[dict], repeat: int, before_repeat: int) -> dict:
    from pipelines.ledger import query as ledger_query

    out: dict = {"rows": len(documents), "before": {}, "after": {}}
    shown = cases(documents)
    with Office.open(root) as office:
        defaults = (ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing)
        step8(office, present=False)
        # main's page: every matching row counted, a 收文日期 range never taken as a range of years, a partial
        # 来文单位 matched with LIKE on every row
        ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing = (
            None, lambda ledger: False, lambda ledger, query: None)
        try:
            for label, (query, actor) in shown.items():
                out["before"][label] = timed(office, query, actor, before_repeat)
                print(f"  before {label}: {out['before'][label]}", file=sys.stderr, flush=True)
        finally:
            ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing = defaults
        began = time.perf_counter()
        step8(office, present=True)
        out["step8_index_s"] = round(time.perf_counter() - began, 1)
        for label, (query, actor) in shown.items():
            out["after"][label] = timed(office, query, actor, repeat)
            print(f"  after {label}: {out['after'][label]}", file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--before-repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "work" / "ledger_page")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    if "postgresql" in args.backends and bin_dir() is None:
        sys.exit("PostgreSQL server binaries are not installed (scripts/setup.sh --dev)")
    documents, _history, sequences = rows_for(args.rows)
    del _history
    results, load_during = {}, {}
    for backend in args.backends:
        if backend == "sqlite":
            root = args.workdir / f"sqlite-{args.rows}"
            root.mkdir(parents=True, exist_ok=True)
            if not (root / "ledger.sqlite3").exists():
                build_sqlite(root / "ledger.sqlite3", documents, sequences)
            print(f"[ledger_page] sqlite: {args.rows:,} rows; measuring", file=sys.stderr, flush=True)
            results["sqlite"] = measure("sqlite:///ledger.sqlite3", root, documents, args.repeat, args.before_repeat)
        else:
            server = PostgresServer(bin_dir())
            try:
                server.start()
                with tempfile.TemporaryDirectory() as tmp:
                    root = Path(tmp)
                    url = server.create_database("page_bench")
                    (root / "shouwen.toml").write_text(f'[ledger]\nurl = "{url}"\n', encoding="utf-8")
                    began = time.perf_counter()
                    load_postgres(url, root, documents, sequences)
                    print(f"[ledger_page] postgresql: {args.rows:,} rows loaded in {time.perf_counter() - began:.0f} s;"
                          " measuring", file=sys.stderr, flush=True)
                    results["postgresql"] = measure(url, root, documents, args.repeat, args.before_repeat)
            finally:
                server.stop()
        load_during[backend] = [round(x, 1) for x in os.getloadavg()]
    out = {"benchmark": "ledger_page", "rows": args.rows, "repeat": args.repeat, "before_repeat": args.before_repeat,
           "cpus": os.cpu_count(), "load_average_after": load_during, "machine": platform.platform(),
           "python": platform.python_version(), "count_exact_up_to": _exact_up_to(), "results": results,
           "note": "wall milliseconds of desk.ledger_page (a page of 50 with its entries), p50/p95; statements counted "
                   "on the ledger's connection; before and after in the same run on the same ledger. PostgreSQL on a "
                   "Unix socket, fsync off. Shared 2-core machine: compare side by side, not across runs."}
    path = ROOT / "bench" / "results" / "ledger_page.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_summary(out)
    print(f"→ {path.relative_to(ROOT)}")


def _exact_up_to() -> int:
    from pipelines.ledger.query import COUNT_EXACT_UP_TO

    return COUNT_EXACT_UP_TO


def print_summary(out: dict) -> None:
    backends = list(out["results"])
    print(f"登记簿一页 50 条，{out['rows']:,} 条登记（{out['cpus']} 核；测后负载 {out['load_average_after']}）")
    print(f"{'':34}" + "".join(f"{b + ' 前 p95':>16}{b + ' 后 p95':>16}{'后 件数':>16}" for b in backends))
    for label in out["results"][backends[0]]["after"]:
        line = f"{label:34}"
        for b in backends:
            r = out["results"][b]
            line += f"{r['before'][label]['p95_ms']:>14} ms{r['after'][label]['p95_ms']:>14} ms{r['after'][label]['said']:>16}"
        print(line)


if __name__ == "__main__":
    main()
