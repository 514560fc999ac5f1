"""The ledger's own tables (登记簿的表结构): one list of migration steps, written once, rendered per dialect.

LEDGER is the feature "ledger" (features.py): step n brings a database from schema version n-1 to n, on SQLite
and PostgreSQL alike (the placeholders {rowid}, {bigint}, {float}, {deferrable} are what differed). A new column
is one step appended here, never an edit of a shipped one. MIGRATIONS / POSTGRES_MIGRATIONS are the steps as
each dialect runs them (scripts of ";"-separated statements).

    documents        one row per received document (收文): 收文编号 (year, seq, number), the file, what the
                     初审 read, where it went, its state and version (compare-and-set)
    history          every state change and note of a document: status, at, note, actor (who: "batch", an
                     account's name, "cli:<os user>"; NULL in rows written before step 5)
    sequences        the last 收文编号 drawn per year
    same_document    the 发文字号 key and text a document claimed (pipelines/same_document.py)
    feature_versions the steps applied of each feature's own tables (features.py)
"""
from __future__ import annotations

from .features import Feature

LEDGER = Feature("ledger", steps=(
    # 1: the ledger, its history and the per-year sequence
    """
    CREATE TABLE sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
    CREATE TABLE documents (
        id {rowid},
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        received_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        archive_path TEXT NOT NULL,
        format TEXT, pages INTEGER,
        issuer TEXT, doc_number TEXT, doc_type TEXT, title TEXT, urgency TEXT, secrecy TEXT,
        verdict TEXT, findings TEXT,
        department TEXT, route_reason TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        UNIQUE (year, seq)
    );
    CREATE TABLE history (
        id {rowid},
        document_id {bigint} NOT NULL REFERENCES documents(id) {deferrable},
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX history_document ON history(document_id)
    """,
    # 2: how a document was routed (rule, classified, model, fallback, clerk) and what became of its return
    """
    ALTER TABLE documents ADD COLUMN route_source TEXT;
    ALTER TABLE documents ADD COLUMN route_confidence {float};
    ALTER TABLE documents ADD COLUMN return_state TEXT;
    ALTER TABLE documents ADD COLUMN return_path TEXT
    """,
    # 3: a version counter for compare-and-set (every change bumps it) and the file name's original bytes (hex)
    #    where the name was not valid UTF-8 (`file` then holds a display form)
    """
    ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN file_raw TEXT
    """,
    # 4: the mail channel (pipelines/mail_intake.py), the same 来文 twice (pipelines/same_document.py) and OFD
    #    electronic seals: the sender and date of a message and its attachments (JSON, each archived); the
    #    registration a copy is linked to (同一来文) or the one it is a new version of, with the text similarity;
    #    the number of electronic seals and whether all their signed files are unchanged (1/0, NULL: none)
    """
    ALTER TABLE documents ADD COLUMN mail_from TEXT;
    ALTER TABLE documents ADD COLUMN mail_from_name TEXT;
    ALTER TABLE documents ADD COLUMN mail_date TEXT;
    ALTER TABLE documents ADD COLUMN mail_message_id TEXT;
    ALTER TABLE documents ADD COLUMN mail_subject TEXT;
    ALTER TABLE documents ADD COLUMN mail_attachments TEXT;
    ALTER TABLE documents ADD COLUMN linked_to {bigint} REFERENCES documents(id) {deferrable};
    ALTER TABLE documents ADD COLUMN revision_of {bigint} REFERENCES documents(id) {deferrable};
    ALTER TABLE documents ADD COLUMN revision INTEGER;
    ALTER TABLE documents ADD COLUMN similarity {float};
    ALTER TABLE documents ADD COLUMN seals INTEGER;
    ALTER TABLE documents ADD COLUMN seals_unchanged INTEGER;
    CREATE TABLE same_document (
        document_id {bigint} PRIMARY KEY REFERENCES documents(id) {deferrable},
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        claimed INTEGER NOT NULL
    );
    CREATE INDEX same_document_key ON same_document(key);
    CREATE INDEX same_document_claimed ON same_document(claimed)
    """,
    # 5: who made each change (history.actor) and the steps applied of each feature's own tables
    """
    ALTER TABLE history ADD COLUMN actor TEXT;
    CREATE TABLE feature_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)
    """,
    # 6: what a page of the 登记簿 filters and joins on (ledger.page): status, departments, 收文日期, and the
    #    later versions / copies of a registration (a PostgreSQL ledger made before this step has
    #    documents_status already: its step 1 made it)
    """
    CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
    CREATE INDEX documents_department ON documents(department);
    CREATE INDEX documents_received_at ON documents(received_at);
    CREATE INDEX documents_linked_to ON documents(linked_to);
    CREATE INDEX documents_revision_of ON documents(revision_of)
    """,
    # 7: a department's documents in one state (a 承办部门's returned or routed ones) found by one index:
    #    department alone is its prefix, so step 6's documents_department goes
    """
    CREATE INDEX documents_department_status ON documents(department, status);
    DROP INDEX documents_department
    """,
    # 8: a page of the 登记簿 filtered by status, 承办部门 or 来文单位, in 收文编号 order (either way): the filter's
    #    equality and the order in one index, so the page and its bounded count (query.count) read only the rows
    #    they show or count, never a sort of everything that matches; status alone is the new index's prefix,
    #    so documents_status goes. The rows whose 收文编号 year is not the year of their received_at (none where
    #    register() drew the number; a rebuilt ledger may have some) in a partial index: query.years_follow_dates
    #    asks it before a 收文日期 range is also taken as a range of years
    """
    CREATE INDEX IF NOT EXISTS documents_status_number ON documents(status, year, seq);
    CREATE INDEX IF NOT EXISTS documents_department_number ON documents(department, year, seq);
    CREATE INDEX IF NOT EXISTS documents_issuer_number ON documents(issuer, year, seq);
    CREATE INDEX IF NOT EXISTS documents_year_unlike_received ON documents(id)
        WHERE CAST(year AS TEXT) <> substr(received_at, 1, 4);
    DROP INDEX IF EXISTS documents_status
    """,
))

MIGRATIONS = [";\n".join(step) for step in LEDGER.rendered("sqlite")]  # as SQLite runs them
POSTGRES_MIGRATIONS = [";\n".join(step) for step in LEDGER.rendered("postgresql")]  # as PostgreSQL runs them
SCHEMA_VERSION = len(LEDGER.steps)

TABLES = ("documents", "history", "sequences", "same_document")  # what a whole-ledger copy carries (shouwen migrate)
TABLE_KEYS = {"documents": "id", "history": "id", "sequences": "year", "same_document": "document_id"}  # paging order


def table(name: str) -> str:
    """`name` when it is one of TABLES or a known feature's table (features.known_tables), else ValueError
    (Chinese): table names are never taken from outside."""
    from .features import known_tables

    if name not in TABLES and name not in known_tables():
        raise ValueError(f"登记簿没有这张表：{name}")
    return name
