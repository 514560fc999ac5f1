"""The office mailbox as a channel (issue 20): a real IMAP server (Debian's dovecot, its own instance on loopback,
implicit TLS with a throw-away certificate: tests/mailservers.py) and a real SMTP server (aiosmtpd) that
delivers into the same dovecot's mailboxes.

A mail with a non-conformant 公文 attached is put into the office's INBOX over IMAP; the batch fetches it (once:
UIDVALIDITY + UID), moves it to the processed folder (never deletes it), registers and returns it, and the reply
with the numbered notice arrives in the sender's own mailbox, read back over IMAP; a clerk's 重发 and 撤回 arrive
there too. A mailbox that cannot be reached is one Chinese line and the batch goes on.
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime

import pytest

from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office

from ... import mailservers
from ...pipelines.returns.test_return_delivery import (  # noqa: F401
    ORIGINAL_ID,
    PASSWORD,
    REPORT_DOCX,
    SENDER,
    TITLE,
    _attachments,
    _mail_in,
    _office_toml,
)

USERS = {"office": "office-pw-1", "bgs": "bgs-pw-2"}  # the office's mailbox; the sender's (bgs@gyjy.example.cn)

pytestmark = pytest.mark.skipif(not os.path.exists(mailservers.DOVECOT),
                                reason="dovecot-imapd not installed (scripts/setup.sh --dev)")


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return mailservers.make_certificate(tmp_path_factory.mktemp("cert"))


def _imap_toml(imap_port: int, cert, processed: str = "已收文") -> str:
    return (f'\n[imap]\nhost = "127.0.0.1"\nport = {imap_port}\nsecurity = "tls"\nusername = "office"\n'
            f'password = "{USERS["office"]}"\nfolder = "INBOX"\nprocessed_folder = "{processed}"\n'
            f'ca_file = "{cert.cert}"\ntimeout = 120\n')


def _the_mail(tmp_path) -> bytes:
    _mail_in(tmp_path / "build")
    return (tmp_path / "build" / "inbox" / "mail" / "汇报.eml").read_bytes()


def test_a_mail_in_the_mailbox_is_fetched_once_returned_and_the_reply_arrives_in_the_sender_s_mailbox(tmp_path, cert):
    from pipelines import desk
    from pipelines.actors import Actor
    from pipelines.returns.store import mailbox_tables

    root = tmp_path / "office"
    with mailservers.ImapServer(cert, USERS) as imap, \
            mailservers.SmtpServer(cert, "starttls", users={"shouwen": PASSWORD}, deliver_to=imap.deliver) as smtp:
        imap.append("office", "INBOX", _the_mail(tmp_path))
        _office_toml(root, cert, smtp.port)
        with open(root / "shouwen.toml", "a", encoding="utf-8") as fh:
            fh.write(_imap_toml(imap.port, cert))
        summary = run_batch(root, config=load(root))
        lines = summary.lines()
        assert summary.received == 1 and summary.count("returned") == 1
        assert any(f"邮箱 127.0.0.1:{imap.port}/INBOX 收取邮件 1 封" in line for line in lines), lines
        assert imap.messages("office", "INBOX") == [], "moved out of the folder it came to"
        kept = imap.messages("office", "已收文")
        assert [m["Message-ID"].strip() for m in kept] == [ORIGINAL_ID], "kept in the processed folder, never deleted"
        # the reply, read back from the sender's own mailbox
        [reply] = imap.messages("bgs")
        assert reply["In-Reply-To"] == ORIGINAL_ID and reply["Subject"] == f"退文通知：{TITLE}"
        year = datetime.now().astimezone().year
        assert sorted(_attachments(reply)) == [f"测退〔{year}〕001号-退文通知单.docx", f"测退〔{year}〕001号-退文通知单.pdf"]

        again = run_batch(root, config=load(root))  # nothing new in the mailbox: nothing taken twice
        assert again.received == 0
        with Office.open(root, load(root)) as office:
            assert len(office.ledger.rows()) == 1
            taken = mailbox_tables(office).query("SELECT uid, settled, file FROM mailbox_messages")
            assert [(r["settled"], r["file"].endswith(".eml")) for r in taken] == [(1, True)]
            row = next(r for r in office.ledger.rows() if r["status"] == "returned")
            assert row["channel"] == "mail" and row["mail_from"] == SENDER
            clerk = Actor("wangfang", "clerk", display="王芳")
            desk.resend(office, row["number"], actor=clerk)
            desk.withdraw(office, row["number"], "经电话核实，来文单位已补正", actor=clerk)
        subjects = [m["Subject"] for m in imap.messages("bgs")]
        assert subjects == [f"退文通知：{TITLE}", f"退文通知（第1次重发）：{TITLE}", f"撤回退文通知：{TITLE}"]
        assert all(m["In-Reply-To"] == ORIGINAL_ID for m in imap.messages("bgs"))
        assert len(smtp.messages) == 3


def test_flagged_instead_of_moved_where_no_processed_folder_is_configured(tmp_path, cert):
    root = tmp_path / "office"
    with mailservers.ImapServer(cert, USERS) as imap:
        imap.append("office", "INBOX", _the_mail(tmp_path))
        _office_toml(root, cert, mailservers.free_port())
        with open(root / "shouwen.toml", "a", encoding="utf-8") as fh:
            fh.write(_imap_toml(imap.port, cert, processed=""))
        assert run_batch(root, config=load(root)).received == 1
        assert run_batch(root, config=load(root)).received == 0
        client = imap.connect("office")
        try:
            client.select("INBOX", readonly=True)
            typ, found = client.uid("SEARCH", None, "KEYWORD", "$ShouwenTaken")
            assert len(found[0].split()) == 1, "still there, flagged as taken"
            typ, unseen = client.uid("SEARCH", None, "UNSEEN")
            assert len(unseen[0].split()) == 1, "fetched with PEEK: still unread for the office's people"
        finally:
            client.logout()


def test_a_mailbox_that_cannot_be_reached_is_one_chinese_line_and_the_batch_goes_on(tmp_path, cert):
    root = tmp_path / "office"
    port = mailservers.free_port()
    _office_toml(root, cert, mailservers.free_port())
    with open(root / "shouwen.toml", "a", encoding="utf-8") as fh:
        fh.write(_imap_toml(port, cert))
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(REPORT_DOCX, root / "inbox" / "edoc" / "汇报.docx")
    summary = run_batch(root, config=load(root))
    assert summary.received == 1 and summary.count("returned") == 1
    lines = [line for line in summary.lines() if "邮箱" in line]
    assert lines == [f"  邮箱 127.0.0.1:{port}/INBOX 未能收取：服务器拒绝连接（服务未启动或端口不对）（本批未收邮件，下批再试）"]
    assert USERS["office"] not in "\n".join(summary.lines())
