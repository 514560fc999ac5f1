"""A 密级 mark that is a picture (图片密级标志): the pictures of page 1's 版头 read by OCR (issue 19 point 1).

A stamped or pasted `机密★1年` is common in practice; as an image it has no text, so the element parser cannot see
it. After the parser, where it found no 密级 in the text, the pictures of page 1 that stand where GB/T 9704-2012
7.2 puts the 版头 (above the title; with positions, above the title's top, else above the red separator, else
in the upper third of the page; in a docx, in a paragraph before the title's) are read by the project's OCR engine
(extractors/ocr.get_engine, loaded once per process) and each line read as a 密级 line (extractors/secrecy.read_mark).

    read_image_mark(document, elements) -> Mark | None   and sets, on `elements`:
        secrecy             Found(level and 保密期限, original "机密★1年（图片）") for a mark read with confidence
        secrecy_unreadable  Found(UNSURE) for a picture in the 密级 position (the upper left of the 版心, not the
                            centred 发文机关标志) whose text cannot be read with confidence, a mark whose level
                            cannot be read, or a picture that cannot be decoded there: held for the 机要员

Cost bound: nothing without pictures or when the text has a mark already; at most MAX_PICTURES pictures, each
the part above the title, scaled to at most MAX_SIDE_PX. The engine's failure (not installed, time limit) on a
picture in the 密级 position holds the document too: never indexed, returned or routed on a guess.
"""
from __future__ import annotations

import io
import logging
from typing import Optional

import numpy as np

from .layout import Document, Page, Picture, is_red
from .secrecy import CLASSIFIED, UNREADABLE, Mark, head_end, read_mark, read_secrecy, secrecy_text

UNSURE = "版头位置有图片，疑为密级标志"  # what the 机要员 is told (secrecy_unreadable.text)
SURE = 0.85  # an OCR line read at least this confidently is taken as read (RapidOCR's score, 0..1)
MAX_PICTURES = 4
MAX_SIDE_PX = 1600
OCR_DPI = 200  # a picture whose size on the page is known is brought to this resolution (as scans are)
NO_TITLE_BAND = 1 / 3  # without a title or a separator: the upper third of page 1 is the 版头
MARK_POSITION_WIDTH = 0.6  # a picture narrower than this share of the page's 版心 width, on its left half
INK_SHARE = 0.002  # a picture with less dark or coloured ink than this share of its pixels is blank
MARK_INK = 0.8  # a 密级 stamp is red or black: at least this share of the ink (a coloured logo is not)

log = logging.getLogger(__name__)


def read_image_mark(document: Document, el) -> Optional[Mark]:
    """The 密级 read from page 1's 版头 pictures, set on `el` (see the module's docstring), or None. Runs only
    where the text has no mark (el.secrecy and el.secrecy_unreadable both None) and there are pictures."""
    if el.secrecy is not None or el.secrecy_unreadable is not None:
        return None
    page = next((p for p in document.pages if p.number == 1), None)
    if page is None or not page.pictures:
        return None
    unsure = False
    for picture, crop, in_mark_position in _candidates(page, el)[:MAX_PICTURES]:
        found = _read_picture(picture, crop, in_mark_position)
        if found is not None and found.kind == CLASSIFIED:
            _set(el, found)
            document.notes.append(f"第 1 页版头的图片经文字识别读出密级“{found.text}”")
            return found
        unsure = unsure or found is not None
    if unsure:
        found = Mark(UNREADABLE, UNSURE, source="image", page=1)
        _set(el, found)
        return found
    return None


def _set(el, mark: Mark) -> None:
    from .elements import Found  # the parser's element type (imported late: elements imports secrecy, not us)

    line = 0  # a picture is no line: the element points at the document's first
    if mark.kind == CLASSIFIED:
        reading = read_secrecy(mark.text)
        text = secrecy_text(reading) if reading else mark.level
        el.secrecy = Found(text=text, page=1, line=line, original=f"{mark.text}（图片）")
    else:
        el.secrecy_unreadable = Found(text=UNSURE, page=1, line=line, original=UNSURE)


def _candidates(page: Page, el) -> list[tuple[Picture, Optional[tuple[float, float]], bool]]:
    """(picture, vertical crop as shares of its height (from, to) or None, in the 密级 position) for each picture
    of page 1 in the 版头: above the title (its top, or its paragraph in a docx)."""
    out = []
    title_line = el.title.line if el.title is not None else None
    for picture in page.pictures:
        if picture.top is not None and picture.bottom is not None:  # positions: PDF, OFD, an image file
            limit = _head_limit_mm(page, el, title_line)
            if picture.top >= limit:
                continue
            height = picture.bottom - picture.top
            crop = (0.0, min(1.0, (limit - picture.top) / height)) if height > 0 and picture.bottom > limit else None
            out.append((picture, crop, _in_mark_position_mm(page, picture)))
        else:  # a docx: flow order. A picture in an empty paragraph just before the title carries the title's
            # line index (layout.Picture.line: its paragraph, or the first one after it): it is in the 版头 too
            if picture.line is not None and picture.line > _head_limit_index(page, el, title_line):
                continue
            out.append((picture, None, _in_mark_position_flow(page, picture)))
    out.sort(key=lambda c: not c[2])  # the 密级 position first
    return out


def _head_limit_mm(page: Page, el, title_line: Optional[int]) -> float:
    """How far down page 1 the 版头 reaches, in mm: the title's top when it is on page 1 with a position, else the
    red separator's (GB/T 9704-2012 7.2.7), else the upper third of the page."""
    if title_line is not None and el.pages_of[title_line] == 1 and el.lines[title_line].top is not None:
        return el.lines[title_line].top
    height = page.height_mm or 297.0
    separators = [r.top for r in page.rules if is_red(r.color) and r.length_mm > 100 and r.top < height / 2]
    return min(separators) if separators else height * NO_TITLE_BAND


def _head_limit_index(page: Page, el, title_line: Optional[int]) -> int:
    """The index in page 1's lines where the 版头 ends (docx): the title's line, else extractors.secrecy.head_end."""
    end = title_line if title_line is not None else head_end(el.lines, None)
    if end >= len(el.lines):
        return len(page.lines)
    target = el.lines[end]
    return next((i for i, line in enumerate(page.lines) if line is target), len(page.lines))


def _block_width(page: Page) -> float:
    width = page.width_mm or 210.0
    return width - (page.margin_left_mm or 28.0) - (page.margin_right_mm or 26.0)


def _in_mark_position_mm(page: Page, picture: Picture) -> bool:
    """The 份号/密级 position (GB/T 9704-2012 7.2.1, 7.2.2: the upper left of the 版心): a picture on the page's left
    half, narrower than MARK_POSITION_WIDTH of the 版心 (the 发文机关标志 is centred and wide)."""
    width = page.width_mm or 210.0
    return picture.x0 < width / 2 and (picture.x1 - picture.x0) < _block_width(page) * MARK_POSITION_WIDTH


def _in_mark_position_flow(page: Page, picture: Picture) -> bool:
    """As _in_mark_position_mm, for a docx picture: its paragraph is not centred or right-aligned, and it is
    narrower than MARK_POSITION_WIDTH of the 版心 (an unknown size counts as narrow)."""
    if picture.align in ("center", "right"):
        return False
    return picture.width_mm is None or picture.width_mm < _block_width(page) * MARK_POSITION_WIDTH


def _read_picture(picture: Picture, crop, in_mark_position: bool) -> Optional[Mark]:
    """A CLASSIFIED mark read with confidence, an UNREADABLE one (a mark whose level cannot be read, or what cannot be
    read with confidence in the 密级 position), or None (no mark: a logo, the issuer's name, a blank)."""
    rgb = _decode(picture, crop)
    if rgb is None:  # EMF, JBIG2, a broken image: what it shows is unknown
        return Mark(UNREADABLE, UNSURE, source="image") if in_mark_position or _whole_page(picture) else None
    ink, red_or_black = _ink(rgb)
    if ink < INK_SHARE:
        return None  # blank
    image = _for_ocr(rgb)
    try:
        from . import limits
        from .ocr import get_engine

        with limits.time_limit(seconds=limits.OCR_SECONDS_PER_PAGE, what="版头图片文字识别"):
            lines = get_engine().read(image)
    except Exception as exc:  # the engine missing, failing or too slow: nothing can be said of this picture
        log.warning("版头图片文字识别失败：%s", exc)
        return Mark(UNREADABLE, UNSURE, source="image") if in_mark_position or _whole_page(picture) else None
    lines.sort(key=lambda ln: (round(ln.box[1] / 20), ln.box[0]))  # reading order, rows of about 20 px
    texts = [ln.text for ln in lines] + (["".join(ln.text for ln in lines)] if len(lines) > 1 else [])
    scores = [ln.score for ln in lines] + ([min(ln.score for ln in lines)] if len(lines) > 1 else [])
    for text, score in zip(texts, scores):
        mark = read_mark(text)
        if mark is None or not mark.held:
            continue
        if mark.kind == CLASSIFIED and score >= SURE:
            return Mark(CLASSIFIED, text.strip(), mark.level, source="image", page=1)
        return Mark(UNREADABLE, UNSURE, source="image", page=1)  # a mark, but not read with confidence
    if in_mark_position and red_or_black >= MARK_INK and (not lines or any(ln.score < SURE for ln in lines)):
        # red or black ink in the 密级 position that is not read with confidence: a stamp too faint or smudged to
        # read is not told from a mark (a coloured logo there is: marks are red or black)
        return Mark(UNREADABLE, UNSURE, source="image", page=1)
    return None


def _whole_page(picture: Picture) -> bool:
    """A picture that is the page (an image file, a scanned page): its 版头 is wherever the page puts it."""
    return picture.x0 is not None and picture.x0 <= 1.0 and picture.top is not None and picture.top <= 1.0 \
        and (picture.width_mm or 0) >= 150


def _decode(picture: Picture, crop) -> Optional[np.ndarray]:
    """The picture as an RGB array: decoded by Pillow (first frame, transparency on white), its upper part when
    cropped, brought to OCR_DPI where its size on the page is known, at most MAX_SIDE_PX. None when it cannot be
    decoded (EMF, JBIG2, broken)."""
    if not picture.data:
        return None
    import cv2
    from PIL import Image

    try:
        with Image.open(io.BytesIO(picture.data)) as src:
            if src.size[0] * src.size[1] > 80_000_000:
                return None
            src.seek(0)
            rgb = np.asarray(_flatten_alpha(src))
    except Exception:
        return None
    if crop is not None:
        rgb = rgb[int(rgb.shape[0] * crop[0]):max(1, int(rgb.shape[0] * crop[1]))]
    if rgb.size == 0:
        return None
    height, width = rgb.shape[:2]
    scale = (picture.width_mm / 25.4 * OCR_DPI) / width if picture.width_mm else 1.0
    longest = max(width, height) * scale
    if longest > MAX_SIDE_PX:
        scale *= MAX_SIDE_PX / longest
    if abs(scale - 1.0) > 0.05:
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return rgb


def _for_ocr(rgb: np.ndarray) -> np.ndarray:
    """BGR for the engine: any ink colour made dark (a red mark reads as a black one), with a white margin."""
    import cv2

    dark = np.ascontiguousarray(rgb.min(axis=2))  # red, blue or black ink all become dark on white
    dark = cv2.copyMakeBorder(dark, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(dark, cv2.COLOR_GRAY2BGR)


def _ink(rgb: np.ndarray) -> tuple[float, float]:
    """(share of the pixels that are ink, share of the ink that is red or black/grey): ink is any pixel whose
    darkest channel is below 160; red where red exceeds green and blue by 60, black/grey where the channels lie
    within 40 of each other."""
    pixels = rgb.reshape(-1, 3).astype(np.int16)
    ink = pixels[pixels.min(axis=1) < 160]
    if not len(ink):
        return 0.0, 0.0
    red = (ink[:, 0] - np.maximum(ink[:, 1], ink[:, 2])) > 60
    neutral = (ink.max(axis=1) - ink.min(axis=1)) < 40
    return len(ink) / len(pixels), float((red | neutral).mean())


def _flatten_alpha(src):
    """RGB on white: a transparent PNG's clear parts are paper, not black."""
    from PIL import Image

    if src.mode in ("RGBA", "LA") or (src.mode == "P" and "transparency" in src.info):
        rgba = src.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return src.convert("RGB")


def picture_page(data: bytes, fmt: str) -> Document:
    """An image file read for its text layer only (extract(…, ocr=False), a mail's 附件): it has none; its first
    page is one picture covering the page (the size from its resolution, A4 wide without one), which
    read_image_mark reads in the upper third when the 版头 is asked for."""
    import cv2

    from .scan import open_images

    first = next(iter(open_images(data)), None)  # square pixels at the OCR resolution; bombs and damage refused
    if first is None:
        from .errors import UnusableInput
        raise UnusableInput("图像文件中没有图像", "empty")
    height_px, width_px = first.image.shape[:2]
    px_per_mm = first.dpi / 25.4
    width_mm, height_mm = width_px / px_per_mm, height_px / px_per_mm
    ok, png = cv2.imencode(".png", first.image)
    page = Page(number=1, width_mm=width_mm, height_mm=height_mm, margins_measured=True,
                pictures=[Picture(x0=0.0, top=0.0, x1=width_mm, bottom=height_mm, width_mm=width_mm, height_mm=height_mm,
                                  data=png.tobytes() if ok else None)])
    return Document(format=fmt, pages=[page], geometry=True)
