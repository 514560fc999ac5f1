"""Documents whose 密级 is a picture (issue 19 point 1), built with the real libraries: the mark drawn by Pillow in
FandolHei (the free 黑体 scripts/setup.sh installs; GB/T 9704-2012 7.2.2 sets the 密级 in 3号黑体), placed in a docx
by python-docx (inline in the 版头's first paragraph, floating as a stamp, or in the page header), a PDF made from
it by the real LibreOffice, an OFD with an ImageObject at the 密级 position, and a mail whose image 附件 is such a
page rendered by PDFium."""
from __future__ import annotations

import copy
import email.message
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from . import builder

FONT_DIR = Path("/usr/local/share/shouwen/fonts")
HEI = FONT_DIR / "FandolHei-Regular.otf"
SONG_BOLD = FONT_DIR / "FandolSong-Bold.otf"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def text_png(text: str, color: str = "black", pt: float = 16, dpi: int = 300, font: Path = HEI,
             blur: float = 0.0) -> tuple[bytes, float, float]:
    """`text` drawn at `pt` points and `dpi`: (PNG bytes, width mm, height mm). `blur` (px) smudges it."""
    px = round(pt / 72 * dpi)
    face = ImageFont.truetype(str(font), px)
    width = round(face.getlength(text)) + px
    image = Image.new("RGB", (width, round(px * 1.6)), "white")
    ImageDraw.Draw(image).text((px // 2, px // 4), text, fill=color, font=face)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue(), width / dpi * 25.4, image.size[1] / dpi * 25.4


def logo_png(size: int = 300) -> bytes:
    """A coloured emblem (a blue disc, a green triangle): what an organisation's logo at the top left looks like."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((size // 15, size // 15, size - size // 15, size - size // 15), fill="#1f5fbf")
    draw.polygon([(size // 2, size // 6), (size * 5 // 6, size * 4 // 5), (size // 6, size * 4 // 5)], fill="#2da44e")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def docx_with_picture(spec: builder.Spec, path: Path, png: bytes, width_mm: float, where: str = "first",
                      align: str | None = None) -> Path:
    """The spec as a docx (builder.write_docx) with the picture added: `where` "first" (a paragraph of its own before
    the 版头, as a pasted mark), "anchor" (the same, floating over the 版头's upper left as a stamp), "header" (the
    page header), "before-title" (a paragraph just above the title) or "body" (after the first 正文 paragraph)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    builder.write_docx(spec, path)
    d = docx.Document(str(path))
    if where == "header":
        d.sections[0].header.is_linked_to_previous = False
        paragraph = d.sections[0].header.paragraphs[0]
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        d.save(str(path))
        return path
    paragraph = d.add_paragraph()
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    body = d.element.body
    body.remove(paragraph._p)
    texts = [p for p in d.paragraphs]
    if where in ("first", "anchor"):
        body.insert(0, paragraph._p)
    elif where == "before-title":
        title = next(p for p in texts if p.text.strip() == spec.title)
        title._p.addprevious(paragraph._p)
    elif where == "body":
        first = next(p for p in texts if p.text.strip() and p.text.strip() in spec.body[0])
        first._p.addnext(paragraph._p)
    if where == "anchor":
        _float(paragraph._p)
    d.save(str(path))
    return path


def _float(p) -> None:
    """Turn the paragraph's inline picture into a floating one (wp:anchor) over the upper left of the page's text,
    as a stamp is placed: in front of the text, 0.5 mm below the paragraph."""
    from lxml import etree

    inline = p.find(f".//{{{WP}}}inline")
    extent = inline.find(f"{{{WP}}}extent")
    anchor = etree.SubElement(inline.getparent(), f"{{{WP}}}anchor", {
        "distT": "0", "distB": "0", "distL": "0", "distR": "0", "simplePos": "0", "relativeHeight": "251659264",
        "behindDoc": "0", "locked": "0", "layoutInCell": "1", "allowOverlap": "1"})
    etree.SubElement(anchor, f"{{{WP}}}simplePos", {"x": "0", "y": "0"})
    h = etree.SubElement(anchor, f"{{{WP}}}positionH", {"relativeFrom": "margin"})
    etree.SubElement(h, f"{{{WP}}}posOffset").text = "0"
    v = etree.SubElement(anchor, f"{{{WP}}}positionV", {"relativeFrom": "paragraph"})
    etree.SubElement(v, f"{{{WP}}}posOffset").text = "18000"
    anchor.append(copy.deepcopy(extent))
    etree.SubElement(anchor, f"{{{WP}}}effectExtent", {"l": "0", "t": "0", "r": "0", "b": "0"})
    etree.SubElement(anchor, f"{{{WP}}}wrapNone")
    for child in inline:
        if etree.QName(child).localname in ("docPr", "cNvGraphicFramePr", "graphic"):
            anchor.append(copy.deepcopy(child))
    inline.getparent().remove(inline)


def page_png(pdf: Path, dpi: int = 150) -> bytes:
    """Page 1 of a PDF as a PNG, as a scanner or a screenshot would give it (PDFium)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def mail_with_image_annex(main: bytes, main_name: str, png: bytes, path: Path) -> Path:
    """A mail whose 主件 is an open 公文 (`main`, attached as `main_name`) and whose 附件 is a picture of a page
    (附件1.png)."""
    message = email.message.EmailMessage()
    message["From"] = "贵阳市教育局办公室 <bgs@jyj.example>"
    message["To"] = "sw@gov.example"
    message["Subject"] = "报送材料"
    message["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
    message.set_content("请查收。")
    message.add_attachment(main, maintype="application", subtype="pdf", filename=main_name)
    message.add_attachment(png, maintype="image", subtype="png", filename="附件1.png")
    path.write_bytes(bytes(message))
    return path
