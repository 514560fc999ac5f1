"""A mail whose 主件 is open but one of whose 附件 carries a 密级 mark (tryout2 F3): classified as a whole.

Real messages (the standard library's email package), real attachments (text, docx written by python-docx, a PDF
rendered by LibreOffice), the real batch and index. Expected values from the inputs: the 附件's first line is
`机密★1年`, so the mail goes to the 机要室 and nothing of it reaches search.
"""
from __future__ import annotations

import email.message
import shutil

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from pipelines.review import review_document
from pipelines.secrecy import index_decision

from .. import builder
from ..pipelines.test_batch import SAMPLES

REPORT = (SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt").read_text(encoding="utf-8")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def _mail(*annexes: tuple[str, bytes, str]) -> bytes:
    """A message: body "请查收。", 主件 开学工作报告.txt (the sample report, open), then `annexes` (name, bytes, mime)."""
    m = email.message.EmailMessage()
    m["From"] = "贵阳市教育局办公室 <bgs@jyj.example>"
    m["To"] = "sw@gov.example"
    m["Subject"] = "报送开学报告及有关材料"
    m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
    m.set_content("请查收。")
    m.add_attachment(REPORT.encode(), maintype="text", subtype="plain", filename="开学工作报告.txt")
    for name, data, mime in annexes:
        maintype, subtype = mime.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(m)


def _secret_text() -> bytes:
    return REPORT.replace("贵阳市教育局\n", "机密★1年\n\n贵阳市教育局\n", 1).replace("秋季学期开学工作情况", "蛟龙项目选址情况").encode()


def _decide(data: bytes):
    review = review_document(data, "x.eml", channel="mail")
    assert review.mail.main.name == "开学工作报告.txt", "the open report is the 主件; the others are 附件"
    return index_decision(review)


def test_a_classified_text_annex_sends_the_whole_mail_to_the_jiyao_room_and_out_of_search(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "mail" / "mixed.eml").write_bytes(_mail(("附件1.txt", _secret_text(), "text/plain")))
    shutil.copy(SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx", root / "inbox" / "edoc.docx")
    summary = run_batch(root)
    (row,) = [r for r in SQLiteLedger(root / "ledger.sqlite3").rows() if r["file"] == "mixed.eml"]
    assert (row["status"], row["department"]) == ("routed", "机要室")
    outcome, = [o for o in summary.outcomes if o.file == "mixed.eml"]
    assert outcome.confidential
    index = open_index(root)
    assert index.search("开学") == [] and index.search("蛟龙") == []
    assert not list((root / "outbox").rglob("*.docx")), "never returned"


def test_a_classified_docx_or_pdf_annex_is_read_and_an_open_or_unreadable_one_is_not(tmp_path):
    secret = builder.conformant_notice(secrecy="秘密★6个月", title="贵阳市教育局关于鹈鹕专项工作的通知")
    docx = builder.write_docx(secret, tmp_path / "密.docx").read_bytes()
    decision = _decide(_mail(("附件1.docx", docx, DOCX)))
    assert (decision.kind, decision.level) == ("classified", "秘密")

    from extractors.convert import convert_files

    pdf, = convert_files([tmp_path / "密.docx"], "pdf", tmp_path / "pdf")
    decision = _decide(_mail(("附件1.pdf", pdf.read_bytes(), "application/pdf")))
    assert (decision.kind, decision.level) == ("classified", "秘密")

    held = REPORT.replace("贵阳市教育局\n", "密级：▇▇\n\n贵阳市教育局\n", 1).encode()
    assert _decide(_mail(("附件1.txt", held, "text/plain"))).kind == "held"

    opened = builder.write_docx(builder.conformant_notice(), tmp_path / "普通.docx").read_bytes()
    assert _decide(_mail(("附件1.docx", opened, DOCX))).kind == "open"
    broken = docx[: len(docx) // 2]  # a cut zip: the 附件 cannot be read, the open 主件 decides
    assert _decide(_mail(("附件1.docx", broken, DOCX))).kind == "open"
    assert _decide(_mail()).kind == "open"
