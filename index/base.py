"""The search interface every backend keeps (检索接口): SearchIndex, its hits, results and errors.

A document is a ledger id plus its title, text and filter fields (FIELDS). Classified documents (密级 绝密,
机密, 秘密) are refused by every backend: their text must never enter the shared index.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Iterator, Optional, Protocol, runtime_checkable

from extractors.secrecy import level_of

# exact-value filters: 来文单位, 文种, 承办部门, 来文渠道, 初审结论, 状态 (indexed 已入检索 / returned 退文), 紧急程度
FILTERS = ("issuer", "doc_type", "department", "channel", "verdict", "status", "urgency")
FIELDS = ("number", *FILTERS, "date", "received_at")  # what a document carries beside title and text
# the facets Results carries (what the web desk shows beside every search): the terms facets count each value,
# "received" (收文日期) counts the RECEIVED_RANGES
TERM_FACETS = ("doc_type", "issuer", "department", "status", "channel", "urgency")
FACETS = (*TERM_FACETS, "received")
FACET_SIZE = 50  # values kept per terms facet (the most frequent)
FACET_ZH = {"doc_type": "文种", "issuer": "来文单位", "department": "承办部门", "status": "状态", "channel": "来文渠道",
            "urgency": "紧急程度", "received": "收文日期"}
STATUSES = ("indexed", "returned")  # what the index's status holds: 已入检索 (分办), 退文
STATUS_ZH = {"indexed": "已入检索", "returned": "退文"}  # as the 登记簿 says them
# 收文日期 ranges, counted back from today (days, inclusive of today): label → days; "更早" is everything older
# than the longest. The counts are cumulative (近30日 includes 近7日), as a filter link would show them.
RECEIVED_RANGES = (("近7日", 7), ("近30日", 30), ("近一年", 365))
RECEIVED_OLDER = "一年以前"


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


class IndexDamaged(IndexUnavailable):
    """The index is there but damaged (a file overwritten or cut short, meta.json not the index's): found by the
    checks at opening (meta.json sanity, each file's checksum) or by a failure inside the engine during a query.
    str() is one Chinese line naming `shouwen reindex`; the detail (which file, what) is in .detail."""

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(DAMAGED_ZH)


DAMAGED_ZH = "检索库已损坏，请运行 shouwen reindex 重建（登记、初审、退文和分办不受影响）"


@dataclass
class Results:
    """hits: the best `limit`; total: every matching document, not only those returned; facets: FACETS name →
    {value: count} over every match (terms facets: the FACET_SIZE most frequent values; "received": the
    RECEIVED_RANGES labels and RECEIVED_OLDER). approximate: total and facets were counted on a sample of the
    matches (a query matching more than the backend counts exactly): estimates rounded to two significant
    figures, shown as "约 12,000 条"; a facet value rarer than the sample's step may be missing. Exact otherwise."""
    hits: list[Hit]
    total: int
    facets: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # Chinese: what of the query was left out
    approximate: bool = False

    @property
    def total_zh(self) -> str:
        """"共 12 条" or, estimated, "约 12,000 条"."""
        return f"约 {self.total:,} 条" if self.approximate else f"共 {self.total} 条"

    def count_zh(self, n: int) -> str:
        """A facet count as shown: "12" or, estimated, "约1,200"."""
        return f"约{n:,}" if self.approximate else str(n)


def rounded(n: float) -> int:
    """An estimate to two significant figures (12,345 → 12,000; 987 → 990; 0 stays 0)."""
    n = int(round(n))
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return int(round(n / step)) * step


def received_bounds(today: date) -> dict:
    """RECEIVED_RANGES as {label: (first day, last day)} (YYYY-MM-DD, inclusive; None: open) for `today`: the
    filter a facet link applies (results(received_from=…, received_to=…))."""
    out = {label: ((today - timedelta(days=days - 1)).isoformat(), None) for label, days in RECEIVED_RANGES}
    out[RECEIVED_OLDER] = (None, (today - timedelta(days=RECEIVED_RANGES[-1][1])).isoformat())
    return out


@runtime_checkable
class SearchIndex(Protocol):
    """What the batch, the CLI and the router use; tests/index/test_search_contract.py holds every backend to it."""

    name: str

    def add(self, doc_id: int, *, title: str, body: str, secrecy: Optional[str] = None, **fields) -> None:
        """Index or replace one document (visible to search on return). Classified: ClassifiedRefused.
        fields: FIELDS (others are ignored, so a caller may pass more than this backend keeps); status
        "indexed" unless given ("returned" for a 退文)."""

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
        filters: FILTERS names to exact values, received_from / received_to (收文日期); dates inclusive,
        YYYY-MM-DD (date_from / date_to: 成文日期)."""

    def results(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
                **filters) -> Results:
        """search() with the total count, FACETS over every match (exact, or estimated past a threshold:
        Results.approximate) and notices. facets=False / total=False skip them; today (a date) sets the
        收文日期 ranges (default: today); order "date": newest 成文日期 first (else best first)."""

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
