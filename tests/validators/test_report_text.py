"""The report as the clerk reads it (validators.report.render_text): a Word document's 页数 is its count of explicit
page breaks and says so, since a docx holds paragraphs, not pages (the sample 工作汇报 has one page break fewer than
the two pages it lays out to: its 版记 flows onto page 2); a PDF's is its page tree's, said as a plain number."""
from __future__ import annotations

from pipelines.review import review_path
from validators.report import render_text

from ..pipelines.test_batch import SAMPLES


def test_a_word_documents_pages_are_said_as_counted_by_its_page_breaks():
    text = render_text(review_path(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", channel="edoc"))
    assert "页数：1（按分页符计，实际页数以排版为准）" in text


def test_a_pdfs_pages_are_a_plain_number():
    report = review_path(SAMPLES / "edoc" / "筑教呈2026-5号-校舍维修资金请示.pdf", channel="edoc")
    assert f"页数：{report['pages']}  渠道" in render_text(report)
    assert "分页符" not in render_text(report)
