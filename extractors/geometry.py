"""Robust measurement of the 版心 from the ink (版心测量): line starts and ends, not single glyphs.

On a PDF or a scan the 版心 is not declared; it is where the lines of the body start and end. Single
glyphs mislead: Word and LibreOffice let a closing 。，、；：”）》 hang past the right margin (标点溢出边界),
a first line is indented two characters (首行缩进), titles are centred, the signature and date are set to
the right with four characters to spare (GB/T 9704-2012 7.3.5.1), and a last line stops short. So:

- a line's *end* leaves out a trailing closing mark that hangs: one whose removal lands the line where
  another line ends, or that reaches more than half an em past the edge the standard puts at the measured
  left edge + 156 mm (PDF glyph boxes are advance boxes, so a hanging mark
  adds one em). A mark that ends a line inside the margin stays: without that, two lines that end in 。 at
  the edge would look one character short. A line's *start* is its first glyph (opening marks do not hang
  by default);
- the left edge is the leftmost start that at least two lines share (within `CLUSTER_MM`), the right edge
  the rightmost end that at least two lines share; with fewer lines, the single line stands for itself.

All lengths are millimetres from the page's top-left corner.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Optional

from .layout import Line, pt_to_mm

# Closing marks that Word and LibreOffice let hang past the right margin (标点溢出边界).
HANGING_CLOSE = set("。，、；：！？”’）》〉」』】〕…．,.;:!?")
CLUSTER_MM = 1.0
MIN_SUPPORT = 2


@dataclass
class BlockEdges:
    """Measured 版心 edges (mm) and how many lines support each."""

    left: Optional[float]
    right: Optional[float]
    left_support: int = 0
    right_support: int = 0


def _em_mm(line: Line, at_end: bool) -> float:
    run = line.runs[-1] if at_end else line.runs[0]
    return pt_to_mm(run.size_pt or 16.0)


def _ends_in_closing_mark(line: Line) -> bool:
    text = line.text.rstrip()
    return len(text) > 1 and text[-1] in HANGING_CLOSE


def line_end(line: Line, other_ends: Optional[list[float]] = None, expected: Optional[float] = None) -> Optional[float]:
    """Right end of a line's text without a hanging closing mark (mm); None without geometry.

    A trailing closing mark hangs when taking it away lands the line on where another line ends (within
    CLUSTER_MM; `other_ends` sorted), or when the line reaches more than half an em past `expected`, the edge
    the standard puts there. Without either, any trailing closing mark counts as hanging.
    """
    if line.x1 is None:
        return None
    if _ends_in_closing_mark(line):
        em = _em_mm(line, True)
        inner = line.x1 - em
        lands = other_ends is not None and bisect_right(other_ends, inner + CLUSTER_MM) > bisect_left(other_ends, inner - CLUSTER_MM)
        if (other_ends is None and expected is None) or lands or (expected is not None and line.x1 > expected + em / 2):
            return inner
    return line.x1


def _supported_extreme(values: list[float], highest: bool) -> tuple[Optional[float], int]:
    """The most extreme value that at least MIN_SUPPORT values share within CLUSTER_MM, and its support."""
    if not values:
        return None, 0
    ordered = sorted(values)
    indices = range(len(ordered) - 1, -1, -1) if highest else range(len(ordered))
    for i in indices:
        v = ordered[i]
        lo, hi = bisect_left(ordered, v - CLUSTER_MM), bisect_right(ordered, v + CLUSTER_MM)
        if hi - lo >= MIN_SUPPORT:
            # the cluster's median stands for it: one glyph further out inside the cluster does not move it
            return ordered[(lo + hi) // 2], hi - lo
    return ordered[indices[0]], 1


def block_edges(lines: Iterable[Line], block_width_mm: float = 156.0) -> BlockEdges:
    """Left and right edges of the 版心 from body lines (centred lines do not count for the left edge).

    `block_width_mm`: the 版心 width the standard sets (GB/T 9704-2012 5.2.1), used only to tell a hanging
    closing mark from one that ends a line inside the margin.
    """
    lines = [ln for ln in lines if ln.x0 is not None and ln.x1 is not None and ln.text.strip()]
    starts = [ln.x0 for ln in lines if ln.align != "center"]
    left, ls = _supported_extreme(starts, highest=False)
    all_ends = sorted(ln.x1 for ln in lines)
    expected = left + block_width_mm if left is not None else None
    ends = [line_end(ln, all_ends, expected) for ln in lines]
    right, rs = _supported_extreme(ends, highest=True)
    return BlockEdges(left, right, ls, rs)
