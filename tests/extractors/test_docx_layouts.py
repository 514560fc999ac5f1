"""docx layouts real senders use (kind: docx layouts): 版头 in a borderless table, 信函 mark in the page
header, a Normal style left at 五号. Real docx files written with python-docx (tests/docx_layouts.py)."""
from __future__ import annotations

import dataclasses

import pytest

from extractors import extract
from extractors.elements import parse_elements
from validators import validate

from .. import builder, docx_layouts


def _read(path):
    document = extract(path.read_bytes())
    elements = parse_elements(document)
    findings, _ = validate(document, elements, "gb9704-2012", "edoc")
    return document, elements, findings


@pytest.mark.parametrize("rule", ["table", "paragraph"])
def test_head_in_a_borderless_table_is_read_in_reading_order_with_its_red_rule(tmp_path, rule):
    spec = builder.conformant_request()
    document, elements, findings = _read(docx_layouts.table_head(spec, tmp_path / "head.docx", rule))
    texts = [ln.text.strip() for ln in document.pages[0].lines]
    # 发文机关标志, then the left cell (发文字号), then the right cell (签发人), then the title
    assert texts[:4] == ["贵阳市教育局", "筑教呈〔2026〕5号", "签发人：张建国", spec.title]
    assert document.pages[0].lines[2].border_bottom_color == "FF0000"
    assert elements.doc_number.text == "筑教呈〔2026〕5号"
    assert findings == [], [(f.rule, f.message) for f in findings]


def test_head_table_without_a_rule_is_still_reported(tmp_path):
    spec = builder.conformant_request(separator_color=None)
    _, _, findings = _read(docx_layouts.table_head(spec, tmp_path / "norule.docx", "table"))
    assert [(f.rule, f.evidence) for f in findings] == [("layout.separator", "未见分隔线")]


def test_head_table_with_a_black_rule_is_reported_as_not_red(tmp_path):
    spec = builder.conformant_request(separator_color="000000")
    _, _, findings = _read(docx_layouts.table_head(spec, tmp_path / "black.docx", "table"))
    assert [(f.rule, f.aspect) for f in findings] == [("layout.separator", "colour")]


def test_letter_mark_in_the_first_page_header_is_read_as_the_issuer_mark(tmp_path):
    spec = builder.conformant_notice()
    document, elements, findings = _read(docx_layouts.letter_mark_in_header(spec, tmp_path / "letter.docx"))
    first = document.pages[0].lines[0]
    assert first.text == "贵阳市教育局文件" and first.runs[0].color == "FF0000" and first.border_bottom_color == "FF0000"
    assert elements.issuer_mark.text == "贵阳市教育局文件"
    assert findings == [], [(f.rule, f.message) for f in findings]


def test_grid_is_judged_from_the_size_the_runs_use_not_the_normal_style(tmp_path):
    spec = builder.conformant_notice()
    document, _, findings = _read(docx_layouts.normal_style_small(spec, tmp_path / "small.docx"))
    # 156 mm / 三号 (16 pt = 5.64 mm) = 27.6: 27 characters, not 156 / 五号 (3.70 mm) = 42
    assert document.pages[0].grid_chars == 27
    assert findings == [], [(f.rule, f.message) for f in findings]


def test_body_really_in_a_smaller_size_still_breaks_the_grid(tmp_path):
    spec = dataclasses.replace(builder.conformant_notice(), body_size=14.0)
    document, _, findings = _read(docx_layouts.normal_style_small(spec, tmp_path / "small14.docx"))
    # 156 mm / 四号 (14 pt = 4.94 mm) = 31.6 characters a line
    assert document.pages[0].grid_chars == 31
    assert {"layout.grid", "layout.body-font"} <= {f.rule for f in findings}


def test_these_layouts_rendered_by_libreoffice_are_accepted(tmp_path):
    """The same docx files as PDFs made by LibreOffice: the 信函 mark stands above the 版心 (10.1) and its first
    page has no page number; nothing is returned or warned about."""
    from extractors.convert import convert_files

    sources = [docx_layouts.table_head(builder.conformant_request(), tmp_path / "head.docx", "table"),
               docx_layouts.letter_mark_in_header(builder.conformant_notice(), tmp_path / "letter.docx"),
               docx_layouts.normal_style_small(builder.conformant_notice(), tmp_path / "small.docx")]
    pdfs = convert_files(sources, "pdf", tmp_path / "pdf")
    assert len(pdfs) == 3
    for pdf in pdfs:
        _, _, findings = _read(pdf)
        assert findings == [], (pdf.name, [(f.rule, f.evidence) for f in findings])


def test_a_letter_mark_in_the_header_does_not_excuse_a_wrong_top_margin_on_later_pages(tmp_path):
    from extractors.convert import convert_files

    spec = builder.conformant_notice(margin_top=25.0)
    pdf, = convert_files([docx_layouts.letter_mark_in_header(spec, tmp_path / "letter25.docx")], "pdf", tmp_path / "pdf")
    _, _, findings = _read(pdf)
    assert "layout.margin-top" in {f.rule for f in findings}


def test_separator_drawn_as_each_cells_border_is_one_rule_in_the_libreoffice_pdf(tmp_path):
    """LibreOffice draws a bottom border under each cell's paragraph: two pieces, end to end, 156 mm together."""
    from extractors.convert import convert_files

    pdf, = convert_files([docx_layouts.table_head(builder.conformant_request(), tmp_path / "cells.docx", "paragraph")],
                         "pdf", tmp_path / "pdf")
    document, _, findings = _read(pdf)
    red = [r for r in document.pages[0].rules if r.color == "FF0000"]
    assert len(red) >= 2, "the input must draw the separator in pieces"
    assert findings == [], [(f.rule, f.evidence) for f in findings]


def test_separator_pieces_that_leave_a_gap_are_still_too_short(tmp_path):
    """Only the left cell carries the border: 78 mm of a 156 mm 版心 is reported."""
    import docx as python_docx
    from docx.oxml.ns import qn

    from extractors.convert import convert_files

    path = docx_layouts.table_head(builder.conformant_request(), tmp_path / "half.docx", "paragraph")
    doc = python_docx.Document(str(path))
    right_cell = doc.tables[0].rows[0].cells[1].paragraphs[0]
    right_cell._p.pPr.remove(right_cell._p.pPr.find(qn("w:pBdr")))
    doc.save(str(path))
    pdf, = convert_files([path], "pdf", tmp_path / "pdf")
    _, _, findings = _read(pdf)
    assert [(f.rule, f.aspect) for f in findings] == [("layout.separator", "size")]
