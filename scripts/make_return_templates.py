"""Make the shipped templates of pipelines/returns/templates/ (run once; the files are committed):

    退文通知单.docx   the 退文通知单 (first notice and every 重发): 版头, title, its own number, the items, 落款 with
                     the place for the seal, 附注 with contact, telephone and address
    撤回通知.docx     the 撤回退文通知 written when the clerk withdraws a return

Both are docxtpl templates (Jinja2 in a .docx): {{ … }} fields, {%p for %} / {%p if %} paragraphs. An office
changes its letterhead, wording or layout by copying one into <data root>/templates/ (or [returns]
templates_dir) and editing it in WPS or Word; the fields are listed in pipelines/returns/notice.py (FIELDS).

Page and type as GB/T 9704-2012 sets them: A4, margins 37/35/28/26 mm (5.2.1), 仿宋 三号 body at a fixed
28.95 pt line pitch (22 lines), 标题 in 小标宋 二号 (7.3.1), the 落款 right with the 成文日期 four characters from
the margin and the seal's place centred over both (7.3.5.1: 印章端正、居中下压发文机关署名和成文日期).

    .venv/bin/python scripts/make_return_templates.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.shared import Mm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipelines.returns.docx_fonts import set_fonts  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "pipelines" / "returns" / "templates"
FANG, XBS, HEI, KAI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
RED = "C00000"
CHAR = 16  # pt: one character of 三号
SEAL_MM = 42  # a government office's seal (GB/T 9704 shows it over the signature and date)


def base() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FANG)
    normal.font.size = Pt(16)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28.95)
    fmt.space_before = fmt.space_after = Pt(0)
    doc.element.body.remove(doc.paragraphs[0]._p) if doc.paragraphs else None
    return doc


def para(doc, text: str = "", *, font: str | None = None, size: float | None = None, align=None, indent: bool = False,
         color: str | None = None, keep: bool = False, right_chars: float = 0, bold: bool = False):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * CHAR)
    if right_chars:
        fmt.right_indent = Pt(right_chars * CHAR)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = p.add_run(text)
        if font:
            set_fonts(run._r.get_or_add_rPr(), font)
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        run.font.bold = bold or None
    return p


def seal_place(paragraph) -> None:
    """A dashed red circle of SEAL_MM, behind the text, centred over the 落款 and the date below it: where the
    seal is pressed (floating, anchored to the signature's paragraph; Word and LibreOffice both draw it)."""
    emu = int(SEAL_MM * 36000)
    # the date ends 4 characters from the right margin and is about 8 characters wide: the circle's centre
    # sits over the middle of it; the text block is 156 mm wide (210 − 28 − 26)
    centre_from_right_mm = (4 + 4.5) * CHAR * 25.4 / 72
    left = int((156 - centre_from_right_mm - SEAL_MM / 2) * 36000)
    top = int(-14 * 36000)  # above the signature line: the seal's top within a line of the text above
    xml = f"""
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
  <w:drawing>
    <wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="1"
               locked="0" layoutInCell="1" allowOverlap="1">
      <wp:simplePos x="0" y="0"/>
      <wp:positionH relativeFrom="margin"><wp:posOffset>{left}</wp:posOffset></wp:positionH>
      <wp:positionV relativeFrom="paragraph"><wp:posOffset>{top}</wp:posOffset></wp:positionV>
      <wp:extent cx="{emu}" cy="{emu}"/>
      <wp:effectExtent l="0" t="0" r="0" b="0"/>
      <wp:wrapNone/>
      <wp:docPr id="101" name="印章位置" descr="加盖印章处"/>
      <wp:cNvGraphicFramePr/>
      <a:graphic>
        <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp>
            <wps:cNvSpPr/>
            <wps:spPr>
              <a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="{emu}"/></a:xfrm>
              <a:prstGeom prst="ellipse"><a:avLst/></a:prstGeom>
              <a:noFill/>
              <a:ln w="12700"><a:solidFill><a:srgbClr val="{RED}"/></a:solidFill><a:prstDash val="dash"/></a:ln>
            </wps:spPr>
            <wps:txbx>
              <w:txbxContent>
                <w:p><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>
                  <w:r><w:rPr><w:rFonts w:eastAsia="{KAI}"/><w:color w:val="{RED}"/><w:sz w:val="21"/></w:rPr>
                    <w:t>（加盖印章处）</w:t></w:r></w:p>
              </w:txbxContent>
            </wps:txbx>
            <wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"/>
          </wps:wsp>
        </a:graphicData>
      </a:graphic>
    </wp:anchor>
  </w:drawing>
</w:r>"""
    paragraph._p.append(parse_xml(xml))


def head(doc, title: str) -> None:
    """版头 (the office's name in red), the unconfigured office's warning, the title, the notice's number."""
    para(doc, "{{ office }}", font=XBS, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    para(doc, "{%p if unconfigured %}")
    para(doc, "{{ unconfigured }}", font=HEI, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    para(doc, "{%p endif %}")
    para(doc)
    para(doc, title, font=XBS, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc)
    para(doc, "{{ recipient }}：")


def closing(doc) -> None:
    """特此通知, the 落款 (signature and date, the seal's place over them) and the 附注 (contact, address).
    The closing paragraphs keep with the next one, so the signature never stands alone on a page
    (GB/T 9704 7.3.5); the paragraph before 特此通知 joins them when the notice is rendered."""
    para(doc, "特此通知。", indent=True, keep=True)
    para(doc, keep=True)
    para(doc, keep=True)
    signature = para(doc, "{{ signature }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=6, keep=True)
    seal_place(signature)
    para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    para(doc)
    para(doc, "{{ contact_line }}", indent=True, keep=True)  # the 附注 lines stay together
    para(doc, "{%p if address_line %}")
    para(doc, "{{ address_line }}", indent=True)
    para(doc, "{%p endif %}")


def return_notice() -> Document:
    doc = base()
    head(doc, "{{ title }}")
    para(doc, "{{ opening }}", indent=True)
    para(doc, "{%p for item in errors %}")
    para(doc, "{{ item }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if warnings %}")
    para(doc, "另请注意以下问题（不影响本次办理）：", indent=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p for item in warnings %}")
    para(doc, "{{ item }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if resend_note %}")
    para(doc, "{{ resend_note }}", indent=True)
    para(doc, "{%p endif %}")
    closing(doc)
    return doc


def withdrawal_notice() -> Document:
    doc = base()
    head(doc, "{{ title }}")
    para(doc, "{{ opening }}", indent=True)
    para(doc, "{{ reason_line }}", indent=True)
    para(doc, "{{ decision }}", indent=True)
    closing(doc)
    return doc


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    return_notice().save(str(OUT / "退文通知单.docx"))
    withdrawal_notice().save(str(OUT / "撤回通知.docx"))
    print(f"templates written to {OUT}")


if __name__ == "__main__":
    main()
