"""Fonts named outright in a docx (a run's or a style's): the East Asian and the Latin face, theme fonts dropped."""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def set_fonts(rpr, east_asia: str, latin: str = "Times New Roman") -> None:
    """Name a run's or style's fonts outright (East Asian and Latin), dropping theme fonts that would win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
