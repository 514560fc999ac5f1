"""Working days (工作日): China's official holidays and 调休 make-up workdays, plus the office's own override file.

The official calendar comes from `chinesecalendar` (the State Council's yearly notice, 国务院办公厅关于…年部分节假日
安排的通知, as the library records it; 1.11.0 knows 2004–2026). The office's file (default `<data root>/holidays.toml`,
[handling] holidays_file) adds what the library lacks or the office decides:

    # 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）
    known_years = [2027]                              # years this file gives in full
    holidays = ["2027-01-01", "2027-02-06 至 2027-02-12"]   # days off (a date, or a range with 至)
    workdays = ["2027-02-14"]                         # 调休上班 (a Saturday or Sunday that is a workday)

A day is a workday when the file says so (workdays), else not when the file says so (holidays), else as the
library says, else — for a year in known_years — Monday to Friday. A year that neither the library nor the
file's known_years covers is never silently treated as all weekdays: CalendarUnknown says so in Chinese,
naming the override file.

    cal = WorkCalendar.load(root, "holidays.toml")
    cal.is_workday(date(2026, 2, 14))              -> True (春节调休上班, a Saturday)
    cal.add_working_days(date(2026, 2, 13), 10)    -> date(2026, 3, 5)
    cal.working_days_between(a, b)                 -> int: workdays d with a < d <= b (negative when b < a)
    cal.roll_forward(d)                            -> d, or the first workday after it
Errors: CalendarUnknown (a year nobody knows), CalendarFileError (the override file cannot be read; Chinese,
naming the file and the entry).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Optional

MAX_SPAN_DAYS = 3660  # ten years of days: a count past that is a mistake, not a deadline


class CalendarUnknown(LookupError):
    """A year whose holidays nobody has given: the library does not know it and the office's file does not list it
    in known_years. str() is the Chinese line, naming the file to fill in."""

    def __init__(self, year: int, file: Path, library: str):
        self.year, self.file, self.library = year, file, library
        super().__init__(f"{year}年的法定节假日和调休安排尚未收录（{library}），不能按工作日计算期限；请按国务院办公厅"
                         f"关于{year}年部分节假日安排的通知，在 {file} 中写入 known_years = [{year}] 及当年的 holidays"
                         f"（放假日期）和 workdays（调休上班日期），或升级 chinesecalendar")


class CalendarFileError(ValueError):
    """The office's holiday file is not valid (Chinese: the file and the entry)."""


@dataclass
class Overrides:
    """What the office's file says: days off, make-up workdays, and the years it gives in full."""
    holidays: set = field(default_factory=set)
    workdays: set = field(default_factory=set)
    known_years: set = field(default_factory=set)


_RANGE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*(?:至|到|~|～|/|\.\.)\s*(\d{4}-\d{2}-\d{2})\s*")


def _days(value, path: Path, key: str) -> Iterable[date]:
    """A TOML date, "YYYY-MM-DD", or "YYYY-MM-DD 至 YYYY-MM-DD" (both ends included)."""
    if isinstance(value, date):
        return [value]
    if isinstance(value, str):
        try:
            m = _RANGE.fullmatch(value)
            if m:
                first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
                if last < first or (last - first).days > 366:
                    raise ValueError
                return [first + timedelta(days=i) for i in range((last - first).days + 1)]
            return [date.fromisoformat(value.strip())]
        except ValueError:
            pass
    raise CalendarFileError(f"节假日文件 {path} 中 {key} 的“{value}”不是日期（应为 2027-01-01 或 2027-02-06 至 2027-02-12）")


def read_overrides(path: Path) -> Overrides:
    """The office's file at `path` (none there: nothing overridden). CalendarFileError for a bad file."""
    if not path.is_file():
        return Overrides()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"节假日文件 {path} 无法读取：{exc}") from None
    unknown = set(raw) - {"holidays", "workdays", "known_years"}
    if unknown:
        raise CalendarFileError(f"节假日文件 {path} 中有未知的项：{'、'.join(sorted(unknown))}"
                                "（可用：known_years、holidays、workdays）")
    out = Overrides()
    for key, target in (("holidays", out.holidays), ("workdays", out.workdays)):
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise CalendarFileError(f"节假日文件 {path} 中 {key} 应为日期列表")
        for value in values:
            target.update(_days(value, path, key))
    both = out.holidays & out.workdays
    if both:
        raise CalendarFileError(f"节假日文件 {path} 中 {min(both)} 既是放假日又是上班日")
    years = raw.get("known_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) and 1900 < y < 2200 for y in years):
        raise CalendarFileError(f"节假日文件 {path} 中 known_years 应为年份列表，如 [2027]")
    out.known_years = set(years)
    return out


class WorkCalendar:
    """Workdays from chinesecalendar and the office's overrides. Dates are datetime.date; counts are days."""

    def __init__(self, overrides: Overrides, file: Path):
        import chinese_calendar

        self._cc = chinese_calendar
        self.overrides = overrides
        self.file = Path(file)
        years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
        self.library_years = (min(years), max(years))
        self._library_days: dict[date, bool] = {}  # the library's answers, kept (it scans its tables per call)
        self.library = f"chinesecalendar {_version()} 只含 {self.library_years[0]}–{self.library_years[1]} 年"

    @classmethod
    def load(cls, root: Path, file_name: str = "holidays.toml") -> "WorkCalendar":
        """The calendar of the office at `root`: its file `file_name` (relative to root, or absolute)."""
        path = Path(file_name)
        path = path if path.is_absolute() else Path(root) / path
        return cls(read_overrides(path), path)

    def knows(self, year: int) -> bool:
        return self.library_years[0] <= year <= self.library_years[1] or year in self.overrides.known_years

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a workday (CalendarUnknown for a year nobody gives, unless the file names the day)."""
        if day in self.overrides.workdays:
            return True
        if day in self.overrides.holidays:
            return False
        if self.library_years[0] <= day.year <= self.library_years[1]:
            known = self._library_days.get(day)
            if known is None:
                known = self._library_days[day] = self._cc.is_workday(day)
            return known
        if day.year in self.overrides.known_years:
            return day.weekday() < 5
        raise CalendarUnknown(day.year, self.file, self.library)

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th workday after `start` (start itself not counted: 交办 on the 13th, 1 working day → the
        next workday). days=0: start rolled forward to a workday."""
        if days < 0 or days > MAX_SPAN_DAYS:
            raise ValueError(f"工作日数应在 0 到 {MAX_SPAN_DAYS} 之间：{days}")
        if days == 0:
            return self.roll_forward(start)
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def roll_forward(self, day: date) -> date:
        """`day` if a workday, else the first workday after it (a deadline falling on a holiday runs to the
        next workday, 期限届满日为节假日的顺延至节假日后的第一个工作日)."""
        for _ in range(MAX_SPAN_DAYS):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise ValueError("找不到工作日")

    def working_days_between(self, start: date, end: date) -> int:
        """How many workdays d with start < d <= end (0 for the same day; negative, counted the other way,
        when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"日期相隔过远：{start} 至 {end}")
        return sum(self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    for name in ("chinesecalendar", "chinese-calendar"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return ""


def parse_day(text: str) -> date:
    """YYYY-MM-DD (or an ISO time stamp: its date) → date; ValueError in Chinese otherwise."""
    try:
        return date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def today_in(timezone: str) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


def weekday_zh(day: date) -> str:
    return "一二三四五六日"[day.weekday()]


def safe(cal: WorkCalendar, compute, default=None) -> tuple[Optional[object], Optional[str]]:
    """(value, None) or (default, the Chinese reason) where the calendar does not know a year."""
    try:
        return compute(), None
    except CalendarUnknown as exc:
        return default, str(exc)
