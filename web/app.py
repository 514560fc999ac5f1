"""The web desk (网页办公台): a FastAPI application over one office's data root.

    app = create_app(root_or_office)        the ASGI app (wrapped in the CSRF middleware); `shouwen serve` runs it

Pages (server-rendered, Chinese; URLs are part of the contract): /login, /logout, /search, /ledger (+ /ledger.xlsx,
/ledger/print), /documents/{id} (+ /pages/{n}.png, /original, /notice, actions, /review), /queue, /review (待复核),
/letters and /letters/{id} (来信, + /category, /assign, /sign, /transfer, /reply, /done), /quarantine, /register,
/dashboard, /due, /accounts; the JSON API under /api/v1/ (web/api.py); the documentation site at /docs/ when
it is built (web/docs_site.py: no login, the manuals hold no office data). Every handler parses its input, calls one
desk function (pipelines/desk, which asks pipelines/access.py) and renders; nothing here decides who sees what.

Security: server-side sessions (pipelines/accounts.py) in an HttpOnly, SameSite=Lax cookie, Secure unless
[web] secure_cookies = false (a plain-HTTP intranet: say so to the office); CSRF: asgi-csrf (the signed
double-submit token of Datasette's maintainer; form field `csrftoken`, header `x-csrftoken` for htmx; uploads
send it in the header, see wrapped() in create_app), its signing secret kept in the ledger's database so that every `serve` process
shares it, /login protected too (login CSRF); a Content-Security-Policy without inline scripts; refusals and
faults as Chinese pages, never a traceback.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pipelines.office import Office

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "shouwen_session"
CSRF_COOKIE = "csrftoken"
log = logging.getLogger("shouwen.web")


class LoginRequired(Exception):
    """No live session: a page redirects to /login, the API answers 401."""


def create_app(source) -> "object":
    """The web desk for `source`: an Office, or a data root (opened with its configuration)."""
    office = source if isinstance(source, Office) else Office.open(Path(source))
    app = FastAPI(title="收文网页办公台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.office = office
    app.state.secure = bool(office.config.settings.web.secure_cookies)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["highlight"] = highlight
    templates.env.globals["qs"] = query_string
    templates.env.globals["ROLE_ZH"] = __import__("pipelines.actors", fromlist=["ROLE_ZH"]).ROLE_ZH
    templates.env.globals["office_name"] = office.config.office.name
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from . import docs_site

    docs_policy = docs_site.mount(app)  # the documentation at /docs/ when `shouwen docs` has built it

    from . import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)
    _handlers(app)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        if docs_policy and request.url.path.startswith("/docs/"):
            response.headers["Content-Security-Policy"] = docs_policy  # Material's own inline scripts, by hash
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith(("/documents", "/api", "/ledger", "/search", "/queue", "/dashboard")):
            response.headers.setdefault("Cache-Control", "no-store")  # another person on the same PC
        return response

    from asgi_csrf import asgi_csrf

    from pipelines.accounts import Accounts

    secret = Accounts.open(office).secret("csrf")
    from pipelines.desk.queues import QUEUE_INDEXES

    office.ledger.ensure(QUEUE_INDEXES)  # once per ledger, under its write lock (a million rows: some seconds)

    def api_call(scope) -> bool:  # token-authenticated API calls carry no cookie session: nothing to forge
        return scope["path"].startswith("/api/")

    protected = asgi_csrf(app, signing_secret=secret, always_protect={"/login", "/logout"}, skip_if_scope=api_call,
                          cookie_secure=app.state.secure, cookie_samesite="Lax", send_csrf_failed=_csrf_failed)

    async def wrapped(scope, receive, send):
        """Uploads (multipart) must carry the token in the x-csrftoken header (htmx adds it): asgi-csrf 0.11 cannot
        parse a multipart body with python-multipart ≥ 0.0.26 (simonw/asgi-csrf#38), and the older parser has
        known CVEs, so such a body is never given to it — refused here, as any request without its token."""
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            headers = dict(scope.get("headers") or [])
            if (headers.get(b"content-type", b"").startswith(b"multipart/") and b"x-csrftoken" not in headers
                    and not scope["path"].startswith("/api/")):
                await _csrf_failed(scope, send, None)
                return
        await protected(scope, receive, send)

    wrapped.app = app  # tests and `serve` reach the FastAPI app (its state) through this
    return wrapped


async def _csrf_failed(scope, send, message_id):
    body = ("<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>请求被拒绝</title>"
            "<body style='font:16px sans-serif;margin:3em'><h1>请求被拒绝（安全校验未通过）</h1>"
            "<p>表单已过期，或请求不是从本系统的页面发出的（CSRF 校验未通过）。请返回上一页，刷新后再提交。</p>"
            "<p><a href='/'>返回首页</a></p></body></html>").encode("utf-8")
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def highlight(snippet: Optional[str]):
    """A search snippet as HTML: escaped FIRST (a title holding <script> is text), then the index's 【】 marks
    around matched words become <mark>."""
    import re

    from markupsafe import Markup, escape

    text = str(escape(snippet or ""))
    return Markup(re.sub(r"【([^【】]*)】", r"<mark>\1</mark>", text))


def query_string(params: dict, **changes) -> str:
    """params with `changes` applied (a value None removes the key), URL-encoded: links that keep the filters."""
    from urllib.parse import urlencode

    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


STATUS_OF_CODE = {"not_found": 404, "forbidden": 403, "bad_input": 400, "duplicate": 409, "conflict": 409}


def _handlers(app: FastAPI) -> None:
    from index import IndexUnavailable, QueryError
    from pipelines.desk import DeskRefusal
    from pipelines.ledger import LedgerConflict

    def page(request: Request, status: int, title: str, message: str):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"title": title, "message": message, "actor": getattr(request.state, "actor", None)},
            status_code=status)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "需要有效的 API 令牌（Authorization: Bearer …）"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(DeskRefusal)  # (a HandlingRefusal is one)
    async def refused(request: Request, exc: DeskRefusal):
        status = STATUS_OF_CODE.get(exc.code, 400)
        return page(request, status, "未找到" if status == 404 else "不能办理", exc.message)

    @app.exception_handler(LedgerConflict)
    async def conflict(request: Request, exc: LedgerConflict):
        return page(request, 409, "他人刚办理过", str(exc))

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError):
        return page(request, 400, "检索词无效", str(exc))

    @app.exception_handler(IndexUnavailable)
    async def no_index(request: Request, exc: IndexUnavailable):
        return page(request, 503, "检索暂不可用", str(exc))

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError):
        """An address whose parameters cannot be read (/documents/abc, ?page=abc): a document id that is no
        number is a document not found; any other parameter is named, in Chinese (never FastAPI's English)."""
        errors = exc.errors()
        if any(e.get("loc", ())[:1] == ("path",) for e in errors):
            return page(request, 404, "未找到", "没有这个页面或这件收文")
        names = "、".join(dict.fromkeys(str(e.get("loc", ("", "?"))[-1]) for e in errors))
        if any(e.get("loc", ())[:1] == ("body",) for e in errors):
            return page(request, 400, "不能办理", f"提交的表单不完整或格式不对（{names}），请返回上一页填写后重新提交")
        return page(request, 400, "不能办理", f"地址中的参数无效：{names}（应为数字或日期等规定的格式），请返回上一页重试")

    @app.exception_handler(404)
    async def missing(request: Request, exc):
        return page(request, 404, "未找到", "没有这个页面或这件收文")

    @app.exception_handler(405)
    async def not_a_form(request: Request, exc):
        """A form's address opened directly (left in the address bar after an error page: GET /documents/4/route):
        back to the document's page; any other address that only takes a form, said in Chinese."""
        import re

        m = re.match(r"/(documents|letters)/(\d+)/", request.url.path)
        if request.method in ("GET", "HEAD") and m and not request.url.path.startswith("/api/"):
            return RedirectResponse(f"/{m[1]}/{m[2]}", status_code=303)
        return page(request, 405, "不能这样打开", "这个地址只接受页面上的表单提交，不能直接打开；请返回上一页，在页面上办理")

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception):
        log.exception("web desk fault on %s", request.url.path)
        return page(request, 500, "程序内部错误", f"程序内部错误（{type(exc).__name__}），请联系系统管理员；已记入日志")


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, secure=secure, samesite="lax", path="/")
