"""The web desk's pages: each handler parses its input, calls one desk function (pipelines/desk, which asks
pipelines/access.py) with the logged-in account as actor, and renders a template. Nothing here decides who sees
or may do what: the menu and the buttons are what access allows (access.may, desk.actions_for, the handling
panel's steps)."""
from __future__ import annotations

import functools
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from pipelines import access, desk
from pipelines.actors import Actor
from pipelines.ledger import STATUS_ZH, LedgerQuery
from pipelines.refusals import DeskRefusal

from .auth import accounts, actor, client_address, office

router = APIRouter()
MENU = (("/search", "检索", "search"), ("/ledger", "登记簿", "ledger"), ("/queue", "待办", "queue"),
        ("/review", "待复核", "review"), ("/letters", "来信", "read"),
        ("/due", "督办", "due"), ("/dashboard", "统计", "dashboard"), ("/quarantine", "隔离区", "quarantine"),
        ("/register", "窗口收文", "register"), ("/accounts", "账户", "accounts"))
PAGE_SIZES = (20, 50, 100, 200, 500)  # offered in the 登记簿's menu; any size from 1 to MAX_PAGE_SIZE is served
MAX_PAGE_SIZE = 500


def render(request: Request, template: str, who: Optional[Actor], status: int = 200, **context):
    context.update(actor=who, nav=_nav(who), csrftoken=request.scope.get("csrftoken", lambda: "")())
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


def _nav(who: Optional[Actor]) -> list[tuple[str, str]]:
    """The menu: only what the role may open (asked of access, not decided here)."""
    return [(url, label) for url, label, action in MENU if who is not None and access.may(who, action)]


def _blank(value: Optional[str]) -> Optional[str]:
    return (value or "").strip() or None


def _safe_next(target: Optional[str]) -> str:
    """Only a path of this site after login (never //host or a scheme: an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _params(request: Request, *drop: str) -> dict:
    return {k: v for k, v in request.query_params.items() if k not in drop}


# -- login ----------------------------------------------------------------------------------------------------

@router.get("/")
def home(request: Request, who: Actor = Depends(actor)):
    nav = _nav(who)
    return RedirectResponse(nav[0][0] if nav else "/login", status_code=303)


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

FACET_ZH = {"doc_type": "文种", "issuer": "来文单位", "department": "承办部门", "urgency": "紧急程度", "status": "状态",
            "channel": "来文渠道"}


@router.get("/search")
def search(request: Request, q: str = "", page: int = 1, order: str = "relevance", doc_type: str = "", issuer: str = "",
           department: str = "", status: str = "", channel: str = "", urgency: str = "", date_from: str = "",
           date_to: str = "", who: Actor = Depends(actor)):
    from index import QueryError

    access.require(who, "search")
    result, error = None, None
    try:  # (全部 or an empty value is no filter: desk.SearchFilters; an unknown status is said on the page)
        filters = desk.SearchFilters(doc_type, issuer, department, status, channel, date_from, date_to, urgency)
    except ValueError as exc:
        filters, error = desk.SearchFilters(), str(exc)
    if q.strip() and error is None:
        try:
            result = desk.search_page(office(request), q, filters, page, 20, order if order == "date" else "relevance",
                                      actor=who)
        except (QueryError, ValueError) as exc:
            error = str(exc)
    from index.base import received_bounds

    today = datetime.now(ZoneInfo(office(request).config.office.timezone)).date()
    return render(request, "search.html", who, q=q, flt=filters, result=result, error=error, order=order,
                  received=received_bounds(today),
                  facet_zh=FACET_ZH, params=_params(request, "page"), status_zh=STATUS_ZH, channel_zh=desk.CHANNEL_ZH,
                  urgencies=desk.URGENCIES)


# -- the 登记簿 ------------------------------------------------------------------------------------------------

def _ledger_query(day: str, month: str, date_from: str, date_to: str, status: str, department: str, issuer: str,
                  channel: str, urgency: str, size: int = 50, offset: int = 0) -> LedgerQuery:
    """The 登记簿's filters as a LedgerQuery: a day, a month, or a range (收文日期); ValueError (Chinese)."""
    import calendar

    if _blank(day):
        date_from = date_to = day.strip()
    elif _blank(month):
        try:
            year, mon = map(int, month.strip().split("-"))
            last = calendar.monthrange(year, mon)[1]
        except ValueError:
            raise ValueError(f"月份应写作 YYYY-MM，而不是“{month}”") from None
        date_from, date_to = f"{year:04d}-{mon:02d}-01", f"{year:04d}-{mon:02d}-{last:02d}"
    return LedgerQuery(date_from=_blank(date_from), date_to=_blank(date_to),
                       statuses=(status,) if _blank(status) else (), departments=(department.strip(),) if _blank(department) else None,
                       issuer_contains=_blank(issuer), channel=_blank(channel), urgency=_blank(urgency),
                       limit=size, offset=offset)


def _refused_input(exc: ValueError) -> DeskRefusal:
    return DeskRefusal("bad_input", str(exc))


@router.get("/ledger")
def ledger(request: Request, page: int = 1, size: int = 50, day: str = "", month: str = "", date_from: str = "",
           date_to: str = "", status: str = "", department: str = "", issuer: str = "", channel: str = "",
           urgency: str = "", who: Actor = Depends(actor)):
    size = min(max(size, 1), MAX_PAGE_SIZE)
    page = max(1, page)
    try:
        query = _ledger_query(day, month, date_from, date_to, status, department, issuer, channel, urgency, size,
                              (page - 1) * size)
    except ValueError as exc:
        raise _refused_input(exc) from None
    result = desk.ledger_page(office(request), query, actor=who)
    pages = max(1, -(-result.total // size))
    if not result.exact:  # an estimate (约): never fewer pages than the one shown; 下一页 follows result.next
        pages = max(pages, page + (result.next is not None))
    return render(request, "ledger.html", who, result=result, query=query, params=_params(request, "page"), size=size,
                  page=page, pages=pages, day=day, month=month, status_zh=STATUS_ZH, channel_zh=desk.CHANNEL_ZH,
                  urgencies=desk.URGENCIES, sizes=sorted({*PAGE_SIZES, size}))


@router.get("/ledger/print")
def ledger_print(request: Request, day: str = "", month: str = "", date_from: str = "", date_to: str = "",
                 status: str = "", department: str = "", issuer: str = "", channel: str = "", urgency: str = "",
                 who: Actor = Depends(actor)):
    from pipelines.ledger.query import MAX_LIMIT

    try:
        query = _ledger_query(day, month, date_from, date_to, status, department, issuer, channel, urgency, MAX_LIMIT)
    except ValueError as exc:
        raise _refused_input(exc) from None
    rows = list(desk.ledger_walk(office(request), query, actor=who))
    columns = desk.COLUMNS + (desk.CONFIDENTIAL_COLUMNS if access.sees_confidential(who) else ())
    return render(request, "ledger_print.html", who, rows=rows, query=query, columns=columns)


@router.get("/ledger.xlsx")
def ledger_xlsx(request: Request, day: str = "", month: str = "", date_from: str = "", date_to: str = "",
                status: str = "", department: str = "", issuer: str = "", channel: str = "", urgency: str = "",
                who: Actor = Depends(actor)):
    try:
        query = _ledger_query(day, month, date_from, date_to, status, department, issuer, channel, urgency)
    except ValueError as exc:
        raise _refused_input(exc) from None
    spool = tempfile.TemporaryFile()
    desk.ledger_xlsx(office(request), query, spool, actor=who)
    spool.seek(0)
    stamp = datetime.now(ZoneInfo(office(request).config.office.timezone)).strftime("%Y%m%d-%H%M")
    name = f"登记簿-{query.date_from or '全部'}至{query.date_to or '今'}-{stamp}.xlsx"

    def chunks():
        with spool:
            while block := spool.read(65536):
                yield block

    return StreamingResponse(chunks(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             headers={"Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"download{Path(name).suffix}\"; filename*=UTF-8''{quote(name)}"


# -- one document ---------------------------------------------------------------------------------------------

DONE = {"routed": "已改办", "confidential": "已转机要室", "released": "已核定为非涉密，转入分办", "resent": "退文通知单已重发",
        "withdrawn": "已撤回退文，转入分办", "registered": "已登记", "step": "已办理",
        "confirm": "已确认退文，退文通知单已生成", "dismiss": "已不予退文，转入分办", "letter": "已确定为群众来信，转入来信登记",
        "document": "已确定为公文，按公文初审", "delivered": "已登记为已人工送达", "retried": "已重试发送"}


@router.get("/documents/{key}")
def document(request: Request, key: str, done: str = "", who: Actor = Depends(actor)):
    """A document's page by its id; a 收文编号 typed into the address (收〔2026〕3号, 2026-3: the command line's
    forms, one parser: ledger.parse_key) is sent on to its id's address."""
    from pipelines.ledger import parse_key

    parsed = parse_key(key)
    if parsed is None:
        raise DeskRefusal("not_found", "没有这个页面或这件收文")
    if parsed[0] == "number":
        return RedirectResponse(f"/documents/{desk.find(office(request), key, actor=who)['id']}", status_code=303)
    doc_id = parsed[1][0]
    view = desk.document(office(request), doc_id, actor=who)
    panel = desk.handling_panel(office(request), doc_id, actor=who)
    departments = desk.route_departments(office(request)) if any(name == "route" for name, _ in view.actions) else []
    held = next((h for h in desk.review_queue(office(request), actor=who) if h.number == view.row["number"]), None) \
        if view.row["status"] == "review_held" and access.may(who, "review", view.row) else None
    return render(request, "document.html", who, v=view, row=view.row, done=DONE.get(done), departments=departments,
                  h=panel, held=held, decisions=desk.review_ops.DECISION_ZH)


@router.get("/documents/{doc_id}/pages/{number}.png")
def page_image(request: Request, doc_id: int, number: int, who: Actor = Depends(actor)):
    path = desk.page_png(office(request), doc_id, number, actor=who)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/original")
def original(request: Request, doc_id: int, who: Actor = Depends(actor)):
    path, name = desk.original(office(request), doc_id, actor=who)
    return FileResponse(path, media_type="application/octet-stream", headers={"Content-Disposition": _disposition(name)})


@router.get("/documents/{doc_id}/attachments/{number}")
def mail_attachment(request: Request, doc_id: int, number: int, who: Actor = Depends(actor)):
    """A mail document's attachment, as archived (the same access as the original)."""
    path, name = desk.mail_attachment(office(request), doc_id, number, actor=who)
    return FileResponse(path, media_type="application/octet-stream", headers={"Content-Disposition": _disposition(name)})


@router.get("/documents/{doc_id}/notice")
def notice(request: Request, doc_id: int, who: Actor = Depends(actor)):
    """The latest 退文通知单 (or 重发) of the document, wherever it is kept (outbox/, or withdrawn/ once withdrawn)."""
    return _notice_file(request, doc_id, None, who)


@router.get("/documents/{doc_id}/notices/{notice_id}")
def notice_by_id(request: Request, doc_id: int, notice_id: int, who: Actor = Depends(actor)):
    """One notice of the document, as the page lists them (desk.documents.notice_files): 退文通知单, 重发, 撤回通知."""
    return _notice_file(request, doc_id, notice_id, who)


def _notice_file(request: Request, doc_id: int, notice_id, who: Actor):
    path, name = desk.return_notice(office(request), doc_id, notice_id, actor=who)
    return FileResponse(path, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": _disposition(name)})


@router.get("/documents/{doc_id}/files/{sha256}")
def handling_file(request: Request, doc_id: int, sha256: str, who: Actor = Depends(actor)):
    path, name = desk.handling_file(office(request), doc_id, sha256, actor=who)
    return FileResponse(path, media_type="application/octet-stream", headers={"Content-Disposition": _disposition(name)})


def _back(doc_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/documents/{doc_id}?done={done}", status_code=303)


@router.post("/documents/{doc_id}/route")
def route(request: Request, doc_id: int, department: str = Form(""), reason: str = Form(""), who: Actor = Depends(actor)):
    """改办 with the clerk's reason (required on the desk: the router learns from it and the history keeps it)."""
    reason, department = reason.strip(), department.strip()
    if not reason:
        raise DeskRefusal("bad_input", "改办须写明理由")
    if department == access.CONFIDENTIAL_OFFICE:  # the 机要员's own button (to-confidential)
        raise DeskRefusal("forbidden", "转机要室由机要员办理")
    from pipelines.actors import ROLE_ZH

    key = desk.find(office(request), str(doc_id), actor=who)["number"]
    by = "文秘人员" if who.role == "clerk" else ROLE_ZH.get(who.role, who.role)
    desk.route(office(request), key, department, f"{by}改办：{reason}", actor=who)
    return _back(doc_id, "routed")


@router.post("/documents/{doc_id}/to-confidential")
def to_confidential(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    key = desk.find(office(request), str(doc_id), actor=who)["number"]
    desk.route(office(request), key, access.CONFIDENTIAL_OFFICE, _blank(reason), actor=who)
    return _back(doc_id, "confidential")


@router.post("/documents/{doc_id}/release")
def release(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    key = desk.find(office(request), str(doc_id), actor=who)["number"]
    desk.release(office(request), key, _blank(reason), actor=who)
    return _back(doc_id, "released")


@router.post("/documents/{doc_id}/resend")
def resend(request: Request, doc_id: int, who: Actor = Depends(actor)):
    key = desk.find(office(request), str(doc_id), actor=who)["number"]
    desk.resend(office(request), key, actor=who)
    return _back(doc_id, "resent")


@router.post("/documents/{doc_id}/withdraw")
def withdraw(request: Request, doc_id: int, reason: str = Form(""), who: Actor = Depends(actor)):
    key = desk.find(office(request), str(doc_id), actor=who)["number"]
    desk.withdraw(office(request), key, reason, actor=who)  # no reason: refused there, as on the command line
    return _back(doc_id, "withdrawn")


@router.post("/documents/{doc_id}/delivery/delivered")
def delivery_delivered(request: Request, doc_id: int, notice: str = Form(""), how: str = Form(""),
                       who: Actor = Depends(actor)):
    """标记为已人工送达: a notice of this document delivered by hand (公文交换, 传真 …), as `returns --delivered`."""
    done = desk.mark_delivered(office(request), _notice_of(request, doc_id, notice, who), how, actor=who)
    return _back(done.row["id"], "delivered")


@router.post("/documents/{doc_id}/delivery/retry")
def delivery_retry(request: Request, doc_id: int, notice: str = Form(""), who: Actor = Depends(actor)):
    """立即重试发送: a notice of this document whose sending failed, now (as `returns --retry`)."""
    done = desk.retry_delivery(office(request), _notice_of(request, doc_id, notice, who), actor=who)
    return _back(done.row["id"], "retried")


def _notice_of(request: Request, doc_id: int, notice: str, who: Actor) -> str:
    """The notice number posted, when it is one of document `doc_id`'s (else not_found: a form cannot act on
    another document's notice through this one's URL)."""
    row = desk.find(office(request), str(doc_id), actor=who)
    if not any(d["number"] == notice.strip() for d in desk.documents.return_delivery(office(request), row, who)):
        raise DeskRefusal("not_found", f"本件没有编号为“{notice.strip()}”的退文通知")
    return notice.strip()


# -- 待复核 (issue 24 §1): the clerk's queue and decision ------------------------------------------------------

@router.get("/review")
def review_queue(request: Request, who: Actor = Depends(actor)):
    return render(request, "review.html", who, held=desk.review_queue(office(request), actor=who),
                  decisions=desk.review_ops.DECISION_ZH)


@router.post("/documents/{doc_id}/review")
def review(request: Request, doc_id: int, decision: str = Form(""), reason: str = Form(""), who: Actor = Depends(actor)):
    """确认退文 / 不予退文 (reason required: the history keeps why the proposed reasons are not true) / 是来信 /
    是公文."""
    if decision == "dismiss" and not reason.strip():
        raise DeskRefusal("bad_input", "不予退文须写明理由")
    key = desk.find(office(request), str(doc_id), actor=who, action="review")["number"]
    desk.review(office(request), key, decision, _blank(reason), actor=who)
    return _back(doc_id, decision if decision in DONE else "step")


# -- 来信 (issue 22): the letters' register, one letter, its actions ---------------------------------------------

LETTER_DONE = {"category": "类别已更正", "assigned": "已交办", "signed": "已签收", "transferred": "已转出",
               "replied": "已答复", "done": "已办结"}


@router.get("/letters")
def letters(request: Request, page: int = 1, size: int = 50, date_from: str = "", date_to: str = "", category: str = "",
            channel: str = "", department: str = "", stage: str = "", who: Actor = Depends(actor)):
    """The letters' register, a page at a time with the 登记簿's pager, the filters kept across pages."""
    from pipelines.letters import ops
    from pipelines.letters.categories import CATEGORIES

    size = min(max(size, 1), MAX_PAGE_SIZE)
    filters = ops.LetterFilters(_blank(date_from), _blank(date_to), _blank(category), _blank(channel),
                                _blank(department), _blank(stage))
    result = ops.letters_page(office(request), filters, max(1, page), size, actor=who)
    return render(request, "letters.html", who, result=result, letters=result.entries, f=filters,
                  params=_params(request, "page"), size=size, sizes=sorted({*PAGE_SIZES, size}),
                  categories=CATEGORIES, stages=ops.STAGES)


@router.get("/letters/{doc_id}")
def letter(request: Request, doc_id: int, done: str = "", who: Actor = Depends(actor)):
    from pipelines.letters import ops
    from pipelines.letters.categories import CATEGORIES

    entry = ops.letter(office(request), str(doc_id), actor=who)
    from pipelines.desk.documents import actor_labels

    labels = actor_labels(office(request), {x["actor"] for x in entry.history if x.get("actor")})
    for line in entry.history:  # the ledger's and the handling record's lines, in the office's time, in order
        line["actor"] = labels.get(line.get("actor"), line.get("actor") or "")
        line["at"] = desk.office_time(office(request), line["at"])
    entry.history.sort(key=lambda line: line["at"])  # (stable: lines of one minute keep their order)
    entry.received_at = desk.office_time(office(request), entry.received_at)
    entry.answered_at = desk.office_time(office(request), entry.answered_at) or None
    row = desk.find(office(request), str(doc_id), actor=who)
    panel = desk.handling_panel(office(request), doc_id, actor=who)
    may = {a: access.may(who, a, row) for a in ("letter_category", "transfer", "letter_assign", "reply")}
    departments = desk.route_departments(office(request)) if may["letter_assign"] else []
    return render(request, "letter.html", who, e=entry, h=panel, may=may, departments=departments,
                  categories=CATEGORIES, done=LETTER_DONE.get(done), status_zh=STATUS_ZH,
                  working_days=office(request).config.settings.handling.letter_working_days)


def _letter_back(doc_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/letters/{doc_id}?done={done}", status_code=303)


@router.post("/letters/{doc_id}/category")
def letter_category(request: Request, doc_id: int, category: str = Form(""), who: Actor = Depends(actor)):
    from pipelines.letters import ops

    ops.set_category(office(request), str(doc_id), category, actor=who)
    return _letter_back(doc_id, "category")


@router.post("/letters/{doc_id}/assign")
def letter_assign(request: Request, doc_id: int, department: str = Form(""), reason: str = Form(""),
                  who: Actor = Depends(actor)):
    """交办 (again) to a department: desk.assign_letter (the 改办 of desk.route, its deadline the letters' working
    days)."""
    desk.assign_letter(office(request), str(doc_id), department, _blank(reason), actor=who)
    return _letter_back(doc_id, "assigned")


@router.post("/letters/{doc_id}/sign")
def letter_sign(request: Request, doc_id: int, who: Actor = Depends(actor)):
    desk.take_step(office(request), doc_id, "sign", actor=who)
    return _letter_back(doc_id, "signed")


@router.post("/letters/{doc_id}/transfer")
def letter_transfer(request: Request, doc_id: int, to: str = Form(""), reason: str = Form(""),
                    who: Actor = Depends(actor)):
    from pipelines.letters import ops

    ops.transfer(office(request), str(doc_id), to, reason, actor=who)
    return _letter_back(doc_id, "transferred")


@router.post("/letters/{doc_id}/reply")
def letter_reply(request: Request, doc_id: int, words: str = Form(""), who: Actor = Depends(actor)):
    from pipelines.letters import ops

    if not words.strip():
        raise DeskRefusal("bad_input", "答复内容不能为空")
    ops.reply(office(request), str(doc_id), words, actor=who)
    return _letter_back(doc_id, "replied")


@router.post("/letters/{doc_id}/done")
def letter_done(request: Request, doc_id: int, words: str = Form(""), who: Actor = Depends(actor)):
    desk.take_step(office(request), doc_id, "done", words=words, actor=who)
    return _letter_back(doc_id, "done")


# -- 承办/督办 on a document (pipelines/handling through desk.take_step) --------------------------------------------

@router.post("/documents/{doc_id}/handling/{step}")
async def handling_step(request: Request, doc_id: int, step: str, who: Actor = Depends(actor)):
    """One 承办/督办 step: the form's fields as desk.take_step's keywords; a 办理情况's files uploaded with it (the
    CSRF token then travels in the x-csrftoken header, as for every upload)."""
    import re

    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile as StarletteUpload

    form = await request.form()
    fields = {k: str(form.get(k) or "") for k in ("words", "by", "title", "category", "due", "kind", "reason",
                                                   "approved_by", "reader")}
    readers = [r for r in re.split(r"[,，、;；\s]+", str(form.get("readers") or "")) if r]
    with tempfile.TemporaryDirectory(prefix="shouwen-upload-") as tmp:
        paths = []
        for n, upload in enumerate(form.getlist("files")):
            if not isinstance(upload, StarletteUpload) or not upload.filename:  # (fastapi's UploadFile subclasses it)
                continue
            data = await upload.read(desk.MAX_UPLOAD_BYTES + 1)
            if len(data) > desk.MAX_UPLOAD_BYTES:
                raise DeskRefusal("bad_input", f"附件过大（上限 {desk.MAX_UPLOAD_BYTES // 1048576} MB）")
            folder = Path(tmp) / str(n)  # each in its own folder: the file keeps its own name
            folder.mkdir()
            path = folder / (Path(upload.filename.replace("\\", "/")).name or "附件")
            path.write_bytes(data)
            paths.append(path)
        try:
            await run_in_threadpool(desk.take_step, office(request), doc_id, step, actor=who, readers=readers,
                                    files=paths, **fields)
        except DeskRefusal as exc:  # (a HandlingRefusal is one)
            return _said_in_form(request, exc)
    # a new URL each time (the step and a stamp): htmx's HX-Redirect to the page's own URL plus a fragment would
    # only scroll, never reload the page with the step recorded
    target = f"/documents/{doc_id}?done=step&step={step}&t={time.time_ns() // 1_000_000}#handling"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _said_in_form(request: Request, exc: DeskRefusal) -> Response:
    """A refusal of a form htmx posted (窗口收文, 办理情况), said in the form's error box: htmx swaps a 200 answer
    only, so the Chinese reason is sent as one (a 4xx would show nothing). Without htmx, and for forbidden or
    not_found (the error page), the refusal goes on to the desk's error page."""
    if request.headers.get("hx-request") and exc.code not in ("forbidden", "not_found"):
        from markupsafe import escape

        return Response(f'<p class="error" role="alert">{escape(exc.message)}</p>', media_type="text/html")
    raise exc


@router.get("/due")
def due(request: Request, days: str = "", department: str = "", leader: str = "", who: Actor = Depends(actor)):
    from pipelines.filters import chosen

    try:  # (empty or 全部: the office's own window, [handling] remind_working_days)
        window = int(chosen(days)) if chosen(days) else None
        if window is not None and window < 0:
            raise ValueError
    except ValueError:
        raise DeskRefusal("bad_input", f"天数应为 0 或正整数，而不是“{days}”") from None
    if leader == "mine":  # a leader's own instructions
        leader = who.display or who.name
    found = desk.due_list(office(request), actor=who, days=window, department=chosen(department), leader=chosen(leader))
    return render(request, "due.html", who, d=found, department=department, leader=leader, days=days)


# -- queues, quarantine, counter, dashboard, accounts ---------------------------------------------------------

@router.get("/queue")
def queue(request: Request, department: str = "", page: int = 1, state: str = "open", who: Actor = Depends(actor)):
    result = desk.queue(office(request), _blank(department), page, 50, state, actor=who)
    return render(request, "queue.html", who, result=result, params={"department": result.department, "state": result.state})


@router.get("/quarantine")
def quarantine(request: Request, who: Actor = Depends(actor)):
    return render(request, "quarantine.html", who, rows=desk.quarantine(office(request), actor=who))


@router.get("/register")
def register_form(request: Request, who: Actor = Depends(actor)):
    access.require(who, "register")
    return render(request, "register.html", who, channels=desk.COUNTER_CHANNELS, error=None, issuer="")


@router.post("/register")
async def register(request: Request, issuer: str = Form(""), channel: str = Form("scan"), file: UploadFile = File(...),
                   who: Actor = Depends(actor)):
    from starlette.concurrency import run_in_threadpool

    data = await file.read(desk.MAX_UPLOAD_BYTES + 1)
    try:
        done = await run_in_threadpool(desk.register_counter, office(request), file.filename or "", data, issuer,
                                       channel, actor=who)
    except DeskRefusal as exc:
        return _said_in_form(request, exc)
    if not done.created:  # registered before: said on the form (with the link), never passed off as 已登记
        return _already_registered(request, who, done, issuer)
    target = f"/documents/{done.row['id']}?done=registered"
    if request.headers.get("hx-request"):  # htmx: the browser goes to the new document's page
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _already_registered(request: Request, who: Actor, done, issuer: str) -> Response:
    """The form again, saying the file was registered before (desk.counter.already_registered) and linking to that
    registration: in the form's box for htmx, else the whole page."""
    from markupsafe import Markup

    said = Markup('<p class="error" role="alert">{}　<a href="/documents/{}">查看 {}</a></p>').format(
        done.note, done.row["id"], done.row["number"])
    if request.headers.get("hx-request"):
        return Response(str(said), media_type="text/html")
    return render(request, "register.html", who, channels=desk.COUNTER_CHANNELS, error=done.note,
                  issuer=issuer)


@router.get("/dashboard")
def dashboard(request: Request, who: Actor = Depends(actor)):
    import json

    from validators.catalog import rule_title

    figures = desk.dashboard(office(request), actor=who)
    charts = {"days": figures.days, "departments": figures.departments,
              "senders": [[s["issuer"], s["rate"], s["returned"], s["total"]] for s in figures.senders],
              "rules": [[rule_title(rule_id), n] for rule_id, n in figures.rules]}  # the rule's Chinese name
    # inside <script type="application/json">: "<", ">" and "&" escaped, so no name can close the element
    data = json.dumps(charts, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    from pipelines.letters import ops

    letter_stats = ops.stats(office(request), actor=who) if access.may(who, "letter_stats") else None
    return render(request, "dashboard.html", who, d=figures, charts=data, ls=letter_stats)


@router.get("/accounts")
def accounts_page(request: Request, who: Actor = Depends(actor)):
    access.require(who, "accounts")
    import dataclasses

    book, at = accounts(request), functools.partial(desk.office_time, office(request))  # Beijing time, as elsewhere
    listed = [dataclasses.replace(a, created_at=at(a.created_at)) for a in book.list()]
    tokens = [{**t, "created_at": at(t["created_at"]), "last_used": at(t["last_used"]), "revoked_at": at(t["revoked_at"])}
              for t in book.tokens()]
    return render(request, "accounts.html", who, accounts=listed, tokens=tokens)


@router.get("/favicon.ico")
def favicon():
    return Response(status_code=204)
