"""What reading a 密级 that is a picture costs (extractors/image_marks.py): seconds per e-document 初审 with and
without a picture in the 版头, side by side in the same run, the OCR engine loaded once beforehand (as a worker
does).

Documents (tests/image_marks_builder.py, tests/builder.py): a conformant 通知 as docx, as the PDF LibreOffice makes
of it, and as OFD —
  plain        no picture (the peer: what every document without one costs)
  mark         `机密★1年` pasted as a picture at the 密级's place (read by OCR: classified)
  issuer       the 发文机关标志 as a wide centred picture above the title (read by OCR: no mark, stays open)
  body         the mark picture among the 正文's paragraphs (not in the 版头: never read)
and a mail: an open PDF 主件 with a text 附件 (peer) or a PNG 附件 that is a picture of a marked page (its upper
third read by OCR).

    .venv/bin/python bench/image_mark_bench.py [--rounds N]

Writes bench/results/image_marks.json and prints a table (median ms per document, and the added ms over plain).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.convert import convert_files  # noqa: E402
from extractors.ocr import get_engine  # noqa: E402
from pipelines.review import review_document  # noqa: E402
from tests import builder  # noqa: E402
from tests import image_marks_builder as imb  # noqa: E402
from tests.ofd_builder import write_ofd  # noqa: E402


def build(out: Path) -> dict[str, dict[str, Path]]:
    spec = builder.conformant_notice()
    black = imb.text_png("机密★1年")
    issuer = imb.text_png("贵阳市教育局文件", color="#e00000", pt=40, font=imb.SONG_BOLD)
    docx = {"plain": builder.write_docx(spec, out / "plain.docx"),
            "mark": imb.docx_with_picture(spec, out / "mark.docx", black[0], black[1]),
            "issuer": imb.docx_with_picture(spec, out / "issuer.docx", issuer[0], issuer[1], align="center"),
            "body": imb.docx_with_picture(spec, out / "body.docx", black[0], black[1], where="body")}
    pdfs = {p.stem: p for p in convert_files(list(docx.values()), "pdf", out / "lo", timeout=600)}
    ofd = {"plain": write_ofd(spec, out / "plain.ofd", out / "fonts"),
           "mark": write_ofd(spec, out / "mark.ofd", out / "fonts", picture=(black[0], (28.0, 37.0, black[1], black[2]))),
           "issuer": write_ofd(spec, out / "issuer.ofd", out / "fonts",
                               picture=(issuer[0], (105 - issuer[1] / 2, 37.0, issuer[1], issuer[2])))}
    report = builder.write_named_font_pdf(builder.conformant_report(), out / "report.pdf", out / "fonts").read_bytes()
    text_annex = out / "text-annex.eml"
    import email.message
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "bgs@jyj.example", "sw@gov.example", "报送材料"
    message.set_content("请查收。")
    message.add_attachment(report, maintype="application", subtype="pdf", filename="报告.pdf")
    message.add_attachment("附件1 学校名单\n一中、二中".encode(), maintype="text", subtype="plain", filename="附件1.txt")
    text_annex.write_bytes(bytes(message))
    mail = {"plain": text_annex,
            "mark": imb.mail_with_image_annex(report, "报告.pdf", imb.page_png(pdfs["mark"]), out / "image-annex.eml")}
    return {"docx": docx, "pdf": pdfs, "ofd": ofd, "eml": mail}


def median_ms(path: Path, rounds: int) -> tuple[float, float]:
    """(wall ms, CPU ms of this process, all its threads) per 初审, medians over `rounds`: on a shared machine the
    CPU time is the steadier of the two."""
    data = path.read_bytes()
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        review_document(data, path.name, "edoc")
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    get_engine()
    load_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="image-mark-bench-") as tmp:
        files = build(Path(tmp))
        for group in files.values():  # one untimed pass: caches, lazy imports
            for path in group.values():
                review_document(path.read_bytes(), path.name, "edoc")
        measured = {fmt: {kind: median_ms(path, args.rounds) for kind, path in group.items()}
                    for fmt, group in files.items()}
    load = os.getloadavg()
    wall = {fmt: {k: v[0] for k, v in r.items()} for fmt, r in measured.items()}
    cpu = {fmt: {k: v[1] for k, v in r.items()} for fmt, r in measured.items()}
    out = {"rounds": args.rounds, "engine_load_s": round(load_s, 2), "loadavg": [round(x, 1) for x in load],
           "cpus": os.cpu_count(), "median_wall_ms": wall, "median_cpu_ms": cpu,
           "added_wall_ms": _added(wall), "added_cpu_ms": _added(cpu)}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "image_marks.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(f"版头图片密级识别：每件初审中位耗时 ms（墙钟 / 本进程 CPU；{args.rounds} 轮；OCR 引擎加载 {load_s:.1f} s，只一次；"
          f"负载 {load[0]:.1f}，{os.cpu_count()} 核）")
    print(f"{'格式':6}{'无图片':>14}{'密级图片':>14}{'机关标志图片':>14}{'正文中图片':>14}")
    for fmt in measured:
        cells = [f"{wall[fmt][k]:.0f}/{cpu[fmt][k]:.0f}" if k in wall[fmt] else "—" for k in ("plain", "mark", "issuer", "body")]
        print(f"{fmt:6}" + "".join(f"{c:>16}" for c in cells))


def _added(table: dict) -> dict:
    return {fmt: {k: round(v - r["plain"], 1) for k, v in r.items() if k != "plain"} for fmt, r in table.items()}


if __name__ == "__main__":
    main()
