"""督办 lists (督办查询): what is overdue and what falls due within N working days, per department and per leader.

    due(office, *, actor, days=None, department=None, leader=None, include_confidential=False) -> DueList
        days: the window in working days (default [handling] remind_working_days); department / leader: only
        those records. Only open 办件 have deadlines (a 阅件 has none). Records whose deadline the calendar
        cannot give (a year it does not know) are listed apart, with the calendar's Chinese line.
    records(office, *, actor, include_confidential=False, …) -> [Record]  every record, for reports and queues
A routed document without a record gets one first (ops.sync), so the lists are complete before the batch's
subscriber is wired.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from . import ops
from .model import OPEN_STATES, Event


@dataclass
class DueList:
    today: str  # YYYY-MM-DD
    days: int  # the window, working days
    overdue: list = field(default_factory=list)  # [Record], most overdue first
    due_soon: list = field(default_factory=list)  # [Record], soonest first
    unknown: list = field(default_factory=list)  # [Record] whose deadline the calendar cannot give
    calendar_notice: Optional[str] = None  # the calendar's line where some deadline could not be computed

    @property
    def by_department(self) -> dict[str, dict[str, int]]:
        """承办部门 → {"overdue": n, "due_soon": n}."""
        return _count(self, lambda r: r.department or "（未定）")

    @property
    def by_leader(self) -> dict[str, dict[str, int]]:
        """批示领导 → {"overdue": n, "due_soon": n} (records without a 批办 are not counted here)."""
        return _count(self, lambda r: r.leader, skip_none=True)


def _count(found: DueList, key, skip_none: bool = False) -> dict[str, dict[str, int]]:
    over, soon = Counter(key(r) for r in found.overdue), Counter(key(r) for r in found.due_soon)
    names = sorted((set(over) | set(soon)) - ({None} if skip_none else set()), key=lambda n: (-over[n], -soon[n], n))
    return {n: {"overdue": over[n], "due_soon": soon[n]} for n in names}


def records(office, *, actor, include_confidential: bool = False, states=None, department: Optional[str] = None,
            sync: bool = True) -> list:
    """Every 承办记录 (optionally only `states` / one department) as ops.Record, in 收文编号 order, without their
    classified ones unless include_confidential."""
    from ..access import sees_confidential
    from ..actors import Actor

    ctx = ops.context(office)
    if isinstance(actor, Actor):  # the role decides (seam S2); staff: their department only
        include_confidential = sees_confidential(actor)
        if actor.role == "staff":
            if department not in (None, actor.department):
                return []
            department = actor.department
    if sync:
        ops.sync(office, actor)
    where, params = [], []
    if states:
        where.append(f"h.state IN ({', '.join('?' * len(states))})")
        params += list(states)
    if department:
        where.append("h.department = ?")
        params.append(department)
    if not include_confidential:
        where.append("h.confidential = 0")
    filters = " WHERE " + " AND ".join(where) if where else ""
    heads = ctx.db.query("SELECT h.* FROM handling h JOIN documents d ON d.id = h.document_id" + filters
                         + " ORDER BY d.year, d.seq", params)
    # all their events and ledger rows in two queries (not two per record)
    events: dict[int, list] = {}
    for r in ctx.db.query("SELECT e.handling_id, e.seq, e.kind, e.at, e.actor, e.on_behalf_of, e.department, e.words,"
                          " e.data FROM handling_events e JOIN handling h ON h.id = e.handling_id JOIN documents d"
                          " ON d.id = h.document_id" + filters + " ORDER BY e.handling_id, e.seq", params):
        events.setdefault(r["handling_id"], []).append(Event.from_row(r))
    rows = {r["id"]: r for r in ctx.db.query("SELECT d.* FROM documents d JOIN handling h ON h.document_id = d.id"
                                             + filters, params)}
    out = []
    for head in heads:
        row = rows.get(head["document_id"])
        if row is None or not ops.may_see(actor, row, include_confidential):
            continue
        out.append(ops._view(ctx, head, row, events.get(head["id"], []), include_confidential))
    return out


def due(office, *, actor, days: Optional[int] = None, department: Optional[str] = None, leader: Optional[str] = None,
        include_confidential: bool = False) -> DueList:
    ctx = ops.context(office)
    window = ctx.settings.remind_working_days if days is None else days
    if window < 0:
        raise ops.HandlingRefusal("bad_days", f"天数应为 0 或正整数，而不是 {window}")
    found = DueList(ctx.today().isoformat(), window)
    for rec in records(office, actor=actor, include_confidential=include_confidential, states=OPEN_STATES,
                       department=department):
        if leader and rec.leader != leader:
            continue
        if rec.due_unknown:
            found.unknown.append(rec)
            found.calendar_notice = rec.due_unknown
        elif rec.due_state == "overdue":
            found.overdue.append(rec)
        elif rec.due_state in ("due_soon", "on_time") and rec.days_left is not None and rec.days_left <= window:
            found.due_soon.append(rec)
    found.overdue.sort(key=lambda r: (r.due, r.number))
    found.due_soon.sort(key=lambda r: (r.due, r.number))
    return found


def due_colour(office, due_on: Optional[str], state: Optional[str]) -> tuple[str, Optional[int]]:
    """(due_state, working days left) of a record from its cached columns (handling.due_on, state), as the web
    desk colours it: "overdue" (red: past its deadline, still open), "due_soon" (amber: within [handling]
    remind_working_days), "on_time", "closed", "none" (no deadline: a 阅件, or none computed). The same rule as
    ops.Record.due_state, without reading the record's events (a queue page: no query per row)."""
    from datetime import date

    if state in ("done", "archived"):
        return "closed", None
    if not due_on or state == "circulating":
        return "none", None
    ctx = ops.context(office)
    today, due_day = ctx.today(), date.fromisoformat(due_on)
    cal = ctx.calendar
    left = cal.working_days_between(today, due_day) if cal.knows(today.year) and cal.knows(due_day.year) \
        else (due_day - today).days
    if today > due_day:
        return "overdue", left
    return ("due_soon" if left <= ctx.settings.remind_working_days else "on_time"), left
