"""The 登记簿 as one actor may see it (登记簿视图): one page, every page (export, print), and the XLSX.

    ledger_page(office, query, actor=)          -> LedgerPage   one page: the query narrowed by access.ledger_scope
    ledger_entries(office, year, actor=)        -> [LedgerEntry] every row the actor may see, a page at a time
    ledger_walk(office, query, actor=)          -> iterator      every row under a query, page by page (keyset)
    ledger_xlsx(office, query, out, actor=)     -> int           the register as an XLSX workbook (rows written)

Each entry carries what the office's register shows (收文编号, 收文日期 in Beijing time, 来文单位, 来文文号, 紧急程度,
标题, 转办单位, status in Chinese, the channel in Chinese) and, for the 机要员 only, the 密级 and 保密期限. A row
the actor may not see is not there at all: not masked, not counted (access.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Optional

from ..access import Scope, can_see, ledger_scope, require, sees_confidential, shows_original
from ..actors import Actor, acting
from ..ledger import STATUS_ZH, LedgerQuery
from ..ledger.query import MAX_LIMIT, count_zh
from .common import channel_zh, known_channel, office_time, secrecy_parts

RETURN_STATES = {"resent": "（已重发）", "withdrawn": "（退文已撤回）"}
LEDGER_FIELDS = ("number", "received_at", "channel", "file", "sha256", "issuer", "doc_number", "doc_type", "title",
                 "verdict", "department", "status")
LEDGER_JSON_EXTRA = ("route_reason", "route_source", "route_confidence", "return_state", "return_path", "reason",
                     "pages", "file_raw", "urgency")
CONFIDENTIAL_JSON = ("secrecy",)  # what `--json` adds for the 机要员 (with secrecy_level, secrecy_period)
# the office's register (登记簿) as the clerk keeps it on paper, in its order; the 机要员's adds 密级 and 保密期限
COLUMNS = ("收文编号", "收文日期", "来文单位", "来文文号", "紧急程度", "标题", "转办单位", "状态", "来文渠道")
CONFIDENTIAL_COLUMNS = ("密级", "保密期限")


@dataclass
class LedgerEntry:
    row: dict  # the ledger row, as stored
    status: str  # the status in Chinese (已入检索, 已退文 …)
    return_state: str  # （已重发） / （退文已撤回） / ""
    marks: str  # ledger_view.ledger_marks: "  同 收〔2026〕3号", "  邮件 发件人 …", …
    extras: dict = field(default_factory=dict)  # ledger_view.ledger_extras: mail_*, linked_to, revision_of, seals …
    received: str = ""  # 收文日期 as the office writes it: 2026-03-02 09:15 (Beijing time)
    channel: str = ""  # 来文渠道 in Chinese
    secrecy: Optional[tuple[str, str]] = None  # (密级, 保密期限) for the 机要员; None for everyone else

    @property
    def title(self) -> str:
        """What the 登记簿 shows as the title: the title, else the file name."""
        return self.row["title"] or self.row["file"]

    def cells(self) -> list:
        """The register's columns (COLUMNS, then CONFIDENTIAL_COLUMNS for the 机要员) for this row."""
        row = self.row
        out = [row["number"], self.received, row.get("issuer") or "", row.get("doc_number") or "",
               row.get("urgency") or "", self.title, row.get("department") or "", self.status + self.return_state,
               self.channel]
        return out + list(self.secrecy) if self.secrecy is not None else out

    def record(self) -> dict:
        """One JSON object of `shouwen ledger --json` (the 机要员's with secrecy, secrecy_level, secrecy_period)."""
        row = self.row
        out = {**{k: row.get(k) for k in LEDGER_FIELDS + LEDGER_JSON_EXTRA}, **self.extras,
               "received": self.received, "channel_zh": self.channel}
        # 公文 or 来信 (issue 22: pipelines/letters/): a letter's ledger row carries kind "letter", no personal field
        out["kind"] = "letter" if row.get("kind") == "letter" else "document"
        out["kind_zh"] = "来信" if out["kind"] == "letter" else "公文"
        if self.secrecy is not None:
            out.update({k: row.get(k) for k in CONFIDENTIAL_JSON}, secrecy_level=self.secrecy[0] or None,
                       secrecy_period=self.secrecy[1] or None)
        return out


@dataclass
class LedgerPage:
    entries: list[LedgerEntry]
    total: int  # rows matching the query as the actor may see them, all pages together
    offset: int
    next: Optional[LedgerQuery]  # the next page's query (keyset), None after the last
    confidential_columns: bool = False  # the 机要员's view: 密级 and 保密期限 shown
    exact: bool = True  # False: total is an estimate (more rows match than ledger.query.COUNT_EXACT_UP_TO)

    @property
    def total_zh(self) -> str:
        """"共 1,234 件", or past the count's bound "约 330,000 件" (never an estimate said as exact)."""
        return count_zh(self.total, self.exact)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS + (CONFIDENTIAL_COLUMNS if self.confidential_columns else ())


def ledger_entries(office, year: Optional[int] = None, *, actor: Optional[Actor] = None) -> list[LedgerEntry]:
    """Every registration `actor` may see in 收文编号 order (of one year, when given)."""
    return list(ledger_walk(office, LedgerQuery(year=year, limit=MAX_LIMIT), actor=actor))


def ledger_walk(office, query: LedgerQuery, *, actor: Optional[Actor] = None) -> Iterator[LedgerEntry]:
    """Every entry under `query` the actor may see, read a page of query.limit at a time by key (the export,
    the print view, `shouwen ledger` without --limit): memory stays flat whatever the register holds."""
    next_query: Optional[LedgerQuery] = query
    while next_query is not None:
        page = ledger_page(office, next_query, actor=actor)
        yield from page.entries
        next_query = page.next


def ledger_page(office, query: LedgerQuery, *, actor: Optional[Actor] = None) -> LedgerPage:
    """One page of the 登记簿 as `actor` may see it: the query (filters, order, limit, offset or keyset) narrowed
    by access.ledger_scope (a department's staff: their department; classified and held rows left out — not
    listed, not counted — for everyone but the 机要员). Three statements whatever the page size (ledger.page's
    two, and one for the marks' numbers: a version or copy the actor may not see is not named). ValueError
    (Chinese) for a bad filter; DeskRefusal "forbidden" for a role that reads no documents."""
    from ..ledger_view import ledger_extras, ledger_marks

    actor = acting(actor)
    require(actor, "ledger")
    known_channel(office, query.channel)
    query = scoped(query, ledger_scope(actor))
    ledger = office.ledger
    page = ledger.page(query)
    rows = [row for row in page.rows if can_see(actor, row)]  # the scope said so in SQL: this is the second lock
    rows = [_file_shown(actor, row) for row in rows]
    _hide_unseen_marks(ledger, rows, actor)
    confidential = sees_confidential(actor)
    entries = [LedgerEntry(row, STATUS_ZH[row["status"]], RETURN_STATES.get(row["return_state"] or "", ""),
                           ledger_marks(ledger, row), ledger_extras(ledger, row), office_time(office, row["received_at"]),
                           channel_zh(row["channel"]), secrecy_parts(row.get("secrecy")) if confidential else None)
               for row in rows]
    return LedgerPage(entries, page.total, query.offset, page.next(), confidential, exact=page.exact)


LETTER_FILE_HIDDEN = "（来信，文件名不予显示）"


def _file_shown(actor: Actor, row: dict) -> dict:
    """The row with its file name as `actor` may read it: a 来信's file name may carry its writer's name or
    telephone (a 12345 work order named by the caller's number), so it goes where the original goes
    (access.shows_original: the 文秘 and the 交办 department); to anyone else LETTER_FILE_HIDDEN."""
    if shows_original(actor, row):
        return row
    return {**row, "file": LETTER_FILE_HIDDEN}


def _hide_unseen_marks(ledger, rows: list[dict], actor: Actor) -> None:
    """Drop from the rows' joined marks (newer_versions, linked_copies, linked_to_number, revision_of_number) the
    收文编号 of registrations `actor` may not see (a version later sent to the 机要室): one statement for the page."""
    named = {n for row in rows for n in (row.get("newer_versions") or []) + (row.get("linked_copies") or [])}
    named |= {row.get(k) for row in rows for k in ("linked_to_number", "revision_of_number") if row.get(k)}
    if not named:
        return
    marks = ", ".join("?" * len(named))
    others = {r["number"]: r for r in ledger.store.query(
        "SELECT id, number, status, department, route_source, secrecy FROM documents"
        f" WHERE number IN ({marks})", tuple(named))}
    hidden = {n for n in named if n not in others or not can_see(actor, others[n])}
    if not hidden:
        return
    for row in rows:
        for key in ("newer_versions", "linked_copies"):
            row[key] = [n for n in row.get(key) or [] if n not in hidden]
        for key, column in (("linked_to_number", "linked_to"), ("revision_of_number", "revision_of")):
            if row.get(key) in hidden:
                row[key], row[column] = None, None


def scoped(query: LedgerQuery, scope: Scope) -> LedgerQuery:
    """`query` with what `scope` requires (access.ledger_scope) added: its departments intersected, classified
    and held rows left out where the scope excludes them, nothing at all for an empty scope."""
    if scope.nothing:
        return replace(query, departments=())
    if scope.departments is not None:
        asked = scope.departments if query.departments is None else query.departments
        query = replace(query, departments=tuple(d for d in asked if d in scope.departments))
    if scope.confidential == "excluded":
        query = replace(query, departments=() if query.confidential_only else query.departments,
                        confidential_only=False, include_confidential=False)
    return query


def ledger_xlsx(office, query: LedgerQuery, out, *, actor: Optional[Actor] = None, title: str = "登记簿") -> int:
    """The 登记簿 under `query` as an XLSX workbook written to `out` (a path or a binary file), with the office's
    columns (the 机要员's with 密级 and 保密期限); returns the rows written. openpyxl's write-only mode: rows stream
    to the file, memory stays flat for a year's register. Text a spreadsheet would run as a formula (=, +, -, @)
    is written as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    actor = acting(actor)
    require(actor, "ledger")
    columns = COLUMNS + (CONFIDENTIAL_COLUMNS if sees_confidential(actor) else ())
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for letter, width in zip("ABCDEFGHIJK", (16, 17, 24, 22, 9, 52, 14, 14, 10, 8, 10)):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    heading = []
    for text in columns:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    written = 0
    for entry in ledger_walk(office, replace(query, limit=MAX_LIMIT, offset=0, after=None), actor=actor):
        sheet.append([_cell(v) for v in entry.cells()])
        written += 1
    book.save(out)
    return written


def _cell(value):
    """A value as an XLSX cell: text that a spreadsheet would run as a formula is kept as text (a leading ')."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
