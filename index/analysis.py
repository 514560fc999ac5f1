"""Chinese text analysis shared by every search backend (检索分词): units, bigrams, jieba words, queries, snippets.

Text is cut into *units*: one CJK character, or one run of Latin letters/digits (lower-cased). Punctuation
inside a word (`校舍/维修`, `政府-工作`, `发〔2026〕3号`, `GB/T`) is dropped without a gap, so the units on
either side stay neighbours; whitespace and sentence punctuation (。，；：？！、) end a *segment*.
Within a segment, neighbouring units make the bigrams (校舍维修 → 校舍 舍维 维修) that find any word of two or
more units; a segment of one unit is indexed as that unit. Each bigram keeps its own position, so a phrase is
a run of bigrams at consecutive positions: never "all grams somewhere" (the n-gram same-position pitfall).
Single units (one character, one number) are found through a separate unit field. jieba words rank.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import add
from typing import Optional

import numpy as np

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT = re.compile(rf"[{CJK}]|[a-z0-9]+")
# what ends a segment: whitespace and sentence punctuation; anything else that is no unit is dropped in place
_BREAK = re.compile(r"[\s。，；：？！、,;:?!…]+")
JOIN = "_"  # between two Latin/number units in a bigram (发_2026), so 2026+3 is not 20263

MAX_WORDS = 8  # query words used; more are left out, with a notice
MAX_UNITS = 32  # units per query word: a pasted paragraph is searched by its beginning, with a notice
MAX_QUERY_CHARS = 400  # what is looked at of a paste at all


class QueryError(ValueError):
    """A query that cannot be searched; str(error) is the Chinese message for the clerk."""


_WIDE = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}


_HAS_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII (ＧＢ９７０４ → gb9704), lower-case."""
    text = (text or "").lower()
    return text.translate(_WIDE) if _HAS_WIDE.search(text) else text


_GLUE_CHARS = re.compile(rf"[^{CJK}a-z0-9\s。，；：？！、,;:?!…]+")
_ASCII_RUN = re.compile(r"[a-z0-9]+")


def _clean_segments(text: str) -> list[str]:
    """Segments with in-word punctuation already dropped: each holds only CJK characters and [a-z0-9]."""
    return [s for s in _BREAK.split(_GLUE_CHARS.sub("\x01", normalise(text))) if s.strip("\x01")]


def segments(text: str) -> list[list[str]]:
    """Units of each segment: '校舍/维修，GB/T 9704' → [['校','舍','维','修'], ['gb','t'], ['9704']]."""
    return [_UNIT.findall(s) for s in _clean_segments(text)]


def _pair(a: str, b: str) -> str:
    return a + b if not a.isascii() and not b.isascii() else a + JOIN + b


def bigrams(units: list[str]) -> list[str]:
    """Neighbouring units of one segment joined; one unit stands alone."""
    if len(units) == 1:
        return units[:]
    return [_pair(units[i], units[i + 1]) for i in range(len(units) - 1)]


def bigram_text(text: str, segs: Optional[list[str]] = None) -> str:
    """The bigram field's text: bigrams separated by spaces (a whitespace tokenizer keeps each its position).
    Segments follow each other without a gap: at worst a phrase could match across a comma."""
    out = []
    for seg in _clean_segments(text) if segs is None else segs:
        if _ASCII_RUN.search(seg) is None:  # pure CJK, the usual case: pairs at C speed
            seg = seg.replace("\x01", "")
            out.append(" ".join(map(add, seg, seg[1:])) if len(seg) > 1 else seg)
        else:
            out.append(" ".join(bigrams(_UNIT.findall(seg))))
    return " ".join(out)


def unit_text(text: str, segs: Optional[list[str]] = None) -> str:
    """The unit field's text: every CJK character and Latin/number run, space-separated."""
    return " ".join(" ".join(_UNIT.findall(seg)) if _ASCII_RUN.search(seg) else " ".join(seg.replace("\x01", ""))
                    for seg in (_clean_segments(text) if segs is None else segs))


@lru_cache(maxsize=1)
def _jieba():
    import rjieba  # jieba's dictionary and algorithm in Rust (jieba-rs): ~25 times faster than jieba

    return rjieba


def words(text: str) -> list[str]:
    """jieba's words (dictionary only, no HMM: fast and stable), lower-cased, punctuation and spaces left out."""
    return [w for w in _jieba().cut(normalise(text), False) if w.isalnum()]


def word_text(text: str) -> str:
    return " ".join(words(text))


WORD_CHARS = 1000  # jieba words of the title and the text's first 1,000 characters rank (subject, lede)


def analyse(title: str, body: str) -> tuple[str, str, str, str]:
    """(title bigrams, bigrams of title and text, units of both, words) for the index's fields; see the module's
    doc. The title is in the second field too, so "every part somewhere" is one field's phrases, all required:
    an intersection that skips ahead, where "in the title or in the text" per part is a union that must visit
    every document of both (measured: 11 ms against 0.8 ms for three words and a 文种 at 100,000)."""
    title_segs, body_segs = _clean_segments(title), _clean_segments(body)
    both, units = _bigrams_and_units(title_segs + body_segs)
    return bigram_text("", title_segs), both, units, word_text(f"{title}\n{(body or '')[:WORD_CHARS]}")


# --- the same two fields, vectorised (the index's build: a third of the Python time per document) ----------------
# bigram_text and unit_text above are the definition; _bigrams_and_units gives the same strings (tests hold it to
# them on random text) from one array of code points: each Latin/number run becomes one private-use code point
# (a placeholder), so every unit is one code point, a bigram is two neighbours within a segment (segments
# joined by a line break), and the runs are put back in the two strings at the end.
_PLACE, _PLACES = 0xE000, 0x1900  # placeholders: U+E000–U+F8FF, never in cleaned text (not CJK, not a-z0-9)
_SPACE, _JOIN_CODE = np.uint32(ord(" ")), np.uint32(ord(JOIN))


def _with_runs(codes: np.ndarray, runs: list[str]) -> str:
    """codes (uint32 code points) as text, each placeholder replaced by its run."""
    text = codes.tobytes().decode("utf-32-le")
    if not runs:
        return text
    at, pieces = 0, []
    where = np.flatnonzero((codes >= _PLACE) & (codes < _PLACE + _PLACES))
    for i, k in zip(where.tolist(), (codes[where] - _PLACE).tolist()):
        pieces.append(text[at:i])
        pieces.append(runs[k])
        at = i + 1
    pieces.append(text[at:])
    return "".join(pieces)


def _bigrams_and_units(segs: list[str]) -> tuple[str, str]:
    """(bigram_text("", segs), unit_text("", segs)) of _clean_segments' output, computed on arrays."""
    if not segs:
        return "", ""
    text = "\n".join(segs)
    c = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").copy()
    latin = ((c >= ord("a")) & (c <= ord("z"))) | ((c >= ord("0")) & (c <= ord("9")))
    keep, runs = c != 1, []  # \x01: in-word punctuation, dropped (its neighbours become neighbours)
    if latin.any():
        before = np.concatenate(([False], latin[:-1]))
        starts = np.flatnonzero(latin & ~before)
        if len(starts) > _PLACES:  # a table of thousands of numbers: the definition, unit by unit
            return bigram_text("", segs), unit_text("", segs)
        ends = np.flatnonzero(latin & ~np.concatenate((latin[1:], [False]))) + 1
        runs = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
        c[starts] = _PLACE + np.arange(len(starts), dtype="<u4")
        keep &= ~(latin & before)  # a run's other characters
    c = c[keep]
    unit = c != ord("\n")
    right = np.concatenate((unit[1:], [False]))
    pair = unit & right  # a unit and its right neighbour in the same segment
    lone = unit > (right | np.concatenate(([False], unit[:-1])))  # a segment of one unit
    following = np.concatenate((c[1:], np.zeros(1, dtype="<u4")))
    out = np.empty((len(c), 4), dtype="<u4")  # per unit: [unit, _ or 0, next unit or space, space or 0]
    out[:, 0] = c * (pair | lone)
    if runs:
        placed = (c >= _PLACE) & (c < _PLACE + _PLACES)
        out[:, 1] = (pair & (placed | np.concatenate((placed[1:], [False])))) * _JOIN_CODE
    else:
        out[:, 1] = 0
    out[:, 2] = following * pair + lone * _SPACE
    out[:, 3] = pair * _SPACE
    flat = out.ravel()
    bigrams_ = _with_runs(flat[flat != 0][:-1], runs)
    spaced = np.empty((len(c), 2), dtype="<u4")
    spaced[:, 0] = c * unit
    spaced[:, 1] = unit * _SPACE
    flat = spaced.ravel()
    return bigrams_, _with_runs(flat[flat != 0][:-1], runs)


@dataclass
class Part:
    """One thing the clerk asked for: a run of units that must stand together (a word or a quoted phrase)."""
    text: str  # as typed
    units: list[str]

    @property
    def grams(self) -> list[str]:
        return bigrams(self.units)


@dataclass
class ParsedQuery:
    parts: list[Part]
    words: list[str]  # jieba words of the whole query, for ranking
    notices: list[str] = field(default_factory=list)  # Chinese notes on what was left out


_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|‘([^’]*)’')


def parse_query(query: Optional[str]) -> ParsedQuery:
    """What staff type, as parts that must all be found: space-separated words, "quoted phrases" (spaces inside
    kept together), punctuation and FTS/Lucene syntax characters inside a word ignored (校舍/维修 = 校舍维修,
    发〔2026〕 = 发[2026]), one character or number found on its own. Raises QueryError (Chinese) when
    nothing searchable is left. A long paste is cut to MAX_WORDS words of MAX_UNITS units, with a notice."""
    text = (query or "").strip()
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"检索内容过长（{len(query)} 字），只按开头部分检索")
    pieces: list[str] = []
    at = 0
    for m in _QUOTED.finditer(text):
        pieces.extend(text[at:m.start()].split())
        pieces.append(re.sub(r"\s+", "", next(g for g in m.groups() if g is not None)))
        at = m.end()
    pieces.extend(text[at:].split())
    parts = []
    for piece, units in ((piece, seg) for piece in pieces for seg in segments(piece)):
        # a sentence break inside a word (，。、 …) separates phrases, as it does in the index
        if len(units) > MAX_UNITS:
            units = units[:MAX_UNITS]
            if not any(n.startswith("检索词过长") for n in notices):
                notices.append(f"检索词过长，每个词只按前 {MAX_UNITS} 个字检索")
        parts.append(Part(piece, units))
    if len(parts) > MAX_WORDS:
        parts = parts[:MAX_WORDS]
        notices.append(f"检索词过多，只用前 {MAX_WORDS} 个")
    if not parts:
        raise QueryError("请输入要检索的字词（只有标点或符号，无法检索）")
    joined = "".join("".join(p.units) for p in parts)
    return ParsedQuery(parts, list(dict.fromkeys(words(joined)))[:32], notices)


# --- snippets (摘要): the original text, the clerk's words marked 【】 -------------------------------------

_GLUE = r"[^\s。，；：？！、,;:?!…\w]*"  # what may stand between two units of a word in the text


def phrase_pattern(part: Part) -> re.Pattern:
    """The part as a regular expression over original text (in-word punctuation allowed between units)."""
    return re.compile(_GLUE.join(re.escape(u) for u in part.units), re.IGNORECASE)


_pattern = phrase_pattern


_OPENING, _CLOSING = "〔[【(（［《“", "〕]】)）］》”"


def _balanced(text: str, s: int, e: int) -> tuple[int, int]:
    """A highlight [s, e) widened over the brackets it opens or closes, so that 【】 never cuts a pair:
    发〔2026 → 发〔2026〕, 2026〕12 → 〔2026〕12 (the query's units leave the brackets out)."""
    inside = text[s:e]
    opened = sum(inside.count(c) for c in _OPENING) - sum(inside.count(c) for c in _CLOSING)
    while opened > 0 and e < len(text) and text[e] in _CLOSING:
        e, opened = e + 1, opened - 1
    while opened < 0 and s > 0 and text[s - 1] in _OPENING:
        s, opened = s - 1, opened + 1
    return s, e


def snippet(title: str, body: str, parts: list[Part], width: int = 30) -> str:
    """The first place a query part occurs in title + text, with every part found near it marked 【】 and some
    text either side ('…' where cut; whitespace shown as one space). Without any match: the beginning."""
    text = f"{title or ''}\n{body or ''}".strip()
    patterns = [_pattern(p) for p in parts]
    first = [m.start() for m in (p.search(text) for p in patterns) if m]
    if not first:
        start, end, spans = 0, min(len(text), 2 * width), []
    else:
        at = min(first)
        start, end = max(0, at - width), min(len(text), at + 2 * width + 20)
        spans = sorted({(m.start(), m.end()) for p in patterns for m in p.finditer(text, start, end)})
    out, pos = [], start
    for s, e in spans:
        s, e = _balanced(text, s, e)
        if s < pos:
            continue
        e = min(e, end)
        out.append(text[pos:s] + "【" + text[s:e] + "】")
        pos = e
    out.append(text[pos:end])
    return ("…" if start else "") + re.sub(r"\s+", " ", "".join(out)) + ("…" if end < len(text) else "")
