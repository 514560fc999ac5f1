"""The 密级 read from faxes and scans by the real OCR engine (issue 9 item 1): a spaced level and a labelled
field, printed by LibreOffice, faxed (black and white, 200 dpi) or scanned, must still make security.classified.
"""
from __future__ import annotations

import dataclasses

import pytest

from extractors import extract
from extractors.convert import convert_files
from extractors.elements import parse_elements
from validators import validate

from .. import builder, scans
from ..cases import OCR_CONFORMANT

VARIANTS = {"spaced": "机　密★1年", "labelled": "密级：机密"}


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    root = tmp_path_factory.mktemp("secret-paper")
    docx = [builder.write_docx(dataclasses.replace(OCR_CONFORMANT, secrecy=line), root / f"{name}.docx")
            for name, line in VARIANTS.items()]
    files = {}
    for pdf in convert_files(docx, "pdf", root / "lo", timeout=600):
        page = scans.render_pdf(pdf, 200)[0]
        files[(pdf.stem, "fax")] = scans.save_tiff([scans.fax(page, 200, seed=2)], root / f"{pdf.stem}.tif")
        jpg = root / f"{pdf.stem}.jpg"
        scans.scan(page, seed=1).save(jpg, quality=90, dpi=(200, 200))
        files[(pdf.stem, "scan")] = jpg
    return files


@pytest.mark.parametrize("kind", ["fax", "scan"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_secrecy_on_paper_is_classified(paper, name, kind):
    document = extract(paper[(name, kind)].read_bytes())
    assert document.ocr
    el = parse_elements(document)
    assert el.secrecy is not None and el.secrecy.text.startswith("机密")
    findings, _ = validate(document, el, "gb9704-2012", kind)
    assert "security.classified" in {f.rule for f in findings}
