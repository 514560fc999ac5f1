"""Hostile and broken mail: each ends with a Chinese reason (UnusableInput) or a listed problem, never a traceback."""
from __future__ import annotations

import base64
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from extractors import UnusableInput
from extractors.limits import MAX_MAIL_ATTACHMENTS, MAX_MAIL_FORWARD_DEPTH, MAX_MAIL_MIME_DEPTH
from extractors.mail import parse as unpack_module
from extractors.mail import read_message, unpack

from .. import builder

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "mail"
NOTICE = "筑教发〔2026〕12号关于做好2026年冬季学校安全工作的通知.docx"
CJK = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostilemail")
    return {
        "docx": builder.write_docx(builder.conformant_notice(), d / "n.docx").read_bytes(),
        "pdf": builder.write_named_font_pdf(builder.conformant_request(), d / "r.pdf", d / "fonts").read_bytes(),
    }


def message(*attachments, body="请查收。", subject="报送公文") -> EmailMessage:
    m = EmailMessage()
    m["From"] = "贵阳市教育局 <bgs@gyjy.gov.cn>"
    m["To"] = "swz@gy.gov.cn"
    m["Subject"] = subject
    m["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=8))))
    m.set_content(body)
    for name, data in attachments:
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m


def _reason(exc_info) -> str:
    reason = exc_info.value.reason
    assert CJK(reason), reason
    return reason


def test_message_bomb_nested_a_thousand_deep_is_refused_before_parsing():
    data = b"From: a@b.cn\r\nMIME-Version: 1.0\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * 1000 + b"hello"
    with pytest.raises(UnusableInput) as exc:
        unpack(data)
    assert exc.value.code == "hostile" and "邮件炸弹" in _reason(exc)


def test_forwards_deeper_than_the_bound_are_not_read(docs):
    inner = message(("通知.docx", docs["docx"]))
    for level in range(MAX_MAIL_FORWARD_DEPTH + 2):
        outer = message(body=f"第{level}层转发：关于做好冬季学校安全工作的通知，请查收并转各单位办理。")
        outer.add_attachment(inner)  # message/rfc822
        inner = outer
    mail = unpack(bytes(inner))
    assert mail.attachments == [] and mail.main.from_body  # the docx lies below the bound
    assert any(f"超过 {MAX_MAIL_FORWARD_DEPTH} 层" in n for n in mail.notes)


def test_multipart_nested_deeper_than_the_bound_is_cut(docs):
    body = b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.docx\r\n" \
           b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(docs["docx"])
    for level in range(MAX_MAIL_MIME_DEPTH + 5):
        b = b"b%d" % level
        body = b"Content-Type: multipart/mixed; boundary=" + b + b"\r\n\r\n--" + b + b"\r\n" + body + b"\r\n--" + b + b"--\r\n"
    data = b"From: a@b.cn\r\nMIME-Version: 1.0\r\nSubject: x\r\n" + body
    with pytest.raises(UnusableInput) as exc:  # nothing readable is left: no document, no body
        unpack(data)
    assert exc.value.code == "empty" and "正文也为空" in _reason(exc)


def test_a_thousand_attachments_are_refused():
    m = message(*[(f"附件{i}.txt", b"x") for i in range(1000)])
    with pytest.raises(UnusableInput) as exc:
        unpack(bytes(m))
    assert exc.value.code == "hostile" and f"附件超过 {MAX_MAIL_ATTACHMENTS} 个" in _reason(exc)


def test_main_document_cut_off_in_transfer_is_named_in_the_reason():
    data = (SAMPLES / "outlook-gb2312.eml").read_bytes()
    at = data.index(b"UEsDB")  # the docx's base64, the message's last part
    for cut in (at + 78 * 40, at + 78 * 40 + 37):  # after a line (76 characters and CRLF: no base64 defect), inside one
        mail = unpack(data[:cut])
        assert mail.main.name == NOTICE and mail.main.problem  # not the 附件 in its place
        assert mail.annexes[0].name == "附件1：学校安全隐患排查表.pdf" and mail.annexes[0].problem is None
        with pytest.raises(UnusableInput) as exc:
            read_message(data[:cut])
        assert NOTICE in _reason(exc)


def test_truncated_annex_keeps_the_main_document(docs):
    data = bytes(message((NOTICE, docs["docx"]), ("附件1.pdf", docs["pdf"])))
    cut = data.index(base64.b64encode(docs["pdf"][:57])) + 1000 + 2  # inside the PDF's base64, not at a quantum
    mail, document = read_message(data[:cut])
    assert mail.main.name == NOTICE and mail.main.problem is None
    (annex,) = mail.annexes
    assert annex.name == "附件1.pdf" and "截断" in annex.problem
    assert "贵阳市教育局关于做好2026年冬季学校安全工作的通知" in document.text()
    assert any("附件1.pdf（无法使用：" in n for n in document.notes)


def test_total_decoded_size_bound_with_a_small_bound(docs, monkeypatch):
    monkeypatch.setattr(unpack_module, "MAX_MAIL_DECODED_BYTES", len(docs["docx"]) + 1000)
    mail = unpack(bytes(message((NOTICE, docs["docx"]), ("附件1.pdf", docs["pdf"]))))
    assert mail.main.name == NOTICE and mail.main.problem is None
    assert "上限" in mail.annexes[0].problem and mail.annexes[0].data == b""


def test_message_larger_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(unpack_module, "MAX_MAIL_BYTES", 10_000)
    with pytest.raises(UnusableInput) as exc:
        unpack(b"From: a@b.cn\r\nSubject: x\r\n\r\n" + b"x" * 20_000)
    assert exc.value.code == "too-large" and "邮件过大" in _reason(exc)


def test_header_injection_and_path_names_are_neutralised(docs):
    evil = base64.b64encode("通知\r\nBcc: evil@example.com".encode()).decode()
    raw = (f"From: a@b.cn\r\nSubject: =?utf-8?b?{evil}?=\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
           "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(docs["docx"]).decode() +
           "\r\n--B\r\nContent-Type: application/octet-stream\r\n"
           "Content-Disposition: attachment; filename=\"C:\\\\Windows\\\\system32\\\\x.pdf\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(docs["pdf"]).decode() + "\r\n--B--\r\n").encode()
    mail = unpack(raw)
    assert mail.subject == "通知 Bcc: evil@example.com" and "\n" not in mail.subject
    assert [a.name for a in mail.attachments] == ["passwd", "x.pdf"]


def test_very_long_headers_are_cut():
    raw = b"From: a@b.cn\r\nSubject: " + "长".encode() * 2_000_000 + b"\r\nTo: " + b"x@y.cn, " * 100_000 + b"\r\n\r\nbody text"
    mail = unpack(raw)
    assert 0 < len(mail.subject) <= 1000 and mail.body_text == "body text"


def test_junk_bytes_and_unknown_charsets_never_raise_a_traceback():
    rng = random.Random(9704)
    for i in range(30):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(10, 4000)))
        data = b"From: a@b.cn\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=zlib\r\n\r\n" + junk
        if i % 3 == 1:
            data = b"From: a@b.cn\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\n" + junk
        if i % 3 == 2:
            data = b"From: \xff\xfe<\r\nSubject: \x81\x00\xfe\r\nContent-Type: text/html; charset=x-junk\r\n\r\n" + junk
        try:
            mail = unpack(data)
        except UnusableInput as exc:
            assert CJK(exc.reason)
        else:
            assert isinstance(mail.body_text, str)


def test_winmail_dat_is_named_for_what_it_is():
    mail = unpack(bytes(message(("winmail.dat", b"\x78\x9f\x3e\x22" + os.urandom(200)),
                                body=builder.to_text(builder.conformant_report()))))
    assert "winmail.dat" in mail.attachments[0].problem and mail.main.from_body


def test_forwarded_message_encoded_in_base64_against_the_rfc(docs):
    inner = bytes(message(("通知.docx", docs["docx"])))
    raw = (b"From: a@b.cn\r\nSubject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=F\r\n\r\n"
           b"--F\r\nContent-Type: text/plain\r\n\r\nfwd\r\n--F\r\nContent-Type: message/rfc822\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(inner) + b"\r\n--F--\r\n")
    mail = unpack(raw)
    assert mail.main.name == "通知.docx" and mail.main.format == "docx" and mail.main.depth == 1


def test_validate_a_truncated_message_exits_2_with_a_chinese_reason(tmp_path):
    data = (SAMPLES / "outlook-gb2312.eml").read_bytes()
    path = tmp_path / "半截邮件.eml"
    path.write_bytes(data[:data.index(b"UEsDB") + 5000])
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(path)], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 2, result.stdout + result.stderr
    assert NOTICE in result.stderr and "无法" in result.stderr and "Traceback" not in result.stderr


def test_mutated_real_shaped_messages_never_raise_a_traceback():
    rng = random.Random(2012)
    samples = [p.read_bytes() for p in sorted(SAMPLES.glob("*.eml"))]
    for _ in range(150):
        data = bytearray(rng.choice(samples))
        for _ in range(rng.randrange(1, 20)):
            pos = rng.randrange(min(len(data), 6000))
            op = rng.randrange(3)
            if op == 0:
                data[pos] = rng.randrange(256)
            elif op == 1:
                del data[pos:pos + rng.randrange(1, 50)]
            else:
                data[pos:pos] = rng.choice([b"=?", b"?=", b"\r\n", b";", b'"', b"*0*=", b"%", b"\xff\xfe", b"boundary=",
                                            b"--", b"\x00", b"<br>"])
        try:
            unpack(bytes(data))
        except UnusableInput as exc:
            assert CJK(exc.reason)


def test_html_body_with_control_characters():
    raw = b"From: a@b.cn\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>\x00\x01</div>\x02<p>\xe6\xad\xa3\xe6\x96\x87</p>"
    assert unpack(raw).body_text == "正文"
