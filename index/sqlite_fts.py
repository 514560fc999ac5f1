"""The embedded search index (检索): SQLite FTS5 over CJK bigrams.

Chinese has no spaces, so text is indexed as overlapping character pairs (贵阳市 → 贵阳 阳市) and Latin words
as themselves; a query is cut the same way and searched as a phrase, so any word or phrase of two or more
characters is found, wherever it stands. Ranking is FTS5's bm25; snippets are cut from the original text
with the match marked 【】. Filters are plain columns. Classified documents are refused here as well as by
the batch: their text must never enter the shared index.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{CJK}]+|[A-Za-z0-9]+")
CLASSIFIED = ("绝密", "机密", "秘密")
FILTERS = ("issuer", "doc_type", "department", "channel", "verdict", "status")

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,             -- the ledger's document id
    number TEXT, title TEXT, body TEXT, issuer TEXT, doc_type TEXT, department TEXT,
    channel TEXT, verdict TEXT, status TEXT, date TEXT, received_at TEXT
);
CREATE INDEX IF NOT EXISTS docs_date ON docs(date);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');
"""


def tokens(text: str) -> list[str]:
    """CJK runs as overlapping bigrams (a lone character as itself), Latin words and numbers lower-cased."""
    out = []
    for run in _RUN.findall(text or ""):
        if re.match(rf"[{CJK}]", run):
            out.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
        else:
            out.append(run.lower())
    return out


def match_expression(query: str) -> Optional[str]:
    """The FTS5 query for a user's words: each space-separated word a phrase of its bigrams, all required."""
    phrases = []
    for word in query.split():
        toks = tokens(word)
        if toks:
            phrases.append('"' + " ".join(t.replace('"', "") for t in toks) + '"')
    return " AND ".join(phrases) or None


@dataclass
class Hit:
    id: int
    number: Optional[str]
    title: Optional[str]
    score: float
    snippet: str
    fields: dict = field(default_factory=dict)


class SqliteIndex:
    """Search backend in one SQLite file (it may be the ledger's own database)."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(Path(path), timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def add(self, doc_id: int, *, title: str, body: str, secrecy: Optional[str] = None, **fields) -> None:
        """Index (or re-index) one document. A classified one is refused: ValueError."""
        if secrecy and secrecy[:2] in CLASSIFIED:
            raise ValueError("涉密公文不进入共享检索")
        values = {k: fields.get(k) for k in ("number", "issuer", "doc_type", "department", "channel", "verdict", "status",
                                             "date", "received_at")}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM fts WHERE rowid = ?", (doc_id,))
            self.conn.execute(
                "INSERT OR REPLACE INTO docs(id, title, body, " + ", ".join(values) + ") VALUES (?, ?, ?, "
                + ", ".join("?" * len(values)) + ")", (doc_id, title, body, *values.values()))
            self.conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                              (doc_id, " ".join(tokens(title)), " ".join(tokens(body))))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def update(self, doc_id: int, **fields) -> None:
        """Change filter fields of an indexed document (a clerk's 改办 changes its department)."""
        for name, value in fields.items():
            if name not in FILTERS:
                raise ValueError(f"unknown field {name}")
            self.conn.execute(f"UPDATE docs SET {name} = ? WHERE id = ?", (value, doc_id))

    def remove(self, doc_id: int) -> None:
        self.conn.execute("DELETE FROM fts WHERE rowid = ?", (doc_id,))
        self.conn.execute("DELETE FROM docs WHERE id = ?", (doc_id,))

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
               **filters) -> list[Hit]:
        expression = match_expression(query)
        if expression is None:
            return []
        where, params = ["fts MATCH ?"], [expression]
        for name, value in filters.items():
            if value is not None:
                if name not in FILTERS:
                    raise ValueError(f"unknown filter {name}")
                where.append(f"d.{name} = ?")
                params.append(value)
        if date_from:
            where.append("d.date >= ?")
            params.append(date_from)
        if date_to:
            where.append("d.date <= ?")
            params.append(date_to)
        # the title weighs three times the body in bm25 (lower is better in SQLite's bm25)
        rows = self.conn.execute(
            "SELECT d.*, bm25(fts, 3.0, 1.0) AS score FROM fts JOIN docs d ON d.id = fts.rowid WHERE "
            + " AND ".join(where) + " ORDER BY score LIMIT ?", (*params, limit)).fetchall()
        return [Hit(id=r["id"], number=r["number"], title=r["title"], score=round(-r["score"], 4),
                    snippet=snippet(r["title"] + "\n" + (r["body"] or ""), query),
                    fields={k: r[k] for k in FILTERS + ("date", "received_at")}) for r in rows]


def snippet(text: str, query: str, width: int = 30) -> str:
    """The first place a query word occurs, with 【】 around it and some text either side."""
    flat = re.sub(r"\s+", " ", text)
    for word in query.split():
        at = flat.find(word)
        if at >= 0:
            start, end = max(0, at - width), min(len(flat), at + len(word) + width)
            return ("…" if start else "") + flat[start:at] + "【" + word + "】" + flat[at + len(word):end] + ("…" if end < len(flat) else "")
    return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")
