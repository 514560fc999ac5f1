"""The JSON API for the office's OA system (/api/v1/): the same desk functions and the same permissions as the
pages, authenticated by a per-account token (`shouwen user token add 用户名`; Authorization: Bearer swt_…).

    GET /api/v1/search?q=…&page=&size=&order=&doc_type=&issuer=&department=&status=&channel=&urgency=
                      &date_from=&date_to=                     (收文日期)
    GET /api/v1/ledger?date_from=&date_to=&status=&department=&issuer=&channel=&urgency=&page=&size=
    GET /api/v1/documents/{id}            the ledger entry, its 初审 findings and its history
A document the token's account may not see answers 404, as one that does not exist; a classified or held one
is in no answer, count or facet but the 机要员's.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pipelines import desk
from pipelines.actors import Actor
from pipelines.refusals import DeskRefusal

from .auth import api_actor, office

router = APIRouter(prefix="/api/v1")

ENTRY_FIELDS = ("id", "number", "received_at", "channel", "issuer", "doc_number", "doc_type", "title", "urgency",
                "department", "status", "verdict")


def _entry(row: dict) -> dict:
    return {k: row.get(k) for k in ENTRY_FIELDS}


@router.get("/search")
def search(request: Request, q: str, page: int = 1, size: int = 20, order: str = "relevance", doc_type: str = "",
           issuer: str = "", department: str = "", status: str = "", channel: str = "", urgency: str = "",
           date_from: str = "", date_to: str = "", who: Actor = Depends(api_actor)):
    filters = desk.SearchFilters(doc_type or None, issuer or None, department or None, status or None, channel or None,
                                 date_from or None, date_to or None, urgency or None)
    try:
        found = desk.search_page(office(request), q, filters, page, size, order, actor=who)
    except ValueError as exc:  # a date not YYYY-MM-DD, an order not known (QueryError is the app's 400)
        raise DeskRefusal("bad_input", str(exc)) from None
    return {"query": q, "total": found.total, "page": found.page, "size": found.size, "facets": found.facets,
            "notices": found.notices,
            "hits": [{**_entry(h.row), "snippet": h.snippet, "version": h.version} for h in found.hits]}


@router.get("/ledger")
def ledger(request: Request, page: int = 1, size: int = 100, date_from: str = "", date_to: str = "", status: str = "",
           department: str = "", issuer: str = "", channel: str = "", urgency: str = "", who: Actor = Depends(api_actor)):
    from pipelines.ledger import LedgerQuery

    size, page = max(1, min(1000, size)), max(1, page)
    try:
        query = LedgerQuery(date_from=date_from or None, date_to=date_to or None, statuses=(status,) if status else (),
                            departments=(department,) if department else None, issuer_contains=issuer or None,
                            channel=channel or None, urgency=urgency or None, limit=size, offset=(page - 1) * size)
    except ValueError as exc:
        raise DeskRefusal("bad_input", str(exc)) from None
    result = desk.ledger_page(office(request), query, actor=who)
    return {"total": result.total, "total_exact": result.exact, "total_zh": result.total_zh, "page": page, "size": size,
            "rows": [{**_entry(e.row), "received": e.received, "status_zh": e.status, "channel_zh": e.channel}
                     for e in result.entries]}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: int, who: Actor = Depends(api_actor)):
    view = desk.document(office(request), doc_id, actor=who, images=False)
    return {**_entry(view.row), "received": view.received, "status_zh": view.status, "findings": view.findings,
            "history": view.history}
