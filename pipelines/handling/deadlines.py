"""办理期限: a record's deadline from the office's rules ([handling] in shouwen.toml) on the working-day calendar.

Rules (defaults from the procedures in shared/seed/):
  - 省部级以上领导批示件 (category 省部级批示件, or a 批办 by a title in provincial_titles): 办结 within
    provincial_days (15) days from receipt (收件之日; 宁波规程 一(七)) — calendar days, a last day falling on a
    holiday running to the next workday;
  - 市长、副市长、市长助理批示件 (a 批办 by a title in city_leader_titles): feedback within leader_working_days
    (10) working days of the 批办 (宁波规程 二(四), 三(三));
  - 议题 (category 议题): coordination within topic_working_days (5; 太原 并政办发〔2011〕32号: 3 至 5 个工作日)
    of routing;
  - 特急 / 加急 (the document's 紧急程度): extra_urgent_working_days (2) / urgent_working_days (5) of routing;
  - otherwise working_days (15) of routing.
Where several of the first four apply, the earliest wins. A deadline written with the 拟办 or 批办 replaces them;
a 延期 replaces everything before it. A 阅件 has none. Working days: the day of routing (or of the 批办) is not
counted; the deadline is the N-th workday after it (calendar.add_working_days).

    due = deadline(folded, row, settings, calendar)  -> Deadline(due: date | None, rule: str, unknown: str | None)
unknown: the Chinese line of calendar.CalendarUnknown where the calendar lacks the year (the record stays open,
listed under 期限无法计算, until the office fills in its holiday file).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from .calendar import CalendarUnknown, WorkCalendar, parse_day
from .model import Folded

PROVINCIAL = "省部级批示件"
TOPIC = "议题"
CATEGORIES = (PROVINCIAL, TOPIC)


@dataclass(frozen=True)
class Deadline:
    due: Optional[date]
    rule: str  # Chinese: which rule gave it
    unknown: Optional[str] = None  # the calendar could not say (CalendarUnknown's line)

    @property
    def iso(self) -> Optional[str]:
        return self.due.isoformat() if self.due else None


def deadline(folded: Folded, row: dict, settings, cal: WorkCalendar) -> Deadline:
    """The deadline of a record (folded events), its ledger row (received_at) and [handling] settings."""
    if folded.kind == "阅件":
        return Deadline(None, "阅件，不设办理期限")
    if folded.extended_due:
        return Deadline(parse_day(folded.extended_due), "已延期")
    if folded.explicit_due:
        return Deadline(parse_day(folded.explicit_due), "批示或拟办意见写明的期限")
    try:
        return _by_rules(folded, row, settings, cal)
    except CalendarUnknown as exc:
        return Deadline(None, "期限无法计算", str(exc))


def _by_rules(folded: Folded, row: dict, s, cal: WorkCalendar) -> Deadline:
    opened = parse_day(folded.opened_on or row["received_at"])
    found: list[tuple[date, str]] = []
    provincial = folded.category == PROVINCIAL or (folded.leader_title or "") in s.provincial_titles
    if provincial:
        received = parse_day(row["received_at"])
        due = cal.roll_forward(received + timedelta(days=s.provincial_days))
        found.append((due, f"省部级以上领导批示件：自收件之日起{s.provincial_days}日内办结"))
    if folded.instructed_on and (folded.leader_title or "") in s.city_leader_titles:
        due = cal.add_working_days(parse_day(folded.instructed_on), s.leader_working_days)
        found.append((due, f"{folded.leader_title}批示件：交办后{s.leader_working_days}个工作日内反馈"))
    if folded.category == TOPIC:
        found.append((cal.add_working_days(opened, s.topic_working_days), f"议题协调：{s.topic_working_days}个工作日"))
    urgency = (folded.urgency or row.get("urgency") or "").replace(" ", "").replace("　", "")
    if urgency == "特急":
        found.append((cal.add_working_days(opened, s.extra_urgent_working_days), f"特急件：{s.extra_urgent_working_days}个工作日"))
    elif urgency == "加急":
        found.append((cal.add_working_days(opened, s.urgent_working_days), f"加急件：{s.urgent_working_days}个工作日"))
    if found:
        return Deadline(*min(found))
    if row.get("kind") == "letter":  # a 来信 (issue 22): its own days where the office sets them
        days = getattr(s, "letter_working_days", s.working_days)
        return Deadline(cal.add_working_days(opened, days), f"来信：分办后{days}个工作日内答复")
    return Deadline(cal.add_working_days(opened, s.working_days), f"一般办件：分办后{s.working_days}个工作日内办结")
