"""Where on the page a rule measured something (标注位置): boxes for the web desk to draw on the page images.

A box is (x0, y0, x1, y1) in millimetres from the page's top-left corner, on the finding's `page`. Only what
the layout model places has one: lines of PDF, OFD and scanned pages (x0/top/x1/bottom), drawn rules, and the
版心 a docx declares by its margins. A docx paragraph has no position of its own, so a finding on it has none.
"""
from __future__ import annotations

from typing import Iterable, Optional

Box = tuple[float, float, float, float]


def lines_box(el, indexes: Iterable[int]) -> Optional[Box]:
    """The box around some of the parser's lines (Elements.lines indexes), None where any lacks a position."""
    lines = [el.lines[i] for i in indexes if 0 <= i < len(el.lines)]
    if not lines or any(None in (ln.x0, ln.top, ln.x1, ln.bottom) for ln in lines):
        return None
    return (min(ln.x0 for ln in lines), min(ln.top for ln in lines), max(ln.x1 for ln in lines),
            max(ln.bottom for ln in lines))


def found_box(el, found) -> Optional[Box]:
    """The box of an element found on one line (Found.line)."""
    return lines_box(el, [found.line]) if found is not None else None


def declared_block(page) -> Optional[Box]:
    """The 版心 a page declares by its margins (docx): left, top, page width − right, page height − bottom."""
    values = (page.width_mm, page.height_mm, page.margin_left_mm, page.margin_top_mm, page.margin_right_mm,
              page.margin_bottom_mm)
    if None in values:
        return None
    return (page.margin_left_mm, page.margin_top_mm, page.width_mm - page.margin_right_mm,
            page.height_mm - page.margin_bottom_mm)


def rule_box(rule, length: Optional[float] = None) -> Box:
    """A drawn rule's box, its length grown to the pieces that continue it (`length`, mm)."""
    x1 = rule.x0 + length if length is not None else rule.x1
    return (rule.x0, rule.top, max(rule.x1, x1), rule.bottom)
