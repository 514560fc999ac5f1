"""The 登记簿's count at any size (ledger.query.count, count_zh): exact up to COUNT_EXACT_UP_TO, an estimate said
as 约 past it (never an estimate said as 共), on SQLite and a real PostgreSQL; a 收文日期 range taken as a range of
years only where every row's year is its received_at's; a partial 来文单位 found through the issuer index with the
same rows as LIKE; keyset paging that neither repeats nor skips a row where the sort keys tie. The thresholds are
made small here (monkeypatch) so that a ledger of a few hundred rows crosses them; expected figures are worked
out by hand from the rows written."""
from __future__ import annotations

import pytest

from pipelines import desk
from pipelines.actors import Actor
from pipelines.ledger import LedgerQuery
from pipelines.ledger import query as ledger_query
from pipelines.ledger.query import count_zh

from .test_ledger_page import _office

ROWS = 300


def _rows(ledger, count: int = ROWS, received=lambda i: f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+08:00") -> None:
    """`count` registrations of 2026 (ids 1…count): even ids returned, odd indexed; every 10th from 市教育局, the
    others from 市财政局; every 50th in 综合科, the others in 办公室."""
    rows = []
    for i in range(1, count + 1):
        rows.append({"id": i, "year": 2026, "seq": i, "number": f"收〔2026〕{i}号", "received_at": received(i),
                     "channel": "edoc", "file": f"{i}.pdf", "sha256": f"{i:064x}", "archive_path": "x",
                     "status": "returned" if i % 2 == 0 else "indexed",
                     "issuer": "市教育局" if i % 10 == 0 else "市财政局",
                     "department": "综合科" if i % 50 == 0 else "办公室"})
    ledger.import_tables({"documents": rows, "history": [], "sequences": [{"year": 2026, "last": count}]})
    if ledger.dialect == "postgresql":
        ledger.store.execute("ANALYZE documents")


@pytest.fixture
def small_bounds(monkeypatch):
    """Exact up to 20 rows; SQLite's estimate from 4 ranges of 10 ids."""
    monkeypatch.setattr(ledger_query, "COUNT_EXACT_UP_TO", 20)
    monkeypatch.setattr(ledger_query, "SAMPLE_RANGES", 4)
    monkeypatch.setattr(ledger_query, "SAMPLE_WIDTH", 10)


def test_count_zh_says_exact_and_estimated_apart():
    assert count_zh(0, True) == "共 0 件"
    assert count_zh(1234, True) == "共 1,234 件"
    assert count_zh(333_456, False) == "约 330,000 件"  # two significant figures: an estimate claims no more
    assert count_zh(5001, False) == "约 5,000 件"
    assert count_zh(98, False) == "约 98 件"


def test_exact_below_the_bound_and_said_as_about_past_it(ledger, small_bounds):
    _rows(ledger)
    few = ledger.page(departments=("综合科",))  # ids 50, 100 … 300: 6 rows
    assert (few.total, few.exact, few.total_zh) == (6, True, "共 6 件")
    at_bound = ledger.page(issuer="市教育局", statuses=("returned",), limit=5)  # every 10th, all even: 30 > 20
    assert not at_bound.exact and at_bound.total_zh.startswith("约 ")
    assert at_bound.total > 20  # an estimate past the bound never says fewer than the bound it passed
    assert at_bound.next_after is not None  # more pages follow, whatever the estimate
    everything = ledger.page(limit=50)
    assert not everything.exact and everything.total_zh.startswith("约 ") and "共" not in everything.total_zh
    if ledger.dialect == "sqlite":
        # the sample: ids 33–42, 108–117, 183–192, 258–267 (span 300, 4 strata of 75, each centred): all 40 match
        # → 40 × 300 / 40 = 300; half of them even (returned) → 150; 市教育局 (every 10th): 4 of 40 → 30
        assert everything.total == 300
        assert ledger.page(statuses=("returned",)).total == 150
        assert at_bound.total == 30
    else:  # the planner's estimate after ANALYZE: the right order of size
        assert 150 <= everything.total <= 600
    walked = []
    query = LedgerQuery(limit=100)
    while query is not None:  # the estimate never stops the walk early nor makes it run on
        page = ledger.page(query)
        walked += [r["id"] for r in page.rows]
        query = page.next()
    assert walked == list(range(1, ROWS + 1))


def test_the_desk_and_the_web_say_about_for_an_estimate(url, tmp_path, small_bounds):
    with _office(url, tmp_path) as office:
        _rows(office.ledger)
        clerk = Actor("clerk1", "clerk")
        page = desk.ledger_page(office, LedgerQuery(limit=10), actor=clerk)
        assert not page.exact and page.total_zh.startswith("约 ")
        staff = desk.ledger_page(office, LedgerQuery(limit=10), actor=Actor("s1", "staff", "综合科"))
        assert (staff.total, staff.exact, staff.total_zh) == (6, True, "共 6 件")  # the scope counts as before
        assert {e.row["department"] for e in staff.entries} == {"综合科"}


def test_a_date_range_is_a_year_range_only_where_years_follow_dates(ledger, monkeypatch):
    monkeypatch.setattr(ledger_query, "COUNT_EXACT_UP_TO", 5)  # March's 13 rows are past it: the years are implied
    _rows(ledger, 40, received=lambda i: f"2026-0{1 + i % 3}-1{i % 10}T10:00:00+08:00")
    assert ledger_query.years_follow_dates(ledger)
    march = LedgerQuery(date_from="2026-03-01", date_to="2026-03-31", limit=100)
    expected = [i for i in range(1, 41) if i % 3 == 2]
    assert [r["id"] for r in ledger.page(march).rows] == expected
    # a rebuilt ledger may hold a row whose 收文编号 year is not its received_at's (收文时间 recorded at the rebuild)
    ledger.store.execute("UPDATE documents SET year = 2025, seq = 1, number = '收〔2025〕1号' WHERE id = 5")
    assert not ledger_query.years_follow_dates(ledger)
    # id 5 (received 2026-03-15, now 收〔2025〕1号: first in 收文编号 order) still found
    assert [r["id"] for r in ledger.page(march).rows] == [5] + [i for i in expected if i != 5]
    assert 5 in [r["id"] for r in ledger.page(date_from="2026-03-15", date_to="2026-03-15").rows]


def test_a_partial_issuer_through_the_index_finds_what_like_finds(ledger, monkeypatch):
    _rows(ledger, 60)
    ledger.store.execute("UPDATE documents SET issuer = '省教育厅' WHERE id = 7")
    ledger.store.execute("UPDATE documents SET issuer = '50%_教育' WHERE id = 9")
    ledger.store.execute("UPDATE documents SET issuer = NULL WHERE id = 11")
    cases = {"教育": [7, 9, 10, 20, 30, 40, 50, 60], "教育局": [10, 20, 30, 40, 50, 60], "%_": [9], "税务": []}
    for needle, ids in cases.items():
        assert ledger_query.issuers_containing(ledger, LedgerQuery(issuer_contains=needle)) is not None
        assert [r["id"] for r in ledger.page(issuer_contains=needle, limit=100).rows] == ids, needle
    monkeypatch.setattr(ledger_query, "MAX_ISSUERS", 1)  # too many 来文单位 match: LIKE on every row, same rows
    assert ledger_query.issuers_containing(ledger, LedgerQuery(issuer_contains="教育")) is None
    assert [r["id"] for r in ledger.page(issuer_contains="教育", limit=100).rows] == cases["教育"]


@pytest.mark.parametrize("order", ["received", "-received", "number", "-number"])
def test_keyset_pages_neither_repeat_nor_skip_where_keys_tie(ledger, order):
    """Every row received at one of three instants: pages of 7 by key (received_at, id as the tie-breaker)."""
    _rows(ledger, 50, received=lambda i: f"2026-05-0{1 + i % 3}T09:00:00+08:00")
    walked, query = [], LedgerQuery(limit=7, order=order)
    while query is not None:
        page = ledger.page(query)
        walked += [r["id"] for r in page.rows]
        query = page.next()
    if order.endswith("received"):
        expected = sorted(range(1, 51), key=lambda i: (i % 3, i))
    else:
        expected = list(range(1, 51))
    assert walked == (expected if not order.startswith("-") else expected[::-1])
