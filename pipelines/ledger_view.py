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

A row from `ledger.page(…)` carries its marks already (MARKS: linked_to_number, revision_of_number,
newer_versions, linked_copies, joined in SQL): no statement is run for it. Any other row (ledger.get, rows) is
looked up as a page of one (with_marks: two statements).
"""
from __future__ import annotations

import json
from typing import Optional

MAIL_COLUMNS = ("mail_from", "mail_from_name", "mail_date", "mail_message_id", "mail_subject")


JOINED = {"linked_to": "linked_to_number", "revision_of": "revision_of_number"}  # what ledger.page adds
MARKS = ("linked_to_number", "revision_of_number", "newer_versions", "linked_copies")


def with_marks(ledger, row: dict) -> dict:
    """`row` with the marks ledger.page joins (MARKS): as it is where it has them, else looked up (one page of
    that one row: two statements)."""
    if all(k in row for k in MARKS):
        return row
    found = ledger.page(ids=[row["id"]], limit=1).rows
    return {**row, **{k: found[0][k] for k in MARKS}} if found else {**row, **dict.fromkeys(MARKS), "newer_versions": [],
                                                                      "linked_copies": []}


def _number(ledger, row: dict, column: str) -> Optional[str]:
    """The 收文编号 of the registration row[column] (linked_to, revision_of) points at."""
    return with_marks(ledger, row)[JOINED[column]] if row.get(column) is not None else None


def newer_versions(ledger, row: dict) -> list[str]:
    """收文编号 of the versions registered as new versions of this one (revision_of), oldest first."""
    return with_marks(ledger, row)["newer_versions"]


def linked_copies(ledger, row: dict) -> list[str]:
    """收文编号 of the later copies linked to this registration (同一来文, linked_to), oldest first."""
    return with_marks(ledger, row)["linked_copies"]


def version_mark(ledger, document_id: int) -> str:
    """For a search hit: "（第2版，前版 收〔2026〕4号）", "（已有新版 收〔2026〕6号）", or empty."""
    found = ledger.page(ids=[document_id], limit=1).rows if ledger is not None else []
    if not found:
        return ""
    row = found[0]
    marks = []
    if row.get("revision_of"):
        marks.append(f"第{row['revision']}版，前版 {_number(ledger, row, 'revision_of')}")
    later = newer_versions(ledger, row)
    if later:
        marks.append(f"已有新版 {'、'.join(later)}")
    return f"（{'；'.join(marks)}）" if marks else ""


def ledger_marks(ledger, row: dict) -> str:
    """The Chinese marks after a ledger line (empty for a plain document)."""
    row = with_marks(ledger, row)
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
    row = with_marks(ledger, row)
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
