"""Round seals (印章) found by their shape, for pages without colour (传真、黑白扫描件).

On a colour scan a seal is found by its red (scan.find_red). A fax or a black-and-white scan has no colour:
the seal's ring, the unit's name along its arc and its star come out as black as the text beneath, and OCR
reads the arc's characters as lines of their own (`例市教`) or glues them to the 发文机关署名. Here a seal is
found by what it is drawn as — a ring of ink 38–58 mm across (GB/T 9704-2012 7.3.5.1: the seal presses on
the 署名 and the 成文日期; 党政机关 seals are 40–45 mm) — then:

* `erase_marks`: the ring itself and the solid star are whitened before OCR, so that they neither glue the
  arc's characters to the lines inside nor blot the characters under the star into one black shape;
* `is_seal_text`: an OCR line that lies within the ring but is not a line of the document — slanted along
  the arc, or in the arc's band above the seal's centre (the 署名 and 成文日期 stand at the centre or below
  it, 7.3.5.1) — is seal text and never becomes part of the layout model.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

MM_PER_INCH = 25.4
DIAMETER_MM = (36.0, 60.0)  # round seals of 机关 are 40–45 mm; 38–58 mm with tolerance for scaling by the fax
RING_COVERAGE = 0.80  # share of the circumference that must be inked for a circle to be a seal's ring


@dataclass(frozen=True)
class Seal:
    """A round seal found on a page: centre and radius in pixels of the page image it was found on."""

    cx: float
    cy: float
    r: float
    coverage: float  # share of the ring found inked (0–1)

    def diameter_mm(self, dpi: float) -> float:
        return 2 * self.r / dpi * MM_PER_INCH


def find_round_seals(grey: np.ndarray, dpi: float) -> list[Seal]:
    """Rings of ink 36–60 mm across on a grey page (H×W uint8, dark ink on white), strongest first.

    Candidates come from the Hough transform on a quarter-size page; each is then kept only if ink lies on at
    least 80 % of its circumference on the half-size page (radius refined ±3 mm), which text, tables and
    rules never give. About 20 ms a page.
    """
    scale = 0.5  # the ring is checked on a half-size page, and looked for on a quarter-size one (fast)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    coarse = cv2.GaussianBlur(cv2.resize(small, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), (5, 5), 1.5)
    px_per_mm = dpi * scale / MM_PER_INCH
    r_min, r_max = (int(d / 4 * px_per_mm) for d in DIAMETER_MM)
    circles = cv2.HoughCircles(coarse, cv2.HOUGH_GRADIENT, dp=1, minDist=r_min * 1.5, param1=120, param2=30,
                               minRadius=r_min, maxRadius=r_max)
    if circles is None:
        return []
    ink = (small < 128).astype(np.uint8)
    ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))  # a fax's broken ring: bridge one-pixel gaps
    found: list[Seal] = []
    for x, y, r in circles[0][:12] * 2:
        best_r, best = _refine(ink, x, y, r, px_per_mm)
        if best >= RING_COVERAGE and not any(math.hypot(s.cx * scale - x, s.cy * scale - y) < r for s in found):
            found.append(Seal(cx=float(x) / scale, cy=float(y) / scale, r=best_r / scale, coverage=round(float(best), 3)))
    return found


def _refine(ink: np.ndarray, x: float, y: float, r: float, px_per_mm: float) -> tuple[float, float]:
    """The radius near r (±3 mm) whose circle is most covered by ink, and that coverage."""
    angles = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    h, w = ink.shape
    best_r, best = r, 0.0
    for radius in np.arange(r - 3 * px_per_mm, r + 3 * px_per_mm + 0.5, 0.5):
        xs = np.round(x + radius * np.cos(angles)).astype(int)
        ys = np.round(y + radius * np.sin(angles)).astype(int)
        inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        if inside.mean() < 0.9:
            continue
        coverage = float(ink[ys[inside], xs[inside]].mean()) * inside.mean()
        if coverage > best:
            best_r, best = float(radius), coverage
    return best_r, best


def erase_marks(image: np.ndarray, seals: list[Seal], dpi: float) -> np.ndarray:
    """A copy of the page (BGR or grey) with each seal's ring and star whitened; the text inside stays."""
    if not seals:
        return image
    out = image.copy()
    px_per_mm = dpi / MM_PER_INCH
    grey = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    ink = (grey < 200).astype(np.uint8)  # the rings' grey, anti-aliased edges go too
    white = 255 if out.ndim == 2 else (255, 255, 255)
    for seal in seals:
        # the star: solid ink near the centre, thicker than any character's stroke (a disc of 1.6 mm fits in it)
        near = np.zeros_like(ink)
        cv2.circle(near, (round(seal.cx), round(seal.cy)), round(seal.r * 0.45), 1, thickness=-1)
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(3, round(1.6 * px_per_mm)),) * 2)
        solid = cv2.morphologyEx(ink * near, cv2.MORPH_OPEN, disc)
        if solid.any():
            star = cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
            out[(star > 0) & (ink > 0)] = white
    return out


def is_seal_text(box: tuple[float, float, float, float], angle_deg: float, seals: list[Seal]) -> bool:
    """Whether an OCR line (box x0, y0, x1, y1 in px; its slant in degrees) is a seal's arc text.

    Inside a ring, a line that is slanted (arc text is turned with the arc) or that stands in the arc's band
    above the seal's centre is the seal's own text; a line reaching beyond the ring (a line of the body that
    the seal's top touches) and the lines at the centre and below (the 署名 and 成文日期) are the document's.
    """
    x0, y0, x1, y1 = box
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    for seal in seals:
        if math.hypot(mx - seal.cx, my - seal.cy) > seal.r * 0.95:
            continue
        if x0 < seal.cx - seal.r * 1.2 or x1 > seal.cx + seal.r * 1.2:  # boxes are padded a little
            continue  # runs out of the ring: a line of the page
        if abs(angle_deg) > 8 or my < seal.cy - seal.r * 0.45:
            return True
    return False
