"""Every state change is compare-and-set (issue 9, item 8): 改办, 重发, 撤回 and the batch's own steps check the
state they expect in the same transaction, and refuse in Chinese when someone else changed it. Raced for real:
threads with their own connections on one real SQLite ledger, released together by a barrier."""
from __future__ import annotations

import shutil
import threading

import pytest

from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.dataroot import prepare
from pipelines.disposition import resend_return as resend
from pipelines.disposition import withdraw_return as withdraw
from pipelines.intake import receive
from pipelines.ledger import SQLiteLedger
from pipelines.office import Office

from .. import builder
from ..pipelines.test_batch import SAMPLES

NOTICE = SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


def test_a_change_based_on_a_stale_version_is_refused(tmp_path):
    from pipelines.ledger import LedgerConflict

    first, second = SQLiteLedger(tmp_path / "ledger.sqlite3"), SQLiteLedger(tmp_path / "ledger.sqlite3")
    reg = first.register(sha256="a" * 64, file="a.pdf", channel="edoc", archive_path="archive/a.pdf")
    seen = second.get(reg.id)
    first.set_status(reg.id, "reviewed", "初审：通过", expect_version=seen["version"])
    with pytest.raises(LedgerConflict, match="刚被他人办理"):
        second.set_status(reg.id, "routed", "分办", expect_version=seen["version"], department="文秘科")
    with pytest.raises(LedgerConflict):
        second.set_status(reg.id, "indexed", "入检索", expect_status=("routed",))
    row = first.get(reg.id)
    assert (row["status"], row["department"], row["version"]) == ("reviewed", None, seen["version"] + 1)


def test_route_on_a_document_the_batch_has_not_finished_is_refused_and_the_batch_keeps_its_routing(tmp_path, capsys):
    root = tmp_path / "office"
    prepare(root)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    ledger = Office.open(root).ledger
    registration = receive(root, ledger, "edoc", root / "inbox" / "edoc" / "通知.docx")  # registered, not yet reviewed
    assert main(["route", registration.number, "综合科", "--root", str(root)]) == 2
    assert "本件正在初审，稍后再改办" in capsys.readouterr().err
    run_batch(root)
    row = ledger.get(registration.id)
    assert row["status"] == "indexed" and row["department"] != "综合科" and row["route_source"] != "clerk"
    assert main(["route", registration.number, "综合科", "--root", str(root)]) == 0  # once finished, it may be corrected
    assert ledger.get(registration.id)["department"] == "综合科"


def _race(*calls):
    """Run the calls at the same moment in threads; (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_resend_racing_withdraw_never_leaves_a_returned_document_indexed(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    for n in range(3):  # 宋体 body: returned (GB/T 9704-2012 7.3.3 wants 仿宋)
        spec = builder.conformant_notice(body_font="宋体", doc_number=f"筑教发〔2026〕{70 + n}号",
                                         title=f"贵阳市教育局关于第{n + 1}批校园绿化工作的通知")
        builder.write_docx(spec, root / "inbox" / "edoc" / f"退{n}.docx")
    run_batch(root)
    office = Office.open(root)
    returned = [r for r in office.ledger.rows() if r["status"] == "returned"]
    assert len(returned) == 3

    def clerk(command, *args):  # each clerk's own office (ledger and index connections), opened in its thread
        with Office.open(root) as own:
            return command(own, *args)

    for row in returned:
        results, errors = _race(lambda: clerk(resend, dict(row)), lambda: clerk(withdraw, dict(row), "复核后撤回"))
        assert sum(e is None for e in errors) == 1, errors  # exactly one of them happened
        assert all(e is None or type(e).__name__ == "LedgerConflict" for e in errors)
        final = office.ledger.get(row["id"])
        office.drop_index()  # read the index as it is now
        in_index = row["id"] in office.index.ids()
        outbox = list((root / "outbox").rglob(f"{row['number']}-退文通知单*.docx"))
        if errors[0] is None:  # the resend won: still returned, a second notice, searchable only as a 退文
            assert (final["status"], final["return_state"]) == ("returned", "resent")
            as_accepted = [h.id for h in office.index.search(row["title"], status="indexed")]
            assert row["id"] not in as_accepted and (not in_index or row["id"] in [
                h.id for h in office.index.search(row["title"], status="returned")])
            assert len(outbox) == 2
        else:  # the withdrawal won: indexed, no notice left in the outbox
            assert (final["status"], final["return_state"], in_index) == ("indexed", "withdrawn", True)
            assert outbox == []


def test_two_clerks_routing_one_document_from_the_same_view_one_is_refused(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    path = root / "ledger.sqlite3"
    row = SQLiteLedger(path).rows()[0]  # what both clerks saw
    def correct(department):
        return SQLiteLedger(path).set_status(row["id"], "indexed", f"改送{department}", expect_version=row["version"],
                                 expect_status=("indexed",), department=department, route_source="clerk")

    _, errors = _race(lambda: correct("综合科"), lambda: correct("信访局"))
    assert sorted(type(e).__name__ for e in errors if e) == ["LedgerConflict"] and errors.count(None) == 1
    winner = ("综合科", "信访局")[errors.index(None)]
    assert SQLiteLedger(path).get(row["id"])["department"] == winner
