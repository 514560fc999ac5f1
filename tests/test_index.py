"""The embedded Chinese full-text index: any word of two or more characters is found, filters narrow, secrets stay out."""
from __future__ import annotations

import pytest

from index import SqliteIndex, match_expression, tokens

DOCS = [
    (1, "贵阳市教育局关于拨付2026年校舍维修专项资金的请示", "我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂。",
     {"issuer": "贵阳市教育局", "doc_type": "请示", "department": "文秘科", "channel": "edoc", "verdict": "accept",
      "date": "2026-11-20", "number": "收〔2026〕1号"}),
    (2, "贵阳市卫生健康局关于冬季传染病防控工作的通知", "各区县要加强发热门诊管理，做好流感疫苗接种。",
     {"issuer": "贵阳市卫生健康局", "doc_type": "通知", "department": "办公室", "channel": "fax", "verdict": "accept",
      "date": "2026-10-08", "number": "收〔2026〕2号"}),
    (3, "关于校舍安全检查情况的报告", "全市学校校舍安全检查发现隐患136处，已整改。",
     {"issuer": "贵阳市教育局", "doc_type": "报告", "department": "文秘科", "channel": "scan", "verdict": "return",
      "date": "2026-07-01", "number": "收〔2026〕3号"}),
]


@pytest.fixture
def index(tmp_path):
    idx = SqliteIndex(tmp_path / "index.sqlite3")
    for doc_id, title, body, fields in DOCS:
        idx.add(doc_id, title=title, body=body, **fields)
    yield idx
    idx.close()


def test_bigrams_on_both_sides():
    assert tokens("校舍维修") == ["校舍", "舍维", "维修"]
    assert tokens("GB/T 9704 标准") == ["gb", "t", "9704", "标准"]
    assert match_expression("舍维 安全检查") == '"舍维" AND "安全 全检 检查"'


@pytest.mark.parametrize("query,expected", [
    ("校舍", [1, 3]), ("维修专项", [1]), ("流感疫苗", [2]), ("安全检查", [3]), ("渗漏", [1]), ("2026", [1]),
    ("校舍 隐患", [3]), ("不存在的词", []),
])
def test_any_word_of_two_or_more_characters_is_found(index, query, expected):
    assert sorted(hit.id for hit in index.search(query)) == expected


def test_filters_narrow_the_hits(index):
    assert [h.id for h in index.search("校舍", doc_type="报告")] == [3]
    assert [h.id for h in index.search("校舍", verdict="accept")] == [1]
    assert [h.id for h in index.search("贵阳市", channel="fax")] == [2]
    assert sorted(h.id for h in index.search("校舍", date_from="2026-08-01")) == [1]
    assert [h.id for h in index.search("校舍", date_to="2026-08-01", issuer="贵阳市教育局")] == [3]


def test_title_matches_rank_first_and_snippets_mark_the_word(index):
    hits = index.search("校舍")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all("【校舍】" in h.snippet for h in hits)
    assert index.search("发热门诊")[0].snippet.startswith("贵阳市卫生健康局")


def test_reindexing_replaces_and_removing_removes(index):
    index.add(2, title="贵阳市卫生健康局关于春季爱国卫生运动的通知", body="开展环境卫生整治。", issuer="贵阳市卫生健康局")
    assert index.search("流感") == [] and [h.id for h in index.search("爱国卫生")] == [2]
    index.remove(2)
    assert index.search("爱国卫生") == [] and index.count() == 2


def test_classified_documents_are_refused(index):
    with pytest.raises(ValueError):
        index.add(9, title="关于某事项的通知", body="内容", secrecy="机密★5年")
    assert index.search("某事项") == []
