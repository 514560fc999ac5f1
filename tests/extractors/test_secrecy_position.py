"""A 密级 mark is found where GB/T 9704-2012 7.2.2 puts it — the 版头 above the title, the 份号 line — and not at
any line start (issue 19 point 2): a 正文 line that happens to begin with 密级 (`密级，并由专人报送。`, a paragraph
wrapped there) kept an ordinary 通知 from its 退文 by holding it for the 机要员.

Real files through the real batch: a text (the line broken by hand, as a pasted mail keeps it) and a PDF typeset
by tests/builder.py whose first paragraph wraps so that its second line begins with 密级. Both notices carry a
发文字号 in square brackets (GB/T 9704-2012 7.2.4 wants 〔〕): the right outcome, by hand, is 退文 with a 退文通知单 in
the sender's outbox, not 待机要员核定.
"""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.secrecy import OPEN, find_mark, secrecy_decision
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from tests import builder

# 26 characters after the two-character indent fill the first line of a 28-character 版心 line (GB/T 9704 5.2.2)
FIRST = "各单位报送的材料如涉及国家秘密的，须在首页上方标明其"
WRAPPED = "密级，并由专人报送。"


def _notice() -> builder.Spec:
    spec = builder.conformant_notice(doc_number="筑公发[2026]41号")
    return builder.conformant_notice(doc_number="筑公发[2026]41号", body=[FIRST + WRAPPED] + list(spec.body))


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def test_a_body_line_beginning_with_miji_does_not_hold_an_ordinary_notice(tmp_path):
    root = tmp_path / "office"
    edoc = root / "inbox" / "edoc"
    edoc.mkdir(parents=True)
    text = builder.to_text(_notice()).replace(FIRST + WRAPPED, FIRST + "\n" + WRAPPED)
    (edoc / "通知.txt").write_text(text, encoding="utf-8")
    pdf = builder.write_named_font_pdf(_notice(), edoc / "通知.pdf", tmp_path / "fonts")
    lines = [ln.text.strip() for ln in extract(pdf.read_bytes(), "pdf").lines]
    assert any(ln.startswith("密级，并由专人报送") for ln in lines), lines[:12]  # the PDF wraps there
    for data, fmt in ((text.encode("utf-8"), "txt"), (pdf.read_bytes(), "pdf")):
        el = parse_elements(extract(data, fmt))
        assert el.title is not None and el.secrecy is None and el.secrecy_unreadable is None
        assert secrecy_decision(el).kind == OPEN
    run_batch(root)
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    for name in ("通知.txt", "通知.pdf"):
        row = rows[name]
        assert row["status"] == "returned" and row["department"] != "机要室", row
        assert (root / "outbox" / "贵阳市教育局" / f"{row['number']}-退文通知单.docx").is_file()


def test_a_mark_is_looked_for_above_the_title_not_below_it():
    """Lines as find_mark sees them: the same `机密★1年` is a mark above the title (line 1, after the 份号), and no
    mark after it (a line of the 正文)."""
    head = ["000123", "机密★1年", "贵阳市教育局文件", "筑教发〔2026〕12号", "贵阳市教育局关于做好冬季学校安全工作的通知",
            "各区（市、县）教育局：", "为做好学校安全工作，现将有关事项通知如下。"]
    mark = find_mark(head, title_line=4, body_start=6)
    assert (mark.kind, mark.level, mark.line) == ("classified", "机密", 1)
    below = head[:1] + head[2:6] + ["机密★1年"] + head[6:]
    assert find_mark(below, title_line=3, body_start=5) is None
    # no title found (a page's navigation first): line order, up to the first title-like line
    nav = [f"导航栏目{i}" for i in range(35)] + head[1:]
    assert find_mark(nav, title_line=None).line == 35
    assert find_mark([f"导航栏目{i}" for i in range(35)] + head[2:5] + ["机密★1年"], title_line=None) is None
