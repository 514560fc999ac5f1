"""The Ledger protocol's contract (pipelines/ledger/), run against both backends: SQLiteLedger on a file and
PostgresLedger on a real PostgreSQL (tests/postgres.py: Debian's server on a Unix socket). Every expected value
is written here by hand from the protocol's rules (收〔年〕号 numbering, compare-and-set, history order)."""
from __future__ import annotations

import multiprocessing
import sqlite3

import psycopg
import pytest

from pipelines.ledger import MIGRATIONS, Ledger, LedgerConflict, SQLiteLedger, iter_table, open_ledger
from pipelines.ledger import postgres as ledger_postgres
from pipelines.ledger.postgres import LedgerUnavailable, PostgresLedger

from ...processes import in_processes

DAY = "2026-03-02T09:30:00+08:00"

# The documents table's columns, in order, as the four migrations define them (both backends).
COLUMNS = ["id", "year", "seq", "number", "received_at", "channel", "file", "sha256", "archive_path", "format", "pages",
           "issuer", "doc_number", "doc_type", "title", "urgency", "secrecy", "verdict", "findings", "department",
           "route_reason", "status", "reason", "route_source", "route_confidence", "return_state", "return_path",
           "version", "file_raw", "mail_from", "mail_from_name", "mail_date", "mail_message_id", "mail_subject",
           "mail_attachments", "linked_to", "revision_of", "revision", "similarity", "seals", "seals_unchanged"]


def sha(n: int) -> str:
    return f"{n:064x}"


def reg(ledger, n: int, received_at: str = DAY, **kw):
    return ledger.register(sha256=sha(n), file=f"来文{n}.pdf", channel="edoc", archive_path=f"archive/{n}.pdf",
                           received_at=received_at, **kw)


# -- opening --------------------------------------------------------------------------------------------------


def test_open_ledger_gives_the_backend_the_url_names(url, tmp_path):
    opened = open_ledger(url, tmp_path)
    assert isinstance(opened, Ledger)
    assert type(opened) is (SQLiteLedger if url.startswith("sqlite") else PostgresLedger)
    assert opened.schema_version == 8 == len(MIGRATIONS) == len(ledger_postgres.MIGRATIONS)
    opened.close()


def test_a_relative_sqlite_url_is_relative_to_the_data_root(tmp_path):
    opened = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    assert isinstance(opened, SQLiteLedger) and opened.path == tmp_path / "ledger.sqlite3"
    assert (tmp_path / "ledger.sqlite3").is_file()
    opened.close()


@pytest.mark.parametrize("bad", ["mysql://office/ledger", "ledger.sqlite3", "sqlite:///"])
def test_an_unsupported_url_is_refused_naming_the_key(tmp_path, bad):
    with pytest.raises(ValueError) as refused:
        open_ledger(bad, tmp_path)
    assert "[ledger] url" in str(refused.value) and "无效" in str(refused.value)


def test_create_false_wants_an_existing_ledger(url, tmp_path):
    with pytest.raises((sqlite3.OperationalError, LedgerUnavailable)):
        open_ledger(url, tmp_path, create=False)
    open_ledger(url, tmp_path).close()
    again = open_ledger(url, tmp_path, create=False)
    assert again.schema_version == 8
    again.close()


def test_an_unreachable_server_is_named_without_its_password(tmp_path):
    url = f"postgresql://shouwen:geheim-123@/shouwen?host={tmp_path}/no-server-here"
    with pytest.raises(LedgerUnavailable) as refused:
        open_ledger(url, tmp_path)
    message = str(refused.value)
    assert message.startswith("登记簿数据库无法连接：postgresql://shouwen:***@/shouwen?host=")
    assert "geheim-123" not in message


# -- registration ---------------------------------------------------------------------------------------------


def test_numbers_count_per_year_and_a_file_is_registered_once(ledger):
    a = reg(ledger, 1, "2025-12-31T23:59:00+08:00")
    b = reg(ledger, 2, "2026-01-01T08:00:00+08:00")
    c = reg(ledger, 3, "2026-01-01T08:05:00+08:00")
    again = ledger.register(sha256=sha(1), file="复印件.pdf", channel="mail", archive_path="elsewhere")
    assert [(r.number, r.year, r.seq, r.created) for r in (a, b, c)] == [
        ("收〔2025〕1号", 2025, 1, True), ("收〔2026〕1号", 2026, 1, True), ("收〔2026〕2号", 2026, 2, True)]
    assert (again.created, again.id, again.number) == (False, a.id, "收〔2025〕1号")
    assert [r["number"] for r in ledger.rows()] == ["收〔2025〕1号", "收〔2026〕1号", "收〔2026〕2号"]
    assert [r["number"] for r in ledger.rows(2026)] == ["收〔2026〕1号", "收〔2026〕2号"]
    assert ledger.get(a.id)["file"] == "来文1.pdf"  # the first registration's name stays


def test_a_new_registration_row_and_its_types(ledger):
    r = ledger.register(sha256=sha(7), file="传真.tif", channel="fax", archive_path="archive/ab/7.tif",
                        received_at=DAY, file_raw="b4abd5e6")
    row = ledger.get(r.id)
    assert list(row) == COLUMNS
    assert {k: row[k] for k in ("id", "year", "seq", "number", "received_at", "channel", "file", "sha256", "archive_path",
                                "status", "version", "file_raw", "verdict", "findings")} == {
        "id": r.id, "year": 2026, "seq": 1, "number": "收〔2026〕1号", "received_at": DAY, "channel": "fax",
        "file": "传真.tif", "sha256": sha(7), "archive_path": "archive/ab/7.tif", "status": "registered", "version": 0,
        "file_raw": "b4abd5e6", "verdict": None, "findings": None}
    assert type(row["id"]) is int and type(row["year"]) is int
    assert ledger.history(r.id) == [{"status": "registered", "at": DAY, "note": "签收于传真收件箱", "actor": "batch"}]


def test_a_registration_that_fails_gives_its_number_back(ledger):
    with pytest.raises(Exception):  # NOT NULL: the number was drawn, the row cannot be written
        ledger.register(sha256=sha(1), file=None, channel="edoc", archive_path="x", received_at=DAY)
    assert ledger.rows() == [] and ledger.by_sha256(sha(1)) is None
    assert reg(ledger, 2).number == "收〔2026〕1号"
    assert reg(ledger, 3).number == "收〔2026〕2号"


_start = None  # a Barrier(4) in each pool process: the four begin registering together


def _set_start(barrier) -> None:
    global _start
    _start = barrier


def _in_four_processes(url, root, count: int, shared: bool) -> list[list[str]]:
    """Four spawned processes each open the ledger, wait for the others, then register `count` files (the same
    files in each where shared): their 收文编号, per process."""
    context = multiprocessing.get_context("spawn")
    return in_processes(_register_many, [(url, root, w, count, shared) for w in range(4)],
                        initializer=_set_start, initargs=(context.Barrier(4),))


def _register_many(args):
    url, root, worker, count, shared = args
    ledger = open_ledger(url, root)
    _start.wait()  # each pool process holds one task here until all four do
    numbers = []
    for i in range(count):
        digest = sha(i) if shared else sha(1000 * (worker + 1) + i)
        numbers.append(ledger.register(sha256=digest, file=f"{worker}-{i}.pdf", channel="edoc",
                                       archive_path="archive/x", received_at=DAY).number)
    ledger.close()
    return numbers


def test_four_processes_fifty_registrations_each_give_1_to_200(url, tmp_path):
    open_ledger(url, tmp_path).close()  # the schema exists before the writers start
    results = _in_four_processes(url, tmp_path, 50, shared=False)
    numbers = [n for r in results for n in r]
    assert len(numbers) == 200
    assert sorted(numbers, key=lambda n: int(n[7:-1])) == [f"收〔2026〕{i}号" for i in range(1, 201)]
    ledger = open_ledger(url, tmp_path)
    assert [row["seq"] for row in ledger.rows(2026)] == list(range(1, 201))
    assert len({row["sha256"] for row in ledger.rows()}) == 200
    ledger.close()


def test_the_same_files_registered_by_four_processes_at_once_are_registered_once(url, tmp_path):
    results = _in_four_processes(url, tmp_path, 20, shared=True)  # also: four processes creating the schema at once
    assert results[0] == results[1] == results[2] == results[3]  # each file: one number, whoever asked
    assert sorted(results[0], key=lambda n: int(n[7:-1])) == [f"收〔2026〕{i}号" for i in range(1, 21)]
    ledger = open_ledger(url, tmp_path)
    assert len(ledger.rows()) == 20
    ledger.close()


# -- state, history, compare-and-set --------------------------------------------------------------------------


def test_status_changes_fields_and_history_in_order(ledger):
    r = reg(ledger, 1)
    v1 = ledger.set_status(r.id, "reviewed", verdict="return", findings=[{"rule": "element.date", "说明": "成文日期"}],
                           title="关于冬季学校安全工作的请示", route_confidence=0.75, pages=3)
    ledger.note(r.id, "机要员已阅")
    v2 = ledger.set_status(r.id, "returned", note="退文通知单已放入发件箱")
    assert (v1, v2) == (1, 2)
    row = ledger.get(r.id)
    assert (row["status"], row["verdict"], row["version"], row["pages"]) == ("returned", "return", 2, 3)
    assert row["title"] == "关于冬季学校安全工作的请示" and row["route_confidence"] == 0.75
    assert row["findings"] == '[{"rule": "element.date", "说明": "成文日期"}]'  # JSON text, Chinese kept
    history = ledger.history(r.id)
    assert [(h["status"], h["note"]) for h in history] == [
        ("registered", "签收于电子公文收件箱"), ("reviewed", None), ("reviewed", "机要员已阅"),
        ("returned", "退文通知单已放入发件箱")]
    assert all(isinstance(h["at"], str) and h["at"][:2] == "20" for h in history)


def test_a_stale_version_is_refused_in_chinese_and_changes_nothing(ledger):
    r = reg(ledger, 1)
    seen = ledger.get(r.id)["version"]
    ledger.set_status(r.id, "routed", department="办公室", expect_version=seen)
    with pytest.raises(LedgerConflict) as refused:
        ledger.set_status(r.id, "indexed", "改送综合科", department="综合科", expect_version=seen)
    assert str(refused.value) == "收〔2026〕1号 刚被他人办理（现为已分办），本次未作改动；请用 shouwen ledger 查看后再办"
    row = ledger.get(r.id)
    assert (row["status"], row["department"], row["version"]) == ("routed", "办公室", 1)
    assert [h["status"] for h in ledger.history(r.id)] == ["registered", "routed"]


def test_an_unexpected_status_is_refused(ledger):
    r = reg(ledger, 1)
    ledger.set_status(r.id, "returned")
    with pytest.raises(LedgerConflict, match="现为已退文"):
        ledger.set_status(r.id, "indexed", expect_status=("routed", "reviewed"))
    assert ledger.set_status(r.id, "reviewed", "撤回退文", expect_status=("returned",)) == 2
    with pytest.raises(LedgerConflict, match=r"登记簿中没有这件收文（id 999）"):
        ledger.set_status(999, "reviewed", expect_version=0)


def test_two_clerks_with_the_same_version_one_wins(url, tmp_path):
    first, second = open_ledger(url, tmp_path), open_ledger(url, tmp_path)
    r = reg(first, 1)
    seen = second.get(r.id)["version"]
    first.set_status(r.id, "indexed", "改送办公室", department="办公室", expect_version=seen)
    with pytest.raises(LedgerConflict):
        second.set_status(r.id, "indexed", "改送综合科", department="综合科", expect_version=seen)
    assert second.get(r.id)["department"] == "办公室"
    first.close()
    second.close()


def test_unknown_statuses_and_columns_are_refused(ledger):
    r = reg(ledger, 1)
    with pytest.raises(ValueError):
        ledger.set_status(r.id, "lost")
    with pytest.raises(ValueError, match="登记簿没有这些栏目：colour"):
        ledger.set_status(r.id, "reviewed", colour="red")
    assert ledger.get(r.id)["status"] == "registered"


# -- reading ----------------------------------------------------------------------------------------------------


def test_find_get_by_sha256_and_unfinished(ledger):
    ids = [reg(ledger, n).id for n in range(1, 5)]
    for doc_id, status in zip(ids, ("indexed", "reviewed", "held", "routed")):
        ledger.set_status(doc_id, status)
    assert ledger.find("收〔2026〕2号")["id"] == ids[1]
    assert ledger.find(" 2026-3 ")["id"] == ids[2]
    assert ledger.find("收[2026]2号")["id"] == ids[1] and ledger.find("收【2026】3号")["id"] == ids[2]  # as clerks type it
    assert ledger.find(str(ids[3]))["number"] == "收〔2026〕4号"
    assert ledger.find("第三件") is None and ledger.find("收〔2026〕9号") is None
    assert ledger.get(10_000) is None
    assert ledger.by_sha256(sha(4))["id"] == ids[3] and ledger.by_sha256(sha(99)) is None
    assert [r["number"] for r in ledger.unfinished()] == ["收〔2026〕2号", "收〔2026〕4号"]  # held is final


def test_versions_and_linked_copies(ledger):
    first, second, third, copy = (reg(ledger, n).id for n in range(1, 5))
    ledger.set_status(second, "indexed", revision_of=first, revision=2, similarity=0.5)
    ledger.set_status(third, "indexed", revision_of=first, revision=2)
    ledger.set_status(copy, "linked", linked_to=first, similarity=0.98)
    # the queries moved out of the protocol: ledger_view asks ledger.page, which joins them
    from pipelines.ledger_view import linked_copies, newer_versions

    assert newer_versions(ledger, ledger.get(first)) == ["收〔2026〕2号", "收〔2026〕3号"]
    assert linked_copies(ledger, ledger.get(first)) == ["收〔2026〕4号"]
    assert newer_versions(ledger, ledger.get(second)) == [] and linked_copies(ledger, ledger.get(second)) == []
    assert ledger.get(copy)["similarity"] == 0.98 and ledger.get(second)["revision_of"] == first


def test_same_document_claims(ledger):
    a, b, c, d = (reg(ledger, n).id for n in range(1, 5))
    ledger.set_status(a, "indexed", title="甲", mail_from_name="教育局")
    ledger.set_status(c, "quarantined")
    assert ledger.claim_same_document(a, "gyjy-2026-12", "正文甲") == []
    assert ledger.claim_same_document(b, "other-key", "正文乙") == []
    assert [r["id"] for r in ledger.claim_same_document(c, "gyjy-2026-12", "正文丙")] == [a]
    found = ledger.claim_same_document(d, "gyjy-2026-12", "正文丁")
    assert [(r["id"], r["same_body"], r["sender"], r["title"]) for r in found] == [(a, "正文甲", "教育局", "甲")]  # c: quarantined
    # a claim again keeps its place: b now shares the key, and is earlier than d
    ledger.claim_same_document(b, "gyjy-2026-12", "正文乙二")
    found = ledger.claim_same_document(d, "gyjy-2026-12", "正文丁")
    assert [(r["id"], r["same_body"]) for r in found] == [(b, "正文乙二"), (a, "正文甲")]
    assert set(found[0]) == set(COLUMNS) | {"same_body", "sender"}


def test_training_rows_newest_first(ledger):
    ids = [reg(ledger, n).id for n in range(1, 6)]
    ledger.set_status(ids[0], "indexed", department="办公室", route_source="rule")
    ledger.set_status(ids[1], "indexed", department="综合科", route_source="clerk")
    ledger.set_status(ids[2], "indexed", department="综合科", route_source="model")
    ledger.set_status(ids[3], "routed", department="办公室", route_source="rule")
    ledger.set_status(ids[4], "indexed", department="财务科", route_source="rule")
    assert ledger.training_rows() == [(ids[4], "rule", "财务科"), (ids[1], "clerk", "综合科"), (ids[0], "rule", "办公室")]
    assert ledger.training_rows(limit=1) == [(ids[4], "rule", "财务科")]


# -- whole ledgers, reconnecting, older schemas --------------------------------------------------------------------


def test_export_and_import_keep_everything(ledger, url, tmp_path, request):
    a, b = reg(ledger, 1).id, reg(ledger, 2, "2025-11-01T10:00:00+08:00").id
    ledger.set_status(b, "linked", "同一来文", linked_to=a, similarity=1.0)
    ledger.claim_same_document(a, "k", "正文")
    tables = ledger.export_tables()
    assert [len(tables[t]) for t in ("documents", "history", "sequences", "same_document")] == [2, 3, 2, 1]
    if url.startswith("sqlite"):
        target = open_ledger("sqlite:///copy.sqlite3", tmp_path)
    else:
        target = open_ledger(request.getfixturevalue("postgres").create_database(), tmp_path)
    progress = []
    target.import_tables({t: iter_table(ledger, t, page_rows=2) for t in tables}, totals={"history": 3},
                         progress=lambda *step: progress.append(step))
    assert target.export_tables() == tables
    assert progress == [("documents", 2, 2), ("history", 3, 3), ("sequences", 2, 2), ("same_document", 1, 1)]
    assert reg(target, 3).number == "收〔2026〕2号" and reg(target, 3).id == b + 1  # ids and numbers go on
    with pytest.raises(ValueError, match="目标登记簿不是空的"):
        target.import_tables(tables)
    target.close()


def test_whole_tables_are_read_a_page_at_a_time(ledger):
    ids = [reg(ledger, n).id for n in range(1, 6)]
    assert ledger.count_rows("documents") == 5 and ledger.count_rows("history") == 5
    assert [r["id"] for r in ledger.table_rows("documents", limit=2)] == ids[:2]
    assert [r["id"] for r in ledger.table_rows("documents", after=ids[1], limit=2)] == ids[2:4]
    assert [r["seq"] for r in iter_table(ledger, "documents", page_rows=2)] == [1, 2, 3, 4, 5]
    assert list(iter_table(ledger, "sequences", page_rows=1)) == [{"year": 2026, "last": 5}]
    with pytest.raises(ValueError, match="登记簿没有这张表"):
        ledger.count_rows("documents; DROP TABLE history")


def test_a_dropped_connection_is_reopened_once_postgres(postgres_url, tmp_path):
    ledger = open_ledger(postgres_url, tmp_path)
    r = reg(ledger, 1)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                               " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
    assert killed == [(True,)]
    assert ledger.get(r.id)["number"] == "收〔2026〕1号"
    assert reg(ledger, 2).number == "收〔2026〕2号"
    ledger.close()


def test_a_sqlite_ledger_at_schema_3_is_migrated(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:3]) + "; PRAGMA user_version = 3;")
    conn.execute("INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status,"
                 " department, version) VALUES (2026, 5, '收〔2026〕5号', ?, 'mail', 'a.eml', ?, 'x', 'indexed', '办公室', 3)",
                 (DAY, sha(5)))
    conn.execute("INSERT INTO sequences VALUES (2026, 5)")
    conn.commit()
    conn.close()
    _check_migrated(open_ledger("sqlite:///ledger.sqlite3", tmp_path))


def test_a_postgres_ledger_at_schema_3_is_migrated(postgres_url, tmp_path):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for script in ledger_postgres.MIGRATIONS[:3]:
            conn.execute(script)
        conn.execute("CREATE TABLE ledger_schema (version integer NOT NULL); INSERT INTO ledger_schema VALUES (3)")
        conn.execute("INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status,"
                     " department, version) VALUES (2026, 5, '收〔2026〕5号', %s, 'mail', 'a.eml', %s, 'x', 'indexed',"
                     " '办公室', 3)", (DAY, sha(5)))
        conn.execute("INSERT INTO sequences VALUES (2026, 5)")
    _check_migrated(open_ledger(postgres_url, tmp_path))


def _check_migrated(ledger) -> None:
    assert ledger.schema_version == 8
    row = ledger.find("收〔2026〕5号")
    assert list(row) == COLUMNS
    assert (row["department"], row["version"], row["mail_from"], row["linked_to"]) == ("办公室", 3, None, None)
    assert reg(ledger, 6).number == "收〔2026〕6号"
    assert ledger.claim_same_document(row["id"], "k", "正文") == []  # the new table is there
    ledger.close()
