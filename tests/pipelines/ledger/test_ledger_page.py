"""A page of the 登记簿 (ledger.page, desk.ledger_page, `shouwen ledger --limit`) on SQLite and a real PostgreSQL:
filters, order, offset and keyset paging, the marks joined in SQL, a bounded number of statements whatever the
ledger holds, and the one meaning of "confidential" (Python and SQL agreeing on every status). Expected rows
are written by hand from the small ledgers built here."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import desk
from pipelines.ledger import STATUSES, LedgerQuery, is_confidential, open_ledger
from pipelines.office import Office

ROOT = Path(__file__).resolve().parents[3]
ROUTE_SOURCES = (None, "rule", "clerk", "model", "fallback", "classified", "rebuilt")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return "sqlite:///ledger.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def ledger(url, tmp_path):
    opened = open_ledger(url, tmp_path)
    yield opened
    opened.close()


def reg(ledger, n: int, day: str, channel: str = "edoc"):
    return ledger.register(sha256=f"{n:064x}", file=f"来文{n}.pdf", channel=channel, archive_path=f"archive/{n}",
                           received_at=f"{day}T09:{n % 60:02d}:00+08:00").id


def numbers(page) -> list[str]:
    return [r["number"] for r in page.rows]


@pytest.fixture
def office_ledger(ledger):
    """Nine registrations (2025: 1; 2026: 8) in the states a small office's ledger has."""
    ids = {}
    ids[1] = reg(ledger, 1, "2025-12-30", "fax")
    for n, day, channel in ((2, "2026-01-05", "edoc"), (3, "2026-01-06", "mail"), (4, "2026-02-01", "fax"),
                            (5, "2026-02-01", "edoc"), (6, "2026-02-10", "scan"), (7, "2026-03-01", "edoc"),
                            (8, "2026-03-02", "mail"), (9, "2026-03-02", "edoc")):
        ids[n] = reg(ledger, n, day, channel)
    ledger.set_status(ids[1], "indexed", department="办公室", issuer="市教育局", doc_type="通知", route_source="rule")
    ledger.set_status(ids[2], "indexed", department="综合科", issuer="市教育局", doc_type="请示", route_source="clerk")
    ledger.set_status(ids[3], "returned", issuer="市财政局", doc_type="通知")
    ledger.set_status(ids[4], "held", title="（密）")
    ledger.set_status(ids[5], "routed", department="机要室", route_source="classified", issuer="省委办公厅")
    ledger.set_status(ids[6], "indexed", department="办公室", issuer="市教育局", doc_type="通知",
                      revision_of=ids[1], revision=2)
    ledger.set_status(ids[7], "linked", linked_to=ids[1], issuer="市教育局")
    ledger.set_status(ids[8], "indexed", department="财务科", issuer="市财政局", doc_type="函", revision_of=ids[1],
                      revision=3)
    ledger.set_status(ids[9], "quarantined", reason="文件已损坏")
    return ledger, ids


def test_filters_each_as_written(office_ledger):
    ledger, _ = office_ledger
    assert numbers(ledger.page()) == ["收〔2025〕1号"] + [f"收〔2026〕{i}号" for i in range(1, 9)]
    assert numbers(ledger.page(year=2025)) == ["收〔2025〕1号"]
    assert numbers(ledger.page(date_from="2026-02-01", date_to="2026-03-01")) == [
        "收〔2026〕3号", "收〔2026〕4号", "收〔2026〕5号", "收〔2026〕6号"]  # both days included
    assert numbers(ledger.page(date_to="2026-01-05")) == ["收〔2025〕1号", "收〔2026〕1号"]
    assert numbers(ledger.page(statuses=("indexed",))) == ["收〔2025〕1号", "收〔2026〕1号", "收〔2026〕5号", "收〔2026〕7号"]
    assert numbers(ledger.page(statuses=("returned", "quarantined"))) == ["收〔2026〕2号", "收〔2026〕8号"]
    assert numbers(ledger.page(departments=["办公室", "财务科"])) == ["收〔2025〕1号", "收〔2026〕5号", "收〔2026〕7号"]
    assert numbers(ledger.page(departments=[])) == []
    assert numbers(ledger.page(issuer="市财政局")) == ["收〔2026〕2号", "收〔2026〕7号"]
    assert numbers(ledger.page(channel="fax")) == ["收〔2025〕1号", "收〔2026〕3号"]
    assert numbers(ledger.page(kind="通知")) == ["收〔2025〕1号", "收〔2026〕2号", "收〔2026〕5号"]
    assert numbers(ledger.page(issuer="市教育局", statuses=("indexed",), date_from="2026-01-01")) == [
        "收〔2026〕1号", "收〔2026〕5号"]
    assert numbers(ledger.page(confidential_only=True)) == ["收〔2026〕3号", "收〔2026〕4号"]
    assert numbers(ledger.page(include_confidential=False, year=2026)) == [
        "收〔2026〕1号", "收〔2026〕2号", "收〔2026〕5号", "收〔2026〕6号", "收〔2026〕7号", "收〔2026〕8号"]


def test_the_marks_come_joined(office_ledger):
    ledger, ids = office_ledger
    rows = {r["number"]: r for r in ledger.page().rows}
    first = rows["收〔2025〕1号"]
    assert (first["newer_versions"], first["linked_copies"]) == (["收〔2026〕5号", "收〔2026〕7号"], ["收〔2026〕6号"])
    assert (rows["收〔2026〕5号"]["revision_of_number"], rows["收〔2026〕5号"]["linked_to_number"]) == ("收〔2025〕1号", None)
    assert rows["收〔2026〕6号"]["linked_to_number"] == "收〔2025〕1号"
    assert (rows["收〔2026〕1号"]["newer_versions"], rows["收〔2026〕1号"]["linked_copies"]) == ([], [])
    from pipelines.ledger_view import ledger_marks

    assert ledger_marks(ledger, first) == "  已有新版 收〔2026〕5号、收〔2026〕7号  另收同件 收〔2026〕6号"
    assert ledger_marks(ledger, rows["收〔2026〕7号"]) == "  第3版（前版 收〔2025〕1号）"
    assert ledger_marks(ledger, ledger.get(ids[1])) == ledger_marks(ledger, first)  # a plain row: looked up


def test_offset_keyset_and_order(office_ledger):
    ledger, _ = office_ledger
    first = ledger.page(limit=4)
    assert numbers(first) == ["收〔2025〕1号", "收〔2026〕1号", "收〔2026〕2号", "收〔2026〕3号"] and first.total == 9
    assert first.next_after == (2026, 3)
    second = ledger.page(first.next())
    assert numbers(second) == ["收〔2026〕4号", "收〔2026〕5号", "收〔2026〕6号", "收〔2026〕7号"]
    third = ledger.page(second.next())
    assert numbers(third) == ["收〔2026〕8号"] and third.next_after is None and third.next() is None
    assert numbers(ledger.page(limit=3, offset=7)) == ["收〔2026〕7号", "收〔2026〕8号"]
    newest = ledger.page(order="-number", limit=3)
    assert numbers(newest) == ["收〔2026〕8号", "收〔2026〕7号", "收〔2026〕6号"]
    assert numbers(ledger.page(newest.next())) == ["收〔2026〕5号", "收〔2026〕4号", "收〔2026〕3号"]
    assert numbers(ledger.page(order="-received", limit=2, statuses=("indexed",))) == ["收〔2026〕7号", "收〔2026〕5号"]
    filtered = ledger.page(statuses=("indexed",), limit=2)
    assert (numbers(filtered), filtered.total) == (["收〔2025〕1号", "收〔2026〕1号"], 4)


@pytest.mark.parametrize("bad, message", [
    ({"date_from": "2026-02-30"}, "日期“2026-02-30”无效"), ({"date_to": "3月1日"}, "应为 YYYY-MM-DD"),
    ({"statuses": ("lost",)}, "没有这种状态：lost"), ({"order": "title"}, "排序方式“title”无效"),
    ({"limit": 0}, "每页条数应为 1 到 1000"), ({"limit": 1001}, "每页条数"), ({"offset": -1}, "不能为负数"),
    ({"include_confidential": False, "confidential_only": True}, "不能既排除又只要涉密收文"),
])
def test_a_bad_filter_is_said_in_chinese(bad, message):
    with pytest.raises(ValueError, match=message):
        LedgerQuery(**bad)


def test_all_or_an_empty_value_is_no_filter_and_a_status_may_be_named_in_chinese():
    """A menu's 全部 (or a link carrying it) asks for no filter, never for rows whose value is 全部."""
    assert LedgerQuery(statuses=("全部",)).statuses == ()
    assert LedgerQuery(statuses=("", "returned")).statuses == ("returned",)
    assert LedgerQuery(statuses=("已退文",)).statuses == ("returned",)
    assert LedgerQuery(departments=("全部",)).departments is None
    assert LedgerQuery(departments=()).departments == ()  # an empty list still matches nothing
    assert (LedgerQuery(channel="全部").channel, LedgerQuery(channel="传真").channel) == (None, "fax")
    assert LedgerQuery(urgency=" 全部 ", issuer_contains="全部").urgency is None


def test_confidential_means_the_same_in_python_and_sql_on_every_status(ledger):
    """Every status × every route source: the rows the SQL calls confidential are exactly those is_confidential
    (and desk.is_confidential) names; by hand: classified whatever the status, or held whatever the source."""
    made = {}
    n = 0
    for status in STATUSES:
        for source in ROUTE_SOURCES:
            n += 1
            doc_id = reg(ledger, n, "2026-04-01")
            ledger.set_status(doc_id, status, route_source=source)
            made[doc_id] = (status, source)
    expected = {i for i, (status, source) in made.items() if source == "classified" or status == "held"}
    assert len(expected) == len(STATUSES) + len(ROUTE_SOURCES) - 1 == 16  # 10 statuses (review_held, transferred too) + 7 sources - 1
    rows = ledger.page(limit=1000).rows
    assert {r["id"] for r in rows if is_confidential(r)} == expected
    assert {r["id"] for r in rows if desk.is_confidential(r)} == expected
    assert {r["id"] for r in ledger.page(confidential_only=True, limit=1000).rows} == expected
    assert {r["id"] for r in ledger.page(include_confidential=False, limit=1000).rows} == set(made) - expected


def test_a_partial_issuer_and_the_urgency_filter_on_both_backends(office_ledger):
    """来文单位 by part of its name (教育局 finds 市教育局), LIKE's own wildcards taken as characters; 紧急程度 exact."""
    ledger, ids = office_ledger
    ledger.set_status(ids[2], "indexed", urgency="特急")
    ledger.set_status(ids[8], "indexed", urgency="加急", issuer="市财政局_50%")
    assert numbers(ledger.page(issuer_contains="教育局")) == ["收〔2025〕1号", "收〔2026〕1号", "收〔2026〕5号", "收〔2026〕6号"]
    assert numbers(ledger.page(issuer_contains="财政")) == ["收〔2026〕2号", "收〔2026〕7号"]
    assert numbers(ledger.page(issuer_contains="_50%")) == ["收〔2026〕7号"]  # the characters, not patterns
    assert numbers(ledger.page(issuer_contains="局_")) == ["收〔2026〕7号"]
    assert numbers(ledger.page(issuer_contains="  ")) == numbers(ledger.page())  # an empty box: no filter
    assert numbers(ledger.page(urgency="特急")) == ["收〔2026〕1号"]
    assert numbers(ledger.page(urgency="加急", issuer_contains="财政局")) == ["收〔2026〕7号"]
    assert numbers(ledger.page(urgency="平急")) == []


@pytest.mark.parametrize("secrecy, department, withheld", [
    ("机密★1年", "综合科", True), ("机　密", None, True), ("密级：绝密", None, True), ("秘 密★6个月", None, True),
    ("機密", None, True), ("无", "综合科", False), ("非密", "综合科", False), (None, "机要室", True),
    ("公开", None, False), (None, "综合科", False),
])
def test_a_level_in_the_secrecy_field_or_the_confidential_office_withholds_a_row_on_both_backends(
        ledger, secrecy, department, withheld):
    """Nobody but the 机要员 sees a row whose 密级 names a level (any written form) or that is with the 机要室,
    whatever its status and route source: Python and SQL agree (issue 17 item 2)."""
    from extractors.secrecy import level_of

    doc_id = reg(ledger, 1, "2026-04-01")
    ledger.set_status(doc_id, "indexed", secrecy=secrecy, department=department, route_source="rule")
    row = ledger.get(doc_id)
    assert is_confidential(row) is withheld
    assert [r["id"] for r in ledger.page(confidential_only=True).rows] == ([doc_id] if withheld else [])
    assert [r["id"] for r in ledger.page(include_confidential=False).rows] == ([] if withheld else [doc_id])
    if secrecy and level_of(secrecy) is not None:  # what the level reader reads, the ledger withholds (a superset)
        assert withheld


# -- a bounded number of statements -------------------------------------------------------------------------------


def _office(url: str, root: Path) -> Office:
    if not url.startswith("sqlite"):
        (root / "shouwen.toml").write_text(f'[ledger]\nurl = "{url}"\n', encoding="utf-8")
    return Office.open(root)


def _fill(ledger, count: int) -> None:
    """`count` registrations, every 10th a new version of the one before, every 7th a copy of the first."""
    rows, history = [], []
    for i in range(1, count + 1):
        rows.append({"id": i, "year": 2026, "seq": i, "number": f"收〔2026〕{i}号", "received_at": "2026-05-06T10:00:00+08:00",
                     "channel": "edoc", "file": f"{i}.pdf", "sha256": f"{i:064x}", "archive_path": "x", "status": "indexed",
                     "revision_of": i - 1 if i % 10 == 0 else None, "revision": 2 if i % 10 == 0 else None,
                     "linked_to": 1 if i % 7 == 0 else None, "mail_from": "a@b.cn" if i % 3 == 0 else None})
        history.append({"id": i, "document_id": i, "status": "indexed", "at": "2026-05-06T10:00:00+08:00", "note": None})
    ledger.import_tables({"documents": rows, "history": history, "sequences": [{"year": 2026, "last": count}]})


class Counter:
    """Counts the statements a ledger connection is given (PostgreSQL: every execute on its connection)."""

    def __init__(self, ledger):
        self.ledger, self.count = ledger, 0
        if ledger.dialect == "sqlite":
            ledger.conn.set_trace_callback(self._traced)
        else:
            real = ledger.conn

            class Counted:
                def __getattr__(_, name):
                    return getattr(real, name)

                def execute(_, *args, **kwargs):
                    self.count += 1
                    return real.execute(*args, **kwargs)
            ledger.conn = Counted()
            self.real = real

    def _traced(self, statement: str) -> None:
        self.count += 1

    def close(self) -> None:
        if self.ledger.dialect == "sqlite":
            self.ledger.conn.set_trace_callback(None)
        else:
            self.ledger.conn = self.real


@pytest.mark.parametrize("size", [300, 3000])
def test_a_page_of_50_takes_two_statements_whatever_the_ledger_holds(url, tmp_path, size):
    with _office(url, tmp_path) as office:
        _fill(office.ledger, size)
        counter = Counter(office.ledger)
        try:
            page = desk.ledger_page(office, LedgerQuery(limit=50, offset=size - 70))
            first = counter.count
            marks = [e.marks for e in page.entries]
            records = [e.record() for e in page.entries]
        finally:
            counter.close()
    # the rows with their marks, the count, the marks' 收文编号 checked for the asker (one for the page); none per row
    assert first == counter.count == 3
    assert page.total == size and len(page.entries) == 50
    assert page.entries[0].row["number"] == f"收〔2026〕{size - 69}号"
    by_number = {r["number"]: (m, r) for m, r in zip(marks, records)}
    ten = size - 60  # a multiple of 10, so the 2nd version of the one before
    assert f"  第2版（前版 收〔2026〕{ten - 1}号）" in by_number[f"收〔2026〕{ten}号"][0]
    assert by_number[f"收〔2026〕{ten - 1}号"][1]["newer_versions"] == [f"收〔2026〕{ten}号"]


def test_the_cli_pages_and_says_where_the_next_page_starts(tmp_path):
    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    for n in range(1, 6):
        reg(ledger, n, "2026-03-0" + str(n))
    ledger.set_status(4, "held")
    ledger.close()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(ROOT)}
    env.pop("SHOUWEN_LEDGER_URL", None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(tmp_path), *args],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    heading = "收文编号  收文日期  来文单位  来文文号  紧急程度  标题  转办单位  状态  来文渠道"
    first = cli("--limit", "2")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == heading and [line.split()[0] for line in lines[1:]] == ["收〔2026〕1号", "收〔2026〕2号"]
    assert lines[1].split()[1:3] == ["2026-03-01", "09:01"]  # Beijing time, as the office writes it
    # the held 4号 is not in the operator's (a clerk's) register at all: 4 rows, and nothing said of the gap
    assert first.stderr.strip() == "共 4 件，显示第 1–2 件；下一页：--limit 2 --after 收〔2026〕2号"
    nxt = cli("--limit", "2", "--after", "收〔2026〕2号")
    assert [line.split()[0] for line in nxt.stdout.splitlines()[1:]] == ["收〔2026〕3号", "收〔2026〕5号"]
    assert "4号" not in nxt.stdout + nxt.stderr
    held = cli("--status", "held", "--newest")
    assert held.returncode == 0 and held.stdout.splitlines()[1:] == []
    refused = cli("--confidential")  # the 机要员's view is a role: the operator is refused, told how to log in
    assert refused.returncode == 2 and refused.stdout == ""
    assert "无权查看涉密和待核定收文" in refused.stderr and "--user 用户名 --password-stdin" in refused.stderr
    added = subprocess.run([sys.executable, "-m", "pipelines.cli", "user", "add", "jiyao", "--role", "confidential",
                            "--password-stdin", "--root", str(tmp_path)], input="Jiyao-pass-2026\n",
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert added.returncode == 0, added.stderr
    wrong = subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(tmp_path), "--user", "jiyao",
                            "--password-stdin", "--confidential"], input="not-the-password\n",
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert wrong.returncode == 2 and wrong.stdout == "" and "登录失败" in wrong.stderr
    seen = subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(tmp_path), "--status", "held"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**env, "SHOUWEN_USER": "jiyao", "SHOUWEN_PASSWORD": "Jiyao-pass-2026"})
    lines = seen.stdout.splitlines()
    assert seen.returncode == 0 and lines[0] == heading + "  密级  保密期限", seen.stderr
    assert [line.split()[0] for line in lines[1:]] == ["收〔2026〕4号"] and "待机要员核定" in lines[1]
    bad = cli("--from", "2026-13-01")
    assert bad.returncode == 2 and bad.stderr.strip() == "shouwen: 日期“2026-13-01”无效，应为 YYYY-MM-DD"


def test_the_cli_filters_by_issuer_date_department_and_exports_the_same_rows_to_xlsx(tmp_path):
    """`shouwen ledger --issuer 教育局 --from … --to … --department …` (a partial 来文单位; 收文日期 both days
    included) and `--xlsx FILE` with the office's columns; Chinese channel names; by hand from the rows made here."""
    from openpyxl import load_workbook

    ledger = open_ledger("sqlite:///ledger.sqlite3", tmp_path)
    for n, day, channel in ((1, "2026-03-01", "fax"), (2, "2026-03-02", "mail"), (3, "2026-03-03", "edoc"),
                            (4, "2026-03-04", "scan")):
        reg(ledger, n, day, channel)
    ledger.set_status(1, "indexed", issuer="贵阳市教育局", department="综合科", doc_number="筑教发〔2026〕1号",
                      urgency="特急", title="关于甲的通知")
    ledger.set_status(2, "indexed", issuer="贵阳市教育局", department="办公室", title="关于乙的通知")
    ledger.set_status(3, "indexed", issuer="贵阳市财政局", department="综合科", title="关于丙的通知")
    ledger.set_status(4, "indexed", issuer="省教育厅", department="综合科", title="关于丁的通知")
    ledger.close()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(ROOT)}
    env.pop("SHOUWEN_LEDGER_URL", None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(tmp_path), *args],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    found = cli("--issuer", "教育", "--from", "2026-03-01", "--to", "2026-03-03")
    rows = [line.split("  ") for line in found.stdout.splitlines()[1:]]
    assert found.returncode == 0 and [r[0] for r in rows] == ["收〔2026〕1号", "收〔2026〕2号"], found.stderr
    assert rows[0][1:5] == ["2026-03-01 09:01", "贵阳市教育局", "筑教发〔2026〕1号", "特急"]
    assert rows[0][-1] == "传真" and rows[1][-1] == "电子邮件"
    assert [line.split()[0] for line in cli("--department", "综合科", "--issuer", "教育").stdout.splitlines()[1:]] == [
        "收〔2026〕1号", "收〔2026〕4号"]
    out = tmp_path / "登记簿.xlsx"
    exported = cli("--department", "综合科", "--xlsx", str(out))
    assert exported.returncode == 0 and "3 件" in exported.stderr, exported.stderr
    values = list(load_workbook(out).active.values)
    assert values[0][:8] == ("收文编号", "收文日期", "来文单位", "来文文号", "紧急程度", "标题", "转办单位", "状态")
    assert [v[0] for v in values[1:]] == ["收〔2026〕1号", "收〔2026〕3号", "收〔2026〕4号"]
    assert values[1][2] == "贵阳市教育局" and values[1][5] == "关于甲的通知"
