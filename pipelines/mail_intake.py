"""The mail inbox (邮件收文): .eml files and maildir folders in inbox/mail/, one 收文 per message.

  * an .eml file is received like any file (archived by sha256, moved to received/mail/);
  * a maildir folder (cur/, new/, tmp/) in inbox/mail/: each message in new/ and cur/ is one arrival,
    taken once (sha256: the same message again is a duplicate), and moved to received/mail/ like every
    inbox file — the clerk's received/ folder is where taken-in mail is, and a message left in the maildir
    would be offered again every batch. The folder and its cur/ new/ tmp/ stay, so the mail fetcher
    (getmail, fetchmail, an MDA) keeps delivering into it; tmp/ (messages still being written) is never read.
  * the archived message is the original; each of its attachments is also archived content-addressed
    (archive/ab/cd/<sha256><ext>, read-only) so the clerk can open it, and listed in the ledger
    (`mail_attachments`, JSON: name, format, size, sha256, archive_path, problem) with the sender's address
    and name, the message date, Message-ID and subject (ledger columns mail_*).
  * the review of a message reviews its main document (pipelines/review.py); a message with no document
    attachment is reviewed with its body as a text 公文 (extractors/mail).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractors.mail import MailMessage

    from .intake import Arrival


def maildir_arrivals(channel: str, folder: bytes) -> tuple[list["Arrival"], list[tuple["Arrival", str]]]:
    """The messages of the maildir at `folder` (bytes path, in inbox/mail/) as arrivals, oldest first by
    their maildir name; each arrival's name is "<maildir>-<message key>.eml" (what the ledger shows as the
    file). Hidden files are skipped. Returns (arrivals, refused): symbolic links are refused unread with their
    reason — a message file that is a link, and a new/ or cur/ that is a link (nothing in it is read:
    it may be outside the data root) — so the batch quarantines them and says so (extractors.mail.list_maildir)."""
    from extractors.mail import list_maildir

    from .intake import REASON_FOLDER_LINK, REASON_SYMLINK, Arrival, display_name

    out, refused = [], []
    box, _ = display_name(os.path.basename(folder))
    links: list[Path] = []
    for message in list_maildir(Path(os.fsdecode(folder)), links):
        try:
            st = os.lstat(message.path)
        except FileNotFoundError:
            continue
        key, raw_hex = display_name(os.fsencode(message.key))
        out.append(Arrival(channel, os.fsencode(message.path), f"{box}-{key}.eml", raw_hex, st))
    for link in links:
        try:
            st = os.lstat(link)
        except FileNotFoundError:
            continue
        is_folder = link.parent == Path(os.fsdecode(folder))  # new/ or cur/ itself
        shown = display_name(os.fsencode(link.name))[0]
        name = f"{box}/{shown}" if is_folder else f"{box}/{link.parent.name}/{shown}"
        refused.append((Arrival(channel, os.fsencode(link), name, None, st, folder_link=is_folder),
                        REASON_FOLDER_LINK if is_folder else REASON_SYMLINK))
    return out, refused


def is_maildir_entry(channel: str, path: bytes) -> bool:
    """A folder in inbox/mail/ that is a maildir (taken message by message, not quarantined as a folder)."""
    if channel != "mail":
        return False
    from extractors.mail import is_maildir

    return is_maildir(Path(os.fsdecode(path)))


def archive_bytes(root: Path, data: bytes, name: str) -> Path:
    """Keep `data` in the archive as archive/ab/cd/<sha256><ext of name> (temporary, fsync, read-only, rename);
    an existing copy is left untouched. Returns the path."""
    import hashlib

    from .intake import _suffix, write_read_only

    sha256 = hashlib.sha256(data).hexdigest()
    target = root / "archive" / sha256[:2] / sha256[2:4] / f"{sha256}{_suffix(name)}"
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
