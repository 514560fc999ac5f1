"""The mail channel: messages as Outlook, Foxmail, Coremail (163), QQ mail, Thunderbird and OA mailers send them.

tests/data/mail/*.eml are written by make_samples.py with each client's header shapes typed out by hand;
the right values below (names, subjects, senders, dates) are written by hand from those messages.
"""
from __future__ import annotations

import base64
import json
import mailbox
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jsonschema
import pytest

from extractors import detect_format, extract
from extractors.mail import choose_main, is_maildir, list_maildir, looks_like_message, read_message, unpack
from extractors.mail.parse import Attachment

from .. import builder

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "mail"
CST = timezone(timedelta(hours=8))
NOTICE = "筑教发〔2026〕12号关于做好2026年冬季学校安全工作的通知.docx"
REQUEST = "筑教呈〔2026〕5号关于申请校舍维修资金的请示.pdf"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("maildocs")
    return {
        "docx": builder.write_docx(builder.conformant_notice(), d / "n.docx").read_bytes(),
        "pdf": builder.write_named_font_pdf(builder.conformant_request(), d / "r.pdf", d / "fonts").read_bytes(),
    }


def message(docs, *attachments, body="请查收。", **headers) -> EmailMessage:
    """A message built with the standard library, as a well-behaved client writes it."""
    m = EmailMessage()
    m["From"] = headers.get("sender", "贵阳市教育局 <bgs@gyjy.gov.cn>")
    m["To"] = "swz@gy.gov.cn"
    m["Subject"] = headers.get("subject", "报送公文")
    m["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=CST))
    m.set_content(body)
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m


# ---------------------------------------------------------------------------------------------
# what real clients send


def test_outlook_gb2312_words_in_quotes_and_a_gbk_character_under_a_gb2312_label():
    mail = unpack(sample("outlook-gb2312.eml"))
    assert mail.sender.name == "贵阳市教育局办公室" and mail.sender.address == "bgs@gyjy.gov.cn"
    assert [(a.name, a.address) for a in mail.to] == [("市政府办公厅收文室", "swz@gy.gov.cn")]
    assert [a.address for a in mail.cc] == ["zhangjun@gyjy.gov.cn"]
    assert mail.subject == "关于做好2026年冬季学校安全工作的通知（联系人：张珺）"  # 珺: GBK, labelled gb2312
    assert mail.date == datetime(2026, 11, 20, 9, 30, 12, tzinfo=CST) and mail.date.tzinfo is not None
    assert mail.message_id == "<000001db3a5c$1f2e3d40$5d8cb7c0$@gyjy.gov.cn>"
    assert "现将《关于做好2026年冬季学校安全工作的通知》报送你们，请查收。" in mail.body_text  # text/plain, not the HTML
    assert [(a.name, a.format) for a in mail.attachments] == [("附件1：学校安全隐患排查表.pdf", "pdf"), (NOTICE, "docx")]
    # the 附件 comes first in the message; the 公文 is the one not named 附件
    assert mail.main.name == NOTICE and [a.name for a in mail.annexes] == ["附件1：学校安全隐患排查表.pdf"]
    fields = mail.ledger_fields()
    assert (fields["mail_from"], fields["mail_from_name"], fields["mail_date"]) == (
        "bgs@gyjy.gov.cn", "贵阳市教育局办公室", "2026-11-20T09:30:12+08:00")
    assert [a["name"] for a in json.loads(fields["mail_attachments"])] == ["附件1：学校安全隐患排查表.pdf", NOTICE]


def test_foxmail_gbk_words_cut_in_the_middle_of_a_character_are_joined():
    mail = unpack(sample("foxmail-gbk-split.eml"))
    assert mail.subject == "筑教呈〔2026〕5号关于申请校舍维修资金的请示"
    assert (mail.sender.name, mail.sender.address) == ("王丽", "wangli@gyjy.gov.cn")
    assert mail.date == datetime(2026, 11, 23, 15, 4, 33, tzinfo=CST)
    (only,) = mail.attachments
    assert only.name == REQUEST
    assert only.format == "pdf" and only.content_type == "application/octet-stream"  # from the bytes, not the type
    assert mail.main is only and mail.body_text.startswith("市政府：")


def test_coremail_163_utf8_names_and_the_large_attachment_link_is_noted():
    mail = unpack(sample("coremail-163-utf8.eml"))
    assert mail.subject == "转发：贵阳市教育局关于做好2026年冬季学校安全工作的通知"
    assert (mail.sender.name, mail.sender.address) == ("贵阳市教育局", "gyjy_bgs@163.com")
    assert mail.main.name == NOTICE and mail.main.format == "docx"
    assert any("超大附件" in n and "不联网" in n for n in mail.notes)


def test_qq_mail_inline_signature_image_is_body_not_a_document():
    mail = unpack(sample("qqmail-inline-image.eml"))
    assert mail.subject == "请示：申请校舍维修资金"
    assert (mail.sender.name, mail.sender.address) == ("王丽", "12345678@qq.com")
    assert [a.name for a in mail.attachments] == [REQUEST]  # logo.png (Content-ID, in multipart/related) is not one
    assert mail.main.format == "pdf"
    assert mail.body_text == "您好，请查收附件中的请示。\n\n贵阳市教育局 王丽"


def test_thunderbird_rfc2231_continuations():
    mail = unpack(sample("thunderbird-rfc2231.eml"))
    assert mail.attachments[0].name == REQUEST
    assert mail.subject == "请示（筑教呈〔2026〕5号）" and mail.body_text == "请审批。"


def test_oa_mailer_raw_gbk_bytes_in_subject_and_names_and_rfc2231_gb2312_with_gbk():
    mail = unpack(sample("oa-raw-gbk.eml"))
    assert mail.subject == "筑教发〔2026〕12号 关于做好冬季学校安全工作的通知"
    assert [a.name for a in mail.attachments] == ["筑教发〔2026〕12号.docx", "附件2：李堃等人员名单.pdf"]
    assert mail.main.name == "筑教发〔2026〕12号.docx" and mail.main.format == "docx"  # claimed application/msword
    assert mail.body_text == "此件由公文交换系统自动发送，请勿回复。"


def test_forwarded_message_attachments_count_and_the_forward_is_recorded():
    mail = unpack(sample("forwarded-rfc822.eml"))
    assert (mail.sender.name, mail.sender.address) == ("收文室 李明", "liming@gy.gov.cn")
    assert mail.body_text == "请办文科登记。"
    assert mail.main.name == NOTICE and mail.main.depth == 1
    (inner,) = mail.forwarded
    assert inner.sender.address == "bgs@gyjy.gov.cn" and inner.date == datetime(2026, 11, 20, 9, 30, 12, tzinfo=CST)
    assert [a.name for a in mail.annexes] == ["附件1：学校安全隐患排查表.pdf"]


def test_body_only_message_is_a_plain_text_document():
    mail, document = read_message(sample("body-only-gb2312-qp.eml"))
    assert mail.main.from_body and mail.main.format == "txt" and mail.attachments == []
    assert document.format == "txt"
    assert "贵阳市教育局关于2026年秋季学期开学工作情况的报告" in document.text()
    assert any("以邮件正文作为公文初审" in n for n in document.notes)


def test_html_only_body_keeps_its_lines():
    raw = ("From: a@b.cn\r\nMIME-Version: 1.0\r\nSubject: x\r\nContent-Type: text/html; charset=gbk\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(
        "<html><head><style>p{color:red}</style></head><body><div>市政府：</div><div>现报告如下。<br>一、基本情况</div>"
        "<script>alert(1)</script><p>特此报告。</p></body></html>".encode("gbk"))
    mail = unpack(raw)
    assert mail.body_text == "市政府：\n现报告如下。\n一、基本情况\n特此报告。"
    # Word-made HTML (Outlook) wraps lines in its source: a break between Chinese characters is nothing
    word_html = '<p class=MsoNormal>现将通知报送\r\n你们，请查收。</p>\r\n<p class=MsoNormal><span\r\nlang=EN-US>2026</span>年</p>'
    raw = b"From: a@b.cn\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + word_html.encode()
    assert unpack(raw).body_text == "现将通知报送你们，请查收。\n2026年"


def test_date_missing_comes_from_received_and_invalid_date_is_none():
    raw = (b"Received: from x by y; Tue, 24 Nov 2026 10:02:47 +0800\r\nFrom: a@b.cn\r\nDate: 31 Feb 2026 99:99\r\n"
           b"Subject: t\r\n\r\nbody text")
    mail = unpack(raw)
    assert mail.date == datetime(2026, 11, 24, 10, 2, 47, tzinfo=CST) and mail.date_source == "Received"
    mail = unpack(b"From: a@b.cn\r\nDate: -0000 garbage\r\nSubject: t\r\n\r\nbody text")
    assert mail.date is None


# ---------------------------------------------------------------------------------------------
# the main document (主件)


def _att(name, fmt, data=b"x"):
    return Attachment(name=name, format=fmt, data=data, content_type="application/octet-stream")


def test_main_document_rule():
    a1, main, img = _att("附件1.pdf", "pdf"), _att("通知.docx", "docx"), _att("照片.jpg", "jpeg")
    assert choose_main([a1, img, main]) is main  # e-document not named 附件 before an image
    assert choose_main([a1, img]) is img  # an image 公文 (scan) before an 附件
    b1, b2 = _att("附件一 名单.pdf", "pdf"), _att("附件2.docx", "docx")
    assert choose_main([b1, b2]) is b1  # all named 附件: the first in order
    assert choose_main([_att("数据.xlsx", None)]) is None
    assert choose_main([_att("名片.vcf", "txt", "BEGIN:VCARD\nFN:张三\nEND:VCARD".encode())]) is None
    assert choose_main([_att("通知-附件2.pdf", "pdf"), main]) is main
    broken = Attachment(name="通知.docx", format=None, data=b"PK", content_type="application/octet-stream",
                        problem="压缩包结构损坏")
    assert choose_main([img, broken, a1]) is broken  # the broken 公文 is reported, not the photo reviewed
    assert choose_main([broken, main]) is main


def test_no_document_attachment_takes_the_body(docs):
    m = message(docs, ("数据.xlsx", b"PK\x03\x04not really", "application/vnd.ms-excel"),
                body=builder.to_text(builder.conformant_report()))
    mail = unpack(bytes(m))
    assert mail.main.from_body and mail.main.format == "txt"
    assert mail.attachments[0].problem  # listed with its reason, not lost


def test_lying_content_types_are_ignored(docs):
    m = message(docs, ("扫描件.jpg", docs["pdf"], "image/jpeg"), ("说明.txt", docs["docx"], "text/plain"))
    mail = unpack(bytes(m))
    assert [a.format for a in mail.attachments] == ["pdf", "docx"]
    assert mail.main.name == "扫描件.jpg" and mail.main.format == "pdf"


def test_message_attached_as_a_plain_file_is_unpacked(docs):
    inner = message(docs, ("通知.docx", docs["docx"], "application/octet-stream"))
    outer = message(docs, ("原邮件.eml", bytes(inner), "application/octet-stream"), body="转发")
    mail = unpack(bytes(outer))
    assert mail.main.name == "通知.docx" and mail.main.depth == 1 and len(mail.forwarded) == 1


# ---------------------------------------------------------------------------------------------
# detection


def test_detected_from_content_not_name():
    data = sample("outlook-gb2312.eml")
    assert detect_format(data) == "eml"
    assert detect_format(b"From - Mon Nov 30 10:00:00 2026\r\n" + data) == "eml"  # saved from an mbox
    assert detect_format(b"\xef\xbb\xbf" + data) == "eml"
    # a text 公文, the real corpus's forwarded mail bodies, a text starting with one header-like line: text
    assert detect_format((ROOT / "tests/data/real/docs/d01-陆府通2019-2-转发邮件正文.txt").read_bytes()) == "txt"
    assert detect_format("关于做好冬季学校安全工作的通知\n各学校：\n".encode()) == "txt"
    assert not looks_like_message(b"Subject: only this\r\n\r\nand a body")
    assert not looks_like_message(b"Note: one\r\nTodo: two\r\n\r\n")


def test_extract_reads_the_main_document():
    document = extract(sample("outlook-gb2312.eml"))
    assert document.format == "docx" and "贵阳市教育局关于做好2026年冬季学校安全工作的通知" in document.text()
    assert document.notes[0].startswith("本件经邮件报送：发件人 贵阳市教育局办公室 <bgs@gyjy.gov.cn>，发送时间 2026-11-20 09:30（UTC+08:00）")


# ---------------------------------------------------------------------------------------------
# maildir


def test_maildir_lists_new_and_cur_and_skips_tmp_and_links(tmp_path, docs):
    box = mailbox.Maildir(tmp_path / "box", create=True)
    first = box.add(mailbox.MaildirMessage(bytes(message(docs, subject="一"))))
    second_msg = mailbox.MaildirMessage(bytes(message(docs, subject="二")))
    second_msg.set_subdir("cur")
    second_msg.set_flags("S")
    second = box.add(second_msg)
    (tmp_path / "box" / "tmp" / "123.writing").write_bytes(b"From: a@b\r\n")
    (tmp_path / "box" / "new" / "999.link").symlink_to("/etc/hostname")
    assert is_maildir(tmp_path / "box") and not is_maildir(tmp_path)
    found = list_maildir(tmp_path / "box")
    assert sorted(m.key for m in found) == sorted([first, second])
    assert {m.key: m.folder for m in found} == {first: "new", second: "cur"}
    assert sorted(unpack(m.read()).subject for m in found) == ["一", "二"]
    with pytest.raises(NotADirectoryError):
        list_maildir(tmp_path)


# ---------------------------------------------------------------------------------------------
# the review of a file (shouwen validate / extract)


def test_validate_a_message_reviews_its_main_document_and_reports_the_mail(report_schema):
    result = _cli("validate", "--format", "json", SAMPLES / "outlook-gb2312.eml", SAMPLES / "body-only-gb2312-qp.eml")
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    for report in (first, second):
        jsonschema.validate(report, report_schema)
        assert report["channel"] == "mail"
    assert first["format"] == "docx" and first["document"]["doc_number"] == "筑教发〔2026〕12号"
    assert first["mail"]["from"] == {"name": "贵阳市教育局办公室", "address": "bgs@gyjy.gov.cn"}
    assert first["mail"]["date"] == "2026-11-20T09:30:12+08:00"
    assert first["mail"]["main"]["name"] == NOTICE
    assert [a["name"] for a in first["mail"]["attachments"]] == ["附件1：学校安全隐患排查表.pdf", NOTICE]
    assert any("附件1：学校安全隐患排查表.pdf（PDF 文件" in n for n in first["notes"])
    assert second["format"] == "txt" and second["mail"]["main"]["from_body"] is True
    assert second["document"]["doc_number"] == "筑教呈〔2026〕6号"


def test_validate_text_report_says_it_came_by_mail():
    result = _cli("validate", SAMPLES / "foxmail-gbk-split.eml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "渠道：邮件" in result.stdout and "发件人 王丽 <wangli@gyjy.gov.cn>" in result.stdout
    assert f"初审对象为邮件附件“{REQUEST}”" in result.stdout


def test_apple_mail_attachment_inside_the_html_alternative(docs):
    name = base64.b64encode("请示".encode()).decode()
    raw = ("From: a@b.cn\r\nMIME-Version: 1.0\r\nSubject: apple\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n"
           "--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请查收\r\n"
           "--A\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n--M\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           "<p>请查收</p>\r\n--M\r\nContent-Disposition: inline; filename=\"=?UTF-8?B?" + name + "?=.pdf\"\r\n"
           "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(docs["pdf"]).decode() + "\r\n--M--\r\n--A--\r\n").encode()
    mail = unpack(raw)
    assert [(a.name, a.format) for a in mail.attachments] == [("请示.pdf", "pdf")]
    assert mail.body_text == "请查收"  # the text/plain alternative, once


def test_smime_signature_is_noted_not_listed():
    raw = ("From: a@b.cn\r\nMIME-Version: 1.0\r\nSubject: s\r\n"
           "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n"
           "--S\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文\r\n--S\r\n"
           "Content-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Disposition: attachment; filename=smime.p7s\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--S--\r\n").encode()
    mail = unpack(raw)
    assert mail.attachments == [] and mail.body_text == "正文"
    assert any("数字签名" in n for n in mail.notes)


def test_a_document_by_mail_gets_the_same_findings_as_the_file_itself(tmp_path):
    from pipelines.review import review_bytes

    bad = builder.write_docx(builder.conformant_request(signer=None, addressee="张市长："), tmp_path / "bad.docx").read_bytes()
    direct = review_bytes(bad, "bad.docx", channel="mail")
    by_mail = review_bytes(bytes(message(None, ("附件1.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                                         ("请示.docx", bad, "application/octet-stream"))), "m.eml")
    assert by_mail["channel"] == "mail" and by_mail["verdict"] == direct["verdict"] == "return"
    assert by_mail["findings"] == direct["findings"] and by_mail["document"] == direct["document"]
    assert {"element.signer", "drafting.no-personal-addressee"} <= {f["rule"] for f in by_mail["findings"]}
