"""What a person reads and does at the web desk (网页办公台), as plain functions of (office, …, actor=): the 登记簿
page and its export, search with facets, a document's page, a department's queue, the quarantine, the dashboard,
and the clerk's and the 机要员's actions. Every function asks pipelines/access.py first; web/ only parses, calls
these and renders.

    ledger_page(office, LedgerFilter, page, size, actor=)   -> LedgerPage     the 登记簿, one page, one query
    ledger_rows(office, LedgerFilter, actor=)               -> iterator       every row, a page at a time (export)
    search_page(office, query, SearchFilter, page, size, order, actor=) -> SearchPage
    document(office, doc_id, actor=)                        -> DocumentView   entry, history, findings, text, pages
    page_png(office, doc_id, n, actor=) / original(…) / return_notice(…)      files, through access
    queue(office, department, page, size, actor=)           -> QueuePage      what was routed to a department
    quarantine(office, actor=)                              -> [dict]         quarantined documents with reasons
    dashboard(office, actor=)                               -> Dashboard      figures, no classified title
    route / to_confidential / release / resend / withdraw / register_counter (…, actor=)   the actions

Refusals are the desk's DeskRefusal (str() Chinese; .code "not_found" / "forbidden" / …). A row the actor may
not see is "not_found": a URL never tells that a number exists.

Who acted is written into each history line (the ledger's actor column, SEAMS S1): until the desk's functions
take actor= themselves (S2, branch house), they are given the office through _Acting, whose ledger writes the
actor's name into every history line they write.
"""
from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterator, Optional
from zoneinfo import ZoneInfo

from . import access
from .actors import Actor
from .ledger import STATUS_ZH
from .ledger.features import Feature

CHANNEL_ZH = {"edoc": "电子公文", "fax": "传真", "scan": "扫描件", "mail": "邮件", "unknown": "未注明"}
LEDGER_COLUMNS = ("id", "year", "seq", "number", "received_at", "channel", "file", "issuer", "doc_number", "doc_type",
                  "title", "urgency", "secrecy", "department", "status", "route_source", "return_state", "verdict")
MAX_PAGE_SIZE = 500
# What the web desk's queries need of the documents table beyond the ledger's own indexes (received_at, status,
# department, revision_of: pipelines/ledger/schema.py): a department's queue by department and status together.
WEB_INDEXES = Feature("web_indexes", steps=(
    "CREATE INDEX IF NOT EXISTS documents_department_status ON documents(department, status)",
))
SEARCH_MAX_HITS = 1000  # relevance paging reads the best page×size hits: past this, narrow the query
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _tz(office) -> ZoneInfo:
    return ZoneInfo(office.config.office.timezone)


def beijing(office, iso: Optional[str]) -> str:
    """An ISO time as the office writes it: 2026-12-06 09:30 in the office's time zone ([office] timezone)."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(_tz(office)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


# -- the 登记簿 --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerFilter:
    date_from: Optional[str] = None  # YYYY-MM-DD (收文日期, the office's day)
    date_to: Optional[str] = None
    status: Optional[str] = None  # STATUSES
    department: Optional[str] = None
    issuer: Optional[str] = None  # 来文单位, part of the name
    channel: Optional[str] = None
    urgency: Optional[str] = None

    @classmethod
    def for_day(cls, day: date, **kw) -> "LedgerFilter":
        return cls(day.isoformat(), day.isoformat(), **kw)

    def checked(self) -> "LedgerFilter":
        for value in (self.date_from, self.date_to):
            if value and not DAY.match(value):
                raise access.refusal("bad_input", f"日期应写作 YYYY-MM-DD，而不是“{value}”")
        if self.status and self.status not in STATUS_ZH:
            raise access.refusal("bad_input", f"没有“{self.status}”这种状态")
        return self


@dataclass
class LedgerRow:
    row: dict
    received: str  # 2026-12-06 09:30
    channel: str  # Chinese
    status: str  # Chinese
    title: str


@dataclass
class LedgerPage:
    rows: list[LedgerRow]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def _scope_sql(scope: access.Scope) -> tuple[list[str], list]:
    """SQL conditions for access.ledger_scope (what access decides, written as the ledger query's WHERE)."""
    where, params = [], []
    if scope.none:
        return ["1 = 0"], []
    if scope.departments is not None:
        where.append(f"department IN ({', '.join('?' * len(scope.departments))})")
        params += list(scope.departments)
    if not scope.confidential:
        # the ledger's own test for a classified or held row (pipelines/ledger/query.py confidential_sql) and the
        # 机要室's rows; access.can_see checks each row read again (also a readable 密级, which the batch always
        # sends to the 机要室 as classified)
        from .ledger.query import confidential_sql

        where.append(f"NOT {confidential_sql('documents')} AND coalesce(department, '') != ?")
        params.append(access.CONFIDENTIAL_OFFICE)
    return where, params


def _day_bound(office, day: str, end: bool) -> str:
    """The ISO instant that starts `day` (or the next day, for an end bound) in the office's time zone."""
    moment = datetime.fromisoformat(day).replace(tzinfo=_tz(office)) + (timedelta(days=1) if end else timedelta())
    return moment.isoformat(timespec="seconds")


def _ledger_where(office, flt: LedgerFilter, actor: Actor) -> tuple[str, list]:
    where, params = _scope_sql(access.ledger_scope(actor))
    # received_at is stored with the office's offset; a day's bounds are compared as instants written the same way
    if flt.date_from:
        where.append("received_at >= ?")
        params.append(_day_bound(office, flt.date_from, end=False))
    if flt.date_to:
        where.append("received_at < ?")
        params.append(_day_bound(office, flt.date_to, end=True))
    for column in ("status", "department", "channel", "urgency"):
        value = getattr(flt, column)
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if flt.issuer:
        where.append("issuer LIKE ?")
        params.append(f"%{flt.issuer}%")
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _ledger_row(office, row: dict) -> LedgerRow:
    return LedgerRow(row, beijing(office, row["received_at"]), CHANNEL_ZH.get(row["channel"], row["channel"]),
                     STATUS_ZH.get(row["status"], row["status"]), row["title"] or row["file"] or "")


def ledger_page(office, flt: LedgerFilter, page: int = 1, size: int = 50, *, actor: Actor) -> LedgerPage:
    """One page of the 登记簿 under `flt`, in 收文编号 order, with the total: two queries whatever the size."""
    access.require(actor, "ledger")
    flt = flt.checked()
    size = max(1, min(MAX_PAGE_SIZE, size))
    page = max(1, page)
    where, params = _ledger_where(office, flt, actor)
    db = office.ledger.store
    total = int(db.one(f"SELECT count(*) AS n FROM documents{where}", tuple(params))["n"])
    rows = db.query(f"SELECT {', '.join(LEDGER_COLUMNS)} FROM documents{where} ORDER BY year, seq LIMIT ? OFFSET ?",
                    tuple(params) + (size, (page - 1) * size))
    return LedgerPage([_ledger_row(office, r) for r in rows if access.can_see(actor, r)], total, page, size)


def ledger_rows(office, flt: LedgerFilter, *, actor: Actor, page_rows: int = 1000) -> Iterator[LedgerRow]:
    """Every row under `flt` in 收文编号 order, read a page at a time by key (export, print view)."""
    access.require(actor, "ledger")
    flt = flt.checked()
    where, params = _ledger_where(office, flt, actor)
    db = office.ledger.store
    after = (0, 0)
    joiner = " AND " if where else " WHERE "
    while True:
        rows = db.query(f"SELECT {', '.join(LEDGER_COLUMNS)} FROM documents{where}{joiner}(year > ? OR (year = ? AND seq > ?))"
                        " ORDER BY year, seq LIMIT ?", tuple(params) + (after[0], after[0], after[1], page_rows))
        for r in rows:
            if access.can_see(actor, r):
                yield _ledger_row(office, r)
        if len(rows) < page_rows:
            return
        after = (rows[-1]["year"], rows[-1]["seq"])


XLSX_HEADINGS = ("收文编号", "收文日期", "来文单位", "来文文号", "紧急程度", "标题", "转办单位", "状态", "来文渠道")


def ledger_xlsx(office, flt: LedgerFilter, out, *, actor: Actor) -> int:
    """The 登记簿 under `flt` as an XLSX workbook written to `out` (a path or a binary file); returns the rows.
    openpyxl's write-only mode: rows stream to the file, memory stays flat for a year's register."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("登记簿")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 17
    sheet.column_dimensions["C"].width = 24
    sheet.column_dimensions["D"].width = 20
    sheet.column_dimensions["F"].width = 50
    sheet.column_dimensions["G"].width = 14
    bold = Font(bold=True)
    heading = []
    for text in XLSX_HEADINGS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    n = 0
    for entry in ledger_rows(office, flt, actor=actor):
        r = entry.row
        sheet.append([_cell(v) for v in (r["number"], entry.received, r["issuer"], r["doc_number"], r["urgency"],
                                         entry.title, r["department"], entry.status, entry.channel)])
        n += 1
    book.save(out)
    return n


def _cell(value):
    """A value as an XLSX cell: text that a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# -- search -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchFilter:
    doc_type: Optional[str] = None
    issuer: Optional[str] = None
    department: Optional[str] = None
    status: Optional[str] = None
    channel: Optional[str] = None
    urgency: Optional[str] = None  # not an index field: checked on the ledger rows of the page
    date_from: Optional[str] = None  # 成文日期, YYYY-MM-DD
    date_to: Optional[str] = None


@dataclass
class SearchHit:
    id: int
    number: str
    title: str
    snippet: str  # with 【】 around the matched words, as the index gives it (escaped before highlighting by web/)
    row: dict
    version: str


@dataclass
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int
    facets: dict  # {"doc_type": {"通知": 12}, …}
    notices: list[str]
    page: int
    size: int
    order: str
    capped: bool = False  # more pages exist than relevance paging reads (SEARCH_MAX_HITS)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, SEARCH_MAX_HITS) // self.size))


def search_page(office, query: str, flt: SearchFilter = SearchFilter(), page: int = 1, size: int = 20,
                order: str = "relevance", *, actor: Actor) -> SearchPage:
    """A page of hits with total and facets, under what access allows (staff: their department, whatever the
    filter says). Raises the index's QueryError / IndexUnavailable, DeskRefusal for a bad date."""
    access.require(actor, "search")
    scope = access.search_filters(actor)
    if scope is None:
        raise access.refusal("forbidden", "您的账户不能检索收文")
    for value in (flt.date_from, flt.date_to):
        if value and not DAY.match(value):
            raise access.refusal("bad_input", f"日期应写作 YYYY-MM-DD，而不是“{value}”")
    size = max(1, min(100, size))
    page = max(1, min(page, SEARCH_MAX_HITS // size))
    filters = {k: getattr(flt, k) or None for k in ("doc_type", "issuer", "department", "status", "channel")}
    filters.update(scope)
    results = office.index.results(query, limit=page * size, date_from=flt.date_from or None,
                                   date_to=flt.date_to or None, order="date" if order == "date" else "relevance",
                                   **filters)
    shown = results.hits[(page - 1) * size:]
    rows, marks = _rows_and_versions(office, [hit.id for hit in shown])
    hits = []
    for hit in shown:
        row = rows.get(hit.id)
        if row is None or not access.can_see(actor, row):  # the index follows the ledger; the ledger decides
            continue
        if flt.urgency and row.get("urgency") != flt.urgency:
            continue
        hits.append(SearchHit(hit.id, hit.number or row["number"], hit.title or row["title"] or row["file"],
                              hit.snippet, row, marks.get(hit.id, "")))
    return SearchPage(query, hits, results.total, results.facets, list(results.notices), page, size, order,
                      capped=results.total > SEARCH_MAX_HITS)


def _rows_and_versions(office, ids: list[int]) -> tuple[dict, dict]:
    """The ledger rows of `ids` and their version marks (as ledger_view.version_mark writes them:
    "（第2版，前版 收〔2026〕4号；已有新版 收〔2026〕6号）"), in three queries whatever the number of ids."""
    if not ids:
        return {}, {}
    db = office.ledger.store
    marks_in = ", ".join("?" * len(ids))
    rows = {r["id"]: r for r in db.query(f"SELECT * FROM documents WHERE id IN ({marks_in})", tuple(ids))}
    earlier = sorted({r["revision_of"] for r in rows.values() if r.get("revision_of")})
    numbers = {r["id"]: r["number"] for r in db.query(
        f"SELECT id, number FROM documents WHERE id IN ({', '.join('?' * len(earlier))})", tuple(earlier))} if earlier else {}
    newer: dict[int, list[str]] = {}
    for r in db.query(f"SELECT revision_of, number FROM documents WHERE revision_of IN ({marks_in}) ORDER BY id", tuple(ids)):
        newer.setdefault(r["revision_of"], []).append(r["number"])
    marks = {}
    for doc_id, row in rows.items():
        parts = []
        if row.get("revision_of"):
            parts.append(f"第{row['revision']}版，前版 {numbers.get(row['revision_of'])}")
        if newer.get(doc_id):
            parts.append(f"已有新版 {'、'.join(newer[doc_id])}")
        marks[doc_id] = f"（{'；'.join(parts)}）" if parts else ""
    return rows, marks


# -- one document -----------------------------------------------------------------------------------------------

def _get(office, doc_id, actor: Actor, action: str = "read") -> dict:
    """The row of ledger id (or 收文编号) `doc_id` if `actor` may take `action` on it; not_found otherwise."""
    key = str(doc_id)
    row = office.ledger.find(key) if key else None
    if row is None:
        raise access.not_found(key)
    access.require(actor, action, row, key)
    return row


@dataclass
class DocumentView:
    row: dict
    received: str
    channel: str
    status: str
    history: list[dict]  # {at (office time), status (Chinese), note, actor}
    findings: list[dict]
    pages: int  # page images (0: none; see images_note)
    images_note: str  # why there are no images ("" when there are)
    boxes: dict  # page → [page_images.Box]
    text: str
    text_note: str
    revision_of: Optional[dict] = None  # {id, number} where the actor may see it
    newer: list = field(default_factory=list)
    copies: list = field(default_factory=list)
    linked_to: Optional[dict] = None
    has_notice: bool = False
    actions: list = field(default_factory=list)  # what this actor may do now: [(name, Chinese label)]


def _linked(office, actor: Actor, doc_id: Optional[int]) -> Optional[dict]:
    if not doc_id:
        return None
    row = office.ledger.get(doc_id)
    return {"id": row["id"], "number": row["number"]} if row and access.can_see(actor, row) else None


def _numbers(office, actor: Actor, numbers: list[str]) -> list[dict]:
    out = []
    for number in numbers:
        row = office.ledger.find(number)
        if row and access.can_see(actor, row):
            out.append({"id": row["id"], "number": row["number"]})
    return out


def actions_for(actor: Actor, row: dict) -> list[tuple[str, str]]:
    """The actions `actor` may take on `row` in its present state, as (name, label)."""
    status, out = row["status"], []

    def may(action: str) -> bool:
        try:
            access.require(actor, action, row)
            return True
        except ValueError:
            return False

    if status == "indexed" and may("route"):
        out.append(("route", "改办"))
    if status in ("indexed", "held") and may("to_confidential"):
        out.append(("to_confidential", "转机要室"))
    if (status == "held" or (status == "routed" and row.get("route_source") == "classified")) and may("release"):
        out.append(("release", "核定非涉密，转入分办"))
    if status == "returned" and row.get("return_state") != "withdrawn" and may("resend"):
        out.append(("resend", "重发退文通知单"))
    if status == "returned" and may("withdraw"):
        out.append(("withdraw", "撤回退文"))
    return out


def document(office, doc_id, *, actor: Actor, images: bool = True) -> DocumentView:
    """Everything a document's page shows, for `actor` (not_found where it may not see the document).
    images=False: no page images and no text (the API's entry and findings)."""
    from . import page_images

    row = _get(office, doc_id, actor)
    ledger = office.ledger
    lines = ledger.history(row["id"])
    labels = _actor_labels(office, {h.get("actor") for h in lines if h.get("actor")})
    history = [{"at": beijing(office, h["at"]), "status": STATUS_ZH.get(h["status"], h["status"]),
                "note": h.get("note") or "", "actor": labels.get(h.get("actor"), h.get("actor") or "")} for h in lines]
    try:
        findings = json.loads(row["findings"] or "[]")
    except ValueError:
        findings = []
    pages, note, boxes, text, text_note = 0, "", {}, "", ""
    if images:
        try:
            pages = page_images.page_count(office.root, row)
            boxes = page_images.finding_boxes(findings, page_images.page_sizes(office.root, row))
        except page_images.NoImages as exc:
            note = str(exc)
        text, text_note = _text(office, row)
    return DocumentView(
        row, beijing(office, row["received_at"]), CHANNEL_ZH.get(row["channel"], row["channel"]),
        STATUS_ZH.get(row["status"], row["status"]), history, findings, pages, note, boxes, text, text_note,
        revision_of=_linked(office, actor, row.get("revision_of")), newer=_numbers(office, actor, ledger.newer_versions(row["id"])),
        copies=_numbers(office, actor, ledger.linked_copies(row["id"])), linked_to=_linked(office, actor, row.get("linked_to")),
        has_notice=bool(row.get("return_path")), actions=actions_for(actor, row))


def _actor_labels(office, names: set) -> dict:
    """How the history shows who acted: an account as 姓名（角色）, the batch as 批处理, a CLI user as 命令行（user）."""
    from .accounts import Accounts

    accounts = Accounts.open(office)
    labels = {}
    for name in names:
        if name == "batch":
            labels[name] = "批处理"
        elif name.startswith("cli:"):
            labels[name] = f"命令行（{name[4:]}）"
        else:
            account = accounts.get(name)
            labels[name] = account.actor.history_name if account else name
    return labels


TEXT_LIMIT = 200_000  # characters of extracted text shown on the page


def _text(office, row: dict) -> tuple[str, str]:
    """The extracted text: the index's stored text where the document is indexed, else read again from the
    original without OCR (e-documents), cached under cache/text/; ("", why) where there is none."""
    if row["status"] == "quarantined":
        return "", "本件已隔离，未提取文字"
    if row["status"] == "indexed":
        try:
            stored = office.index.stored_texts([row["id"]]).get(row["id"])
        except Exception:  # the index is down: read the original instead
            stored = None
        if stored:
            return stored[1][:TEXT_LIMIT], ""
    cache = office.root / "cache" / "text" / f"{row['sha256']}.txt"
    try:
        return cache.read_text(encoding="utf-8")[:TEXT_LIMIT], ""
    except OSError:
        pass
    if row.get("channel") in ("fax", "scan") or (row.get("format") or "") in ("tiff", "png", "jpeg"):
        return "", "扫描件和传真的文字由批处理识别（OCR），未入检索的不在此重复识别；请看页面图像"
    try:
        from extractors import extract

        document = extract((office.root / row["archive_path"]).read_bytes(), row.get("format"), ocr=False)
        text = "\n".join(line.text for page in document.pages for line in page.lines)
    except Exception as exc:
        return "", f"原件文字无法提取（{getattr(exc, 'reason', type(exc).__name__)}）"
    from . import page_images

    page_images._write_atomically(cache, text.encode("utf-8"))
    return text[:TEXT_LIMIT], ""


def page_png(office, doc_id, number: int, *, actor: Actor) -> Path:
    from . import page_images

    row = _get(office, doc_id, actor)
    try:
        return page_images.page_image(office.root, row, number)
    except (IndexError, page_images.NoImages):
        raise access.refusal("not_found", f"{row['number']} 没有第 {number} 页的图像") from None


def download_name(row: dict, path: Path, kind: str = "") -> str:
    """A file name for a download: 收文编号 and the file's own name (the 机要员 only ever gets classified ones)."""
    base = f"{row['number']}{kind}"
    return base + path.suffix if kind else f"{row['number']}-{row['file']}"


def original(office, doc_id, *, actor: Actor) -> tuple[Path, str]:
    row = _get(office, doc_id, actor)
    path = office.root / row["archive_path"]
    return path, download_name(row, path)


def return_notice(office, doc_id, *, actor: Actor) -> tuple[Path, str]:
    row = _get(office, doc_id, actor)
    if not row.get("return_path"):
        raise access.refusal("not_found", f"{row['number']} 没有退文通知单")
    path = office.root / row["return_path"]
    if not path.exists():
        raise access.refusal("not_found", f"{row['number']} 的退文通知单已不在发件箱（已撤回？）")
    return path, download_name(row, path, "-退文通知单")


# -- queues, quarantine ----------------------------------------------------------------------------------------

@dataclass
class QueuePage:
    department: Optional[str]
    departments: list[str]  # the queues this actor may open
    rows: list[LedgerRow]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


QUEUE_STATES = ("routed", "indexed")


def queue_departments(office, actor: Actor) -> list[str]:
    from .desk import known_departments

    scope = access.ledger_scope(actor)
    if scope.none:
        return []
    if scope.departments is not None:
        return list(scope.departments)
    names = set(office.departments) or known_departments(office)
    names.discard(access.CONFIDENTIAL_OFFICE)
    ordered = sorted(names)
    return [access.CONFIDENTIAL_OFFICE] + ordered if scope.confidential else ordered  # the 机要员's own queue first


def queue(office, department: Optional[str], page: int = 1, size: int = 50, *, actor: Actor) -> QueuePage:
    """What was routed to `department` (staff: always their own), newest first; the 机要员's 机要室 queue also
    holds the documents held for them (待机要员核定)."""
    access.require(actor, "queue")
    departments = queue_departments(office, actor)
    if not departments:
        raise access.refusal("forbidden", "您的账户没有可查看的承办部门")
    if department not in departments:
        department = departments[0]
    size, page = max(1, min(MAX_PAGE_SIZE, size)), max(1, page)
    where, params = _scope_sql(access.ledger_scope(actor))
    if department == access.CONFIDENTIAL_OFFICE:
        where.append("(department = ? OR status = 'held')")
        params.append(department)
    else:
        where.append(f"department = ? AND status IN ({', '.join('?' * len(QUEUE_STATES))})")
        params += [department, *QUEUE_STATES]
    sql_where = " WHERE " + " AND ".join(where)
    db = office.ledger.store
    total = int(db.one(f"SELECT count(*) AS n FROM documents{sql_where}", tuple(params))["n"])
    rows = db.query(f"SELECT {', '.join(LEDGER_COLUMNS)} FROM documents{sql_where} ORDER BY received_at DESC, id DESC"
                    " LIMIT ? OFFSET ?", tuple(params) + (size, (page - 1) * size))
    return QueuePage(department, departments, [_ledger_row(office, r) for r in rows if access.can_see(actor, r)],
                     total, page, size)


def quarantine(office, *, actor: Actor, limit: int = 200) -> list[dict]:
    """Quarantined documents (newest first) with their reasons, as far as the actor may see them: the clerk
    sees those not held for the 机要员."""
    access.require(actor, "quarantine")
    where, params = _scope_sql(access.ledger_scope(actor))
    where.append("status = 'quarantined'")
    rows = office.ledger.store.query(
        f"SELECT id, number, received_at, channel, file, reason, secrecy, department, status, route_source FROM documents"
        f" WHERE {' AND '.join(where)} ORDER BY received_at DESC, id DESC LIMIT ?", tuple(params) + (limit,))
    return [{**r, "received": beijing(office, r["received_at"]), "channel_zh": CHANNEL_ZH.get(r["channel"], r["channel"])}
            for r in rows if access.can_see(actor, r)]


# -- the dashboard ----------------------------------------------------------------------------------------------

@dataclass
class Dashboard:
    days: list[tuple[str, int]]  # (YYYY-MM-DD, documents received), the last DASHBOARD_DAYS days
    departments: list[tuple[str, int]]  # (承办部门, documents)
    senders: list[dict]  # {issuer, total, returned, rate}
    rules: list[tuple[str, int]]  # (rule id, times broken in returned documents)
    waiting: list[LedgerRow]  # not finished, oldest first
    quarantined: int
    total: int


DASHBOARD_DAYS = 30
RULES_SAMPLE = 5000  # returned documents whose findings are counted (the newest)


def dashboard(office, *, actor: Actor) -> Dashboard:
    """The office's figures under access (the 机要员's include classified documents as counts, never titles:
    the waiting list shows only documents whose titles may be listed to everyone)."""
    access.require(actor, "dashboard")
    base, params = _scope_sql(access.ledger_scope(actor))
    db = office.ledger.store

    def where(*extra: str) -> str:
        parts = base + list(extra)
        return (" WHERE " + " AND ".join(parts)) if parts else ""

    today = datetime.now(_tz(office)).date()
    first = today - timedelta(days=DASHBOARD_DAYS - 1)
    since = _day_bound(office, first.isoformat(), end=False)
    counts: dict[str, int] = {}
    for r in db.query(f"SELECT received_at FROM documents{where('received_at >= ?')}", tuple(params) + (since,)):
        day = beijing(office, r["received_at"])[:10]
        counts[day] = counts.get(day, 0) + 1
    days = [((first + timedelta(days=i)).isoformat(), counts.get((first + timedelta(days=i)).isoformat(), 0))
            for i in range(DASHBOARD_DAYS)]
    departments = [(r["department"], int(r["n"])) for r in db.query(
        f"SELECT department, count(*) AS n FROM documents{where('department IS NOT NULL')} GROUP BY department"
        " ORDER BY n DESC LIMIT 20", tuple(params))]
    senders = []
    for r in db.query(f"SELECT issuer, count(*) AS n, sum(CASE WHEN status = 'returned' THEN 1 ELSE 0 END) AS returned"
                      f" FROM documents{where('issuer IS NOT NULL')} GROUP BY issuer ORDER BY returned DESC, n DESC LIMIT 15",
                      tuple(params)):
        senders.append({"issuer": r["issuer"], "total": int(r["n"]), "returned": int(r["returned"] or 0),
                        "rate": round(100 * int(r["returned"] or 0) / max(1, int(r["n"])), 1)})
    broken: dict[str, int] = {}
    for r in db.query(f"SELECT findings FROM documents{where('status = ?')} ORDER BY id DESC LIMIT ?",
                      tuple(params) + ("returned", RULES_SAMPLE)):
        try:
            for f in json.loads(r["findings"] or "[]"):
                if f.get("severity") == "error":
                    broken[f["rule"]] = broken.get(f["rule"], 0) + 1
        except (ValueError, KeyError, TypeError):
            continue
    rules = sorted(broken.items(), key=lambda kv: -kv[1])[:10]
    open_states = ("registered", "reviewed", "routed")
    waiting_where, waiting_params = _scope_sql(access.Scope(departments=access.ledger_scope(actor).departments))
    waiting_where.append(f"status IN ({', '.join('?' * len(open_states))})")
    waiting_rows = db.query(f"SELECT {', '.join(LEDGER_COLUMNS)} FROM documents WHERE {' AND '.join(waiting_where)}"
                            " ORDER BY received_at, id LIMIT 10", tuple(waiting_params) + open_states)
    waiting = [_ledger_row(office, r) for r in waiting_rows
               if access.can_see(actor, r) and not access.is_confidential(r)]  # no classified title, even for the 机要员
    quarantined = int(db.one(f"SELECT count(*) AS n FROM documents{where('status = ?')}", tuple(params) + ("quarantined",))["n"])
    total = int(db.one(f"SELECT count(*) AS n FROM documents{where()}", tuple(params))["n"])
    return Dashboard(days, departments, senders, rules, waiting, quarantined, total)


# -- actions ----------------------------------------------------------------------------------------------------

def _desk_takes_actor(function) -> bool:
    return "actor" in inspect.signature(function).parameters


class _ActingLedger:
    """The ledger as a desk function acting for `actor` sees it: every history line it writes names the actor
    (SEAMS S1's actor column). Until the desk takes actor= itself (S2, branch house)."""

    def __init__(self, ledger, actor: str):
        self._ledger, self._actor = ledger, actor

    def __getattr__(self, name):
        return getattr(self._ledger, name)

    def register(self, *args, actor: Optional[str] = None, **kwargs):
        return self._ledger.register(*args, actor=actor or self._actor, **kwargs)

    def set_status(self, *args, actor: Optional[str] = None, **kwargs):
        return self._ledger.set_status(*args, actor=actor or self._actor, **kwargs)

    def note(self, *args, actor: Optional[str] = None, **kwargs):
        return self._ledger.note(*args, actor=actor or self._actor, **kwargs)


class _Acting:
    """The office with its ledger acting for `actor` (_ActingLedger); everything else is the office's own."""

    def __init__(self, office, actor: Actor):
        self._office, self._actor = office, actor

    def __getattr__(self, name):
        return getattr(self._office, name)

    @property
    def ledger(self):
        return _ActingLedger(self._office.ledger, self._actor.name)


def _call(office, function, row: dict, actor: Actor, *args, **kwargs):
    if _desk_takes_actor(function):
        return function(office, row["number"], *args, actor=actor, **kwargs)
    return function(_Acting(office, actor), row["number"], *args, **kwargs)


def route(office, doc_id, department: str, reason: str, *, actor: Actor):
    """改办 with the clerk's reason (required): desk.route, the router learns from it."""
    from . import desk

    row = _get(office, doc_id, actor, "route")
    reason = (reason or "").strip()
    if not reason:
        raise access.refusal("bad_input", "改办须写明理由")
    department = (department or "").strip()
    if department == access.CONFIDENTIAL_OFFICE:
        raise access.refusal("forbidden", "转机要室由机要员办理")
    return _call(office, desk.route, row, actor, department, f"文秘人员改办：{reason}")


def to_confidential(office, doc_id, reason: str = "", *, actor: Actor):
    """转机要室 (the 机要员 only): a held document found classified, or an indexed one found classified."""
    from . import desk

    row = _get(office, doc_id, actor, "to_confidential")
    return _call(office, desk.route, row, actor, access.CONFIDENTIAL_OFFICE, (reason or "").strip() or None)


def release(office, doc_id, reason: str = "", *, actor: Actor):
    from . import desk

    row = _get(office, doc_id, actor, "release")
    return _call(office, desk.release, row, actor, (reason or "").strip() or None)


def resend(office, doc_id, *, actor: Actor):
    from . import desk

    row = _get(office, doc_id, actor, "resend")
    return _call(office, desk.resend, row, actor)


def withdraw(office, doc_id, reason: str, *, actor: Actor):
    from . import desk

    row = _get(office, doc_id, actor, "withdraw")
    reason = (reason or "").strip() or "文秘人员复核后撤回退文"
    return _call(office, desk.withdraw, row, actor, reason)


COUNTER_CHANNELS = {"scan": "纸质公文扫描件", "edoc": "电子文件（U盘、光盘等）"}
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass
class Registered:
    row: dict
    created: bool  # False: the same file was registered before (its number is given)


def register_counter(office, file_name: str, data: bytes, issuer: str, channel: str = "scan", *,
                     actor: Actor) -> Registered:
    """窗口收文: a paper document handed in at the counter, uploaded as a scan or file, with the 来文单位 typed in.
    It is archived and registered now (the same numbering as every 收文: intake.copy_in + ledger.register, as
    the batch's 签收), and the next batch reviews, returns or routes it like any other. The typed 来文单位 is
    kept on the row (the batch keeps it where the document itself names none) and in its history."""
    import os
    import tempfile

    from .batch import take_one
    from .intake import Arrival, display_name

    access.require(actor, "register")
    issuer = (issuer or "").strip()
    if not issuer:
        raise access.refusal("bad_input", "请填写来文单位")
    if channel not in COUNTER_CHANNELS:
        raise access.refusal("bad_input", f"来文渠道应为 {'、'.join(COUNTER_CHANNELS)} 之一")
    if not data:
        raise access.refusal("bad_input", "上传的文件是空的")
    if len(data) > MAX_UPLOAD_BYTES:
        raise access.refusal("bad_input", f"文件过大（上限 {MAX_UPLOAD_BYTES // 1048576} MB）")
    name = Path(file_name or "窗口收文").name.strip() or "窗口收文"
    folder = office.root / "inbox" / ".counter"  # not a channel: the batch's scan never looks here
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        raw = os.fsencode(tmp)
        shown, raw_hex = display_name(os.fsencode(name))
        arrival = Arrival(channel, raw, shown, raw_hex, os.lstat(raw))
        created, _duplicate, number = take_one(_Acting(office, actor), arrival)  # moves the upload to received/<channel>/
    finally:
        Path(tmp).unlink(missing_ok=True)
    row = office.ledger.find(number)
    if not created and not access.can_see(actor, row):  # registered before, and not the clerk's to know
        raise access.refusal("duplicate", "此文件此前已登记，不重复登记")
    if created:
        office.ledger.set_status(row["id"], "registered", f"窗口收文，来文单位（登记人填写）：{issuer}",
                                 expect_version=row["version"], issuer=issuer, actor=actor.name)
        row = office.ledger.get(row["id"])
    return Registered(row, created)
