"""Font families under other names (字体别名): macOS 华文, Adobe, 方正, Fandol, Windows names.

The family of each name below is written by hand from what the font is (华文仿宋 is a 仿宋, 华文中宋 a 宋体…).
The PDFs embed fonts renamed with fontTools (glyphs from AR PL UMing): what is tested is the name a sender's
PDF carries, which is all a validator can see.
"""
from __future__ import annotations

import dataclasses

import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.fonts import family_of, stands_in_for
from validators import validate

from .. import builder

NAMES = [
    ("STFangsong", "fangsong"), ("华文仿宋", "fangsong"), ("ABCDEF+STFangsong", "fangsong"),
    ("AdobeFangsongStd-Regular", "fangsong"), ("FZFangSong-Z02S", "fangsong"), ("FandolFang-Regular", "fangsong"),
    ("仿宋_GB2312", "fangsong"), ("SimFang", "fangsong"),
    ("STKaiti", "kaiti"), ("华文楷体", "kaiti"), ("AdobeKaitiStd-Regular", "kaiti"), ("FandolKai-Regular", "kaiti"),
    ("KaiTi_GB2312", "kaiti"),
    ("STHeiti", "heiti"), ("STHeitiSC-Light", "heiti"), ("华文黑体", "heiti"), ("AdobeHeitiStd-Regular", "heiti"),
    ("FandolHei-Regular", "heiti"), ("SimHei", "heiti"), ("FZHei-B01S", "heiti"),
    ("STSong", "songti"), ("STZhongsong", "songti"), ("华文中宋", "songti"), ("AdobeSongStd-Light", "songti"),
    ("FandolSong-Regular", "songti"), ("SimSun", "songti"), ("FZShuSong-Z01S", "songti"),
    ("FZXiaoBiaoSong-B05S", "xiaobiaosong"), ("方正小标宋简体", "xiaobiaosong"),
    ("NotoSerifCJKsc-Regular", "other"), ("DejaVuSans", "other"),
]


@pytest.mark.parametrize("name,family", NAMES)
def test_family_of_name(name, family):
    assert family_of(name) == family


def test_stand_ins_for_xiaobiaosong_are_listed_and_nothing_else():
    assert stands_in_for("FandolSong-Bold", "xiaobiaosong")
    assert stands_in_for("BCDEFG+STZhongsong", "xiaobiaosong")
    assert not stands_in_for("FandolSong-Regular", "xiaobiaosong")
    assert not stands_in_for("SimSun", "xiaobiaosong")
    assert not stands_in_for("FandolSong-Bold", "fangsong")


MAC = {"body_font": "STFangsong", "heading_fonts": ("STHeiti", "STKaiti", "STFangsong", "STFangsong"),
       "title_font": "STZhongsong", "issuer_font": "STZhongsong", "page_number_font": "STSong"}
ADOBE = {"body_font": "AdobeFangsongStd-Regular",
         "heading_fonts": ("AdobeHeitiStd-Regular", "AdobeKaitiStd-Regular", "AdobeFangsongStd-Regular",
                           "AdobeFangsongStd-Regular"),
         "title_font": builder.XBS, "issuer_font": builder.XBS, "page_number_font": "AdobeSongStd-Light"}


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory):
    """Registers fonts under the macOS and Adobe names (once per process, like builder's own names)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = tmp_path_factory.mktemp("fonts")
    builder.prepare_fonts("", folder)
    covered = builder._source_chars()
    names = {n for fonts in (MAC, ADOBE) for v in fonts.values() for n in (v if isinstance(v, tuple) else (v,))}
    names -= set(builder.PDF_FONT_NAMES)
    for name in sorted(names):
        if name not in builder.PDF_FONT_NAMES.values():
            ps = name
            if ps not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(ps, str(builder.named_font(ps, covered, folder))))
            builder.PDF_FONT_NAMES.setdefault(name, ps)
    return folder


def _findings(spec, path, font_dir):
    builder.write_named_font_pdf(spec, path, font_dir)
    document = extract(path.read_bytes())
    findings, _ = validate(document, parse_elements(document), "gb9704-2012", "edoc")
    return document, findings


@pytest.mark.parametrize("fonts", [MAC, ADOBE], ids=["macos-huawen", "adobe"])
def test_pdf_with_fonts_under_other_names_is_accepted(tmp_path, font_dir, fonts):
    document, findings = _findings(builder.conformant_notice(**fonts), tmp_path / "doc.pdf", font_dir)
    assert fonts["body_font"] in document.fonts
    assert findings == [], [(f.rule, f.message) for f in findings]


def test_stzhongsong_title_is_accepted_with_a_note(tmp_path, font_dir):
    document, _ = _findings(builder.conformant_notice(**MAC), tmp_path / "mac.pdf", font_dir)
    assert any("STZhongsong" in note and "小标宋" in note for note in document.notes)


@pytest.mark.parametrize("body,family_zh", [("STSong", "宋体"), ("STHeiti", "黑体"), ("AdobeSongStd-Light", "宋体")])
def test_body_genuinely_in_another_family_is_caught_and_evidence_says_what_was_measured(tmp_path, font_dir, body, family_zh):
    if body not in builder.PDF_FONT_NAMES:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        if body not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(body, str(builder.named_font(body, builder._source_chars(), font_dir))))
        builder.PDF_FONT_NAMES[body] = body
    spec = dataclasses.replace(builder.conformant_notice(**MAC), body_font=body,
                               heading_fonts=("STHeiti", "STKaiti", body, body))
    _, findings = _findings(spec, tmp_path / "wrong.pdf", font_dir)
    body_font = [f for f in findings if f.rule == "layout.body-font"]
    assert len(body_font) == 1 and body_font[0].severity == "error"
    # the evidence names the font and family measured and its share of the body (all of it here)
    assert f"{body}({family_zh}) 100%" in body_font[0].evidence


def test_title_in_plain_song_is_still_caught(tmp_path, font_dir):
    spec = dataclasses.replace(builder.conformant_notice(**MAC), title_font="STSong")
    _, findings = _findings(spec, tmp_path / "title.pdf", font_dir)
    assert [f.rule for f in findings] == ["layout.title-font"]
