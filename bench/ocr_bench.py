"""OCR on degraded scans and faxes: seconds per page, character error rate and peak memory, per engine.

Builds documents whose text is known (the test builder's conformant documents, typeset with reportlab),
renders each page at 300 dpi and degrades it as paper does:
  scan        slight skew, blur, grain, JPEG at quality 85
  scan-hard   more skew, blur and grain, JPEG at quality 60, a red seal over the date where there is one
  fax         204×98 dpi black and white with line noise (standard resolution)
  fax-fine    204×196 dpi black and white with line noise (fine resolution)
Then every engine reads every page:
  rapidocr    shouwen's own path: resampling, red seal removal, deskew, orientation, PP-OCR (RapidOCR)
              on OpenVINO (the default runtime); rapidocr-onnxruntime: the same on onnxruntime
  paddleocr   the same path with PaddleOCR (`pip install .[paddle]`) on the same models, when installed
  tesseract   Tesseract 5 `chi_sim` (Debian packages), the peer other systems use, given the same
              square-pixel page image
CER = Levenshtein distance / length of the known text, whitespace removed, per page.

    .venv/bin/python bench/ocr_bench.py [--pages N]

Writes bench/results/ocr.json and prints a table.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import builder, scans  # noqa: E402
from tests.cases import CONFORMANT, OCR_BROKEN, OCR_CONFORMANT  # noqa: E402

DPI = 300
KINDS = ("scan", "scan-hard", "fax", "fax-fine")


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(workdir: Path, limit: int) -> list[dict]:
    """Degraded page images with their known text: [{path, kind, truth}]."""
    from extractors import extract

    specs = [OCR_CONFORMANT, OCR_BROKEN] + list(CONFORMANT.values())
    items = []
    for n, spec in enumerate(specs):
        pdf = builder.write_named_font_pdf(spec, workdir / f"doc{n}.pdf", workdir / "fonts")
        known = extract(pdf.read_bytes())
        for page, image in zip(known.pages, scans.render_pdf(pdf, DPI)):
            truth = squeeze("".join(ln.text for ln in page.lines))
            date = next((ln for ln in page.lines if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln.text.strip())), None)
            seed = len(items)
            hard = scans.add_seal(image, ((date.x0 + date.x1) / 2, date.top), DPI) if date else image
            variants = {
                "scan": scans.scan(image, seed=seed, skew_deg=0.8, noise=4, jpeg_quality=85, blur=0.5),
                "scan-hard": scans.scan(hard, seed=seed + 1, skew_deg=-2.5, noise=10, jpeg_quality=60, blur=0.9),
                "fax": scans.fax(image, DPI, seed=seed + 2),
                "fax-fine": scans.fax(image, DPI, fine=True, seed=seed + 3),
            }
            for kind, img in variants.items():
                path = workdir / f"p{len(items):03d}-{kind}.{'tif' if kind.startswith('fax') else 'jpg'}"
                if kind.startswith("fax"):
                    img.save(path, compression="group4", dpi=img.info["dpi"])
                else:
                    img.save(path, quality=95, dpi=(DPI, DPI))
                items.append({"path": str(path), "kind": kind, "truth": truth})
            if len(items) >= limit * len(KINDS):
                return items
    return items


def run_shouwen_engine(engine: str, items: list[dict], runtime: str | None = None) -> dict:
    """In a fresh process, so that its peak memory is its own."""
    code = f"""
import json, re, sys, time
from extractors.scan import open_images, ocr_page
items = json.load(sys.stdin)
out = []
from extractors.ocr import get_engine
t = time.perf_counter(); get_engine({engine!r}); load = time.perf_counter() - t
for item in items:
    data = open(item['path'], 'rb').read()
    t = time.perf_counter()
    page = ocr_page(next(open_images(data)), 1, {engine!r})
    elapsed = time.perf_counter() - t
    out.append({{'text': ''.join(ln.text for ln in page.lines), 'seconds': elapsed}})
hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024
print(json.dumps({{'pages': out, 'load_seconds': load, 'peak_mib': hwm}}))
"""
    env = {**os.environ, **({"SHOUWEN_OCR_RUNTIME": runtime} if runtime else {})}
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(items), capture_output=True, text=True,
                            cwd=ROOT, timeout=3600, env=env)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_tesseract(items: list[dict], workdir: Path) -> dict:
    """Tesseract on the same square-pixel page images, from a fresh process that reports its children's peak."""
    if not shutil.which("tesseract"):
        return {"error": "tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"}
    import cv2

    from extractors.scan import open_images

    pngs = []
    for n, item in enumerate(items):
        page = next(open_images(Path(item["path"]).read_bytes()))  # the same square-pixel page shouwen starts from
        png = workdir / f"tess{n}.png"
        cv2.imwrite(str(png), page.image)
        pngs.append((str(png), int(page.dpi)))
    code = """
import json, resource, subprocess, sys, time
pages = []
for png, dpi in json.load(sys.stdin):
    t = time.perf_counter()
    out = subprocess.run(["tesseract", png, "-", "-l", "chi_sim", "--dpi", str(dpi)], capture_output=True, text=True)
    pages.append({"text": out.stdout, "seconds": time.perf_counter() - t})
print(json.dumps({"pages": pages, "load_seconds": 0.0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}))
"""
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(pngs), capture_output=True, text=True,
                            timeout=3600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def summarise(items: list[dict], run: dict) -> dict:
    if "error" in run:
        return {"error": run["error"]}
    per_kind = {}
    for kind in KINDS:
        pairs = [(item, page) for item, page in zip(items, run["pages"]) if item["kind"] == kind]
        if not pairs:
            continue
        errors = sum(levenshtein(item["truth"], squeeze(page["text"])) for item, page in pairs)
        chars = sum(len(item["truth"]) for item, _ in pairs)
        per_kind[kind] = {"pages": len(pairs), "cer": round(errors / chars, 4),
                          "median_seconds_per_page": round(statistics.median(p["seconds"] for _, p in pairs), 2)}
    all_seconds = [p["seconds"] for p in run["pages"]]
    return {"median_seconds_per_page": round(statistics.median(all_seconds), 2),
            "pages_per_second": round(len(all_seconds) / sum(all_seconds), 2),
            "engine_load_seconds": round(run["load_seconds"], 2), "peak_mib": run["peak_mib"], "by_kind": per_kind}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10, help="source pages (each gives four degraded images)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shouwen-ocr-bench-") as tmp:
        workdir = Path(tmp)
        items = build(workdir, args.pages)
        results = {"rapidocr": summarise(items, run_shouwen_engine("rapidocr", items)),
                   "rapidocr-onnxruntime": summarise(items, run_shouwen_engine("rapidocr", items, "onnxruntime"))}
        if importlib.util.find_spec("paddleocr"):
            results["paddleocr"] = summarise(items, run_shouwen_engine("paddleocr", items))
        results["tesseract"] = summarise(items, run_tesseract(items, workdir))
    out = {"benchmark": "OCR on degraded scans and faxes", "dpi_rendered": DPI, "cpu_count": os.cpu_count(),
           "images": len(items), "kinds": list(KINDS), "engines": results}
    rapid, tess = results["rapidocr"], results["tesseract"]
    if "error" not in rapid and "error" not in tess:
        out["speedup_over_tesseract"] = round(tess["median_seconds_per_page"] / rapid["median_seconds_per_page"], 2)
    target = ROOT / "bench" / "results" / "ocr.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'引擎':22} {'秒/页(中位)':>10} {'峰值内存':>8}  " + "  ".join(f"{k:>10}" for k in KINDS))
    for name, r in results.items():
        if "error" in r:
            print(f"{name:22} 未运行:{r['error']}")
            continue
        cer = "  ".join(f"{r['by_kind'][k]['cer'] * 100:>9.2f}%" if k in r["by_kind"] else f"{'—':>10}" for k in KINDS)
        print(f"{name:22} {r['median_seconds_per_page']:>10} {r['peak_mib']:>6}MiB  {cer}")
    if "speedup_over_tesseract" in out:
        print(f"速度为 Tesseract 的 {out['speedup_over_tesseract']} 倍;{len(items)} 张图像;结果写入 {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
