"""Where a notice goes (送达地址): the reply to a message, or the 来文单位's address book, or no address at all.

    reply_to(office, row) -> Reply | None         a document that came by mail: its sender (Reply-To, else From),
                                                  In-Reply-To its Message-ID, References its thread; None where
                                                  the message must not be answered automatically (RFC 3834: it
                                                  was itself automatic, a bounce, a list) or names no address
    book(office, issuer) -> [address]             [returns.addresses] in shouwen.toml, then what the clerk added
    add(office, issuer, address, actor) -> bool   the clerk's entry (shouwen returns --address); True if new
    offered(office, issuer) -> [(address, n)]     addresses this 来文单位 sent documents from before, most used
                                                  first: offered to the clerk, never used unasked

The headers are read from the archived original (the .eml as it arrived), not from the ledger's summary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Optional

from ..ledger.core import now
from .store import tables

ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.\-]+\.[A-Za-z0-9\-]+")
# RFC 3834 §2 and common practice: never answer these automatically
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounce[s]?)([+@._-]|$)", re.I)


@dataclass(frozen=True)
class Reply:
    address: str
    message_id: Optional[str]  # the original's Message-ID: In-Reply-To
    references: Optional[str]  # its References + its Message-ID


@dataclass(frozen=True)
class Unanswerable:
    """A message that came by mail but is not to be answered by the program: why (Chinese)."""
    reason: str


def valid(address: str) -> bool:
    return bool(address) and ADDRESS.fullmatch(address) is not None


def reply_to(office, row: dict) -> Optional[Reply | Unanswerable]:
    """Where a reply to document `row` goes when it came by mail (else None): Reply | Unanswerable."""
    if row.get("channel") != "mail" or not row.get("archive_path"):
        return None
    try:
        with open(office.root / row["archive_path"], "rb") as fh:
            headers = BytesHeaderParser(policy=policy.compat32).parse(fh)
    except OSError:
        headers = None
    get = (lambda name: str(headers.get(name) or "").strip()) if headers is not None else (lambda name: "")
    auto = get("Auto-Submitted").lower()
    if auto and auto != "no":
        return Unanswerable(f"来件为自动发送的邮件（Auto-Submitted: {auto}），不自动回复")
    if get("Precedence").lower() in ("bulk", "list", "junk") or get("List-Id"):
        return Unanswerable("来件为群发或邮件列表邮件，不自动回复")
    if get("Return-Path") == "<>":
        return Unanswerable("来件为退信（空的 Return-Path），不自动回复")
    candidates = [a for _, a in getaddresses([get("Reply-To")]) if a] or [a for _, a in getaddresses([get("From")]) if a]
    address = (candidates[0] if candidates else row.get("mail_from") or "").strip()
    if not valid(address):
        return Unanswerable(f"来件发件地址无法使用（{address or '无'}）") if address else None
    if AUTOMATIC_SENDERS.match(address.split("@")[0] + "@"):
        return Unanswerable(f"来件发件人 {address} 为系统地址，不自动回复")
    message_id = get("Message-ID") or row.get("mail_message_id") or None
    references = " ".join(x for x in (" ".join(get("References").split()), message_id) if x) or None
    return Reply(address, message_id, references)


def book(office, issuer: Optional[str]) -> list[str]:
    """The addresses of `issuer` in the address book: configured first, then the clerk's, each once."""
    if not issuer:
        return []
    configured = office.config.settings.returns.addresses.get(issuer.strip(), [])
    added = [r["address"] for r in tables(office).query(
        "SELECT address FROM delivery_addresses WHERE issuer = ? ORDER BY id", (issuer.strip(),))]
    return list(dict.fromkeys(configured + added))


def add(office, issuer: str, address: str, actor: str) -> bool:
    """The clerk puts `address` into the book for `issuer`; ValueError (Chinese) for an address that is not one.
    Returns whether it was new."""
    issuer, address = issuer.strip(), address.strip()
    if not issuer:
        raise ValueError("来文单位不能为空")
    if not valid(address):
        raise ValueError(f"不是有效的电子邮件地址：{address}")
    db = tables(office)
    if db.one("SELECT id FROM delivery_addresses WHERE issuer = ? AND address = ?", (issuer, address)):
        return False
    db.execute("INSERT INTO delivery_addresses (issuer, address, added_at, actor) VALUES (?, ?, ?, ?)",
               (issuer, address, now(), actor))
    return True


def offered(office, issuer: Optional[str]) -> list[tuple[str, int]]:
    """Addresses documents of `issuer` came from before (the ledger's mail_from), most used first, those in the
    book left out."""
    if not issuer:
        return []
    rows = office.ledger.store.query(
        "SELECT mail_from, COUNT(*) AS n FROM documents WHERE issuer = ? AND mail_from IS NOT NULL"
        " GROUP BY mail_from ORDER BY n DESC, mail_from", (issuer.strip(),))
    known = set(book(office, issuer))
    return [(r["mail_from"], int(r["n"])) for r in rows if valid(r["mail_from"]) and r["mail_from"] not in known]
