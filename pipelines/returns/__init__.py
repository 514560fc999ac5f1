"""退文 (returns): the 退文通知单 an office issues to a sender, and its delivery — a package of small modules:

    notice.py       what the notices say: the fields of the templates, the signatory ([office], [returns])
    render.py       the templates (docxtpl; shipped in templates/, the office's own under the data root) → docx,
                    and docx → PDF (LibreOffice, sandboxed: extractors/convert.py)
    issue.py        issuing: each notice its own number (退〔2026〕N号, [returns] number_format) in one transaction
                    with the ledger's change; the 重发 and the 撤回通知; their files in outbox/ and withdrawn/
    store.py        the Features' tables (seam S1): the sequence, the notices, the deliveries, the address book,
                    the mailbox's messages taken
    addresses.py    where a notice goes: the reply to a mail, the address book, addresses offered from before
    smtp.py         the office's SMTP server: STARTTLS or implicit TLS, an account; SendFailed with its answer
    delivery.py     送达: queued, sent once (one Message-ID; claimed before, recorded after), retried with
                    back-off, 待送达 for the clerk; `send_reply` for any part that answers a sender by mail
    mailbox.py      the office mailbox (IMAP over TLS) as a channel: each message once into inbox/mail/
    subscribers.py  seam S4: RETURNED / RETURN_RESENT / RETURN_WITHDRAWN → issue and deliver

Importing this package imports none of them (the batch's workers import issue.py through disposition.py; the
desk and the CLI what they use). `write_return` renders a notice outside the ledger (tools, tests).
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Optional

from ..dataroot import sender_folder

__all__ = ["set_fonts", "sender_folder", "write_return", "Signatory", "Office", "send_reply"]


def __getattr__(name: str):
    if name in ("Signatory", "Office"):  # Office: the name it had before the package
        from .notice import Signatory

        return Signatory
    if name == "send_reply":
        from .delivery import send_reply

        return send_reply
    if name == "set_fonts":  # python-docx: never needed by the batch's own process, which reaches this package
        from .docx_fonts import set_fonts  # for 送达 and 收取邮件 (issue 21)

        return set_fonts
    raise AttributeError(name)


def write_return(outbox: Path, number: str, received_at: str, report: dict, office=None, *,
                 notice_number: str = "（未编号）", issued_at: Optional[str] = None) -> Path:
    """The 退文通知单 of `report` as a docx in outbox/<sender>/<number>-退文通知单.docx, outside the ledger: not
    numbered in the office's sequence (notice_number is printed as given) nor recorded. office: a
    notice.Signatory (default: this process's configuration's). Returns the path."""
    from datetime import datetime

    from ..config import current
    from .notice import return_context, signatory
    from .render import RETURN_TEMPLATE, render

    config = current()
    who = office if office is not None else signatory(config)
    issued_at = issued_at or datetime.now().astimezone().isoformat(timespec="seconds")
    context = return_context(report, number, received_at, who, notice_number, issued_at)
    folder = Path(outbox) / sender_folder(report["document"].get("issuer"))
    path, _ = render(SimpleNamespace(root=Path(outbox).parent, config=config), RETURN_TEMPLATE, context,
                     folder / f"{number}-退文通知单.docx")
    return path
