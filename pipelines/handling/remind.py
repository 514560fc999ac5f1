"""催办 (the reminder step of the scheduled batch): chase what is overdue or due within [handling]
remind_working_days working days.

    remind(office, actor="batch") -> Reminded
1. opens the records of routed documents that have none, and moves those 改办 meanwhile (ops.sync);
2. for each open 办件 overdue or due soon that has not been chased today: writes one 催办通知 per department
   (reminders/<YYYY-MM-DD>/<部门>-催办通知.docx, and .json beside it, from the office's template), then records a
   催办 event on each record (actor, time, the department chased, its deadline, the notice's path).
Idempotent within a day: a batch every ten minutes chases each record once a day. A classified record's title is
not written into a notice (its 收文编号 only; the 机要室 has the document).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..steps import step
from . import ops
from .queries import due

log = logging.getLogger("shouwen.handling")


@dataclass
class Chased:
    number: str
    department: str
    due: str
    overdue_days: int  # working days past the deadline; 0: not yet due
    leader: str | None = None


@dataclass
class Reminded:
    day: str
    chased: list = field(default_factory=list)  # [Chased]
    notices: list = field(default_factory=list)  # [Path] written
    already: int = 0  # records chased earlier today
    opened: list = field(default_factory=list)  # 收文编号 of records opened by sync
    unknown: list = field(default_factory=list)  # 收文编号 whose deadline the calendar cannot give
    calendar_notice: str | None = None


def folder(root: Path, day: str) -> Path:
    """Where the day's notices go: the data root's reminders/<day>/."""
    from ..dataroot import DataRoot

    return DataRoot(root).reminders(day)


@step("催办 remind")  # after the documents: a 分办 of this batch opens its record before the due list is read
def chase(office) -> Optional[Reminded]:
    """The scheduled batch's reminder step: remind(office) as the batch. A failure here (a template the office
    broke, a full disk under reminders/) is noted in the log and never stops or fails the batch: the next batch
    chases again (idempotent within a day). Returns what was chased, or None when the step could not run."""
    from ..actors import BATCH

    try:
        return remind(office, BATCH)
    except Exception as exc:
        from ..faults import is_root_fault

        if is_root_fault(exc):
            raise
        log.warning("催办步骤未完成：%s: %s", type(exc).__name__, exc, exc_info=True)
        return None


def remind(office, actor="batch") -> Reminded:
    from .forms import render_notice

    synced = ops.sync(office, actor)
    found = due(office, actor=actor, include_confidential=True)
    out = Reminded(found.today, opened=synced.opened, unknown=[r.number for r in found.unknown],
                   calendar_notice=found.calendar_notice)
    by_department: dict[str, list] = {}
    for rec in found.overdue + found.due_soon:
        if any(e.kind == "reminded" and e.day == found.today for e in rec.events):
            out.already += 1
            continue
        by_department.setdefault(rec.department or "（未定）", []).append(rec)
    ctx = ops.context(office)
    for department, recs in sorted(by_department.items()):
        items = [{"number": r.number, "title": ops.CONFIDENTIAL_TITLE if r.confidential else r.title,
                  "due": r.due, "overdue_days": -r.days_left if r.due_state == "overdue" and r.days_left else 0,
                  "leader": r.leader or "", "state": r.state_zh} for r in recs]
        target = folder(office.root, found.today) / f"{_safe(department)}-催办通知"
        notice = render_notice(office, department, found.today, items, target.with_suffix(".docx"))
        target.with_suffix(".json").write_text(json.dumps({"department": department, "day": found.today, "items": items},
                                                          ensure_ascii=False, indent=1), encoding="utf-8")
        out.notices.append(notice)
        relative = str(notice.relative_to(office.root))
        for rec, item in zip(recs, items):
            head = ctx.db.one("SELECT * FROM handling WHERE id = ?", (rec.id,))
            ops.remind_one(office, head, rec.row, actor=actor, notice=relative, overdue_days=item["overdue_days"])
            out.chased.append(Chased(rec.number, department, rec.due, item["overdue_days"], rec.leader))
    return out


def _safe(name: str) -> str:
    """A department's name as a file name part (no separators, no control characters)."""
    return "".join(c if c.isprintable() and c not in '/\\:*?"<>|' else "_" for c in name)[:60] or "_"
