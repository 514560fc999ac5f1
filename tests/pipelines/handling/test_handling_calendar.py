"""Working days (pipelines/handling/calendar.py) on 2026's official calendar and on a year the library does not know.

The 2026 dates are written by hand from 国务院办公厅关于2026年部分节假日安排的通知 (2025年11月4日):
元旦 1月1日–3日放假，1月4日（周日）上班；春节 2月15日（周日）–23日（周一）放假，2月14日（周六）、2月28日（周六）上班；
清明 4月4日–6日；劳动节 5月1日–5日放假，5月9日（周六）上班；端午 6月19日–21日；中秋 9月25日–27日；
国庆 10月1日–7日放假，9月20日（周日）、10月10日（周六）上班。"""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.handling.calendar import CalendarFileError, CalendarUnknown, WorkCalendar

D = date.fromisoformat


@pytest.fixture
def cal(tmp_path) -> WorkCalendar:
    return WorkCalendar.load(tmp_path)


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_the_make_up_weekend_days_of_2026_are_workdays(cal, day):
    assert D(day).weekday() >= 5 and cal.is_workday(D(day))


def test_the_spring_festival_week_is_nine_days_off_between_two_working_saturdays(cal):
    off = [D(f"2026-02-{d}") for d in range(15, 24)]
    assert [cal.is_workday(d) for d in off] == [False] * 9
    assert cal.is_workday(D("2026-02-13")) and cal.is_workday(D("2026-02-14")) and cal.is_workday(D("2026-02-24"))
    assert not cal.is_workday(D("2026-02-21"))  # an ordinary Saturday inside the holiday


@pytest.mark.parametrize("day", ["2026-01-01", "2026-01-02", "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25",
                                 "2026-10-07", "2026-10-08"])
def test_the_holidays_of_2026_are_days_off(cal, day):
    # 10月8日 is a Thursday after 国庆: a workday again (the list's last entry checks the other way)
    assert cal.is_workday(D(day)) is (day == "2026-10-08")


def test_ten_working_days_from_the_friday_before_the_spring_festival(cal):
    # 2/14 (Sat, 上班) 1 · 2/15–23 off · 2/24 2, 2/25 3, 2/26 4, 2/27 5, 2/28 (Sat, 上班) 6 · 3/2 7, 3/3 8, 3/4 9, 3/5 10
    assert cal.add_working_days(D("2026-02-13"), 10) == D("2026-03-05")
    assert cal.working_days_between(D("2026-02-13"), D("2026-03-05")) == 10
    assert cal.working_days_between(D("2026-03-05"), D("2026-02-13")) == -10


def test_fifteen_working_days_across_national_day_count_the_working_saturday(cal):
    # 9/29 1, 9/30 2 · 10/1–7 off · 10/8 3, 10/9 4, 10/10 (Sat, 上班) 5, 10/12–16 6–10, 10/19–23 11–15
    assert cal.add_working_days(D("2026-09-28"), 15) == D("2026-10-23")


def test_a_deadline_on_a_holiday_runs_to_the_next_workday(cal):
    assert cal.roll_forward(D("2026-02-20")) == D("2026-02-24")
    assert cal.roll_forward(D("2026-02-14")) == D("2026-02-14")  # a working Saturday stays
    assert cal.add_working_days(D("2026-05-02"), 0) == D("2026-05-06")


def test_a_year_the_library_does_not_know_is_said_with_the_file_to_fill_in(cal, tmp_path):
    assert not cal.knows(2027)
    with pytest.raises(CalendarUnknown) as caught:
        cal.is_workday(D("2027-03-01"))  # a Monday: never silently a workday
    message = str(caught.value)
    assert "2027年" in message and str(tmp_path / "holidays.toml") in message and "known_years = [2027]" in message
    with pytest.raises(CalendarUnknown):
        cal.add_working_days(D("2026-12-21"), 15)  # 12/22–12/31 give 8, the rest would be 2027


def test_the_office_file_makes_a_year_known_and_adds_its_own_days(tmp_path):
    (tmp_path / "holidays.toml").write_text(
        'known_years = [2027]\nholidays = ["2027-01-01", "2027-02-06 至 2027-02-12", 2026-12-31]\n'
        'workdays = ["2027-02-14"]\n', encoding="utf-8")
    cal = WorkCalendar.load(tmp_path)
    assert cal.knows(2027)
    assert not cal.is_workday(D("2027-01-01")) and not cal.is_workday(D("2027-02-08"))  # a Monday in the range
    assert cal.is_workday(D("2027-02-14"))  # a Sunday, 调休上班
    assert cal.is_workday(D("2027-03-01")) and not cal.is_workday(D("2027-03-06"))  # Monday / Saturday
    assert not cal.is_workday(D("2026-12-31"))  # the office closes a day the library calls a workday
    # 12/22–12/30: 22 23 24 25 28 29 30 = 7 · 12/31 off · 1/1 off · 1/4–1/8: 8–12 · 1/11 13, 1/12 14, 1/13 15
    assert cal.add_working_days(D("2026-12-21"), 15) == D("2027-01-13")


@pytest.mark.parametrize("text, said", [
    ('holidays = ["2027-13-01"]\n', "2027-13-01"),
    ('known_years = ["2027"]\n', "known_years"),
    ('holiday = ["2027-01-01"]\n', "未知的项"),
    ('holidays = ["2027-01-01"]\nworkdays = ["2027-01-01"]\n', "既是放假日又是上班日"),
    ("holidays = [\n", "无法读取"),
])
def test_a_bad_office_file_is_said_in_chinese_with_its_name(tmp_path, text, said):
    (tmp_path / "holidays.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CalendarFileError) as caught:
        WorkCalendar.load(tmp_path)
    assert said in str(caught.value) and "holidays.toml" in str(caught.value)
