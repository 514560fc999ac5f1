"""Font family resolution by alias tables (字体别名表).

A file names its fonts in many ways: "仿宋_GB2312", "FangSong", "FZFSK--GBK1-0", a PDF subset
"ABCDEF+FangSong_GB2312", Chinese or English. Rules compare canonical families, never one exact string.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Canonical family → substrings of a normalised name (lower case, no spaces, "_" or "-").
# Order matters: 小标宋 before 宋体, 仿宋 before 宋体.
FAMILY_ALIASES: dict[str, tuple[str, ...]] = {
    "xiaobiaosong": ("小标宋", "xiaobiaosong", "fzxbs", "xbsong", "fzxiaobiaosong", "biaosong"),
    "fangsong": ("仿宋", "fangsong", "fzfs", "simfang", "stfangsong", "fangsonggb2312"),
    "heiti": ("黑体", "simhei", "heiti", "fzht", "sthei", "stheiti", "fzhei"),
    "kaiti": ("楷体", "kaiti", "simkai", "fzkt", "stkaiti", "fzkai"),
    "songti": ("宋体", "simsun", "nsimsun", "songti", "stsong", "fzss", "fzsong"),
}

FAMILY_NAMES_ZH = {
    "xiaobiaosong": "小标宋",
    "fangsong": "仿宋",
    "heiti": "黑体",
    "kaiti": "楷体",
    "songti": "宋体",
    "other": "其他字体",
}

# Fonts that LibreOffice or a PDF printer substitutes when the standard 公文 fonts are missing.
SUBSTITUTE_MARKERS = ("noto", "dejavu", "liberation", "arplu", "arpl", "wqy", "droid", "sourcehan", "ukai", "uming")

SIZE_NAMES_PT = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5,
}


def without_subset_prefix(name: str) -> str:
    """"ABCDEF+SimSun" → "SimSun": the six letters a PDF writer puts before an embedded subset's name."""
    return re.sub(r"^[A-Z]{6}\+", "", name)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-,]", "", without_subset_prefix(name)).lower()


@lru_cache(maxsize=4096)
def family_of(name: str | None) -> str | None:
    """Canonical family of a font name, "other" when none matches, None when no name is known."""
    if not name:
        return None
    norm = _normalise(name)
    for family, aliases in FAMILY_ALIASES.items():
        if any(a in norm for a in aliases):
            return family
    return "other"


def looks_substituted(name: str | None) -> bool:
    """True for the free fonts that stand in for 仿宋/小标宋 when the sender lacked them."""
    return bool(name) and any(m in _normalise(name) for m in SUBSTITUTE_MARKERS)


def size_name(pt: float | None) -> str:
    """"16.0 pt" → "三号(16pt)"; a size with no Chinese name is given in points."""
    if pt is None:
        return "未知字号"
    for zh, value in SIZE_NAMES_PT.items():
        if abs(pt - value) < 0.3:
            return f"{zh}({value:g}pt)"
    return f"{pt:.1f}pt"
