"""页数 is the original's real page count (页数与原件一致). A docx holds no pages, only paragraphs: the reader split
them at explicit page breaks only, so 收〔2026〕5号 of the samples (筑教呈2026-7号, whose 版记 — 联系人, 抄送,
印发机关和印发日期 — flows onto a second page) was "页数 1" beside "原件（2 页）", in the batch and in validate. The
count is now LibreOffice's layout, the one the 原件's page images are drawn from. Right values by hand, from the
files: 筑教呈2026-7号 has two pages (正文 and 落款 on page 1, the 版记 on page 2); 筑教发2026-12号 has three (正文,
落款 on page 2, then the 附件 and the 版记 on page 3). Both files' docProps/app.xml say <Pages>1</Pages> (left by
the template that wrote them), which is why the document's statistics are not used."""
from __future__ import annotations

import shutil

import pytest

from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from pipelines.review import review_path

from .test_batch import SAMPLES

REPORT = "筑教呈2026-7号-上半年工作汇报.docx"
NOTICE = "筑教发2026-12号-冬季学校安全工作通知.docx"
PAGES = {REPORT: 2, NOTICE: 3}  # by hand, from the files (see above)

needs_libreoffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                       reason="LibreOffice lays out a docx's pages")


@needs_libreoffice
@pytest.mark.parametrize("name", sorted(PAGES))
def test_validate_says_the_pages_the_original_has(name):
    assert review_path(SAMPLES / "edoc" / name, channel="edoc")["pages"] == PAGES[name]


@needs_libreoffice
def test_the_batch_records_the_pages_the_original_has(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(SAMPLES / "edoc" / REPORT, root / "inbox" / "edoc" / REPORT)
    run_batch(root)
    row = next(r for r in SQLiteLedger(root / "ledger.sqlite3").rows() if r["file"] == REPORT)
    assert row["pages"] == PAGES[REPORT], row
