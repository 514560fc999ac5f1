"""The mail inbox (邮件收文): .eml files and maildir folders in inbox/mail/, one 收文 per message.

  * an .eml file is received like any file (archived by sha256, moved to received/mail/);
  * a maildir folder (cur/, new/, tmp/) in inbox/mail/: each message in new/ and cur/ is one arrival
    (pipelines/inbox.py: maildir_arrivals), taken once (sha256: the same message again is a duplicate), and
    moved to received/mail/ like every inbox file — the clerk's received/ folder is where taken-in mail is, and
    a message left in the maildir would be offered again every batch. The folder and its cur/ new/ tmp/ stay,
    so the mail fetcher (getmail, fetchmail, an MDA) keeps delivering into it; tmp/ (messages still being
    written) is never read.
  * the archived message is the original; each of its attachments is also archived content-addressed
    (archive/ab/cd/<sha256><ext>, read-only) so the clerk can open it, and listed in the ledger
    (`mail_attachments`, JSON: name, format, size, sha256, archive_path, problem) with the sender's address
    and name, the message date, Message-ID and subject (ledger columns mail_*).
  * the review of a message reviews its main document (pipelines/review.py); a message with no document
    attachment is reviewed with its body as a text 公文 (extractors/mail).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .dataroot import DataRoot, suffix_of, write_read_only

if TYPE_CHECKING:
    from extractors.mail import MailMessage


def archive_bytes(root: Path, data: bytes, name: str) -> Path:
    """Keep `data` in the archive as archive/ab/cd/<sha256><ext of name> (temporary, fsync, read-only, rename);
    an existing copy is left untouched. Returns the path."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = DataRoot(root).archived(sha256, suffix_of(name))
    if target.exists():
        return target
    return write_read_only(target, lambda out: out.write(data))


def ledger_fields(root: Path, mail: "MailMessage") -> dict:
    """The message's ledger columns (mail_from, mail_from_name, mail_date, mail_message_id, mail_subject,
    mail_attachments), each attachment archived first: `mail_attachments` lists every attachment in message
    order — the main document (主件, `main`: true) and its 附件 — with where its copy is (`archive_path`,
    relative to the root; None for one that cannot be used, which stays inside the archived message). A
    message whose 公文 is its body lists no attachment."""
    fields = mail.ledger_fields()
    listed = []
    for attachment in mail.attachments:
        entry = attachment.to_dict()
        entry["main"] = attachment is mail.main
        entry["archive_path"] = (None if attachment.problem or not attachment.data
                                 else str(archive_bytes(root, attachment.data, attachment.name).relative_to(root)))
        listed.append(entry)
    fields["mail_attachments"] = json.dumps(listed, ensure_ascii=False)
    return fields


def review_fields(root: Path, review) -> dict:
    """Ledger columns a review adds beside the 公文's elements: the message's (ledger_fields, attachments
    archived) when the file was a mail message, and the OFD electronic seals — `seals` (how many) and
    `seals_unchanged` (1: every signed file's digest matches, 0: a file changed or missing; None: no seal)."""
    fields = ledger_fields(root, review.mail) if review.mail is not None else {}
    seals = review.seals or []
    if seals:
        fields["seals"] = len(seals)
        fields["seals_unchanged"] = int(all(s.get("unchanged") for s in seals))
    return fields


def message_fields(root: Path, data: bytes) -> dict:
    """For a file whose 公文 cannot be read: when it is a mail message that can still be unpacked, its ledger
    columns (sender, date, attachments archived), so the clerk sees who sent it and can open what came;
    otherwise {}."""
    from extractors import UnusableInput, detect_format

    try:
        if detect_format(data) != "eml":
            return {}
        from extractors.mail import unpack

        return ledger_fields(root, unpack(data))
    except UnusableInput:
        return {}
