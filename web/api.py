"""The JSON API for the office's OA system (/api/v1/): the same desk functions and the same permissions as the
pages, authenticated by a per-account token (`shouwen user token add 用户名`; Authorization: Bearer swt_…).

    GET /api/v1/search?q=…&page=&size=&order=&doc_type=&issuer=&department=&status=&channel=&urgency=
                      &date_from=&date_to=                     (收文日期)
    GET /api/v1/ledger?date_from=&date_to=&status=&department=&issuer=&channel=&urgency=&page=&size=
    GET /api/v1/documents/{id}            the ledger entry, its 初审 findings and its history
    GET /api/v1/letters?page=&size=&date_from=&date_to=&category=&channel=&department=&stage=
                                          the citizens' letters' register (来信登记簿), as /letters pages it
    GET /api/v1/letters/{id}              one 来信 (by its ledger id) with its history
A 来信's writer, contact and address are in an answer only where pipelines/access.shows_personal allows (the
文秘, the department it was 交办'd to): to anyone else the keys are absent and personal_hidden is true.
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
    try:  # (全部 or an empty value is no filter: desk.SearchFilters)
        filters = desk.SearchFilters(doc_type, issuer, department, status, channel, date_from, date_to, urgency)
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


LETTER_FIELDS = ("id", "number", "letter_number", "channel", "subject", "category", "category_source", "status",
                 "department", "received_at", "due", "transferred_to", "transfer_reason", "answer", "answered_at",
                 "personal_hidden")
PERSONAL_FIELDS = ("writer", "contact", "address")


def _letter(entry) -> dict:
    """A LetterEntry as JSON: its personal fields only where they were not withheld (ops: access.shows_personal)."""
    out = {k: getattr(entry, k) for k in LETTER_FIELDS}
    out["stage"] = entry.stage_zh
    if not entry.personal_hidden:
        out.update({k: getattr(entry, k) for k in PERSONAL_FIELDS})
    return out


@router.get("/letters")
def letters(request: Request, page: int = 1, size: int = 100, date_from: str = "", date_to: str = "",
            category: str = "", channel: str = "", department: str = "", stage: str = "",
            who: Actor = Depends(api_actor)):
    from pipelines.letters import ops

    filters = ops.LetterFilters(date_from or None, date_to or None, category or None, channel or None,
                                department or None, stage or None)
    result = ops.letters_page(office(request), filters, max(1, page), max(1, min(1000, size)), actor=who)
    return {"total": result.total, "page": result.page, "size": result.size, "pages": result.pages,
            "letters": [_letter(e) for e in result.entries]}


@router.get("/letters/{doc_id}")
def letter(request: Request, doc_id: int, who: Actor = Depends(api_actor)):
    from pipelines.letters import ops

    entry = ops.letter(office(request), str(doc_id), actor=who)
    return {**_letter(entry), "history": [{"at": h["at"], "status": h["status"], "note": h["note"] or "",
                                           "actor": h.get("actor") or ""} for h in entry.history]}
