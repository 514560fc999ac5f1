"""docx files laid out the ways real senders lay them out (kind: docx layouts), from builder.py's docx.

- `table_head`: the 发文字号 and 签发人 in a borderless one-row table (文号 left cell, 签发人 right cell), the red
  separator drawn as the table's bottom border ("table") or as the bottom border of the cells' paragraphs
  ("paragraph");
- `letter_mark_in_header`: the 信函 发文机关标志 in the first page's header (Word's 首页不同), over a red double line;
- `normal_style_small`: the Normal style left at Word's 五号 (10.5 pt) while every run is set to 三号 directly.
Each writes a real docx with python-docx and its oxml layer.
"""
from __future__ import annotations

from pathlib import Path

from . import builder


def _oxml():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    return OxmlElement, qn


def _border(parent, side: str, color: str, val: str = "single", sz: str = "12"):
    OxmlElement, qn = _oxml()
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), sz)
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), color)
    parent.append(el)
    return el


def table_head(spec: builder.Spec, path: Path, rule: str = "table") -> Path:
    """The 发文字号 paragraph replaced by a borderless 1×2 table: number left, 签发人 right."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    OxmlElement, qn = _oxml()
    builder.write_docx(spec, path)
    doc = docx.Document(str(path))
    number_p = next(p for p in doc.paragraphs if spec.doc_number and spec.doc_number in p.text)
    section = doc.sections[0]
    block_w = section.page_width - section.left_margin - section.right_margin
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side == "bottom" and rule == "table" and spec.separator_color:
            _border(borders, side, spec.separator_color)
        else:
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
    tbl_pr.append(borders)
    label, _, name = (spec.signer or "").partition("：")
    cells = [("　" + spec.doc_number, WD_ALIGN_PARAGRAPH.LEFT), (spec.signer or "", WD_ALIGN_PARAGRAPH.RIGHT)]
    for cell, (text, align) in zip(table.rows[0].cells, cells):
        cell.width = Mm(block_w / 36000 / 2)
        p = cell.paragraphs[0]
        p.paragraph_format.alignment = align
        run = p.add_run(text)
        run.font.size = Pt(spec.body_size)
        builder.set_fonts(run._r.get_or_add_rPr(), spec.body_font)
        if rule == "paragraph" and spec.separator_color:
            ppr = p._p.get_or_add_pPr()
            bdr = OxmlElement("w:pBdr")
            _border(bdr, "bottom", spec.separator_color)
            ppr.append(bdr)
    number_p._p.addprevious(table._tbl)
    number_p._p.getparent().remove(number_p._p)
    doc.save(str(path))
    return path


def letter_mark_in_header(spec: builder.Spec, path: Path) -> Path:
    """The 发文机关标志 moved from the body into the first page's header, with a red double line under it."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    OxmlElement, qn = _oxml()
    builder.write_docx(spec, path)
    doc = docx.Document(str(path))
    mark_p = next(p for p in doc.paragraphs if p.text == spec.issuer_mark)
    mark_p._p.getparent().remove(mark_p._p)
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(30)  # GB/T 9704-2012 10.1: the mark's top 30 mm from the page's top edge
    header = section.first_page_header
    p = header.paragraphs[0]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(spec.issuer_mark)
    run.font.size = Pt(26)
    run.font.color.rgb = RGBColor.from_string(spec.issuer_color)
    builder.set_fonts(run._r.get_or_add_rPr(), spec.issuer_font)
    bdr = OxmlElement("w:pBdr")
    _border(bdr, "bottom", spec.separator_color or "FF0000", val="thinThickSmallGap", sz="24")
    p._p.get_or_add_pPr().append(bdr)
    # the first page keeps its page-number footer off (信函: no page number on the first page)
    doc.save(str(path))
    return path


def normal_style_small(spec: builder.Spec, path: Path) -> Path:
    """Normal left at 五号 (10.5 pt, also the document default); every run set to the body size directly."""
    import docx
    from docx.shared import Pt

    OxmlElement, qn = _oxml()
    builder.write_docx(spec, path)
    doc = docx.Document(str(path))
    assert all(r.font.size is not None for p in doc.paragraphs for r in p.runs)  # builder sizes every run directly
    doc.styles["Normal"].font.size = Pt(10.5)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        defaults.find(qn(tag)).set(qn("w:val"), "21")
    doc.save(str(path))
    return path
