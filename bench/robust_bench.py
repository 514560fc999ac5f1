"""Robustness costs: seals found by shape on black-and-white pages, and texts at and beyond the size bounds.

  seals     find_round_seals per page (ms) on a page without a seal, a B/W scan and a fax with one; then
            the B/W scan read end to end with seal finding off (what shouwen did before) and on, side by
            side: the lines of seal text that reached the layout model, and whether 署名/成文日期 read right
  texts     a 50 MB text refused (超出处理上限) and a 1.2-million-character text pre-reviewed in chunks under
            spaCy's max_length: seconds and peak memory of the process (ru_maxrss)

    .venv/bin/python bench/robust_bench.py

Writes bench/results/robust.json and prints a summary.
"""
from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from bench import machine  # noqa: E402
from extractors import UnusableInput, extract, scan, seals  # noqa: E402
from extractors.elements import parse_elements  # noqa: E402
from pipelines.review import review_bytes  # noqa: E402
from tests import builder, scans  # noqa: E402
from tests.cases import OCR_CONFORMANT  # noqa: E402

DPI = 300
ISSUER = "贵阳市教育局"


def _grey200(image) -> np.ndarray:
    return cv2.resize(np.asarray(image.convert("L")), None, fx=200 / DPI, fy=200 / DPI, interpolation=cv2.INTER_AREA)


def seal_bench(work: Path) -> dict:
    pdf = builder.write_named_font_pdf(OCR_CONFORMANT, work / "request.pdf", work / "fonts")
    elements = parse_elements(extract(pdf.read_bytes()))
    signature = elements.lines[elements.signature.line]
    centre = ((signature.x0 + signature.x1) / 2, signature.top - 5.0)
    page = scans.render_pdf(pdf, DPI)[0]
    bw = scans.black_and_white_scan(scans.stamp_round_seal(page, centre, DPI, ISSUER, ink=(0, 0, 0)), seed=3)
    fax = scans.save_tiff([scans.fax(scans.stamp_round_seal(page, centre, DPI, ISSUER), DPI, seed=2)], work / "fax.tif")
    fax_page = next(scan.open_images(fax.read_bytes()))  # square pixels at the reader's resolution, as OCR sees it
    pages = {"no seal": _grey200(page), "B/W scan, sealed": _grey200(bw),
             "fax, sealed": cv2.cvtColor(fax_page.image, cv2.COLOR_BGR2GRAY)}
    detection = {}
    for name, grey in pages.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            found = seals.find_round_seals(grey, 200)
            times.append((time.perf_counter() - started) * 1000)
        detection[name] = {"ms_per_page": round(statistics.median(times), 1), "seals_found": len(found),
                           "diameters_mm": [round(s.diameter_mm(200), 1) for s in found]}
    path = work / "bw.png"
    bw.save(path, dpi=(DPI, DPI))
    side_by_side = {}
    original = seals.find_round_seals
    for mode in ("off (before)", "on"):
        seals.find_round_seals = original if mode == "on" else (lambda grey, dpi: [])
        try:
            started = time.perf_counter()
            document = extract(path.read_bytes())
            seconds = time.perf_counter() - started
        finally:
            seals.find_round_seals = original
        texts = [line.text for line in document.pages[0].lines]
        at = texts.index("妥否，请批示。")
        signed = texts.index(ISSUER, at) if ISSUER in texts[at:] else len(texts)
        el = parse_elements(document)
        side_by_side[mode] = {
            "seconds": round(seconds, 2),
            "lines_between_body_and_signature": texts[at + 1: signed],
            "signature": el.lines[el.signature.line].text if el.signature else None,
            "date": el.date_iso,
            "seal_text_dropped": document.pages[0].seal_text,
        }
    return {"detection": detection, "bw_scan_end_to_end": side_by_side}


def text_bench(work: Path) -> dict:
    notice = builder.conformant_notice()
    out = {}
    unit = builder.to_text(notice).encode()
    huge = (unit * (50 * 1048576 // len(unit) + 1))[: 50 * 1048576]
    huge = huge.decode(errors="ignore").encode()
    started = time.perf_counter()
    try:
        extract(huge)
        out["50MB"] = {"outcome": "read"}
    except UnusableInput as exc:
        out["50MB"] = {"outcome": exc.code, "reason": exc.reason}
    out["50MB"]["seconds"] = round(time.perf_counter() - started, 2)
    spec = builder.conformant_notice(body=notice.body + ["各单位要加强值班值守，确保信息畅通。" * 40] * 1700)
    long_text = builder.to_text(spec)
    started = time.perf_counter()
    report = review_bytes(long_text.encode(), "long.txt")
    out["1.2M chars"] = {"chars": len(long_text), "seconds": round(time.perf_counter() - started, 2),
                         "verdict": report["verdict"]}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    started = machine.before()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result = {"seals": seal_bench(work), "texts": text_bench(work)}
    result["machine"] = machine.after(started)
    target = ROOT / "bench" / "results" / "robust.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("seal finding (ms per page, seals found):")
    for name, row in result["seals"]["detection"].items():
        print(f"  {name:18} {row['ms_per_page']:7.1f} ms  {row['seals_found']}  {row['diameters_mm']}")
    print("B/W sealed scan end to end:   seal finding off (before)  |  on")
    off, on = (result["seals"]["bw_scan_end_to_end"][k] for k in ("off (before)", "on"))
    for key in ("lines_between_body_and_signature", "signature", "date", "seconds"):
        print(f"  {key:34} {off[key]!s:26} | {on[key]}")
    texts = result["texts"]
    print(f"50 MB text: {texts['50MB']['outcome']} in {texts['50MB']['seconds']} s; "
          f"{texts['1.2M chars']['chars']} chars: {texts['1.2M chars']['verdict']} in {texts['1.2M chars']['seconds']} s; "
          f"peak RSS {texts['peak_rss_mb']} MB")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
