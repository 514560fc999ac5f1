"""The original, page by page, as images (原件页面图像), rendered once and cached under the data root.

    page_count(paths, row) -> int                the page images the original has (renders them on first use)
    page_image(paths, row, number) -> Path       the PNG of page `number` (1-based), from the cache
    page_sizes(paths, row) -> [(width_mm, height_mm)]  each page's size, for drawing findings measured in mm
    finding_boxes(findings, sizes) -> {page: [Box]}    the 初审 findings that carry a box, in % of their page
`paths` is the office's DataRoot (office.paths, seam S5).

How each format is drawn: PDF with pdfium (pypdfium2); OFD with the project's own renderer
(extractors/ofd_reader.render_page); docx, .doc and .wps through the sandboxed LibreOffice
(extractors/convert.convert_files, no network, fresh profile, time limit) to PDF, then pdfium; scans and
faxes (TIFF, possibly several pages; JPEG, PNG) as they are, converted to PNG. Text and mail have no page
images (None: the document page shows their text).

The cache is rebuildable (seam S5: paths.cache/pages/<sha256>/), content-addressed by the original's sha256,
written atomically (paths' writer: temporary file, rename), so two `serve` processes rendering the same page at
once both end with one good file. A classified or held document's pages are cached under paths.secure
(.secure/cache/pages/, the service account alone), never beside the open ones. Quarantined originals are never
rendered (they failed to read: possibly hostile).

A finding's box (the parser's shape, validators/boxes.py): `box: [x0, y0, x1, y1]` in mm from the top-left corner
of the finding's `page` (1-based). Findings without a box, or with a box of another shape, are listed beside the
page, not drawn.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

RENDER_DPI = 110  # a page 909 px wide: legible on a 1366×768 screen, ~150 KB a page
MM_PER_INCH = 25.4
A4_WIDTH_MM = 210.0  # the width a scan or fax is taken to have (GB/T 9704: A4)
IMAGE_FORMATS = ("tiff", "png", "jpeg")
CONVERTED = ("docx", "doc", "wps")
RENDERED = ("pdf", "ofd") + CONVERTED + IMAGE_FORMATS


class NoImages(ValueError):
    """This original has no page images (text, mail, quarantined, unreadable); str() says why in Chinese."""


def cache_dir(paths, row: dict) -> Path:
    """Where the page images of `row` are kept: cache/pages/<sha256>/, or .secure/cache/pages/<sha256>/ for a
    classified or held document (made 0700 by paths.secure_folder)."""
    from .secrecy import is_confidential

    return paths.cache_folder(is_confidential(row)) / "pages" / row["sha256"]


def text_cache(paths, row: dict) -> Path:
    """Where the text read again from an original is kept (as cache_dir, beside the page images)."""
    return cache_dir(paths, row).parent.parent / "text" / f"{row['sha256']}.txt"


def _format(paths, row: dict) -> str:
    fmt = row.get("format")
    if fmt:
        return fmt
    from extractors import detect_format

    return detect_format(_original(paths, row))


def _original(paths, row: dict) -> bytes:
    return (paths.root / row["archive_path"]).read_bytes()


def document_bytes(paths, row: dict) -> tuple[bytes, str]:
    """(bytes, format) of the 公文 itself: the archived original, or for a mail message its main attachment's
    archived copy (ledger column mail_attachments) — never the message's MIME text drawn as pages. NoImages
    for a message whose 公文 is its body or whose main attachment was not kept."""
    data = _original(paths, row)
    from extractors import UnusableInput, detect_format

    try:
        is_mail = detect_format(data) == "eml"
    except UnusableInput:  # no format at all: the renderer below says it cannot draw it
        is_mail = False
    if not is_mail:
        return data, _format(paths, row)
    try:
        listed = json.loads(row.get("mail_attachments") or "[]")
    except ValueError:
        listed = []
    main = next((e for e in listed if isinstance(e, dict) and e.get("main") and e.get("archive_path")), None)
    if main is None:
        raise NoImages("本件为邮件，公文在邮件正文中，没有页面图像")
    return (paths.root / main["archive_path"]).read_bytes(), main.get("format") or row.get("format") or ""


def write_cached(path: Path, data: bytes) -> None:
    """A rendered file, whole or not at all (dataroot's atomic writer)."""
    from .dataroot import write_bytes_atomically

    write_bytes_atomically(path, data)


def _meta(paths, row: dict) -> dict:
    """{"pages": n, "sizes": [[w_mm, h_mm], …]}, rendering every page the first time."""
    folder = cache_dir(paths, row)
    meta_path = folder / "pages.json"
    try:
        cached = json.loads(meta_path.read_text(encoding="utf-8"))
        # a mail's pages cached before they were drawn from its main attachment were its MIME text: drawn again
        if not row.get("mail_attachments") or cached.get("drawn_from") == "document":
            return cached
    except (OSError, ValueError):
        pass
    if row.get("status") == "quarantined":
        raise NoImages("本件已隔离（无法读取），不生成页面图像；可下载原件查看")
    data, fmt = document_bytes(paths, row)  # a mail's main attachment, not the message
    if fmt not in RENDERED:
        raise NoImages("本件为文本或邮件，没有页面图像")
    from io import BytesIO

    images: list[tuple[bytes, tuple[float, float]]] = []
    if fmt == "ofd":
        from extractors.ofd.reader import open_ofd
        from extractors.ofd.render import render_page

        count = len(open_ofd(data).pages)
        with tempfile.TemporaryDirectory(prefix="shouwen-render-") as tmp:
            for n in range(1, count + 1):
                out = render_page(data, n, Path(tmp) / f"{n}.png", dpi=RENDER_DPI)
                png = out.read_bytes()
                from PIL import Image

                w, h = Image.open(BytesIO(png)).size
                images.append((png, (w * MM_PER_INCH / RENDER_DPI, h * MM_PER_INCH / RENDER_DPI)))
    elif fmt in IMAGE_FORMATS:
        from PIL import Image, ImageSequence

        with Image.open(BytesIO(data)) as picture:
            for frame in ImageSequence.Iterator(picture):
                page = frame.convert("L" if frame.mode in ("1", "L", "I;16") else "RGB")
                page.thumbnail((round(A4_WIDTH_MM / MM_PER_INCH * RENDER_DPI) * 2, 4000))
                buffer = BytesIO()
                page.save(buffer, "PNG", optimize=False)
                w, h = page.size
                images.append((buffer.getvalue(), (A4_WIDTH_MM, A4_WIDTH_MM * h / w)))
    else:
        pdf = data if fmt == "pdf" else _to_pdf(data, fmt)
        images = _pdf_pages(pdf)
    for n, (png, _) in enumerate(images, start=1):
        write_cached(folder / f"{n}.png", png)
    meta = {"pages": len(images), "sizes": [list(size) for _, size in images], "drawn_from": "document"}
    write_cached(meta_path, json.dumps(meta).encode("utf-8"))
    return meta


def _to_pdf(data: bytes, fmt: str) -> bytes:
    from extractors import UnusableInput
    from extractors.convert import convert_files

    with tempfile.TemporaryDirectory(prefix="shouwen-render-") as tmp:
        source = Path(tmp) / f"original.{fmt}"
        source.write_bytes(data)
        outputs = convert_files([source], "pdf", Path(tmp) / "out")
        if not outputs:
            raise UnusableInput("LibreOffice 未能把原件转换为 PDF", "corrupt")
        return outputs[0].read_bytes()


def _pdf_pages(pdf: bytes) -> list[tuple[bytes, tuple[float, float]]]:
    from io import BytesIO

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            width_pt, height_pt = page.get_size()
            image = page.render(scale=RENDER_DPI / 72).to_pil()
            buffer = BytesIO()
            image.save(buffer, "PNG")
            out.append((buffer.getvalue(), (width_pt * MM_PER_INCH / 72, height_pt * MM_PER_INCH / 72)))
            page.close()
        return out
    finally:
        document.close()


def page_count(paths, row: dict) -> int:
    """Pages of the original as images; NoImages where it has none."""
    try:
        return int(_meta(paths, row)["pages"])
    except NoImages:
        raise
    except Exception as exc:  # an original pdfium / LibreOffice / the OFD renderer cannot draw
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise NoImages(f"原件无法生成页面图像（{reason}），可下载原件查看") from exc


def page_sizes(paths, row: dict) -> list[tuple[float, float]]:
    return [tuple(s) for s in _meta(paths, row)["sizes"]]


def page_image(paths, row: dict, number: int) -> Path:
    """The PNG of page `number` (1-based); IndexError for a page the original does not have."""
    count = page_count(paths, row)
    if not 1 <= number <= count:
        raise IndexError(number)
    path = cache_dir(paths, row) / f"{number}.png"
    if not path.exists():  # the cache was cleared meanwhile: render again
        (cache_dir(paths, row) / "pages.json").unlink(missing_ok=True)
        page_count(paths, row)
    return path


@dataclass(frozen=True)
class Box:
    left: float  # % of the page's width
    top: float  # % of its height
    width: float
    height: float
    rule: str  # the rule's id (data-rule), e.g. layout.type-area
    message: str
    severity: str
    title: str = ""  # the rule's Chinese name, the label a clerk reads on the page (validators.catalog)


def _box_mm(box) -> Optional[tuple[float, float, float, float]]:
    """(x, y, width, height) in mm from the parser's [x0, y0, x1, y1], or None for anything else."""
    if not isinstance(box, (list, tuple)) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = map(float, box)
    except (TypeError, ValueError):
        return None
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1 - x0, y1 - y0


def finding_boxes(findings: list[dict], sizes: list[tuple[float, float]]) -> dict[int, list[Box]]:
    """{page: [Box]} for the findings whose `box` ([x0, y0, x1, y1] mm) lies on a page the original has (its
    `page`, 1 where none is given), as percentages of that page's size."""
    from validators.catalog import rule_title

    drawn: dict[int, list[Box]] = {}
    for finding in findings or ():
        mm = _box_mm(finding.get("box"))
        try:
            page = int(finding.get("page") or 1)
        except (TypeError, ValueError):
            continue
        if mm is None or not 1 <= page <= len(sizes):
            continue
        width_mm, height_mm = sizes[page - 1]
        x, y, w, h = mm
        drawn.setdefault(page, []).append(Box(
            round(100 * x / width_mm, 3), round(100 * y / height_mm, 3), round(100 * w / width_mm, 3),
            round(100 * h / height_mm, 3), finding.get("rule", ""), finding.get("message", ""),
            finding.get("severity", "error"), rule_title(finding.get("rule", ""))))
    return drawn
