"""检索 at the desk: the index's hits with their ledger rows, as one actor may see them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..access import can_see, ledger_scope, require, search_filters
from ..actors import Actor, acting
from ..refusals import Action, DeskRefusal
from .common import known_channel
from .ledger_views import LEDGER_FIELDS


@dataclass
class Found:
    results: object  # index.Results: hits (id, number, title, score, snippet, fields), total, facets, notices
    rows: dict  # ledger id → ledger row, for every hit
    versions: dict  # ledger id → "（第2版，前版 收〔2026〕4号）" or ""

    @property
    def hits(self) -> list:
        return self.results.hits

    def record(self, hit) -> dict:
        """One JSON object of `shouwen search --json`: the ledger's fields, the hit's fields, score and snippet."""
        row = self.rows.get(hit.id) or {}
        return ({k: row.get(k) for k in LEDGER_FIELDS} | hit.fields
                | {"id": hit.id, "number": hit.number, "title": hit.title, "score": hit.score, "snippet": hit.snippet}
                | {"file": row.get("file")})


def search(office, query: str, *, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
           actor: Optional[Actor] = None, **filters: Optional[str]) -> Found:
    """Full-text search: every word required; filters issuer, doc_type, department, channel, verdict, status
    (indexed, or returned: 退文), urgency (exact values; None: any), received_from / received_to (收文日期);
    dates YYYY-MM-DD (成文日期); the results carry the total and the facets (index.FACETS; estimated past a
    threshold: results.approximate, results.total_zh says 约 …). At most `limit` hits (at least 1). Staff search their
    department only; a hit whose ledger row the actor may not see is left out (classified documents are never
    in the index at all). Raises QueryError (nothing searchable), IndexUnavailable, ValueError (a date not
    YYYY-MM-DD), DeskRefusal (an empty index while the ledger shows documents indexed; a department not the
    actor's)."""
    from ..filters import chosen
    from ..ledger_view import version_mark

    actor = acting(actor)
    require(actor, "read")
    parsed = SearchFilters(*(filters.get(k) for k in ("doc_type", "issuer", "department", "status", "channel",
                                                       "received_from", "received_to", "urgency")))
    known_channel(office, parsed.channel)  # (全部 or empty: no filter; an unknown status or channel: said)
    filters = {**filters, **parsed.index_filters(), "verdict": chosen(filters.get("verdict"))}
    scope = ledger_scope(actor)
    if scope.departments is not None:
        asked = filters.get("department")
        if asked is not None and asked not in scope.departments:
            raise DeskRefusal("forbidden", f"只能检索本部门（{'、'.join(scope.departments)}）的收文")
        filters["department"] = scope.departments[0]
    results = office.index.results(query, limit=max(1, limit), date_from=date_from, date_to=date_to, **filters)
    ledger = office.ledger
    if not results.hits:
        _refuse_an_empty_index(office)
    rows = {hit.id: ledger.get(hit.id) for hit in results.hits}
    seen = [hit for hit in results.hits if rows.get(hit.id) is None or can_see(actor, rows[hit.id])]
    if len(seen) < len(results.hits):  # the ledger's word over the index's (a row changed since it was indexed)
        results.hits[:] = seen
    return Found(results, {k: v for k, v in rows.items() if v and can_see(actor, v)},
                 {hit.id: version_mark(ledger, hit.id) for hit in results.hits})


def _refuse_an_empty_index(office) -> None:
    """DeskRefusal "index_empty" (its action: reindex) when the index holds nothing while the ledger shows
    documents indexed: a lost or emptied index must not answer 共 0 条 (the clerk would conclude nothing came)."""
    from ..search_sync import indexed_rows

    if office.index.count() > 0:
        return
    expected = len(indexed_rows(office.ledger))
    if expected:
        raise DeskRefusal("index_empty", f"检索库不存在或是空的，而登记簿中有 {expected} 件已入检索的收文；"
                                         f"请重建检索库（下一批也会自动补入）", Action("reindex", "重建检索库"))


# -- the search page (检索页): paged, with facets, for the web desk and its API --------------------------------------

SEARCH_MAX_HITS = 1000  # relevance paging reads the best page×size hits: past this the clerk narrows the query
URGENCIES = ("特急", "加急", "平急", "特提")  # 紧急程度 as GB/T 9704 7.2.3 and the offices write it


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search (None: any). doc_type 文种, issuer 来文单位, department 承办部门, status, channel:
    exact values (the index's facets); received_from / received_to 收文日期 (YYYY-MM-DD, both included);
    urgency 紧急程度 (exact: the index holds it since its schema 3)."""
    doc_type: Optional[str] = None
    issuer: Optional[str] = None
    department: Optional[str] = None
    status: Optional[str] = None
    channel: Optional[str] = None
    received_from: Optional[str] = None
    received_to: Optional[str] = None
    urgency: Optional[str] = None

    def __post_init__(self) -> None:
        """Empty or 全部: no filter (pipelines/filters.py); status and channel by code or Chinese name (the status
        one the index holds, else ValueError in Chinese)."""
        from index.base import STATUSES

        from ..dataroot import channel_code
        from ..filters import chosen, one_of
        from ..ledger import STATUS_ZH

        for name in ("doc_type", "issuer", "department", "received_from", "received_to", "urgency"):
            object.__setattr__(self, name, chosen(getattr(self, name)))
        object.__setattr__(self, "status", one_of(self.status, {s: STATUS_ZH[s] for s in STATUSES}, "状态"))
        object.__setattr__(self, "channel", channel_code(chosen(self.channel)))

    def index_filters(self) -> dict:
        return {k: getattr(self, k) for k in ("doc_type", "issuer", "department", "status", "channel", "urgency",
                                              "received_from", "received_to")}


@dataclass
class SearchHit:
    id: int
    number: str
    title: str
    snippet: str  # with 【】 around the matched words, as the index gives it (a face escapes it before marking)
    row: dict
    version: str  # "（第2版，前版 收〔2026〕4号）" or ""


@dataclass
class SearchPage:
    query: str
    hits: list
    total: int
    facets: dict  # {"doc_type": {"通知": 12}, …, "urgency": {"特急": 3}}: counts over every match
    notices: list
    page: int
    size: int
    order: str  # "relevance" | "date"
    filters: SearchFilters = SearchFilters()

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, SEARCH_MAX_HITS) // self.size))

    @property
    def capped(self) -> bool:
        """More matches than relevance paging reads (SEARCH_MAX_HITS)."""
        return self.total > SEARCH_MAX_HITS


def search_page(office, query: str, filters: SearchFilters = SearchFilters(), page: int = 1, size: int = 20,
                order: str = "relevance", *, actor: Optional[Actor] = None) -> SearchPage:
    """One page of hits for `query` under `filters`, with the total, the facet counts (文种, 来文单位, 承办部门,
    status, channel, 紧急程度) over every match and the index's notices (相近结果), as `actor` may see them: staff
    search their department only; classified and held documents are never in the index, and a hit whose ledger
    row the actor may not see is left out. order: "relevance" or "date" (newest 成文日期 first). Raises the
    index's QueryError / IndexUnavailable, ValueError (Chinese) for a bad date or order, DeskRefusal for a role
    that does not search or a department not the actor's."""
    actor = acting(actor)
    scope = search_filters(actor)
    if order not in ("relevance", "date"):
        raise ValueError(f"排序方式“{order}”无效（relevance 或 date）")
    known_channel(office, filters.channel)
    if scope.get("department") and filters.department not in (None, scope["department"]):
        raise DeskRefusal("forbidden", f"只能检索本部门（{scope['department']}）的收文")
    size = max(1, min(100, int(size)))
    page = max(1, min(int(page), SEARCH_MAX_HITS // size))
    narrowed = {**filters.index_filters(), **scope}
    results = office.index.results(query, limit=page * size, order=order, **narrowed)
    facets = dict(results.facets)
    shown = results.hits[(page - 1) * size:]
    rows, marks = _rows_and_versions(office, [hit.id for hit in shown], actor)
    hits = [SearchHit(hit.id, hit.number or rows[hit.id]["number"], hit.title or rows[hit.id]["title"] or rows[hit.id]["file"],
                      hit.snippet, rows[hit.id], marks.get(hit.id, ""))
            for hit in shown if hit.id in rows]  # the ledger's word over the index's: a row not seen is left out
    return SearchPage(query, hits, results.total, facets, list(results.notices), page, size, order, filters)


def _rows_and_versions(office, ids: list[int], actor: Actor) -> tuple[dict, dict]:
    """The ledger rows of `ids` that `actor` may see, and their version marks as ledger_view.version_mark writes
    them ("（第2版，前版 收〔2026〕4号；已有新版 收〔2026〕6号）", naming only versions the actor may see): three
    statements whatever the number of ids."""
    if not ids:
        return {}, {}
    db = office.ledger.store
    marks_in = ", ".join("?" * len(ids))
    rows = {r["id"]: r for r in db.query(f"SELECT * FROM documents WHERE id IN ({marks_in})", tuple(ids))
            if can_see(actor, r)}
    earlier_ids = sorted({r["revision_of"] for r in rows.values() if r.get("revision_of")})
    earlier = {r["id"]: r for r in db.query(
        f"SELECT id, number, status, department, route_source, secrecy FROM documents WHERE id IN"
        f" ({', '.join('?' * len(earlier_ids))})", tuple(earlier_ids))} if earlier_ids else {}
    newer: dict[int, list[str]] = {}
    for r in db.query(f"SELECT revision_of, number, status, department, route_source, secrecy FROM documents"
                      f" WHERE revision_of IN ({marks_in}) ORDER BY id", tuple(ids)):
        if can_see(actor, r):
            newer.setdefault(r["revision_of"], []).append(r["number"])
    marks = {}
    for doc_id, row in rows.items():
        parts = []
        before = earlier.get(row.get("revision_of"))
        if before is not None and can_see(actor, before):
            parts.append(f"第{row['revision']}版，前版 {before['number']}")
        if newer.get(doc_id):
            parts.append(f"已有新版 {'、'.join(newer[doc_id])}")
        marks[doc_id] = f"（{'；'.join(parts)}）" if parts else ""
    return rows, marks
