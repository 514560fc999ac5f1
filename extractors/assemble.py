"""Pieces of positioned text → lines and runs of the layout model (版面组装).

PDF chars and OCR text lines both arrive as pieces with a box in millimetres; this groups them into
lines by vertical overlap, joins touching pieces of one font into runs, marks page numbers at the foot
as the footer zone, and measures the margins from the ink.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .fonts import family_of
from .geometry import block_edges
from .layout import PAGE_NUMBER, Line, Page, Rule, Run, pt_to_mm


@dataclass
class Piece:
    """A bit of text with one font, as a PDF draws it (positions in mm from the top-left corner)."""

    text: str
    font: Optional[str]
    size_pt: float
    color: Optional[str]
    bold: bool
    x0: float
    top: float
    x1: float
    bottom: float


def merge_chars(chars: Iterable[Piece]) -> list[Piece]:
    """Join neighbouring chars of one font, size and colour on one baseline into pieces.

    Only touching glyphs join: a gap (a justified space, a glyph placed later from another font,
    such as a quotation mark) starts a new piece, so sorting by position puts every glyph in place.
    """
    pieces: list[Piece] = []
    current: Optional[Piece] = None
    for ch in chars:
        if (current and current.font == ch.font and current.size_pt == ch.size_pt and current.color == ch.color
                and abs(current.top - ch.top) < 0.5 and -0.5 < ch.x0 - current.x1 < pt_to_mm(ch.size_pt) * 0.3):
            current.text += ch.text
            current.x1, current.bottom = max(current.x1, ch.x1), max(current.bottom, ch.bottom)
            continue
        current = Piece(**vars(ch))
        pieces.append(current)
    return pieces


def assemble_page(number: int, width_mm: float, height_mm: float, pieces: Iterable[Piece],
                  rules: list[Rule]) -> Page:
    """Group pieces into lines (by vertical overlap) and runs (by font, size and colour)."""
    page = Page(number=number, width_mm=width_mm, height_mm=height_mm, rules=rules, margins_measured=True)
    rows: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (round(p.top + p.bottom, 1), p.x0)):
        if not piece.text.strip():
            continue
        middle = (piece.top + piece.bottom) / 2
        for row in rows:
            ref = row[0]
            if abs((ref.top + ref.bottom) / 2 - middle) < max(ref.bottom - ref.top, piece.bottom - piece.top) * 0.45:
                row.append(piece)
                break
        else:
            rows.append([piece])
    for row in sorted(rows, key=lambda r: min(p.top for p in r)):
        row.sort(key=lambda p: p.x0)
        line = Line()
        previous: Optional[Piece] = None
        for piece in row:
            gap = piece.x0 - previous.x1 if previous else 0.0
            # spaces next to Chinese are dropped and judged by the gaps below, the same way for every producer
            text = _LATIN_SPACES.sub(" ", _CJK_SPACES.sub("", piece.text)).strip()
            if not text:
                continue
            if previous and gap > pt_to_mm(piece.size_pt) * (0.25 if _latin_pair(previous.text, text) else 1.0):
                text = " " + text  # a tab, a wide space or a word space: keep the words apart
            last = line.runs[-1] if line.runs else None
            if last and (last.font, last.size_pt, last.color, last.bold) == (piece.font, piece.size_pt, piece.color, piece.bold):
                last.text += text
                last.x1, last.bottom = piece.x1, max(last.bottom, piece.bottom)
                last.top = min(last.top, piece.top)
            else:
                line.runs.append(Run(text=text, font=piece.font, family=family_of(piece.font), size_pt=piece.size_pt,
                                     color=piece.color, bold=piece.bold, x0=piece.x0, top=piece.top,
                                     x1=piece.x1, bottom=piece.bottom))
            previous = piece
        line.x0 = min(r.x0 for r in line.runs)
        line.x1 = max(r.x1 for r in line.runs)
        line.top = min(r.top for r in line.runs)
        line.bottom = max(r.bottom for r in line.runs)
        line.align = _alignment(line, width_mm)
        if PAGE_NUMBER.match(line.text) and line.top > height_mm * 0.8:
            line.zone = "footer"
        page.lines.append(line)
    _measure_margins(page)
    return page


_CJK_SPACES = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_LATIN_SPACES = re.compile(r"\s+")


def _latin_pair(left: str, right: str) -> bool:
    return bool(left) and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum()


def _alignment(line: Line, width_mm: float) -> str:
    centre = (line.x0 + line.x1) / 2
    return "center" if abs(centre - width_mm / 2 - 1) < 3 and line.x0 > 40 else "left"


def _measure_margins(page: Page) -> None:
    body = [ln for ln in page.lines if ln.zone == "body"]
    if not body:
        return
    edges = block_edges(body)  # line starts and ends most lines share, hanging punctuation left out
    page.margin_left_mm = edges.left if edges.left is not None else min(ln.x0 for ln in body)
    page.margin_top_mm = min(ln.top for ln in body)
    page.margin_right_mm = page.width_mm - (edges.right if edges.right is not None else max(ln.x1 for ln in body))
    page.margin_bottom_mm = page.height_mm - max(ln.bottom for ln in body)


