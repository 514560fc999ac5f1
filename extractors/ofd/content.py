"""One OFD page's content → glyphs, paths and images in page millimetres (页面内容).

GB/T 33190-2016 §9-§11: a page's <Content> holds layers of TextObject, PathObject, ImageObject,
CompositeObject and PageBlock. Each object's coordinates are its own: its `CTM` maps them into the
object's `Boundary`, whose origin is placed on the page (OFD units are millimetres already).
TextCode positions: X, Y, then DeltaX/DeltaY between successive characters, where "g N V" means N
times V (§11.3). Templates (TemplatePage) are drawn under (Background) or over (Foreground) the page.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..errors import UnusableInput
from .resources import DEFAULT_LINE_WIDTH_MM, FontRes, Resources, numbers

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_NESTING = 16  # PageBlock / CompositeObject depth
MAX_OBJECTS_PER_PAGE = 200_000
MAX_GLYPHS_PER_PAGE = 200_000


@dataclass
class Glyph:
    """One character as drawn: baseline origin (x, y) and advance in page mm, size in mm."""

    text: str
    font: Optional[FontRes]
    size_mm: float
    color: Optional[str]
    bold: bool
    italic: bool
    x: float
    y: float
    advance: float
    glyph_id: Optional[int] = None  # from CGTransform, when given


@dataclass
class Path:
    """Subpaths of page points (mm), with how they are painted."""

    subpaths: list[list[tuple[float, float]]]
    stroke: Optional[str]  # "RRGGBB" or None when not stroked; black is "000000"
    fill: Optional[str]
    width_mm: float


@dataclass
class Picture:
    part: str  # the image's package part
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageContent:
    width_mm: float
    height_mm: float
    glyphs: list[Glyph] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    objects: int = 0


def multiply(m, n):
    """Apply m, then n (row vectors: p · m · n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def placement(el, parent) -> tuple:
    """An object's CTM, then its Boundary origin, then the parent's transform."""
    ctm = numbers(el.get("CTM"))
    box = numbers(el.get("Boundary"))
    m = tuple(ctm) if len(ctm) == 6 else IDENTITY
    ox, oy = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
    return multiply(multiply(m, (1, 0, 0, 1, ox, oy)), parent)


def deltas(text: Optional[str]) -> list[float]:
    """DeltaX/DeltaY: "5.57 g 3 2.77 5.57" → [5.57, 2.77, 2.77, 2.77, 5.57] (§11.3's g notation)."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "g" and i + 2 < len(tokens):
            try:
                count, value = int(float(tokens[i + 1])), float(tokens[i + 2])
            except ValueError:
                i += 3
                continue
            if count > MAX_GLYPHS_PER_PAGE or len(out) + count > MAX_GLYPHS_PER_PAGE:
                raise UnusableInput("OFD 字符间距（DeltaX “g” 重复）数量异常，疑似恶意构造", "hostile")
            out.extend([value] * max(count, 0))
            i += 3
            continue
        try:
            out.append(float(tok))
        except ValueError:
            pass
        i += 1
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A") and ord(ch) > 0x2000


class ContentReader:
    """Walks page (and template) content into a PageContent, with resources resolved."""

    def __init__(self, res: Resources, page: PageContent):
        self.res = res
        self.page = page
        self.composites_open: set[str] = set()

    def walk(self, container, parent=IDENTITY, depth: int = 0) -> None:
        if depth > MAX_NESTING:
            raise UnusableInput("OFD 页面对象嵌套过深，疑似恶意构造", "hostile")
        for el in container:
            tag = el.tag
            if tag in ("Layer", "PageBlock", "Content"):
                self.walk(el, parent, depth + 1)
                continue
            self.page.objects += 1
            if self.page.objects > MAX_OBJECTS_PER_PAGE:
                raise UnusableInput("OFD 页面对象过多，疑似恶意构造", "hostile")
            if el.get("Visible") == "false":
                continue
            if tag == "TextObject":
                self.text(el, parent)
            elif tag == "PathObject":
                self.path(el, parent)
            elif tag == "ImageObject":
                self.image(el, parent)
            elif tag == "CompositeObject":
                self.composite(el, parent, depth)

    # --- text -----------------------------------------------------------------------------------

    def text(self, el, parent) -> None:
        m = placement(el, parent)
        font = self.res.fonts.get(el.get("Font") or "")
        size = float(numbers(el.get("Size"))[0]) if numbers(el.get("Size")) else 3.528
        params = self.res.draw_param(el.get("DrawParam"))
        fill_el = el.find("FillColor")
        color = self.res.colour(fill_el) if fill_el is not None else (
            None if params.fill in (None, "000000") else params.fill)
        weight = int(numbers(el.get("Weight"))[0]) if numbers(el.get("Weight")) else 400
        bold = weight >= 600 or (font.bold if font else False)
        italic = el.get("Italic") == "true" or (font.italic if font else False)
        hscale = numbers(el.get("HScale"))[0] if numbers(el.get("HScale")) else 1.0
        x_scale = math.hypot(m[0], m[1])
        size_mm = size * math.hypot(m[2], m[3])
        glyph_ids = _glyph_ids(el)
        x = y = 0.0
        position = 0
        for code in el.iter("TextCode"):
            if code.get("X") not in (None, ""):
                x = numbers(code.get("X"))[0] if numbers(code.get("X")) else x
            if code.get("Y") not in (None, ""):
                y = numbers(code.get("Y"))[0] if numbers(code.get("Y")) else y
            dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
            text = code.text or ""
            if len(self.page.glyphs) + len(text) > MAX_GLYPHS_PER_PAGE:
                raise UnusableInput("OFD 页面字符过多，疑似恶意构造", "hostile")
            for i, ch in enumerate(text):
                natural = size * (1.0 if _wide(ch) else 0.5) * hscale
                step = dx[i] if i < len(dx) else natural
                px, py = apply(m, x, y)
                advance = (dx[i] if i < len(dx) else natural) * x_scale
                self.page.glyphs.append(Glyph(text=ch, font=font, size_mm=size_mm, color=color, bold=bold,
                                              italic=italic, x=px, y=py, advance=advance,
                                              glyph_id=glyph_ids.get(position)))
                position += 1
                x += step
                y += dy[i] if i < len(dy) else 0.0

    # --- paths ----------------------------------------------------------------------------------

    def path(self, el, parent) -> None:
        m = placement(el, parent)
        params = self.res.draw_param(el.get("DrawParam"))
        stroked = el.get("Stroke", "true") != "false"
        filled = el.get("Fill", "false") == "true"
        explicit_stroke = el.find("StrokeColor") is not None or params.stroke is not None
        stroke = (self.res.colour(el.find("StrokeColor")) or "000000") if el.find("StrokeColor") is not None \
            else (params.stroke or "000000")
        if filled and not explicit_stroke and el.get("Stroke") is None:
            stroked = False  # a filled shape that names no stroke (WPS's red 版头 bar): its colour is the fill
        fill = (self.res.colour(el.find("FillColor")) or "000000") if el.find("FillColor") is not None \
            else (params.fill or "000000")
        width = numbers(el.get("LineWidth"))
        width_mm = width[0] if width else (params.line_width if params.line_width is not None else DEFAULT_LINE_WIDTH_MM)
        width_mm *= math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
        subpaths = [[apply(m, x, y) for x, y in sp] for sp in abbreviated(el.findtext("AbbreviatedData") or "")]
        subpaths = [sp for sp in subpaths if sp]
        if subpaths:
            self.page.paths.append(Path(subpaths, stroke if stroked else None, fill if filled else None, width_mm))

    # --- images and composites --------------------------------------------------------------------

    def image(self, el, parent) -> None:
        part = self.res.media.get(el.get("ResourceID") or "")
        if not part:
            return
        m = placement(el, parent)
        corners = [apply(m, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        self.page.pictures.append(Picture(part, min(xs), min(ys), max(xs), max(ys)))

    def composite(self, el, parent, depth: int) -> None:
        ref = el.get("ResourceID") or ""
        unit = self.res.composites.get(ref)
        if unit is None:
            return
        if ref in self.composites_open:
            raise UnusableInput("OFD 复合对象（CompositeGraphicUnit）引用自身成环，疑似恶意构造", "hostile")
        self.composites_open.add(ref)
        try:
            content = unit.find("Content")
            if content is not None:
                self.walk(content, placement(el, parent), depth + 1)
        finally:
            self.composites_open.discard(ref)


def _glyph_ids(el) -> dict[int, int]:
    """CGTransform (§11.4): character position in the object's text → glyph index in the embedded font."""
    out: dict[int, int] = {}
    for t in el.iter("CGTransform"):
        try:
            start, count = int(t.get("CodePosition", "0")), int(t.get("CodeCount", "1"))
            glyphs = [int(float(g)) for g in (t.findtext("Glyphs") or "").split()]
        except ValueError:
            continue
        if count == len(glyphs):  # one glyph per character: the only case a character maps to one glyph
            for k, g in enumerate(glyphs[:MAX_GLYPHS_PER_PAGE]):
                out[start + k] = g
    return out


def abbreviated(data: str) -> list[list[tuple[float, float]]]:
    """AbbreviatedData (§9.3.2: S/M L Q B A C) → subpaths of points; curves sampled, arcs by their end."""
    tokens = data.replace(",", " ").split()
    subpaths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    i = 0

    def take(n):
        nonlocal i
        vals = []
        for tok in tokens[i:i + n]:
            try:
                vals.append(float(tok))
            except ValueError:
                vals.append(0.0)
        i += n
        return vals if len(vals) == n else None

    while i < len(tokens):
        op = tokens[i]
        i += 1
        if op in ("S", "M"):
            p = take(2)
            if p is None:
                break
            if current:
                subpaths.append(current)
            current = [(p[0], p[1])]
        elif op == "L":
            p = take(2)
            if p is None:
                break
            current.append((p[0], p[1]))
        elif op == "Q":
            p = take(4)
            if p is None:
                break
            x0, y0 = current[-1] if current else (p[2], p[3])
            current.extend(_bezier([(x0, y0), (p[0], p[1]), (p[2], p[3])]))
        elif op == "B":
            p = take(6)
            if p is None:
                break
            x0, y0 = current[-1] if current else (p[4], p[5])
            current.extend(_bezier([(x0, y0), (p[0], p[1]), (p[2], p[3]), (p[4], p[5])]))
        elif op == "A":
            p = take(7)
            if p is None:
                break
            current.append((p[5], p[6]))
        elif op == "C":
            if current:
                current.append(current[0])
                subpaths.append(current)
                current = [current[0]]
        if len(current) > 100_000:
            raise UnusableInput("OFD 路径数据过长，疑似恶意构造", "hostile")
    if len(current) > 1:
        subpaths.append(current)
    return [sp for sp in subpaths if len(sp) > 1]


def _bezier(points: list[tuple[float, float]], steps: int = 8) -> list[tuple[float, float]]:
    out = []
    n = len(points) - 1
    for s in range(1, steps + 1):
        t = s / steps
        x = y = 0.0
        for k, (px, py) in enumerate(points):
            coef = math.comb(n, k) * (1 - t) ** (n - k) * t ** k
            x += coef * px
            y += coef * py
        out.append((x, y))
    return out
