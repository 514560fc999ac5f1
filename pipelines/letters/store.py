"""来信's own tables beside the 登记簿 (seam S1: a Feature whose steps the ledger applies, SQL through `store`).

    documents.kind      "letter" for a 来信 (NULL or "document": a 公文) — the ledger row says what it is, so
                        that every reader of a row (handling's deadlines and 答复, the ledger views) can tell
    letters             one row per 来信: its own number (信〔2026〕N号: prefix, year, seq), the writer, contact
                        (telephone / mail address), address, channel (市长信箱, 12345 …), subject, category
                        (受理范围: proposed / corrected by the clerk: category_source), 转出 (where and why),
                        the answer's text and when it was sent back
    letter_sequences    the last letter number drawn per year
    letter_corrections  the clerk's category corrections with the words they were made on (learned from)

Note (a deviation from seam S1, said in the report): step 1 adds a column to the ledger's own `documents` table,
as a feature step, so that the ledger schema (owned by branch ledger) is not edited here.
"""
from __future__ import annotations

from ..ledger.features import Feature

LETTERS = Feature("letters", steps=(
    """ALTER TABLE documents ADD COLUMN kind TEXT;
    CREATE TABLE letters (
        document_id {bigint} PRIMARY KEY REFERENCES documents(id) {deferrable},
        letter_number TEXT NOT NULL UNIQUE,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        writer TEXT,
        contact TEXT,
        address TEXT,
        channel TEXT NOT NULL,
        subject TEXT,
        category TEXT,
        category_source TEXT,
        transferred_to TEXT,
        transfer_reason TEXT,
        answer TEXT,
        answered_at TEXT,
        reply_path TEXT,
        UNIQUE (year, seq)
    );
    CREATE TABLE letter_sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
    CREATE TABLE letter_corrections (
        id {id},
        document_id {bigint} NOT NULL,
        category TEXT NOT NULL,
        words TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL
    )""",
))


def tables(office):
    """The SQL store of this thread's ledger connection, with the letters' tables made (once per connection)."""
    ledger = office.ledger
    if not getattr(ledger, "_letters_ensured", False):
        ledger.ensure(LETTERS)
        ledger._letters_ensured = True
    return ledger.store


def present(office) -> bool:
    """Whether this ledger has the letters' tables (a letter was ever taken in): read-only callers (the monthly
    report) ask first rather than create them — creating alters `documents`, a write a report must not make."""
    ledger = office.ledger
    if getattr(ledger, "_letters_ensured", False):
        return True
    try:
        found = ledger.store.one("SELECT version FROM feature_versions WHERE name = ?", ("letters",))
    except Exception:  # an older ledger without feature_versions
        return False
    return bool(found)
