"""Features' own tables in the ledger's database (seam S1: Feature / ensure / store), and who made each change
(history.actor), on both backends: SQLite in a file and a real PostgreSQL (tests/postgres.py). Expected values are
written by hand from SEAMS.md S1 and pipelines/ledger/features.py's table of placeholders."""
from __future__ import annotations

import multiprocessing
import sqlite3

import psycopg
import pytest

from pipelines.ledger import LEDGER, Feature, LedgerConflict, SQLiteLedger, open_ledger
from pipelines.ledger.features import render

from ...processes import in_processes

DAY = "2026-03-02T09:30:00+08:00"

ACCOUNTS = Feature("accounts", steps=(
    "CREATE TABLE accounts (id {id}, username TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, score {float})",
))
ACCOUNTS_2 = Feature("accounts", steps=ACCOUNTS.steps + (
    """ALTER TABLE accounts ADD COLUMN active {bool} NOT NULL DEFAULT 1;
       ALTER TABLE accounts ADD COLUMN quota {bigint};
       CREATE INDEX accounts_active ON accounts(active)""",
))
TASKS = Feature("tasks", steps=(
    """CREATE TABLE tasks (id {id}, document_id {bigint} NOT NULL REFERENCES documents(id) {deferrable},
                           note TEXT, due TEXT)""",
))


def reg(ledger, n: int):
    return ledger.register(sha256=f"{n:064x}", file=f"来文{n}.pdf", channel="edoc", archive_path=f"archive/{n}.pdf",
                           received_at=DAY)


def tables(ledger) -> set[str]:
    if ledger.dialect == "sqlite":
        rows = ledger.store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = ledger.store.query("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
    return {r["name"] for r in rows}


# -- the placeholders and the Feature itself -------------------------------------------------------------------


def test_placeholders_render_per_dialect():
    step = "CREATE TABLE t (id {id}, ref {bigint} REFERENCES documents(id) {deferrable}, f {float}, b {bool}, x {bytes})"
    assert render(step, "sqlite") == ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, ref INTEGER REFERENCES"
                                      " documents(id) , f REAL, b INTEGER, x BLOB)")
    assert render(step, "postgresql") == ("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, ref BIGINT REFERENCES documents(id)"
                                          " DEFERRABLE, f DOUBLE PRECISION, b SMALLINT, x BYTEA)")


def test_a_feature_is_checked_when_it_is_made():
    with pytest.raises(ValueError, match="unknown placeholder"):
        Feature("notes", steps=("CREATE TABLE notes (id {id}, at {timestamp})",))
    with pytest.raises(ValueError, match="lower-case identifier"):
        Feature("Notes; DROP", steps=("CREATE TABLE notes (id {id})",))
    with pytest.raises(ValueError, match="tuple of SQL strings"):
        Feature("notes", steps="CREATE TABLE notes (id {id})")
    assert ACCOUNTS_2.tables == ("accounts",) and TASKS.tables == ("tasks",)
    assert LEDGER.tables == ("sequences", "documents", "history", "same_document", "feature_versions")
    assert ACCOUNTS_2.rendered("sqlite")[1] == (
        "ALTER TABLE accounts ADD COLUMN active INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE accounts ADD COLUMN quota INTEGER", "CREATE INDEX accounts_active ON accounts(active)")


def test_the_name_ledger_is_the_ledgers_own(ledger):
    with pytest.raises(ValueError, match="ledger's own schema"):
        ledger.ensure(Feature("ledger", steps=("CREATE TABLE ledger (id {id})",)))


# -- ensure --------------------------------------------------------------------------------------------------------


def test_ensure_applies_each_step_once_and_later_steps_later(ledger, url, tmp_path):
    assert "accounts" not in tables(ledger)
    assert ledger.ensure(ACCOUNTS) == 1
    assert ledger.ensure(ACCOUNTS) == 1  # idempotent
    assert "accounts" in tables(ledger)
    assert ledger.store.one("SELECT version FROM feature_versions WHERE name = ?", ("accounts",)) == {"version": 1}
    ledger.store.insert("INSERT INTO accounts (username, created_at) VALUES (?, ?)", ("wangli", DAY))
    # another process, newer code: the appended step only; the row stays
    other = open_ledger(url, tmp_path)
    assert other.ensure(ACCOUNTS_2) == 2
    assert other.store.query("SELECT username, active, quota FROM accounts") == [
        {"username": "wangli", "active": 1, "quota": None}]
    assert other.ensure(ACCOUNTS) == 2  # older code on a newer table: nothing undone
    other.close()
    assert ledger.store.one("SELECT version FROM feature_versions WHERE name = ?", ("accounts",)) == {"version": 2}
    assert ledger.schema_version == 8  # the ledger's own schema keeps its own version


def test_a_step_that_fails_applies_nothing(ledger):
    broken = Feature("broken", steps=("CREATE TABLE broken_a (id {id}); CREATE TABLE broken_a (id {id})",))
    with pytest.raises((sqlite3.Error, psycopg.Error)):
        ledger.ensure(broken)
    assert "broken_a" not in tables(ledger)
    assert ledger.store.one("SELECT version FROM feature_versions WHERE name = ?", ("broken",)) is None


_start = None


def _set_start(barrier) -> None:
    global _start
    _start = barrier


def _ensure_and_insert(args):
    url, root, worker = args
    ledger = open_ledger(url, root)
    _start.wait()
    version = ledger.ensure(ACCOUNTS_2)
    ledger.store.insert("INSERT INTO accounts (username, created_at) VALUES (?, ?)", (f"user{worker}", DAY))
    ledger.close()
    return version


def test_four_processes_ensuring_at_once_apply_the_steps_once(url, tmp_path):
    open_ledger(url, tmp_path).close()
    context = multiprocessing.get_context("spawn")
    versions = in_processes(_ensure_and_insert, [(url, tmp_path, w) for w in range(4)],
                            initializer=_set_start, initargs=(context.Barrier(4),))
    assert versions == [2, 2, 2, 2]
    ledger = open_ledger(url, tmp_path)
    assert sorted(r["username"] for r in ledger.store.query("SELECT username FROM accounts")) == [
        "user0", "user1", "user2", "user3"]
    assert ledger.store.query("SELECT name, version FROM feature_versions") == [{"name": "accounts", "version": 2}]
    ledger.close()


# -- store -----------------------------------------------------------------------------------------------------------


def test_store_reads_and_writes_with_question_marks(ledger):
    db = ledger.store
    assert db.dialect == ("sqlite" if isinstance(ledger, SQLiteLedger) else "postgresql")
    ledger.ensure(ACCOUNTS_2)
    first = db.insert("INSERT INTO accounts (username, created_at, score, quota) VALUES (?, ?, ?, ?)",
                      ("wangli", DAY, 0.5, 2 ** 40))
    second = db.insert("INSERT INTO accounts (username, created_at, active) VALUES (?, ?, ?)", ("li%ming?", DAY, 0))
    assert second == first + 1
    row = db.one("SELECT * FROM accounts WHERE id = ?", (first,))
    assert row == {"id": first, "username": "wangli", "created_at": DAY, "score": 0.5, "active": 1, "quota": 2 ** 40}
    assert type(row["id"]) is int and type(row["active"]) is int and type(row["score"]) is float
    # a literal '?' and '%' in the SQL text stay what they are; only the placeholders outside quotes are bound
    assert db.query("SELECT username FROM accounts WHERE username LIKE '%?' AND active = ?", (0,)) == [
        {"username": "li%ming?"}]
    assert db.execute("UPDATE accounts SET score = ? WHERE active = ?", (1.25, 1)) == 1
    assert db.execute("DELETE FROM accounts WHERE username = ?", ("nobody",)) == 0
    assert db.one("SELECT username FROM accounts WHERE id = ?", (999,)) is None
    assert [r["username"] for r in db.query("SELECT username FROM accounts ORDER BY id")] == ["wangli", "li%ming?"]


def test_a_transaction_commits_all_or_nothing_with_the_ledgers_own_changes(ledger):
    ledger.ensure(TASKS)
    db = ledger.store
    r = reg(ledger, 1)
    with db.transaction():
        db.insert("INSERT INTO tasks (document_id, note) VALUES (?, ?)", (r.id, "承办：办公室"))
        with db.transaction():  # nested: joins the outer one
            ledger.set_status(r.id, "routed", "转办公室承办", actor="wangli", department="办公室")
    assert ledger.get(r.id)["status"] == "routed"
    with pytest.raises(LedgerConflict):
        with db.transaction():
            db.insert("INSERT INTO tasks (document_id, note) VALUES (?, ?)", (r.id, "督办"))
            ledger.note(r.id, "已督办", actor="wangli")
            ledger.set_status(r.id, "indexed", expect_version=0)  # stale: refused, and the whole transaction with it
    assert [t["note"] for t in db.query("SELECT note FROM tasks")] == ["承办：办公室"]
    assert [h["note"] for h in ledger.history(r.id)] == ["签收于电子公文收件箱", "转办公室承办"]
    with pytest.raises(RuntimeError, match="give up"):
        with db.transaction():
            db.execute("UPDATE tasks SET due = ?", ("2026-03-09T17:00:00+08:00",))
            raise RuntimeError("give up")
    assert db.one("SELECT due FROM tasks") == {"due": None}


def test_a_feature_table_refers_to_documents(ledger):
    ledger.ensure(TASKS)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.ForeignKeyViolation)):
        ledger.store.insert("INSERT INTO tasks (document_id) VALUES (?)", (12345,))


# -- who made a change (history.actor) -------------------------------------------------------------------------------


def test_history_names_who_made_each_change(ledger):
    r = reg(ledger, 1)
    ledger.set_status(r.id, "reviewed")
    ledger.set_status(r.id, "routed", "改送综合科", actor="wangli", department="综合科")
    ledger.note(r.id, "已电话告知承办人", actor="cli:zhang")
    ledger.note(r.id, "检索库稍后补入")
    assert [(h["status"], h["note"], h["actor"]) for h in ledger.history(r.id)] == [
        ("registered", "签收于电子公文收件箱", "batch"), ("reviewed", None, "batch"), ("routed", "改送综合科", "wangli"),
        ("routed", "已电话告知承办人", "cli:zhang"), ("routed", "检索库稍后补入", "batch")]


def test_history_written_before_actors_has_none(tmp_path):
    from pipelines.ledger import MIGRATIONS

    path = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:4]) + "; PRAGMA user_version = 4;")
    conn.execute("INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path, status)"
                 " VALUES (2026, 1, '收〔2026〕1号', ?, 'fax', 'a.tif', ?, 'x', 'registered')", (DAY, "a" * 64))
    conn.execute("INSERT INTO history(document_id, status, at, note) VALUES (1, 'registered', ?, '签收于fax收件箱')", (DAY,))
    conn.commit()
    conn.close()
    ledger = SQLiteLedger(path)
    assert ledger.history(1) == [{"status": "registered", "at": DAY, "note": "签收于fax收件箱", "actor": None}]
    ledger.set_status(1, "reviewed", actor="wangli")
    assert ledger.history(1)[-1]["actor"] == "wangli"
    ledger.close()


# -- moving a whole ledger carries the features' tables ---------------------------------------------------------------


def test_migrate_carries_every_feature_the_source_applied(tmp_path, postgres_url):
    from pipelines.migrate import MigrationRefused, migrate

    source = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    r = reg(source, 1)
    source.ensure(ACCOUNTS_2)
    source.ensure(TASKS)
    for name in ("wangli", "zhangmin", "liuyang"):
        source.store.insert("INSERT INTO accounts (username, created_at, score) VALUES (?, ?, ?)", (name, DAY, 0.5))
    source.store.execute("DELETE FROM accounts WHERE username = ?", ("zhangmin",))  # ids 1 and 3 stay
    source.store.insert("INSERT INTO tasks (document_id, note, due) VALUES (?, ?, ?)", (r.id, "承办", DAY))
    target = open_ledger(postgres_url, tmp_path)
    said = []
    copied = migrate(source, target, say=said.append)
    assert copied.counts == {"documents": 1, "history": 1, "sequences": 1, "same_document": 0, "accounts": 2, "tasks": 1}
    assert "  复制功能表 accounts：2/2" in said
    assert target.applied_features() == {"accounts": 2, "tasks": 1}
    assert target.store.query("SELECT id, username, active FROM accounts ORDER BY id") == [
        {"id": 1, "username": "wangli", "active": 1}, {"id": 3, "username": "liuyang", "active": 1}]
    assert target.store.insert("INSERT INTO accounts (username, created_at) VALUES (?, ?)", ("new", DAY)) == 4
    assert target.store.one("SELECT document_id, note FROM tasks") == {"document_id": r.id, "note": "承办"}
    target.close()
    source.store.execute("INSERT INTO feature_versions (name, version) VALUES (?, ?)", ("ghost", 1))
    with pytest.raises(MigrationRefused, match="源登记簿中有功能“ghost”的表（第 1 步），本程序不认识"):
        migrate(source, open_ledger(_fresh(tmp_path), tmp_path))
    source.close()


def _fresh(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


def test_every_feature_the_code_defines_is_known_to_migrate_and_rebuild():
    """A Feature(...) defined in a module missing from features.MODULES would be dropped by `shouwen migrate`
    (it refuses) — found here by reading the source, not by trusting the list."""
    import re
    from pathlib import Path

    from pipelines.ledger import features

    root = Path(__file__).resolve().parents[3]
    defining = set()
    for path in [*(root / "pipelines").rglob("*.py"), *(root / "web").rglob("*.py")]:
        if path.parent.name == "ledger" and path.parent.parent.name == "pipelines":
            continue  # the ledger's own (schema.LEDGER) and the examples in its docstrings
        if re.search(r"^\w+ = Feature\(\"", path.read_text(encoding="utf-8"), flags=re.M):
            defining.add(".".join(path.relative_to(root).with_suffix("").parts))
    assert defining, "no module defines a feature: the scan is broken"
    assert defining <= set(features.MODULES), f"not in features.MODULES: {sorted(defining - set(features.MODULES))}"
