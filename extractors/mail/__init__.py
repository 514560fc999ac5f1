"""The mail channel (邮件渠道): .eml messages and maildir folders → the 公文 inside and what came with it.

    unpack(data) -> MailMessage          one message: sender, recipients, subject, date, Message-ID, body,
                                         attachments (format from the bytes), the main document (主件)
    read_message(data) -> (MailMessage, Document)   the same, plus the main document read into the layout model
    list_maildir(folder) -> [MaildirMessage]         the messages of a maildir (new/ and cur/)
    looks_like_message(data) -> bool     detection from content (extractors/detect.py calls it)

How intake registers a message (登记; for pipelines/intake.py and ledger.py, to be wired by the lead):
  - one 收文 per message: an .eml file in inbox/mail/, or each message file of a maildir folder there.
    In `inbox_files`, beside the plain files:
        if channel == "mail" and is_maildir(path):
            found += [("mail", m.path) for m in list_maildir(path)]
    (tmp/ is skipped, a message is then received like any file: archived by sha256, moved to received/);
  - the archived original is the message's own bytes: every attachment can be taken out of it again at
    any time (`unpack(archived_bytes).attachments`), so nothing is lost. Where the clerk should see the
    files, write `mail.main` and `mail.annexes` beside the received .eml (`Attachment.name` is already a
    bare file name, no folders; `sha256` tells equal names apart);
  - record in the ledger `mail.ledger_fields()`: mail_from (the sender's address), mail_from_name,
    mail_date (aware, ISO 8601; `date_source` says Date or Received), mail_message_id (a message sent
    twice keeps its Message-ID), mail_subject, mail_attachments (JSON: name, format, size, sha256, problem);
  - the review needs nothing more: pipelines/review.py recognises the archived .eml by content, reviews
    `mail.main`, puts `mail.summary()` in the report as `mail` and returns it as `Review.mail`; the
    channel becomes `mail`. The OCR/text worker hint (pipelines/workers.kind_of) should look at
    `unpack(data).main.format` for a message (an image 公文 needs the OCR worker).
  An unusable message raises UnusableInput with a Chinese reason: quarantine it as any unreadable file.
"""
from __future__ import annotations

from ..errors import UnusableInput, technical
from ..layout import Document
from ..limits import PARSE_SECONDS, time_limit
from .maildir import MaildirMessage, is_maildir, list_maildir
from .parse import Address, Attachment, MailMessage, choose_main
from .parse import unpack as _unpack
from .sniff import looks_like_message

__all__ = ["read", "unpack", "read_message", "MailMessage", "Attachment", "Address", "choose_main", "list_maildir",
           "is_maildir", "MaildirMessage", "looks_like_message"]


def unpack(data: bytes) -> MailMessage:
    """One message (.eml bytes) → MailMessage, within PARSE_SECONDS; raises UnusableInput (Chinese reason).
    See extractors/mail/parse.py for the fields and `choose_main` for how the 公文 is chosen."""
    try:
        with time_limit(PARSE_SECONDS, "拆解邮件"):
            return _unpack(data)
    except UnusableInput:
        raise
    except Exception as exc:  # the email package on hostile input (HeaderParseError, …): a reason, not a traceback
        raise UnusableInput("邮件结构损坏，无法拆解", "corrupt", technical(exc)) from exc


def read_message(data: bytes) -> tuple[MailMessage, Document]:
    """The message and its main document read into the layout model, with the mail notes first in
    `Document.notes`; raises UnusableInput naming the attachment when the main document is unusable."""
    from .. import extract

    mail = unpack(data)
    main = mail.main
    if main.problem:
        raise UnusableInput(f"邮件中的公文附件“{main.name}”无法使用：{main.problem}", "corrupt")
    try:
        document = extract(main.data, main.format)
    except UnusableInput as exc:
        where = "邮件正文" if main.from_body else f"邮件中的公文附件“{main.name}”"
        raise UnusableInput(f"{where}无法处理：{exc.reason}", exc.code, exc.detail) from exc
    document.notes[:0] = mail.notes_zh()
    return mail, document


def read(data: bytes, fmt: str = "eml", ocr: bool = True) -> Document:
    """The registry's reader (extractors/formats.py): the message's main document (read_message)."""
    return read_message(data)[1]
