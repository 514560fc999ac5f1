"""Robust measurement of the 版心 from the ink (版心测量): line starts and ends, not single glyphs.

On a PDF or a scan the 版心 is not declared; it is where the lines of the body start and end. Single
glyphs mislead: Word and LibreOffice let a closing 。，、；：”）》 hang past the right margin (标点溢出边界),
a first line is indented two characters (首行缩进), titles are centred, the signature and date are set to
the right with four characters to spare (GB/T 9704-2012 7.3.5.1), and a last line stops short. So:

- a line's *end* leaves out a trailing hanging punctuation mark (one em of its size), and its *start* a
  leading opening mark when it stands left of the others;
- the left edge is the leftmost start that at least two lines share (within `CLUSTER_MM`), the right edge
  the rightmost end that at least two lines share; with fewer lines, the single line stands for itself.

All lengths are millimetres from the page's top-left corner.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Optional

from .layout import Line, pt_to_mm

# Closing marks that Word and LibreOffice let hang past the right margin, and opening marks past the left.
HANGING_CLOSE = set("。，、；：！？”’）》〉」』】〕…．,.;:!?")
HANGING_OPEN = set("“‘（《〈「『【〔")
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


def line_end(line: Line) -> Optional[float]:
    """Right end of a line's text without a trailing hanging punctuation mark (mm), None without geometry."""
    if line.x1 is None:
        return None
    text = line.text.rstrip()
    if text and text[-1] in HANGING_CLOSE and len(text) > 1:
        return line.x1 - _em_mm(line, True)
    return line.x1


def line_start(line: Line) -> Optional[float]:
    """Left start of a line's text (mm); a leading opening mark is kept (it is measured, see block_edges)."""
    return line.x0


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


def block_edges(lines: Iterable[Line]) -> BlockEdges:
    """Left and right edges of the 版心 from body lines (centred lines do not count for the left edge)."""
    lines = [ln for ln in lines if ln.x0 is not None and ln.x1 is not None and ln.text.strip()]
    starts = [line_start(ln) for ln in lines if ln.align != "center"]
    # a line whose first glyph is an opening mark may start up to half an em left of the others
    ends = [line_end(ln) for ln in lines]
    left, ls = _supported_extreme(starts, highest=False)
    right, rs = _supported_extreme(ends, highest=True)
    return BlockEdges(left, right, ls, rs)
