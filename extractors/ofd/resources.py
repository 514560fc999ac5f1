"""OFD resources: fonts, colour spaces, draw parameters, images, composite units (资源).

GB/T 33190-2016 §7.9: a resource file (PublicRes, DocumentRes, a page's PageRes) lists resources by ID;
its `BaseLoc` is the folder its files (FontFile, MediaFile) are relative to. Colours (§8.3) are
component values in a colour space (RGB by default, GRAY, CMYK), written in decimal or as "#ee".
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from ..errors import UnusableInput
from .container import Package, normalise

DEFAULT_LINE_WIDTH_MM = 0.353  # §8.2: LineWidth default


@dataclass
class FontRes:
    name: str  # FontName as written, e.g. "仿宋_GB2312"
    family: Optional[str] = None
    bold: bool = False
    italic: bool = False
    file: Optional[str] = None  # package part of the embedded font, when there is one


@dataclass
class DrawParam:
    line_width: Optional[float] = None
    fill: Optional[str] = None  # "RRGGBB"
    stroke: Optional[str] = None


@dataclass
class Resources:
    """Every resource a page can name, by ID (public, document and page resources merged)."""

    fonts: dict[str, FontRes] = field(default_factory=dict)
    colour_spaces: dict[str, str] = field(default_factory=dict)  # ID → RGB, GRAY, CMYK
    draw_params: dict[str, tuple] = field(default_factory=dict)  # ID → (element, Relative ID)
    media: dict[str, str] = field(default_factory=dict)  # ID → package part of the image
    composites: dict[str, etree._Element] = field(default_factory=dict)

    def load(self, package: Package, name: str) -> None:
        """Add the resources of one Res file (`name` is its part name)."""
        root = package.xml(name)
        folder = posixpath.dirname(name)
        base = root.get("BaseLoc") or ""
        files = normalise(base, folder) if base else folder
        self._read(root, files)

    def child(self) -> "Resources":
        """A copy to which a page's own PageRes is added (the document's stay as they are)."""
        return Resources(dict(self.fonts), dict(self.colour_spaces), dict(self.draw_params), dict(self.media),
                         dict(self.composites))

    def _read(self, root, files: str) -> None:
        for el in root.iter("Font"):
            file = el.findtext("FontFile")
            self.fonts[el.get("ID", "")] = FontRes(
                name=el.get("FontName") or el.get("FamilyName") or "", family=el.get("FamilyName"),
                bold=el.get("Bold") == "true", italic=el.get("Italic") == "true",
                file=normalise(file, files) if file and file.strip() else None)
        for el in root.iter("ColorSpace"):
            self.colour_spaces[el.get("ID", "")] = (el.get("Type") or "RGB").upper()
        for el in root.iter("DrawParam"):
            self.draw_params[el.get("ID", "")] = (el, el.get("Relative"))
        for el in root.iter("MultiMedia"):
            file = el.findtext("MediaFile")
            if file and file.strip() and (el.get("Type") or "Image").lower() == "image":
                self.media[el.get("ID", "")] = normalise(file, files)
        for el in root.iter("CompositeGraphicUnit"):
            self.composites[el.get("ID", "")] = el

    # --- colours and draw parameters -------------------------------------------------------------

    def colour(self, el) -> Optional[str]:
        """A <FillColor>/<StrokeColor> element → "RRGGBB" (None for black, as the PDF reader gives)."""
        if el is None:
            return None
        value = el.get("Value")
        if not value:
            return None
        kind = self.colour_spaces.get(el.get("ColorSpace") or "", "RGB")
        try:
            parts = [int(v[1:], 16) if v.startswith("#") else float(v) for v in value.split()]
        except ValueError:
            return None
        if kind == "GRAY" and parts:
            rgb = (parts[0],) * 3
        elif kind == "CMYK" and len(parts) >= 4:
            c, m, y, k = (min(max(v / 255, 0), 1) for v in parts[:4])
            rgb = (255 * (1 - c) * (1 - k), 255 * (1 - m) * (1 - k), 255 * (1 - y) * (1 - k))
        elif len(parts) >= 3:
            rgb = tuple(parts[:3])
        else:
            return None
        hexed = "%02X%02X%02X" % tuple(min(max(round(v), 0), 255) for v in rgb)
        return None if hexed == "000000" else hexed

    def draw_param(self, ref: Optional[str]) -> DrawParam:
        """A DrawParam with its Relative chain resolved (a loop in the chain is refused)."""
        result = DrawParam()
        seen: set[str] = set()
        while ref and ref in self.draw_params:
            if ref in seen:
                raise UnusableInput("OFD 绘制参数（DrawParam）相互引用成环，疑似恶意构造", "hostile")
            seen.add(ref)
            el, ref = self.draw_params[ref]
            if result.line_width is None and el.get("LineWidth"):
                result.line_width = _float(el.get("LineWidth"))
            if result.fill is None and el.find("FillColor") is not None:
                result.fill = self.colour(el.find("FillColor")) or "000000"
            if result.stroke is None and el.find("StrokeColor") is not None:
                result.stroke = self.colour(el.find("StrokeColor")) or "000000"
        return result


def _float(text: Optional[str], default: float = 0.0) -> float:
    try:
        return float(text) if text not in (None, "") else default
    except ValueError:
        return default


def numbers(text: Optional[str]) -> list[float]:
    """"28.0 83.49 156.0 1.0" → floats; malformed numbers are skipped."""
    out = []
    for tok in (text or "").replace(",", " ").split():
        try:
            out.append(float(tok))
        except ValueError:
            continue
    return out
