"""The web desk's speed where people wait (网页办公台): the search page's and the 登记簿 page's server time, p50/p95,
at 100,000 and 1,000,000 documents, and a document page's time to its first page image, cold and cached.

    PYTHONPATH=. python bench/web_bench.py [--sizes 100000 1000000] [--build-minutes 40] [--ledger-before RUNS]
                                           [--out bench/results/web.json]

Per size: a ledger of that many rows (SQLite, the office's default; rows written in bulk from bench/search_corpus.py's
corpus, the same ids as its index) and the embedded index of the same documents (Tantivy, as search_bench.py
builds it). The app is the real one (web.app.create_app), called in-process through FastAPI's TestClient as a
logged-in clerk: what is timed is the server's whole answer (routing, session check in the ledger, the desk
function, the template), without a network. Queries: search_corpus.latency_queries (the search benchmark's mix);
登记簿 pages: a day, a month, a year, page 1 and page 200 of everything, a status filter.
Time to first image: three PDF and three docx originals (the samples, made distinct), each page first opened with
an empty cache (cold: PDF through pdfium, docx through the sandboxed LibreOffice, then pdfium) and again (cached).
A size whose build cannot finish before --build-minutes is measured on what was built, and says so.
JSON to --out (one file, the latest run, with the machine's load) and a printed summary.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-password-2026"
LEDGER_PAGES = {  # label: query string of /ledger
    "day": "day=2021-03-05", "month": "month=2021-03", "year": "date_from=2021-01-01&date_to=2021-12-31",
    "all, page 1": "", "all, page 200": "page=200", "status returned": "status=returned",
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 1)


def build(root: Path, size: int, deadline: float, index_from: Path | None = None) -> int:
    """Ledger rows and index documents 1..n (n ≤ size: as many as the deadline allows); returns n.
    index_from: a data root whose search-index/ bench/search_bench.py built from the same corpus (the same ids):
    linked, not rebuilt (a million documents take the index half an hour or more on two cores), and the ledger
    written for the documents it holds, each `indexed` as the index has it."""
    from search_corpus import Corpus

    from index import Doc, open_index
    from index.tantivy_index import INDEX_DIR
    from pipelines.ledger import SQLiteLedger

    corpus = Corpus(size)
    if index_from is not None:
        root.mkdir(parents=True, exist_ok=True)
        (root / INDEX_DIR).symlink_to(index_from / INDEX_DIR)
        linked = open_index(root)
        size = min(size, linked.count())
        linked.close()
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    index = open_index(root)
    conn = ledger.conn
    built = 0
    batch: list = []
    docs: list = []

    def flush():
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO documents(id, year, seq, number, received_at, channel, file, sha256, archive_path, format, pages,"
            " issuer, doc_number, doc_type, title, urgency, verdict, findings, department, status, route_source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pdf', 1, ?, ?, ?, ?, ?, ?, '[]', ?, ?, 'rule')", batch)
        conn.execute("COMMIT")
        if index_from is None:
            index.add_many(docs, commit_every=50_000, workers=int(os.environ.get("SHOUWEN_BENCH_WORKERS", "2")))
        batch.clear()
        docs.clear()

    for i in range(1, size + 1):
        if time.time() > deadline:
            break
        d = corpus.doc(i)
        f = d.fields
        year = int(f["date"][:4])
        status = "returned" if i % 17 == 0 and index_from is None else "indexed"
        batch.append((i, year, i, f"收〔{year}〕{i}号", f"{f['date']}T09:00:00+08:00", f["channel"], f"{i}.pdf",
                      hashlib.sha256(str(i).encode()).hexdigest(), f"archive/{i}.pdf", f["issuer"],
                      d.body.split("\n", 1)[0], f["doc_type"], d.title, "特急" if i % 50 == 0 else None,
                      "return" if status == "returned" else "accept", f["department"], status))
        if index_from is None:
            docs.append(Doc(d.id, d.title, d.body, {**f, "status": status}))
        built = i
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    conn.execute("INSERT OR REPLACE INTO sequences(year, last) SELECT year, max(seq) FROM documents GROUP BY year")
    ledger.close()
    index.close()
    return built


def originals(root: Path, office) -> list[tuple[str, int]]:
    """Three PDF and three docx originals in the archive and ledger (distinct bytes): [(format, id)]."""
    samples = ROOT / "samples" / "inbox" / "edoc"
    made = []
    for fmt, name in (("pdf", "筑教呈2026-5号-校舍维修资金请示.pdf"), ("docx", "筑教发2026-12号-冬季学校安全工作通知.docx")):
        for k in range(3):
            # distinct bytes, the same document: a PDF comment after %%EOF; a byte after the docx's zip directory
            data = (samples / name).read_bytes() + (f"\n%bench {k}\n".encode() if fmt == "pdf" else bytes([k]))
            digest = hashlib.sha256(data).hexdigest()
            path = root / "archive" / f"{digest}.{fmt}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            reg = office.ledger.register(sha256=digest, file=f"bench-{k}.{fmt}", channel="edoc",
                                         archive_path=str(path.relative_to(root)))
            office.ledger.set_status(reg.id, "indexed", "bench", format=fmt, title=f"基准测试原件 {fmt} {k}",
                                     department="办公室", findings=[])
            made.append((fmt, reg.id))
    return made


def ledger_pages_before(office, timed, runs: int) -> dict:
    """LEDGER_PAGES timed `runs` times each as main served them before the bounded count (issue 17's 登记簿 at a
    million rows): query.COUNT_EXACT_UP_TO None, no 收文日期 → year range, LIKE for a partial 来文单位, and schema
    step 8's indexes dropped (made again afterwards)."""
    from pipelines.ledger import query as ledger_query
    from pipelines.ledger.schema import LEDGER

    db = office.ledger.store
    step8 = LEDGER.rendered(office.ledger.dialect)[7]
    for statement in step8:
        if statement.startswith("CREATE INDEX"):
            db.execute(f"DROP INDEX IF EXISTS {statement.split()[5]}")
    db.execute("CREATE INDEX IF NOT EXISTS documents_status ON documents(status)")
    saved = (ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing)
    ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing = (
        None, lambda ledger: False, lambda ledger, query: None)
    try:
        out = {}
        for label, query in LEDGER_PAGES.items():
            timed(f"/ledger?{query}")
            out[label] = [timed(f"/ledger?{query}") for _ in range(runs)]
        return out
    finally:
        ledger_query.COUNT_EXACT_UP_TO, ledger_query.years_follow_dates, ledger_query.issuers_containing = saved
        for statement in step8:
            db.execute(statement)


def measure(root: Path, built: int, queries: int, ledger_before: int = 0) -> dict:
    from fastapi.testclient import TestClient
    from search_corpus import latency_queries

    from pipelines.accounts import Accounts
    from web.app import create_app

    app = create_app(root)
    office = app.app.state.office
    accounts = Accounts.open(office)
    if accounts.get("bench") is None:
        accounts.add("bench", "clerk", PASSWORD)
    client = TestClient(app, base_url="https://bench")
    client.get("/login")
    client.post("/login", data={"csrftoken": client.cookies["csrftoken"], "username": "bench", "password": PASSWORD})

    def timed(url: str) -> float:
        t = time.perf_counter()
        r = client.get(url)
        ms = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        return ms

    qs = latency_queries(queries)
    for q, _ in qs[:10]:  # a day's first searches warm the caches
        timed(f"/search?q={q}")
    search = [timed("/search?" + "&".join([f"q={q}"] + [f"{k}={v}" for k, v in f.items()])) for q, f in qs]
    ledger = {}
    for label, query in LEDGER_PAGES.items():
        timed(f"/ledger?{query}")
        ledger[label] = [timed(f"/ledger?{query}") for _ in range(10)]
    all_ledger = [ms for values in ledger.values() for ms in values]
    before = {}
    if ledger_before:  # the same pages as main served them: every matching row counted, no step-8 indexes
        before = ledger_pages_before(office, timed, ledger_before)
    images = {"pdf": {"cold": [], "cached": []}, "docx": {"cold": [], "cached": []}}
    for fmt, doc_id in originals(root, office):
        for state in ("cold", "cached"):
            t = time.perf_counter()
            timed(f"/documents/{doc_id}")  # renders the pages on first opening (page_images), then lists them
            client.get(f"/documents/{doc_id}/pages/1.png")
            images[fmt][state].append(round((time.perf_counter() - t) * 1000, 1))
    office.close()
    return {"documents": built,
            "search_page_ms": {"p50": pct(search, 50), "p95": pct(search, 95), "queries": len(search)},
            "ledger_page_ms": {"p50": pct(all_ledger, 50), "p95": pct(all_ledger, 95),
                               "by_page": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in ledger.items()},
                               **({"before_by_page": {k: {"p50": pct(v, 50), "p95": pct(v, 95), "runs": len(v)}
                                                      for k, v in before.items()}} if before else {})},
            "first_image_ms": {fmt: {state: {"median": round(statistics.median(v), 1), "runs": v}
                                     for state, v in states.items()} for fmt, states in images.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description="web desk benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--build-minutes", type=float, default=40.0, help="per size")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--ledger-before", type=int, default=0, metavar="RUNS",
                        help="also time the 登记簿 pages as main served them (every row counted), RUNS times each")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    parser.add_argument("--index-from", action="append", default=[], metavar="SIZE=ROOT",
                        help="use the search index search_bench.py built under data root ROOT for this size")
    args = parser.parse_args()
    os.environ.pop("SHOUWEN_WEB_SECURE_COOKIES", None)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="shouwen-web-bench-"))
    results = {"benchmark": "web desk: search and 登记簿 page server time, document first image",
               "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
               "sizes": []}
    for size in args.sizes:
        root = work / str(size)
        if not (root / "ledger.sqlite3").exists():
            started = time.time()
            linked = dict(item.split("=", 1) for item in args.index_from).get(str(size))
            built = build(root, size, started + args.build_minutes * 60, Path(linked) if linked else None)
            build_s = round(time.time() - started)
        else:
            from pipelines.ledger import SQLiteLedger

            built, build_s = SQLiteLedger(root / "ledger.sqlite3").count_rows("documents"), None
        print(f"[web bench] {size}: {built} documents built ({build_s} s); measuring", file=sys.stderr, flush=True)
        row = {"size": size, "built": built, "complete": built >= size, "build_s": build_s,
               "index_linked_from": dict(item.split("=", 1) for item in args.index_from).get(str(size)),
               "load_during": None, **measure(root, built, args.queries, args.ledger_before)}
        row["load_during"] = [round(x, 2) for x in os.getloadavg()]
        results["sizes"].append(row)
        shutil.rmtree(root / "cache", ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print_summary(results)


def print_summary(results: dict) -> None:
    print(f"网页办公台基准（{results['machine']['cpus']} 核，开始时负载 {results['machine']['load_before']}）")
    print(f"{'规模':>9} {'已建':>9} {'检索页 p50/p95 ms':>18} {'登记簿页 p50/p95 ms':>20} {'首图 PDF 冷/热 ms':>18} {'首图 docx 冷/热 ms':>19}")
    for r in results["sizes"]:
        im = r["first_image_ms"]
        print(f"{r['size']:>9} {r['built']:>9} {r['search_page_ms']['p50']:>8}/{r['search_page_ms']['p95']:<9} "
              f"{r['ledger_page_ms']['p50']:>9}/{r['ledger_page_ms']['p95']:<10} "
              f"{im['pdf']['cold']['median']:>8}/{im['pdf']['cached']['median']:<9} "
              f"{im['docx']['cold']['median']:>9}/{im['docx']['cached']['median']:<9}  负载 {r['load_during']}")
        before = r["ledger_page_ms"].get("before_by_page", {})
        for label, v in r["ledger_page_ms"]["by_page"].items():
            was = f"（此前 p95 {before[label]['p95']} ms）" if label in before else ""
            print(f"            登记簿 {label}: p50 {v['p50']} ms, p95 {v['p95']} ms{was}")


if __name__ == "__main__":
    main()
