"""The 初审 report of one document (审核意见): the JSON form of the schema, and a readable Chinese text."""
from __future__ import annotations

from extractors import formats
from extractors.elements import Elements
from extractors.layout import Document
from extractors.readings import ELEMENT_ZH, HOW_ZH, readings_dict

from .doubt import OUTCOME_ZH, THRESHOLDS, decide_doubt
from .formats import FORMAT_CLAUSES, FORMAT_NAMES_ZH, applies, why_not
from .registry import Finding
from .template import template_note, template_reason

FORMATS = formats.names(is_document=True)  # a report's `format` (the schema's enum, with "other")
SEVERITY_ZH = {"error": "错误（须退文）", "warning": "提示"}
VERDICT_ZH = {"accept": "通过初审", "return": "退文"}
CHANNEL_ZH = {"edoc": "电子公文", "fax": "传真", "scan": "扫描件", "mail": "邮件", "unknown": "未注明"}


def _pages(report: dict) -> str:
    """A Word document holds paragraphs, not pages: its count is of explicit page breaks (分页符), said so — the
    pages it lays out to are on the desk's 原件 (docx, doc, wps)."""
    if report.get("format") in ("docx", "doc", "wps"):
        return f"{report['pages']}（按分页符计，实际页数以排版为准）"
    return str(report["pages"])


def verdict_of(findings: list[Finding]) -> str:
    return "return" if any(f.severity == "error" for f in findings) else "accept"


def document_summary(el: Elements) -> dict:
    """The 公文 elements found, in the schema's `document` shape."""
    return {
        "doc_type": el.doc_type,
        "issuer": _issuer(el),
        "doc_number": el.doc_number.text if el.doc_number else None,
        "title": el.title.text if el.title else None,
        "signer": _signer_name(el),
        "addressees": el.addressees,
        "cc": el.cc_list,
        "date": el.date_iso,
        "secrecy": el.secrecy.text if el.secrecy else None,
        "urgency": el.urgency.text if el.urgency else None,
        "contact": {"name": el.contact_name, "phone": el.contact_phone} if el.annotation else None,
        "attachments": el.attachments,
        "body_chars": el.body_chars,
        # additions beside the schema's fields: the GB/T 9704-2012 format, and every issuer (联合行文), 主办机关 first
        "format": getattr(el, "format", "standard"),
        "issuers": list(getattr(el, "issuers", [])),
        # S8: how each element was read and how sure (extractors/readings.py); a template's 占位文字
        "readings": readings_dict(getattr(el, "readings", {}) or {}),
        "placeholders": [f.quote for f in getattr(el, "placeholders", [])],
    }


def _issuer(el: Elements) -> str | None:
    if getattr(el, "issuers", None):
        return el.issuers[0]  # the 主办机关 of a joint document; the body in a 命令's mark, not the official
    if el.signature and getattr(el, "format", "standard") != "order":
        return el.signature.text  # (a 令 is signed by an official: 职务 and 姓名, never its issuer)
    if el.issuer_mark:
        text = el.issuer_mark.text
        return text[:-2] if text.endswith("文件") else text
    return None


def _signer_name(el: Elements) -> str | None:
    if not el.signer:
        return None
    _, _, name = el.signer.text.replace(":", "：").partition("：")
    return name.strip() or None


def build_report(*, file: str, sha256: str, channel: str, document: Document, elements: Elements,
                 findings: list[Finding], skipped: list[str], profile: str) -> dict:
    notes = list(document.notes)
    fmt = getattr(elements, "format", "standard")
    by_format = [r for r in skipped if not applies(r, fmt)]
    for_geometry = [r for r in skipped if r not in by_format]
    if for_geometry:
        notes.append(f"{'纯文本' if document.format == 'txt' else '该文件'}没有版面信息，版式规则（{len(for_geometry)} 条 layout.*）未检查")
    if fmt != "standard":
        notes.append(f"本件为{FORMAT_NAMES_ZH[fmt]}（{FORMAT_CLAUSES[fmt]}），按该格式的规定初审")
    for rule_id in by_format:
        notes.append(f"{rule_id} 未检查：{why_not(rule_id, fmt)}")
    if len(getattr(elements, "issuers", [])) > 1:
        notes.append(f"联合行文：{'、'.join(elements.issuers)}（主办机关：{elements.issuers[0]}）")
    if getattr(elements, "traditional", False):
        notes.append("原文为繁体字，已转换为简体识别要素（OpenCC）；引文和依据按原文")
    if getattr(elements, "glossed", False):
        notes.append("原文的字后附有拼音注音（如“遠(yuǎn)”，网站转换时所加），已去除后识别要素")
    if getattr(elements, "lost_marks", False):
        notes.append("原文多处以“?”代替空格或丢失的字（网页编码问题），按空格识别要素")
    report = {
        "file": file,
        "sha256": sha256,
        "format": document.format if document.format in FORMATS else "other",
        "channel": channel,
        "ocr": document.ocr,
        "pages": len(document.pages),
        "document": document_summary(elements),
        "findings": [f.to_dict() for f in findings],
        "verdict": verdict_of(findings),
        "route": None,
        "profile": profile,
        "skipped_rules": skipped,
        "notes": notes,
    }
    doubt = decide_doubt(report)
    report["doubt"] = {"sure": doubt.sure, "reasons": doubt.reasons}
    report["outcome"] = "accept" if report["verdict"] == "accept" else ("return" if doubt.sure else "review_held")
    template = template_reason(document, elements)
    if template:  # a template is said to be one, never returned as a 公文 with reasons (issue 24 §3)
        report["outcome"] = "template"
        report["template"] = template
        notes.insert(0, template_note(template))
    return report


def render_text(report: dict) -> str:
    """The report as a clerk reads it on screen."""
    doc = report["document"]
    outcome = report.get("outcome") or report["verdict"]
    lines = [f"文件：{report['file']}",
             f"初审结论：{report.get('confidential') or OUTCOME_ZH.get(outcome, VERDICT_ZH[report['verdict']])}"
             f"（错误 {sum(f['severity'] == 'error' for f in report['findings'])} 项，"
             f"提示 {sum(f['severity'] == 'warning' for f in report['findings'])} 项）",
             f"格式：{report['format']}  页数：{_pages(report)}  渠道：{CHANNEL_ZH.get(report['channel'], report['channel'])}  审核配置：{report['profile']}"]
    if doc.get("format") and doc["format"] != "standard":
        lines.append(f"公文格式：{FORMAT_NAMES_ZH.get(doc['format'], doc['format'])}")
    for label, key in (("文种", "doc_type"), ("发文机关", "issuer"), ("发文字号", "doc_number"), ("标题", "title"), ("成文日期", "date")):
        if doc.get(key):
            lines.append(f"{label}：{doc[key]}")
    for i, f in enumerate(report["findings"], start=1):
        where = f"第 {f['page']} 页" if f.get("page") else ""
        lines.append(f"  {i}. [{SEVERITY_ZH[f['severity']]}] {f['rule']}（{f['clause']}）{where}")
        lines.append(f"     {f['message']}")
        if f.get("evidence") or f.get("expected"):
            lines.append(f"     实际：{f.get('evidence') or '—'}  应为：{f.get('expected') or '—'}")
    if not report["findings"]:
        lines.append("  未发现问题。")
    if outcome == "template":
        lines.append(f"  本件是模板，不是公文（{report.get('template', '')}）：以上检查结果仅供参考，不作为退文理由。")
    if outcome == "review_held":
        lines.append("  待复核的理由（以上错误未必属实，请核对原件后确认退文或改为分办）：")
        lines += [f"    - {reason}" for reason in (report.get("doubt") or {}).get("reasons", [])]
        doubtful = [f"{ELEMENT_ZH.get(name, name)}（{HOW_ZH.get(r['how'], r['how'])}，把握 {r['confidence']:.2f}）"
                    for name, r in (doc.get("readings") or {}).items()
                    if r["how"] != "absent" and r["confidence"] < THRESHOLDS["min_confidence"]]
        if doubtful:
            lines.append(f"    识读把握不足的要素：{'；'.join(doubtful)}")
    for note in report.get("notes", []):
        lines.append(f"  说明：{note}")
    return "\n".join(lines)
