"""docx files made the way other GB/T 9704 tools make them (issue 24 §3), not the way tests/builder.py does:

- the 发文机关标志 in a text box that Word and WPS store twice: a DrawingML text box (mc:Choice, wps:txbx) and
  its VML fallback copy (mc:Fallback, v:textbox), the box centred on the page by its anchor;
- the red rule as the bottom border of an empty paragraph under the 发文字号;
- a template's placeholders (〔此处加盖红色印章〕, [此处输入文件标题]);
- a 纪要 whose "〔2026〕第5次" line stands under the mark, its office and date in the page header;
- a 命令（令） whose 令号 line is still "第  号".

Paragraphs are written with python-docx; the text box is raw WordprocessingML as those tools write it.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from .paragraphs_docx import FANGSONG, XBS, Para, body, title, write

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def _box_paragraph(text: str, size_pt: float = 26, color: str = "FF0000", font: str = XBS) -> str:
    half = int(size_pt * 2)
    return (f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" '
            f'w:eastAsia="{font}"/><w:color w:val="{color}"/><w:sz w:val="{half}"/></w:rPr><w:t>{text}</w:t></w:r></w:p>')


def text_box_run(text: str, width_mm: float = 156, height_mm: float = 20, **kw) -> str:
    """A run holding a text box as Word 2010+ and WPS write it: mc:Choice (DrawingML, anchored, centred
    horizontally) and mc:Fallback (VML, mso-position-horizontal:center) with the same content."""
    cx, cy = int(width_mm * 36000), int(height_mm * 36000)
    inner = _box_paragraph(text, **kw)
    return (
        f'<w:r {NSDECL}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" '
        f'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        f'<wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        f'</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape id="文本框 1" o:spid="_x0000_s1026" type="#_x0000_t202" filled="f" stroked="f" '
        f'style="position:absolute;margin-left:0;margin-top:0;width:{width_mm}mm;height:{height_mm}mm;'
        f'mso-position-horizontal:center;mso-position-horizontal-relative:margin">'
        f'<v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        f'</mc:AlternateContent></w:r>')


def _body_paragraphs(path: Path) -> list:
    import docx

    return docx.Document(str(path)).element.body.findall(f"{{{W}}}p")


def _save_with(path: Path, edit) -> Path:
    import docx

    document = docx.Document(str(path))
    edit(document.element.body)
    document.save(str(path))
    return path


def notice_with_text_box_mark(path: Path, mark: str = "示例市教育局文件") -> Path:
    """A conformant 通知 whose 发文机关标志 is a centred text box (stored twice), with the red rule as the bottom
    border of an empty paragraph under the 发文字号."""
    paras = [Para(""),  # the anchor of the text box
             Para("示教发〔2026〕12号", align="center"),
             Para("", border_bottom=("single", "FF0000")),
             title("示例市教育局关于做好2026年冬季学校安全工作的通知"),
             Para("各区（市、县）教育局，市属各学校：", align="left"),
             body("为切实做好今冬明春学校安全工作，保障师生生命财产安全，现将有关事项通知如下。"),
             body("各单位要把安全工作摆在突出位置，落实主体责任，层层签订责任书，确保责任到人。"),
             Para("示例市教育局", align="right"),
             Para("2026年11月20日", align="right")]
    write(paras, path)

    def edit(body_el):
        anchor = body_el.findall(f"{{{W}}}p")[0]
        anchor.append(etree.fromstring(text_box_run(mark)))
    return _save_with(path, edit)


def template(path: Path) -> Path:
    """A 公文 template nobody filled in: placeholders where the elements go."""
    paras = [Para("示例市教育局文件", size=26, font=XBS, align="center", color="FF0000"),
             Para("示教发〔2026〕  号", align="center", border_bottom=("single", "FF0000")),
             title("[此处输入文件标题]"),
             Para("[此处输入主送机关]：", align="left"),
             body("[此处输入正文]"),
             Para("〔此处加盖红色印章〕", align="right"),
             Para("[此处输入成文日期]", align="right")]
    return write(paras, path)


def minutes_with_date_in_header(path: Path) -> Path:
    """A 纪要 (GB/T 9704-2012 10.3): the mark, "〔2026〕第5次" in 三号 仿宋 under it, the title in 二号 小标宋; the
    office and the date stand in the page header, as some offices' 纪要 templates put them."""
    paras = [Para("示例市人民政府常务会议纪要", size=26, font=XBS, align="center", color="FF0000"),
             Para("〔2026〕第5次", align="center"),
             title("关于研究城区排水设施改造工作的会议纪要"),
             body("2026年3月5日，市长王某某主持召开市政府常务会议，研究城区排水设施改造工作。纪要如下："),
             body("一、会议原则同意市水务局提出的改造方案。"),
             body("二、会议要求各有关部门按照职责分工，抓紧推进。")]
    write(paras, path)
    import docx
    from docx.shared import Pt

    from pipelines.returns import set_fonts

    document = docx.Document(str(path))
    header = document.sections[0].header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    run = p.add_run("示例市人民政府办公室　　　　　　　　2026年3月6日")
    set_fonts(run._r.get_or_add_rPr(), FANGSONG)
    run.font.size = Pt(16)
    document.save(str(path))
    return path


def order_with_blank_number(path: Path) -> Path:
    """A 命令（令） whose 令号 line is "第  号" (the number not yet filled in): no title, signed by 职务 and 姓名."""
    paras = [Para("示例省人民政府令", size=26, font=XBS, align="center", color="FF0000"),
             Para("第  号", align="center"),
             body("《示例省安全生产条例实施办法》已经2026年5月10日省人民政府第12次常务会议通过，现予公布，自2026年7月1日起施行。"),
             Para("省长　王某某", align="right"),
             Para("2026年5月20日", align="right")]
    return write(paras, path)
