"""The mail inbox through the real batch: .eml files and maildir folders in inbox/mail/, one 收文 per message.

Messages are built with the standard library's email package around real documents from the builder; the
expected senders, dates, names and counts are written by hand from the messages built here.
"""
from __future__ import annotations

import hashlib
import json
import mailbox
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from pipelines.workers import kind_of

from .. import builder, scans

ROOT = Path(__file__).resolve().parents[2]
CST = timezone(timedelta(hours=8))
NOTICE = "筑教发〔2026〕12号关于做好2026年冬季学校安全工作的通知.docx"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("mailintake")
    return {
        "notice": builder.write_docx(builder.conformant_notice(), d / "n.docx").read_bytes(),
        "report": builder.write_docx(builder.conformant_report(), d / "r.docx").read_bytes(),
        "request": builder.write_named_font_pdf(builder.conformant_request(), d / "q.pdf", d / "fonts").read_bytes(),
    }


def message(*attachments, body="请查收。", sender="贵阳市教育局办公室 <bgs@gyjy.gov.cn>", subject="报送公文",
            day=20) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "swz@gy.gov.cn"
    m["Subject"] = subject
    m["Date"] = format_datetime(datetime(2026, 11, day, 9, 30, tzinfo=CST))
    m["Message-ID"] = f"<{hashlib.md5(subject.encode()).hexdigest()}-{day}@gyjy.gov.cn>"
    m.set_content(body)
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(m)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_an_eml_with_a_docx_and_two_annexes_is_one_document_with_its_attachments_listed(tmp_path, docs):
    office = tmp_path / "office"
    (office / "inbox" / "mail").mkdir(parents=True)
    eml = message((NOTICE, docs["notice"], DOCX),
                  ("附件1：学校安全隐患排查表.pdf", docs["request"], "application/pdf"),
                  ("附件2：开学工作情况.docx", docs["report"], DOCX))
    (office / "inbox" / "mail" / "报送公文.eml").write_bytes(eml)
    summary = run_batch(office)
    assert summary.received == 1
    rows = SQLiteLedger(office / "ledger.sqlite3").rows()
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "indexed" and row["channel"] == "mail"
    assert row["doc_number"] == "筑教发〔2026〕12号"
    assert row["title"] == "贵阳市教育局关于做好2026年冬季学校安全工作的通知"
    assert row["mail_from"] == "bgs@gyjy.gov.cn" and row["mail_from_name"] == "贵阳市教育局办公室"
    assert row["mail_date"] == "2026-11-20T09:30:00+08:00"
    listed = json.loads(row["mail_attachments"])
    assert [a["name"] for a in listed] == [NOTICE, "附件1：学校安全隐患排查表.pdf", "附件2：开学工作情况.docx"]
    assert [a["main"] for a in listed] == [True, False, False]
    # each attachment kept in the archive, content-addressed, byte for byte: the clerk can open it
    for entry, data in zip(listed, (docs["notice"], docs["request"], docs["report"])):
        kept = office / entry["archive_path"]
        assert kept.read_bytes() == data and kept.name.startswith(hashlib.sha256(data).hexdigest())
    # the message itself is the archived original
    assert (office / row["archive_path"]).read_bytes() == eml
    assert not (office / "inbox" / "mail" / "报送公文.eml").exists()
    # the clerk's ledger shows the sender and the attachments
    shown = _cli("ledger", "--root", office)
    assert shown.returncode == 0, shown.stderr
    assert "邮件 发件人 bgs@gyjy.gov.cn，公文附件 1 个，其他附件 2 个" in shown.stdout
    as_json = json.loads(_cli("ledger", "--root", office, "--json").stdout.splitlines()[0])
    assert as_json["mail_from"] == "bgs@gyjy.gov.cn" and len(as_json["mail_attachments"]) == 3


def test_a_maildir_with_two_messages_is_two_documents_taken_once(tmp_path, docs):
    office = tmp_path / "office"
    (office / "inbox" / "mail").mkdir(parents=True)
    box = mailbox.Maildir(office / "inbox" / "mail" / "gyjy", create=True)
    first = message((NOTICE, docs["notice"], DOCX), subject="安全工作通知", day=20)
    box.add(mailbox.MaildirMessage(first))
    second = mailbox.MaildirMessage(message(("筑教呈〔2026〕5号请示.pdf", docs["request"], "application/pdf"),
                                            subject="维修资金请示", day=21))
    second.set_subdir("cur")
    box.add(second)
    box.close()
    summary = run_batch(office)
    rows = SQLiteLedger(office / "ledger.sqlite3").rows()
    assert summary.received == 2 and len(rows) == 2
    assert sorted(r["mail_subject"] for r in rows) == ["安全工作通知", "维修资金请示"]
    assert sorted(r["doc_number"] for r in rows) == ["筑教发〔2026〕12号", "筑教呈〔2026〕5号"]
    assert all(r["file"].startswith("gyjy-") and r["file"].endswith(".eml") for r in rows)
    # taken out of the maildir into received/mail/; the maildir itself stays for the next delivery
    maildir = office / "inbox" / "mail" / "gyjy"
    assert not any(list((maildir / sub).iterdir()) for sub in ("new", "cur")) and (maildir / "tmp").is_dir()
    assert len(list((office / "received" / "mail").iterdir())) == 2
    assert not list((office / "quarantine").iterdir())  # the folder was not refused as a folder
    # the same message (byte for byte) delivered again: a duplicate, not a third 收文
    again = mailbox.Maildir(maildir, create=False)
    again.add(mailbox.MaildirMessage(first))
    again.close()
    summary = run_batch(office)
    assert (summary.received, summary.duplicates) == (0, 1)
    assert len(SQLiteLedger(office / "ledger.sqlite3").rows()) == 2


def test_a_message_with_no_document_is_registered_with_its_body_as_text(tmp_path):
    office = tmp_path / "office"
    (office / "inbox" / "mail").mkdir(parents=True)
    body = ("关于召开全市教育系统安全工作会议的通知\n各区（市、县）教育局：\n"
            "定于2026年11月25日上午9时在市教育局三楼会议室召开全市教育系统安全工作会议，请各单位分管负责同志参加。\n"
            "贵阳市教育局\n2026年11月20日")
    (office / "inbox" / "mail" / "会议通知.eml").write_bytes(message(body=body, subject="会议通知"))
    run_batch(office)
    (row,) = SQLiteLedger(office / "ledger.sqlite3").rows()
    assert row["mail_from"] == "bgs@gyjy.gov.cn" and row["mail_subject"] == "会议通知"
    assert json.loads(row["mail_attachments"]) == []
    assert row["format"] == "txt" and row["title"] == "关于召开全市教育系统安全工作会议的通知"
    assert row["status"] == "indexed"
    assert [h.number for h in open_index(office).search("三楼会议室")] == [row["number"]]
    shown = _cli("ledger", "--root", office)
    assert "公文为邮件正文，其他附件 0 个" in shown.stdout


def test_a_faxed_image_sent_by_mail_goes_to_the_ocr_worker(tmp_path, docs):
    pdf = builder.write_named_font_pdf(builder.conformant_notice(), tmp_path / "n.pdf", tmp_path / "fonts")
    tif = scans.save_tiff([scans.fax(p, 200, seed=2) for p in scans.render_pdf(pdf, 200)][:1], tmp_path / "f.tif")
    assert kind_of(message(("传真.tif", tif.read_bytes(), "image/tiff"))) == "ocr"
    assert kind_of(message((NOTICE, docs["notice"], DOCX))) == "text"


def test_a_message_whose_document_is_cut_off_is_quarantined_with_its_sender_and_attachments_kept(tmp_path, docs):
    office = tmp_path / "office"
    (office / "inbox" / "mail").mkdir(parents=True)
    cut = docs["notice"][: len(docs["notice"]) // 2]
    (office / "inbox" / "mail" / "断.eml").write_bytes(
        message((NOTICE, cut, DOCX), ("附件1：开学工作情况.docx", docs["report"], DOCX)))
    run_batch(office)
    (row,) = SQLiteLedger(office / "ledger.sqlite3").rows()
    assert row["status"] == "quarantined" and NOTICE in row["reason"]
    assert row["mail_from"] == "bgs@gyjy.gov.cn" and row["mail_date"] == "2026-11-20T09:30:00+08:00"
    listed = json.loads(row["mail_attachments"])
    assert [a["name"] for a in listed] == [NOTICE, "附件1：开学工作情况.docx"]
    assert (office / listed[1]["archive_path"]).read_bytes() == docs["report"]
