"""Private-use code points → Unicode through the embedded font's own tables (私用区字符还原).

Some OFD writers embed a subset font and store its characters as private-use code points (U+E000–
U+F8FF), so the text layer reads as nonsense. The font still knows what each glyph is, often:
- another cmap entry (a real Unicode code point) that maps to the same glyph, or
- the glyph's name (post table / CFF charset): "uni4E2D", "u2F00D", or an Adobe Glyph List name.
A glyph named only "glyph00012" or "uniE11E" cannot be mapped: the caller OCRs that page instead.
"""
from __future__ import annotations

import io
import logging
from functools import lru_cache
from typing import Optional

from .container import Package

logging.getLogger("fontTools").setLevel(logging.ERROR)


def is_private_use(ch: str) -> bool:
    return len(ch) == 1 and (0xE000 <= ord(ch) <= 0xF8FF or 0xF0000 <= ord(ch) <= 0x10FFFD)


@lru_cache(maxsize=65536)
def _name_to_unicode(name: str) -> Optional[str]:
    from fontTools.agl import toUnicode

    text = toUnicode(name)
    if len(text) == 1 and not is_private_use(text) and text.isprintable():
        return text
    return None


class _Tables:
    def __init__(self, data: bytes):
        from fontTools.ttLib import TTFont

        self.order: list[str] = []
        self.cmap: dict[int, str] = {}
        self.reverse: dict[str, str] = {}
        try:
            font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
            self.order = font.getGlyphOrder()
            for table in font["cmap"].tables if "cmap" in font else []:
                if not table.isUnicode() and table.platformID != 3:
                    continue
                for code, glyph in table.cmap.items():
                    self.cmap.setdefault(code, glyph)
                    if not (0xE000 <= code <= 0xF8FF) and code >= 0x20 and table.isUnicode():
                        self.reverse.setdefault(glyph, chr(code))
        except Exception:  # a raw CFF or a broken font: nothing to map with
            self.order, self.cmap, self.reverse = [], {}, {}

    def unicode(self, code: int, glyph_id: Optional[int]) -> Optional[str]:
        names = []
        if code in self.cmap:
            names.append(self.cmap[code])
        if glyph_id is not None and 0 <= glyph_id < len(self.order):
            names.append(self.order[glyph_id])
        for name in names:
            if name in self.reverse:
                return self.reverse[name]
            mapped = _name_to_unicode(name)
            if mapped:
                return mapped
        return None


class FontMapper:
    """Maps one package's private-use characters, loading each embedded font once."""

    MAX_FONT_BYTES = 30 * 1024 * 1024

    def __init__(self, package: Package):
        self.package = package
        self.tables: dict[str, _Tables] = {}
        self.mapped = 0

    def font_bytes(self, part: Optional[str]) -> Optional[bytes]:
        if not part or not self.package.has(part):
            return None
        info = self.package.names.get(part) or self.package.names.get(self.package.lower.get(part.lower(), ""))
        if info is None or info.file_size > self.MAX_FONT_BYTES:
            return None
        return self.package.read(part)

    def unicode_for(self, font, ch: str, glyph_id: Optional[int]) -> Optional[str]:
        """The Unicode character an embedded font's glyph stands for, or None when the font cannot say."""
        if font is None or not font.file:
            return None
        tables = self.tables.get(font.file)
        if tables is None:
            data = self.font_bytes(font.file)
            tables = self.tables[font.file] = _Tables(data) if data else _Tables(b"")
        mapped = tables.unicode(ord(ch), glyph_id)
        if mapped:
            self.mapped += 1
        return mapped
