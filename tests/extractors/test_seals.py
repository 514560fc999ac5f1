"""Round seals on black-and-white faxes and scans (印章): found by shape, their arc text kept out of the elements.

The pages are the conformant 请示 of tests/cases.py rendered from a PDF; a round seal with the issuer's name
along its arc and a star is stamped over the 发文机关署名 and 成文日期 as GB/T 9704-2012 7.3.5.1 places it
(端正、居中下压署名和成文日期, the 署名 and date below the seal's centre), then the page is faxed or scanned in
black and white. The right values are the document's own: 署名 贵阳市教育局, 成文日期 2026年11月20日.
OCR is slow on a shared machine: two OCR'd pages in all; the engine is loaded once for the module.
"""
from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.seals import find_round_seals
from pipelines.review import review_path

from .. import builder, scans
from ..cases import OCR_CONFORMANT

DPI = 300
ISSUER = "贵阳市教育局"  # the 发文机关署名 of OCR_CONFORMANT, and the name cut in its seal
LAST_BODY_LINE = "妥否，请批示。"
SEAL_MM = 42.0


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """The page, its seal centre (mm), and the sealed page faxed (red seal, standard fax) and scanned in
    black and white (a seal stamped in black ink on a copy)."""
    d = tmp_path_factory.mktemp("seals")
    pdf = builder.write_named_font_pdf(OCR_CONFORMANT, d / "request.pdf", d / "fonts")
    elements = parse_elements(extract(pdf.read_bytes()))
    signature = elements.lines[elements.signature.line]
    # the 署名 and the date below the centre, the star just above the 署名
    centre = ((signature.x0 + signature.x1) / 2, signature.top - 5.0)
    page = scans.render_pdf(pdf, DPI)[0]
    red = scans.stamp_round_seal(page, centre, DPI, ISSUER)
    black = scans.stamp_round_seal(page, centre, DPI, ISSUER, ink=(0, 0, 0))
    return {
        "centre": centre,
        "plain": page,
        "fax": scans.save_tiff([scans.fax(red, DPI, seed=2)], d / "sealed-fax.tif"),
        "bw": _save_png(scans.black_and_white_scan(black, seed=3), d / "sealed-bw.png"),
        "bw_image": scans.black_and_white_scan(black, seed=3),
    }


def _save_png(image, path: Path) -> Path:
    image.save(path, dpi=(DPI, DPI))
    return path


def _grey(image) -> np.ndarray:
    return cv2.resize(np.asarray(image.convert("L")), None, fx=200 / DPI, fy=200 / DPI, interpolation=cv2.INTER_AREA)


def test_a_round_seal_is_found_by_its_shape_where_it_was_stamped(sealed):
    found = find_round_seals(_grey(sealed["bw_image"]), 200)
    assert len(found) == 1
    seal = found[0]
    px_per_mm = 200 / 25.4
    # the scan is turned 0.6° about the page centre: a few millimetres of play at the seal
    assert math.hypot(seal.cx / px_per_mm - sealed["centre"][0], seal.cy / px_per_mm - sealed["centre"][1]) < 4
    assert abs(seal.diameter_mm(200) - SEAL_MM) < 3


def test_a_page_without_a_seal_has_none(sealed):
    """Text, the 版头 rule and the page number are no ring: nothing found, nothing dropped."""
    assert find_round_seals(_grey(sealed["plain"]), 200) == []


@pytest.mark.parametrize("kind", ["bw", "fax"])
def test_seal_text_never_becomes_the_signature_or_date(sealed, kind):
    report = review_path(sealed[kind], channel="fax" if kind == "fax" else "scan")
    document = extract(sealed[kind].read_bytes())
    page = document.pages[0]
    texts = [line.text for line in page.lines]
    assert len(page.seals) == 1 and abs(page.seals[0][2] - SEAL_MM) < 3.5  # a fax is 215 mm over 210 mm of paper
    # the lines read are the document's: right after the body's last line comes the 署名, then the date
    at = texts.index(LAST_BODY_LINE)
    assert texts[at + 1: at + 3] == [ISSUER, "2026年11月20日"], texts
    elements = parse_elements(document)
    assert elements.lines[elements.signature.line].text == ISSUER
    assert report["document"]["issuer"] == ISSUER
    assert report["document"]["date"] == "2026-11-20"
    assert report["verdict"] == "accept", [f["rule"] for f in report["findings"] if f["severity"] == "error"]
    for dropped in page.seal_text:  # what the arc gave, if OCR read it at all, is in no line and noted
        assert dropped not in document.text()
        assert any(dropped in note for note in report["notes"])
