"""A mail document (邮件收文) as the clerk reads it on its page: 发件人, 收件人, 主题, 日期 (the office's time), the
body as text and the attachments by name, each with a link — never the message's raw MIME text.

    mail_view(office, row) -> MailView | None      None: the original is not a mail message
    listed_attachments(row) -> [dict]   the ledger's mail_attachments list (documents.mail_attachment serves one)

The message is read by the standard library's email package (policy `default`, bounded) through
extractors.mail.unpack — no MIME parsing here; an HTML-only body comes as text (extractors.mail.decode.html_to_text:
scripts and styles dropped), and the page escapes it as any text. The attachments' copies are the ones the batch
archived (ledger column mail_attachments, pipelines/mail_intake.py). Who may open an attachment is who may open
the original (documents.original: access.shows_original); nothing here decides it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class MailAttachmentView:
    number: int  # 1-based, in message order: the link /documents/{id}/attachments/{number}
    name: str
    what: str  # 格式 and size in Chinese (Word 文档，23 KB), or why it cannot be used
    main: bool  # the 公文 itself (主件); the others are its 附件
    downloadable: bool  # a copy was archived (an unusable attachment stays inside the message only)


@dataclass
class MailView:
    sender: str  # 发件人: 名称 <地址>
    to: str  # 收件人, 、-separated
    cc: str
    subject: str
    date: str  # the message's date in the office's time (2026-11-30 09:15), "" when unknown
    body: str  # the body as text ("" when the message has none)
    attachments: list = field(default_factory=list)  # [MailAttachmentView]
    note: str = ""  # why something could not be read (Chinese)


def _archived(office, row: dict) -> Optional[bytes]:
    try:
        return (office.root / row["archive_path"]).read_bytes()
    except (OSError, KeyError, TypeError):
        return None


def is_mail(office, row: dict) -> bool:
    """Whether the archived original of `row` is a mail message (its bytes say so, not its name or channel)."""
    if row.get("channel") != "mail" and not row.get("mail_attachments") and not row.get("mail_from"):
        return False
    data = _archived(office, row)
    if data is None:
        return False
    from extractors import detect_format

    try:
        return detect_format(data) == "eml"
    except Exception:  # an original the sniffer refuses is no message to show
        return False


def listed_attachments(row: dict) -> list[dict]:
    try:
        listed = json.loads(row.get("mail_attachments") or "[]")
    except ValueError:
        return []
    return listed if isinstance(listed, list) else []


def _what(entry: dict) -> str:
    from extractors.detect import FORMAT_NAMES_ZH

    if entry.get("problem"):
        return f"无法使用：{entry['problem']}"
    size = int(entry.get("size") or 0)
    shown = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"
    return f"{FORMAT_NAMES_ZH.get(entry.get('format') or '', '未知格式')}，{shown}"


def mail_view(office, row: dict) -> Optional[MailView]:
    """What the document page shows of a mail document (see the module docstring); None for any other."""
    if not is_mail(office, row):
        return None
    from extractors import UnusableInput
    from extractors.mail import unpack

    from .common import office_time

    attachments = [MailAttachmentView(n, str(e.get("name") or f"附件{n}"), _what(e), bool(e.get("main")),
                                      bool(e.get("archive_path")))
                   for n, e in enumerate(listed_attachments(row), start=1)]
    try:
        mail = unpack(_archived(office, row) or b"")
    except UnusableInput as exc:
        return MailView(row.get("mail_from_name") or row.get("mail_from") or "", "", "", row.get("mail_subject") or "",
                        office_time(office, row.get("mail_date")), "", attachments, f"邮件无法解析：{exc.reason}")
    body = mail.body_text
    return MailView(str(mail.sender or ""), "、".join(str(a) for a in mail.to), "、".join(str(a) for a in mail.cc),
                    mail.subject, office_time(office, mail.date.isoformat()) if mail.date else "", body, attachments)
