"""退文 (returns): the 退文通知单 a sender receives, as a docx in 公文 form, with the JSON report beside it.

Written to outbox/<来文单位>/; the ledger records it. It names the document (标题, 来文字号, 收文编号), lists
every error as a numbered item with the clause it breaks and what it should be, then the warnings as hints.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .terminal import shown


@dataclass
class Office:
    """Who returns the document: the office's configuration, [office] name/contact/phone in shouwen.toml
    (overridden by SHOUWEN_OFFICE, SHOUWEN_OFFICE_CONTACT, SHOUWEN_OFFICE_PHONE); see pipelines/config.py."""

    name: str = field(default_factory=lambda: _configured("name"))  # shouwen.toml [office] (env SHOUWEN_OFFICE…)
    contact: str = field(default_factory=lambda: _configured("contact"))
    phone: str = field(default_factory=lambda: _configured("phone"))


def _configured(key: str) -> str:
    from .config import current

    return getattr(current().office, key)


def sender_folder(issuer: str | None) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]', "", issuer or "").lstrip(".") or "来文单位不明"  # no hidden folder
    return name[:40]


def write_return(outbox: Path, number: str, received_at: str, report: dict, office: Office | None = None,
                 suffix: str = "") -> Path:
    """Write the 退文通知单 (docx) and the JSON report into outbox/<sender>/; return the docx path.
    suffix: marks a resent notice (（重发2）), written beside the first."""
    office = office or Office()
    doc = report["document"]
    folder = outbox / sender_folder(doc.get("issuer"))
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{number}-退文通知单{suffix}"
    (folder / f"{number}-审核意见.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    path = folder / f"{stem}.docx"
    _notice(report, number, received_at, office, resent=bool(suffix)).save(str(path))
    return path


def _notice(report: dict, number: str, received_at: str, office: Office, resent: bool = False):
    doc = report["document"]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = d.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), "仿宋_GB2312")
    normal.font.size = Pt(16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28.95)

    def para(text="", font=None, size=None, align=None, indent=True, color=None):
        p = d.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent and align is None:
            p.paragraph_format.first_line_indent = Pt(32)
        if text:
            run = p.add_run(text)
            if font:
                set_fonts(run._r.get_or_add_rPr(), font)
            if size:
                run.font.size = Pt(size)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        return p

    para(office.name, "方正小标宋简体", 26, WD_ALIGN_PARAGRAPH.CENTER, color="FF0000")
    para()
    para("退文通知单（重发）" if resent else "退文通知单", "方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER)
    para()
    para(f"{shown(doc.get('issuer')) or '来文单位'}：", indent=False)
    title = shown(doc.get("title") or report["file"])  # a sender's name or title never carries control characters
    ref = "，".join(x for x in (shown(doc.get("doc_number")), f"收文编号{number}", f"{_zh_date(received_at)}收") if x)
    para(f"你单位报送的《{title}》（{ref}）经初审，存在以下问题，不符合《党政机关公文处理工作条例》和"
         f"GB/T 9704-2012《党政机关公文格式》等规定，现予退回。请修改后重新报送。")
    for i, f in enumerate(errors, start=1):
        para(shown(f"{i}．{f['message']}" + _detail(f)))
    if warnings:
        para("另请注意以下问题（不影响本次办理）：")
        for i, f in enumerate(warnings, start=1):
            para(shown(f"（{i}）{f['message']}" + _detail(f)))
    closing = [d.paragraphs[-1], para("特此通知。"), para()]
    closing.append(para(office.name, align=WD_ALIGN_PARAGRAPH.RIGHT))
    closing.append(para(_zh_date(date.today().isoformat()), align=WD_ALIGN_PARAGRAPH.RIGHT))
    for p in closing[-2:]:
        p.paragraph_format.right_indent = Pt(64)
    for p in closing[:-1]:  # the 落款 never stands alone on a page: it goes over with the last item (GB/T 9704 7.3.5)
        p.paragraph_format.keep_with_next = True
    contact = f"联系人：{office.contact}" + (f"，电话：{office.phone}" if office.phone else "")
    para(f"（{contact}）")
    return d


def _detail(finding: dict) -> str:
    """（依据：…；现为：…；应为：…）. A trailing 。；， is dropped for reading, unless that is the very difference
    (a half-width colon, a missing 。): then both are quoted whole, so the sender sees what differs."""
    parts = [f"依据：{finding['clause']}"]
    evidence, expected = finding.get("evidence") or "", finding.get("expected") or ""
    trim = "。；，：:;,"
    if evidence and expected and evidence.rstrip(trim) == expected.rstrip(trim) and evidence != expected:
        parts += [f"现为“{evidence}”", f"应为“{expected}”"]
    else:
        parts += [f"{label}：{text.rstrip(trim)}" for label, text in (("现为", evidence), ("应为", expected)) if text]
    return "（" + "；".join(parts) + "）"


def _zh_date(iso: str) -> str:
    y, m, d = iso[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def set_fonts(rpr, east_asia: str, latin: str = "Times New Roman") -> None:
    """Name a run's or style's fonts outright (East Asian and Latin), dropping theme fonts that would win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
