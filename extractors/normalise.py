"""Character normalisation before parsing (字符规范化).

PDF text layers often carry code points that look like ordinary characters but are not: Kangxi
radicals (U+2F00–U+2FD5, "⽇" for 日), CJK radicals-supplement forms ("⻓" for 长), CJK compatibility
ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F), and full-width digits and Latin letters ("２０２４").
`normalise(text)` maps each of them to the ordinary character, **one code point for one**, so that an
offset in the normalised text is the same offset in the original: the parser matches on the
normalised text and quotes the original (evidence says what the document says).

Where Unicode's NFKC mapping is right (Kangxi radicals, compatibility ideographs, full-width
alphanumerics), it is used character by character; NFKC is NOT applied to whole strings, because it
would also turn the full-width punctuation of Chinese text (，：（）) and the ideographic space into
ASCII, which the punctuation rules must still see. The radicals-supplement forms have no NFKC mapping
and come from the small table below (Unicode names "CJK RADICAL C-SIMPLIFIED …").
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# CJK Radicals Supplement → ordinary simplified characters (no NFKC decomposition exists for these)
RADICALS_SUPPLEMENT = {
    "⺟": "母", "⺠": "民", "⻅": "见", "⻆": "角", "⻈": "讠", "⻉": "贝", "⻋": "车", "⻐": "钅", "⻓": "长", "⻔": "门",
    "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻠": "饣", "⻢": "马", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
}


# punctuation that looks like a colon but is another sign: the ratio sign "∶" (U+2236) and the small colon "﹕"
# (U+FE55) end a 主送 on pages that typed them for "："
LOOK_ALIKE_PUNCTUATION = {"∶": "：", "﹕": "："}


def _nfkc_ranges() -> list[tuple[int, int]]:
    return [
        (0x2F00, 0x2FD5),  # Kangxi radicals
        (0xF900, 0xFAFF),  # CJK compatibility ideographs
        (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
        (0xFF10, 0xFF19),  # full-width digits ０–９
        (0xFF21, 0xFF3A),  # full-width Latin capitals
        (0xFF41, 0xFF5A),  # full-width Latin small letters
    ]


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _nfkc_ranges():
        for cp in range(low, high + 1):
            ch = chr(cp)
            mapped = unicodedata.normalize("NFKC", ch)
            if mapped != ch and len(mapped) == 1:
                table[cp] = mapped
    table.update({ord(k): v for k, v in RADICALS_SUPPLEMENT.items()})
    table.update({ord(k): v for k, v in LOOK_ALIKE_PUNCTUATION.items()})
    return table


def normalise(text: str) -> str:
    """The text with look-alike code points replaced, one for one (len(result) == len(text)).

    "2024年5⽉20⽇" → "2024年5月20日"; "示教发〔２０２４〕２１号" → "示教发〔2024〕21号"; punctuation,
    spaces and everything else unchanged.
    """
    return text.translate(_table())


def changed(text: str) -> bool:
    """True when `normalise` would change `text`."""
    return normalise(text) != text


def has_fullwidth_digits(text: str) -> bool:
    return any("０" <= ch <= "９" for ch in text)


# ---- traditional characters (繁体字) ---------------------------------------------------------------------
# A document written in traditional characters (鄂政發〔2018〕26號 … 若干意見) is parsed in simplified characters,
# converted by OpenCC (Open Chinese Convert, its "t2s" table); evidence still quotes the document as written.
# A text counts as traditional when at least TRADITIONAL_MIN characters, and TRADITIONAL_SHARE of its Han
# characters, change under the conversion: a simplified text quoting one traditional name stays as it is.
TRADITIONAL_MIN = 5
TRADITIONAL_SHARE = 0.02


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters, one code point for one (len(result) == len(text)).

    "鄂政發〔2018〕26號" → "鄂政发〔2018〕26号". OpenCC converts by phrases; where a phrase would change the
    length, the text is converted character by character instead, so offsets stay the original's."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        c = _t2s().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def is_traditional(text: str) -> bool:
    """True when `text` is written in traditional characters (see TRADITIONAL_MIN and TRADITIONAL_SHARE)."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if len(han) < TRADITIONAL_MIN:
        return False
    sample = "".join(han)
    changed_chars = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    return changed_chars >= TRADITIONAL_MIN and changed_chars >= TRADITIONAL_SHARE * len(han)


# ---- a mirror's pinyin glosses and a page's lost characters ------------------------------------------------
# Machine-converted mirrors of government pages add a pinyin gloss after each character they changed
# ("清遠(yuǎn)市", "批復(fù)"), and pages saved in the wrong encoding show "?" where a blank or a character was
# ("琼府[2005]9号?", "2023年1月19日????????", "第一章?總?則"). Neither is the document's text.
_PINYIN = "a-zü āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff?])[(（](?=[{_PINYIN.replace(' ', '')}]*[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])"
                          rf"[{_PINYIN.replace(' ', '')}]{{1,6}}[)）]")
# a gloss whose "(" went with the lost character: "請?qǐng)遵照" → the "?" stays (a lost character), "qǐng)" goes
BROKEN_GLOSS = re.compile(rf"(?<=\?)(?=[{_PINYIN.replace(' ', '')}]*[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[{_PINYIN.replace(' ', '')}]{{1,6}}[)）]")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹň]")
GLOSSES_MIN = 3  # this many glosses with a tone mark make a text a glossed mirror's
LOST_MARK = re.compile(r"(?<=[\u4e00-\u9fff：:，。；）)\]〕号日])\?|\?(?=[\u4e00-\u9fff])")
LOST_MIN = 3  # this many "?" against Chinese text make them a page's lost blanks, not question marks


def has_glosses(text: str) -> bool:
    """True when `text` carries a mirror's pinyin glosses ("遠(yuǎn)"): GLOSSES_MIN of them with a tone mark."""
    return sum(1 for m in PINYIN_GLOSS.finditer(text) if _TONED.search(m.group(0))) >= GLOSSES_MIN


def strip_glosses(text: str) -> str:
    """`text` without its pinyin glosses: "清遠(yuǎn)市人民政府" → "清遠市人民政府" (the length changes)."""
    return BROKEN_GLOSS.sub("", PINYIN_GLOSS.sub("", text))


LOST_RUN = re.compile(r"(?<=[\u4e00-\u9fff：:，。；）)\]〕号日])\?{3,}")  # "2023年1月19日????????": never a question


def has_lost_marks(text: str) -> bool:
    """True when "?" stands against Chinese text LOST_MIN times, or a run of three or more follows a Chinese
    character: a page that lost blanks or characters."""
    return len(LOST_MARK.findall(text)) >= LOST_MIN or bool(LOST_RUN.search(text))


def blank_lost_marks(text: str) -> str:
    """Each "?" against Chinese text set to U+3000, one for one: "2023年1月19日????????" then reads as a date."""
    return re.sub(r"\?+", lambda m: "\u3000" * len(m.group(0)) if _lost_run(text, m) else m.group(0), text)


def _lost_run(text: str, m: "re.Match") -> bool:
    """Whether the run of "?" at m stands against Chinese text (blanks between do not count: "单位： ?")."""
    head = text[:m.start()].rstrip(" \u3000\t")
    before = head[-1] if head else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return bool(re.match(r"[\u4e00-\u9fff：:，。；）)\]〕]", before) or re.match(r"[\u4e00-\u9fff]", after))
