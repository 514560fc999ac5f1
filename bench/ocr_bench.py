"""OCR of real 公文 pages as colour scans and black-and-white faxes, side by side with single-threaded Tesseract.

The hold-out corpus: published 公文 texts of tests/data/real (never used to tune the OCR path; its settings
were chosen on the test builder's documents and on other real texts) put on paper two ways:
  - five texts (HOLDOUT_TEXTS) typeset by tests/builder.py as GB/T 9704 documents: red 版头 and separator,
    title, 主送, their own body cut to about BODY_CHARS characters, 署名, date, the 版记 印发 line, page numbers
    ("— 1 —"); two to three pages each;
  - two real LibreOffice PDFs of the corpus (d09, d11), pages as LibreOffice set them.
Every document is rendered at 300 dpi and becomes
  colour   a multi-page colour scan (TIFF, JPEG-compressed pages): slight skew, blur, grain, a red seal over
           the date;
  fax      a multi-page G4 fax at standard resolution (204×98 dpi), black and white with line noise.
The known text of a page is the typeset PDF's own text layer, line by line.

Each engine reads each document in a fresh process of its own (documents one after the other, the engines
in turn, so they share the machine's load alike):
  rapidocr              shouwen's OCR path (extractors/scan.py) with its default engine: PP-OCR on OpenVINO
  rapidocr-onnxruntime  the same on onnxruntime (--engines)
  paddleocr             the same path with PaddleOCR on the same models, when installed (--engines)
  before                rapidocr from another checkout (--before DIR: the code before a change), same pages
  tesseract             Tesseract 5 chi_sim, OMP_THREAD_LIMIT=1 (single-threaded), given the same square-pixel
                        page images at 200 dpi, one process per document (a multi-page TIFF)
Measured per engine and kind:
  seconds_per_page             the pages' own time: the process's start not counted (for Tesseract: the
                               document's time less its start, measured as the median run on a blank page)
  seconds_per_page_with_start  the processes' whole wall time (Python, imports, model load) over their pages
  cpu_seconds_per_page         user + system CPU time of the process over its pages (start included)
  cer                          Levenshtein distance / characters of the known text, whitespace removed
  doubled_lines                OCR lines holding the same run of 8+ characters twice (issue 21)
  peak_mib                     the highest peak RSS (VmHWM / ru_maxrss) of one process: the whole process
and the ratios Tesseract / engine. The machine's load (uptime's load averages) is written before and after.

    .venv/bin/python bench/ocr_bench.py [--engines rapidocr tesseract] [--before DIR]

Writes bench/results/ocr.json (the latest run only) and prints a table.
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
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import builder, scans  # noqa: E402

DPI = 300
KINDS = ("colour", "fax")
REAL = ROOT / "tests" / "data" / "real"
HOLDOUT_TEXTS = ("h07", "h09", "h23", "r18", "r01")
HOLDOUT_PDFS = ("d09", "d11")
BODY_CHARS = 900
ENGINES = ("rapidocr", "rapidocr-onnxruntime", "paddleocr", "tesseract")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def doubled(text: str, run: int = 8) -> bool:
    """A line holding the same run of `run`+ characters twice ("…印发2014年3月20日印发")."""
    text = squeeze(text)
    return any(text.find(text[i:i + run], i + run) >= 0 for i in range(len(text) - 2 * run + 1))


# --- the corpus --------------------------------------------------------------------------------------

_KEEP = re.compile(r"^[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef0-9A-Za-z.%、，。：；？！“”‘’（）《》〔〕—\-]+$")


def _body(text: str, known: dict) -> list[str]:
    """The document's own paragraphs: lines of text (no web-page furniture), without its title, number and 主送."""
    title = squeeze(known.get("title", ""))
    out, size = [], 0
    for line in (squeeze(x) for x in text.splitlines()):
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in line)
        if cjk < 4 or not _KEEP.match(line) or line in title or line == known.get("doc_number") or line.endswith("："):
            continue
        out.append(line)
        size += len(line)
        if size >= BODY_CHARS:
            break
    return out


def _specs() -> list[tuple[str, builder.Spec]]:
    expected = tomllib.loads((REAL / "expected.toml").read_text(encoding="utf-8"))
    specs = []
    for key in HOLDOUT_TEXTS:
        known = expected[key]
        text = (REAL / "docs" / known["file"]).read_text(encoding="utf-8")
        issuer = known["issuers"][0]
        y, m, d = (int(x) for x in known["date"].split("-"))
        date = f"{y}年{m}月{d}日"
        spec = builder.conformant_notice(
            issuer_mark=f"{issuer}文件", doc_number=known["doc_number"], title=known["title"],
            addressee="，".join(known["addressees"]) + "：", body=_body(text, known), attachments=[],
            signature=issuer, date=date, cc=None, print_line=f"{issuer}　　　　　　　{date}印发")
        builder.allow_chars("".join(b.text for b in builder.blocks(spec)))
        specs.append((key, spec))
    return specs


def build(workdir: Path) -> list[dict]:
    """The documents as files: [{id, kind, path, pages: [known text of each page]}]."""
    from extractors import extract

    pdfs = []
    for key, spec in _specs():
        pdfs.append((key, builder.write_named_font_pdf(spec, workdir / f"{key}.pdf", workdir / "fonts")))
    for key in HOLDOUT_PDFS:
        pdfs.append((key, next((REAL / "docs").glob(f"{key}-*.pdf"))))
    documents = []
    for n, (key, pdf) in enumerate(pdfs):
        known = extract(pdf.read_bytes())
        truth = [squeeze("".join(ln.text for ln in page.lines)) for page in known.pages]
        images = scans.render_pdf(pdf, DPI)
        dates = [next((ln for ln in page.lines if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln.text.strip())), None)
                 for page in known.pages]
        colour = []
        for k, (image, date) in enumerate(zip(images, dates)):
            sealed = scans.add_seal(image, ((date.x0 + date.x1) / 2, date.top), DPI) if date else image
            colour.append(scans.scan(sealed, seed=10 * n + k, skew_deg=0.8, noise=4, jpeg_quality=85, blur=0.5))
        path = workdir / f"{key}-colour.tif"
        colour[0].save(path, save_all=True, append_images=colour[1:], compression="jpeg", quality=90, dpi=(DPI, DPI))
        documents.append({"id": key, "kind": "colour", "path": str(path), "pages": truth})
        path = scans.save_tiff([scans.fax(image, DPI, seed=10 * n + k) for k, image in enumerate(images)],
                               workdir / f"{key}-fax.tif")
        documents.append({"id": key, "kind": "fax", "path": str(path), "pages": truth})
    return documents


# --- the engines -------------------------------------------------------------------------------------

_WORKER = r"""
import json, re, resource, sys, time
started = time.perf_counter()
import numpy as np
from extractors.scan import open_images, ocr_page
from extractors.ocr import get_engine
get_engine({engine!r}).read(np.full((64, 256, 3), 255, np.uint8))  # the engine built, as a worker starts
ready = time.perf_counter() - started
pages = []
for number, page in enumerate(open_images(open(sys.argv[1], 'rb').read()), start=1):
    t = time.perf_counter()
    read = ocr_page(page, number, {engine!r})
    pages.append({{'lines': [ln.text for ln in read.lines], 'seconds': time.perf_counter() - t}})
usage = resource.getrusage(resource.RUSAGE_SELF)
hwm = int(re.search(r'VmHWM:\s+(\d+)', open('/proc/self/status').read()).group(1)) // 1024
print(json.dumps({{'pages': pages, 'ready_seconds': ready, 'cpu_seconds': usage.ru_utime + usage.ru_stime,
                  'peak_mib': hwm}}))
"""


def run_shouwen(engine: str, document: dict, code: Path = ROOT, runtime: str | None = None) -> dict:
    """One fresh process reads the whole document; its wall time is measured from here."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    if runtime:
        env["SHOUWEN_OCR_RUNTIME"] = runtime
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WORKER.format(engine=engine), document["path"]], capture_output=True,
                          text=True, cwd=code, env=env, timeout=3600)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {"pages": [{"text": "".join(p["lines"]), "lines": p["lines"], "seconds": p["seconds"]} for p in out["pages"]],
            "wall_seconds": wall, "cpu_seconds": out["cpu_seconds"], "peak_mib": out["peak_mib"]}


_TESSERACT = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(["tesseract", sys.argv[1], "-", "-l", "chi_sim", "--dpi", sys.argv[2]], capture_output=True,
                      text=True)
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"text": done.stdout, "wall_seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_mib": usage.ru_maxrss // 1024, "rc": done.returncode}))
"""


def _tesseract_process(tif: Path, dpi: int) -> dict:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # single-threaded: the peer as it is usually compared
    done = subprocess.run([sys.executable, "-c", _TESSERACT, str(tif), str(dpi)], capture_output=True, text=True,
                          env=env, timeout=3600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def tesseract_inputs(documents: list[dict], workdir: Path) -> None:
    """The same square-pixel 200-dpi page images shouwen's OCR starts from, one multi-page TIFF a document."""
    from PIL import Image

    from extractors.scan import open_images

    for n, document in enumerate(documents):
        pages = [(Image.fromarray(p.image[:, :, ::-1]), p.dpi) for p in open_images(Path(document["path"]).read_bytes())]
        path = workdir / f"tess{n}.tif"
        pages[0][0].save(path, save_all=True, append_images=[p for p, _ in pages[1:]], compression="tiff_lzw",
                         dpi=(pages[0][1], pages[0][1]))
        document["tesseract_input"], document["tesseract_dpi"] = str(path), int(pages[0][1])


def tesseract_start(workdir: Path) -> float:
    """Seconds Tesseract takes on a blank page: its start (loading chi_sim), the median of three."""
    from PIL import Image

    blank = workdir / "blank.tif"
    Image.new("L", (200, 200), 255).save(blank, dpi=(200, 200))
    return statistics.median(_tesseract_process(blank, 200)["wall_seconds"] for _ in range(3))


def run_tesseract(document: dict, start: float) -> dict:
    out = _tesseract_process(Path(document["tesseract_input"]), document["tesseract_dpi"])
    texts = out["text"].split("\f")
    pages = len(document["pages"])
    texts = (texts + [""] * pages)[:pages]
    each = max(0.0, out["wall_seconds"] - start) / pages
    return {"pages": [{"text": t, "lines": t.splitlines(), "seconds": each} for t in texts],
            "wall_seconds": out["wall_seconds"], "cpu_seconds": out["cpu_seconds"], "peak_mib": out["peak_mib"]}


# --- the figures -------------------------------------------------------------------------------------

def summarise(documents: list[dict], runs: list[dict]) -> dict:
    """Per kind and over all: the figures of the module docstring."""
    out = {}
    for kind in KINDS + ("all",):
        chosen = [(d, r) for d, r in zip(documents, runs) if kind in ("all", d["kind"])]
        if any("error" in r for _, r in chosen):
            return {"error": next(r["error"] for _, r in chosen if "error" in r)}
        pages = sum(len(d["pages"]) for d, _ in chosen)
        errors = chars = doubles = 0
        for d, r in chosen:
            for truth, page in zip(d["pages"], r["pages"]):
                from rapidfuzz.distance import Levenshtein

                errors += Levenshtein.distance(truth, squeeze(page["text"]))
                chars += len(truth)
                doubles += sum(doubled(line) for line in page["lines"])
        out[kind] = {
            "documents": len(chosen), "pages": pages, "characters": chars, "cer": round(errors / chars, 4),
            "doubled_lines": doubles,
            "seconds_per_page": round(sum(p["seconds"] for _, r in chosen for p in r["pages"]) / pages, 3),
            "seconds_per_page_with_start": round(sum(r["wall_seconds"] for _, r in chosen) / pages, 3),
            "cpu_seconds_per_page": round(sum(r["cpu_seconds"] for _, r in chosen) / pages, 3),
            "start_seconds_median": round(statistics.median(
                r["wall_seconds"] - sum(p["seconds"] for p in r["pages"]) for _, r in chosen), 2),
            "peak_mib": max(r["peak_mib"] for _, r in chosen)}
    return out


def _errors(document: dict, run: dict) -> int:
    from rapidfuzz.distance import Levenshtein

    return sum(Levenshtein.distance(t, squeeze(p["text"])) for t, p in zip(document["pages"], run.get("pages", [])))


def machine_load() -> dict:
    return {"load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"], choices=ENGINES)
    parser.add_argument("--before", type=Path, help="another checkout whose rapidocr path is measured beside (before)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ocr.json")
    args = parser.parse_args()
    engines = [e for e in args.engines if e != "paddleocr" or importlib.util.find_spec("paddleocr")]
    if "tesseract" in engines and not shutil.which("tesseract"):
        sys.exit("tesseract 未安装（scripts/setup.sh --dev 安装 tesseract-ocr 与 tesseract-ocr-chi-sim）")
    if args.before:
        engines.insert(1, "before")
    load_before = machine_load()
    with tempfile.TemporaryDirectory(prefix="shouwen-ocr-bench-") as tmp:
        workdir = Path(tmp)
        documents = build(workdir)
        start = 0.0
        if "tesseract" in engines:
            tesseract_inputs(documents, workdir)
            start = tesseract_start(workdir)
        runs: dict[str, list[dict]] = {e: [] for e in engines}
        for n, document in enumerate(documents):
            turn = engines[n % len(engines):] + engines[:n % len(engines)]  # each engine goes first in turn
            for engine in turn:
                if engine == "tesseract":
                    run = run_tesseract(document, start)
                elif engine == "before":
                    run = run_shouwen("rapidocr", document, code=args.before.resolve())
                elif engine == "rapidocr-onnxruntime":
                    run = run_shouwen("rapidocr", document, runtime="onnxruntime")
                else:
                    run = run_shouwen(engine, document)
                runs[engine].append(run)
            print(f"{document['id']} {document['kind']}: " + "  ".join(
                f"{e} {sum(p['seconds'] for p in runs[e][-1].get('pages', [])):.1f}s {_errors(document, runs[e][-1])}错"
                for e in engines), flush=True)
    load_after = machine_load()
    results = {e: summarise(documents, runs[e]) for e in engines}
    ratios = {}
    if "tesseract" in results and "error" not in results["tesseract"]:
        tess = results["tesseract"]
        for e, r in results.items():
            if e == "tesseract" or "error" in r:
                continue
            ratios[e] = {kind: {"start_not_counted": round(tess[kind]["seconds_per_page"] / r[kind]["seconds_per_page"], 2),
                                "start_counted": round(tess[kind]["seconds_per_page_with_start"]
                                                       / r[kind]["seconds_per_page_with_start"], 2),
                                "cpu": round(tess[kind]["cpu_seconds_per_page"] / r[kind]["cpu_seconds_per_page"], 2)}
                         for kind in KINDS + ("all",)}
    out = {"benchmark": "OCR of real 公文 pages (hold-out) as colour scans and faxes, beside single-threaded Tesseract",
           "machine": {"cpu_count": os.cpu_count(), "load_before": load_before, "load_after": load_after},
           "corpus": {"texts": list(HOLDOUT_TEXTS), "pdfs": list(HOLDOUT_PDFS), "dpi_rendered": DPI,
                      "documents_per_kind": len(documents) // len(KINDS),
                      "pages_per_kind": sum(len(d["pages"]) for d in documents) // len(KINDS)},
           "tesseract_start_seconds": round(start, 3), "engines": results,
           "speed_over_tesseract": ratios}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n负载 {load_before['load_average_1_5_15']} → {load_after['load_average_1_5_15']}，{os.cpu_count()} 核")
    print(f"{'引擎':22} {'类别':6} {'CER':>7} {'秒/页':>7} {'含启动':>7} {'CPU秒/页':>8} {'重复行':>5} {'峰值内存':>8}")
    for e, r in results.items():
        if "error" in r:
            print(f"{e:22} 未运行：{r['error']}")
            continue
        for kind in KINDS + ("all",):
            k = r[kind]
            print(f"{e:22} {kind:6} {k['cer'] * 100:6.2f}% {k['seconds_per_page']:7.2f} {k['seconds_per_page_with_start']:7.2f} "
                  f"{k['cpu_seconds_per_page']:8.2f} {k['doubled_lines']:5} {k['peak_mib']:6}MiB")
    for e, r in ratios.items():
        print(f"{e} 比 Tesseract 快：" + "；".join(
            f"{kind} {v['start_not_counted']}×（含启动 {v['start_counted']}×，CPU {v['cpu']}×）" for kind, v in r.items()))
    print(f"结果写入 {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
