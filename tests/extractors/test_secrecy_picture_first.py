"""A docx whose very first paragraph is a pictured 密级 mark (机密★1年 pasted as a picture, as offices do) and
whose title is the first line of text: the picture stands in its own empty paragraph before the title, so the
docx reader gives it the title's line index (layout.Picture.line: "the paragraph it stands in, or the first one
after it"). It was skipped as "not above the title", and the batch returned the document and indexed it for
every clerk. Found by the tryout of 2026-12-06. Right value by hand: the picture says 机密★1年."""
from __future__ import annotations

import io

import docx
from docx.shared import Mm
from PIL import Image, ImageDraw, ImageFont

from extractors import extract
from extractors.elements import parse_elements

FONT = "/usr/local/share/shouwen/fonts/FandolHei-Regular.otf"


def _docx_with_a_pictured_mark_first() -> bytes:
    picture = Image.new("RGB", (600, 120), "white")
    ImageDraw.Draw(picture).text((10, 20), "机密★1年", font=ImageFont.truetype(FONT, 72), fill="black")
    png = io.BytesIO()
    picture.save(png, "PNG")
    png.seek(0)
    document = docx.Document()
    document.add_picture(png, width=Mm(40))
    for line in ["贵阳市应急管理局关于危化品仓库排查的通知", "筑应急发〔2026〕3号", "市政府办公室：",
                 "现将危化品仓库排查情况通知如下。", "贵阳市应急管理局", "2026年11月30日"]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_pictured_mark_in_the_paragraph_before_a_first_line_title_is_read():
    elements = parse_elements(extract(_docx_with_a_pictured_mark_first(), "docx"))
    assert elements.secrecy is not None
    assert elements.secrecy.text == "机密★1年" and elements.secrecy.original == "机密★1年（图片）"
