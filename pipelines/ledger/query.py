"""A page of the 登记簿 (登记簿分页查询): filtered, ordered, with the marks `shouwen ledger` shows joined in SQL.

    page = ledger.page(LedgerQuery(statuses=("returned",), date_from="2026-03-01", limit=50))
    page.rows      documents rows, each with linked_to_number / revision_of_number (收文编号 or None) and
                   newer_versions / linked_copies (lists of 收文编号, oldest first): ledger_view's marks
    page.total     how many rows the filters match, all pages together
    page.next_after  the key to pass as `after` for the next page (keyset paging), None on the last page

Two statements per page, whatever the ledger holds: the rows (marks as joins and correlated sub-queries on
indexed columns) and the count.

Who is asking is not decided here (pipelines/access.py does that); its answer arrives as plain filters:
`departments` (None: any), `include_confidential`, `confidential_only`. What "confidential" means for a row —
classified (sent to the 机要室 as such) or held for the 机要员 (密级 unread) — is written once here, in Python
(is_confidential) and in SQL (confidential_sql), side by side; a test holds them to the same answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Optional, Sequence

from .core import STATUS_ZH, STATUSES

MAX_LIMIT = 1000
ORDERS = {  # name → the key columns, ascending or not
    "number": (("year", "seq"), True),  # 收文编号, oldest first (the 登记簿's own order)
    "-number": (("year", "seq"), False),  # newest first
    "received": (("received_at", "id"), True),  # 收文时间
    "-received": (("received_at", "id"), False),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SEPARATOR = "、"  # between 收文编号 in an aggregated list; no 收文编号 contains it


# What "confidential" means for a row, in Python and in SQL, is pipelines/secrecy.py's (the one module that names
# the 机要室): every paged query filters on it; re-exported here for the ledger's callers.
from ..secrecy import confidential_sql, is_confidential, names_level  # noqa: E402,F401

AGGREGATE = {  # the 收文编号 of the rows whose `column` points at d, oldest first, SEPARATOR between them
    "sqlite": "(SELECT group_concat(number, '、') FROM (SELECT n.number FROM documents n"
              " WHERE n.{column} = d.id ORDER BY n.id))",
    "postgresql": "(SELECT string_agg(n.number, '、' ORDER BY n.id) FROM documents n WHERE n.{column} = d.id)",
}


@dataclass(frozen=True)
class LedgerQuery:
    """What a page of the 登记簿 shows. Every filter is optional; ValueError (Chinese) for a bad one.

    date_from, date_to   收文日期 YYYY-MM-DD, both days included (the office's local date of received_at)
    statuses             any of these statuses (STATUSES)
    departments          None: any; a list: 承办部门 among these (an empty list matches nothing)
    issuer, channel, kind  来文单位, 来文渠道 (edoc, fax, mail, scan), 文种 (doc_type): exact values
    issuer_contains      来文单位 containing these characters (a partial match: 教育局 finds 贵阳市教育局)
    urgency              紧急程度 (特急, 加急, 平急 …): exact value
    year                 收文编号's year
    ids                  these documents only (ledger ids)
    include_confidential False: classified and held rows left out; confidential_only: only those
    order                "number" | "-number" | "received" | "-received"
    limit, offset        at most `limit` rows (1…MAX_LIMIT), after skipping `offset`
    after                keyset paging: the previous page's next_after (the rows after that key, in `order`)
    """

    date_from: Optional[str] = None
    date_to: Optional[str] = None
    statuses: Sequence[str] = ()
    departments: Optional[Sequence[str]] = None
    issuer: Optional[str] = None
    issuer_contains: Optional[str] = None
    urgency: Optional[str] = None
    channel: Optional[str] = None
    kind: Optional[str] = None
    year: Optional[int] = None
    ids: Optional[Sequence[int]] = None
    include_confidential: bool = True
    confidential_only: bool = False
    order: str = "number"
    limit: int = 50
    offset: int = 0
    after: Optional[tuple] = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None:
                try:
                    if not DAY.fullmatch(value):
                        raise ValueError
                    date.fromisoformat(value)
                except ValueError:
                    raise ValueError(f"日期“{value}”无效，应为 YYYY-MM-DD") from None
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise ValueError(f"没有这种状态：{'、'.join(map(str, unknown))}（可用：{'、'.join(f'{k}（{v}）' for k, v in STATUS_ZH.items())}）")
        if self.order not in ORDERS:
            raise ValueError(f"排序方式“{self.order}”无效（可用：{'、'.join(ORDERS)}）")
        if not (isinstance(self.limit, int) and 1 <= self.limit <= MAX_LIMIT):
            raise ValueError(f"每页条数应为 1 到 {MAX_LIMIT}")
        if not (isinstance(self.offset, int) and self.offset >= 0):
            raise ValueError("跳过条数不能为负数")
        if self.after is not None and len(self.after) != 2:
            raise ValueError("after 应为上一页的 next_after")
        if not self.include_confidential and self.confidential_only:
            raise ValueError("不能既排除又只要涉密收文")
        if self.issuer_contains is not None and not self.issuer_contains.strip():
            object.__setattr__(self, "issuer_contains", None)  # an empty box on a form: no filter
        if self.issuer_contains is not None and len(self.issuer_contains) > 100:
            raise ValueError("来文单位检索词过长（至多 100 字）")

    def where(self) -> tuple[str, list]:
        """The filters as an SQL condition on `documents d` ("?" placeholders) and its parameters (no paging)."""
        clauses, params = [], []
        if self.date_from:
            clauses.append("d.received_at >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("d.received_at < ?")
            params.append((date.fromisoformat(self.date_to) + timedelta(days=1)).isoformat())
        for column, values in (("status", self.statuses), ("department", self.departments), ("id", self.ids)):
            if values is None or (column == "status" and not values):
                continue
            values = list(values)
            clauses.append(f"d.{column} IN ({', '.join('?' * len(values))})" if values else "1 = 0")
            params += values
        for column, value in (("issuer", self.issuer), ("channel", self.channel), ("doc_type", self.kind),
                              ("urgency", self.urgency), ("year", self.year)):
            if value is not None:
                clauses.append(f"d.{column} = ?")
                params.append(value)
        if self.issuer_contains:  # LIKE with its wildcards escaped: 50% or a_b are characters to find, not patterns
            escaped = self.issuer_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("d.issuer LIKE ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        if self.confidential_only:
            clauses.append(confidential_sql("d"))
        elif not self.include_confidential:
            clauses.append(f"NOT {confidential_sql('d')}")
        return (" AND ".join(clauses) or "1 = 1"), params


@dataclass
class Page:
    rows: list[dict]
    total: int
    query: LedgerQuery
    next_after: Optional[tuple] = None  # the key after which the next page starts; None: this is the last
    statements: int = field(default=2, repr=False)  # statements run for this page

    @property
    def limit(self) -> int:
        return self.query.limit

    @property
    def offset(self) -> int:
        return self.query.offset

    def next(self) -> Optional[LedgerQuery]:
        """The query of the next page (keyset), None after the last."""
        return None if self.next_after is None else replace(self.query, after=self.next_after, offset=0)


def run(ledger, query: LedgerQuery) -> Page:
    """One page of `ledger` (base.SQLLedger) for `query`: two statements."""
    where, params = query.where()
    columns, ascending = ORDERS[query.order]
    direction = "" if ascending else " DESC"
    order_by = ", ".join(f"d.{c}{direction}" for c in columns)
    page_where, page_params = where, list(params)
    if query.after is not None:
        page_where += f" AND ({', '.join('d.' + c for c in columns)}) {'>' if ascending else '<'} (?, ?)"
        page_params += list(query.after)
    aggregate = AGGREGATE[ledger.dialect]
    # the page's ids first (the filters and the order on indexed columns, OFFSET skipping ids only), then the
    # rows and their marks for those ids alone: the marks are never computed for a row OFFSET skips
    rows = ledger._all(
        "SELECT d.*, lt.number AS linked_to_number, ro.number AS revision_of_number,"
        f" {aggregate.format(column='revision_of')} AS newer_versions,"
        f" {aggregate.format(column='linked_to')} AS linked_copies"
        f" FROM (SELECT d.id FROM documents d WHERE {page_where} ORDER BY {order_by} LIMIT ? OFFSET ?) page"
        " JOIN documents d ON d.id = page.id"
        " LEFT JOIN documents lt ON lt.id = d.linked_to LEFT JOIN documents ro ON ro.id = d.revision_of"
        f" ORDER BY {order_by}",
        (*page_params, query.limit, query.offset))
    for row in rows:
        for name in ("newer_versions", "linked_copies"):
            row[name] = row[name].split(SEPARATOR) if row[name] else []
    total = ledger._one(f"SELECT count(*) AS n FROM documents d WHERE {where}", tuple(params))["n"]
    more = len(rows) == query.limit and (query.after is not None or query.offset + len(rows) < total)
    next_after = tuple(rows[-1][c] for c in columns) if rows and more else None
    return Page(rows, total, query, next_after)
