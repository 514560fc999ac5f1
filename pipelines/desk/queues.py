"""待办 and 隔离区 at the desk: what was routed to a department (with its 承办 state and deadline), and what was
quarantined, as one actor may see them.

    queue_departments(office, actor=)                     -> [str]       the queues this actor may open
    queue(office, department, page, size, state, actor=)  -> QueuePage   a department's documents, newest first
    quarantine(office, actor=, limit=200)                 -> [dict]      quarantined documents with their reasons

A page is two statements whatever its size (the rows with their 承办记录 joined, and the count).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..access import can_see, ledger_scope, require, sees_confidential
from ..actors import Actor, acting
from ..ledger import STATUS_ZH
from ..ledger.features import Feature
from ..refusals import DeskRefusal
from ..secrecy import CONFIDENTIAL_OFFICE
from .common import channel_zh, office_time

# what a department's queue needs beyond the ledger's own indexes (received_at, status, department): its rows by
# department and status together, newest first (applied by `shouwen serve` once per ledger)
QUEUE_INDEXES = Feature("queue_indexes", steps=(
    "CREATE INDEX IF NOT EXISTS documents_department_status ON documents(department, status, received_at)",
))
MAX_PAGE = 500
QUEUE_STATUSES = ("routed", "indexed")  # documents with a 承办部门
STATES = {"open": "待办", "all": "全部"}  # which of a department's documents: not yet 办结, or every one
HANDLING_ZH = {"pending": "待签收", "in_progress": "办理中", "returned": "已退回", "circulating": "传阅中", "done": "已办结",
               "archived": "已归档"}


@dataclass
class QueueRow:
    row: dict  # the ledger row (with handling_state, handling_kind, due_on, leader joined; None without a record)
    received: str
    status: str  # the ledger status in Chinese
    handling: str  # 承办 state in Chinese ("" without a record)
    due_state: str  # overdue | due_soon | on_time | closed | none
    days_left: Optional[int]

    @property
    def title(self) -> str:
        return self.row["title"] or self.row["file"]


@dataclass
class QueuePage:
    department: Optional[str]
    departments: list  # the queues this actor may open
    rows: list
    total: int
    page: int
    size: int
    state: str  # "open" | "all"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def queue_departments(office, *, actor: Optional[Actor] = None) -> list[str]:
    """The departments whose queues `actor` may open: staff their own; the others every configured or used
    department, the 机要员 the 机要室's first."""
    from .routing_ops import known_departments

    actor = acting(actor)
    require(actor, "queue")
    scope = ledger_scope(actor)
    if scope.departments is not None:
        return list(scope.departments)
    names = (set(office.departments) or known_departments(office)) - {CONFIDENTIAL_OFFICE}
    return ([CONFIDENTIAL_OFFICE] if sees_confidential(actor) else []) + sorted(names)


def queue(office, department: Optional[str], page: int = 1, size: int = 50, state: str = "open", *,
          actor: Optional[Actor] = None) -> QueuePage:
    """What was routed to `department` (the actor's first queue when none or one not theirs is asked), newest
    first, with each document's 承办 state and deadline (due_colour); state "open": not yet 办结 or 归档. The
    机要员's 机要室 queue also holds what is held for them (待机要员核定)."""
    from ..handling.queries import due_colour
    from ..handling.store import tables

    actor = acting(actor)
    departments = queue_departments(office, actor=actor)
    if not departments:
        raise DeskRefusal("forbidden", f"{actor.shown}没有可查看的承办部门")
    if department not in departments:
        department = departments[0]
    if state not in STATES:
        state = "open"
    size, page = max(1, min(MAX_PAGE, int(size))), max(1, int(page))
    where, params = ledger_scope(actor).sql("d")  # the count and the rows: one filtered query (a 机要室 staff: none)
    if department == CONFIDENTIAL_OFFICE:
        where.append("(d.department = ? OR d.status = 'held')")
        params.append(department)
    else:
        where.append(f"d.department = ? AND d.status IN ({', '.join('?' * len(QUEUE_STATUSES))})")
        params += [department, *QUEUE_STATUSES]
    if state == "open":
        where.append("(h.state IS NULL OR h.state NOT IN ('done', 'archived'))")
    sql_where = " WHERE " + " AND ".join(where)
    db = tables(office)
    joined = " FROM documents d LEFT JOIN handling h ON h.document_id = d.id"
    total = int(db.one(f"SELECT count(*) AS n{joined}{sql_where}", tuple(params))["n"])
    found = db.query(f"SELECT d.*, h.state AS handling_state, h.kind AS handling_kind, h.due_on AS due_on,"
                     f" h.leader AS leader{joined}{sql_where} ORDER BY d.received_at DESC, d.id DESC LIMIT ? OFFSET ?",
                     tuple(params) + (size, (page - 1) * size))
    rows = []
    for r in found:
        if not can_see(actor, r):  # the SQL said so already: the second lock on the door
            continue
        due_state, left = due_colour(office, r.get("due_on"), r.get("handling_state"))
        rows.append(QueueRow(r, office_time(office, r["received_at"]), STATUS_ZH.get(r["status"], r["status"]),
                             HANDLING_ZH.get(r.get("handling_state") or "", ""), due_state, left))
    return QueuePage(department, departments, rows, total, page, size, state)


def quarantine(office, *, actor: Optional[Actor] = None, limit: int = 200) -> list[dict]:
    """Quarantined documents (newest first) with their reasons, as far as the actor may see them."""
    actor = acting(actor)
    require(actor, "quarantine")
    where, params = ledger_scope(actor).sql("d")
    where.append("d.status = 'quarantined'")
    rows = office.ledger.store.query(
        "SELECT d.id, d.number, d.received_at, d.channel, d.file, d.reason, d.secrecy, d.department, d.status,"
        f" d.route_source FROM documents d WHERE {' AND '.join(where)} ORDER BY d.received_at DESC, d.id DESC LIMIT ?",
        (*params, limit))
    return [{**r, "received": office_time(office, r["received_at"]), "channel_zh": channel_zh(r["channel"])}
            for r in rows if can_see(actor, r)]
