"""Builds GB/T 9704-2012 conformant 公文 from a small spec, as docx, plain text or a PDF with named fonts.

A Spec describes one document (elements and layout). `conformant_notice()`, `conformant_request()` and
`conformant_report()` are documents that break no rule; a test breaks exactly one rule by changing one
field with `dataclasses.replace` and checks that the validator finds it.

The docx follows the standard the way a careful typist sets it up in Word: A4, margins 37/35/28/26 mm,
仿宋_GB2312 三号 body on a 22 × 28 document grid (exact line pitch 28.95 pt), red 发文机关标志 and
red separator, 方正小标宋简体 二号 title, page numbers "— 1 —" in 四号宋体, odd right and even left.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipelines.returns import set_fonts

FANGSONG, XBS, HEI, KAI, SONG = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
HEADING = [(re.compile(r"^[一二三四五六七八九十]+、"), HEI), (re.compile(r"^（[一二三四五六七八九十]+）"), KAI),
           (re.compile(r"^\d+[．.]"), FANGSONG), (re.compile(r"^（\d+）"), FANGSONG)]


@dataclass
class Spec:
    # 版头
    copy_number: Optional[str] = None
    secrecy: Optional[str] = None
    urgency: Optional[str] = None
    issuer_mark: str = "贵阳市教育局文件"
    doc_number: Optional[str] = "筑教发〔2026〕12号"
    signer: Optional[str] = None  # e.g. "签发人：张三"
    # 主体
    title: Optional[str] = "贵阳市教育局关于做好2026年冬季学校安全工作的通知"
    addressee: Optional[str] = "各区（市、县）教育局，市属各学校："
    body: list[str] = field(default_factory=lambda: [
        "为切实做好今冬明春学校安全工作，保障师生生命财产安全，现将有关事项通知如下。",
        "一、高度重视安全工作",
        "各单位要把安全工作摆在突出位置，落实主体责任，层层签订责任书，确保责任到人。",
        "二、开展安全隐患排查",
        "（一）校舍安全排查。对教学楼、宿舍、食堂等重点场所进行全面检查，发现问题立即整改。",
        "（二）消防安全排查。检查消防设施设备是否完好有效，疏散通道是否畅通。",
        "三、加强值班值守",
        "各单位要严格执行领导带班和24小时值班制度，遇有突发事件及时报告。",
    ])
    attachments: list[str] = field(default_factory=lambda: ["学校安全隐患排查表"])
    attachment_line: Optional[str] = None  # raw override of the 附件说明
    signature: Optional[str] = "贵阳市教育局"
    date: Optional[str] = "2026年11月20日"
    annotation: Optional[str] = None
    cc: Optional[str] = "抄送：市委办公厅，市政府办公厅。"
    print_line: Optional[str] = "贵阳市教育局办公室　　　　　　　2026年11月20日印发"
    # 版式
    page_w: float = 210.0
    page_h: float = 297.0
    margin_top: float = 37.0
    margin_bottom: float = 35.0
    margin_left: float = 28.0
    margin_right: float = 26.0
    body_font: str = FANGSONG
    body_size: float = 16.0
    title_font: str = XBS
    title_size: float = 22.0
    title_align: str = "center"
    heading_fonts: tuple = (HEI, KAI, FANGSONG, FANGSONG)
    issuer_font: str = XBS
    issuer_color: str = "FF0000"
    issuer_align: str = "center"
    separator_color: Optional[str] = "FF0000"
    text_color: Optional[str] = None  # body text colour; None = automatic (black)
    line_pitch_pt: float = 28.95
    chars_per_line: int = 28
    page_number_format: str = "— {} —"
    page_number_font: str = SONG
    page_number_size: float = 14.0
    page_number_odd_even: bool = True
    # named-font PDF only: a closing 。，、；：”）》 that falls past the right margin hangs there, as Word and
    # LibreOffice set it by default (标点溢出边界), instead of wrapping
    hang_punctuation: bool = False

    def attachment_note(self) -> list[str]:
        if self.attachment_line is not None:
            return self.attachment_line.split("\n") if self.attachment_line else []
        if not self.attachments:
            return []
        if len(self.attachments) == 1:
            return [f"附件：{self.attachments[0]}"]
        first, *rest = self.attachments
        return [f"附件：1．{first}"] + [f"　　　{i}．{name}" for i, name in enumerate(rest, start=2)]


def conformant_notice(**changes) -> Spec:
    """A downward 通知 that breaks no rule."""
    return dataclasses.replace(Spec(), **changes)


def conformant_request(**changes) -> Spec:
    """An upward 请示 that breaks no rule: one addressee, 签发人, contact in the 附注, closing formula."""
    base = Spec(
        issuer_mark="贵阳市教育局",
        doc_number="筑教呈〔2026〕5号",
        signer="签发人：张建国",
        title="贵阳市教育局关于拨付2026年校舍维修专项资金的请示",
        addressee="贵阳市人民政府：",
        body=[
            "我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂等问题较为突出，存在安全隐患。",
            "经组织专业机构鉴定，需维修校舍共计12栋，总面积约3.6万平方米，所需资金共计860万元。",
            "为保障师生安全，恳请市人民政府从2026年市级教育专项资金中拨付上述维修资金。",
            "妥否，请批示。",
        ],
        attachments=["校舍维修项目资金测算表"],
        signature="贵阳市教育局",
        date="2026年11月20日",
        annotation="（联系人：王明，电话：0851-85551234）",
        cc=None,
        print_line="贵阳市教育局办公室　　　　　　　2026年11月20日印发",
    )
    return dataclasses.replace(base, **changes)


def conformant_report(**changes) -> Spec:
    """An upward 报告 that breaks no rule."""
    base = conformant_request(
        doc_number="筑教呈〔2026〕6号",
        title="贵阳市教育局关于2026年秋季学期开学工作情况的报告",
        body=[
            "按照市人民政府工作部署，我局认真做好2026年秋季学期开学各项工作，现将有关情况报告如下。",
            "一、基本情况",
            "全市中小学按期开学，在校学生共计52.3万人，教职工4.1万人，开学秩序平稳有序。",
            "二、主要措施",
            "（一）强化安全检查。开学前对全市学校开展安全检查，整改隐患136处。",
            "（二）保障教材供应。秋季教材已全部发放到位，做到课前到书、人手一册。",
            "特此报告。",
        ],
        attachments=[],
        annotation="（联系人：王明，电话：0851-85551234）",
    )
    return dataclasses.replace(base, **changes)


# ---------------------------------------------------------------------------------------------
# One list of blocks, shared by the docx, text and PDF writers.

@dataclass
class Block:
    text: str
    role: str
    font: str
    size: float
    align: str = "justify"  # left, center, right, justify
    first_indent_chars: float = 0.0
    left_indent_chars: float = 0.0
    right_indent_chars: float = 0.0
    color: Optional[str] = None
    page_break_before: bool = False
    border_bottom: Optional[str] = None  # colour of a rule drawn under the paragraph
    border_top: Optional[str] = None
    blank_before: int = 0  # empty lines before the block
    head: int = 0  # a heading paragraph: the first `head` characters in `font`, the rest in `rest_font`
    rest_font: Optional[str] = None

    def font_at(self, index: int) -> str:
        return self.font if not self.head or index < self.head else self.rest_font


def blocks(spec: Spec) -> list[Block]:
    out: list[Block] = []
    fs, size = spec.body_font, spec.body_size

    def add(text, role, **kw):
        kw.setdefault("font", fs)
        kw.setdefault("size", size)
        kw.setdefault("color", spec.text_color)
        out.append(Block(text=text, role=role, **kw))

    for text, role in ((spec.copy_number, "copy_number"), (spec.secrecy, "secrecy"), (spec.urgency, "urgency")):
        if text:
            add(text, role, font=HEI, align="left")
    if spec.issuer_mark:
        add(spec.issuer_mark, "issuer_mark", font=spec.issuer_font, size=26, align=spec.issuer_align,
            color=spec.issuer_color, blank_before=0)
    number_line = " ".join(x for x in (spec.doc_number, spec.signer) if x)
    if number_line:
        # 上行文: 发文字号 居左空一字 (a leading ideographic space, so the red rule under it keeps the full width)
        add(("　" + number_line) if spec.signer else number_line, "doc_number", align="left" if spec.signer else "center",
            border_bottom=spec.separator_color, blank_before=1)
    if spec.title:
        add(spec.title, "title", font=spec.title_font, size=spec.title_size, align=spec.title_align, blank_before=1)
    if spec.addressee:
        add(spec.addressee, "addressee", align="left", blank_before=1)
    for para in spec.body:
        font, head = fs, 0
        for (pattern, _default), level_font in zip(HEADING, spec.heading_fonts):
            if pattern.match(para):
                # the heading itself (up to its first full stop) takes the level's font, the rest is body text
                font, head = level_font, (para.index("。") + 1 if "。" in para else len(para))
                break
        add(para, "body", font=font, first_indent_chars=2, head=head, rest_font=fs)
    for i, text in enumerate(spec.attachment_note()):
        add(text, "attachment_note", align="left", first_indent_chars=2 if i == 0 else 0,
            left_indent_chars=0, blank_before=1 if i == 0 else 0)
    if spec.signature:
        add(spec.signature, "signature", align="right", right_indent_chars=4, blank_before=2)
    if spec.date:
        add(spec.date, "date", align="right", right_indent_chars=4)
    if spec.annotation:
        add(spec.annotation, "annotation", align="left", first_indent_chars=2, blank_before=1)
    for i, name in enumerate(spec.attachments, start=1):
        label = "附件" if len(spec.attachments) == 1 else f"附件{i}"
        add(label, "attachment_label", font=HEI, align="left", page_break_before=True)
        add(name, "attachment_title", font=spec.title_font, size=spec.title_size, align="center", blank_before=1)
        add(f"本附件为“{name}”的具体内容，请按要求填写后报送。", "attachment_body", first_indent_chars=2, blank_before=1)
    if spec.cc:
        add(spec.cc, "cc", size=14, align="left", left_indent_chars=1, right_indent_chars=1,
            border_top="000000", blank_before=2)
    if spec.print_line:
        add(spec.print_line, "print_line", size=14, align="left", left_indent_chars=1, right_indent_chars=1,
            border_top="000000", border_bottom="000000")
    return out


def to_text(spec: Spec) -> str:
    """The document as plain text, the way a clerk pastes it from an e-mail: one paragraph a line."""
    lines = []
    for b in blocks(spec):
        lines.extend([""] * b.blank_before)
        if b.page_break_before:
            lines.append("\f")
        indent = "　" * int(b.first_indent_chars) if b.role in ("body", "annotation", "attachment_body") else ""
        lines.append(indent + b.text)
    return "\n".join(lines) + "\n"


def write_text(spec: Spec, path: Path) -> Path:
    path.write_text(to_text(spec), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# docx

def write_docx(spec: Spec, path: Path) -> Path:
    from docx import Document
    from docx.enum.section import WD_SECTION  # noqa: F401  (keeps python-docx's section API loaded)
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    doc = Document()
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), spec.body_font)
    normal.font.size = Pt(spec.body_size)
    # LibreOffice takes the character grid's base pitch from the document defaults, Word from Normal:
    # set both to the body size so the 28-character grid means the same in each.
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        el = defaults.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            defaults.append(el)
        el.set(qn("w:val"), str(round(spec.body_size * 2)))
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(spec.line_pitch_pt)
    pf.space_before = pf.space_after = Pt(0)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(spec.page_w), Mm(spec.page_h)
    section.top_margin, section.bottom_margin = Mm(spec.margin_top), Mm(spec.margin_bottom)
    section.left_margin, section.right_margin = Mm(spec.margin_left), Mm(spec.margin_right)
    section.footer_distance = Mm(max(spec.margin_bottom - 7 - 6, 5))
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    block_w_pt = (spec.page_w - spec.margin_left - spec.margin_right) / 25.4 * 72
    # A line grid only: LibreOffice misreads a negative w:charSpace (it spreads 28 characters to 13),
    # so the characters keep their natural 三号 width, 27 to a line, which the grid rule tolerates.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(spec.line_pitch_pt * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)

    def border(p, side, color):
        ppr = p._p.get_or_add_pPr()
        bdr = ppr.find(qn("w:pBdr"))
        if bdr is None:
            bdr = OxmlElement("w:pBdr")
            ppr.append(bdr)
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8")
        el.set(qn("w:space"), "11" if side == "bottom" and color == spec.separator_color else "1")
        el.set(qn("w:color"), color)
        bdr.append(el)

    for b in blocks(spec):
        for _ in range(b.blank_before):
            doc.add_paragraph()
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = align[b.align]
        char_pt = b.size
        if b.first_indent_chars:
            fmt.first_line_indent = Pt(b.first_indent_chars * char_pt)
        if b.left_indent_chars:
            fmt.left_indent = Pt(b.left_indent_chars * char_pt)
        if b.right_indent_chars:
            fmt.right_indent = Pt(b.right_indent_chars * char_pt)
        if b.page_break_before:
            fmt.page_break_before = True
        if b.border_top:
            border(p, "top", b.border_top)
        if b.border_bottom:
            border(p, "bottom", b.border_bottom)
        if b.role == "doc_number" and spec.signer and spec.doc_number:
            fmt.tab_stops.add_tab_stop(Pt(block_w_pt - char_pt * 2), WD_TAB_ALIGNMENT.RIGHT)
            _add_run(p, "　" + spec.doc_number + "\t", b, qn, OxmlElement, Pt, RGBColor)
            label, _, name = spec.signer.partition("：")
            _add_run(p, label + ("：" if name else ""), b, qn, OxmlElement, Pt, RGBColor)
            if name:
                _add_run(p, name, dataclasses.replace(b, font=KAI), qn, OxmlElement, Pt, RGBColor)
        elif b.head and b.head < len(b.text):
            _add_run(p, b.text[:b.head], b, qn, OxmlElement, Pt, RGBColor)
            _add_run(p, b.text[b.head:], dataclasses.replace(b, font=b.rest_font), qn, OxmlElement, Pt, RGBColor)
        else:
            _add_run(p, b.text, b, qn, OxmlElement, Pt, RGBColor)
    _add_page_numbers(doc, spec, qn, OxmlElement, Pt, align)
    doc.save(str(path))
    return path


def _add_run(p, text, b: Block, qn, OxmlElement, Pt, RGBColor):
    run = p.add_run(text)
    # page numbers are 半角宋体 digits: the Latin font is 宋体 too; elsewhere digits take Times New Roman
    latin = b.font if b.role == "page_number" else "Times New Roman"
    set_fonts(run._r.get_or_add_rPr(), b.font, latin)
    run.font.size = Pt(b.size)
    if b.color:
        run.font.color.rgb = RGBColor.from_string(b.color)
    return run


def _add_page_numbers(doc, spec: Spec, qn, OxmlElement, Pt, align):
    section = doc.sections[0]
    doc.settings.odd_and_even_pages_header_footer = spec.page_number_odd_even
    footers = [(section.footer, "right")]
    if spec.page_number_odd_even:
        footers.append((section.even_page_footer, "left"))
    before, _, after = spec.page_number_format.partition("{}")
    for footer, side in footers:
        p = footer.paragraphs[0]
        p.paragraph_format.alignment = align[side]
        if side == "right":
            p.paragraph_format.right_indent = Pt(spec.page_number_size)
        else:
            p.paragraph_format.left_indent = Pt(spec.page_number_size)
        b = Block(text="", role="page_number", font=spec.page_number_font, size=spec.page_number_size)
        from docx.shared import RGBColor
        _add_run(p, before, b, qn, OxmlElement, Pt, RGBColor)
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
            run = _add_run(p, "", b, qn, OxmlElement, Pt, RGBColor)
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            elif kind == "text":
                el = OxmlElement("w:t")
                el.text = text
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        _add_run(p, after, b, qn, OxmlElement, Pt, RGBColor)


# ---------------------------------------------------------------------------------------------
# PDF with correctly named fonts (reportlab), laid out on the GB/T 9704 grid

PDF_FONT_NAMES = {FANGSONG: "FangSong_GB2312", XBS: "FZXiaoBiaoSong-B05S", HEI: "SimHei",
                  KAI: "KaiTi_GB2312", SONG: "SimSun"}


def write_named_font_pdf(spec: Spec, path: Path, font_dir: Path, canvas_factory=None) -> Path:
    """Typeset the spec with reportlab, embedding fonts whose names are the standard 公文 fonts.

    The glyphs come from a free CJK face (AR PL UMing), renamed with fontTools: what is tested is
    the font *name* a sender's PDF carries, which is all a validator can see. `canvas_factory`
    (default reportlab's Canvas) lets tests/ofd_builder.py typeset the same pages as OFD.
    """
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    all_blocks = blocks(spec)
    prepare_fonts("".join(b.text for b in all_blocks), font_dir)
    c = (canvas_factory or canvas.Canvas)(str(path), pagesize=(spec.page_w * mm, spec.page_h * mm))
    pitch = spec.line_pitch_pt
    block_w = (spec.page_w - spec.margin_left - spec.margin_right) * mm
    top = spec.page_h * mm - spec.margin_top * mm
    bottom_limit = spec.margin_bottom * mm
    state = {"y": top, "page": 1}

    def font_of(name):
        return PDF_FONT_NAMES.get(name, "FangSong_GB2312")

    def finish_page():
        _pdf_page_number(c, spec, state["page"], font_of)
        c.showPage()
        state["page"] += 1
        state["y"] = top

    def next_line():
        state["y"] -= pitch
        if state["y"] - pitch < bottom_limit - 1:
            finish_page()

    for b in all_blocks:
        if b.page_break_before:
            finish_page()
        for _ in range(b.blank_before):
            next_line()
        font = font_of(b.font)
        c.setFont(font, b.size)
        r, g, bl = (int((b.color or "000000")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        c.setFillColorRGB(r, g, bl)
        width = block_w - (b.left_indent_chars + b.right_indent_chars) * b.size
        # body text sits on the 28-character grid; other blocks use their natural width
        char_w = block_w / spec.chars_per_line if b.size == spec.body_size else b.size
        lines = _wrap(b.text, width, char_w, b.first_indent_chars, spec.hang_punctuation)
        offset = 0
        for i, text in enumerate(lines):
            baseline = state["y"] - max(pitch * 0.8, b.size * 0.9)  # glyphs never rise above the line box
            x_left = spec.margin_left * mm + b.left_indent_chars * b.size
            if i == 0:
                x_left += b.first_indent_chars * char_w
            text_w = _text_width(text, char_w)
            if b.align == "center":
                x = spec.margin_left * mm + (block_w - text_w) / 2
            elif b.align == "right":
                x = spec.margin_left * mm + block_w - b.right_indent_chars * b.size - text_w
            else:
                x = x_left
            _draw_grid_text(c, x, baseline, text, char_w, [font_of(b.font_at(offset + k)) for k in range(len(text))], b.size)
            offset += len(text)
            if b.border_bottom and i == len(lines) - 1:
                _pdf_rule(c, spec, baseline - (4 * mm if b.border_bottom == spec.separator_color else 3), b.border_bottom)
            if b.border_top and i == 0:
                _pdf_rule(c, spec, state["y"] + 1, b.border_top)
            next_line()
    _pdf_page_number(c, spec, state["page"], font_of)
    c.showPage()
    c.save()
    return path


HANGING = set("。，、；：！？”’）》")


def _text_width(text: str, char_w: float) -> float:
    return sum(char_w if ord(ch) > 0x2000 else char_w / 2 for ch in text)


def _draw_grid_text(c, x, baseline, text, char_w, fonts, size):
    """Place each character in its grid cell, as Word does on a document grid."""
    for ch, font in zip(text, fonts):
        c.setFont(font, size)
        c.drawString(x, baseline, ch)
        x += char_w if ord(ch) > 0x2000 else char_w / 2


def _wrap(text: str, width: float, char_w: float, first_indent: float, hang: bool = False) -> list[str]:
    lines, current, used = [], "", first_indent * char_w
    for ch in text:
        w = char_w if ord(ch) > 0x2000 else char_w / 2
        if used + w > width + 0.01 and current and not (hang and ch in HANGING and used <= width + 0.01):
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    lines.append(current)
    return lines


def _pdf_rule(c, spec: Spec, y, color):
    from reportlab.lib.units import mm
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (0, 2, 4))
    c.setStrokeColorRGB(r, g, b)
    c.setLineWidth(1)
    c.line(spec.margin_left * mm, y, (spec.page_w - spec.margin_right) * mm, y)


def _pdf_page_number(c, spec: Spec, number: int, font_of):
    from reportlab.lib.units import mm
    text = spec.page_number_format.format(number)
    font = font_of(spec.page_number_font)
    c.setFont(font, spec.page_number_size)
    c.setFillColorRGB(0, 0, 0)
    y = spec.margin_bottom * mm - 7 * mm - spec.page_number_size * 0.76
    width = c.stringWidth(text, font, spec.page_number_size)
    if number % 2 == 1 or not spec.page_number_odd_even:
        x = (spec.page_w - spec.margin_right) * mm - spec.page_number_size - width
    else:
        x = spec.margin_left * mm + spec.page_number_size
    c.drawString(x, y, text)


# reportlab keeps one face per PostScript name for the whole process, so the renamed fonts are made once,
# covering every character that the test and benchmark sources can put into a document.
_FONT_FILES: dict[str, Path] = {}  # ps name → the font file registered with reportlab
_FONTS: dict[str, str] = {}


_EXTRA_CHARS: set[str] = set()


def allow_chars(text: str) -> None:
    """Let the documents typeset in this process use the characters of `text` too (a benchmark typesetting real
    texts). Call it before the first document is written: the fonts are made once per process."""
    if _FONTS and set(text) - set(next(iter(_FONTS.values()))):
        raise RuntimeError("allow_chars() must come before the first document is typeset in this process")
    _EXTRA_CHARS.update(text)


def _source_chars() -> str:
    root = Path(__file__).resolve().parents[1]
    text = "".join(p.read_text(encoding="utf-8") for d in ("tests", "bench", "scripts") for p in (root / d).rglob("*.py"))
    return "".join(sorted(set(text) | set(map(chr, range(0x20, 0x7F))) | set("—…“”‘’　０１２３４５６７８９") | _EXTRA_CHARS))


def prepare_fonts(chars: str, font_dir: Path) -> None:
    """Register reportlab fonts named like the 公文 fonts (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not _FONTS:
        covered = _source_chars()
        for ps_name in PDF_FONT_NAMES.values():
            path = named_font(ps_name, covered, font_dir)
            pdfmetrics.registerFont(TTFont(ps_name, str(path)))
            _FONTS[ps_name] = covered
            _FONT_FILES[ps_name] = path
    font_dir.mkdir(parents=True, exist_ok=True)
    for ps_name, path in _FONT_FILES.items():  # registered once per process, but every caller's folder has the files
        if not (font_dir / path.name).exists():
            shutil.copyfile(path, font_dir / path.name)
    missing = set(chars) - set(next(iter(_FONTS.values()))) - set("\n\f")
    if missing:
        raise ValueError(f"characters not covered by the test fonts: {''.join(sorted(missing))}")


def named_font(ps_name: str, chars: str, font_dir: Path) -> Path:
    """A subset of AR PL UMing holding `chars`, renamed to `ps_name` (family and PostScript name)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont as FTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # it lists every bitmap table it drops
    font_dir.mkdir(parents=True, exist_ok=True)
    out = font_dir / f"{ps_name}.ttf"
    font = FTFont(str(_find_cjk_font()), fontNumber=0)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = ps_name
    font.save(str(out))
    return out


def _find_cjk_font() -> Path:
    for candidate in ("/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/arphic/ukai.ttc"):
        if Path(candidate).exists():
            return Path(candidate)
    raise FileNotFoundError("未找到 CJK 字体(fonts-arphic-uming),请运行 scripts/setup.sh")
