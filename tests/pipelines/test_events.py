"""What happened to a document, said once (pipelines/events.py), heard by a subscriber on a real batch and a real
desk: ROUTED with the department the rules chose, REROUTED by a clerk's 改办, CLASSIFIED for a 机密 document
(never ROUTED), RETURNED for a 退文. A subscriber that raises never undoes the state change: the error is noted
in the document's history and, for an idempotent one, the next batch delivers it again."""
from __future__ import annotations

import shutil

import pytest

from pipelines import desk, events
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.ledger import SQLiteLedger
from pipelines.office import Office

from .. import builder
from ..pipelines.test_batch import SAMPLES

REQUEST = "筑教呈2026-5号-校舍维修资金请示.pdf"  # a 请示: the rules send it to 文秘科
REPORT = "筑教呈2026-7号-上半年工作汇报.docx"  # breaks GB/T 9704: returned
SECRET = "蛟龙.docx"


@pytest.fixture
def heard(monkeypatch):
    """Every event as (event, number, department, actor), for the length of one test."""
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")
    got: list[tuple] = []
    handlers = {}
    for event in events.EVENTS:
        def handler(office, row, department, actor, _event=event, **extra):
            got.append((_event, row["number"], department, actor))
        handlers[event] = handler
        events.subscribe(event, handler)
    yield got
    for event, handler in handlers.items():
        events.unsubscribe(event, handler)


def _inbox(root, *names):
    (root / "inbox" / "edoc").mkdir(parents=True)
    for name in names:
        if name == SECRET:
            builder.write_docx(builder.conformant_notice(secrecy="机密★1年"), root / "inbox" / "edoc" / name)
        else:
            shutil.copy(SAMPLES / "edoc" / name, root / "inbox" / "edoc" / name)


def test_the_batch_says_routed_returned_and_classified_once_each(tmp_path, heard):
    root = tmp_path / "office"
    _inbox(root, REQUEST, REPORT, SECRET)
    run_batch(root, config=load(root, environ={}))
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    assert sorted(heard) == sorted([
        (events.ROUTED, rows[REQUEST]["number"], "文秘科", "batch"),
        (events.RETURNED, rows[REPORT]["number"], None, "batch"),
        (events.CLASSIFIED, rows[SECRET]["number"], "机要室", "batch"),
    ])


def test_a_clerks_reroute_is_said_with_the_clerk_as_actor(tmp_path, heard):
    root = tmp_path / "office"
    _inbox(root, REQUEST)
    run_batch(root, config=load(root, environ={}))
    heard.clear()
    with Office.open(root, load(root, environ={}), create=False) as office:
        number = office.ledger.rows()[0]["number"]
        desk.route(office, number, "综合科")
    ((event, said, department, actor),) = heard
    assert (event, said, department) == (events.REROUTED, number, "综合科") and actor.startswith("cli:")


def test_a_failing_subscriber_leaves_the_document_routed_and_is_retried_by_the_next_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")
    calls: list[str] = []

    def flaky(office, row, department, actor, **extra):
        calls.append(row["number"])
        if len(calls) == 1:
            raise RuntimeError("通知服务暂时不可用")

    events.subscribe(events.ROUTED, flaky, idempotent=True)
    try:
        root = tmp_path / "office"
        _inbox(root, REQUEST)
        run_batch(root, config=load(root, environ={}))
        ledger = SQLiteLedger(root / "ledger.sqlite3")
        (row,) = ledger.rows()
        assert row["status"] == "indexed" and row["department"] == "文秘科"  # the state change stands
        notes = [h["note"] for h in ledger.history(row["id"])]
        assert any("后续处理出错" in n and "通知服务暂时不可用" in n and "下批重试" in n for n in notes)
        assert len(list((root / "events").glob("*.json"))) == 1
        run_batch(root, config=load(root, environ={}))  # nothing new arrives: the kept delivery is made again
        assert calls == [row["number"], row["number"]]
        assert list((root / "events").glob("*.json")) == []
    finally:
        events.unsubscribe(events.ROUTED, flaky)


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError):
        events.subscribe("delivered_by_pigeon", lambda *a, **k: None)
