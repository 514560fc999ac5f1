"""SQLite FTS5 as a peer in the search benchmark (bench-only: the product dropped it, docs/architecture/search.md).

It is fed the very same analysis as the Tantivy index (index/analysis.py: bigrams with positions, the title
also in the text's column, single units, jieba words), so the figures compare the engines, not the cutting:
each part of a query is a phrase of its bigrams, all parts required, ranked by FTS5's bm25 with the title
column three times the text; filters and dates are columns of a plain table joined by rowid.
"""
from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from index.analysis import analyse, parse_query, snippet
from index.base import FACET_SIZE, FILTERS, TERM_FACETS, Doc, iter_batches, received_bounds

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT, number TEXT, issuer TEXT,
    doc_type TEXT, department TEXT, channel TEXT, verdict TEXT, status TEXT, urgency TEXT, date TEXT, received TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title_bi, body_bi, units, words,
    tokenize = "unicode61 tokenchars '_'", content = '', detail = full);
"""
COLUMNS = ("number", "issuer", "doc_type", "department", "channel", "verdict", "status", "urgency", "date")


@dataclass
class PeerHit:
    id: int
    title: str
    score: float
    snippet: str


@dataclass
class PeerResults:
    hits: list
    total: int
    facets: dict = field(default_factory=dict)


def _analyse(pair):
    return analyse(*pair)


class Fts5Peer:
    name = "sqlite-fts5"

    def __init__(self, root: Path):
        Path(root).mkdir(parents=True, exist_ok=True)
        self.path = Path(root) / "fts5-peer.sqlite3"
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)

    def add_many(self, docs: Iterable[Doc], progress=None, commit_every: int = 10_000, workers: int = 1) -> int:
        n = 0
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
        try:
            for chunk in iter_batches(docs, commit_every):
                pairs = [(d.title, d.body) for d in chunk]
                analysed = pool.map(_analyse, pairs, chunksize=64) if pool else list(map(_analyse, pairs))
                self.conn.execute("BEGIN")
                self.conn.executemany(
                    "INSERT OR REPLACE INTO docs(id, title, body, received, " + ", ".join(COLUMNS) + ") VALUES (?, ?, ?, ?, "
                    + ", ".join("?" * len(COLUMNS)) + ")",
                    [(d.id, d.title, d.body, (d.fields.get("received_at") or "")[:10] or None,
                      *(d.fields.get(k) for k in COLUMNS)) for d in chunk])
                self.conn.executemany("INSERT INTO fts(rowid, title_bi, body_bi, units, words) VALUES (?, ?, ?, ?, ?)",
                                      [(d.id, *a) for d, a in zip(chunk, analysed)])
                self.conn.execute("COMMIT")
                n += len(chunk)
                if progress:
                    progress(n)
        finally:
            if pool:
                pool.close()
                pool.join()
        self.conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")  # one b-tree per term: faster queries
        return n

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM docs").fetchone()[0]

    def _where(self, query: str, date_from, date_to, filters) -> tuple[str, list, list]:
        parsed = parse_query(query)
        phrases = []
        for part in parsed.parts:
            if len(part.units) == 1:
                phrases.append('units : "' + part.units[0] + '"')
            else:
                phrases.append('body_bi : "' + " ".join(part.grams) + '"')
        where, params = ["fts MATCH ?"], [" AND ".join(phrases)]
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
        return " AND ".join(where), params, parsed.parts

    def search(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
               **filters) -> list[PeerHit]:
        where, params, parts = self._where(query, date_from, date_to, filters)
        # rank inside FTS first, then join only the winners' rows (issue 12: halves the time)
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.body, bm25(fts, 3.0, 1.0, 1.0, 1.0) AS score FROM fts JOIN docs d ON d.id = fts.rowid "
            f"WHERE {where} ORDER BY score LIMIT ?", (*params, limit)).fetchall()
        return [PeerHit(i, t, round(-s, 4), snippet(t, b, parts)) for i, t, b, s in rows]

    def results(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
                today: Optional[date] = None, **filters) -> PeerResults:
        """Every count exact (FACETS as the index's Results carry them): what Tantivy's estimate is compared to."""
        hits = self.search(query, limit, date_from, date_to, **filters)
        where, params, _ = self._where(query, date_from, date_to, filters)
        total = self.conn.execute(f"SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where}",
                                  params).fetchone()[0]
        facets = {name: dict(self.conn.execute(
            f"SELECT d.{name}, count(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where} AND d.{name} IS NOT NULL "
            f"GROUP BY d.{name} ORDER BY count(*) DESC LIMIT {FACET_SIZE}", params).fetchall()) for name in TERM_FACETS}
        bounds = received_bounds(today or date.today())
        counts = self.conn.execute("SELECT " + ", ".join(
            f"sum(d.received >= '{first}')" if first else f"sum(d.received <= '{last}')" for first, last in bounds.values())
            + f" FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where}", params).fetchone()
        facets["received"] = {label: n for label, n in zip(bounds, counts) if n}
        return PeerResults(hits, total, facets)

    def close(self) -> None:
        self.conn.close()
