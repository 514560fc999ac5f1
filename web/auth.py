"""Who is asking, for a request (请求者): the session cookie for pages, the Bearer token for /api/v1/.

    actor(request) -> Actor          FastAPI dependency: the logged-in person, else LoginRequired (→ /login)
    api_actor(request) -> Actor      the token's account, else LoginRequired (→ 401); a cookie is not enough
    office(request) -> Office
    accounts(request) -> Accounts    on this thread's ledger connection
"""
from __future__ import annotations

from fastapi import Request

from pipelines.accounts import Accounts
from pipelines.actors import Actor


def office(request: Request):
    return request.app.state.office


def accounts(request: Request) -> Accounts:
    return Accounts.open(request.app.state.office)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def actor(request: Request) -> Actor:
    from .app import SESSION_COOKIE, LoginRequired

    found = accounts(request).session_actor(request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise LoginRequired()
    request.state.actor = found
    return found


def api_actor(request: Request) -> Actor:
    from .app import LoginRequired

    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else None
    found = accounts(request).token_actor(token)
    if found is None:
        raise LoginRequired()
    return found
