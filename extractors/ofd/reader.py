"""OFD (GB/T 33190-2016) → the one layout model (OFD 读取).

OFD.xml → every DocBody → Document.xml → pages (with their templates and resources) → glyphs,
paths and images in millimetres (content.py) → the same Pieces and Rules the PDF reader makes →
`assemble_page`, so every rule runs on OFD exactly as on a PDF with a text layer.

Text stored as private-use code points by an embedded subset font is mapped back to Unicode through
that font's own tables (fontmap.py); a page where that is impossible is rendered and OCR'd.
Electronic seals (Signatures.xml) are reported with their place and a digest check (seals.py).
"""
from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass, field
from typing import Optional

from .. import limits
from ..assemble import Piece, assemble_page, merge_chars
from ..errors import UnusableInput
from ..fonts import looks_substituted
from ..layout import PT_PER_MM, Document, Picture, Rule
from .container import Package, normalise
from .content import ContentReader, Glyph, PageContent
from .fontmap import FontMapper, is_private_use
from .resources import Resources, numbers

A4 = (210.0, 297.0)
# A glyph's box around its baseline, as fractions of the size (PDFium's loose boxes for CJK faces).
ASCENT, DESCENT = 0.88, 0.12
MAX_TEMPLATES_DEEP = 4
FAR_MM = 10_000  # ten metres: anything placed further is a hostile or broken number, not a page's content


@dataclass
class OfdFile:
    """What was read from one package before it becomes the layout model (kept for rendering)."""

    package: Package
    pages: list[PageContent] = field(default_factory=list)
    page_ids: list[str] = field(default_factory=list)  # the Page ID of each page, in order ("1001")
    documents: int = 0
    producer: Optional[str] = None
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (Signatures.xml part, DocBody index)
    fonts: FontMapper = None  # type: ignore[assignment]


def open_ofd(data: bytes) -> OfdFile:
    """Parse the package into page contents; raises UnusableInput (Chinese reason)."""
    package = Package(data)
    if not package.has("OFD.xml"):
        raise UnusableInput("OFD 文件缺少根文件 OFD.xml", "corrupt")
    ofd = OfdFile(package=package)
    ofd.fonts = FontMapper(package)
    root = package.xml("OFD.xml")
    bodies = root.findall("DocBody")
    if not bodies:
        raise UnusableInput("OFD 文件中没有文档（缺少 DocBody）", "corrupt")
    for body in bodies:
        doc_root = body.findtext("DocRoot")
        if not doc_root or not doc_root.strip():
            continue
        info = body.find("DocInfo")
        if info is not None and ofd.producer is None:
            ofd.producer = (info.findtext("Creator") or "").strip() or None
        signatures = body.findtext("Signatures")
        part = normalise(doc_root)
        if signatures and signatures.strip():
            # paths in OFD.xml are relative to the package root; some producers write them from the document
            sig_part = normalise(signatures)
            if not package.has(sig_part):
                sig_part = normalise(signatures, posixpath.dirname(part))
            ofd.signatures.append((sig_part, part))
        _read_document(ofd, part)
        ofd.documents += 1
    if not ofd.pages:
        raise UnusableInput("OFD 文件中没有页面", "empty")
    return ofd


def _read_document(ofd: OfdFile, part: str) -> None:
    package = ofd.package
    if not package.has(part):
        raise UnusableInput(f"OFD 文件缺少文档部件“{part}”", "corrupt")
    doc = package.xml(part)
    folder = posixpath.dirname(part)
    common = doc.find("CommonData")
    res = Resources()
    area = (0.0, 0.0) + A4
    templates: dict[str, tuple[str, str]] = {}  # ID → (part, ZOrder)
    if common is not None:
        for tag in ("PublicRes", "DocumentRes"):
            for el in common.findall(tag):
                name = normalise(el.text or "", folder)
                if package.has(name):
                    res.load(package, name)
        area = _box(common.find("PageArea"), area)
        for el in common.findall("TemplatePage"):
            templates[el.get("ID", "")] = (normalise(el.get("BaseLoc", ""), folder), el.get("ZOrder") or "Background")
    pages = doc.find("Pages")
    for el in (pages.iter("Page") if pages is not None else []):
        if len(ofd.pages) >= limits.MAX_PAGES:
            raise UnusableInput(f"OFD 页数过多（上限 {limits.MAX_PAGES} 页）", "too-large")
        name = normalise(el.get("BaseLoc", ""), folder)
        if not package.has(name):
            raise UnusableInput(f"OFD 文件缺少页面“{name}”", "corrupt")
        ofd.pages.append(_read_page(package, name, res, area, templates))
        ofd.page_ids.append(el.get("ID", ""))


def _box(area_el, default) -> tuple:
    """PageArea → PhysicalBox (x, y, w, h) in mm."""
    if area_el is None:
        return default
    box = numbers(area_el.findtext("PhysicalBox"))
    return tuple(box) if len(box) == 4 and box[2] > 0 and box[3] > 0 else default


def _read_page(package: Package, name: str, doc_res: Resources, doc_area: tuple,
               templates: dict[str, tuple[str, str]]) -> PageContent:
    page_xml = package.xml(name)
    area = _box(page_xml.find("Area"), doc_area)
    page = PageContent(width_mm=area[2], height_mm=area[3])
    res = doc_res
    for el in page_xml.findall("PageRes"):
        res = res.child() if res is doc_res else res
        ref = normalise(el.text or "", posixpath.dirname(name))
        if package.has(ref):
            res.load(package, ref)
    origin = (1.0, 0.0, 0.0, 1.0, -area[0], -area[1])
    under, over = _templates(package, page_xml, templates, res, set(), 0)
    for tpl in under:
        ContentReader(res, page).walk(tpl, origin)
    content = page_xml.find("Content")
    if content is not None:
        ContentReader(res, page).walk(content, origin)
    for tpl in over:
        ContentReader(res, page).walk(tpl, origin)
    return page


def _templates(package, page_xml, templates, res, seen: set[str], depth: int):
    """Template contents to draw under and over a page (a template may itself use templates)."""
    under, over = [], []
    if depth > MAX_TEMPLATES_DEEP:
        raise UnusableInput("OFD 模板页嵌套过深，疑似恶意构造", "hostile")
    for ref in page_xml.findall("Template"):
        tid = ref.get("TemplateID", "")
        if tid not in templates:
            continue
        if tid in seen:
            raise UnusableInput("OFD 模板页相互引用成环，疑似恶意构造", "hostile")
        part, zorder = templates[tid]
        zorder = ref.get("ZOrder") or zorder
        if not package.has(part):
            continue
        tpl = package.xml(part)
        inner_under, inner_over = _templates(package, tpl, templates, res, seen | {tid}, depth + 1)
        content = tpl.find("Content")
        group = inner_under + ([content] if content is not None else []) + inner_over
        (over if zorder == "Foreground" else under).extend(group)
    return under, over


# --- into the layout model -------------------------------------------------------------------------

def to_pieces(glyphs: list[Glyph], fonts: FontMapper) -> tuple[list[Piece], int]:
    """Glyphs → one Piece per character (mm boxes, size in pt); returns the pieces and how many
    private-use characters could not be mapped back to Unicode."""
    pieces: list[Piece] = []
    unmapped = 0
    for g in glyphs:
        text = g.text
        if not all(math.isfinite(v) and abs(v) < FAR_MM for v in (g.x, g.y, g.advance, g.size_mm)):
            continue  # NaN or infinite coordinates: nothing to place
        if is_private_use(text):
            mapped = fonts.unicode_for(g.font, text, g.glyph_id)
            if mapped is None:
                # U+F020–F0FF is where symbol fonts (Wingdings …) keep their bullets: not lost text
                unmapped += 0 if 0xF000 <= ord(text) <= 0xF0FF else 1
                continue
            text = mapped
        if text.isspace():
            continue
        size_pt = round(g.size_mm * PT_PER_MM, 1)
        pieces.append(Piece(text=text, font=(g.font.name if g.font else None), size_pt=size_pt, color=g.color,
                            bold=g.bold, x0=g.x, top=g.y - ASCENT * g.size_mm, x1=g.x + g.advance,
                            bottom=g.y + DESCENT * g.size_mm))
    return pieces, unmapped


def to_rules(page: PageContent) -> list[Rule]:
    """Long thin paths → Rules (the red 版头 separator, the 版记 rules), as the PDF reader keeps them."""
    rules = []
    for path in page.paths:
        if not all(math.isfinite(v) and abs(v) < FAR_MM for sp in path.subpaths for pt in sp for v in pt) \
                or not math.isfinite(path.width_mm):
            continue
        xs = [x for sp in path.subpaths for x, _ in sp]
        ys = [y for sp in path.subpaths for _, y in sp]
        pad = path.width_mm / 2 if path.stroke else 0.0  # PDFium's bounds include half the stroke
        x0, top, x1, bottom = min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
        if not (bottom - top < 2.0 and x1 - x0 > 20) and not (x1 - x0 < 2.0 and bottom - top > 20):
            continue
        color = path.stroke or path.fill or "000000"
        width = path.width_mm * PT_PER_MM if path.stroke else (bottom - top) * PT_PER_MM
        rules.append(Rule(x0=x0, top=top, x1=x1, bottom=bottom, color=color, width_pt=round(width, 2)))
    return rules


HEAD_BAND = 0.5  # pictures are kept from the upper half of page 1 (the 版头 and the title), as for PDF
MAX_HEAD_PICTURES = 8


def head_pictures(ofd: OfdFile, content: PageContent) -> list[Picture]:
    """Page 1's ImageObjects that begin in its upper half, with their image bytes as the package holds them, for
    the 密级 a picture may carry (extractors/image_marks.py)."""
    out = []
    for pic in content.pictures:
        if len(out) >= MAX_HEAD_PICTURES:
            break
        if not (0 <= pic.top < content.height_mm * HEAD_BAND and pic.x1 - pic.x0 >= 3 and pic.bottom - pic.top >= 3):
            continue
        try:
            data = ofd.package.read(pic.part)
        except Exception:  # a missing or oversized part: a picture whose content is unknown
            data = None
        out.append(Picture(x0=pic.x0, top=pic.top, x1=pic.x1, bottom=pic.bottom, width_mm=pic.x1 - pic.x0,
                           height_mm=pic.bottom - pic.top, data=data))
    return out


def read_ofd(data: bytes, ocr: bool = True) -> Document:
    """An OFD file's bytes → Document (format "ofd", geometry True); raises UnusableInput.

    Positions in mm from the page's top-left corner, sizes in pt; pages of every DocBody in order.
    Under limits.time_limit (PARSE_SECONDS) for the text, OCR_SECONDS_PER_PAGE per OCR'd page. `ocr` False:
    the text layer only (a page without one is kept as read, not recognised).
    """
    with limits.time_limit(seconds=limits.PARSE_SECONDS, what="读取 OFD"):
        ofd = open_ofd(data)
    doc = Document(format="ofd", geometry=True, producer=ofd.producer)
    fonts: set[str] = set()
    ocr_pages = []
    for index, content in enumerate(ofd.pages):
        with limits.time_limit(seconds=limits.PARSE_SECONDS, what=f"读取 OFD 第 {index + 1} 页"):
            pieces, unmapped = to_pieces(content.glyphs, ofd.fonts)
            fonts.update(p.font for p in pieces if p.font)
            page = assemble_page(index + 1, content.width_mm, content.height_mm, merge_chars(pieces), to_rules(content))
        if ocr and (unmapped >= 3 or (
                sum(len(ln.text) for ln in page.lines) < 10 and content.pictures)):
            from .render import ocr_ofd_page
            with limits.time_limit(seconds=limits.OCR_SECONDS_PER_PAGE, what=f"第 {index + 1} 页文字识别"):
                page, colour = ocr_ofd_page(ofd, index)
            doc.colour = colour if not doc.ocr else (doc.colour or colour)
            doc.ocr = True
            ocr_pages.append((index + 1, unmapped))
        elif index == 0:
            page.pictures = head_pictures(ofd, content)
        doc.pages.append(page)
    doc.fonts = sorted(fonts)
    if ofd.documents > 1:
        doc.notes.append(f"OFD 文件包含 {ofd.documents} 个文档，已按顺序合并初审（共 {len(doc.pages)} 页）")
    for number, unmapped in ocr_pages:
        reason = (f"{unmapped} 个字符以嵌入字体的私用区编码存储，字体中无对应的 Unicode" if unmapped
                  else "该页没有文字层，只有图像")
        doc.notes.append(f"OFD 第 {number} 页{reason}，已渲染后文字识别（OCR）")
    if doc.ocr:
        doc.notes.append("OFD 中有页面的文字经 OCR 识别；版式规则按图像测量，仅作提示")
    if ofd.fonts.mapped:
        doc.notes.append(f"OFD 中 {ofd.fonts.mapped} 个私用区编码字符已按嵌入字体的字形表还原为汉字")
    from .seals import read_seals, seal_notes
    with limits.time_limit(seconds=limits.PARSE_SECONDS, what="核验 OFD 电子印章"):
        doc.seals = read_seals(ofd)
    doc.notes.extend(seal_notes(doc.seals))
    if not any(ln for p in doc.pages for ln in p.lines):
        raise UnusableInput("OFD 中没有可读的文字（空白页或图像无法识别）", "empty")
    substituted = sorted({f for f in doc.fonts if looks_substituted(f)})
    if substituted:
        doc.notes.append("OFD 中的字体疑似被替换（" + "、".join(substituted[:4]) +
                         "），来文单位的电脑可能未安装公文标准字体（仿宋_GB2312、方正小标宋简体等）")
    return doc
