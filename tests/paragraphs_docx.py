"""A docx from a list of paragraphs, for layouts tests/builder.py does not make (信函格式, a title before the
number, a title over two paragraphs, a joint mark). A4 with the margins of GB/T 9704-2012 5.2.1, exact line
pitch, 仿宋_GB2312 三号 unless a paragraph says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pipelines.returns import set_fonts

FANGSONG, XBS = "仿宋_GB2312", "方正小标宋简体"


@dataclass
class Para:
    text: str = ""
    size: float = 16.0
    font: str = FANGSONG
    align: str = "justify"
    color: Optional[str] = None
    indent_chars: float = 0.0
    border_bottom: Optional[tuple[str, str]] = None  # (w:val, colour): ("single", "FF0000"), ("thickThinSmallGap", …)


def mark(text: str, size: float = 26.0) -> Para:
    return Para(text, size=size, font=XBS, align="center", color="FF0000")


def title(text: str) -> Para:
    return Para(text, size=22.0, font=XBS, align="center")


def body(text: str) -> Para:
    return Para(text, indent_chars=2)


def write(paras: list[Para], path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    doc = Document()
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = Pt(16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28.95)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    for para in paras:
        p = doc.add_paragraph()
        p.paragraph_format.alignment = align[para.align]
        if para.indent_chars:
            p.paragraph_format.first_line_indent = Pt(para.indent_chars * para.size)
        if para.border_bottom:
            val, colour = para.border_bottom
            bdr = OxmlElement("w:pBdr")
            bottom = OxmlElement("w:bottom")
            for k, v in (("w:val", val), ("w:sz", "18"), ("w:space", "4"), ("w:color", colour)):
                bottom.set(qn(k), v)
            bdr.append(bottom)
            p._p.get_or_add_pPr().append(bdr)
        if para.text:
            run = p.add_run(para.text)
            set_fonts(run._r.get_or_add_rPr(), para.font)
            run.font.size = Pt(para.size)
            if para.color:
                run.font.color.rgb = RGBColor.from_string(para.color)
    doc.save(str(path))
    return path
