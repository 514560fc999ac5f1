"""A 密级 mark that is a picture (issue 19 point 1, security): stamped or pasted in the 版头 of a docx, in the PDF
LibreOffice makes from it, in an OFD, and in a mail's image 附件 — read by the real OCR engine from page 1's
pictures above the title, and the document sent to the 机要室 (or held for the 机要员 where the picture cannot be
read with confidence), never indexed, never returned.

Everything real: the mark drawn by Pillow in FandolHei (3号黑体, GB/T 9704-2012 7.2.2), python-docx, the real
LibreOffice (extractors/convert.py), tests/ofd_builder.py, the real RapidOCR engine, the real batch, ledger and
search index. Expected values by hand: each marked document reads 机密 (the picture says 机密★1年); the smudged one
cannot be read with confidence (held); a centred picture of the issuer's name above the title, and a mark-like
picture among the 正文's paragraphs, leave an ordinary notice ordinary.
"""
from __future__ import annotations

import shutil

import pytest

from extractors import extract
from extractors.convert import convert_files, soffice_binary
from extractors.elements import parse_elements
from extractors.image_marks import UNSURE
from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from tests import builder
from tests import image_marks_builder as imb
from tests.ofd_builder import write_ofd

pytestmark = pytest.mark.skipif(not imb.HEI.is_file() or soffice_binary() is None,
                                reason="Fandol fonts or LibreOffice missing: run scripts/setup.sh")

# topic word in each title → how the document is marked
MARKED = {"鲲鹏甲": "inline.docx", "鲲鹏乙": "anchor.pdf", "鲲鹏丙": "header.docx", "鲲鹏丁": "inline.ofd",
          "鲲鹏戊": "inline.pdf"}


def _spec(word: str) -> builder.Spec:
    return builder.conformant_notice(title=f"贵阳市教育局关于{word}防汛工程的通知")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The documents, once: docx built here, PDFs by LibreOffice, the OFD by tests/ofd_builder.py, the mail."""
    out = tmp_path_factory.mktemp("image-marks")
    black = imb.text_png("机密★1年")
    red = imb.text_png("机密★1年", color="#d00000")  # a red stamp
    smudged = imb.text_png("机密★1年", blur=7)
    issuer = imb.text_png("贵阳市教育局文件", color="#e00000", pt=40, font=imb.SONG_BOLD)
    docx = {
        "inline.docx": imb.docx_with_picture(_spec("鲲鹏甲"), out / "inline.docx", black[0], black[1]),
        "anchor.docx": imb.docx_with_picture(_spec("鲲鹏乙"), out / "anchor.docx", red[0], red[1], where="anchor"),
        "header.docx": imb.docx_with_picture(_spec("鲲鹏丙"), out / "header.docx", black[0], black[1], where="header"),
        "pdf-source.docx": imb.docx_with_picture(_spec("鲲鹏戊"), out / "pdf-source.docx", black[0], black[1]),
        "smudged.docx": imb.docx_with_picture(_spec("白鹭甲"), out / "smudged.docx", smudged[0], smudged[1]),
        "issuer.docx": imb.docx_with_picture(_spec("白鹭乙"), out / "issuer.docx", issuer[0], issuer[1],
                                             align="center"),
        "body.docx": imb.docx_with_picture(_spec("白鹭丙"), out / "body.docx", black[0], black[1], where="body"),
        "logo.docx": imb.docx_with_picture(_spec("白鹭戊"), out / "logo.docx", imb.logo_png(), 20.0),
    }
    pdfs = convert_files([docx["anchor.docx"], docx["pdf-source.docx"], docx["smudged.docx"]], "pdf", out / "lo",
                         timeout=600)
    found = {p.name: p for p in pdfs}
    files = {"inline.docx": docx["inline.docx"], "header.docx": docx["header.docx"],
             "anchor.pdf": found["anchor.pdf"], "inline.pdf": found["pdf-source.pdf"],
             "smudged.docx": docx["smudged.docx"], "smudged.pdf": found["smudged.pdf"],
             "issuer.docx": docx["issuer.docx"], "body.docx": docx["body.docx"], "logo.docx": docx["logo.docx"]}
    # the OFD: the same mark as an ImageObject at the 密级's place (版心 left edge, 37 mm from the top)
    files["inline.ofd"] = write_ofd(_spec("鲲鹏丁"), out / "inline.ofd", out / "fonts",
                                    picture=(black[0], (28.0, 37.0, black[1], black[2])))
    # the mail: an open report as its 主件, and a picture of a marked page (the 鲲鹏己 notice) as its 附件
    page_source = imb.docx_with_picture(_spec("鲲鹏己"), out / "page.docx", black[0], black[1])
    page_pdf = convert_files([page_source], "pdf", out / "lo2", timeout=600)[0]
    report = builder.write_named_font_pdf(builder.conformant_report(title="贵阳市教育局关于白鹭丁开学工作情况的报告"),
                                          out / "report.pdf", out / "fonts")
    files["annex.eml"] = imb.mail_with_image_annex(report.read_bytes(), "筑教呈〔2026〕6号-开学工作报告.pdf",
                                                   imb.page_png(page_pdf), out / "annex.eml")
    return files


@pytest.mark.parametrize("name", ["inline.docx", "anchor.pdf", "header.docx", "inline.pdf", "inline.ofd"])
def test_a_pictured_mark_is_read_as_its_level(files, name):
    el = parse_elements(extract(files[name].read_bytes()))
    assert el.title is not None and "鲲鹏" in el.title.text
    assert el.secrecy is not None and el.secrecy.text == "机密★1年", el.secrecy
    assert el.secrecy.original == "机密★1年（图片）"


@pytest.mark.parametrize("name", ["smudged.docx", "smudged.pdf"])
def test_a_picture_in_the_mark_position_that_cannot_be_read_holds_the_document(files, name):
    el = parse_elements(extract(files[name].read_bytes()))
    assert el.secrecy is None
    assert el.secrecy_unreadable is not None and el.secrecy_unreadable.text == UNSURE


@pytest.mark.parametrize("name", ["issuer.docx", "body.docx", "logo.docx"])
def test_a_picture_that_is_no_mark_leaves_the_notice_ordinary(files, name):
    """The 发文机关标志 as a centred picture (read: 贵阳市教育局文件), the mark picture among the 正文's paragraphs (not
    in the 版头), a coloured logo at the upper left (marks are red or black)."""
    el = parse_elements(extract(files[name].read_bytes()))
    assert el.title is not None and el.secrecy is None and el.secrecy_unreadable is None


def test_the_batch_sends_pictured_marks_to_the_confidential_office_and_holds_the_unreadable(files, tmp_path,
                                                                                            monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")
    root = tmp_path / "office"
    for name, path in files.items():
        channel = "mail" if name.endswith(".eml") else "edoc"
        (root / "inbox" / channel).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / "inbox" / channel / name)
    run_batch(root)
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    for name in ("inline.docx", "anchor.pdf", "header.docx", "inline.pdf", "inline.ofd", "annex.eml"):
        assert (rows[name]["status"], rows[name]["department"]) == ("routed", "机要室"), (name, rows[name])
    for name in ("smudged.docx", "smudged.pdf"):
        assert rows[name]["status"] == "held", (name, rows[name])
    for name in ("issuer.docx", "body.docx", "logo.docx"):
        assert rows[name]["status"] not in ("held",) and rows[name]["department"] != "机要室", (name, rows[name])
    # no 退文通知单 for any of them (the ordinary notices are conformant): outbox/ stays empty
    written = [p for p in (root / "outbox").rglob("*") if p.is_file()] if (root / "outbox").exists() else []
    assert written == []
    index = open_index(root)
    for word in ("鲲鹏甲", "鲲鹏乙", "鲲鹏丙", "鲲鹏丁", "鲲鹏戊", "白鹭甲", "白鹭丁"):
        assert index.search(word) == [], word
    # the ordinary notice is found (body.docx and logo.docx differ from it by a title word: linked as the same 来文)
    assert [h.number for h in index.search("白鹭乙")] == [rows["issuer.docx"]["number"]]
