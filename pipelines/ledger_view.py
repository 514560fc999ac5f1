"""What `shouwen ledger` shows of mail, the same 来文 twice and electronic seals (登记簿的附加栏目).

    ledger_marks(ledger, row) -> str    the text line's tail: "  同 收〔2026〕3号", "  另收同件 收〔2026〕5号",
                                        "  第2版（前版 收〔2026〕3号）", "  已有新版 收〔2026〕6号",
                                        "  邮件 发件人 bgs@gyjy.gov.cn，公文附件 1 个，其他附件 2 个",
                                        "  电子签章 1 个（签名文件未改动）"
    ledger_extras(ledger, row) -> dict  the --json members: mail_* (mail_attachments as a list), linked_to and
                                        revision_of as 收文编号, revision, newer_versions, linked_copies,
                                        similarity, seals,
                                        seals_unchanged
    version_mark(ledger, id) -> str     a search hit's version, "（第2版，前版 收〔2026〕4号）"

A row from `ledger.page(…)` carries its marks already (linked_to_number, revision_of_number, newer_versions,
linked_copies, joined in SQL): no statement is run for it. Any other row (ledger.get, rows) is looked up,
up to four statements.
"""
from __future__ import annotations

import json
from typing import Optional

MAIL_COLUMNS = ("mail_from", "mail_from_name", "mail_date", "mail_message_id", "mail_subject")


JOINED = {"linked_to": "linked_to_number", "revision_of": "revision_of_number"}  # what ledger.page adds


def _number(ledger, row: dict, column: str) -> Optional[str]:
    """The 收文编号 of the registration row[column] (linked_to, revision_of) points at."""
    if row.get(column) is None:
        return None
    if JOINED[column] in row:
        return row[JOINED[column]]
    other = ledger.get(row[column])
    return other["number"] if other else None


def newer_versions(ledger, row: dict) -> list[str]:
    """收文编号 of the versions registered as new versions of this one."""
    return row["newer_versions"] if "newer_versions" in row else ledger.newer_versions(row["id"])


def linked_copies(ledger, row: dict) -> list[str]:
    """收文编号 of the later copies linked to this registration (同一来文)."""
    return row["linked_copies"] if "linked_copies" in row else ledger.linked_copies(row["id"])


def version_mark(ledger, document_id: int) -> str:
    """For a search hit: "（第2版，前版 收〔2026〕4号）", "（已有新版 收〔2026〕6号）", or empty."""
    row = ledger.get(document_id) if ledger is not None else None
    if not row:
        return ""
    marks = []
    if row.get("revision_of"):
        marks.append(f"第{row['revision']}版，前版 {_number(ledger, row, 'revision_of')}")
    later = newer_versions(ledger, row)
    if later:
        marks.append(f"已有新版 {'、'.join(later)}")
    return f"（{'；'.join(marks)}）" if marks else ""


def ledger_marks(ledger, row: dict) -> str:
    """The Chinese marks after a ledger line (empty for a plain document)."""
    marks = []
    if row.get("linked_to"):
        marks.append(f"同 {_number(ledger, row, 'linked_to')}")
    if row.get("revision_of"):
        marks.append(f"第{row['revision']}版（前版 {_number(ledger, row, 'revision_of')}）")
    later = newer_versions(ledger, row)
    if later:
        marks.append(f"已有新版 {'、'.join(later)}")
    copies = linked_copies(ledger, row)
    if copies:
        marks.append(f"另收同件 {'、'.join(copies)}")
    if row.get("mail_from") or row.get("mail_attachments"):
        listed = _attachments(row) or []
        annexes = sum(1 for a in listed if not a.get("main"))
        main = "公文附件 1 个" if any(a.get("main") for a in listed) else "公文为邮件正文"
        marks.append(f"邮件 发件人 {row.get('mail_from') or '不详'}，{main}，其他附件 {annexes} 个")
    if row.get("seals"):
        state = {1: "签名文件未改动", 0: "签名文件已改动或缺失"}.get(row.get("seals_unchanged"), "未能核验")
        marks.append(f"电子签章 {row['seals']} 个（{state}）")
    return "".join(f"  {m}" for m in marks)


def _attachments(row: dict) -> Optional[list]:
    try:
        return json.loads(row.get("mail_attachments") or "null")
    except ValueError:
        return None


def ledger_extras(ledger, row: dict) -> dict:
    """The JSON members for one row (see the module docstring)."""
    attachments = _attachments(row)
    return {
        **{k: row.get(k) for k in MAIL_COLUMNS},
        "mail_attachments": attachments,
        "linked_to": _number(ledger, row, "linked_to"),
        "revision_of": _number(ledger, row, "revision_of"),
        "revision": row.get("revision"),
        "newer_versions": newer_versions(ledger, row),
        "linked_copies": linked_copies(ledger, row),
        "similarity": row.get("similarity"),
        "seals": row.get("seals"),
        "seals_unchanged": None if row.get("seals_unchanged") is None else bool(row["seals_unchanged"]),
        "status": row.get("status"),
    }
