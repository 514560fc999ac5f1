"""docx → layout model, through python-docx and its oxml layer (Word 文档读取).

Fonts are resolved the way Word does it: direct run formatting → character style chain → paragraph
style chain → document defaults → theme fonts. East Asian text takes `w:eastAsia`, Latin text
`w:ascii`. Paragraph properties (alignment, indents, exact line spacing, bottom border) follow the
paragraph style chain the same way.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Optional

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from . import limits
from .errors import UnusableInput, technical
from .fonts import family_of
from .layout import Document, Line, Page, Picture, Run

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "a": A, "v": "urn:schemas-microsoft-com:vml", "mc": MC, "wp": WP,
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
EMU_PER_MM = 36000
TWIPS_PER_MM = 1440 / 25.4
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def check_package(data: bytes) -> None:
    """Refuse zip bombs and XML entity tricks before python-docx sees the file."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnusableInput("docx 文件损坏，压缩结构无法读取", "corrupt", technical(exc)) from exc
    limits.check_zip_members(infos, "docx", (".xml", ".rels"))
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnusableInput("docx 含有 XML 实体声明（DTD），Word 文档不应包含，疑似恶意构造", "hostile")


@dataclass
class _Props:
    east_asia: Optional[str] = None
    ascii: Optional[str] = None
    east_asia_theme: Optional[str] = None
    ascii_theme: Optional[str] = None
    size_pt: Optional[float] = None
    color: Optional[str] = None
    bold: Optional[bool] = None

    def fill_from(self, rpr) -> None:
        """Take every property this rPr sets that is still unset (inner levels were read first)."""
        if rpr is None:
            return
        fonts = rpr.find(_w("rFonts"))
        if fonts is not None:
            self.east_asia = self.east_asia or fonts.get(_w("eastAsia"))
            self.ascii = self.ascii or fonts.get(_w("ascii")) or fonts.get(_w("hAnsi"))
            self.east_asia_theme = self.east_asia_theme or fonts.get(_w("eastAsiaTheme"))
            self.ascii_theme = self.ascii_theme or fonts.get(_w("asciiTheme"))
        sz = rpr.find(_w("sz"))
        if self.size_pt is None and sz is not None and sz.get(_w("val")):
            self.size_pt = int(sz.get(_w("val"))) / 2
        color = rpr.find(_w("color"))
        if self.color is None and color is not None and color.get(_w("val")):
            self.color = color.get(_w("val")).upper()
        b = rpr.find(_w("b"))
        if self.bold is None and b is not None:
            self.bold = b.get(_w("val"), "true") not in ("0", "false", "off")


class _Styles:
    """Style chains and defaults of one document, resolved once per style id."""

    def __init__(self, document):
        root = document.styles.element
        self.by_id = {s.get(_w("styleId")): s for s in root.findall(_w("style"))}
        self.default_para = next(
            (s.get(_w("styleId")) for s in root.findall(_w("style"))
             if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true")), None)
        self.default_rpr = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_ppr = root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")
        self.theme = _theme_fonts(document)

    def chain(self, style_id: Optional[str]) -> list:
        out, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            based = style.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None
        return out


def _theme_fonts(document) -> dict[str, str]:
    """minorEastAsia/majorEastAsia/minorHAnsi… → typeface, from the theme part."""
    try:
        part = document.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = etree.fromstring(part.blob, _SAFE_XML)
    fonts: dict[str, str] = {}
    for kind in ("major", "minor"):
        node = root.find(f".//{{{A}}}{kind}Font")
        if node is None:
            continue
        latin, ea = node.find(f"{{{A}}}latin"), node.find(f"{{{A}}}ea")
        hans = node.find(f"{{{A}}}font[@script='Hans']")
        fonts[f"{kind}HAnsi"] = latin.get("typeface") if latin is not None else None
        fonts[f"{kind}Ascii"] = fonts[f"{kind}HAnsi"]
        ea_face = ea.get("typeface") if ea is not None else ""
        fonts[f"{kind}EastAsia"] = ea_face or (hans.get("typeface") if hans is not None else None)
    return fonts


def _mm(twips: Optional[str]) -> Optional[float]:
    return int(twips) / TWIPS_PER_MM if twips not in (None, "") else None


class _ParagraphReader:
    def __init__(self, styles: _Styles):
        self.styles = styles

    def para_style_chain(self, p):
        ppr = p.find(_w("pPr"))
        style_id = None
        if ppr is not None and ppr.find(_w("pStyle")) is not None:
            style_id = ppr.find(_w("pStyle")).get(_w("val"))
        return self.styles.chain(style_id or self.styles.default_para)

    def ppr_levels(self, p) -> list:
        """Direct pPr, then each paragraph style's pPr, then the document default."""
        chain = self.para_style_chain(p)
        return [p.find(_w("pPr"))] + [s.find(_w("pPr")) for s in chain] + [self.styles.default_ppr]

    def run_props(self, r, p) -> _Props:
        props = _Props()
        rpr = r.find(_w("rPr"))
        props.fill_from(rpr)
        if rpr is not None and rpr.find(_w("rStyle")) is not None:
            for style in self.styles.chain(rpr.find(_w("rStyle")).get(_w("val"))):
                props.fill_from(style.find(_w("rPr")))
        for style in self.para_style_chain(p):
            props.fill_from(style.find(_w("rPr")))
        props.fill_from(self.styles.default_rpr)
        return props

    def read(self, p, zone: str) -> Line:
        line = Line(zone=zone)
        for level in self.ppr_levels(p):
            if level is None:
                continue
            jc = level.find(_w("jc"))
            if line.align is None and jc is not None:
                line.align = {"both": "justify", "distribute": "justify", "start": "left", "end": "right"}.get(
                    jc.get(_w("val")), jc.get(_w("val")))
            ind = level.find(_w("ind"))
            if ind is not None:
                if line.first_indent_mm is None:
                    if ind.get(_w("firstLineChars")) is not None:
                        line.first_indent_mm = -1.0  # in characters: resolved below from the font size
                        line._first_chars = int(ind.get(_w("firstLineChars"))) / 100  # type: ignore[attr-defined]
                    elif ind.get(_w("firstLine")) is not None:
                        line.first_indent_mm = _mm(ind.get(_w("firstLine")))
                    elif ind.get(_w("hanging")) is not None:
                        line.first_indent_mm = -_mm(ind.get(_w("hanging")))
                if line.left_indent_mm is None and (ind.get(_w("left")) or ind.get(_w("start"))):
                    line.left_indent_mm = _mm(ind.get(_w("left")) or ind.get(_w("start")))
                if line.right_indent_mm is None and (ind.get(_w("right")) or ind.get(_w("end"))):
                    line.right_indent_mm = _mm(ind.get(_w("right")) or ind.get(_w("end")))
            spacing = level.find(_w("spacing"))
            if line.line_pitch_pt is None and spacing is not None and spacing.get(_w("lineRule")) == "exact":
                line.line_pitch_pt = int(spacing.get(_w("line"))) / 20
            border = level.find(f"{_w('pBdr')}/{_w('bottom')}")
            if line.border_bottom_color is None and border is not None and border.get(_w("val")) not in (None, "nil", "none"):
                line.border_bottom_color = (border.get(_w("color")) or "000000").upper().replace("AUTO", "000000")
        for r in p.iter(_w("r")):
            if _in_text_box_or_fallback(r, p):
                continue  # a text box is read as lines of its own (text_box_lines); a fallback copy not at all
            text = _run_text(r)
            if not text:
                continue
            props = self.run_props(r, p)
            font = self._font_for(text, props)
            color = props.color if props.color and props.color != "AUTO" else None
            line.runs.append(Run(text=text, font=font, family=family_of(font), size_pt=props.size_pt or 10.5,
                                 color=color, bold=bool(props.bold)))
        shape_color = _shape_line_color(p)
        if shape_color and line.border_bottom_color is None:
            line.border_bottom_color = shape_color
        if getattr(line, "_first_chars", None) is not None:
            size = next((r.size_pt for r in line.runs if r.size_pt), 16.0)
            line.first_indent_mm = line._first_chars * size / 72 * 25.4  # type: ignore[attr-defined]
        return line

    def _font_for(self, text: str, props: _Props) -> Optional[str]:
        theme = self.styles.theme
        east = props.east_asia or theme.get(props.east_asia_theme or "minorEastAsia")
        latin = props.ascii or theme.get(props.ascii_theme or "minorHAnsi")
        return east if CJK.search(text) else (latin or east)


def _in_text_box_or_fallback(node, stop) -> bool:
    """Whether `node` lies, below `stop`, in a text box's content (w:txbxContent) or in an mc:Fallback — the
    second copy Word and WPS store of every drawing (the VML text box under the DrawingML one)."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (_w("txbxContent"), f"{{{MC}}}Fallback"):
            return True
        parent = parent.getparent()
    return False


def _in_fallback(node, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{{{MC}}}Fallback":
            return True
        parent = parent.getparent()
    return False


def text_box_lines(p, reader: "_ParagraphReader") -> list[Line]:
    """The paragraphs of the text boxes anchored in paragraph `p`, each read once (mc:Choice, never the
    mc:Fallback copy), as lines of their own. A text box centred on the page (wp:positionH align="center", or
    VML's mso-position-horizontal:center) makes its lines centred: the 发文机关标志 set in a text box."""
    lines: list[Line] = []
    for box in p.iter(_w("txbxContent")):
        if _in_text_box_or_fallback(box, p):
            continue  # a fallback copy, or a box inside a box (read with its outer box)
        centred = _box_centred(box, p)
        for inner in box.iter(_w("p")):
            line = reader.read(inner, "body")
            if not line.runs or not line.text.strip():
                continue
            if centred:
                line.align = "center"
            lines.append(line)
    return lines


def _box_centred(box, stop) -> bool:
    parent = box.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{{{WP}}}anchor":
            align = parent.find(f"{{{WP}}}positionH/{{{WP}}}align")
            return align is not None and (align.text or "").strip() == "center"
        style = parent.get("style") or ""
        if "mso-position-horizontal:center" in style.replace(" ", ""):
            return True
        parent = parent.getparent()
    return False


def _run_text(r) -> str:
    parts = []
    for child in r:
        tag = etree.QName(child).localname
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag == "br" and child.get(_w("type")) not in ("page", "column"):
            parts.append("\n")
    return "".join(parts)


def _has_page_break(p) -> bool:
    if p.find(f"{_w('pPr')}/{_w('pageBreakBefore')}") is not None:
        return True
    return any(br.get(_w("type")) == "page" for br in p.iter(_w("br")))


def _shape_line_color(p) -> Optional[str]:
    """A separator drawn as a shape (DrawingML or VML line) inside the paragraph."""
    for ln in p.iterfind(".//a:ln", NS):
        clr = ln.find(".//a:srgbClr", NS)
        if clr is not None:
            return clr.get("val").upper()
    for vline in p.iterfind(".//v:line", NS):
        return (vline.get("strokecolor") or "#000000").lstrip("#").upper()
    return None


def _footer_page_numbers(document, reader: "_ParagraphReader") -> list[dict]:
    """Page-number paragraphs in the footers: the PAGE field is read as the digit 1 (odd) or 2 (even)."""
    out = []
    section = document.sections[-1]
    footers = [("default", section.footer)]
    if document.settings.odd_and_even_pages_header_footer:
        footers.append(("even", section.even_page_footer))
    for kind, footer in footers:
        if kind == "even" and footer.is_linked_to_previous:
            continue
        for p in footer._element.iter(_w("p")):
            if _in_fallback(p, footer._element):
                continue  # the VML copy of a text box Word put the page number in: read once
            has_field = any("PAGE" in (t.text or "") for t in p.iter(_w("instrText"))) or any(
                "PAGE" in (f.get(_w("instr")) or "") for f in p.iter(_w("fldSimple")))
            if not has_field:
                continue
            line = reader.read(p, "footer")
            text = _page_field_text(p, "1" if kind == "default" else "2")
            font_run = next((r for r in line.runs if r.text.strip(" —-")), line.runs[0] if line.runs else None)
            out.append({"kind": kind, "text": text, "align": line.align,
                        "font": font_run.font if font_run else None,
                        "family": font_run.family if font_run else None,
                        "size_pt": font_run.size_pt if font_run else None})
    return out


def _page_field_text(p, digit: str) -> str:
    """Footer text with the PAGE field replaced by a digit, its cached result dropped."""
    out, in_field = [], False
    for node in p.iter(_w("t"), _w("fldChar"), _w("fldSimple"), _w("instrText")):
        tag = etree.QName(node).localname
        if tag == "fldChar":
            kind = node.get(_w("fldCharType"))
            in_field = kind != "end"
            if kind == "begin":
                out.append(digit)
        elif tag == "fldSimple":
            out.append(digit)
        elif tag == "t" and not in_field and not _inside_fld_simple(node):
            out.append(node.text or "")
    return "".join(out)


def _inside_fld_simple(node) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == _w("fldSimple"):
            return True
        parent = parent.getparent()
    return False


_NO_BORDER = (None, "nil", "none")


def _border_color(el) -> Optional[str]:
    if el is None or el.get(_w("val")) in _NO_BORDER:
        return None
    return (el.get(_w("color")) or "000000").upper().replace("AUTO", "000000")


def _top_border_color(p) -> Optional[str]:
    """Colour of a border drawn over a paragraph (w:pBdr/w:top), None without one."""
    return _border_color(p.find(f"{_w('pPr')}/{_w('pBdr')}/{_w('top')}"))


def _table_bottom_rule(tbl) -> Optional[str]:
    """Colour of the rule under a table: its own bottom border (w:tblBorders) or every last-row cell's.

    GB/T 9704-2012 7.2.7: the red separator under a 版头 laid out as a borderless table is often the
    table's bottom border. A table style's borders are not resolved (a 版头 table sets its own).
    """
    rows = tbl.findall(_w("tr"))
    if not rows:
        return None
    cell_colours = [_border_color(tc.find(f"{_w('tcPr')}/{_w('tcBorders')}/{_w('bottom')}"))
                    for tc in rows[-1].findall(_w("tc"))]
    if cell_colours and all(cell_colours):
        return cell_colours[0]
    return _border_color(tbl.find(f"{_w('tblPr')}/{_w('tblBorders')}/{_w('bottom')}"))


HEAD_PICTURE_LINES = 40  # pictures are kept from page 1's first lines only (the 版头 and the title are there)
MAX_HEAD_PICTURES = 8
_R_EMBED = f"{{{NS['r']}}}embed"
_R_ID = f"{{{NS['r']}}}id"


def _pictures(block, part, line: int, align: Optional[str], zone: str = "body") -> list[Picture]:
    """The pictures in a paragraph or table (DrawingML a:blip, VML v:imagedata) with their image bytes from the
    part's relationships and their size as placed; for the 密级 a picture may carry (extractors/image_marks.py)."""
    out = []
    for blip in block.iterfind(".//a:blip", NS):
        rid = blip.get(_R_EMBED)
        holder = next((a for a in blip.iterancestors() if etree.QName(a).localname in ("inline", "anchor")), None)
        extent = holder.find("wp:extent", NS) if holder is not None else None
        size = ((int(extent.get("cx", 0)) / EMU_PER_MM, int(extent.get("cy", 0)) / EMU_PER_MM)
                if extent is not None else (None, None))
        out.append(_picture(part, rid, size, line, align, zone))
    for data in block.iterfind(".//v:imagedata", NS):
        shape = data.getparent()
        style = dict(kv.split(":", 1) for kv in (shape.get("style") or "").replace(" ", "").split(";") if ":" in kv)
        size = tuple(_css_mm(style.get(k)) for k in ("width", "height"))
        out.append(_picture(part, data.get(_R_ID), size, line, align, zone))
    return out


def _picture(part, rid: Optional[str], size, line: int, align: Optional[str], zone: str) -> Picture:
    try:
        blob = part.related_parts[rid].blob if rid else None
    except (KeyError, AttributeError):
        blob = None  # an external or broken link: a picture whose content is unknown
    return Picture(width_mm=size[0], height_mm=size[1], line=line, align=align, zone=zone, data=blob)


def _css_mm(value: Optional[str]) -> Optional[float]:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(pt|in|mm|cm|px)?", value or "")
    if not m:
        return None
    return float(m.group(1)) * {"pt": 25.4 / 72, "in": 25.4, "mm": 1, "cm": 10, "px": 25.4 / 96, None: 25.4 / 72}[m.group(2)]


def _first_page_header_lines(document, reader: "_ParagraphReader", pictures: Optional[list] = None) -> list[Line]:
    """Text of the first page's header (信函格式 puts the 发文机关标志 and its red double line there).

    The first-page header when the section has one (Word's 首页不同), else the default header; page-number
    fields are left out. The lines are handed to the element parser as the top of page 1 (zone "body").
    """
    section = document.sections[0]
    header = section.first_page_header if section.different_first_page_header_footer else section.header
    try:
        if header.is_linked_to_previous:
            return []
    except (KeyError, ValueError):
        return []
    lines = []
    for p in header._element.iter(_w("p")):
        if _in_text_box_or_fallback(p, header._element):
            continue  # read below with the paragraph that anchors its text box, once
        lines.extend(text_box_lines(p, reader))  # a 信函 mark set in a text box of the header
        if any("PAGE" in (t.text or "") for t in p.iter(_w("instrText"))):
            continue
        line = reader.read(p, "body")
        if pictures is not None:
            pictures.extend(_pictures(p, header.part, len(lines), line.align, "header"))
        if line.runs and line.text.strip():
            lines.append(line)
        elif line.border_bottom_color and lines:
            lines[-1].border_bottom_color = lines[-1].border_bottom_color or line.border_bottom_color
    return lines


def _grid_chars_from_runs(pages: list[Page], grid, styles: "_Styles") -> None:
    """Characters per line from the size the body's runs actually use (GB/T 9704-2012 5.2.3).

    Word's character grid has the pitch of the Normal style's size plus w:charSpace; a character larger than
    a cell takes as many whole cells as it needs. Without a character grid a line holds the 版心 width
    divided by the characters' own size. So a Normal style left at 五号 with every run set to 三号 still
    gives 27–28 characters, not 42.
    """
    sizes: dict[float, int] = {}
    for page in pages:
        for line in page.lines:
            if line.zone != "body":
                continue
            for run in line.runs:
                if run.size_pt and CJK.search(run.text):
                    sizes[run.size_pt] = sizes.get(run.size_pt, 0) + len(run.text)
    if not sizes:
        return
    body_pt = max(sizes.items(), key=lambda t: t[1])[0]  # the size most characters use
    base = _Props()
    base.fill_from(styles.by_id[styles.default_para].find(_w("rPr")) if styles.default_para in styles.by_id else None)
    base.fill_from(styles.default_rpr)
    pitch_pt = body_pt
    if grid is not None and grid.get(_w("type")) in ("linesAndChars", "snapToChars") and grid.get(_w("charSpace")):
        cell = (base.size_pt or 10.5) + int(grid.get(_w("charSpace"))) / 4096
        if cell > 0:
            pitch_pt = cell * max(1, -(-body_pt // cell)) if body_pt > cell * 1.05 else cell
    for page in pages:
        block_w = (page.width_mm or 0) - (page.margin_left_mm or 0) - (page.margin_right_mm or 0)
        if block_w > 0 and pitch_pt > 0:
            page.grid_chars = int(block_w / (pitch_pt / 72 * 25.4) + 0.05)


# a Word template's (.dotx, .dotm) or a macro-enabled document's (.docm) main part: the same WordprocessingML as a
# docx's, under another content type that python-docx refuses ("is not a Word file"); read as a docx's
TEMPLATE_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                 "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
MACRO_DOCUMENT_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def as_document_package(data: bytes) -> tuple[bytes, bool]:
    """(bytes python-docx opens, whether the file is a Word template): a .dotx/.dotm's main part is declared a
    document's in a copy of the package ([Content_Types].xml rewritten, every other member as it is); a docx is
    returned unchanged. Macros are never run (only the XML is read)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            types = zf.read("[Content_Types].xml").decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            return data, False
        template = any(t in types for t in TEMPLATE_MAIN)
        if not template and MACRO_DOCUMENT_MAIN not in types:
            return data, False
        for t in TEMPLATE_MAIN + (MACRO_DOCUMENT_MAIN,):
            types = types.replace(t, DOCUMENT_MAIN)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in zf.infolist():
                body = types.encode("utf-8") if info.filename == "[Content_Types].xml" else zf.read(info.filename)
                copy.writestr(info, body)
    return out.getvalue(), template


def read_docx(data: bytes) -> Document:
    """A docx (or a Word template .dotx/.dotm, read the same and marked Document.template) → the layout model."""
    check_package(data)
    try:
        data, template = as_document_package(data)
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower() or "huge" in str(exc).lower():
            raise UnusableInput("docx 的 XML 嵌套层级过深（超过 256 层），疑似恶意构造", "hostile") from exc
        raise UnusableInput("docx 内容 XML 损坏，无法读取", "corrupt", technical(exc)) from exc
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnusableInput("docx 文件结构不完整或损坏", "corrupt", technical(exc)) from exc

    styles = _Styles(document)
    reader = _ParagraphReader(styles)
    section = document.sections[0]
    sect_pr = section._sectPr
    grid = sect_pr.find(_w("docGrid"))

    def new_page(number: int) -> Page:
        page = Page(number=number,
                    width_mm=section.page_width / EMU_PER_MM if section.page_width else None,
                    height_mm=section.page_height / EMU_PER_MM if section.page_height else None,
                    margin_top_mm=section.top_margin / EMU_PER_MM if section.top_margin is not None else None,
                    margin_bottom_mm=section.bottom_margin / EMU_PER_MM if section.bottom_margin is not None else None,
                    margin_left_mm=section.left_margin / EMU_PER_MM if section.left_margin is not None else None,
                    margin_right_mm=section.right_margin / EMU_PER_MM if section.right_margin is not None else None)
        if grid is not None and grid.get(_w("linePitch")) and page.height_mm:
            block_h = page.height_mm - (page.margin_top_mm or 0) - (page.margin_bottom_mm or 0)
            page.grid_lines = round(block_h / (int(grid.get(_w("linePitch"))) / TWIPS_PER_MM))
        base = _Props()  # the Normal style's size: the grid's character pitch is based on it
        base.fill_from(styles.by_id[styles.default_para].find(_w("rPr")) if styles.default_para in styles.by_id else None)
        base.fill_from(styles.default_rpr)
        pitch_pt = base.size_pt or 10.5
        if grid is not None and grid.get(_w("type")) == "linesAndChars" and grid.get(_w("charSpace")):
            pitch_pt += int(grid.get(_w("charSpace"))) / 4096  # 1/4096 pt added to each character
        block_w = (page.width_mm or 0) - (page.margin_left_mm or 0) - (page.margin_right_mm or 0)
        if pitch_pt > 0 and block_w > 0:
            page.grid_chars = int(block_w / (pitch_pt / 72 * 25.4) + 0.05)
        return page

    pages = [new_page(1)]
    body = document.element.body
    head_pictures: list[Picture] = []  # page 1's, in its first lines (the 版头)

    def keep_pictures(block, align: Optional[str]) -> None:
        if len(pages) == 1 and len(pages[0].lines) < HEAD_PICTURE_LINES and len(head_pictures) < MAX_HEAD_PICTURES:
            head_pictures.extend(_pictures(block, document.part, len(pages[0].lines), align))

    with limits.time_limit(what="读取 docx"):
        for block in body.iterchildren():
            tag = etree.QName(block).localname
            if tag == "p":
                if _has_page_break(block) and pages[-1].lines:
                    pages.append(new_page(len(pages) + 1))
                pages[-1].lines.extend(text_box_lines(block, reader))
                line = reader.read(block, "body")
                keep_pictures(block, line.align)
                above = _top_border_color(block)
                if above and pages[-1].lines and pages[-1].lines[-1].border_bottom_color is None:
                    pages[-1].lines[-1].border_bottom_color = above  # a rule over this paragraph is under the last
                if not line.text.strip() and line.border_bottom_color:
                    # an empty paragraph whose bottom border is the red rule (WPS and Word templates): the rule is
                    # under the line above it
                    last = next((x for x in reversed(pages[-1].lines) if x.text.strip()), None)
                    if last is not None and last.border_bottom_color is None:
                        last.border_bottom_color = line.border_bottom_color
                if line.runs or line.border_bottom_color:
                    pages[-1].lines.append(line)
            elif tag == "tbl":
                # cells in reading order (row by row, left to right): a 版头 table's 文号 and 签发人 become lines
                table_lines = []
                for p in block.iter(_w("p")):
                    if _in_text_box_or_fallback(p, block):
                        continue  # a text box in a cell: read once, with the paragraph that anchors it
                    table_lines += text_box_lines(p, reader)
                    line = reader.read(p, "table")
                    if line.runs:
                        table_lines.append(line)
                keep_pictures(block, "left")  # a 版头 table's cell: its upper left is where the 密级 stands
                rule = _table_bottom_rule(block)
                if table_lines and rule and table_lines[-1].border_bottom_color is None:
                    table_lines[-1].border_bottom_color = rule  # the red separator drawn as the table's border
                pages[-1].lines.extend(table_lines)
    header_pictures: list[Picture] = []
    header_lines = _first_page_header_lines(document, reader, header_pictures)
    pages[0].lines[:0] = header_lines
    for picture in head_pictures:
        picture.line += len(header_lines)
    pages[0].pictures = (header_pictures + head_pictures)[:MAX_HEAD_PICTURES]
    _grid_chars_from_runs(pages, grid, styles)
    fonts = sorted({r.font for pg in pages for ln in pg.lines for r in ln.runs if r.font})
    return Document(format="docx", pages=pages, geometry=True, fonts=fonts,
                    page_number_footers=_footer_page_numbers(document, reader), template=template,
                    notes=["原件是 Word 模板文件（.dotx/.dotm），按模板读取"] if template else [])


def read(data: bytes, fmt: str = "docx", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): a docx has its text in the file, `ocr` changes nothing."""
    return read_docx(data)
