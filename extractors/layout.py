"""The one layout model that every format is read into (版面模型).

Like pdfplumber's page objects, it is plain data: a Document has Pages, a Page has Lines (one
line of text, or one paragraph where the format has no line breaks, as in docx), a Line has Runs
(text of one font, size and colour). Lengths are millimetres, font sizes points. Where a format has
no geometry (plain text) the positions are None and the layout rules do not run.

Validators only ever see this model: they never know whether a page came from docx, PDF or OCR.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Optional

PT_PER_MM = 72 / 25.4
# A page number as printed: "— 1 —", "-1-", "第1页", "1/3"; where a format has positions, only near the foot.
PAGE_NUMBER = re.compile(r"^\s*[—–\-－一]?\s*(?:第\s*)?\d{1,4}\s*页?(?:\s*/\s*共?\s*\d+\s*页?)?\s*[—–\-－一]?\s*$")
STRICT_PAGE_NUMBER = re.compile(r"^\s*[—–\-－]\s*\d{1,4}\s*[—–\-－]\s*$")


def pt_to_mm(pt: float) -> float:
    return pt / PT_PER_MM


def is_red(color: Optional[str]) -> bool:
    """True for the reds of 发文机关标志 and separators (FF0000, C00000, E60012 …)."""
    if not color or len(color) != 6:
        return False
    r, g, b = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return r >= 160 and g <= 90 and b <= 90


@dataclass
class Run:
    """Text of one font, size and colour (文字片段)."""

    text: str
    font: Optional[str] = None  # the font name as written in the file, e.g. "仿宋_GB2312"
    family: Optional[str] = None  # canonical family: fangsong, heiti, kaiti, xiaobiaosong, songti, other
    size_pt: Optional[float] = None
    color: Optional[str] = None  # "RRGGBB", upper case; None = automatic/black
    bold: bool = False
    x0: Optional[float] = None
    top: Optional[float] = None
    x1: Optional[float] = None
    bottom: Optional[float] = None


@dataclass
class Line:
    """One line of text (一行), or one paragraph for formats without line breaks (docx)."""

    runs: list[Run] = field(default_factory=list)
    align: Optional[str] = None  # left, center, right, justify
    x0: Optional[float] = None
    top: Optional[float] = None
    x1: Optional[float] = None
    bottom: Optional[float] = None
    first_indent_mm: Optional[float] = None  # docx: first-line indent
    left_indent_mm: Optional[float] = None
    right_indent_mm: Optional[float] = None
    line_pitch_pt: Optional[float] = None  # docx: exact line spacing, when set
    border_bottom_color: Optional[str] = None  # docx: a paragraph rule under the line (版头分隔线)
    zone: str = "body"  # body, header, footer, table
    ocr_confidence: Optional[float] = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Rule:
    """A drawn line or thin rectangle: the red 版头 separator, the 版记 rules (分隔线)."""

    x0: float
    top: float
    x1: float
    bottom: float
    color: Optional[str] = None
    width_pt: Optional[float] = None

    @property
    def length_mm(self) -> float:
        return max(self.x1 - self.x0, self.bottom - self.top)


@dataclass
class Picture:
    """An image placed on page 1's upper part (图片), kept for the 密级 a picture may carry (extractors/image_marks.py).

    Where the format has positions (PDF, OFD, an image file) the box is in mm from the page's top-left corner and
    `data` shows exactly that box; in a docx (flow, no positions) the box is None, `line` is the index in the
    page's lines of the paragraph it stands in (or the first one after it), `align` that paragraph's alignment and
    width_mm/height_mm its size as placed. `data`: the encoded image (PNG, JPEG, … as the file holds it), None when
    it could not be taken out; never written by to_dict."""

    x0: Optional[float] = None
    top: Optional[float] = None
    x1: Optional[float] = None
    bottom: Optional[float] = None
    width_mm: Optional[float] = None
    height_mm: Optional[float] = None
    line: Optional[int] = None
    align: Optional[str] = None
    zone: str = "body"  # body, header (a docx's first-page header)
    data: Optional[bytes] = field(default=None, repr=False)


@dataclass
class Page:
    number: int
    width_mm: Optional[float] = None
    height_mm: Optional[float] = None
    # Margins as set by the file (docx section); for PDF and OCR they are measured from the ink.
    margin_top_mm: Optional[float] = None
    margin_bottom_mm: Optional[float] = None
    margin_left_mm: Optional[float] = None
    margin_right_mm: Optional[float] = None
    margins_measured: bool = False  # True when measured from ink rather than declared
    lines: list[Line] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    ocr: bool = False
    # docx: lines per page and characters per line from the document grid (w:docGrid)
    grid_lines: Optional[int] = None
    grid_chars: Optional[int] = None
    # scans: round seals found (centre x, centre y, diameter, in mm) and the seal text kept out of `lines`
    seals: list[tuple[float, float, float]] = field(default_factory=list)
    seal_text: list[str] = field(default_factory=list)
    # page 1 only: the pictures of its upper part (版头), where a 密级 may be an image (extractors/image_marks.py)
    pictures: list[Picture] = field(default_factory=list)


@dataclass
class Document:
    """Everything read from one file, whatever its format."""

    format: str
    pages: list[Page] = field(default_factory=list)
    geometry: bool = False  # True when positions and page sizes are real (docx, PDF, OCR)
    ocr: bool = False
    colour: bool = True  # False for faxes and grey scans: colours cannot be judged
    fonts: list[str] = field(default_factory=list)  # font names used (PDF: embedded BaseFont names)
    producer: Optional[str] = None
    notes: list[str] = field(default_factory=list)  # Chinese remarks for the report
    # docx: odd/even page-number footers; each entry: {"kind": "default"|"even", "text":…, "align":…, "font":…, "size_pt":…}
    page_number_footers: list[dict] = field(default_factory=list)
    # OFD: electronic seals and signatures (电子印章), see extractors/ofd/seals.py: each {kind, stamps:
    # [{page, box_mm: [x, y, w, h]}], signed_at, provider, method, references, unchanged, changed, missing}
    seals: list[dict] = field(default_factory=list)
    flattened: bool = False  # plain text whose line breaks were lost (a page flattened onto one line), split by the reader
    template: bool = False  # a Word template (.dotx/.dotm by its content type): a form to fill, not a 公文

    @property
    def lines(self) -> list[Line]:
        return [ln for p in self.pages for ln in p.lines]

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines if ln.zone in ("body", "table"))

    def to_dict(self) -> dict:
        """Plain data (JSON-ready): pictures without their bytes."""
        out = asdict(self)
        for page in out["pages"]:
            for picture in page["pictures"]:
                picture.pop("data", None)
        return out
