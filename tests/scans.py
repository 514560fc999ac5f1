"""Makes scans and faxes of documents whose text is known: render, then degrade as paper does.

Used by the OCR tests and by bench/ocr_bench.py. Everything is seeded, so a scan is the same each run.
"""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

MM_PER_INCH = 25.4
FAX_WIDTH_PX = 1728  # a G3/G4 fax line: 1728 pixels over 215 mm
FAX_WIDTH_MM = 215.0


def render_pdf(pdf: Path, dpi: int = 300) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def add_seal(page: Image.Image, centre_mm: tuple[float, float], dpi: int, diameter_mm: float = 42.0) -> Image.Image:
    """A red round seal (印章) with a star and an arc of text, printed over what lies beneath."""
    page = page.copy()
    px = dpi / MM_PER_INCH
    cx, cy, r = centre_mm[0] * px, centre_mm[1] * px, diameter_mm / 2 * px
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    red = (220, 30, 30, 200)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(2, int(1.2 * px)))
    star = [(cx + r * 0.28 * math.cos(math.pi / 2 + k * 4 * math.pi / 5), cy - r * 0.28 * math.sin(math.pi / 2 + k * 4 * math.pi / 5))
            for k in range(5)]
    draw.polygon(star, fill=red)
    font = _font(int(4.5 * px))
    for k, ch in enumerate("贵阳市教育局公章"):
        angle = math.radians(200 + k * 20)
        x, y = cx + r * 0.72 * math.cos(angle), cy + r * 0.72 * math.sin(angle)
        draw.text((x, y), ch, fill=red, font=font, anchor="mm")
    # Ink is subtractive: red over black toner stays black, red over white paper is red (multiply blend).
    seal = Image.new("RGB", page.size, (255, 255, 255))
    seal.paste(overlay, mask=overlay)
    return ImageChops.multiply(page.convert("RGB"), seal)


def _font(size: int):
    for path in ("/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def scan(page: Image.Image, seed: int, skew_deg: float = 1.2, noise: float = 6.0, jpeg_quality: int = 70,
         blur: float = 0.6) -> Image.Image:
    """A flatbed scan: slightly turned, blurred, grainy, JPEG-compressed."""
    rng = np.random.default_rng(seed)
    img = page.rotate(skew_deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(img).astype(np.int16)
    arr = arr + rng.normal(0, noise, arr.shape).astype(np.int16) - 8  # grain, and paper slightly grey
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg_quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def fax(page: Image.Image, dpi: int, fine: bool = False, seed: int = 0, speckle: float = 0.0008) -> Image.Image:
    """A fax: 1728 pixels over 215 mm, 98 (standard) or 196 (fine) lines per inch, black and white, specks."""
    rng = np.random.default_rng(seed)
    grey = page.convert("L")
    page_w_mm = grey.size[0] / dpi * MM_PER_INCH
    scale_x = FAX_WIDTH_PX / FAX_WIDTH_MM * page_w_mm / grey.size[0]
    lines_per_inch = 196 if fine else 98
    scale_y = lines_per_inch / dpi
    body = grey.resize((round(grey.size[0] * scale_x), round(grey.size[1] * scale_y)), Image.Resampling.BILINEAR)
    canvas = Image.new("L", (FAX_WIDTH_PX, body.size[1]), 255)
    canvas.paste(body, ((FAX_WIDTH_PX - body.size[0]) // 2, 0))
    arr = np.asarray(canvas) < 170
    arr ^= rng.random(arr.shape) < speckle  # line noise: isolated black and white specks
    out = Image.fromarray(((~arr) * 255).astype(np.uint8)).convert("1")
    out.info["dpi"] = (204, lines_per_inch)
    return out


def save_tiff(pages: list[Image.Image], path: Path, dpi=(204, 98), compression: str = "group4") -> Path:
    pages[0].save(path, save_all=True, append_images=pages[1:], compression=compression, dpi=dpi)
    return path


def save_image_pdf(pages: list[Image.Image], path: Path, dpi: int) -> Path:
    """A PDF of page images only (what a scanner's 'scan to PDF' makes): no text layer."""
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return path


def rotate_page(page: Image.Image, quarter_turns: int) -> Image.Image:
    return page.rotate(90 * quarter_turns, expand=True)


def stamp_round_seal(page: Image.Image, centre_mm: tuple[float, float], dpi: int, text: str,
                     diameter_mm: float = 42.0, ink: tuple[int, int, int] = (215, 25, 30),
                     opacity: int = 235, span_deg: float = 130.0) -> Image.Image:
    """A round official seal (公章) as a real one is cut: a ring about 1.2 mm wide, the unit's name along the
    upper arc with every character turned to face the centre, a five-pointed star in the middle.

    `ink` red for a colour page (then faxed or scanned in black and white by the caller), black for a seal
    stamped on a black-and-white copy. `span_deg`: how much of the arc the name takes. Printed over the page (multiply blend: ink darkens what lies beneath).
    """
    page = page.convert("RGB")
    px = dpi / MM_PER_INCH
    cx, cy, r = centre_mm[0] * px, centre_mm[1] * px, diameter_mm / 2 * px
    layer = Image.new("L", page.size, 0)  # how much ink, per pixel
    draw = ImageDraw.Draw(layer)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=opacity, width=max(2, round(1.2 * px)))
    star_r = r * 0.26
    star = []
    for k in range(10):  # outer and inner points alternately, the first one straight up
        radius = star_r if k % 2 == 0 else star_r * 0.382
        angle = math.pi / 2 + k * math.pi / 5
        star.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(star, fill=opacity)
    size = round(diameter_mm * 0.16 * px)  # 6.7 mm characters on a 42 mm seal
    font = _seal_font(size)
    span = span_deg  # degrees the name spans along the upper arc, centred on the top
    text_r = r - 1.2 * px - size * 0.62
    for k, ch in enumerate(text):
        # degrees clockwise from straight up; the glyph is turned so that its foot faces the centre
        theta = -span / 2 + (span * k / (len(text) - 1) if len(text) > 1 else 0.0)
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), ch, fill=opacity, font=font, anchor="mm")
        glyph = glyph.rotate(-theta, resample=Image.Resampling.BICUBIC)
        gx = cx + text_r * math.sin(math.radians(theta))
        gy = cy - text_r * math.cos(math.radians(theta))
        layer.paste(glyph, (round(gx - size), round(gy - size)), glyph)
    colour = Image.new("RGB", page.size, ink)
    tinted = Image.composite(colour, Image.new("RGB", page.size, (255, 255, 255)), layer)
    return ImageChops.multiply(page, tinted)


def black_and_white_scan(page: Image.Image, seed: int, threshold: int = 150) -> Image.Image:
    """A scanner set to black and white (1 bit, 300 dpi): slightly turned, then thresholded; no colour left."""
    rng = np.random.default_rng(seed)
    img = page.convert("L").rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(0.5))).astype(np.int16)
    arr = arr + rng.normal(0, 8, arr.shape).astype(np.int16)
    return Image.fromarray(np.where(arr < threshold, 0, 255).astype(np.uint8)).convert("1")


def _seal_font(size: int):
    for path, index in (("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
                        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
                        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)):
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=index)
    return ImageFont.load_default()
