"""A file whose content does not match its extension (扩展名与内容不符): a .pdf that is plain text is reviewed as
text and the report and the document's history say so; a .pdf of random bytes goes to quarantine with a Chinese
reason that names what the name claimed. The report keeps to its schema: the note is one of its `notes`, its
`format` the one detected from the content."""
from __future__ import annotations

import random

import jsonschema
import pytest

from extractors.detect import extension_mismatch
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office
from pipelines.review import review_bytes

NOTICE = "贵阳市教育局关于做好冬季学校安全工作的通知\n各县（市、区）教育局：\n请做好冬季学校安全工作。\n贵阳市教育局\n2026年11月20日\n"


@pytest.mark.parametrize("name, fmt, said", [
    ("通知.pdf", "txt", "文件扩展名为 .pdf，但内容不是 PDF（实为纯文本）"),
    ("通知.PDF", "txt", "文件扩展名为 .PDF，但内容不是 PDF（实为纯文本）"),
    ("通知.docx", "pdf", "文件扩展名为 .docx，但内容不是 Word 文档（docx）（实为 PDF）"),
    ("来函.pdf", "eml", "文件扩展名为 .pdf，但内容不是 PDF（实为电子邮件（eml））"),
    ("通知.pdf", "pdf", None),
    ("照片.jpg", "jpeg", None),
    ("通知.wps", "doc", None),  # WPS 文字 saves in the doc container
    ("1772410500.M1P1.mailhost", "eml", None),  # a maildir message: no registered extension, nothing claimed
    ("通知", "txt", None),
])
def test_what_the_extension_claims_against_what_the_content_is(name, fmt, said):
    assert extension_mismatch(name, fmt) == said


def test_a_text_named_pdf_is_reviewed_as_text_and_the_report_says_so(report_schema):
    report = review_bytes(NOTICE.encode("utf-8"), "筑教发2026-12号.pdf", "edoc")
    jsonschema.validate(report, report_schema)
    assert report["format"] == "txt"
    assert report["notes"][0] == "文件扩展名为 .pdf，但内容不是 PDF（实为纯文本）"


def test_the_batch_notes_a_text_named_pdf_and_quarantines_random_bytes_named_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0")
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    (inbox / "冬季安全通知.pdf").write_text(NOTICE, encoding="utf-8")
    noise = random.Random(9704).randbytes(4096)
    (inbox / "乱码.pdf").write_bytes(noise)
    config = load(root, environ={})
    run_batch(root, config=config)
    with Office.open(root, config, create=False) as office:
        rows = {r["file"]: r for r in office.ledger.rows()}
        text = rows["冬季安全通知.pdf"]
        assert text["format"] == "txt" and text["status"] != "quarantined", text
        notes = [h.get("note") or "" for h in office.ledger.history(text["id"])]
        assert "文件扩展名为 .pdf，但内容不是 PDF（实为纯文本）" in notes, notes
        junk = rows["乱码.pdf"]
        assert junk["status"] == "quarantined", junk
        assert junk["reason"].startswith("文件扩展名为 .pdf，但内容不是 PDF：无法识别的文件格式"), junk["reason"]
