"""The Chinese pipeline: spaCy's blank "zh" with the jieba segmenter, plus a pattern component (中文处理管线).

No model is downloaded: `spacy.blank("zh")` with jieba needs only the jieba package's dictionary.
The `gongwen_patterns` component marks the phrases the 初审 rules ask about (requests, downward
orders, phone numbers, personal addressees…) as spans in `doc.spans["gongwen"]`, aligned to
jieba's tokens. The pipeline is built once per process, and spaCy is imported only then (get_nlp): a
process that never reads a document's text (a quick command) never loads it.
"""
from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# label → pattern. Labels are read by the drafting rules.
PHRASES: dict[str, re.Pattern] = {
    # ("申请批复…" is the name of a request, not one: 请批复 after 申 does not count)
    "REQUEST": re.compile(r"妥否[,，]?\s*请批[示复]|当否[,，]?\s*请批[示复]|(?<!申)(?:请批示|请批复|请审批)|请予审批|请予批准|"
                         r"(?<!申)请审定|请予批复|(?<!申)请核准|请示如下"),
    "ORDER": re.compile(r"请遵照执行|请认真贯彻(?:落实|执行)?|请认真执行|请贯彻执行|遵照执行|请抓好落实"),
    "REPORT_CLOSE": re.compile(r"特此报告"),
    "REQUEST_CLOSE": re.compile(r"(?:妥否|当否)[,，]?\s*请(?:批示|批复|审定|审批)"),
    # a telephone number as 附注 carry it: with or without an area code ("0851-85551234", "（0851）85551234",
    # "0851 8555 1234"), a local number alone ("86881234", "8688-1234"), an extension ("…转8012"), a mobile
    "PHONE": re.compile(r"(?<![\d\w])(?:1[3-9]\d[-－\s]?\d{4}[-－\s]?\d{4}|(?:[(（]0\d{2,3}[)）]\s*|0\d{2,3}[-－—\s]?)?"
                        r"[1-9]\d{2,3}[-－—\s]?\d{4}(?:\s*(?:转|分机|-|－|ext\.?)\s*\d{1,6})?)(?!\d)"),
    "OBSOLETE_BASIS": re.compile(r"《国家行政机关公文处理办法》|《中国共产党机关公文处理条例》|GB/T\s*9704[-－—]1999"),
}


# the labels whose phrase, inside a cited document's name (《…》), is that document's and not this one's
QUOTABLE = ("REQUEST", "ORDER", "REPORT_CLOSE", "REQUEST_CLOSE")


def in_cited_name(text: str, at: int) -> bool:
    """Whether offset `at` lies inside 《…》 on its line (a document's name cited in the 正文)."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return text.rfind("《", start, at) > text.rfind("》", start, at) and "》" in text[at:end]


def gongwen_patterns(doc: Doc) -> Doc:
    """Mark each pattern match as a span widened to whole jieba tokens (as char_span's "expand" does,
    but through one offset table: char_span walks the whole Doc on every call). Registered as the spaCy
    component "gongwen_patterns" by get_nlp."""
    from spacy.tokens import Span

    starts = [token.idx for token in doc]
    spans = []
    for label, pattern in PHRASES.items():
        for m in pattern.finditer(doc.text):
            if label in QUOTABLE and in_cited_name(doc.text, m.start()):
                continue  # "《关于申请批复…的请示》收悉": the name of a document cited, not the document's own words
            first = bisect.bisect_right(starts, m.start()) - 1
            last = bisect.bisect_left(starts, m.end())
            spans.append(Span(doc, max(first, 0), max(last, first + 1), label=label))
    doc.spans["gongwen"] = spans
    return doc


def _import_jieba():
    """jieba, imported without pkg_resources. jieba 0.42 imports setuptools' pkg_resources only to open its own
    dictionary files (jieba/_compat.py), which costs a third of a second per process; where pkg_resources cannot
    be imported it opens the same files by path. Blocked for this one import only, and only when nothing in
    the process has imported pkg_resources already (then it is left as it is)."""
    import sys

    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None  # `import pkg_resources` raises ImportError
    try:
        import jieba
    finally:
        if block and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline; jieba loads its dictionary here, once."""
    import spacy
    from spacy.language import Language

    jieba = _import_jieba()

    jieba.setLogLevel(logging.WARNING)
    if not Language.has_factory("gongwen_patterns"):
        Language.component("gongwen_patterns", func=gongwen_patterns)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("gongwen_patterns")
    return nlp


CHUNK_CHARS = 100_000  # spaCy refuses texts over nlp.max_length (1,000,000); jieba's memory grows with the text


def phrases(text: str) -> list[tuple[str, str, int]]:
    """(label, text, character offset) of every marked phrase in `text`, of any length: a long text is
    read in chunks of at most CHUNK_CHARS, cut at line ends, and offsets are given in the whole text."""
    nlp = get_nlp()
    out = []
    for offset, chunk in chunks(text, CHUNK_CHARS):
        doc = nlp(chunk)
        out.extend((s.label_, s.text, s.start_char + offset) for s in doc.spans["gongwen"])
    return sorted(out, key=lambda t: t[2])


def chunks(text: str, size: int) -> list[tuple[int, str]]:
    """(offset, piece) covering `text` in order, each at most `size` characters, cut after a newline where
    one lies in the second half of the piece."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append((start, text[start:end]))
        start = end
    return out
