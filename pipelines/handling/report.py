"""The monthly 督查专报's numbers (宁波规程 五(五): 按月统计分析各承办单位的批示件办理情况，以《督查专报》形式专报),
per department and for the whole office, as plain data (forms.py renders them).

For month YYYY-MM, as things stood at the end of its last day (or today, for the month not yet over) — each
record's events up to then are folded, so a later 办结 does not rewrite a past month:
    received     records opened (routed) in the month
    done         records closed (办结, or a 阅件's last 已阅) in the month
    on_time      of those, 办件 closed on or before their deadline
    late         of those, 办件 closed after it
    overdue      办件 still open at the end whose deadline had passed — also listed by name, with the working
                 days past the deadline
    avg_days     the mean working days from routing to 办结 of the month's closed records (None: none closed)

    monthly(office, "2026-03", *, actor, department=None, include_confidential=False) -> Monthly
Classified records are counted and listed only with include_confidential (the 机要员's report).
"""
from __future__ import annotations

import calendar as month_days
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from . import ops
from .deadlines import deadline
from .model import OPEN_STATES


@dataclass
class Line:
    department: str
    received: int = 0
    done: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    days: list = field(default_factory=list)  # working days to 办结 of each record closed in the month

    @property
    def avg_days(self) -> Optional[float]:
        return round(sum(self.days) / len(self.days), 1) if self.days else None


@dataclass
class Overdue:
    number: str
    title: str
    department: str
    leader: str
    due: str
    overdue_days: int  # working days past the deadline at the report's day


@dataclass
class Monthly:
    month: str  # YYYY-MM
    as_of: str  # YYYY-MM-DD: the day the numbers stand at
    scope: str  # 全市政府办公厅 (whole office) or the department
    lines: list  # [Line] per department, by name
    total: Line
    overdue: list  # [Overdue], most overdue first
    unknown: list = field(default_factory=list)  # 收文编号 whose deadline the calendar could not give
    calendar_notice: Optional[str] = None
    letters: Optional[object] = None  # pipelines.letters.ops.LetterStats of the month's 来信 (whole office), if any


def month_bounds(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(p) for p in month.split("-"))
        return date(year, mon, 1), date(year, mon, month_days.monthrange(year, mon)[1])
    except (ValueError, TypeError):
        raise ops.HandlingRefusal("bad_month", f"月份应为 YYYY-MM，如 2026-03，而不是“{month}”") from None


def monthly(office, month: str, *, actor, department: Optional[str] = None, include_confidential: bool = False) -> Monthly:
    from .queries import records

    first, last = month_bounds(month)
    ctx = ops.context(office)
    as_of = min(last, ctx.today())
    end = as_of.isoformat()
    lines: dict[str, Line] = {}
    total = Line("合计")
    overdue: list[Overdue] = []
    unknown, notice = [], None
    for rec in records(office, actor=actor, include_confidential=include_confidential):
        events = [e for e in rec.events if e.day <= end]
        if not events:
            continue  # opened after the report's day
        folded = ctx.fold(events)
        if department and folded.department != department:
            continue
        line = lines.setdefault(folded.department or "（未定）", Line(folded.department or "（未定）"))
        opened = folded.opened_on or events[0].day
        counted = [line, total]
        if first.isoformat() <= events[0].day <= end:
            for c in counted:
                c.received += 1
        due = deadline(folded, rec.row, ctx.settings, ctx.calendar)
        if due.unknown:
            unknown.append(rec.number)
            notice = due.unknown
        closed = (folded.closed_at or "")[:10]
        if closed and first.isoformat() <= closed <= end:
            days = _days(ctx, opened, closed)
            for c in counted:
                c.done += 1
                if days is not None:
                    c.days.append(days)
                if folded.kind == "办件" and due.due:
                    if closed <= due.iso:
                        c.on_time += 1
                    else:
                        c.late += 1
        elif folded.state in OPEN_STATES and folded.kind == "办件" and due.due and due.due < as_of:
            for c in counted:
                c.overdue += 1
            past = _days(ctx, due.iso, end)
            overdue.append(Overdue(rec.number, rec.title, folded.department or "", folded.leader or "", due.iso,
                                   past if past is not None else (as_of - due.due).days))
    overdue.sort(key=lambda o: (-o.overdue_days, o.number))
    scope = department or office.config.office.name
    return Monthly(month, end, scope, [lines[k] for k in sorted(lines)], total, overdue, unknown, notice,
                   None if department else _letters(office, actor, first.isoformat(), end))


def _letters(office, actor, since: str, until: str):
    """The month's 来信 statistics (issue 22: per category, per department, answered on time, working days to
    answer), or None where there were none or the actor may not see them (access "letter_stats")."""
    from ..letters.ops import stats
    from ..letters.store import present
    from ..refusals import DeskRefusal

    if not present(office):  # no letter ever taken in: nothing to count (and no table made by a report)
        return None
    try:
        found = stats(office, actor=actor if not isinstance(actor, str) else None, since=since, until=until)
    except DeskRefusal:
        return None
    return found if found.total else None


def _days(ctx, start: str, end: str) -> Optional[int]:
    from .calendar import CalendarUnknown, parse_day

    try:
        return ctx.calendar.working_days_between(parse_day(start), parse_day(end))
    except CalendarUnknown:
        return None
