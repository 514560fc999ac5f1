"""Scanned and faxed pages → layout model (扫描件与传真读取).

Each page image goes through the steps official paper needs, then OCR:
1. square pixels: faxes arrive at 204×98 or 204×196 dpi and are resampled first;
2. blank pages are skipped;
3. the red parts are found: the red 发文机关标志 is kept as text and marked red, the red separator is
   kept as a rule, and red seals (印章) are whitened so that the signature and date under them read cleanly;
4. orientation (0/90/180/270) and skew are corrected;
5. OCR; each text line becomes a piece with its box in mm and a font size estimated from its height.
Pages are handled one at a time, so a 300-page fax needs the memory of one page.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Iterator, Optional

import cv2
import numpy as np
from PIL import Image, ImageSequence

from . import limits, seals
from .assemble import Piece, assemble_page
from .errors import UnusableInput, technical
from .layout import Document, Page, Rule
from .ocr import OcrLine, get_engine

MM_PER_INCH = 25.4
A4_WIDTH_IN = 210 / MM_PER_INCH
# An OCR line box is about this many times the font's em size (PP-OCR boxes hug the glyphs, padded a little).
BOX_HEIGHT_PER_EM = 1.2
OCR_DPI = 200  # pages are brought to this resolution: enough for 三号 text, and fast on two cores

# Pillow refuses images above this many pixels (an A4 page at 600 dpi is 35 million): a decompression bomb.
Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS


@dataclass
class PageImage:
    image: np.ndarray  # BGR, square pixels, at `dpi`
    dpi: float

    @property
    def colour(self) -> bool:
        """False for black-and-white faxes and grey scans: then colours are not evidence of anything."""
        small = self.image[::8, ::8].astype(np.int16)
        spread = np.abs(small[:, :, 2] - small[:, :, 1]) + np.abs(small[:, :, 2] - small[:, :, 0])
        return bool((spread > 80).sum() > 20)


# OCR reads full-width punctuation of Chinese text as often as not as its ASCII twin: the glyphs are alike.
_OCR_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK_NEIGHBOUR = re.compile(r"(?<=[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])[,:;?!()]|[,:;?!()](?=[\u4e00-\u9fff])")


# a date's 月 read as 日/目/用 where a seal or a fax's noise crosses it: "2026年11日20日" is no date, "…11月20日" is
_DATE_MONTH_MISREAD = re.compile(r"((?:19|20)\d\d年[01]?\d)[日目用](?=[0-3]?\d日)")


def normalise_ocr_text(text: str) -> str:
    text = _CJK_NEIGHBOUR.sub(lambda m: _OCR_PUNCT[m.group(0)], text.strip())
    text = _DATE_MONTH_MISREAD.sub(r"\1月", text)
    # a bracket closing a full-width one is full-width too: "（电话：0851-85551234)" → "…）"
    out, open_full = [], 0
    for ch in text:
        if ch == "（":
            open_full += 1
        elif ch in ")）" and open_full:
            open_full -= 1
            ch = "）"
        out.append(ch)
    return "".join(out)


def open_images(data: bytes) -> Iterator[PageImage]:
    """Yield each page of a PNG, JPEG or (multi-page) TIFF, one at a time, with square pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)  # Pillow's remarks on damaged EXIF; damage is judged below
        try:
            image = Image.open(io.BytesIO(data))
            image.size  # noqa: B018  (reading the header is where bombs are caught)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableInput("图像像素数超出上限，疑似解压炸弹，已拒绝处理", "hostile") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise UnusableInput("图像文件损坏或不完整，无法打开", "corrupt", technical(exc)) from exc
        count = getattr(image, "n_frames", 1)
        if count > limits.MAX_PAGES:
            raise UnusableInput(f"图像页数过多（{count} 页，上限 {limits.MAX_PAGES} 页）", "too-large")
        try:
            for frame in ImageSequence.Iterator(image):
                yield _page_image(frame)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableInput("图像像素数超出上限，疑似解压炸弹，已拒绝处理", "hostile") from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise UnusableInput("图像数据不完整（可能在传输中被截断）", "corrupt", technical(exc)) from exc


def _page_image(frame: Image.Image) -> PageImage:
    width, height = frame.size
    if width * height > limits.MAX_IMAGE_PIXELS:
        raise UnusableInput("图像像素数超出上限，疑似解压炸弹，已拒绝处理", "hostile")
    dpi_x, dpi_y = _resolution(frame)
    rgb = frame.convert("RGB")
    if abs(dpi_x - dpi_y) > 1:  # fax: 204×98 dpi → square pixels at the finer resolution
        target = max(dpi_x, dpi_y)
        rgb = rgb.resize((round(width * target / dpi_x), round(height * target / dpi_y)), Image.Resampling.BILINEAR)
        dpi_x = dpi_y = target
    array = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)
    if abs(dpi_x - OCR_DPI) > 20:
        scale = OCR_DPI / dpi_x
        array = cv2.resize(array, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        dpi_x = OCR_DPI
    return PageImage(image=array, dpi=dpi_x)


def _resolution(frame: Image.Image) -> tuple[float, float]:
    """The image's dpi; without one, assume the page is A4 wide (what offices scan)."""
    dpi = frame.info.get("dpi")
    if dpi and dpi[0] and dpi[1] and dpi[0] > 50:
        return float(dpi[0]), float(dpi[1])
    guess = frame.size[0] / A4_WIDTH_IN
    if frame.size[1] / frame.size[0] < 1.0:  # a fax squeezed to half height: 204×98
        return guess, guess / 2
    return guess, guess


# --- red parts -----------------------------------------------------------------------------------

def red_mask(image: np.ndarray) -> np.ndarray:
    """Pixels that are clearly red (issuer mark, separator, seal), as a 0/255 mask: R − G > 70, R − B > 70, R > 140."""
    return _redder_than(image, 70, 140)


def _redder_than(image: np.ndarray, margin: int, floor: int = 0) -> np.ndarray:
    """0/255 mask of the pixels of a BGR uint8 image whose red exceeds green and blue by more than `margin` and
    is above `floor`. OpenCV's saturating uint8 subtraction (a negative difference is 0, never above the
    margin) gives the same mask as signed arithmetic without widening three page-sized arrays to int16."""
    b, g, r = cv2.split(image)
    mask = cv2.bitwise_and(cv2.compare(cv2.subtract(r, g), margin, cv2.CMP_GT),
                           cv2.compare(cv2.subtract(r, b), margin, cv2.CMP_GT))
    return cv2.bitwise_and(mask, cv2.compare(r, floor, cv2.CMP_GT)) if floor else mask


@dataclass
class RedParts:
    mask: np.ndarray  # every clearly red pixel
    seals: list[tuple[int, int, int, int]]  # round red blobs (x0, y0, x1, y1 px): stamped seals
    text_mask: np.ndarray  # red pixels that are neither seal nor rule: the red text of the 发文机关标志

    def band(self, top: int) -> "RedParts":
        return RedParts(self.mask[top:], [], self.text_mask[top:])


def find_red(image: np.ndarray, dpi: float) -> RedParts:
    mask = red_mask(image)
    px_per_mm = dpi / MM_PER_INCH
    seals = []
    text_mask = mask.copy()
    if not mask.any():
        return RedParts(mask, seals, text_mask)
    # seals: red blobs 25–60 mm across, about as tall as wide, found on a closed (filled-in) mask
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(closed)
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        w_mm, h_mm = w / px_per_mm, h / px_per_mm
        if w_mm > 60 and h_mm < 2.5:  # the red separator: a rule, not text
            text_mask[labels == i] = 0
        elif 25 <= w_mm <= 60 and 25 <= h_mm <= 60 and 0.75 < w / h < 1.33:
            seals.append((x, y, x + w, y + h))
            text_mask[y:y + h, x:x + w] = 0
    return RedParts(mask, seals, text_mask)


def for_ocr(image: np.ndarray, red: RedParts) -> np.ndarray:
    """Grey page for the recogniser: red text turned dark, seals and red rules removed, fax speckle cleared."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if is_bilevel(grey):
        grey = cv2.medianBlur(grey, 3)  # a fax's isolated black and white specks
    grey[red.mask > 0] = 255  # seals and rules go; the red text comes back dark below
    if red.seals:
        reddish = _redder_than(image, 35) > 0  # a seal's blurred, half-inked edges: red-tinged, not clearly red
        for x0, y0, x1, y1 in red.seals:
            patch = grey[y0:y1, x0:x1]
            patch[reddish[y0:y1, x0:x1]] = 255  # black ink under the seal is not reddish and stays
    grey[red.text_mask > 0] = 40
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def find_lines(grey: np.ndarray, dpi: float, red: np.ndarray) -> list[Rule]:
    """Long thin horizontal lines (版头 separator, 版记 rules), red or not: faxes keep their shape only.
    Searched at half resolution: a rule is long, and the search is four times cheaper."""
    grey, red = grey[::2, ::2], red[::2, ::2]
    px_per_mm = dpi / 2 / MM_PER_INCH
    dark = ((grey < 160) | (red > 0)).astype(np.uint8) * 255
    # a thin line sent by fax arrives broken into dashes: bridge gaps of a few millimetres first
    bridged = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (int(4 * px_per_mm), 1)))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (int(40 * px_per_mm), 1))
    long_runs = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, kernel)
    n, _, stats, _ = cv2.connectedComponentsWithStats(long_runs)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w / px_per_mm > 60 and h / px_per_mm < 2.5:
            is_red = red[y:y + h, x:x + w].mean() > 255 * 0.3
            out.append(Rule(x0=x / px_per_mm, top=y / px_per_mm, x1=(x + w) / px_per_mm, bottom=(y + h) / px_per_mm,
                            color="FF0000" if is_red else "000000", width_pt=round(h / px_per_mm * 72 / MM_PER_INCH, 2)))
    return out


# --- orientation and skew --------------------------------------------------------------------------

def ink(grey: np.ndarray) -> np.ndarray:
    return (grey < 128).astype(np.uint8)


def is_bilevel(grey: np.ndarray) -> bool:
    """A black-and-white page (a fax): nearly every pixel is pure black or pure white."""
    sample = grey[::16, ::16]
    return bool(((sample < 30) | (sample > 225)).mean() > 0.995)


def is_blank(grey: np.ndarray) -> bool:
    """No more ink than one character's worth: a page holding a single line of text is not blank."""
    dark = ink(cv2.medianBlur(grey, 3))  # fax speckle is not ink
    return int(dark.sum()) < 150


def upright_quarter(grey: np.ndarray) -> int:
    """0 or 90: whether text lines run across (0) or down (90) the page, from projection profiles."""
    small = cv2.resize(ink(grey) * 255, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    rows, cols = small.sum(axis=1).astype(float), small.sum(axis=0).astype(float)
    row_var = np.var(np.diff(rows)) / (rows.mean() ** 2 + 1e-9)
    col_var = np.var(np.diff(cols)) / (cols.mean() ** 2 + 1e-9)
    return 0 if row_var >= col_var else 90


def skew_angle(grey: np.ndarray, limit: float = 5.0, step: float = 0.25) -> float:
    """The small rotation (degrees, cv2's sense: positive turns the page anticlockwise) that makes text lines
    horizontal: the sharpest row profile wins, tried every `step` degrees within ±`limit`.

    The row profile of the page turned by `a` is computed from the inked pixels of a quarter-size page, each
    counted in the row it lands in (y' = y·cos a − x·sin a about the centre, rounded), not by rotating the
    image 41 times: the same profiles (pixels turned out of the frame dropped, as warpAffine drops them) for
    a tenth of the time."""
    small = cv2.resize(ink(grey) * 255, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    ys, xs = np.nonzero(small)
    if not len(ys):
        return 0.0
    weights = small[ys, xs].astype(np.float64)
    dx, dy = xs - w / 2, ys - h / 2
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        a = np.radians(angle)
        rows = np.rint(dy * np.cos(a) - dx * np.sin(a) + h / 2).astype(np.int64)
        inside = (rows >= 0) & (rows < h)
        profile = np.bincount(rows[inside], weights=weights[inside], minlength=h)
        score = float(np.var(profile))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 1e-3:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def turn(image: np.ndarray, quarter_turns: int) -> np.ndarray:
    codes = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}
    return cv2.rotate(image, codes[quarter_turns % 4]) if quarter_turns % 4 else image


def straighten(image: np.ndarray) -> np.ndarray:
    """Quarter turn if lines run down the page, then deskew."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if upright_quarter(grey) == 90:
        image = turn(image, 3)
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return rotate(image, skew_angle(grey))


# --- OCR → layout --------------------------------------------------------------------------------

def ocr_page(page: PageImage, number: int, engine_name: Optional[str] = None) -> Page:
    """One page image → one Page of the layout model (lines, red rules, sizes estimated)."""
    image = page.image
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height_px, width_px = grey.shape
    px_per_mm = page.dpi / MM_PER_INCH
    if is_blank(grey):
        return Page(number=number, width_mm=width_px / px_per_mm, height_mm=height_px / px_per_mm, ocr=True,
                    margins_measured=True)
    image = straighten(image)
    height_px, width_px = image.shape[:2]  # a page scanned sideways has just been turned
    red = find_red(image, page.dpi)
    engine = get_engine(engine_name) if engine_name else get_engine()
    prepared, stamps = _without_seal_marks(for_ocr(image, red), page.dpi)
    lines = engine.read(prepared)
    if lines and sum(ln.score for ln in lines) / len(lines) < 0.8:
        # upside down reads as low-confidence garbage: try the page turned round
        turned = turn(image, 2)
        red_turned = find_red(turned, page.dpi)
        prepared_turned, stamps_turned = _without_seal_marks(for_ocr(turned, red_turned), page.dpi)
        again = engine.read(prepared_turned)
        if again and sum(ln.score for ln in again) / len(again) > sum(ln.score for ln in lines) / len(lines):
            image, red, lines, stamps = turned, red_turned, again, stamps_turned
    lines += _footer_lines(engine, image, red, lines)
    seal_text = [ln for ln in lines if stamps and seals.is_seal_text(ln.box, ln.angle, stamps)]
    lines = [ln for ln in lines if ln not in seal_text]
    pieces = []
    for ln in lines:
        x0, y0, x1, y1 = ln.box
        box_mask = red.text_mask[int(y0):int(y1) + 1, int(x0):int(x1) + 1]
        is_red_text = box_mask.size and box_mask.mean() > 255 * 0.04
        size_pt = (y1 - y0) / px_per_mm / BOX_HEIGHT_PER_EM * 72 / MM_PER_INCH
        pieces.append(Piece(text=normalise_ocr_text(ln.text), font=None, size_pt=round(size_pt * 2) / 2, color="FF0000" if is_red_text else None,
                            bold=False, x0=x0 / px_per_mm, top=y0 / px_per_mm, x1=x1 / px_per_mm, bottom=y1 / px_per_mm))
    rules = find_lines(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), page.dpi, red.mask)
    result = assemble_page(number, width_px / px_per_mm, height_px / px_per_mm, pieces, rules)
    result.ocr = True
    result.seals = [(round(s.cx / px_per_mm, 1), round(s.cy / px_per_mm, 1), round(s.diameter_mm(page.dpi), 1))
                    for s in stamps + _red_seals(red, px_per_mm)]
    result.seal_text = [ln.text for ln in seal_text]
    for line in result.lines:
        if line.zone == "footer" and line.runs:
            line.runs = line.runs[:1]
            line.runs[0].text = normalise_page_number(line.text)
        line.ocr_confidence = min((ln.score for ln in lines if ln.text and ln.text in line.text), default=None)
    return result


def _without_seal_marks(prepared: np.ndarray, dpi: float) -> tuple[np.ndarray, list]:
    """Round seals found by shape on the page made ready for OCR (red seals are already gone from it),
    and the page with their rings and stars whitened (see seals.py)."""
    grey = cv2.cvtColor(prepared, cv2.COLOR_BGR2GRAY)
    found = seals.find_round_seals(grey, dpi)
    return seals.erase_marks(prepared, found, dpi), found


def _red_seals(red: RedParts, px_per_mm: float) -> list:
    return [seals.Seal(cx=(x0 + x1) / 2, cy=(y0 + y1) / 2, r=(x1 - x0 + y1 - y0) / 4, coverage=1.0)
            for x0, y0, x1, y1 in red.seals]


FOOTER_BAND = 0.86  # the page number stands below the 版心, in the bottom seventh of an A4 page
_OCR_PAGE_NUMBER = re.compile(r"^(?=.*[—–\-－一])[—–\-－一]?\s*(\d{1,4})\s*[—–\-－一]?$")  # a number with a dash on either side


def _footer_lines(engine, image: np.ndarray, red: RedParts, lines: list) -> list:
    """Read the page number on its own when the full-page detector passed over it: "— 1 —" is small and
    sparse, and missing it would make every scanned page look unnumbered."""
    height = image.shape[0]
    top = int(height * FOOTER_BAND)
    if any(ln.box[1] >= top for ln in lines):
        return []
    band = cv2.medianBlur(for_ocr(image[top:], red.band(top)), 3)  # speckle hides a sparse line
    whiten_read_lines(band, lines, top)
    inked = ink_box(band)
    if inked is None:  # nothing printed below what was read: no page number to look for
        return []
    x0, y0, x1, y1 = inked
    found = engine.read(band[y0:y1, x0:x1])  # the inked part only: small, so the detector sees it unscaled
    return [OcrLine(text=ln.text, box=(ln.box[0] + x0, ln.box[1] + top + y0, ln.box[2] + x0, ln.box[3] + top + y0),
                    score=ln.score) for ln in found]


def ink_box(grey_or_bgr: np.ndarray, margin: int = 64, min_area: int = 6) -> Optional[tuple[int, int, int, int]]:
    """The box (x0, y0, x1, y1 px) around the ink of an image, with `margin` px of paper kept round it (the
    detector misses a page number 23 px high with 24 px of paper round it, and finds it with 48); None where there is no ink but specks smaller than `min_area` px."""
    grey = grey_or_bgr if grey_or_bgr.ndim == 2 else cv2.cvtColor(grey_or_bgr, cv2.COLOR_BGR2GRAY)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink(grey))
    boxes = [stats[i] for i in range(1, n) if stats[i][4] >= min_area]
    if not boxes:
        return None
    h, w = grey.shape
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return max(0, x0 - margin), max(0, y0 - margin), min(w, x1 + margin), min(h, y1 + margin)


def whiten_read_lines(band: np.ndarray, lines: list, top: int, pad: int = 3) -> None:
    """Paint white, in place, what the lines already read cover of a band that starts `top` px down the page.

    A full GB/T 9704 page's last line (254.7–260.3 mm on A4) stands across the band's top edge (255.4 mm):
    read again with the band, it came out twice, glued on one row ("…墙体开裂我局所属…墙体开裂")."""
    for x0, y0, x1, y1 in (ln.box for ln in lines):
        if y1 + pad > top:
            band[max(0, int(y0) - top - pad):max(0, int(y1) - top + pad + 1), max(0, int(x0) - pad):int(x1) + pad + 1] = 255


def normalise_page_number(text: str) -> str:
    """"-1-", "一1一" → "— 1 —": OCR cannot tell 一字线 from a hyphen or 一, and 公文 page numbers are all of this form."""
    m = _OCR_PAGE_NUMBER.match(text.replace(" ", ""))
    return f"— {m.group(1)} —" if m else text


def read_image(data: bytes, fmt: str, engine_name: Optional[str] = None) -> Document:
    doc = Document(format=fmt, geometry=True, ocr=True, colour=False)
    for number, page in enumerate(open_images(data), start=1):
        doc.colour = doc.colour or page.colour
        with limits.time_limit(seconds=limits.OCR_SECONDS_PER_PAGE, what=f"第 {number} 页文字识别"):
            doc.pages.append(ocr_page(page, number, engine_name))
    if not any(p.lines for p in doc.pages):
        raise UnusableInput("图像中没有识别出文字（空白页或图像过于模糊），请来文单位重新扫描", "empty")
    doc.notes.append(OCR_NOTE)
    return doc


OCR_NOTE = "本件为扫描件或传真，文字经 OCR 识别；版式规则按图像测量，仅作提示"

