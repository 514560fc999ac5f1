"""The search interface every backend keeps (检索接口): SearchIndex, its hits, results and errors.

A document is a ledger id plus its title, text and filter fields (FIELDS). Classified documents (密级 绝密,
机密, 秘密) are refused by every backend: their text must never enter the shared index.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Protocol, runtime_checkable

from extractors.secrecy import level_of

FILTERS = ("issuer", "doc_type", "department", "channel", "verdict", "status")  # exact-value filters and facets
FIELDS = ("number", *FILTERS, "date", "received_at")  # what a document carries beside title and text
FACETS = ("doc_type", "issuer", "department", "status", "channel")
# filters results() and search() also take, beside FILTERS: received_from / received_to (收文日期, YYYY-MM-DD, both
# days included: the office's local date at the head of received_at) and ids (only these ledger ids: what the
# ledger alone knows, e.g. 紧急程度, narrows the search; an empty list matches nothing)
NARROWING = ("received_from", "received_to", "ids")


def day_range_pattern(day_from: Optional[str], day_to: Optional[str]) -> str:
    """A regular expression matching exactly the YYYY-MM-DD strings from day_from to day_to (both included;
    None: unbounded), for a range over a text field that holds ISO times (received_at). ValueError (Chinese)
    for a day not written YYYY-MM-DD."""
    import re

    for day in (day_from, day_to):
        if day is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(day)):
            raise ValueError("日期格式应为 YYYY-MM-DD")
    low, high = day_from or "0000-01-01", day_to or "9999-12-31"
    if low > high:
        return "(?!)"  # an empty range: nothing

    def fill(text: str, digit: str) -> str:
        return "".join(digit if c.isdigit() else c for c in text)

    def between(lo: str, hi: str) -> str:
        if lo == hi:  # digits and dashes only (checked above): nothing to escape
            return lo
        if lo[0] == hi[0]:
            return lo[0] + between(lo[1:], hi[1:])
        rest = lo[1:]
        parts = [lo[0] + "(?:" + between(rest, fill(rest, "9")) + ")"]
        if int(hi[0]) - int(lo[0]) > 1:
            parts.append(f"[{int(lo[0]) + 1}-{int(hi[0]) - 1}]" + "".join("[0-9]" if c.isdigit() else c for c in rest))
        parts.append(hi[0] + "(?:" + between(fill(rest, "0"), hi[1:]) + ")")
        return "(?:" + "|".join(parts) + ")"

    return between(low, high)


class ClassifiedRefused(ValueError):
    """A classified document was offered to the shared index."""


class IndexUnavailable(RuntimeError):
    """The search service cannot be reached or the index cannot be opened; str() is Chinese for the clerk."""


def is_classified(secrecy: Optional[str]) -> bool:
    """True for a 密级 of 绝密/机密/秘密 in any written form (`机　密★1年`, `密级：机密`, `【秘密】`):
    extractors.secrecy.level_of, the reader the parser and the batch use."""
    return level_of(secrecy) is not None


def refuse_classified(secrecy: Optional[str]) -> None:
    """Raise ClassifiedRefused for a 密级 of 绝密/机密/秘密 (with or without ★ and a term)."""
    if is_classified(secrecy):
        raise ClassifiedRefused("涉密公文不进入共享检索")


@dataclass
class Doc:
    """One document as the index receives it."""
    id: int
    title: str
    body: str
    fields: dict = field(default_factory=dict)  # FIELDS; others are ignored
    secrecy: Optional[str] = None


@dataclass
class Hit:
    id: int
    number: Optional[str]
    title: Optional[str]
    score: float
    snippet: str
    fields: dict = field(default_factory=dict)


@dataclass
class Results:
    hits: list[Hit]
    total: int  # every matching document, not only those returned
    facets: dict = field(default_factory=dict)  # {"doc_type": {"通知": 12, ...}, ...} over all matches
    notices: list[str] = field(default_factory=list)  # Chinese: what of the query was left out


@runtime_checkable
class SearchIndex(Protocol):
    """What the batch, the CLI and the router use; tests/test_search_contract.py holds every backend to it."""

    name: str

    def add(self, doc_id: int, *, title: str, body: str, secrecy: Optional[str] = None, **fields) -> None:
        """Index or replace one document (visible to search on return). Classified: ClassifiedRefused."""

    def add_many(self, docs: Iterable[Doc], progress=None) -> int:
        """Index or replace many documents in bulk; classified ones are skipped. Returns how many went in."""

    def update(self, doc_id: int, **fields) -> None:
        """Change filter fields (FILTERS) of an indexed document, e.g. the 承办部门 after 改办."""

    def remove(self, doc_id: int) -> None: ...

    def count(self) -> int: ...

    def ids(self) -> set[int]:
        """The ids of every indexed document (for catch-up against the ledger)."""

    def stored_texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """{id: (title, text)} of those ids that are indexed (the routing model trains on them)."""

    def search(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
               **filters) -> list[Hit]:
        """Best hits first. query: see analysis.parse_query (QueryError, Chinese, for nothing searchable);
        filters: FILTERS names to exact values; dates inclusive, YYYY-MM-DD."""

    def results(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
                order: str = "relevance", **filters) -> Results:
        """search() with the total count, facets over every match and notices; order "date": newest 成文日期 first."""

    def rebuild(self, docs: Iterable[Doc], progress=None) -> int:
        """Replace the whole index with these documents, atomically for searchers (old index until done)."""

    def close(self) -> None: ...


def iter_batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
