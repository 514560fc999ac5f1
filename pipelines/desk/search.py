"""检索 at the desk: the index's hits with their ledger rows, as one actor may see them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..access import can_see, ledger_scope, require
from ..actors import Actor, acting
from ..refusals import Action, DeskRefusal
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
    from ..ledger_view import version_mark

    actor = acting(actor)
    require(actor, "read")
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
