"""PDF with a text layer → layout model (PDF 读取).

Two readers give the same model:
- `read_pdf` (default) walks PDFium's page objects through pypdfium2: text objects carry their font's
  BaseFont name, size, fill colour and box; path objects are the drawn rules. It is several times
  faster than pdfminer for the same facts.
- `read_pdf_pdfplumber` reads pdfplumber's chars, lines and rects: the reference the tests hold the
  fast reader to.
Both hand their pieces of text to `assemble_page`, which groups them into lines and runs.
"""
from __future__ import annotations

import ctypes
import io
from typing import Optional

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from . import limits
from .assemble import Piece, assemble_page, merge_chars
from .complete import PDF_TAIL, pdf_ends
from .errors import UnusableInput, technical
from .fonts import looks_substituted, stand_in_note, without_subset_prefix
from .layout import Document, Page, Picture, Rule, pt_to_mm

PDFIUM_PASSWORD_ERROR = 4


def _hex(r: float, g: float, b: float) -> Optional[str]:
    value = "%02X%02X%02X" % (round(r), round(g), round(b))
    return None if value == "000000" else value


def check_complete(data: bytes) -> None:
    """A PDF ends with %%EOF; without it the transfer broke off and what can be read is partial."""
    if not pdf_ends(data[-PDF_TAIL:]):
        raise UnusableInput("PDF 文件不完整（缺少文件结束标记 %%EOF），可能在传输中被截断；请来文单位重新发送", "corrupt")


def _open(data: bytes) -> pdfium.PdfDocument:
    check_complete(data)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR:
            raise UnusableInput("PDF 已加密（需要打开密码），无法读取；请来文单位去除密码后重新报送", "encrypted") from exc
        raise UnusableInput("PDF 文件损坏或不完整，无法打开；请来文单位重新发送", "corrupt", technical(exc)) from exc


def _needs_ocr(page: Page, pdf_page) -> bool:
    """A page without a usable text layer that carries an image: a scanned page inside the PDF."""
    if sum(len(ln.text) for ln in page.lines) >= 10:
        return False
    count = pdfium_c.FPDFPage_CountObjects(pdf_page.raw)
    return any(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(pdf_page.raw, i)) == pdfium_c.FPDF_PAGEOBJ_IMAGE
               for i in range(count))


def _ocr_pdf_page(pdf_page, number: int) -> tuple[Page, bool]:
    import cv2

    from .scan import OCR_DPI, PageImage, ocr_page

    bitmap = pdf_page.render(scale=OCR_DPI / 72)  # PDFium renders BGR(A), OpenCV's own order
    pixels = bitmap.to_numpy()
    image = cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR) if bitmap.n_channels == 4 else pixels.copy()
    scanned = PageImage(image=image, dpi=OCR_DPI)
    return ocr_page(scanned, number), scanned.colour


def _finish(doc: Document) -> Document:
    if doc.ocr:
        from .scan import OCR_NOTE
        doc.notes.append(OCR_NOTE)
    if not any(ln for p in doc.pages for ln in p.lines):
        raise UnusableInput("PDF 中没有可读的文字（空白页或图像无法识别）", "empty")
    substituted = sorted({f for f in doc.fonts if looks_substituted(f)})
    if substituted:
        doc.notes.append("PDF 中的字体疑似被替换（" + "、".join(substituted[:4]) +
                         "），来文单位的电脑可能未安装公文标准字体（仿宋_GB2312、方正小标宋简体等）")
    if stand_in_note(doc.fonts):
        doc.notes.append(stand_in_note(doc.fonts))
    return doc


# --- PDFium (default) ----------------------------------------------------------------------------

def read_pdf(data: bytes, ocr: bool = True) -> Document:
    pdf = _open(data)
    try:
        if len(pdf) > limits.MAX_PAGES:
            raise UnusableInput(f"PDF 页数过多（{len(pdf)} 页，上限 {limits.MAX_PAGES} 页）", "too-large")
        producer = (pdf.get_metadata_dict().get("Producer") or None)
        doc = Document(format="pdf", geometry=True, producer=producer)
        fonts: set[str] = set()
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                with limits.time_limit(what=f"读取 PDF 第 {index + 1} 页"):
                    result = _pdfium_page(page, index + 1, fonts)
                if ocr and _needs_ocr(result, page):  # ocr False: the text layer only
                    with limits.time_limit(seconds=limits.OCR_SECONDS_PER_PAGE, what=f"第 {index + 1} 页文字识别"):
                        result, colour = _ocr_pdf_page(page, index + 1)
                    doc.colour = colour if not doc.ocr else (doc.colour or colour)
                    doc.ocr = True
                elif index == 0:
                    with limits.time_limit(what="读取 PDF 第 1 页的图片"):
                        result.pictures = head_pictures(page)
                doc.pages.append(result)
            finally:
                page.close()
        doc.fonts = sorted(fonts)
    finally:
        pdf.close()
    return _finish(doc)


def _pdfium_page(page, number: int, fonts: set[str]) -> Page:
    """Chars from PDFium's text page (content order, loose em boxes like pdfminer's), paths as rules."""
    width_pt, height_pt = page.get_size()
    textpage = page.get_textpage()
    rules: list[Rule] = []
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    rect = pdfium_c.FS_RECTF()
    font_names: dict[int, tuple[str, bool]] = {}
    tp = textpage.raw
    chars: list[Piece] = []
    try:
        for i in range(pdfium_c.FPDFText_CountChars(tp)):
            code = pdfium_c.FPDFText_GetUnicode(tp, i)
            if pdfium_c.FPDFText_IsGenerated(tp, i) == 1 or code in (0, 0xFFFE, 0xFFFF) or chr(code).isspace():
                continue
            ch = chr(code)
            obj = pdfium_c.FPDFText_GetTextObject(tp, i)
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            key = ctypes.cast(font, ctypes.c_void_p).value or 0
            if key not in font_names:
                font_names[key] = _font_name(font)
                fonts.add(font_names[key][0])
            name, bold = font_names[key]
            size = round(pdfium_c.FPDFText_GetFontSize(tp, i), 1)
            pdfium_c.FPDFText_GetFillColor(tp, i, r, g, b, a)
            color = _hex(r.value, g.value, b.value)
            pdfium_c.FPDFText_GetLooseCharBox(tp, i, rect)
            x0, top, x1, bottom = (pt_to_mm(rect.left), pt_to_mm(height_pt - rect.top),
                                   pt_to_mm(rect.right), pt_to_mm(height_pt - rect.bottom))
            chars.append(Piece(text=ch, font=name, size_pt=size, color=color, bold=bold, x0=x0, top=top, x1=x1, bottom=bottom))
        left, bottom_, right, top_ = (ctypes.c_float() for _ in range(4))
        for obj in _page_paths(page.raw):
            pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom_, right, top_)
            box = (pt_to_mm(left.value), pt_to_mm(height_pt - top_.value),
                   pt_to_mm(right.value), pt_to_mm(height_pt - bottom_.value))
            rule = _path_rule(obj, box, r, g, b, a)
            if rule:
                rules.append(rule)
    finally:
        textpage.close()
    return assemble_page(number, pt_to_mm(width_pt), pt_to_mm(height_pt), merge_chars(chars), rules)


HEAD_BAND = 0.5  # pictures are kept from the upper half of page 1: the 版头 and the title stand there
MIN_PICTURE_MM = 3.0
MAX_HEAD_PICTURES = 8
PICTURE_DPI = 200  # as scanned pages are read (scan.OCR_DPI)


def head_pictures(page) -> list[Picture]:
    """Page 1's images in its upper half (HEAD_BAND), each rendered as it shows on the page (the part in the band,
    PNG at PICTURE_DPI), for the 密级 a picture may carry (extractors/image_marks.py)."""
    width_pt, height_pt = page.get_size()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    out = []
    for obj in _page_objects(page.raw, pdfium_c.FPDF_PAGEOBJ_IMAGE):
        if len(out) >= MAX_HEAD_PICTURES:
            break
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1 = max(0.0, left.value), min(width_pt, right.value)
        y_top, y_bottom = min(height_pt, top.value), max(bottom.value, height_pt * (1 - HEAD_BAND))  # PDF y runs up
        if pt_to_mm(x1 - x0) < MIN_PICTURE_MM or pt_to_mm(y_top - y_bottom) < MIN_PICTURE_MM:
            continue  # outside the band, or a speck
        bitmap = page.render(scale=PICTURE_DPI / 72, crop=(x0, y_bottom, width_pt - x1, height_pt - y_top))
        buffer = io.BytesIO()
        bitmap.to_pil().convert("RGB").save(buffer, "PNG")
        out.append(Picture(x0=pt_to_mm(x0), top=pt_to_mm(height_pt - y_top), x1=pt_to_mm(x1),
                           bottom=pt_to_mm(height_pt - y_bottom), width_mm=pt_to_mm(x1 - x0),
                           height_mm=pt_to_mm(y_top - y_bottom), data=buffer.getvalue()))
    return out


def _page_objects(page, kind: int, depth: int = 0):
    """Every page object of one kind, descending into form XObjects (raw calls)."""
    count = pdfium_c.FPDFPage_CountObjects(page) if depth == 0 else pdfium_c.FPDFFormObj_CountObjects(page)
    for i in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, i) if depth == 0 else pdfium_c.FPDFFormObj_GetObject(page, i)
        found = pdfium_c.FPDFPageObj_GetType(obj)
        if found == kind:
            yield obj
        elif found == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            yield from _page_objects(obj, kind, depth + 1)


def _page_paths(page, depth: int = 0):
    """Every path object, descending into form XObjects (raw calls: fast)."""
    count = pdfium_c.FPDFPage_CountObjects(page) if depth == 0 else pdfium_c.FPDFFormObj_CountObjects(page)
    for i in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, i) if depth == 0 else pdfium_c.FPDFFormObj_GetObject(page, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            yield from _page_paths(obj, depth + 1)


def _font_name(font) -> tuple[str, bool]:
    needed = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(max(needed, 1))
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, needed)
    name = without_subset_prefix(buffer.value.decode("utf-8", errors="replace"))
    weight = pdfium_c.FPDFFont_GetWeight(font)
    return name, weight >= 600 or "bold" in name.lower()


def _path_rule(obj, box, r, g, b, a) -> Optional[Rule]:
    x0, top, x1, bottom = box
    if not (bottom - top < 2.0 and x1 - x0 > 20) and not (x1 - x0 < 2.0 and bottom - top > 20):
        return None  # only long thin paths are rules; glyph outlines and boxes are not
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
    if stroke.value:
        pdfium_c.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
    else:
        pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
    width = ctypes.c_float()
    pdfium_c.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))
    return Rule(x0=x0, top=top, x1=x1, bottom=bottom, color=_hex(r.value, g.value, b.value) or "000000",
                width_pt=round(width.value, 2) if stroke.value else round((bottom - top) * 72 / 25.4, 2))


# --- pdfplumber (reference) ----------------------------------------------------------------------

def read_pdf_pdfplumber(data: bytes) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    check_complete(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as exc:
        raise UnusableInput("PDF 已加密（需要打开密码），无法读取", "encrypted") from exc
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise UnusableInput("PDF 文件损坏或不完整，无法打开", "corrupt", technical(exc)) from exc
    doc = Document(format="pdf", geometry=True, producer=(pdf.metadata or {}).get("Producer"))
    fonts: set[str] = set()
    with pdf, limits.time_limit(what="读取 PDF"):
        for page in pdf.pages:
            h = float(page.height)
            pieces = []
            for ch in page.chars:
                font = without_subset_prefix(ch["fontname"])  # as PDFium reports it
                fonts.add(font)
                if ch["text"].isspace():
                    continue  # spaces are judged from the gaps between glyphs, as in read_pdf
                pieces.append(Piece(text=ch["text"], font=font, size_pt=round(ch["size"], 1),
                                    color=_plumber_color(ch.get("non_stroking_color")),
                                    bold="bold" in ch["fontname"].lower(),
                                    x0=pt_to_mm(ch["x0"]), top=pt_to_mm(ch["top"]),
                                    x1=pt_to_mm(ch["x1"]), bottom=pt_to_mm(ch["bottom"])))
            rules = []
            for shape in list(page.lines) + list(page.rects):
                box = (pt_to_mm(shape["x0"]), pt_to_mm(shape["top"]), pt_to_mm(shape["x1"]), pt_to_mm(shape["bottom"]))
                if (box[3] - box[1] < 2.0 and box[2] - box[0] > 20) or (box[2] - box[0] < 2.0 and box[3] - box[1] > 20):
                    stroked = shape.get("stroke", True) and shape.get("stroking_color") is not None
                    color = _plumber_color(shape.get("stroking_color") if stroked else shape.get("non_stroking_color"))
                    rules.append(Rule(*box, color=color or "000000", width_pt=shape.get("linewidth")))
            doc.pages.append(assemble_page(page.page_number, pt_to_mm(float(page.width)), pt_to_mm(h),
                                           merge_chars(pieces), rules))
    doc.fonts = sorted(fonts)
    return _finish(doc)


def _plumber_color(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = (value,)
    value = tuple(float(v) for v in value if isinstance(v, (int, float)))
    if len(value) == 1:
        return _hex(value[0] * 255, value[0] * 255, value[0] * 255)
    if len(value) == 3:
        return _hex(*(v * 255 for v in value))
    if len(value) == 4:  # CMYK
        c, m, y, k = value
        return _hex(255 * (1 - c) * (1 - k), 255 * (1 - m) * (1 - k), 255 * (1 - y) * (1 - k))
    return None


def read(data: bytes, fmt: str = "pdf", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): read_pdf."""
    return read_pdf(data, ocr=ocr)
