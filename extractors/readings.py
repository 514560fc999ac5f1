"""How each 公文 element was read, and how sure the reading is (识读方式与把握, seam S8).

Every element the parser reads carries a `Reading`:

- `how`: "layout"  found by the 版头 and its place in a laid-out document (docx, PDF, OFD, a scan's lines),
         "pattern" found by its pattern in a plain text (a 发文字号, a date line, a line ending in a colon),
         "guess"   guessed from a lone line, a page's header block or the title's head (a title without 文种,
                   a 主送 that lost its colon, an issuer taken from "某某关于…"),
         "absent"  not found — which is not the same as "the document has none".
- `confidence`: 0..1, the base of its `how` times what lowers it: a web page's chrome around the head, a text
  flattened onto one line, traditional characters converted, an OCR line's own confidence.

The 版心 is read too ("block"): declared by a docx's margins it is sure; measured from the ink of a PDF, OFD
or scan it is sure only where BLOCK_SUPPORT_SURE lines share its edges (a one-page note of three lines is not).

The numbers are data (BASE, PENALTY) so that validators/doubt.py's thresholds are read against them; the
decision whether a 退文 rests on a doubtful reading is validators/doubt.decide_doubt, not made here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .elements import Elements
    from .layout import Document

HOWS = ("layout", "pattern", "guess", "absent")
BASE = {"layout": 0.95, "pattern": 0.85, "guess": 0.5, "absent": 0.0}
PENALTY = {
    "chrome": 0.8,  # a web page's or database's lines were skipped around the head: its elements may be the page's
    "flattened": 0.6,  # the text lost its line breaks: every element was cut out of one line
    "traditional": 0.95,  # read through the 繁→简 conversion
    "wrapped": 0.9,  # a title put together from three or more short lines of a plain text
}
# the elements of the head (版头 and 主体's first lines) that a page's chrome can be mistaken for
# (a 发文字号 or 签发人 has a pattern of its own that no page line shares: chrome does not lower them)
HEAD = ("doc_type", "title", "issuer", "addressee")
ELEMENTS = ("doc_type", "title", "issuer", "doc_number", "signer", "addressee", "body", "signature", "date",
            "annotation", "secrecy")
# the 版心 measured from the ink (PDF, OFD, scans) is sure only when enough lines share its edges
BLOCK_SUPPORT_SURE = 5
BLOCK_FEW_LINES = 0.6
ELEMENT_ZH = {"block": "版心", "doc_type": "文种", "title": "标题", "issuer": "发文机关", "doc_number": "发文字号", "signer": "签发人",
              "addressee": "主送机关", "body": "正文", "signature": "署名", "date": "成文日期", "annotation": "附注",
              "secrecy": "密级"}
HOW_ZH = {"layout": "按版面位置识别", "pattern": "按文字规律识别", "guess": "推测", "absent": "未见"}


@dataclass
class Reading:
    how: str  # one of HOWS
    confidence: float  # 0..1
    why: list[str] = field(default_factory=list)  # Chinese: what lowered it

    def to_dict(self) -> dict:
        out = asdict(self)
        out["confidence"] = round(self.confidence, 2)
        if not self.why:
            out.pop("why")
        return out


def _line_confidence(el: "Elements", line: Optional[int]) -> Optional[float]:
    if line is None or line >= len(el.lines):
        return None
    return el.lines[line].ocr_confidence


def readings_of(el: "Elements", document: "Document") -> dict[str, Reading]:
    """One Reading per element of ELEMENTS (see the module's doc)."""
    laid_out = bool(document.geometry)
    has_head = bool(el.issuer_mark_lines)
    found = {
        "title": el.title, "doc_number": el.doc_number, "signer": el.signer, "addressee": el.addressee,
        "signature": el.signature, "date": el.date, "annotation": el.annotation, "secrecy": el.secrecy,
    }
    out: dict[str, Reading] = {}
    for name in ELEMENTS:
        if name == "doc_type":
            item_present = el.doc_type is not None
            line = el.title.line if el.title else None
        elif name == "issuer":
            item_present = bool(el.issuers)
            line = el.issuer_mark_lines[0] if el.issuer_mark_lines else (el.signature.line if el.signature else None)
        elif name == "body":
            item_present = bool(el.body_lines)
            line = el.body_lines[0] if el.body_lines else None
        else:
            item_present = found[name] is not None
            line = found[name].line if found[name] is not None else None
        if not item_present:
            out[name] = Reading("absent", BASE["absent"])
            continue
        how = _how(el, name, laid_out, has_head)
        confidence, why = BASE[how], []
        if el.chrome_lines and name in HEAD and not laid_out:
            confidence *= PENALTY["chrome"]
            why.append(f"文本前后有网页或数据库的栏目、导航等 {el.chrome_lines} 行")
        if getattr(document, "flattened", False):
            confidence *= PENALTY["flattened"]
            why.append("全文挤在一行，按空格或要素规律分行")
        if el.traditional:
            confidence *= PENALTY["traditional"]
            why.append("繁体字转换为简体后识别")
        if name in ("title", "doc_type") and len(el.title_lines) >= 3 and not laid_out:
            confidence *= PENALTY["wrapped"]
            why.append(f"标题由 {len(el.title_lines)} 个短行拼成")
        ocr = _line_confidence(el, line)
        if document.ocr and ocr is not None:
            confidence *= max(0.0, min(1.0, ocr))
            why.append(f"OCR 识别置信度 {ocr:.2f}")
        out[name] = Reading(how, round(confidence, 3), why)
    block = _block_reading(document)
    if block is not None:
        out["block"] = block
    return out


def _block_reading(document: "Document") -> Optional[Reading]:
    """The 版心 (text block): declared by a docx's margins (sure), or measured from the ink, where it is as sure
    as the number of lines that share its left and right edges (extractors/geometry.block_edges)."""
    from .geometry import block_edges

    if not document.geometry:
        return None
    if not any(p.margins_measured for p in document.pages):
        return Reading("layout", BASE["layout"])
    edges = block_edges(ln for p in document.pages for ln in p.lines if ln.zone == "body")
    support = min(edges.left_support, edges.right_support)
    if support >= BLOCK_SUPPORT_SURE:
        return Reading("layout", BASE["layout"])
    return Reading("layout", round(BASE["layout"] * BLOCK_FEW_LINES, 3),
                   [f"版心仅由 {support} 行的行首、行尾测得（少于 {BLOCK_SUPPORT_SURE} 行）"])


def _how(el: "Elements", name: str, laid_out: bool, has_head: bool) -> str:
    """layout / pattern / guess for an element that was found."""
    from .elements import DOC_TYPES, doc_type_of

    if name in el.guessed:
        return "guess"
    if name == "doc_type":
        if el.title is None:
            return "guess" if el.format == "standard" else "pattern"  # from a 结束语; a 令's or 纪要's mark names it
        if "title" in el.guessed:
            return "guess"
    if name in ("title", "doc_type") and el.title is not None and doc_type_of(el.title.text) not in DOC_TYPES:
        # a line taken for the title although it names no legal 文种: in a laid-out document its size and place
        # say it is the title; in a plain text it is a guess
        return "layout" if laid_out and _large(el, el.title_lines) else "guess"
    if name == "issuer":
        if el.issuer_mark_lines or el.signature_lines:
            return "layout" if laid_out and has_head else "pattern"
        return "guess"  # the title's head ("某某关于…") or a page's 发文单位 field
    if laid_out and (has_head or name in ("title", "date", "signature", "body", "annotation")):
        return "layout"
    return "pattern"


def _large(el: "Elements", lines: list[int]) -> bool:
    sizes = [r.size_pt for i in lines for r in el.lines[i].runs if r.text.strip() and r.size_pt]
    return bool(sizes) and max(sizes) >= 18


def readings_dict(readings: dict[str, Reading]) -> dict[str, dict]:
    """The report's `document.readings`: {element: {"how", "confidence"[, "why"]}}."""
    return {name: r.to_dict() for name, r in readings.items()}
