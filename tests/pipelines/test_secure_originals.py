"""Issue 19, points 3 and 9, on a real batch and a real desk.

3. The original of a classified or held document is kept under its 收文编号 only — no file anywhere in the data
   root outside .secure/ carries its revealing name (a mail named …机密-…高考试卷保密管理.eml) — and only the
   service account can read it: .secure/ is 0700, the original there, the archived copy and the mail's archived
   attachments 0400 (originals stay read-only), the registration record (which holds the name) 0600. A copy of
   it received again goes to .secure/ too, and the batch's summary does not name it.
9. A clerk's 改办 is remembered when the document later goes to the 机要室 and is released: it returns to the
   department the clerk chose, not the one the rules chose (and its original leaves .secure/ again).
"""
from __future__ import annotations

import email.message
import json
import os
import shutil
import stat

import pytest

from pipelines import desk
from pipelines.actors import Actor
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.ledger import SQLiteLedger
from pipelines.office import Office

from .. import builder
from ..pipelines.test_batch import SAMPLES

NAME = "转发：机密-2026年高考试卷保密管理.eml"
REVEALING = "高考试卷保密管理"
CONFIDENTIAL = Actor("li", "confidential")


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


def _classified_mail() -> bytes:
    m = email.message.EmailMessage()
    m["From"] = "市教育局办公室 <bgs@jyj.example>"
    m["To"] = "sw@gov.example"
    m["Subject"] = "转发：机密-2026年高考试卷保密管理"
    m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
    m.set_content("请查收。")
    text = builder.to_text(builder.conformant_notice(secrecy="机密★1年", title="关于2026年高考试卷保密管理的通知"))
    m.add_attachment(text.encode(), maintype="text", subtype="plain", filename="高考试卷保密管理.txt")
    return bytes(m)


MAIL = _classified_mail()  # once: each message made gets its own MIME boundary


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_classified_originals_name_is_nowhere_and_only_the_service_account_reads_it(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "mail" / NAME).write_bytes(MAIL)
    run_batch(root, config=load(root, environ={}))
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    (row,) = ledger.rows()
    assert (row["status"], row["department"], row["route_source"]) == ("routed", "机要室", "classified")
    named = [p for p in root.rglob("*") if REVEALING in p.name and ".secure" not in p.relative_to(root).parts]
    assert named == []
    secure = root / ".secure"
    kept = secure / f"{row['year']}-{row['seq']:06d}.eml"
    assert _mode(secure) == 0o700 and _mode(kept) == 0o400
    assert kept.read_bytes() == (root / row["archive_path"]).read_bytes() == MAIL
    assert _mode(root / row["archive_path"]) == 0o400
    assert _mode(root / "registrations" / str(row["year"]) / f"{row['seq']:06d}.json") == 0o600
    attachments = [a for a in json.loads(row["mail_attachments"]) if a.get("archive_path")]
    assert attachments and all(_mode(root / a["archive_path"]) == 0o400 for a in attachments)

    (root / "inbox" / "mail" / NAME).write_bytes(MAIL)  # the same message again
    summary = run_batch(root, config=load(root, environ={}))
    assert summary.duplicates == 1 and not any(REVEALING in line for line in summary.lines())
    copies = sorted(p.name for p in secure.iterdir())
    assert len(copies) == 2 and kept.name in copies
    assert [c for c in copies if c != kept.name][0].startswith(f"{row['year']}-{row['seq']:06d}-重复")
    assert all(_mode(secure / c) == 0o400 for c in copies)
    assert [p for p in root.rglob("*") if REVEALING in p.name and ".secure" not in p.relative_to(root).parts] == []


def test_an_open_documents_original_stays_in_received(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    name = "筑教呈2026-5号-校舍维修资金请示.pdf"
    shutil.copy(SAMPLES / "edoc" / name, root / "inbox" / "edoc" / name)
    run_batch(root, config=load(root, environ={}))
    (row,) = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert (root / "received" / "edoc" / f"{row['year']}-{row['seq']:06d}-{name}").is_file()
    assert not (root / ".secure").exists()


def test_a_clerks_reroute_survives_a_trip_to_the_confidential_office_and_back(tmp_path):
    """The 函 matches no rule (the rules send it to the 办公室); the clerk sends it to 综合科, later to the 机要室
    by mistake (the 机要员 sends it); the 机要员 releases it: back to 综合科, as the clerk's route."""
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    name = "筑交函2026-21号-农村公路养护资金.ofd"
    shutil.copy(SAMPLES / "edoc" / name, root / "inbox" / "edoc" / name)
    run_batch(root, config=load(root, environ={}))
    with Office.open(root, load(root, environ={}), create=False) as office:
        (row,) = office.ledger.rows()
        assert row["department"] == "办公室"
        desk.route(office, row["number"], "综合科", "与综合科职责相关")
        desk.route(office, row["number"], "机要室", actor=CONFIDENTIAL)  # 转机要室: the 机要员's decision
        assert office.ledger.get(row["id"])["department"] == "机要室"
        received = root / "received" / "edoc" / f"{row['year']}-{row['seq']:06d}-{name}"
        assert not received.exists() and _mode(root / ".secure" / f"{row['year']}-{row['seq']:06d}.ofd") == 0o400
        released = desk.release(office, row["number"], "误转机要室", actor=CONFIDENTIAL)
        after = office.ledger.get(row["id"])
    assert released.outcome.department == "综合科"
    assert (after["status"], after["department"], after["route_source"]) == ("indexed", "综合科", "clerk")
    assert after["route_reason"] == "与综合科职责相关"
    # open after all: its original is back where every open document's is, readable as theirs
    assert received.is_file() and list((root / ".secure").iterdir()) == []
    assert _mode(root / after["archive_path"]) == 0o444


def test_a_copy_of_an_open_file_named_secret_is_secured_its_name_hidden_and_held_for_the_jiyaoyuan(tmp_path):
    """The secrecy decision before the duplicate's (found by a fresh user): an empty 空文件.docx is quarantined;
    the same (empty) bytes then come as 秘密-….pdf. The copy goes to .secure/ (0400), not received/; its name is in
    no batch line, history line (the clerk would read it in the first file's history) or file name outside
    .secure/; and the registration, on which nobody has acted yet, is held for the 机要员 — out of the clerk's
    隔离区 and ledger, in the 机要员's — who releases it back to the 隔离区 (an empty file is not classified)."""
    secret = "秘密-筑教发2026-99号-招生考试命题安排.pdf"
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    (inbox / "空文件.docx").write_bytes(b"")
    run_batch(root, config=load(root, environ={}))
    (first,) = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert first["status"] == "quarantined"
    (inbox / secret).write_bytes(b"")
    summary = run_batch(root, config=load(root, environ={}))
    assert summary.duplicates == 1
    assert not any("招生考试" in line for line in summary.lines()), summary.lines()
    outside = [p for p in root.rglob("*") if "招生考试" in p.name and ".secure" not in p.relative_to(root).parts]
    assert outside == []
    copies = [p for p in (root / ".secure").iterdir() if "-重复" in p.name]
    assert len(copies) == 1 and copies[0].suffix == ".pdf" and _mode(copies[0]) == 0o400
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    assert not any("招生考试" in (h["note"] or "") for h in ledger.history(first["id"]))
    row = ledger.get(first["id"])
    assert row["status"] == "held" and "文件名标有“秘密”" in row["reason"]
    clerk = Actor("wang", "clerk")
    with Office.open(root, load(root, environ={}), create=False) as office:
        assert desk.quarantine(office, actor=clerk) == []
        assert [e.row["number"] for e in desk.ledger_entries(office, actor=clerk)] == []
        assert [e.row["number"] for e in desk.ledger_entries(office, actor=CONFIDENTIAL)] == [first["number"]]
        queue = desk.queue(office, "机要室", actor=CONFIDENTIAL)
        assert [r.row["number"] for r in queue.rows] == [first["number"]] and queue.total == 1
        desk.release(office, first["number"], "核定：空文件，非涉密", actor=CONFIDENTIAL)
        assert office.ledger.get(first["id"])["status"] == "quarantined"
        assert [r["number"] for r in desk.quarantine(office, actor=clerk)] == [first["number"]]


def test_a_file_named_secret_still_arriving_is_not_named_in_the_batch_output():
    """仍在传入 and 未收 lines say no name that says a 密级 (secrecy.name_shown); an open name is said as before."""
    from pipelines.summary import Summary

    summary = Summary()
    summary.arriving.append(("edoc", "秘密-筑教发2026-99号-招生考试命题安排.pdf", "PDF 文件尚不完整"))
    summary.arriving.append(("edoc", "请示.pdf", "PDF 文件尚不完整"))
    summary.left.append(("edoc", "~$机密★1年 布防图.docx", "编辑器的临时文件"))
    lines = "\n".join(summary.lines())
    assert "招生考试" not in lines and "布防图" not in lines and "仍在传入 edoc/请示.pdf" in lines
    assert "仍在传入 edoc/（文件名标有密级，不予显示）" in lines
