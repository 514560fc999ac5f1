"""Draw an OFD page to an image: glyphs, lines and images of what was read (OFD 页面渲染).

For staff to look at (`shouwen extract --render PAGE out.png`) and for the OCR fallback on pages whose
text cannot be mapped back to Unicode. Glyphs are drawn with the file's embedded font where it has
one (so private-use code points show their real shapes), else with the CJK fonts installed here
(fonts-noto-cjk, fonts-arphic: serif for 宋/仿宋/小标宋, 楷 for 楷体, sans for 黑体). Pillow ImageDraw.
"""
from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Optional

from PIL import Image, ImageDraw, ImageFont

from ..fonts import family_of
from ..layout import PT_PER_MM
from .content import PageContent

SYSTEM_FONTS = {
    "heiti": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"],
    "kaiti": ["/usr/share/fonts/truetype/arphic/ukai.ttc"],
    "default": ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"],
}
_NOTO_SC_INDEX = 2  # in the Noto CJK collections: JP, KR, SC, TC, HK (simplified Chinese shapes)
MAX_RENDER_PIXELS = 60_000_000


@lru_cache(maxsize=64)
def _system_font(family: str, px: int):
    for path in SYSTEM_FONTS.get(family, []) + SYSTEM_FONTS["default"]:
        if Path(path).exists():
            return ImageFont.truetype(path, px, index=_NOTO_SC_INDEX if "Noto" in path else 0)
    return ImageFont.load_default()


def _sane(*values: float) -> bool:
    """Coordinates a page can hold: finite and within a few metres (hostile files write 1e308 and NaN)."""
    return all(math.isfinite(v) and abs(v) < 10_000 for v in values)


def _hex(color: Optional[str]) -> tuple[int, int, int]:
    color = color or "000000"
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def render_content(page: PageContent, fonts, dpi: int = 150) -> Image.Image:
    """The page as an RGB image at `dpi`; `fonts` is the package's FontMapper (embedded fonts)."""
    scale = dpi / 25.4
    size = (max(1, round(page.width_mm * scale)), max(1, round(page.height_mm * scale)))
    if size[0] * size[1] > MAX_RENDER_PIXELS:
        raise ValueError("page too large to render")
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    embedded: dict[tuple[str, int], object] = {}
    for pic in page.pictures:
        if not _sane(pic.x0, pic.top, pic.x1, pic.bottom):
            continue
        try:
            with Image.open(io.BytesIO(fonts.package.read(pic.part))) as src:
                box = [round(v * scale) for v in (pic.x0, pic.top, pic.x1, pic.bottom)]
                w, h = max(1, box[2] - box[0]), max(1, box[3] - box[1])
                if w * h > MAX_RENDER_PIXELS:
                    continue
                tile = src.convert("RGBA").resize((w, h))
                image.paste(tile, (box[0], box[1]), tile)
        except Exception:  # an image Pillow cannot read (JBIG2, broken): left blank, as viewers do
            continue
    for path in page.paths:
        if not _sane(path.width_mm):
            continue
        for sp in path.subpaths:
            if not all(_sane(x, y) for x, y in sp):
                continue
            points = [(x * scale, y * scale) for x, y in sp]
            if path.fill and len(points) > 2:
                draw.polygon(points, fill=_hex(path.fill))
            if path.stroke:
                draw.line(points, fill=_hex(path.stroke), width=max(1, round(path.width_mm * scale)))
    for g in page.glyphs:
        if g.text.isspace() or not _sane(g.x, g.y, g.size_mm) or g.size_mm * scale > 2000:
            continue
        px = max(4, round(g.size_mm * scale))
        font = None
        if g.font is not None and g.font.file:
            key = (g.font.file, px)
            if key not in embedded:
                data = fonts.font_bytes(g.font.file)
                try:
                    embedded[key] = ImageFont.truetype(io.BytesIO(data), px) if data else None
                except OSError:  # a raw CFF table: FreeType needs an sfnt
                    embedded[key] = None
            font = embedded[key]
        if font is None:
            font = _system_font(family_of(g.font.name if g.font else None) or "default", px)
        draw.text((g.x * scale, g.y * scale), g.text, font=font, fill=_hex(g.color), anchor="ls")
    return image


def render_page(data: bytes, number: int, out: Path, dpi: int = 150) -> Path:
    """Render page `number` (1-based) of an OFD file to a PNG at `out`; raises UnusableInput/IndexError."""
    from .reader import open_ofd
    from .seals import read_seals, seal_picture

    ofd = open_ofd(data)
    if not 1 <= number <= len(ofd.pages):
        raise IndexError(f"OFD 只有 {len(ofd.pages)} 页")
    image = render_content(ofd.pages[number - 1], ofd.fonts, dpi)
    scale = dpi / 25.4
    for seal in read_seals(ofd):  # drawn on top, as OFD viewers show them (not for OCR: text stays readable)
        for stamp in seal.get("stamps", []):
            picture = seal_picture(ofd.package, seal) if stamp["page"] == number and stamp["box_mm"] else None
            if picture is None:
                continue
            x, y, w, h = stamp["box_mm"]
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            if size[0] * size[1] > MAX_RENDER_PIXELS:
                continue
            tile = picture.convert("RGBA").resize(size)
            image.paste(tile, (round(x * scale), round(y * scale)), tile)
    image.save(out)
    return out


def ocr_ofd_page(ofd, index: int):
    """Render one page at the OCR resolution and read it with the OCR engine (scan.ocr_page)."""
    import numpy as np

    from ..scan import OCR_DPI, PageImage, ocr_page

    image = render_content(ofd.pages[index], ofd.fonts, OCR_DPI)
    pixels = np.asarray(image)[:, :, ::-1].copy()  # RGB → BGR, OpenCV's order
    scanned = PageImage(image=pixels, dpi=OCR_DPI)
    page = ocr_page(scanned, index + 1)
    return page, scanned.colour


__all__ = ["render_content", "render_page", "ocr_ofd_page", "PT_PER_MM"]
