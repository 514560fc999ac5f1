"""What the 退文通知单 and the 撤回通知 say: the fields a template fills (退文通知单.docx, 撤回通知.docx), written
once here from the 初审 report, the office's configuration and the notice's own number.

    signatory(config) -> Signatory                        who issues them: [office] name/contact/phone, [returns]
                                                          address/postcode/fax/email; `configured` False while
                                                          the office's name is the default (said on the notice)
    return_context(report, received, signatory, number, issued_at, round, previous) -> dict
    withdrawal_context(row, signatory, number, issued_at, reason, withdrawn) -> dict
    mail_body(context) -> str                             the same notice as the text of a mail

FIELDS are the names a template may use. Every value is text made safe for a document (terminal.shown: a
control character in a sender's title is written out visibly — python-docx and Word refuse them), numbers as
the office writes them (退〔2026〕3号), dates as 2026年12月1日 (GB/T 9704 7.3.5.1: 成文日期 in Arabic numerals).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..terminal import shown

RETURN, RESEND, WITHDRAWAL = "return", "resend", "withdrawal"
KIND_ZH = {RETURN: "退文通知单", RESEND: "退文通知单（重发）", WITHDRAWAL: "撤回退文通知"}
UNCONFIGURED_NAME = "（机关名称未配置）"
UNCONFIGURED_NOTE = ("本通知单的机关名称等尚未配置（shouwen.toml 的 [office] name、contact、phone 与 [returns] address），"
                     "请配置后重发，勿以本件对外行文")

# the names a template may use ({{ … }}); lists: errors, warnings
FIELDS = {
    "office": "发文机关（版头）", "unconfigured": "未配置时的提示（否则为空）", "title": "标题：退文通知单 / 退文通知单（第N次重发）/ 撤回退文通知",
    "number": "本通知的编号，如 退〔2026〕3号", "recipient": "主送：来文单位", "opening": "首段：来文、收文编号、初审结论",
    "errors": "须修改的问题（列表，每项一段）", "warnings": "提示（列表）", "resend_note": "重发说明（首次为空）",
    "reason_line": "撤回理由（撤回通知）", "decision": "撤回后的处理（撤回通知）", "signature": "落款：发文机关署名",
    "date": "成文日期", "contact_line": "附注：联系人、电话", "address_line": "附注：地址、邮编、传真、邮箱（未配置时为空）",
    "doc_title": "来文标题", "doc_number": "来文字号", "received_number": "收文编号", "received_date": "收文日期",
    "office_contact": "联系人", "office_phone": "联系电话", "office_address": "机关地址",
}


@dataclass(frozen=True)
class Signatory:
    """Who issues the notice. configured: the office's name was set (shouwen.toml or $SHOUWEN_OFFICE), not the
    program's default."""
    name: str
    contact: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    fax: str = ""
    email: str = ""
    configured: bool = True


def signatory(config) -> Signatory:
    """The office that signs, from its configuration (pipelines/config.py: [office], [returns])."""
    office, returns = config.office, config.settings.returns
    configured = config.sources.get(("office", "name"), "default") != "default"
    email = returns.email or (config.settings.smtp.sender if config.settings.smtp.configured else "")
    return Signatory(office.name, office.contact, office.phone, returns.address, returns.postcode, returns.fax, email,
                     configured)


def zh_date(iso: str) -> str:
    """2026-12-01… → 2026年12月1日."""
    y, m, d = iso[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def resend_title(round: int) -> str:
    """The title of the round-th 重发 (round ≥ 1): 退文通知单（第1次重发）; the same words name its file."""
    return f"退文通知单（第{round}次重发）" if round else "退文通知单"


def _office_fields(who: Signatory, issued_at: str) -> dict:
    name = who.name if who.configured else UNCONFIGURED_NAME
    contact = "联系人：" + (who.contact or "（未配置）") + ("，联系电话：" + who.phone if who.phone else "，联系电话：（未配置）")
    where = [("地址：", who.address), ("邮编：", who.postcode), ("传真：", who.fax), ("电子邮箱：", who.email)]
    address = "；".join(label + value for label, value in where if value)
    missing = [] if who.configured else [UNCONFIGURED_NOTE]
    return {"office": shown(name), "signature": shown(name), "date": zh_date(issued_at),
            "unconfigured": "；".join(missing), "contact_line": shown(f"（{contact}）"),
            "address_line": shown(f"（{address}）") if address else "", "office_contact": shown(who.contact),
            "office_phone": shown(who.phone), "office_address": shown(who.address)}


def _document_fields(doc: dict, file: str, received_number: str, received_at: str) -> dict:
    return {"recipient": shown(doc.get("issuer")) or "来文单位",
            "doc_title": shown(doc.get("title") or file),  # a sender's name or title never carries control characters
            "doc_number": shown(doc.get("doc_number")) or "", "received_number": received_number,
            "received_date": zh_date(received_at)}


def return_context(report: dict, received_number: str, received_at: str, who: Signatory, number: str,
                   issued_at: str, round: int = 0, previous: Optional[tuple[str, str]] = None) -> dict:
    """The 退文通知单's fields. report: the 初审 report (validation-report.schema.json); received_number /
    received_at: the 收文编号 and when it was received; number: this notice's own (退〔2026〕3号); issued_at:
    ISO 8601; round: 0 the first notice, N the N-th 重发; previous: (number, issued_at) of the notice a 重发
    replaces."""
    doc = report["document"]
    fields = {**_office_fields(who, issued_at), **_document_fields(doc, report["file"], received_number, received_at)}
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    ref = "，".join(x for x in (fields["doc_number"], f"收文编号{received_number}", f"{fields['received_date']}收") if x)
    fields.update(
        title=resend_title(round), number=number,
        opening=f"你单位报送的《{fields['doc_title']}》（{ref}）经初审，存在以下问题，不符合《党政机关公文处理工作条例》和"
                f"GB/T 9704-2012《党政机关公文格式》等规定，现予退回。请修改后重新报送。",
        errors=[shown(f"{i}．{f['message']}" + detail(f)) for i, f in enumerate(errors, start=1)],
        warnings=[shown(f"（{i}）{f['message']}" + detail(f)) for i, f in enumerate(warnings, start=1)],
        resend_note=(f"本通知系重发，原通知为{previous[0]}（{zh_date(previous[1])}），以本通知为准。" if previous else ""),
        reason_line="", decision="")
    return fields


def withdrawal_context(row: dict, who: Signatory, number: str, issued_at: str, reason: str,
                       withdrawn: list[tuple[str, str]]) -> dict:
    """The 撤回通知's fields. row: the document's ledger row; reason: the clerk's (required); withdrawn: the
    (number, issued_at) of every notice it takes back, oldest first."""
    doc = {"issuer": row.get("issuer"), "title": row.get("title"), "doc_number": row.get("doc_number")}
    fields = {**_office_fields(who, issued_at), **_document_fields(doc, row["file"], row["number"], row["received_at"])}
    ref = "，".join(x for x in (fields["doc_number"], f"收文编号{row['number']}") if x)
    notices = "、".join(f"{n}（{zh_date(at)}）" for n, at in withdrawn) or "退文通知单"
    fields.update(
        title=KIND_ZH[WITHDRAWAL], number=number, errors=[], warnings=[], resend_note="",
        opening=f"我办以{notices}退回你单位报送的《{fields['doc_title']}》（{ref}）。",
        reason_line=shown(f"经复核，{reason.strip().rstrip('。')}。"),
        decision="现撤回上述退文通知，原通知作废。该件已按程序转入办理，你单位无需修改重报。")
    return fields


def mail_body(context: dict) -> str:
    """The notice as the text of its mail (the attachments carry it in form): the same words, in order."""
    lines = [f"{context['recipient']}：", "", context["opening"]]
    lines += context["errors"]
    if context["warnings"]:
        lines += ["另请注意以下问题（不影响本次办理）："] + context["warnings"]
    lines += [x for x in (context["resend_note"], context["reason_line"], context["decision"]) if x]
    lines += ["", f"详见附件{context['title']}（{context['number']}，Word 与 PDF 各一份）。", "",
              context["signature"], context["date"], context["contact_line"]]
    if context["address_line"]:
        lines.append(context["address_line"])
    if context["unconfigured"]:
        lines += ["", context["unconfigured"]]
    return "\n".join(lines) + "\n"


def detail(finding: dict) -> str:
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
