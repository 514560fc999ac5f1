"""The web desk's pages: each handler parses, calls pipelines/views.py (or accounts), renders a template."""
from __future__ import annotations

from datetime import datetime
from typing import Optional
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from pipelines import access, views
from pipelines.actors import Actor

from .auth import accounts, actor, client_address, office

router = APIRouter()


def render(request: Request, template: str, who: Optional[Actor], status: int = 200, **context):
    context.update(actor=who, nav=_nav(who), csrftoken=request.scope.get("csrftoken", lambda: "")())
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


def _nav(who: Optional[Actor]) -> list[tuple[str, str]]:
    """The menu: only what the role may open (asked of access, not decided here)."""
    if who is None:
        return []
    items = (("/search", "检索", "search"), ("/ledger", "登记簿", "ledger"), ("/queue", "待办", "queue"),
             ("/dashboard", "统计", "dashboard"), ("/quarantine", "隔离区", "quarantine"),
             ("/register", "窗口收文", "register"), ("/accounts", "账户", "accounts"))
    out = []
    for url, label, action in items:
        try:
            access.require(who, action)
        except ValueError:
            continue
        out.append((url, label))
    return out


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _blank(value: Optional[str]) -> Optional[str]:
    return (value or "").strip() or None


def _safe_next(target: Optional[str]) -> str:
    """Only a path of this site after login (never //host or a scheme: an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# -- login ----------------------------------------------------------------------------------------------------

@router.get("/")
def home(request: Request, who: Actor = Depends(actor)):
    nav = _nav(who)
    return RedirectResponse(nav[0][0] if nav else "/accounts", status_code=303)


@router.get("/login")
def login_form(request: Request, next: Optional[str] = None):
    return render(request, "login.html", None, next=_safe_next(next), error=None, username="")


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")):
    from pipelines.accounts import LoginRefused

    from .app import set_session_cookie

    try:
        _, token = accounts(request).login(username, password, client_address(request))
    except LoginRefused as exc:
        return render(request, "login.html", None, status=401, next=_safe_next(next), error=str(exc), username=username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, request.app.state.secure)
    return response


@router.post("/logout")
def logout(request: Request):
    from .app import SESSION_COOKIE

    accounts(request).logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- search ---------------------------------------------------------------------------------------------------

FACET_ZH = {"doc_type": "文种", "issuer": "来文单位", "department": "承办部门", "status": "状态", "channel": "来文渠道"}


@router.get("/search")
def search(request: Request, q: str = "", page: int = 1, order: str = "relevance", doc_type: str = "", issuer: str = "",
           department: str = "", status: str = "", channel: str = "", urgency: str = "", date_from: str = "",
           date_to: str = "", who: Actor = Depends(actor)):
    flt = views.SearchFilter(_blank(doc_type), _blank(issuer), _blank(department), _blank(status), _blank(channel),
                             _blank(urgency), _blank(date_from), _blank(date_to))
    result, error = None, None
    access.require(who, "search")
    if q.strip():
        from index import QueryError

        try:
            result = views.search_page(office(request), q, flt, page, 20, order, actor=who)
        except QueryError as exc:
            error = str(exc)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(request, "search.html", who, q=q, flt=flt, result=result, error=error, order=order,
                  facet_zh=FACET_ZH, params=params, status_zh=views.STATUS_ZH, channel_zh=views.CHANNEL_ZH)


# -- the 登记簿 ------------------------------------------------------------------------------------------------

def _ledger_filter(request: Request, day: str, month: str, date_from: str, date_to: str, status: str, department: str,
                   issuer: str, channel: str, urgency: str) -> views.LedgerFilter:
    if _blank(day):
        date_from = date_to = day
    elif _blank(month):
        import calendar

        try:
            year, mon = map(int, month.split("-"))
            last = calendar.monthrange(year, mon)[1]
        except ValueError:
            raise access.refusal("bad_input", f"月份应写作 YYYY-MM，而不是“{month}”") from None
        date_from, date_to = f"{year:04d}-{mon:02d}-01", f"{year:04d}-{mon:02d}-{last:02d}"
    return views.LedgerFilter(_blank(date_from), _blank(date_to), _blank(status), _blank(department), _blank(issuer),
                              _blank(channel), _blank(urgency))


LEDGER_QUERY = dict(day="", month="", date_from="", date_to="", status="", department="", issuer="", channel="", urgency="")


@router.get("/ledger")
def ledger(request: Request, page: int = 1, size: int = 50, day: str = "", month: str = "", date_from: str = "",
           date_to: str = "", status: str = "", department: str = "", issuer: str = "", channel: str = "",
           urgency: str = "", who: Actor = Depends(actor)):
    flt = _ledger_filter(request, day, month, date_from, date_to, status, department, issuer, channel, urgency)
    result = views.ledger_page(office(request), flt, page, size, actor=who)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    query = "&".join(f"{k}={v}" for k, v in request.query_params.items())
    return render(request, "ledger.html", who, result=result, flt=flt, params=params, query=query, size=size,
                  day=day, month=month, status_zh=views.STATUS_ZH, channel_zh=views.CHANNEL_ZH)


@router.get("/ledger/print")
def ledger_print(request: Request, day: str = "", month: str = "", date_from: str = "", date_to: str = "",
                 status: str = "", department: str = "", issuer: str = "", channel: str = "", urgency: str = "",
                 who: Actor = Depends(actor)):
    flt = _ledger_filter(request, day, month, date_from, date_to, status, department, issuer, channel, urgency)
    rows = list(views.ledger_rows(office(request), flt, actor=who))
    return render(request, "ledger_print.html", who, rows=rows, flt=flt)


@router.get("/ledger.xlsx")
def ledger_xlsx(request: Request, day: str = "", month: str = "", date_from: str = "", date_to: str = "",
                status: str = "", department: str = "", issuer: str = "", channel: str = "", urgency: str = "",
                who: Actor = Depends(actor)):
    import tempfile

    flt = _ledger_filter(request, day, month, date_from, date_to, status, department, issuer, channel, urgency)
    spool = tempfile.TemporaryFile()
    views.ledger_xlsx(office(request), flt, spool, actor=who)
    spool.seek(0)
    stamp = datetime.now(ZoneInfo(office(request).config.office.timezone)).strftime("%Y%m%d-%H%M")
    name = f"登记簿-{flt.date_from or '全部'}至{flt.date_to or '今'}-{stamp}.xlsx"

    def chunks():
        with spool:
            while block := spool.read(65536):
                yield block

    return StreamingResponse(chunks(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             headers={"Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"download{name[name.rfind('.'):]}\"; filename*=UTF-8''{quote(name)}"


# -- one document ---------------------------------------------------------------------------------------------

DONE = {"routed": "已改办", "confidential": "已转机要室", "released": "已核定为非涉密，转入分办", "resent": "退文通知单已重发",
        "withdrawn": "已撤回退文，转入分办", "registered": "已登记"}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: int, done: str = "", who: Actor = Depends(actor)):
    view = views.document(office(request), doc_id, actor=who)
    departments = views.queue_departments(office(request), who) if ("route", "改办") in view.actions else []
    departments = [d for d in departments if d != access.CONFIDENTIAL_OFFICE]
    return render(request, "document.html", who, v=view, row=view.row, done=DONE.get(done), departments=departments)


@router.get("/documents/{doc_id}/pages/{number}.png")
def page_image(request: Request, doc_id: int, number: int, who: Actor = Depends(actor)):
    path = views.page_png(office(request), doc_id, number, actor=who)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/original")
def original(request: Request, doc_id: int, who: Actor = Depends(actor)):
    path, name = views.original(office(request), doc_id, actor=who)
    return FileResponse(path, media_type="application/octet-stream", headers={"Content-Disposition": _disposition(name)})


@router.get("/documents/{doc_id}/notice")
def notice(request: Request, doc_id: int, who: Actor = Depends(actor)):
    path, name = views.return_notice(office(request), doc_id, actor=who)
    return FileResponse(path, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": _disposition(name)})


def _back(doc_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/documents/{doc_id}?done={done}", status_code=303)


@router.post("/documents/{doc_id}/route")
def route(request: Request, doc_id: int, department: str = Form(""), reason: str = Form(""), who: Actor = Depends(actor)):
    views.route(office(request), doc_id, department, reason, actor=who)
    return _back(doc_id, "routed")


@router.post("/documents/{doc_id}/to-confidential")
def to_confidential(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    views.to_confidential(office(request), doc_id, reason, actor=who)
    return _back(doc_id, "confidential")


@router.post("/documents/{doc_id}/release")
def release(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    views.release(office(request), doc_id, reason, actor=who)
    return _back(doc_id, "released")


@router.post("/documents/{doc_id}/resend")
def resend(request: Request, doc_id: int, who: Actor = Depends(actor)):
    views.resend(office(request), doc_id, actor=who)
    return _back(doc_id, "resent")


@router.post("/documents/{doc_id}/withdraw")
def withdraw(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    views.withdraw(office(request), doc_id, reason, actor=who)
    return _back(doc_id, "withdrawn")


# -- queues, quarantine, counter, dashboard, accounts ---------------------------------------------------------

@router.get("/queue")
def queue(request: Request, department: str = "", page: int = 1, who: Actor = Depends(actor)):
    result = views.queue(office(request), _blank(department), page, 50, actor=who)
    return render(request, "queue.html", who, result=result)


@router.get("/quarantine")
def quarantine(request: Request, who: Actor = Depends(actor)):
    return render(request, "quarantine.html", who, rows=views.quarantine(office(request), actor=who))


@router.get("/register")
def register_form(request: Request, who: Actor = Depends(actor)):
    access.require(who, "register")
    return render(request, "register.html", who, channels=views.COUNTER_CHANNELS, error=None, issuer="")


@router.post("/register")
async def register(request: Request, issuer: str = Form(""), channel: str = Form("scan"), file: UploadFile = File(...),
                   who: Actor = Depends(actor)):
    from starlette.concurrency import run_in_threadpool

    from pipelines.desk import DeskRefusal

    data = await file.read(views.MAX_UPLOAD_BYTES + 1)
    try:
        done = await run_in_threadpool(views.register_counter, office(request), file.filename or "", data, issuer,
                                       channel, actor=who)
    except DeskRefusal as exc:
        if request.headers.get("hx-request") and getattr(exc, "code", None) != "forbidden":  # said in the form
            from markupsafe import escape

            return Response(f'<p class="error" role="alert">{escape(str(exc))}</p>', media_type="text/html")
        raise
    target = f"/documents/{done.row['id']}?done=registered"
    if request.headers.get("hx-request"):  # htmx: the browser goes to the new document's page
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/dashboard")
def dashboard(request: Request, who: Actor = Depends(actor)):
    import json

    figures = views.dashboard(office(request), actor=who)
    charts = {"days": figures.days, "departments": figures.departments,
              "senders": [[s["issuer"], s["rate"], s["returned"], s["total"]] for s in figures.senders],
              "rules": figures.rules}
    # inside <script type="application/json">: "<", ">" and "&" escaped, so no name can close the element
    data = json.dumps(charts, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render(request, "dashboard.html", who, d=figures, charts=data)


@router.get("/accounts")
def accounts_page(request: Request, who: Actor = Depends(actor)):
    access.require(who, "accounts")
    book = accounts(request)
    return render(request, "accounts.html", who, accounts=book.list(), tokens=book.tokens())


@router.get("/favicon.ico")
def favicon():
    return Response(status_code=204)
