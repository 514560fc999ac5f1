"""Is this a mail message? From the bytes: RFC 5322 header fields at the very start (邮件识别)."""
from __future__ import annotations

import re

# field-name: printable US-ASCII except ':' (RFC 5322 3.6.8); obsolete syntax allows blanks before the colon.
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
# Fields only a message carries (a text that happens to start "Subject:" is not enough).
MAIL_FIELDS = {b"from", b"received", b"mime-version", b"return-path", b"delivered-to", b"message-id",
               b"x-mailer", b"x-original-to", b"dkim-signature", b"x-received", b"authentication-results"}
WINDOW = 64 * 1024


def looks_like_message(data: bytes) -> bool:
    """True when `data` opens with a block of at least two header fields, one of them a mail field
    (From, Received, MIME-Version, Return-Path, Delivered-To, Message-ID, X-Mailer, …); an mbox
    "From " line and a UTF-8 BOM before it are allowed. Reads at most the first 64 KiB."""
    head = data[:WINDOW]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(b"From "):  # mbox separator line of a message saved from a mailbox
        head = head.split(b"\n", 1)[1] if b"\n" in head else b""
    lines = head.split(b"\n")
    if len(data) > WINDOW:
        lines = lines[:-1]  # the last one may be cut
    fields, mail_field = 0, False
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not fields:
                return False
            continue
        match = _FIELD.match(line)
        if not match:
            return False
        fields += 1
        mail_field = mail_field or match.group(0).rstrip(b": \t").lower() in MAIL_FIELDS
    return fields >= 2 and mail_field
