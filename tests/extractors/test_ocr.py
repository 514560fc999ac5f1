"""Scans and faxes: read by the real PP-OCR models (RapidOCR on onnxruntime), pre-reviewed like e-documents."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from extractors import UnusableInput, extract
from extractors.elements import parse_elements
from extractors.ocr import get_engine
from pipelines.review import review_path

from .. import builder, scans
from ..cases import OCR_BROKEN, OCR_CONFORMANT

ROOT = Path(__file__).resolve().parents[2]
DPI = 300


def _date_centre_mm(pdf: Path) -> tuple[float, float]:
    document = extract(pdf.read_bytes())
    el = parse_elements(document)
    line = el.lines[el.date.line]
    return (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2 - 5  # a seal presses on the signature and the date


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """Each one-page document as docx, and as a colour scan with a red seal, a fax and a scanned PDF."""
    d = tmp_path_factory.mktemp("paper")
    out = {}
    for name, spec in (("ok", OCR_CONFORMANT), ("bad", OCR_BROKEN)):
        pdf = builder.write_named_font_pdf(spec, d / f"{name}.pdf", d / "fonts")
        pages = scans.render_pdf(pdf, DPI)
        sealed = scans.add_seal(pages[0], _date_centre_mm(pdf), DPI)
        jpg = d / f"{name}.jpg"
        scans.scan(sealed, seed=1).save(jpg, quality=90, dpi=(DPI, DPI))
        out[name] = {
            "docx": builder.write_docx(spec, d / f"{name}.docx"),
            "jpeg": jpg,
            "fax": scans.save_tiff([scans.fax(p, DPI, seed=2) for p in pages], d / f"{name}.tif"),
            "fine-fax": scans.save_tiff([scans.fax(p, DPI, fine=True, seed=4) for p in pages], d / f"{name}.fine.tif",
                                        dpi=(204, 196)),
            "image-pdf": scans.save_image_pdf([scans.scan(sealed, seed=3)], d / f"{name}.scan.pdf", DPI),
            "pages": pages,
            "named": pdf,
        }
    return out


def _element_and_drafting(report) -> list[str]:
    return sorted(f["rule"] for f in report["findings"] if f["rule"].split(".")[0] in ("element", "drafting"))


@pytest.mark.parametrize("kind", ["jpeg", "fax", "fine-fax", "image-pdf"])
@pytest.mark.parametrize("name", ["ok", "bad"])
def test_scan_gets_the_same_element_and_drafting_findings_as_the_docx(paper, name, kind):
    expected = _element_and_drafting(review_path(paper[name]["docx"]))
    report = review_path(paper[name][kind])
    assert report["ocr"] is True
    assert _element_and_drafting(report) == expected
    assert report["verdict"] == ("accept" if name == "ok" else "return")
    if name == "bad":
        assert expected  # the broken document really is broken
    for finding in report["findings"]:
        if finding["rule"].startswith("layout."):
            assert finding["severity"] == "warning"  # measured on an image: a hint, never a reason to return


def test_scan_reports_the_elements(paper):
    report = review_path(paper["ok"]["jpeg"])
    doc = report["document"]
    assert doc["title"] == "贵阳市教育局关于拨付2026年校舍维修专项资金的请示"
    assert doc["doc_number"] == "筑教呈〔2026〕5号"
    assert doc["date"] == "2026-11-20"  # read through the red seal
    assert doc["contact"] == {"name": "王明", "phone": "0851-85551234"}
    assert any("OCR" in n for n in report["notes"])


def test_red_issuer_mark_and_separator_are_evidence(paper):
    document = extract(paper["ok"]["jpeg"].read_bytes())
    page = document.pages[0]
    assert document.colour
    assert page.lines[0].text == "贵阳市教育局" and page.lines[0].runs[0].color == "FF0000"
    assert any(r.color == "FF0000" and r.length_mm > 140 for r in page.rules)
    fax = extract(paper["ok"]["fax"].read_bytes())
    assert not fax.colour  # black and white: colour rules do not judge it
    assert any(r.length_mm > 140 for r in fax.pages[0].rules)  # the separator survives the fax as a black line


def test_fax_pixels_are_made_square(paper):
    with Image.open(paper["ok"]["fax"]) as im:
        assert im.info["dpi"][0] > 2 * im.info["dpi"][1] - 10  # 204 × 98
    page = extract(paper["ok"]["fax"].read_bytes()).pages[0]
    assert abs(page.width_mm - 215) < 3 and abs(page.height_mm - 297) < 8  # a fax line is 215 mm


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_pages_scanned_sideways_or_upside_down_are_turned(paper, tmp_path, quarter_turns):
    turned = scans.rotate_page(scans.scan(paper["ok"]["pages"][0], seed=5), quarter_turns)
    path = tmp_path / "turned.png"
    turned.save(path, dpi=(DPI, DPI))
    report = review_path(path)
    assert report["document"]["title"] == "贵阳市教育局关于拨付2026年校舍维修专项资金的请示"


def test_a_pdf_mixing_text_and_scanned_pages_reads_only_the_scans(paper, tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(paper["bad"]["named"]))
    writer.append(PdfReader(paper["ok"]["image-pdf"]))
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)
    document = extract(mixed.read_bytes())
    assert [p.ocr for p in document.pages] == [False, True]
    assert document.ocr
    assert document.pages[0].lines[0].runs[0].font == "FZXiaoBiaoSong-B05S"  # the text page keeps its fonts
    assert "贵阳市人民政府：" in [ln.text for ln in document.pages[1].lines]


def test_the_engine_loads_once_per_process(paper):
    review_path(paper["ok"]["jpeg"])
    review_path(paper["bad"]["fax"])
    assert get_engine() is get_engine()
    assert get_engine.cache_info().currsize == 1


def _offline_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def test_ocr_runs_with_the_network_disabled(paper):
    """Air-gapped: a fresh process with no network reads a scan (models come from the wheel)."""
    prefix = _offline_prefix()
    guard = ("import socket\n"  # where unshare is not allowed: every connection attempt fails loudly
             "def refuse(*a, **k): raise OSError('network disabled by the test')\n"
             "socket.socket.connect = socket.socket.connect_ex = refuse\n"
             "socket.create_connection = socket.getaddrinfo = refuse\n")
    code = guard + ("import json, sys\nfrom pipelines.review import review_path\n"
                    "print(json.dumps(review_path(sys.argv[1])['document'], ensure_ascii=False))")
    result = subprocess.run([*prefix, sys.executable, "-c", code, str(paper["ok"]["jpeg"])], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["doc_number"] == "筑教呈〔2026〕5号"


def test_missing_models_give_a_helpful_error(paper, tmp_path):
    env = {**os.environ, "SHOUWEN_OCR_MODEL_DIR": str(tmp_path / "no-models")}
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(paper["ok"]["jpeg"])],
                            capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert result.returncode == 2
    assert "模型" in result.stderr and "下载" in result.stderr and "Traceback" not in result.stderr


def test_extract_shows_ocr_layout(paper):
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "extract", "--format", "json", str(paper["ok"]["fax"])],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    layout = json.loads(result.stdout)
    assert layout["ocr"] is True and layout["format"] == "tiff"
    first = layout["pages"][0]["lines"][0]
    assert first["runs"][0]["text"] == "贵阳市教育局" and first["x0"] > 50 and first["runs"][0]["size_pt"] > 18


# --- a line read twice (issue 21) ------------------------------------------------------------------

LAST_LINE = "我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂"


@pytest.fixture(scope="module")
def full_page(tmp_path_factory):
    """Page 1 of a long 通知 set on the standard's grid (37 mm top margin, 28.95 pt pitch), printed without page
    numbers (a 信函's first page has none; senders forget them): its 版心 is full to the bottom margin."""
    d = tmp_path_factory.mktemp("full")
    body = builder.conformant_notice().body + builder.conformant_request().body + builder.conformant_report().body[1:-1]
    pdf = builder.write_named_font_pdf(builder.conformant_notice(body=body, attachments=[], page_number_format=""),
                                       d / "long.pdf", d / "fonts")
    typeset = extract(pdf.read_bytes()).pages[0]
    page = scans.render_pdf(pdf, DPI)[0]
    scans.save_tiff([scans.fax(page, DPI, seed=7)], d / "fax.tif")
    scans.scan(page, seed=8).save(d / "scan.jpg", quality=90, dpi=(DPI, DPI))
    return {"typeset": typeset, "fax": d / "fax.tif", "scan": d / "scan.jpg"}


@pytest.mark.parametrize("kind", ["fax", "scan"])
def test_the_last_line_of_a_full_page_is_read_once(full_page, kind):
    """The 版心 ends 35 mm above the page's foot (262 mm): its last line stands across the top of the band
    where a missed page number is looked for (0.86 × 297 = 255.4 mm). Read again with that band, it came
    out twice on one line ("…墙体开裂我局所属…墙体开裂")."""
    from extractors.scan import FOOTER_BAND

    last = full_page["typeset"].lines[-1]
    assert last.text == LAST_LINE and last.top < FOOTER_BAND * 297 < last.bottom  # the page is what this test needs
    assert not any(ln.zone == "footer" for ln in full_page["typeset"].lines)  # and has no page number
    page = extract(full_page[kind].read_bytes()).pages[0]
    text = "".join(ln.text for ln in page.lines)
    for words in ("所属学校", "屋面渗漏", "墙体开裂"):
        assert text.count(words) == 1, [ln.text for ln in page.lines][-3:]


# --- one region (for the 密级 mark reader) ---------------------------------------------------------

def test_read_region_reads_a_pil_crop_and_an_array_with_the_loaded_engine(paper):
    """extractors.ocr.read_region: a region of a page (PIL image or numpy array), boxes in its own pixels."""
    from extractors.ocr import read_region
    from extractors.scan import open_images

    page = next(open_images(paper["ok"]["jpeg"].read_bytes()))  # 200 dpi, BGR
    px = page.dpi / 25.4
    number = extract(paper["ok"]["named"].read_bytes()).pages[0].lines[1]  # the 发文字号 line, as typeset
    assert "筑教呈〔2026〕5号" in number.text
    y0, y1 = int((number.top - 4) * px), int((number.bottom + 4) * px)
    strip = page.image[y0:y1, :]  # the whole width: a strip far wider than 8:1
    lines = read_region(strip)
    assert any("2026" in ln.text and "5号" in ln.text for ln in lines), [ln.text for ln in lines]
    for ln in lines:
        assert 0 <= ln.box[0] < ln.box[2] <= strip.shape[1] and 0 <= ln.box[1] < ln.box[3] <= strip.shape[0]
    grey = Image.fromarray(strip[:, :, 1]).convert("L")  # a PIL image, one channel
    assert [ln.text for ln in read_region(grey)] == [ln.text for ln in lines]
    mark = Image.new("L", (360, 90), 255)
    from PIL import ImageDraw
    ImageDraw.Draw(mark).text((20, 20), "机密★1年", fill=0, font=scans._font(44))
    assert "机密" in "".join(ln.text for ln in read_region(mark))
    assert read_region(Image.new("RGB", (200, 80), "white")) == []
    assert get_engine.cache_info().currsize == 1


# --- bad paper ---------------------------------------------------------------------------------

def _png_bomb(path: Path) -> Path:
    Image.new("1", (30000, 30000), 1).save(path)  # 900 million pixels in a few hundred kilobytes
    return path


def test_bad_paper_gets_a_clear_chinese_error(paper, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (1654, 2339), 255).save(blank, dpi=(200, 200))
    data = paper["ok"]["fax"].read_bytes()
    truncated = tmp_path / "cut.tif"
    truncated.write_bytes(data[: len(data) // 3])
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    cases = {"bomb": (_png_bomb(tmp_path / "bomb.png"), "hostile"), "truncated": (truncated, "corrupt"),
             "empty": (empty, "empty"), "blank": (blank, "empty")}
    for name, (path, code) in cases.items():
        with pytest.raises(UnusableInput) as info:
            extract(path.read_bytes())
        assert info.value.code == code, (name, info.value.reason)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.reason)


def test_a_300_page_fax_is_read_page_by_page_in_bounded_memory(paper, tmp_path):
    """299 blank pages (skipped without OCR) and one with text: memory stays that of one page."""
    text_page = scans.fax(paper["ok"]["pages"][0], DPI, seed=6)
    blank = Image.new("1", text_page.size, 1)
    path = scans.save_tiff([text_page] + [blank] * 299, tmp_path / "long.tif")
    # VmHWM is this process's own peak; ru_maxrss would also count the test process it was forked from
    code = ("import re, sys\nfrom extractors import extract\n"
            "doc = extract(open(sys.argv[1], 'rb').read())\n"
            "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
            "print(len(doc.pages), sum(1 for p in doc.pages if p.lines), hwm // 1024)")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    pages, with_text, peak_mib = map(int, result.stdout.split())
    assert (pages, with_text) == (300, 1)
    assert peak_mib < 1024, f"peak {peak_mib} MiB"


def test_ocr_text_keeps_chinese_punctuation_full_width():
    from extractors.scan import normalise_ocr_text

    assert normalise_ocr_text("贵阳市人民政府:") == "贵阳市人民政府："
    assert normalise_ocr_text("(联系人:王明,电话:0851-85551234)") == "（联系人：王明，电话：0851-85551234）"
    assert normalise_ocr_text("GB/T 9704-2012") == "GB/T 9704-2012"



def test_paddleocr_engine_reads_a_page_for_real(paper, tmp_path):
    """The design card's PaddleOCR, offline: its ONNX Runtime engine on model directories made from the
    PP-OCR models in the rapidocr wheel (a fresh cache directory, so they are made here)."""
    import importlib.util

    if importlib.util.find_spec("paddleocr") is None:
        pytest.skip("PaddleOCR is an optional extra: pip install '.[paddle]' (scripts/setup.sh --dev installs it)")
    env = {**os.environ, "SHOUWEN_OCR_ENGINE": "paddleocr", "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PADDLE_PDX_MODEL_SOURCE": "", "HF_HUB_OFFLINE": "1"}
    code = ("import json, sys\nfrom pipelines.review import review_path\nfrom extractors.ocr import get_engine\n"
            "report = review_path(sys.argv[1])\n"
            "print(json.dumps({'engine': get_engine().name, 'document': report['document']}, ensure_ascii=False))")
    result = subprocess.run([*_offline_prefix(), sys.executable, "-c", code, str(paper["bad"]["jpeg"])], capture_output=True,
                            text=True, timeout=600, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["engine"] == "paddleocr"
    assert out["document"]["title"] == "贵阳市教育局关于2026年上半年校舍维修工作的汇报"
    assert out["document"]["doc_number"] == "筑教呈[2026]第05号"
    assert (tmp_path / "cache" / "shouwen" / "paddle-models" / "PP-OCRv6_small_rec" / "inference.yml").is_file()


def test_openvino_and_onnxruntime_read_the_same_text(paper):
    """Both runtimes run the same PP-OCR models: the faster one (OpenVINO) must not change what is read. Each
    runtime reads in a process of its own, as a worker does: with both loaded in one process, a later signal
    (the parsers' SIGALRM time bound) crashed the interpreter."""
    import importlib.util

    if importlib.util.find_spec("openvino") is None:
        pytest.skip("openvino is not installed here")
    code = ("import sys, json, cv2\n"
            "from extractors.ocr import RapidOcrEngine\n"
            "from extractors.scan import open_images\n"
            "page = next(open_images(open(sys.argv[2], 'rb').read()))\n"
            "image = cv2.cvtColor(cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)\n"
            "lines = RapidOcrEngine(runtime=sys.argv[1]).read(image)\n"
            "print(json.dumps([ln.text for ln in sorted(lines, key=lambda ln: (round(ln.box[1] / 20), ln.box[0]))]))\n")
    texts = {}
    for runtime in ("openvino", "onnxruntime"):
        done = subprocess.run([sys.executable, "-c", code, runtime, str(paper["ok"]["jpeg"])], capture_output=True,
                              text=True, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        texts[runtime] = json.loads(done.stdout.strip().splitlines()[-1])
    assert texts["openvino"] == texts["onnxruntime"]
    assert "贵阳市人民政府：" in "".join(texts["openvino"]) or "贵阳市人民政府:" in "".join(texts["openvino"])


@pytest.mark.parametrize("read, meant", [
    ("2026年11日20日", "2026年11月20日"),  # a seal over the 月 of the 成文日期 on a fax
    ("2026年1目5日印发", "2026年1月5日印发"),
    ("2026年11月20日", "2026年11月20日"),  # a right date stays as it is
    ("截至2026年11日", "截至2026年11日"),  # no day after it: not a date this repair knows, left alone
])
def test_a_dates_month_misread_as_a_day_is_repaired(read, meant):
    from extractors.scan import normalise_ocr_text

    assert normalise_ocr_text(read) == meant


def test_the_inked_part_of_a_page_is_found_with_its_margin():
    """_inked_part: the box round a page's ink, widened by the margin and clipped to the page; None when blank."""
    import numpy as np

    from extractors.ocr import _inked_part

    page = np.full((2339, 1654, 3), 255, np.uint8)
    assert _inked_part(page, margin=64) is None
    page[500:540, 300:1300] = 0  # one dark line of text, 1000 px long
    x0, y0, x1, y1 = _inked_part(page, margin=64)
    assert 300 - 64 - 4 <= x0 <= 300 - 64 and 500 - 64 - 4 <= y0 <= 500 - 64  # the sampling step widens, never cuts
    assert 1300 + 64 <= x1 <= 1300 + 64 + 4 and 540 + 64 <= y1 <= 540 + 64 + 4
    page[2330:, 1640:] = 0  # ink in the corner: the box reaches the page's edge, not past it
    assert _inked_part(page, margin=64)[2:] == (1654, 2339)


def test_the_detector_finds_the_same_lines_on_the_inked_part_as_on_the_whole_page(paper):
    """The detector sees only a page's inked part, at the whole page's scale: the same lines, at the same
    places in page pixels, as when it sees the whole page (a wrong offset would move every box)."""
    import cv2
    import numpy as np
    from rapidfuzz.distance import Levenshtein

    engine = get_engine()
    page = cv2.cvtColor(np.asarray(paper["ok"]["pages"][0].convert("RGB")), cv2.COLOR_RGB2BGR)  # clean paper
    page = cv2.resize(page, None, fx=200 / DPI, fy=200 / DPI, interpolation=cv2.INTER_AREA)  # as OCR sees it
    cropped = engine.read(page)
    engine.crop_to_ink = False
    try:
        whole = engine.read(page)
    finally:
        engine.crop_to_ink = True
    assert len(whole) >= 10
    # the sizes are rounded to 32 px apiece, so the two inputs differ by a few pixels (boxes move by up to 7 px;
    # the inked part starts 150–250 px into the page, so a wrong offset moves them far more): a space may come or go,
    # a colon be read half- or full-width
    for ln in whole:  # each line found again, its words, at its place (a name may stand twice on a page)
        assert any(Levenshtein.distance(c.text.replace(" ", ""), ln.text.replace(" ", "")) <= 1
                   and np.allclose(c.box, ln.box, atol=10) for c in cropped), (ln.text, ln.box, [(c.text, c.box) for c in cropped])


def test_one_engine_read_from_two_threads_at_once_reads_each_page_whole(paper):
    """The web desk registers uploads on a thread pool: two pages read at once by the process's one engine each
    come back as read alone (the recogniser's streams and the models' requests serve one caller at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    import cv2
    import numpy as np

    engine = get_engine()
    pages = []
    for name in ("ok", "bad"):
        page = cv2.cvtColor(np.asarray(paper[name]["pages"][0].convert("RGB")), cv2.COLOR_RGB2BGR)
        pages.append(cv2.resize(page, None, fx=200 / DPI, fy=200 / DPI, interpolation=cv2.INTER_AREA))
    alone = [[ln.text for ln in engine.read(page)] for page in pages]
    assert alone[0] != alone[1]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda page: [ln.text for ln in engine.read(page)], pages * 2))
    assert together == alone * 2
