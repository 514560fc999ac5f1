"""Each registration's journal (pipelines/ledger/journal.py) and `shouwen rebuild-ledger` restoring everything
from it (issue 19, point 8): version links, the classified document's title, issuer and 发文字号 for the 机要员,
route reasons, the whole history, the withdrawn notice's path; a linked document is not reviewed again; and
what cannot be restored is said in Chinese. A real batch on real files (docx, text), the real CLI; expected
values by hand from what each file is and what the clerk did."""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.ledger import Feature, LedgerConflict, SQLiteLedger, open_ledger
from pipelines.ledger.journal import journal_path, read

from ... import builder
from ...cli_accounts import confidential_env
from ...pipelines.test_batch import SAMPLES
from ...processes import in_processes

DAY = "2026-03-02T09:30:00+08:00"


def lines(root: Path, year: int, seq: int) -> list[dict]:
    return [json.loads(line) for line in journal_path(root / "registrations", year, seq).read_text("utf-8").splitlines()]


def reg(ledger, n: int):
    return ledger.register(sha256=f"{n:064x}", file=f"来文{n}.pdf", channel="edoc", archive_path=f"archive/{n}",
                           received_at=DAY)


# -- the journal itself ---------------------------------------------------------------------------------------------


def test_every_committed_change_is_a_line_beside_its_registration(tmp_path):
    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    first, second = reg(ledger, 1), reg(ledger, 2)
    ledger.set_status(first.id, "reviewed", "初审：通过", title="关于冬季学校安全工作的通知", findings=[{"rule": "x"}],
                      pages=2)
    ledger.note(first.id, "已电话告知", actor="wangli")
    ledger.set_status(second.id, "linked", "同 收〔2026〕1号", linked_to=first.id, similarity=0.97)
    ledger.claim_same_document(first.id, "筑教发〔2026〕12号", "正文")
    assert lines(tmp_path, 2026, 1) == [
        {"op": "register", "at": DAY, "status": "registered", "note": "签收于电子公文收件箱", "actor": "batch", "version": 0,
         "row": {"id": first.id, "number": "收〔2026〕1号", "year": 2026, "seq": 1, "received_at": DAY, "channel": "edoc",
                 "file": "来文1.pdf", "file_raw": None, "sha256": f"{1:064x}", "archive_path": "archive/1"}},
        {"op": "status", "at": lines(tmp_path, 2026, 1)[1]["at"], "status": "reviewed", "note": "初审：通过",
         "actor": "batch", "version": 1, "fields": {"title": "关于冬季学校安全工作的通知", "findings": '[{"rule": "x"}]',
                                                    "pages": 2}, "refs": {}},
        {"op": "note", "at": lines(tmp_path, 2026, 1)[2]["at"], "status": "reviewed", "note": "已电话告知", "actor": "wangli"},
        {"op": "claim", "key": "筑教发〔2026〕12号", "body": "正文"}]
    assert lines(tmp_path, 2026, 2)[-1]["refs"] == {"linked_to": "收〔2026〕1号"}
    path = journal_path(tmp_path / "registrations", 2026, 1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the service account's only
    ledger.close()


def test_nothing_is_written_for_what_was_not_committed(tmp_path):
    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    notes = Feature("journal_notes", steps=("CREATE TABLE journal_notes (id {id}, body TEXT)",))
    ledger.ensure(notes)
    r = reg(ledger, 1)
    with pytest.raises(LedgerConflict):
        ledger.set_status(r.id, "indexed", expect_version=5)
    with pytest.raises(RuntimeError):
        with ledger.store.transaction():
            ledger.set_status(r.id, "reviewed", "初审")
            ledger.note(r.id, "备注")
            raise RuntimeError("rolled back")
    assert [e["op"] for e in lines(tmp_path, 2026, 1)] == ["register"]
    with ledger.store.transaction():
        ledger.set_status(r.id, "reviewed", "初审")
        assert [e["op"] for e in lines(tmp_path, 2026, 1)] == ["register"]  # not before the commit
        ledger.store.insert("INSERT INTO journal_notes (body) VALUES (?)", ("甲",))
    assert [e["op"] for e in lines(tmp_path, 2026, 1)] == ["register", "status"]
    ledger.close()


def test_only_where_a_rebuild_reads_it(tmp_path, postgres_url):
    plain = SQLiteLedger(tmp_path / "plain.sqlite3")  # opened by path (tests, tools): no journal
    reg(plain, 1)
    plain.close()
    on_pg = open_ledger(postgres_url, tmp_path / "pg")  # a PostgreSQL ledger: its own backups restore it
    reg(on_pg, 1)
    on_pg.close()
    assert not (tmp_path / "registrations").exists() and not (tmp_path / "pg" / "registrations").exists()


def test_a_torn_last_line_is_skipped_and_named(tmp_path):
    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    r = reg(ledger, 1)
    ledger.set_status(r.id, "reviewed")
    ledger.close()
    path = journal_path(tmp_path / "registrations", 2026, 1)
    with open(path, "ab") as out:
        out.write('{"op": "status", "status": "retur'.encode())  # killed in the middle of a write
    got = read(path)
    assert [e["op"] for e in got.entries] == ["register", "status"] and got.damaged == [3]


def _note_many(args):
    root, worker = args
    ledger = open_ledger("sqlite:///ledger.sqlite3", Path(root))
    for i in range(40):
        ledger.note(1, f"进程{worker}第{i}条" + "长" * 500)
    ledger.close()


def test_four_processes_appending_at_once_never_mix_their_lines(tmp_path):
    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    reg(ledger, 1)
    ledger.close()
    in_processes(_note_many, [(str(tmp_path), w) for w in range(4)])
    got = read(journal_path(tmp_path / "registrations", 2026, 1))
    assert got.damaged == [] and len(got.entries) == 1 + 160
    assert sorted(e["note"] for e in got.entries[1:]) == sorted(
        f"进程{w}第{i}条" + "长" * 500 for w in range(4) for i in range(40))


# -- rebuild-ledger from the journals --------------------------------------------------------------------------------

CLASSIFIED_TITLE = "贵阳市教育局关于黑颈鹤保护区试卷保密工作的通知"
CORRECTED = builder.conformant_notice(body=[
    "为切实做好今冬明春学校安全工作，现将有关事项补充通知如下。",
    "一、排查时限",
    "各单位须于2026年12月1日前完成全部校舍、食堂、宿舍的安全隐患排查整改，整改报告报市教育局备案。",
    "二、责任追究",
    "对排查不力、整改不到位造成安全事故的，依法依规追究有关单位和人员的责任。",
])


def _send(root: Path, name: str, write) -> None:
    folder = root / "inbox" / "edoc"
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / name)


def _snapshot(root: Path) -> dict:
    ledger = SQLiteLedger(root / "ledger.sqlite3", create=False)
    try:
        tables = ledger.export_tables()
        history = {}
        for h in tables["history"]:
            history.setdefault(h["document_id"], []).append((h["status"], h["at"], h["note"], h["actor"]))
        return {"documents": {r["number"]: r for r in tables["documents"]}, "history": history,
                "sequences": tables["sequences"],
                "claims": {c["document_id"]: (c["key"], c["body"]) for c in tables["same_document"]}}
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A data root after three batches and three clerk operations: a returned report withdrawn, a notice, the
    same notice again as text (同一来文), a corrected version (第2版), a 机密 notice (机要室), one with an unreadable
    密级 (held), one more notice sent by the clerk to 综合科 (改办, with a reason)."""
    import os as _os

    _os.environ["SHOUWEN_SETTLE_SECONDS"] = "0.1"
    root = tmp_path_factory.mktemp("journal") / "office"
    _send(root, "汇报.docx", lambda p: shutil.copy(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", p))
    _send(root, "通知.docx", lambda p: builder.write_docx(builder.conformant_notice(), p))
    _send(root, "机密-黑颈鹤.txt", lambda p: builder.write_text(builder.conformant_notice(
        title=CLASSIFIED_TITLE, doc_number="筑教发〔2026〕33号", secrecy="机密★1年"), p))
    _send(root, "白鹭.txt", lambda p: builder.write_text(builder.conformant_notice(
        title="贵阳市教育局关于白鹭保护工作的通知", doc_number="筑教发〔2026〕32号", secrecy="密级：▇▇"), p))
    _send(root, "灰鹤.txt", lambda p: builder.write_text(builder.conformant_notice(
        title="贵阳市教育局关于灰鹤保护工作的通知", doc_number="筑教发〔2026〕34号"), p))
    run_batch(root)
    _send(root, "通知-文本.txt", lambda p: builder.write_text(builder.conformant_notice(), p))
    run_batch(root)
    _send(root, "通知-更正.docx", lambda p: builder.write_docx(CORRECTED, p))
    run_batch(root)
    rows = {r["file"]: r for r in _snapshot(root)["documents"].values()}
    assert main(["withdraw", rows["汇报.docx"]["number"], "--root", str(root), "--reason", "经电话核实，来文单位已补正"]) == 0
    assert main(["route", rows["灰鹤.txt"]["number"], "综合科", "--root", str(root), "--reason", "来文单位来电要求"]) == 0
    return root


def test_the_office_is_what_the_test_needs(office):
    rows = {r["file"]: r for r in _snapshot(office)["documents"].values()}
    assert rows["汇报.docx"]["return_state"] == "withdrawn" and rows["汇报.docx"]["status"] == "indexed"
    assert rows["通知-文本.txt"]["status"] == "linked" and rows["通知-文本.txt"]["linked_to"] == rows["通知.docx"]["id"]
    assert (rows["通知-更正.docx"]["revision_of"], rows["通知-更正.docx"]["revision"]) == (rows["通知.docx"]["id"], 2)
    assert rows["机密-黑颈鹤.txt"]["route_source"] == "classified" and rows["机密-黑颈鹤.txt"]["title"] == CLASSIFIED_TITLE
    assert rows["白鹭.txt"]["status"] == "held"
    assert (rows["灰鹤.txt"]["department"], rows["灰鹤.txt"]["route_reason"]) == ("综合科", "来文单位来电要求")


def _rebuilt_copy(office: Path, tmp_path: Path) -> Path:
    root = tmp_path / "office"
    shutil.copytree(office, root, symlinks=True)
    for side in ("", "-wal", "-shm"):
        (root / f"ledger.sqlite3{side}").unlink(missing_ok=True)
    return root


def _as_confidential_clerk(root: Path, monkeypatch) -> None:
    """`ledger --confidential` needs a 机要员's account (issue 17 item 3); a rebuilt ledger has none (accounts live
    only in the ledger), so the test adds it again there."""
    env = confidential_env(root)
    for name in ("SHOUWEN_USER", "SHOUWEN_PASSWORD"):
        monkeypatch.setenv(name, env[name])


def test_rebuild_restores_every_column_and_the_whole_history(office, tmp_path, capsys, monkeypatch):
    before = _snapshot(office)
    capsys.readouterr()
    _as_confidential_clerk(office, monkeypatch)
    assert main(["ledger", "--root", str(office), "--confidential"]) == 0
    listing = capsys.readouterr().out
    for name in ("SHOUWEN_USER", "SHOUWEN_PASSWORD"):  # the rebuild is the operator's, on a root with no ledger
        monkeypatch.delenv(name)
    root = _rebuilt_copy(office, tmp_path)
    assert main(["rebuild-ledger", "--root", str(root)]) == 0
    said = capsys.readouterr().out
    after = _snapshot(root)
    assert sorted(after["documents"]) == sorted(before["documents"])
    for number, row in before["documents"].items():
        assert after["documents"][number] == row, number  # every column: links, 机要 title, reasons, return path
    for doc_id, history in before["history"].items():
        rebuilt = after["history"][doc_id]
        assert rebuilt[:-1] == history  # status, time, note and actor of every line, in order
        assert rebuilt[-1][2] == "登记簿重建：由登记日志恢复" and rebuilt[-1][3] == "rebuild"
    assert after["sequences"] == before["sequences"] and after["claims"] == before["claims"]
    assert "其中 7 件的状态、栏目和历史由登记日志恢复" in said
    assert said.splitlines()[-2:] == ["  原登记簿已不存在：若曾使用账户、承办督办等功能，这些功能表只存在于登记簿中，无法由档案恢复",
                                      "已登记而未办结的收文将由下一批重新初审"]
    _as_confidential_clerk(root, monkeypatch)
    assert main(["ledger", "--root", str(root), "--confidential"]) == 0
    assert capsys.readouterr().out == listing  # the 机要员's view: the classified title, issuer and number back
    run_batch(root)  # nothing is reviewed again: the linked copy stays linked, its history unchanged
    assert _snapshot(root)["history"] == after["history"]


def test_without_journals_what_is_lost_is_said_per_document(office, tmp_path, capsys):
    root = _rebuilt_copy(office, tmp_path)
    for path in (root / "registrations").glob("*/*.journal.jsonl"):
        path.unlink()
    rows = {r["file"]: r for r in _snapshot(office)["documents"].values()}
    capsys.readouterr()
    assert main(["rebuild-ledger", "--root", str(root)]) == 0
    said = capsys.readouterr().out
    linked = rows["通知-文本.txt"]["number"]
    assert (f"  {linked}：没有登记日志，状态由档案推断为“已登记”；初审意见、改办理由、版本和同一来文的关联、状态历史无法恢复"
            in said.splitlines())
    assert "其中 0 件的状态、栏目和历史由登记日志恢复" in said


def test_a_torn_journal_line_is_named_in_the_rebuild(office, tmp_path, capsys):
    root = _rebuilt_copy(office, tmp_path)
    rows = {r["file"]: r for r in _snapshot(office)["documents"].values()}
    held = rows["白鹭.txt"]
    path = journal_path(root / "registrations", held["year"], held["seq"])
    count = len(path.read_text("utf-8").splitlines())
    with open(path, "ab") as out:
        out.write(b'{"op": "status", "sta')
    capsys.readouterr()
    assert main(["rebuild-ledger", "--root", str(root)]) == 0
    said = capsys.readouterr().out
    assert f"  {held['number']}：登记日志第 {count + 1} 行不完整（写入时中断），已跳过，该行记录的改动无法恢复" in said.splitlines()
    assert _snapshot(root)["documents"][held["number"]]["status"] == "held"


def test_the_journal_of_a_classified_document_is_the_service_accounts_only(office):
    rows = {r["file"]: r for r in _snapshot(office)["documents"].values()}
    secret = rows["机密-黑颈鹤.txt"]
    path = journal_path(office / "registrations", secret["year"], secret["seq"])
    assert CLASSIFIED_TITLE in path.read_text("utf-8")  # it must be kept somewhere a rebuild reads …
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_uid == os.getuid()  # … by no one else
