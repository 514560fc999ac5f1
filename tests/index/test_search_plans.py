"""The embedded index's query plans (检索方案, index/tantivy_index.py): titles holding every word first, the
same matches under every plan, and close matches (相近结果) only when nothing holds the query as typed.
Real Tantivy; expected hits read off the documents below by hand."""
from __future__ import annotations

import pytest

from index import open_index
from index.tantivy_index import TantivyIndex

DOCS = [
    # 营商环境 in the text only, many times (a long text: BM25 would still rank it high)
    (1, "关于做好2026年第一季度工作的通知", "优化营商环境。" * 30 + "南明区要抓好落实。"),
    # 营商环境 and 南明区 both in the title
    (2, "南明区人民政府关于优化营商环境的意见", "各部门要按照要求抓好落实。"),
    (3, "关于南明区营商环境评价结果的函", "评价结果见附件，营商环境持续改善。"),
    # 南明区 in the title, 营商环境 in the text only
    (4, "关于南明区重点工作的通知", "营商环境工作纳入考核。"),
    # neither together: 营商 and 环境 apart, no 南明区
    (5, "关于生态环境保护的通知", "加强环境监测，营商主体要配合。"),
    # the subject of the close-match questions: 宿舍楼加固 (never 宿舍楼维修)
    (6, "贵阳市教育局关于第一中学宿舍楼加固工程的请示", "第一中学宿舍楼建于1986年，需加固。"),
    (7, "南明区人民政府关于第一中学食堂改造的函", "第一中学食堂改造资金已落实。"),
]


@pytest.fixture
def index(tmp_path):
    idx = open_index(tmp_path)
    for doc_id, title, body in DOCS:
        idx.add(doc_id, title=title, body=body, doc_type=title[-1:] if title[-1:] in "函" else title[-2:])
    yield idx
    idx.close()


def test_titles_holding_every_word_come_first(index):
    hits = [h.id for h in index.search("南明区 营商环境")]
    assert sorted(hits[:2]) == [2, 3]  # both words in the title
    assert sorted(hits[2:]) == [1, 4]  # the words in title and text, or only in the text
    assert 5 not in hits  # 营商 and 环境 apart: not the phrase


@pytest.mark.parametrize("plan", TantivyIndex.PLANS)
@pytest.mark.parametrize("query", ["南明区 营商环境", "营商环境", "第一中学", "南明区", "市", '"营商环境持续"'])
def test_every_plan_finds_the_same_documents(index, plan, query):
    expected = {"南明区 营商环境": {1, 2, 3, 4}, "营商环境": {1, 2, 3, 4}, "第一中学": {6, 7},
                "南明区": {1, 2, 3, 4, 7}, "市": {6}, '"营商环境持续"': {3}}[query]
    index.plan = plan
    assert {h.id for h in index.search(query)} == expected


def test_filters_narrow_the_title_first_plan(index):
    assert {h.id for h in index.search("南明区 营商环境", doc_type="通知")} == {1, 4}  # none holds both in its title
    assert [h.id for h in index.search("营商环境", doc_type="函")] == [3]


def test_a_misremembered_word_gives_close_matches_with_a_notice(index):
    found = index.results("第一中学宿舍楼维修")  # the text says 宿舍楼加固
    assert found.hits[0].id == 6
    assert any("相近" in n for n in found.notices)
    assert "【第一】" in found.hits[0].snippet or "【宿舍楼】" in found.hits[0].snippet


def test_the_full_name_said_short_gives_close_matches(index):
    found = index.results("南明区政府 食堂改造")  # 南明区人民政府 in the title
    assert found.hits[0].id == 7 and any("相近" in n for n in found.notices)


def test_the_strict_plan_and_numbers_are_never_loosened(index):
    index.plan = "title-first-strict"
    assert index.search("第一中学宿舍楼维修") == []
    index.plan = "title-first"
    assert index.search("〔2027〕") == [] and index.search("1987年") == []  # a 发文字号 part, a number: exact only
    exact = index.results("第一中学宿舍楼")
    assert [h.id for h in exact.hits] == [6] and not exact.notices


def test_a_lone_word_with_dates_keeps_only_documents_in_range(tmp_path):
    idx = open_index(tmp_path)
    for i in range(1, 9):  # odd: 2025, even: 2026
        idx.add(i, title=f"贵阳市教育局关于第{i}批校舍维修的通知", body="校舍维修资金已下达。",
                date=f"{2024 + 2 - i % 2}-0{i}-01")
    for query in ("局", "校舍", "教育局"):  # one character, two, one dictionary word of three
        recent = [h.id for h in idx.search(query, limit=3, date_from="2026-01-01")]
        older = [h.id for h in idx.search(query, limit=3, date_to="2025-12-31")]
        assert len(recent) == len(older) == 3
        assert set(recent) <= {2, 4, 6, 8} and set(older) <= {1, 3, 5, 7}
        assert [h.id for h in idx.search(query, limit=10, date_from="2026-03-01", date_to="2026-06-30")] in ([4, 6], [6, 4])
    idx.close()
