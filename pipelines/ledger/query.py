"""A page of the 登记簿 (登记簿分页查询): filtered, ordered, with the marks `shouwen ledger` shows joined in SQL.

    page = ledger.page(LedgerQuery(statuses=("returned",), date_from="2026-03-01", limit=50))
    page.rows      documents rows, each with linked_to_number / revision_of_number (收文编号 or None) and
                   newer_versions / linked_copies (lists of 收文编号, oldest first): ledger_view's marks
    page.total     how many rows the filters match, all pages together: exact up to COUNT_EXACT_UP_TO,
                   past it an estimate (page.exact False; page.total_zh says "约 330,000 件", never a false "共")
    page.next_after  the key to pass as `after` for the next page (keyset paging), None on the last page

Two statements per page, whatever the ledger holds: the rows (marks as joins and correlated sub-queries on
indexed columns) and a count bounded by a LIMIT (it reads at most COUNT_EXACT_UP_TO + 1 index entries, so a
page of a million-row 登记簿 does not wait for a count of a million); a third, the estimate, only past the bound:
PostgreSQL's planner row estimate (EXPLAIN, from the statistics ANALYZE keeps), on SQLite the filters counted on
a stratified sample of SAMPLE_RANGES id ranges across the table, scaled to its id span.

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

from ..dataroot import channel_code
from ..filters import chosen, one_of
from .core import STATUS_ZH

MAX_LIMIT = 1000
COUNT_EXACT_UP_TO = 5_000  # a 登记簿 page counts exactly up to this many matching rows; past it an estimate (约)
#                             (None: always exactly, whatever it costs — the benchmark's before)
SAMPLE_RANGES, SAMPLE_WIDTH = 32, 256  # SQLite's estimate: the filters counted on 32 id ranges of 256 ids
ORDERS = {  # name → the key columns, ascending or not
    "number": (("year", "seq"), True),  # 收文编号, oldest first (the 登记簿's own order)
    "-number": (("year", "seq"), False),  # newest first
    "received": (("received_at", "id"), True),  # 收文时间
    "-received": (("received_at", "id"), False),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SEPARATOR = "、"  # between 收文编号 in an aggregated list; no 收文编号 contains it
CONTAINS = "LIKE ? ESCAPE '\\'"  # a 来文单位 containing the characters of LedgerQuery.contains_pattern()
MAX_ISSUERS = 500  # issuer_contains matching more 来文单位 than this is asked with LIKE on every row


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
        # 全部 (or an empty value) is no filter; a status by its code or its Chinese name (filters.one_of)
        statuses = tuple(s for s in (one_of(s, STATUS_ZH, "状态") for s in self.statuses) if s is not None)
        object.__setattr__(self, "statuses", statuses)
        if self.departments and all(chosen(d) is None for d in self.departments):
            object.__setattr__(self, "departments", None)  # 承办部门 全部: any (an empty list still matches nothing)
        for name in ("issuer", "urgency", "kind"):
            object.__setattr__(self, name, chosen(getattr(self, name)))
        # 传真 as fax; a letter channel (12345) as it is: the desk knows the office's
        object.__setattr__(self, "channel", channel_code(chosen(self.channel)))
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
        if self.issuer_contains is not None and chosen(self.issuer_contains) is None:
            object.__setattr__(self, "issuer_contains", None)  # an empty box on a form (or 全部): no filter
        if self.issuer_contains is not None and len(self.issuer_contains) > 100:
            raise ValueError("来文单位检索词过长（至多 100 字）")

    def contains_pattern(self) -> str:
        """issuer_contains as a LIKE pattern (CONTAINS) with its wildcards escaped: 50% or a_b are characters to
        find, not patterns."""
        escaped = self.issuer_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    def where(self, years_follow_dates: bool = False, issuers: Optional[Sequence[str]] = None) -> tuple[str, list]:
        """The filters as an SQL condition on `documents d` ("?" placeholders) and its parameters (no paging).
        years_follow_dates: every row's 收文编号 year is the first four digits of its received_at (as register()
        draws it; years_follow_dates(ledger) says whether that holds): a 收文日期 range then also bounds the year,
        which lets a page in 收文编号 order seek to its first year instead of sorting every row of the range.
        issuers: the 来文单位 that issuer_contains matches (issuers_containing), asked as `issuer IN (…)` on the
        index rather than LIKE on every row."""
        clauses, params = [], []
        if self.date_from:
            clauses.append("d.received_at >= ?")
            params.append(self.date_from)
            if years_follow_dates:
                clauses.append("d.year >= ?")
                params.append(int(self.date_from[:4]))
        if self.date_to:
            clauses.append("d.received_at < ?")
            params.append((date.fromisoformat(self.date_to) + timedelta(days=1)).isoformat())
            if years_follow_dates:
                clauses.append("d.year <= ?")
                params.append(int(self.date_to[:4]))
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
        if self.issuer_contains and issuers is not None:
            clauses.append(f"d.issuer IN ({', '.join('?' * len(issuers))})" if issuers else "1 = 0")
            params += list(issuers)
        elif self.issuer_contains:
            clauses.append(f"d.issuer {CONTAINS}")
            params.append(self.contains_pattern())
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
    exact: bool = True  # False: total is an estimate (more than COUNT_EXACT_UP_TO rows match)

    @property
    def total_zh(self) -> str:
        """The count as the 登记簿 says it: "共 1,234 件", or past the bound "约 330,000 件" (count_zh)."""
        return count_zh(self.total, self.exact)

    @property
    def limit(self) -> int:
        return self.query.limit

    @property
    def offset(self) -> int:
        return self.query.offset

    def next(self) -> Optional[LedgerQuery]:
        """The query of the next page (keyset), None after the last."""
        return None if self.next_after is None else replace(self.query, after=self.next_after, offset=0)


def count_zh(total: int, exact: bool) -> str:
    """"共 1,234 件" for an exact count; "约 330,000 件" for an estimate (two significant figures: an estimate
    does not pretend to more)."""
    if exact:
        return f"共 {total:,} 件"
    digits = max(0, len(str(total)) - 2)
    return f"约 {round(total, -digits):,} 件"


# the rows whose 收文编号 year is not their received_at's (none, as register() draws numbers; a ledger rebuilt from
# files may hold some): schema step 8 keeps them in a partial index, so asking costs one index probe
YEAR_UNLIKE_RECEIVED = "CAST(year AS TEXT) <> substr(received_at, 1, 4)"


def years_follow_dates(ledger) -> bool:
    """Whether every row's year is its received_at's first four digits (query.where's years_follow_dates): one
    statement on step 8's partial index documents_year_unlike_received."""
    # ORDER BY id: PostgreSQL's planner takes `<>` as true for almost every row, so a plain LIMIT 1 (or a count)
    # gets a seq scan of the whole table that finds none (measured: 465 ms at a million rows); in id order only
    # the partial index is cheap (0.03 ms). SQLite uses the partial index either way.
    return ledger._one(f"SELECT count(*) AS n FROM (SELECT id FROM documents WHERE {YEAR_UNLIKE_RECEIVED}"
                       " ORDER BY id LIMIT 1) x")["n"] == 0


def issuers_containing(ledger, query: LedgerQuery) -> Optional[list[str]]:
    """The distinct 来文单位 that query.issuer_contains matches (the same LIKE), found by walking the issuer
    index from one distinct value to the next (a recursive query: one index probe per distinct 来文单位, not a
    read of every row); None where more than MAX_ISSUERS match (the caller then filters with LIKE)."""
    found = ledger._all(
        "WITH RECURSIVE issuers(name) AS (SELECT min(issuer) FROM documents UNION ALL"
        " SELECT (SELECT min(d.issuer) FROM documents d WHERE d.issuer > issuers.name) FROM issuers"
        f" WHERE issuers.name IS NOT NULL) SELECT name FROM issuers WHERE name {CONTAINS} LIMIT ?",
        (query.contains_pattern(), MAX_ISSUERS + 1))
    return None if len(found) > MAX_ISSUERS else [r["name"] for r in found]


def run(ledger, query: LedgerQuery, exact_count: bool = False) -> Page:
    """One page of `ledger` (base.SQLLedger) for `query`: two statements (three or four past the count's bound:
    the estimate; one more with a 收文日期 range past the bound: years_follow_dates; one more with issuer_contains:
    issuers_containing). exact_count: count every matching row, whatever it costs."""
    dated = bool(query.date_from or query.date_to)
    issuers = issuers_containing(ledger, query) if query.issuer_contains else None
    where, params = query.where(issuers=issuers)
    # counted first, on the filters as given (a short 收文日期 range: its few rows through the received_at index);
    # only a range past the count's bound is also taken as a range of years for the rows (the year index in
    # 收文编号 order finds its first rows at once, where sorting every row of a year would not)
    total, exact = count(ledger, where, params, None if exact_count else COUNT_EXACT_UP_TO)
    implied = dated and not exact and years_follow_dates(ledger)
    if implied:
        where, params = query.where(years_follow_dates=True, issuers=issuers)
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
    more = len(rows) == query.limit and (query.after is not None or not exact or query.offset + len(rows) < total)
    next_after = tuple(rows[-1][c] for c in columns) if rows and more else None
    return Page(rows, total, query, next_after, exact=exact,
                statements=implied + bool(query.issuer_contains) + (2 if exact else (3 if ledger.dialect == "postgresql" else 4)))


def count(ledger, where: str, params: list, up_to: Optional[int]) -> tuple[int, bool]:
    """(rows of `documents d` matching `where`, exact?): exact up to `up_to` (one statement that stops at
    up_to + 1), else estimate(…), never below up_to + 1. up_to None: exact, whatever it costs."""
    if up_to is None:
        return ledger._one(f"SELECT count(*) AS n FROM documents d WHERE {where}", tuple(params))["n"], True
    n = ledger._one(f"SELECT count(*) AS n FROM (SELECT 1 FROM documents d WHERE {where} LIMIT ?) bounded",
                    (*params, up_to + 1))["n"]
    if n <= up_to:
        return n, True
    n, exact = estimate(ledger, where, params)
    return (n, True) if exact else (max(up_to + 1, n), False)


def estimate(ledger, where: str, params: list) -> tuple[int, bool]:
    """(about how many rows of `documents d` match `where`, exact?), in one or two statements. PostgreSQL: the planner's row
    estimate for the filters (EXPLAIN; as good as the statistics ANALYZE/autovacuum keep). SQLite (no such
    estimate): the filters counted on SAMPLE_RANGES ranges of SAMPLE_WIDTH ids spread evenly over the id span
    (rowid ranges: NOT INDEXED keeps SQLite on them), matches / ids sampled × the span — stratified, so a
    filter that follows the ids (a year, a month) is sampled in proportion. Where the sample would cover the
    whole span, the rows are counted (exact)."""
    if ledger.dialect == "postgresql":
        plan = ledger._one(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM documents d WHERE {where}", tuple(params))
        return int(next(iter(plan.values()))[0]["Plan"]["Plan Rows"]), False
    bounds = ledger._one("SELECT (SELECT min(id) FROM documents) AS lo, (SELECT max(id) FROM documents) AS hi")
    lo, hi = bounds["lo"] or 0, bounds["hi"] or 0
    span = hi - lo + 1
    if span <= SAMPLE_RANGES * SAMPLE_WIDTH:
        return ledger._one(f"SELECT count(*) AS n FROM documents d WHERE {where}", tuple(params))["n"], True
    step = span // SAMPLE_RANGES
    starts = [lo + k * step + (step - SAMPLE_WIDTH) // 2 for k in range(SAMPLE_RANGES)]
    parts, sample_params = [], []
    for start in starts:
        parts.append(f"(SELECT count(*) FROM documents d NOT INDEXED WHERE d.id BETWEEN ? AND ? AND ({where}))")
        sample_params += [start, start + SAMPLE_WIDTH - 1, *params]
    found = ledger._one(f"SELECT {' + '.join(parts)} AS n", tuple(sample_params))["n"]
    return round(found * span / (SAMPLE_RANGES * SAMPLE_WIDTH)), False
