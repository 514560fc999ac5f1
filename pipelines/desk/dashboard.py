"""The dashboard (统计): the office's figures as one actor may see them.

    dashboard(office, actor=) -> Dashboard
        days          documents received per day, the last DASHBOARD_DAYS days (the office's days)
        departments   documents per 承办部门
        senders       return rate per 来文单位 (most returns first)
        rules         the rules most broken in returned documents
        waiting       what has waited longest (not finished), oldest first
        overdue       承办 records past their deadline (督办), most overdue first
        quarantined   how many are in quarantine;  total  every document counted

Counts are of what the actor may see (ledger_scope, in SQL): the shared figures never count a classified or held
document; the 机要员's counts include them, and even there no classified title is listed (the waiting and
overdue lists hold open documents only). A handful of statements whatever the ledger holds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from ..access import ledger_scope, require
from ..actors import Actor, acting
from ..ledger import STATUS_ZH
from ..ledger.query import confidential_sql
from .common import office_time

DASHBOARD_DAYS = 30
RULES_SAMPLE = 5000  # returned documents whose findings are counted (the newest)
WAITING_STATUSES = ("registered", "reviewed")  # not yet routed (a held one is the 机要员's, never listed here)


@dataclass
class Dashboard:
    days: list  # [(YYYY-MM-DD, n)]
    departments: list  # [(承办部门, n)]
    senders: list  # [{"issuer", "total", "returned", "rate"}]
    rules: list  # [(rule id, n)]
    waiting: list  # [{"id", "number", "title", "received", "status", "department"}]
    quarantined: int
    total: int
    overdue: list = field(default_factory=list)  # [{"id", "number", "title", "department", "due", "days", "leader"}]


def dashboard(office, *, actor: Optional[Actor] = None) -> Dashboard:
    actor = acting(actor)
    require(actor, "dashboard")
    base, params = ledger_scope(actor).sql("d")  # WHERE clauses on `documents d`
    db = office.ledger.store

    def where(*extra: str) -> str:
        parts = base + list(extra)
        return (" WHERE " + " AND ".join(parts)) if parts else ""

    zone = ZoneInfo(office.config.office.timezone)
    today = datetime.now(zone).date()
    first = today - timedelta(days=DASHBOARD_DAYS - 1)
    counts: dict[str, int] = {}
    for r in db.query(f"SELECT substr(d.received_at, 1, 10) AS day, count(*) AS n FROM documents d"
                      f"{where('d.received_at >= ?')} GROUP BY substr(d.received_at, 1, 10)",
                      tuple(params) + (first.isoformat(),)):
        counts[r["day"]] = int(r["n"])  # received_at is written in the office's time: its day is its head
    days = [((first + timedelta(days=i)).isoformat(), counts.get((first + timedelta(days=i)).isoformat(), 0))
            for i in range(DASHBOARD_DAYS)]
    departments = [(r["department"], int(r["n"])) for r in db.query(
        f"SELECT d.department, count(*) AS n FROM documents d{where('d.department IS NOT NULL')}"
        " GROUP BY d.department ORDER BY n DESC LIMIT 20", tuple(params))]
    senders = []
    for r in db.query("SELECT d.issuer, count(*) AS n, sum(CASE WHEN d.status = 'returned' THEN 1 ELSE 0 END) AS returned"
                      f" FROM documents d{where('d.issuer IS NOT NULL')} GROUP BY d.issuer"
                      " ORDER BY returned DESC, n DESC LIMIT 15", tuple(params)):
        n, returned = int(r["n"]), int(r["returned"] or 0)
        senders.append({"issuer": r["issuer"], "total": n, "returned": returned, "rate": round(100 * returned / max(1, n), 1)})
    broken: dict[str, int] = {}
    for r in db.query(f"SELECT d.findings FROM documents d{where('d.status = ?')} ORDER BY d.id DESC LIMIT ?",
                      tuple(params) + ("returned", RULES_SAMPLE)):
        try:
            for f in json.loads(r["findings"] or "[]"):
                if f.get("severity") == "error":
                    broken[f["rule"]] = broken.get(f["rule"], 0) + 1
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    rules = sorted(broken.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    open_only = base + [f"NOT {confidential_sql('d')}"] if f"NOT {confidential_sql('d')}" not in base else base
    marks = ", ".join("?" * len(WAITING_STATUSES))
    waiting = [{"id": r["id"], "number": r["number"], "title": r["title"] or r["file"],
                "received": office_time(office, r["received_at"]), "status": STATUS_ZH.get(r["status"], r["status"]),
                "department": r["department"]}
               for r in db.query("SELECT d.id, d.number, d.title, d.file, d.received_at, d.status, d.department"
                                 f" FROM documents d WHERE {' AND '.join(open_only + [f'd.status IN ({marks})'])}"
                                 " ORDER BY d.received_at, d.id LIMIT 10", tuple(params) + WAITING_STATUSES)]
    quarantined = int(db.one(f"SELECT count(*) AS n FROM documents d{where('d.status = ?')}",
                             tuple(params) + ("quarantined",))["n"])
    total = int(db.one(f"SELECT count(*) AS n FROM documents d{where()}", tuple(params))["n"])
    return Dashboard(days, departments, senders, rules, waiting, quarantined, total,
                     _overdue(office, open_only, params, today))


def _overdue(office, clauses: list[str], params: list, today: date) -> list[dict]:
    """Open 承办 records past their deadline (the cached due_on), most overdue first, at most 10; open documents
    only (no classified title on the dashboard)."""
    from ..handling.queries import due_colour
    from ..handling.store import tables

    db = tables(office)
    found = db.query("SELECT d.id, d.number, d.title, d.file, h.department, h.due_on, h.leader, h.state FROM handling h"
                     f" JOIN documents d ON d.id = h.document_id WHERE {' AND '.join(clauses + ['h.due_on < ?'])}"
                     " AND h.state NOT IN ('done', 'archived', 'circulating') ORDER BY h.due_on, d.id LIMIT 10",
                     tuple(params) + (today.isoformat(),))
    out = []
    for r in found:
        state, left = due_colour(office, r["due_on"], r["state"])
        if state == "overdue":
            out.append({"id": r["id"], "number": r["number"], "title": r["title"] or r["file"], "department": r["department"],
                        "due": r["due_on"], "days": -left if left is not None else None, "leader": r["leader"]})
    return out
