"""办件 or 阅件 from a leader's instruction (批示) — 宁波市人民政府办公厅领导批示件办理工作规程 五(一):
"领导有明确批示要求，以及批有‘阅研’‘阅处’‘酌’等字样的，均应作为办件办理。批有‘阅’‘参考’等字样的，作为阅件处理。"

The word lists are data: instruction_words.toml shipped beside this module, replaced by the office's own file
(`<data root>/instruction_words.toml`, [handling] words_file). The clerk can overrule any reading
(ops.classify).

    classify_words("请财政局阅处", lists)  -> Reading(kind="办件", word="阅处", reason="批示含“阅处”")
    classify_words("阅。", lists)          -> Reading(kind="阅件", word="阅", …)
    classify_words("同意", lists)          -> Reading(kind="办件", word=None, reason="批示未用阅件用语，按有明确要求的办件办理")

Order: a 办件 word anywhere wins (阅研 contains 阅: it is a 办件); else a 阅件 word; else an explicit requirement
is presumed (办件): a 办件 that needs a result is never lost to a 阅件 by a missing word.
Errors: WordsError (Chinese, naming the file) for a list file that is not valid.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

SHIPPED = Path(__file__).with_name("instruction_words.toml")
KINDS = ("办件", "阅件")  # 办件: needs a result (承办结果); 阅件: read and closed without one


class WordsError(ValueError):
    """The instruction word list cannot be used (Chinese)."""


@dataclass(frozen=True)
class WordLists:
    handle: tuple[str, ...]  # 办件 words
    read: tuple[str, ...]  # 阅件 words
    source: str  # the file they came from


@dataclass(frozen=True)
class Reading:
    kind: str  # 办件 | 阅件
    word: Optional[str]  # the word that decided it, or None
    reason: str  # Chinese, for the history


def load_lists(root: Optional[Path] = None, file_name: str = "instruction_words.toml") -> WordLists:
    """The office's lists (`root/file_name`, or an absolute file_name) where that file exists, else the shipped ones."""
    path = Path(file_name)
    if root is not None and not path.is_absolute():
        path = Path(root) / path
    if not path.is_file():
        path = SHIPPED
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise WordsError(f"批示用语表 {path} 无法读取：{exc}") from None
    lists = {}
    for kind in KINDS:
        words = (raw.get(kind) or {}).get("words")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise WordsError(f"批示用语表 {path} 应有 [{kind}] words = [\"…\", …]（非空的词语列表）")
        # longest first: 阅知 is found before 阅, 酌处 before 酌
        lists[kind] = tuple(sorted({w.strip() for w in words}, key=len, reverse=True))
    return WordLists(lists["办件"], lists["阅件"], str(path))


def classify_words(words: str, lists: WordLists) -> Reading:
    """The kind the instruction `words` make (see the module's order). Where several words of a list occur, the one
    written first names the reason (the longest where two start at the same place)."""
    text = "".join((words or "").split())
    for kind, found_in in (("办件", lists.handle), ("阅件", lists.read)):
        hits = [(text.find(w), -len(w), w) for w in found_in if w in text]
        if hits:
            word = min(hits)[2]
            verb = "办理" if kind == "办件" else "处理"
            return Reading(kind, word, f"批示含“{word}”，作为{kind}{verb}")
    return Reading("办件", None, "批示未用阅件用语，按有明确要求的办件办理")
