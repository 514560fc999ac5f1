"""How text and queries are cut for search (检索分词); expected values written by hand from the inputs."""
from __future__ import annotations

import random

import pytest

from index.analysis import (
    MAX_UNITS,
    MAX_WORDS,
    QueryError,
    _clean_segments,
    analyse,
    bigram_text,
    parse_query,
    segments,
    snippet,
    unit_text,
)


def test_bigrams_keep_their_order_and_punctuation_inside_a_word_is_dropped():
    assert bigram_text("校舍/维修") == "校舍 舍维 维修"
    assert bigram_text("政府-工作，GB/T 9704-2012") == "政府 府工 工作 gb_t 9704_2012"
    assert bigram_text("筑教发〔2026〕12号") == "筑教 教发 发_2026 2026_12 12_号"
    assert bigram_text("市。") == "市"  # a segment of one unit stands alone


def test_units_and_segments():
    assert segments("全市学校，ＧＢ９７０４") == [["全", "市", "学", "校"], ["gb9704"]]  # full-width to ASCII
    assert unit_text("校舍/维修 2026年") == "校 舍 维 修 2026 年"


def test_the_index_build_cuts_text_exactly_as_the_definition_does():
    # analyse computes the bigram and unit fields on arrays (fast); they must be bigram_text / unit_text's strings
    # for any text: Latin runs next to CJK, in-word punctuation, one-unit segments, full-width, private-use
    # characters (the arrays' placeholders), control characters, empty text
    assert analyse("", "") == ("", "", "", "")
    assert analyse("筑教发〔2026〕12号", "市。GB/T 9704-2012，校舍/维修")[1:3] == (
        "筑教 教发 发_2026 2026_12 12_号 市 gb_t 9704_2012 校舍 舍维 维修",
        "筑 教 发 2026 12 号 市 gb t 9704 2012 校 舍 维 修")
    rng = random.Random(5)
    alphabet = "校舍维修市区 ，。/-〔〕ab12XＧ９\n\t①é_\x00\x01\ue001\uf8ff㐀\ufa00"
    for _ in range(3000):
        title, body = ("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(2))
        segs = _clean_segments(title) + _clean_segments(body)
        assert analyse(title, body)[1:3] == (bigram_text("", segs), unit_text("", segs)), (title, body)
    many = "，".join(f"第{i}条a{i}" for i in range(4000))  # more Latin runs than placeholders: the definition
    assert analyse("", many)[1:3] == (bigram_text(many), unit_text(many))


def test_queries_words_phrases_and_marks():
    parsed = parse_query('屋面 "校舍 维修" 发[2026]')
    assert [p.units for p in parsed.parts] == [["屋", "面"], ["校", "舍", "维", "修"], ["发", "2026"]]
    assert [p.grams for p in parse_query("校舍，维修").parts] == [["校舍"], ["维修"]]  # a comma separates
    for only_marks in ("", "〔〕", "* ( ) ~ ^ :"):
        with pytest.raises(QueryError, match="请输入要检索的字词"):
            parse_query(only_marks)


def test_a_long_paste_is_cut_with_notices():
    parsed = parse_query("维" * 100 + " " + " ".join(["校舍维修专项资金"] * 20))  # 280 characters
    assert len(parsed.parts) == MAX_WORDS and len(parsed.parts[0].units) == MAX_UNITS
    assert parsed.notices == [f"检索词过长，每个词只按前 {MAX_UNITS} 个字检索", f"检索词过多，只用前 {MAX_WORDS} 个"]
    assert parse_query("校" * 10000).notices[0] == "检索内容过长（10000 字），只按开头部分检索"


def test_snippets_mark_every_word_near_the_first_match():
    parts = parse_query("校舍维修 资金").parts
    assert snippet("关于校舍/维修资金的请示", "", parts) == "关于【校舍/维修】【资金】的请示"
    assert snippet("标题", "正文没有", parse_query("不在").parts) == "标题 正文没有"


@pytest.mark.parametrize("query,marked", [("发〔2026〕", "筑教【发〔2026〕】12号"), ("〔2026〕12", "筑教发【〔2026〕12】号"),
                                          ("筑教发〔2026〕12号", "【筑教发〔2026〕12号】")])
def test_a_highlight_never_cuts_a_pair_of_brackets(query, marked):
    from index.analysis import parse_query, snippet

    assert marked in snippet("", "筑教发〔2026〕12号 关于冬季学校安全工作的通知", parse_query(query).parts)
