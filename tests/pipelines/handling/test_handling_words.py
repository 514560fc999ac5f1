"""办件 or 阅件 from a 批示's words (pipelines/handling/words.py), as 宁波市人民政府办公厅领导批示件办理工作规程 五(一)
says: 阅研、阅处、酌 and explicit requirements make a 办件; 阅、参考 make a 阅件."""
from __future__ import annotations

import pytest

from pipelines.handling.words import WordsError, classify_words, load_lists


@pytest.mark.parametrize("words, kind, word", [
    ("请财政局阅研。", "办件", "阅研"),
    ("阅处", "办件", "阅处"),
    ("请水务局酌处", "办件", "酌处"),
    ("酌。", "办件", "酌"),
    ("请市教育局会同市财政局提出方案报我", "办件", "提出方案"),
    ("阅。", "阅件", "阅"),
    ("供参考", "阅件", "参考"),
    ("阅知", "阅件", "阅知"),
    ("同意", "办件", None),  # an explicit requirement without a listed word: a 办件, never lost as a 阅件
])
def test_the_ningbo_words(words, kind, word):
    reading = classify_words(words, load_lists())
    assert (reading.kind, reading.word) == (kind, word)


def test_the_word_written_first_is_named_when_several_occur():
    assert classify_words("请财政局阅处，抓紧落实", load_lists()).word == "阅处"


def test_the_office_file_replaces_the_shipped_lists(tmp_path):
    (tmp_path / "instruction_words.toml").write_text('["办件"]\nwords = ["速办"]\n["阅件"]\nwords = ["知道了"]\n',
                                                   encoding="utf-8")
    lists = load_lists(tmp_path)
    assert classify_words("知道了", lists).kind == "阅件"
    assert classify_words("阅研", lists).kind == "办件" and classify_words("阅研", lists).word is None
    (tmp_path / "instruction_words.toml").write_text('["办件"]\nwords = []\n', encoding="utf-8")
    with pytest.raises(WordsError, match="阅件|办件"):
        load_lists(tmp_path)
