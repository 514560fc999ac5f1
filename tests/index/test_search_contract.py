"""The SearchIndex contract (检索接口): one suite, every backend.

Backends: the embedded Tantivy index (real), Elasticsearch through the real `elasticsearch` client against
the in-process STAND-IN server (tests/es_stand_in.py: no Elasticsearch server can be installed here), and a
real Elasticsearch wherever SHOUWEN_TEST_ES_URL is set (http://host:9200). Expected hits are read off the
documents below, by hand.
"""
from __future__ import annotations

import os
import uuid
from datetime import date

import pytest

from index import FACETS, ClassifiedRefused, Doc, QueryError, SearchIndex, open_index, received_bounds

from .. import es_stand_in

DOCS = [
    (1, "贵阳市教育局关于拨付2026年校舍维修专项资金的请示", "我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂。筑教呈〔2026〕5号",
     {"issuer": "贵阳市教育局", "doc_type": "请示", "department": "文秘科", "channel": "edoc", "verdict": "accept",
      "date": "2026-11-20", "number": "收〔2026〕1号", "received_at": "2026-11-30T09:12:00+08:00"}),
    (2, "贵阳市卫生健康局关于冬季传染病防控工作的通知", "各区县要加强发热门诊管理，做好流感疫苗接种。市政府-工作部署见附件。",
     {"issuer": "贵阳市卫生健康局", "doc_type": "通知", "department": "办公室", "channel": "fax", "verdict": "accept",
      "date": "2026-10-08", "number": "收〔2026〕2号", "urgency": "特急", "received_at": "2026-10-10T15:00:00+08:00"}),
    (3, "关于校舍安全检查情况的报告", "全市学校校舍安全检查发现隐患136处，已整改。校舍/维修资金另行申请。",
     {"issuer": "贵阳市教育局", "doc_type": "报告", "channel": "scan", "verdict": "return", "status": "returned",
      "date": "2026-07-01", "number": "收〔2026〕3号", "urgency": "加急", "received_at": "2026-07-03T10:00:00+08:00"}),
    # every bigram of 安全检查 (安全, 全检, 检查) occurs here, but never the phrase: a precise phrase query misses it
    (4, "关于检查全检设备和安全生产的函", "请对全检设备开展检查，确保安全。政府工作报告已印发。",
     {"issuer": "贵阳市应急管理局", "doc_type": "函", "department": "综合科", "channel": "mail", "verdict": "accept",
      "date": "2025-03-15", "number": "收〔2025〕9号", "received_at": "2025-03-20T08:30:00+08:00"}),
    # 校舍 only in the body, once: the documents with 校舍 in their titles rank above it
    (5, "关于下达2026年教育经费预算的通知", "经费用于教学设备购置，其中少量用于校舍。发文字号：筑财教〔2026〕8号",
     {"issuer": "贵阳市财政局", "doc_type": "通知", "department": "综合科", "channel": "edoc", "verdict": "accept",
      "date": "2026-02-01", "number": "收〔2026〕4号", "received_at": "2026-12-05T16:40:00+08:00"}),
]


def _stand_in():
    server, state, url = es_stand_in.start()
    return server, state, f"{url}/shouwen-{uuid.uuid4().hex[:8]}"


BACKENDS = ["tantivy", "elasticsearch_stand_in"] + (["elasticsearch"] if os.environ.get("SHOUWEN_TEST_ES_URL") else [])


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """(name, a function making an empty index): the same backend may be opened afresh (rebuild tests)."""
    name = request.param
    if name == "tantivy":
        yield name, lambda: open_index(tmp_path / "office")
    elif name == "elasticsearch_stand_in":
        server, _, url = _stand_in()
        yield name, lambda: open_index(tmp_path, url)
        server.shutdown()
    else:
        url = os.environ["SHOUWEN_TEST_ES_URL"].rstrip("/") + f"/shouwen-test-{uuid.uuid4().hex[:8]}"
        yield name, lambda: open_index(tmp_path, url)
        from elasticsearch import Elasticsearch

        es = Elasticsearch(os.environ["SHOUWEN_TEST_ES_URL"])
        es.options(ignore_status=404).indices.delete(index=url.rsplit("/", 1)[1] + "-*")


@pytest.fixture
def index(backend):
    idx = backend[1]()
    for doc_id, title, body, fields in DOCS:
        idx.add(doc_id, title=title, body=body, **fields)
    yield idx
    idx.close()


def ids(hits) -> list[int]:
    return sorted(h.id for h in hits)


def test_every_backend_keeps_the_interface(index):
    assert isinstance(index, SearchIndex)


@pytest.mark.parametrize("query,expected", [
    ("校舍", [1, 3, 5]), ("维修专项", [1]), ("流感疫苗", [2]), ("渗漏", [1]), ("2026", [1, 5]), ("校舍 隐患", [3]),
    ("不存在的词", []), ("屋面渗漏", [1]), ("疫苗", [2]),
])
def test_any_word_of_two_or_more_characters_is_found(index, query, expected):
    assert ids(index.search(query)) == expected


def test_one_character_is_found_inside_words(index):
    # 隐 stands only inside 隐患 (document 3); 疫 inside 防控… no: 疫苗 (document 2)
    assert ids(index.search("隐")) == [3]
    assert ids(index.search("疫")) == [2]
    assert ids(index.search("市")) == [1, 2, 3]  # 贵阳市 (1, 2), 全市 (3)


def test_a_phrase_hits_only_the_documents_that_contain_it(index):
    # document 4 holds every bigram of 安全检查 but not the phrase; document 3 holds it in its title
    assert ids(index.search("安全检查")) == [3]
    assert ids(index.search('"安全检查情况"')) == [3]
    assert ids(index.search("检查")) == [3, 4]


def test_punctuation_inside_a_word_is_ignored(index):
    assert ids(index.search("校舍/维修")) == [1, 3]  # 校舍维修 in 1's title; 校舍/维修 in 3's text
    assert ids(index.search("政府-工作")) == [2, 4]  # 市政府-工作 (2), 政府工作 (4)
    assert ids(index.search("校舍维修")) == [1, 3]


@pytest.mark.parametrize("query,expected", [
    ("筑教呈〔2026〕5号", [1]), ("筑教呈[2026]5号", [1]), ("筑教呈［2026］5号", [1]), ("发〔2026〕", []),
    ("呈〔2026〕", [1]), ("教〔2026〕", [5]), ("〔2026〕8号", [5]), ("筑财教", [5]),
])
def test_a_whole_or_partial_document_number_is_found(index, query, expected):
    assert ids(index.search(query)) == expected


def test_quotes_keep_a_phrase_together(index):
    assert ids(index.search('"屋面 渗漏"')) == [1]  # spaces inside quotes: one phrase
    assert ids(index.search("“发热门诊管理”")) == [2]
    assert ids(index.search("屋面 开裂")) == [1]  # two words, both required, anywhere


@pytest.mark.parametrize("query", ['校舍 AND 维修', "校舍*", "(校舍)", "校舍~2", "title:校舍", '"校舍', "校舍^3", "\\校舍",
                                   "校舍 OR", "NEAR(校舍 维修)", "+校舍 -维修", "校舍 && 维修"])
def test_search_syntax_characters_are_plain_punctuation(index, query):
    hits = index.search(query)  # never an exception: the characters separate or are dropped
    assert all(h.id in (1, 3, 5) for h in hits)


@pytest.mark.parametrize("query", ["", "   ", "〔〕", "***", "()", '""', "！？。"])
def test_nothing_searchable_gives_a_chinese_message(index, query):
    with pytest.raises(QueryError, match="请输入要检索的字词"):
        index.search(query)


def test_a_10000_character_paste_is_bounded_and_still_finds_its_document(index):
    paste = (DOCS[2][2] + "\n") * 400  # a clerk pastes a long stretch of document 3's text
    assert len(paste) > 10000
    found = index.results(paste)
    assert [h.id for h in found.hits] == [3]
    assert found.notices and "过长" in found.notices[0]


def test_filters_and_dates_narrow_the_hits(index):
    assert ids(index.search("校舍", doc_type="报告")) == [3]
    assert ids(index.search("校舍", verdict="accept")) == [1, 5]
    assert ids(index.search("贵阳市", channel="fax")) == [2]
    assert ids(index.search("校舍", date_from="2026-08-01")) == [1]
    assert ids(index.search("校舍", date_to="2026-08-01", issuer="贵阳市教育局")) == [3]
    assert ids(index.search("校舍", date_from="2026-02-01", date_to="2026-02-01")) == [5]
    with pytest.raises(ValueError):
        index.search("校舍", date_from="2026年2月1日")


def test_date_order_puts_the_newest_written_first(index):
    """order "date" (the web desk's 按日期): every match, newest 成文日期 first, whatever the score; by hand from
    DOCS' dates (1: 2026-11, 3: 2026-07, 5: 2026-02)."""
    found = index.results("校舍", order="date")
    assert ids(found.hits) == [1, 3, 5] and found.total == 3


def test_facets_and_total_count_every_match_not_only_those_shown(index):
    found = index.results("校舍", limit=1)
    assert len(found.hits) == 1 and found.total == 3 and not found.approximate and found.total_zh == "共 3 条"
    assert found.facets["doc_type"] == {"请示": 1, "报告": 1, "通知": 1}
    assert found.facets["issuer"] == {"贵阳市教育局": 2, "贵阳市财政局": 1}
    assert found.facets["department"] == {"文秘科": 1, "综合科": 1}  # the 退文 (3) was never routed


def test_every_facet_the_web_desk_shows(index):
    """文种, 来文单位, 承办部门, 收文日期 ranges, status, channel, 紧急程度: over every match, counted by hand."""
    found = index.results("校舍", limit=1, today=date(2026, 12, 6))  # 1: received 11-30, 3: 07-03, 5: 12-05
    assert found.facets["status"] == {"indexed": 2, "returned": 1}
    assert found.facets["channel"] == {"edoc": 2, "scan": 1}
    assert found.facets["urgency"] == {"加急": 1}
    # cumulative back from 2026-12-06: 近7日 from 11-30 (1 and 5), 近30日 from 11-07, 近一年 from 2025-12-07
    assert found.facets["received"] == {"近7日": 2, "近30日": 2, "近一年": 3}
    older = index.results("检查", today=date(2026, 12, 6))  # 3 (2026-07-03) and 4 (2025-03-20)
    assert older.facets["received"] == {"近一年": 1, "一年以前": 1}
    assert set(found.facets) == set(FACETS)


def test_the_received_ranges_are_the_filters_a_facet_link_applies(index):
    bounds = received_bounds(date(2026, 12, 6))
    assert bounds["近7日"] == ("2026-11-30", None) and bounds["一年以前"] == (None, "2025-12-06")
    first, last = bounds["近7日"]
    assert ids(index.search("校舍", received_from=first, received_to=last)) == [1, 5]
    assert ids(index.search("检查", received_to=bounds["一年以前"][1])) == [4]
    assert ids(index.search("校舍", received_from="2026-07-03", received_to="2026-07-03")) == [3]
    with pytest.raises(ValueError):
        index.search("校舍", received_from="2026年7月3日")


def test_returned_documents_are_found_with_their_status_and_a_status_filter(index):
    assert ids(index.search("安全检查")) == [3]  # a 退文: found by its title as any other
    assert index.search("安全检查")[0].fields["status"] == "returned"
    assert ids(index.search("校舍", status="returned")) == [3]
    assert ids(index.search("校舍", status="indexed")) == [1, 5]
    assert index.search("屋面渗漏")[0].fields["status"] == "indexed"  # added without a status: indexed


def test_urgency_is_a_filter(index):
    assert ids(index.search("校舍", urgency="加急")) == [3]
    assert ids(index.search("发热门诊", urgency="特急")) == [2]
    assert index.search("发热门诊")[0].fields["urgency"] == "特急"


def test_fields_a_backend_does_not_know_are_ignored_not_refused(index):
    """Other branches may send more (a simplified-text field): add() takes it and keeps what it knows."""
    index.add(6, title="关于春节值班安排的通知", body="春节期间值班。", doc_type="通知", simplified_text="春节值班", whatever=1)
    assert ids(index.search("值班")) == [6]


def test_title_matches_rank_first_and_snippets_mark_the_words(index):
    hits = index.search("校舍")
    assert hits[-1].id == 5  # 校舍 only once in its text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all("【校舍】" in h.snippet for h in hits)
    assert "【屋面】" in index.search("屋面 开裂")[0].snippet and "【开裂】" in index.search("屋面 开裂")[0].snippet
    assert "【校舍/维修】" in index.search("校舍维修", issuer="贵阳市教育局", doc_type="报告")[0].snippet
    hit = index.search("发热门诊")[0]
    assert hit.number == "收〔2026〕2号" and hit.title == DOCS[1][1] and hit.fields["date"] == "2026-10-08"


def test_replacing_updating_and_removing(index):
    index.add(2, title="贵阳市卫生健康局关于春季爱国卫生运动的通知", body="开展环境卫生整治。", issuer="贵阳市卫生健康局")
    assert index.search("流感") == [] and ids(index.search("爱国卫生")) == [2]
    index.update(1, department="督查室")
    assert ids(index.search("校舍", department="督查室")) == [1]
    assert index.search("校舍", department="督查室")[0].fields["date"] == "2026-11-20"  # the rest kept
    index.remove(2)
    assert index.search("爱国卫生") == [] and index.count() == 4
    assert index.ids() == {1, 3, 4, 5}


def test_stored_texts_give_the_router_its_training_texts(index):
    texts = index.stored_texts([1, 3, 99])
    assert set(texts) == {1, 3}
    assert texts[1] == (DOCS[0][1], DOCS[0][2])


def test_classified_documents_are_never_indexed(index):
    for secrecy in ("机密★5年", "秘密", "绝密★长期", " 机密"):
        with pytest.raises(ClassifiedRefused):
            index.add(9, title="关于高考试卷保密管理的通知", body="试卷保密", secrecy=secrecy)
    assert index.add_many([Doc(10, "关于试卷保密的函", "试卷保密", {}, "机密★1年"), Doc(11, "关于开学的通知", "开学", {})]) == 1
    assert index.search("试卷保密") == [] and index.search("试") == [] and 9 not in index.ids() and 10 not in index.ids()


def test_rebuild_replaces_the_whole_index(backend, index):
    n = index.rebuild(Doc(i, t, b, f) for i, t, b, f in DOCS[:2])
    assert n == 2 and index.count() == 2 and ids(index.search("校舍")) == [1]
    again = backend[1]()  # opened afresh, it sees the rebuilt index
    assert again.count() == 2 and ids(again.search("流感")) == [2]
