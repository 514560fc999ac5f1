"""The 版心 measured from the ink (kind: geometry from outlier glyphs).

PDFs typeset by reportlab with the standard font names, with closing punctuation hanging past the right
margin as Word and LibreOffice set it (标点溢出边界). The right values are GB/T 9704-2012 5.2.1: 版心
156 mm × 225 mm, 订口 (left margin) 28 mm, so the right margin is 210 − 28 − 156 = 26 mm.
"""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.geometry import block_edges, line_end
from validators import validate

from .. import builder

A = "各单位要把安全工作摆在突出位置落实主体责任层层签订责任书确保责任到人"
# Each paragraph's first line holds 26 characters after its 2-character indent, the next lines 28: a 。，；
# falling just after them hangs past the margin.
HANGING_BODY = [A[:26] + "，" + A[:27] + "。" + A[:10] + "。", "一、高度重视安全工作",
                A[:26] + "；" + A[:20] + "。", A[:26] + "：" + A[:10] + "。", A[:20] + "。"]


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fonts")
    builder.prepare_fonts("", folder)
    return folder


def _check(spec, path, font_dir):
    builder.write_named_font_pdf(spec, path, font_dir)
    document = extract(path.read_bytes())
    findings, _ = validate(document, parse_elements(document), "gb9704-2012", "edoc")
    return document, findings


def test_hanging_punctuation_is_not_a_wider_text_block(tmp_path, font_dir):
    spec = builder.conformant_notice(body=HANGING_BODY, hang_punctuation=True)
    document, findings = _check(spec, tmp_path / "hang.pdf", font_dir)
    body = [ln for ln in document.pages[0].lines if ln.zone == "body"]
    hanging = [ln for ln in body if ln.text[-1] in "，；：" and ln.x1 > 210 - 26 + 4]
    assert len(hanging) == 3, "the input must really hang three marks past the margin"
    assert all(abs(line_end(ln) - 184.0) < 0.5 for ln in hanging)
    edges = block_edges(body)
    assert edges.left == pytest.approx(28.0, abs=0.5) and edges.right == pytest.approx(184.0, abs=0.5)
    assert findings == [], [(f.rule, f.evidence) for f in findings]


def test_a_single_line_hanging_is_accepted_too(tmp_path, font_dir):
    spec = builder.conformant_request(body=[A[:26] + "。", A[:26] + "，" + A[:30] + "。" + A[:3] + "。", "妥否，请批示。"],
                                      hang_punctuation=True)
    _, findings = _check(spec, tmp_path / "one.pdf", font_dir)
    assert findings == [], [(f.rule, f.evidence) for f in findings]


@pytest.mark.parametrize("changes,rule,measured", [
    ({"margin_left": 20.0}, "layout.margin-left", "20.0mm"),                   # 订口 20 mm instead of 28 mm
    ({"margin_right": 32.0}, "layout.text-block", "150.0mm"),                  # 版心 150 mm wide
    ({"margin_right": 20.0}, "layout.text-block", "162.0mm"),                  # 版心 162 mm wide
])
def test_wrong_geometry_is_still_caught_with_hanging_punctuation(tmp_path, font_dir, changes, rule, measured):
    spec = builder.conformant_notice(body=HANGING_BODY, hang_punctuation=True, **changes)
    _, findings = _check(spec, tmp_path / "wrong.pdf", font_dir)
    hits = [f for f in findings if f.rule == rule]
    assert hits and hits[0].severity == "error", [(f.rule, f.evidence) for f in findings]
    assert hits[0].evidence.startswith(measured)


def test_libreoffice_pdf_with_punctuation_at_the_margin_is_accepted(tmp_path):
    """LibreOffice (with the Fandol fonts of scripts/setup.sh): paragraphs whose 。，；” fall at the margin."""
    from extractors.convert import convert_files

    body = [A[:k] + "。" + A[:10] + "。" for k in (24, 25, 26)] + [A[:24] + "，" + A[:k] + "”" + A[:5] + "。" for k in (25, 26)]
    docx = builder.write_docx(builder.conformant_notice(body=body), tmp_path / "lo.docx")
    pdf, = convert_files([docx], "pdf", tmp_path)
    document = extract(pdf.read_bytes())
    findings, _ = validate(document, parse_elements(document), "gb9704-2012", "edoc")
    assert findings == [], [(f.rule, f.evidence) for f in findings]


def test_lines_ending_in_a_full_stop_at_the_margin_are_not_one_character_short(tmp_path, font_dir):
    """Two paragraphs whose one line ends with 。 exactly at the margin (2 + 25 characters + 。 = 28), no other
    full line: the 。 is inside the 版心, so the lines end at 184 mm, not one character earlier."""
    spec = builder.conformant_request(body=[A[:25] + "。", A[1:26] + "。", "妥否，请批示。"], attachments=[])
    document, findings = _check(spec, tmp_path / "stops.pdf", font_dir)
    full = [ln for ln in document.pages[0].lines if ln.text.endswith("。") and len(ln.text) == 26]
    assert len(full) == 2 and all(abs(ln.x1 - 184.0) < 0.5 for ln in full)
    assert findings == [], [(f.rule, f.evidence) for f in findings]
