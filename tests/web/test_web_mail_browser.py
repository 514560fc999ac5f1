"""A mail document (邮件收文) on the web desk's document page, in a real browser (Debian's chromium through
Playwright, as test_web_browser.py) against `shouwen serve` over an office whose batch took in one message:

    From 贵阳市交通局办公室 <jtj_bgs@example.cn>, Date 2026-11-30 01:15 UTC (09:15 in Beijing, the office's time),
    subject 关于报送农村公路养护资金的函, an HTML-only body (with a <script> and a remote image), the 请示 as a
    docx attachment (the 公文, 2 pages: body and its 附件 page) and 附件1-路段清单.txt.

The clerk sees 发件人, 主题, 日期, the body as text and the attachments by name with a link each — not the raw
MIME text (headers, base64, boundaries) and not that text drawn as 12 "pages"; the original's pages are the
docx's. A department's staff who may not see the document get 404 for its attachment as for the document."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from .. import builder
from .test_web_browser import CHROMIUM, VIEWPORT, serving, shot

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is missing: scripts/setup.sh --dev")

PASSWORDS = {"wenmi": "文秘科的密码-2026", "keyan": "承办人员的密码-2026", "bangong": "办公室的密码-2026"}
SUBJECT = "关于报送农村公路养护资金的函"
ANNEX = "附件内容：养护路段清单（共 12 段）".encode()
MIME_WORDS = ("Content-Type", "Content-Transfer-Encoding", "boundary", "MIME-Version", "base64")


def _message(docx: bytes) -> bytes:
    m = EmailMessage()
    m["From"] = "贵阳市交通局办公室 <jtj_bgs@example.cn>"
    m["To"] = "swz@gy.gov.cn"
    m["Subject"] = SUBJECT
    m["Date"] = format_datetime(datetime(2026, 11, 30, 1, 15, tzinfo=timezone.utc))
    m.set_content("<html><body><p>各位领导：</p><p>请查收<b>附件</b>，妥否请示。<script>alert('mail')</script></p>"
                  "<img src='http://evil.example/track.png'></body></html>", subtype="html")
    m.add_attachment(docx, maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename="筑教呈〔2026〕5号-校舍维修请示.docx")
    m.add_attachment(ANNEX, maintype="text", subtype="plain", filename="附件1-路段清单.txt")
    return bytes(m)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from pipelines.accounts import Accounts
    from pipelines.batch import run_batch
    from pipelines.config import load
    from pipelines.office import Office

    made = tmp_path_factory.mktemp("browser-mail")
    root = made / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    docx = builder.write_docx(builder.conformant_request(), made / "请示.docx").read_bytes()
    (root / "inbox" / "mail" / "交通局来函.eml").write_bytes(_message(docx))
    config = load(root, environ={})
    run_batch(root, config=config)
    with Office.open(root, config, create=False) as office:
        row = next(r for r in office.ledger.rows() if r["file"] == "交通局来函.eml")
        accounts = Accounts.open(office)
        accounts.add("wenmi", "clerk", PASSWORDS["wenmi"], None)
        accounts.add("keyan", "staff", PASSWORDS["keyan"], row["department"])
        accounts.add("bangong", "staff", PASSWORDS["bangong"], "办公室" if row["department"] != "办公室" else "综合科")
    with serving(root) as base:
        yield base, row, docx


def _docx_pages(docx: bytes) -> int:
    import tempfile

    import pypdfium2

    from extractors.convert import convert_files

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "请示.docx"
        source.write_bytes(docx)
        (pdf,) = convert_files([source], "pdf", Path(tmp) / "out")
        return len(pypdfium2.PdfDocument(pdf.read_bytes()))


def page_of(browser, base: str, username: str):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(300_000)  # a loaded machine: generous, never a reason to fail by itself
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_clerk_reads_a_mail_document_as_a_message_not_as_mime(server, browser):
    base, row, docx = server
    assert row["status"] == "indexed" and row["channel"] == "mail", row
    clerk = page_of(browser, base, "wenmi")
    clerk.goto(f"/documents/{row['id']}")
    mail = clerk.locator("#mail")
    fields = dict(zip(mail.locator("table.kv th").all_inner_texts(), mail.locator("table.kv td").all_inner_texts()))
    assert fields["发件人"] == "贵阳市交通局办公室 <jtj_bgs@example.cn>"
    assert fields["主题"] == SUBJECT
    assert fields["日期"] == "2026-11-30 09:15"  # 01:15 UTC in Asia/Shanghai
    body = mail.locator("pre.mail-body").inner_text()
    assert "各位领导：" in body and "请查收附件，妥否请示。" in body
    assert "alert" not in body and "<" not in body and "evil.example" not in body  # the HTML as text, sanitized
    names = mail.locator("ul.mail-attachments a").all_inner_texts()
    assert names == ["筑教呈〔2026〕5号-校舍维修请示.docx", "附件1-路段清单.txt"]
    text = clerk.inner_text("main")
    assert not any(word in text for word in MIME_WORDS), [w for w in MIME_WORDS if w in text]
    pages = _docx_pages(docx)  # the attachment converted here on its own, as LibreOffice lays it out
    assert f"原件（{pages} 页）" in text  # the docx's pages, not the message's MIME text drawn as pages
    clerk.wait_for_selector("#page-1 img")
    assert clerk.locator("section.original figure.page").count() == pages
    mail.scroll_into_view_if_needed()
    shot(clerk, "document-mail-wenmi")
    with clerk.expect_download() as caught:
        mail.locator("ul.mail-attachments a", has_text="附件1-路段清单.txt").click()
    assert Path(caught.value.path()).read_bytes() == ANNEX
    assert caught.value.suggested_filename == f"{row['number']}-附件1-路段清单.txt"
    first = clerk.request.get(f"{base}/documents/{row['id']}/attachments/1")
    assert first.status == 200 and first.body() == docx
    assert clerk.request.get(f"{base}/documents/{row['id']}/attachments/3").status == 404
    clerk.context.close()


def test_an_attachment_is_filtered_as_the_original_is(server, browser):
    """The department's staff open the attachment of their document; another department's staff get 404 for
    it, as for the document itself (a URL typed by hand reveals nothing)."""
    base, row, docx = server
    own = page_of(browser, base, "keyan")
    own.goto(f"/documents/{row['id']}")
    assert own.locator("#mail ul.mail-attachments a").count() == 2
    assert own.request.get(f"{base}/documents/{row['id']}/attachments/1").body() == docx
    other = page_of(browser, base, "bangong")
    assert other.goto(f"/documents/{row['id']}").status == 404
    answer = other.request.get(f"{base}/documents/{row['id']}/attachments/2")
    assert answer.status == 404 and ANNEX not in answer.body()
    own.context.close()
    other.context.close()
