"""The notices as documents: a docxtpl template filled (docx), and the docx as PDF for senders without Word.

    template(office, name) -> Path        the office's own (<root>/<[returns] templates_dir>/name) or the shipped one
    render(office, name, context, out) -> (Path, note)   the docx written whole (temporary, rename); note: why the
                                          office's template was not used (it did not render), else None
    to_pdf(sources) -> {docx: pdf}        every docx converted by ONE LibreOffice run (extractors/convert.py: a
                                          throw-away profile, no network, a time limit), each PDF beside its docx

Templates: 退文通知单.docx and 撤回通知.docx (scripts/make_return_templates.py makes the shipped ones); the fields
are notice.FIELDS. After filling, the paragraph before the template's first keep-with-next paragraph (its
closing: 特此通知, the 落款) is kept with it too, so the 落款 never stands alone on a page (GB/T 9704 7.3.5).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

from ..dataroot import TEMP_PREFIX

SHIPPED = Path(__file__).with_name("templates")
RETURN_TEMPLATE, WITHDRAWAL_TEMPLATE = "退文通知单.docx", "撤回通知.docx"


def template(office, name: str) -> Path:
    """The office's template `name` where it has one (<root>/<[returns] templates_dir>/name), else the shipped one."""
    folder = Path(office.config.settings.returns.templates_dir)
    folder = folder if folder.is_absolute() else office.root / folder
    own = folder / name
    return own if own.is_file() else SHIPPED / name


def render(office, name: str, context: dict, out: Path) -> tuple[Path, Optional[str]]:
    """Fill template `name` with `context` into `out` (docx, whole or not at all). An office template that does not
    render (a field split by an edit, a damaged file) is not fatal: the shipped one is used and the note says so
    (Chinese, for the document's history)."""
    path = template(office, name)
    try:
        return _fill(path, context, out), None
    except Exception as exc:  # jinja2's TemplateSyntaxError, a damaged docx the office saved …
        if path.parent == SHIPPED:
            raise
        note = (f"本机关模板 {path} 无法套用（{type(exc).__name__}: {exc}），已改用随程序提供的模板；"
                "请检查 {{ }} 字段是否被拆开或改名")[:400]
        return _fill(SHIPPED / name, context, out), note


def _fill(path: Path, context: dict, out: Path) -> Path:
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(path))
    doc.render(dict(context), autoescape=True)
    keep_closing_together(doc.docx if hasattr(doc, "docx") else doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{TEMP_PREFIX}{out.name}")
    try:
        doc.save(str(tmp))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def keep_closing_together(document) -> None:
    """The paragraph before the first keep-with-next one (the template's closing) keeps with it as well: the last
    item goes over to the next page with 特此通知 and the 落款."""
    paragraphs = document.paragraphs
    for i, p in enumerate(paragraphs):
        if p.paragraph_format.keep_with_next:
            if i > 0:
                paragraphs[i - 1].paragraph_format.keep_with_next = True
            return


def to_pdf(sources: list[Path]) -> dict[Path, Path]:
    """Each docx of `sources` as PDF beside it (same name, .pdf), by one LibreOffice run. Returns {docx: pdf} for
    those converted; a docx LibreOffice could not convert is left out (UnusableInput only where LibreOffice is
    missing)."""
    from extractors.convert import convert_files

    if not sources:
        return {}
    done: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="shouwen-notice-pdf-") as tmp:
        staged = []
        for i, source in enumerate(sources):  # plain names: two notices may share a file name in two folders
            copy = Path(tmp) / f"n{i}.docx"
            shutil.copyfile(source, copy)
            staged.append(copy)
        outputs = {p.stem: p for p in convert_files(staged, "pdf", Path(tmp) / "pdf")}
        for i, source in enumerate(sources):
            made = outputs.get(f"n{i}")
            if made is None:
                continue
            target = source.with_suffix(".pdf")
            temporary = target.with_name(f"{TEMP_PREFIX}{target.name}")
            shutil.copyfile(made, temporary)
            temporary.replace(target)
            done[source] = target
    return done
