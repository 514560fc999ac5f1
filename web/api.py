"""The JSON API for the office's OA system (/api/v1/): the same views and the same permissions as the pages,
authenticated by a per-account token (`shouwen user token add 用户名`; Authorization: Bearer swt_…).

    GET /api/v1/search?q=…&page=&size=&order=&doc_type=&issuer=&department=&status=&channel=&date_from=&date_to=
    GET /api/v1/ledger?date_from=&date_to=&status=&department=&issuer=&channel=&urgency=&page=&size=
    GET /api/v1/documents/{id}            the ledger entry and its 初审 findings
A document the token's account may not see answers 404, as one that does not exist.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from pipelines import views
from pipelines.actors import Actor

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
    flt = views.SearchFilter(doc_type or None, issuer or None, department or None, status or None, channel or None,
                             urgency or None, date_from or None, date_to or None)
    found = views.search_page(office(request), q, flt, page, size, order, actor=who)
    return {"query": q, "total": found.total, "page": found.page, "size": found.size, "facets": found.facets,
            "notices": found.notices,
            "hits": [{**_entry(h.row), "snippet": h.snippet, "version": h.version} for h in found.hits]}


@router.get("/ledger")
def ledger(request: Request, page: int = 1, size: int = 100, date_from: str = "", date_to: str = "", status: str = "",
           department: str = "", issuer: str = "", channel: str = "", urgency: str = "", who: Actor = Depends(api_actor)):
    flt = views.LedgerFilter(date_from or None, date_to or None, status or None, department or None, issuer or None,
                             channel or None, urgency or None)
    result = views.ledger_page(office(request), flt, page, size, actor=who)
    return {"total": result.total, "page": result.page, "size": result.size,
            "rows": [{**_entry(r.row), "received": r.received, "status_zh": r.status} for r in result.rows]}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: int, who: Actor = Depends(api_actor)):
    view = views.document(office(request), doc_id, actor=who, images=False)
    return {**_entry(view.row), "received": view.received, "status_zh": view.status, "findings": view.findings,
            "history": view.history}
