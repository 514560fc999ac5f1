"""The readers: PDFium and pdfplumber agree on every PDF; docx fonts resolve the way Word resolves them."""
from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from extractors import extract
from extractors.pdf_reader import read_pdf, read_pdf_pdfplumber

from ..cases import CONFORMANT


@pytest.mark.parametrize("fmt", ["pdf", "named"])
@pytest.mark.parametrize("name", sorted(CONFORMANT))
def test_pdfium_reader_matches_pdfplumber(corpus, name, fmt):
    data = corpus.path(f"ok-{name}", fmt).read_bytes()
    fast, reference = read_pdf(data), read_pdf_pdfplumber(data)
    assert len(fast.pages) == len(reference.pages)
    assert fast.fonts == reference.fonts
    for a, b in zip(fast.pages, reference.pages):
        assert [ln.text for ln in a.lines] == [ln.text for ln in b.lines]
        for la, lb in zip(a.lines, b.lines):
            assert [(r.family, r.size_pt, r.color) for r in la.runs] == [(r.family, r.size_pt, r.color) for r in lb.runs]
            assert abs(la.x0 - lb.x0) < 1.0 and abs(la.x1 - lb.x1) < 1.0
            assert abs(la.top - lb.top) < 2.0  # PDFium's loose boxes use the font's ascent, pdfminer its bbox
        assert [r.color for r in a.rules] == [r.color for r in b.rules]
        for ra, rb in zip(a.rules, b.rules):  # PDFium's bounds include half the stroke width
            assert abs(ra.top - rb.top) < 1.0 and abs(ra.length_mm - rb.length_mm) < 1.0


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _east_asia(rpr, name):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def test_docx_fonts_follow_word_precedence():
    doc = docx.Document()
    normal = doc.styles["Normal"]
    _east_asia(normal.element.get_or_add_rPr(), "仿宋_GB2312")
    normal.font.size = Pt(16)
    heading = doc.styles.add_style("一级标题", 1)
    heading.base_style = normal
    _east_asia(heading.element.get_or_add_rPr(), "黑体")
    emphasis = doc.styles.add_style("着重", 2)
    _east_asia(emphasis.element.get_or_add_rPr(), "楷体_GB2312")

    doc.add_paragraph("正文段落，字体来自正文样式。")  # Normal style
    doc.add_paragraph("一、标题段落", style="一级标题")  # paragraph style over Normal
    p = doc.add_paragraph()
    p.add_run("字符样式", style="着重")  # character style over paragraph style
    run = doc.add_paragraph(style="一级标题").add_run("直接格式")
    _east_asia(run._r.get_or_add_rPr(), "方正小标宋简体")  # direct formatting over everything
    run.font.size = Pt(22)

    lines = extract(_docx_bytes(doc)).lines
    assert [(ln.runs[0].family, ln.runs[0].size_pt) for ln in lines] == [
        ("fangsong", 16), ("heiti", 16), ("kaiti", 16), ("xiaobiaosong", 22)]


def test_docx_theme_fonts_are_resolved():
    """python-docx's default template leaves East Asian text to the theme (minorEastAsia)."""
    doc = docx.Document()
    doc.add_paragraph("主题字体")
    run = extract(_docx_bytes(doc)).lines[0].runs[0]
    theme = doc.part.part_related_by("http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
    assert run.font is not None and run.font.encode() in theme.blob or run.font in ("MS Mincho", "SimSun", "宋体")


def test_docx_page_setup_and_red_separator(corpus):
    document = extract(corpus.path("ok-notice", "docx").read_bytes())
    page = document.pages[0]
    assert (round(page.width_mm), round(page.height_mm)) == (210, 297)
    assert (round(page.margin_top_mm), round(page.margin_left_mm)) == (37, 28)
    assert page.grid_lines == 22
    assert any(ln.border_bottom_color == "FF0000" for ln in page.lines)
    kinds = {f["kind"]: f for f in document.page_number_footers}
    assert kinds["default"]["align"] == "right" and kinds["even"]["align"] == "left"
    assert kinds["default"]["text"].strip() == "— 1 —"


def test_a_page_flattened_onto_one_line_is_split_at_its_gaps_not_inside_sentences():
    from extractors.text_reader import read_text

    text = ("示例市人民政府办公室关于做好冬季供暖工作的通知 各区人民政府，市政府各部门： 入冬以来， 我市气温持续走低。"
            "为保障群众温暖过冬，现就有关事项通知如下。 一、落实供暖责任 各区要压实供暖企业主体责任，确保按时供暖。 "
            "示例市人民政府办公室 2026年11月20日")
    document = read_text(text.encode("utf-8"))
    lines = [ln.text for page in document.pages for ln in page.lines]
    assert lines == ["示例市人民政府办公室关于做好冬季供暖工作的通知", "各区人民政府，市政府各部门：",
                     "入冬以来， 我市气温持续走低。为保障群众温暖过冬，现就有关事项通知如下。", "一、落实供暖责任",
                     "各区要压实供暖企业主体责任，确保按时供暖。", "示例市人民政府办公室", "2026年11月20日"]
    assert any("挤在一行" in note for note in document.notes)


def test_a_text_with_its_own_lines_keeps_them_blanks_included():
    from extractors.text_reader import read_text

    text = "示例市人民政府办公室 关于做好冬季供暖工作的通知\n各区人民政府：\n" + "要压实责任 确保供暖。" * 30 + "\n示例市人民政府办公室\n"
    lines = [ln.text for page in read_text(text.encode("utf-8")).pages for ln in page.lines]
    assert len(lines) == 4 and lines[0] == "示例市人民政府办公室 关于做好冬季供暖工作的通知"
