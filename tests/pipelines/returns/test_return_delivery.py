"""退文通知 delivered by mail and recorded (issue 20), against a real SMTP server started on loopback
(aiosmtpd, tests/mailservers.py) with STARTTLS or implicit TLS, a certificate verified and an account.

A mail with a non-conformant 公文 attached comes in; the batch returns it and the 退文通知单 goes back as a reply
(In-Reply-To the original's Message-ID, subject 退文通知：…, the notice as docx and PDF); the message is read
back from the server. An outage leaves it 发送失败, retried after its back-off by a later batch and delivered
once. A clerk's 重发 and 撤回 arrive at once. What is expected is written by hand from the messages and the
configuration built here.
"""
from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import docx
import pytest

from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office

from ... import mailservers
from ...pipelines.test_batch import SAMPLES

CST = timezone(timedelta(hours=8))
REPORT_DOCX = SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx"  # 汇报, 筑教呈[2026]第07号 …: a 退文
TITLE = "贵阳市教育局关于2026年上半年工作情况的汇报"
ORIGINAL_ID = "<bs-2026-07@gyjy.example.cn>"
SENDER = "bgs@gyjy.example.cn"
PASSWORD = "s3cret-Never-Shown"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return mailservers.make_certificate(tmp_path_factory.mktemp("cert"))


def _office_toml(root: Path, cert, port: int, security: str = "starttls", extra: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "shouwen.toml").write_text(f"""
[office]
name = "测试市人民政府办公室"
contact = "秘书二科 王芳"
phone = "0851-87654321"

[returns]
number_format = "测退〔{{year}}〕{{n:03d}}号"
address = "测试市政府路8号"
postcode = "550002"
retry_seconds = 60
retry_max_seconds = 3600
{extra}
[smtp]
host = "127.0.0.1"
port = {port}
security = "{security}"
username = "shouwen"
password = "{PASSWORD}"
from_address = "shouwen@cs.example.cn"
from_name = "测试市人民政府办公室"
ca_file = "{cert.cert}"
timeout = 120
""", encoding="utf-8")


def _mail_in(root: Path) -> None:
    m = EmailMessage()
    m["From"] = f"贵阳市教育局办公室 <{SENDER}>"
    m["To"] = "swz@cs.example.cn"
    m["Subject"] = "报送上半年工作汇报"
    m["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=CST))
    m["Message-ID"] = ORIGINAL_ID
    m.set_content("请审阅。")
    m.add_attachment(REPORT_DOCX.read_bytes(), maintype="application",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="上半年工作汇报.docx")
    (root / "inbox" / "mail").mkdir(parents=True, exist_ok=True)
    (root / "inbox" / "mail" / "汇报.eml").write_bytes(bytes(m))


def _attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _returned(root: Path) -> tuple[Office, dict]:
    office = Office.open(root, load(root))
    row = next(r for r in office.ledger.rows() if r["status"] == "returned")
    return office, row


def test_a_returned_mail_is_answered_by_a_reply_with_the_numbered_notice_read_back_from_the_server(tmp_path, cert):
    from pipelines.returns.delivery import deliveries

    root = tmp_path / "office"
    with mailservers.SmtpServer(cert, "starttls", users={"shouwen": PASSWORD}) as smtp:
        _office_toml(root, cert, smtp.port)
        _mail_in(root)
        summary = run_batch(root, config=load(root))
        assert summary.count("returned") == 1
        assert any("退文通知送达：已发送 1 份" in line for line in summary.lines())
        assert len(smtp.messages) == 1
        message = smtp.messages[0]
        assert smtp.envelopes[0] == ("shouwen@cs.example.cn", [SENDER])
    assert message["In-Reply-To"] == ORIGINAL_ID and ORIGINAL_ID in message["References"]
    assert message["Subject"] == f"退文通知：{TITLE}"
    assert message["To"] == SENDER and "shouwen@cs.example.cn" in message["From"]
    assert message["Auto-Submitted"] == "auto-replied"
    year = datetime.now().astimezone().year
    number = f"测退〔{year}〕001号"  # the format's {n:03d}: the office's first notice this year
    files = _attachments(message)
    assert sorted(files) == [f"{number}-退文通知单.docx", f"{number}-退文通知单.pdf"]
    assert files[f"{number}-退文通知单.pdf"][:5] == b"%PDF-"
    text = _docx_text(files[f"{number}-退文通知单.docx"])
    for words in ("测试市人民政府办公室", "退文通知单", number, "贵阳市教育局：", TITLE,
                  "（联系人：秘书二科 王芳，联系电话：0851-87654321）", "地址：测试市政府路8号；邮编：550002"):
        assert words in text
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("贵阳市教育局：") and number in body and "测试市人民政府办公室" in body
    assert PASSWORD not in body and PASSWORD not in text

    office, row = _returned(root)
    with office:
        [d] = deliveries(office)
        assert (d.state, d.channel, d.attempts, d.recipient) == ("sent", "reply", 1, SENDER)
        assert d.message_id == message["Message-ID"].strip() and d.last_answer.startswith("250 ")
        notes = [(h["note"], h.get("actor")) for h in office.ledger.history(row["id"])]
    assert (f"退文通知单{number}待发送：回复来件 {SENDER}", "batch") in notes
    sent = [n for n, _ in notes if n.startswith(f"退文通知单{number}已发送至 {SENDER}（第 1 次；服务器答复：250 ")]
    assert len(sent) == 1


def test_an_outage_leaves_the_notice_failed_and_a_later_batch_delivers_it_once(tmp_path, cert, monkeypatch):
    from pipelines.returns import delivery
    from pipelines.returns.delivery import deliveries

    root = tmp_path / "office"
    port = mailservers.free_port()  # nothing listens there yet: the server is down
    _office_toml(root, cert, port, security="tls")
    _mail_in(root)
    first = run_batch(root, config=load(root))
    assert first.count("returned") == 1, "the outage does not hold up intake"
    assert any("发送失败 1 份（1 份将自动重试）" in line for line in first.lines())
    office, row = _returned(root)
    with office:
        [d] = deliveries(office)
        assert (d.state, d.attempts) == ("failed", 1)
        assert "拒绝连接" in d.last_answer and f"127.0.0.1:{port}" in d.last_answer
        assert d.next_attempt_at is not None
    with mailservers.SmtpServer(cert, "tls", port=port, users={"shouwen": PASSWORD}) as smtp:
        run_batch(root, config=load(root))  # within the back-off (60 s): not tried again
        assert smtp.messages == []
        later = delivery.utc_now() + timedelta(seconds=61)
        monkeypatch.setattr(delivery, "utc_now", lambda: later)
        second = run_batch(root, config=load(root))
        assert any("退文通知送达：已发送 1 份" in line for line in second.lines()), second.lines()
        run_batch(root, config=load(root))  # and never again
        assert len(smtp.messages) == 1
        assert smtp.messages[0]["In-Reply-To"] == ORIGINAL_ID
    with Office.open(root, load(root)) as office:
        [d] = deliveries(office)
        assert (d.state, d.attempts) == ("sent", 2)
        notes = [h["note"] for h in office.ledger.history(row["id"])]
    failed = [n for n in notes if "发送失败（第 1 次）" in n]
    assert len(failed) == 1 and "约 1 分钟后由下一批重试" in failed[0]
    assert sum(1 for n in notes if "已发送至" in n and "（第 2 次；" in n) == 1
    assert not any(PASSWORD in n for n in notes)


def test_a_clerk_s_resend_and_withdrawal_arrive_at_once(tmp_path, cert):
    from pipelines import desk
    from pipelines.actors import Actor

    root = tmp_path / "office"
    clerk = Actor("wangfang", "clerk", display="王芳")
    with mailservers.SmtpServer(cert, "tls", users={"shouwen": PASSWORD}) as smtp:
        _office_toml(root, cert, smtp.port, security="tls")
        _mail_in(root)
        run_batch(root, config=load(root))
        assert len(smtp.messages) == 1
        office, row = _returned(root)
        with office:
            desk.resend(office, row["number"], actor=clerk)
            assert len(smtp.messages) == 2, "sent at once, not at the next batch"
            desk.withdraw(office, row["number"], "经电话核实，来文单位已补正", actor=clerk)
            assert len(smtp.messages) == 3
            notes = [(h["note"], h.get("actor")) for h in office.ledger.history(row["id"])]
    year = datetime.now().astimezone().year
    resent, withdrawn = smtp.messages[1], smtp.messages[2]
    assert resent["Subject"] == f"退文通知（第1次重发）：{TITLE}" and resent["In-Reply-To"] == ORIGINAL_ID
    assert sorted(_attachments(resent)) == [f"测退〔{year}〕002号-退文通知单（第1次重发）.docx",
                                            f"测退〔{year}〕002号-退文通知单（第1次重发）.pdf"]
    text = _docx_text(_attachments(resent)[f"测退〔{year}〕002号-退文通知单（第1次重发）.docx"])
    assert f"本通知系重发，原通知为测退〔{year}〕001号" in text
    assert withdrawn["Subject"] == f"撤回退文通知：{TITLE}"
    text = _docx_text(_attachments(withdrawn)[f"测退〔{year}〕003号-撤回退文通知.docx"])
    assert f"我办以测退〔{year}〕001号" in text and f"测退〔{year}〕002号" in text
    assert "经复核，经电话核实，来文单位已补正。" in text and "原通知作废" in text
    sent = [(n[:40], a) for n, a in notes if "已发送至" in n]
    assert [a for _, a in sent] == ["batch", "wangfang", "wangfang"]


def test_other_channels_use_the_address_book_or_wait_for_the_clerk(tmp_path, cert, capsys):
    from pipelines.cli import main
    from pipelines.returns.delivery import deliveries

    root = tmp_path / "office"
    with mailservers.SmtpServer(cert, "starttls", users={"shouwen": PASSWORD}) as smtp:
        _office_toml(root, cert, smtp.port, extra='[returns.addresses]\n"贵阳市教育局" = ["jyj@gyjy.example.cn"]\n')
        (root / "inbox" / "edoc").mkdir(parents=True)
        shutil.copy(REPORT_DOCX, root / "inbox" / "edoc" / "汇报.docx")
        run_batch(root, config=load(root))
        assert [m["To"] for m in smtp.messages] == ["jyj@gyjy.example.cn"]
        assert smtp.messages[0]["In-Reply-To"] is None and smtp.messages[0]["Auto-Submitted"] == "auto-generated"
    # no address for the sender: 待送达, listed for the clerk, who records how it went
    other = tmp_path / "other"
    _office_toml(other, cert, mailservers.free_port())
    (other / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(REPORT_DOCX, other / "inbox" / "edoc" / "汇报.docx")
    run_batch(other, config=load(other))
    with Office.open(other, load(other)) as office:
        [d] = deliveries(office)
        assert (d.state, d.channel, d.attempts) == ("manual", "manual", 0)
    capsys.readouterr()
    year = datetime.now().astimezone().year
    assert main(["returns", "--root", str(other)]) == 0
    out = capsys.readouterr().out
    assert "待送达" in out and f"测退〔{year}〕001号" in out and "公文交换" in out
    assert main(["returns", "--root", str(other), "--delivered", f"测退〔{year}〕001号", "--how", "传真"]) == 0
    with Office.open(other, load(other)) as office:
        [d] = deliveries(office)
        assert d.state == "delivered"
    assert PASSWORD not in out


def test_back_off_doubles_up_to_its_bound():
    from types import SimpleNamespace

    from pipelines.returns.delivery import backoff

    settings = SimpleNamespace(retry_seconds=300, retry_max_seconds=3000)
    assert [backoff(settings, n) for n in (1, 2, 3, 4, 5)] == [300, 600, 1200, 2400, 3000]


def test_the_password_is_never_printed_by_shouwen_config(tmp_path, cert, capsys):
    from pipelines.cli import main

    root = tmp_path / "office"
    _office_toml(root, cert, 2525)
    assert main(["config", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "smtp.host" in out and "127.0.0.1" in out and "shouwen@cs.example.cn" in out
    assert PASSWORD not in out


def test_a_number_format_without_its_sequence_is_refused_in_chinese(tmp_path):
    from pipelines.config import ConfigError

    (tmp_path / "shouwen.toml").write_text('[returns]\nnumber_format = "退〔{year}〕号"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"returns.*number_format.*应含序号 \{n\}"):
        load(tmp_path, environ={})


def test_send_reply_is_one_call_for_other_parts_and_asked_twice_sends_once(tmp_path, cert):
    from pipelines.returns import send_reply

    root = tmp_path / "office"
    answer = tmp_path / "答复意见.txt"
    answer.write_text("已转市教育局办理。", encoding="utf-8")
    with mailservers.SmtpServer(cert, "tls", users={"shouwen": PASSWORD}) as smtp:
        _office_toml(root, cert, smtp.port, security="tls")
        with Office.open(root, load(root)) as office:
            letter = {"id": None, "issuer": None, "title": "关于小区路灯的来信"}  # not in the 登记簿: no history
            first = send_reply(office, letter, "答复：关于小区路灯的来信", "您好，来信已收悉。", [answer], "letters",
                               to="citizen@example.cn")
            again = send_reply(office, letter, "答复：关于小区路灯的来信", "您好，来信已收悉。", [answer], "letters",
                               to="citizen@example.cn")
        assert (first.state, first.attempts) == ("sent", 1)
        assert (again.id, again.state, again.attempts) == (first.id, "sent", 1)
        [message] = smtp.messages
    assert message["To"] == "citizen@example.cn" and message["Subject"] == "答复：关于小区路灯的来信"
    assert _attachments(message) == {"答复意见.txt": "已转市教育局办理。"}


def test_the_clerk_retries_a_failed_notice_through_the_desk_and_other_roles_are_offered_nothing(tmp_path, cert):
    """立即重试发送 (the document page's button and `returns --retry` call desk.retry_delivery): a notice whose
    sending failed during an outage is sent at once when the clerk asks, without waiting for the back-off; the
    page offers the clerk 标记为已人工送达 and 立即重试发送 for it, a leader (who may read, not act) nothing, and
    a leader's call is refused."""
    from pipelines import desk
    from pipelines.actors import Actor
    from pipelines.desk.documents import return_delivery
    from pipelines.returns.delivery import deliveries
    from pipelines.returns.issue import notice

    clerk, leader = Actor("wenmi", "clerk"), Actor("lingdao", "leader")
    root = tmp_path / "office"
    port = mailservers.free_port()  # nothing listens there yet: the server is down
    _office_toml(root, cert, port, security="tls")
    _mail_in(root)
    run_batch(root, config=load(root))
    office, row = _returned(root)
    with office:
        [d] = deliveries(office)
        assert d.state == "failed"
        number = notice(office, d.notice_id).number
        [shown] = return_delivery(office, row, clerk)
        assert shown["number"] == number and shown["state"] == "发送失败"
        assert shown["actions"] == [("delivered", "标记为已人工送达"), ("retry", "立即重试发送")]
        assert return_delivery(office, row, leader)[0]["actions"] == []
        with pytest.raises(desk.DeskRefusal) as refused:
            desk.retry_delivery(office, number, actor=leader)
        assert refused.value.code == "forbidden"
        with pytest.raises(desk.DeskRefusal) as refused:
            desk.retry_delivery(office, "退〔1999〕9号", actor=clerk)
        assert refused.value.code == "not_found"
        with mailservers.SmtpServer(cert, "tls", port=port, users={"shouwen": PASSWORD}) as smtp:
            done = desk.retry_delivery(office, number, actor=clerk)  # within the back-off: sent all the same
            assert len(smtp.messages) == 1 and smtp.messages[0]["In-Reply-To"] == ORIGINAL_ID
        assert done.state == "已发送" and [sent for sent, _ in done.attempts] == [True]
        assert done.attempts[0][1].startswith("250 ")
        assert return_delivery(office, row, clerk)[0]["actions"] == []  # sent: nothing left to do
        with pytest.raises(desk.DeskRefusal) as refused:
            desk.mark_delivered(office, number, "传真", actor=clerk)
        assert refused.value.code == "invalid" and "无需登记送达" in refused.value.message
