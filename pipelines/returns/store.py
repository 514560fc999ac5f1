"""The tables of 退文's delivery beside the 登记簿 (seam S1: Features whose steps the ledger applies).

DELIVERY
    return_sequences    the last 退文 number drawn per year (退〔2026〕N号: N)
    return_notices      every notice the office issued: the document (documents.id), kind (return 退文通知单,
                        resend 重发, withdrawal 撤回通知), round (0; the N-th 重发), its number (year, seq, as
                        written), issued_at, the docx and PDF (paths relative to the data root), the withdrawal's
                        reason, its words as the text of a mail (text), who issued it (actor)
    deliveries          one per thing to deliver (a notice, or a reply that `send_reply` sends; document_id NULL
                        for a reply to something not in the 登记簿): `key` (notice:<id>,
                        reply:<document>:<digest>), channel (reply 回复原邮件, mail 通讯录地址, manual 待送达),
                        recipient, subject, body, attachments (JSON, a reply's files), the Message-ID generated once
                        (every attempt sends the same one), In-Reply-To / References of a reply, state (STATES in
                        delivery.py), attempts, next_attempt_at (UTC ISO 8601: a back-off's end), claimed_at (when
                        an attempt began: before the SMTP transaction), the server's last answer, sent_at
    delivery_addresses  the address book the clerk keeps: 来文单位 → address (beside [returns.addresses])

MAILBOX
    mailbox_messages    every message taken from the office mailbox: account (user@host:port), folder,
                        UIDVALIDITY and UID (the pair names one message for ever), the .eml written into
                        inbox/mail/, and whether it was moved to the processed folder (or flagged) on the server

`tables(office)` / `mailbox_tables(office)`: seam S1's store on this thread's ledger connection, the steps
applied once per connection. Times are ISO 8601 text; those compared in SQL (next_attempt_at, claimed_at) are
UTC so that text order is time order.
"""
from __future__ import annotations

from ..ledger.features import Feature

DELIVERY = Feature("delivery", steps=(
    """CREATE TABLE return_sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
    CREATE TABLE return_notices (
        id {id},
        document_id {bigint} NOT NULL REFERENCES documents(id) {deferrable},
        kind TEXT NOT NULL,
        round INTEGER NOT NULL,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        issued_at TEXT NOT NULL,
        path TEXT NOT NULL,
        pdf_path TEXT,
        reason TEXT,
        text TEXT NOT NULL,
        actor TEXT NOT NULL,
        UNIQUE (document_id, kind, round),
        UNIQUE (year, seq)
    );
    CREATE TABLE deliveries (
        id {id},
        document_id {bigint} REFERENCES documents(id) {deferrable},
        notice_id {bigint} REFERENCES return_notices(id) {deferrable},
        key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        recipient TEXT,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        attachments TEXT NOT NULL,
        message_id TEXT NOT NULL UNIQUE,
        in_reply_to TEXT,
        reference_ids TEXT,
        state TEXT NOT NULL,
        note TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        claimed_at TEXT,
        last_answer TEXT,
        sent_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        actor TEXT NOT NULL
    );
    CREATE INDEX deliveries_state ON deliveries(state, next_attempt_at);
    CREATE INDEX deliveries_document ON deliveries(document_id);
    CREATE INDEX return_notices_document ON return_notices(document_id);
    CREATE TABLE delivery_addresses (
        id {id},
        issuer TEXT NOT NULL,
        address TEXT NOT NULL,
        added_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        UNIQUE (issuer, address)
    )""",
))

MAILBOX = Feature("mailbox", steps=(
    """CREATE TABLE mailbox_messages (
        id {id},
        account TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity {bigint} NOT NULL,
        uid {bigint} NOT NULL,
        file TEXT NOT NULL,
        message_id TEXT,
        size {bigint},
        fetched_at TEXT NOT NULL,
        settled INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, folder, uidvalidity, uid)
    )""",
))


def tables(office):
    """The store of this thread's ledger connection with the delivery tables made (ledger.ensure: once)."""
    office.ledger.ensure(DELIVERY)
    return office.ledger.store


def mailbox_tables(office):
    """The store with the mailbox table made."""
    office.ledger.ensure(MAILBOX)
    return office.ledger.store
