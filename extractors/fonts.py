"""Font family resolution by alias tables (字体别名表).

A file names its fonts in many ways: "仿宋_GB2312", "FangSong", "FZFSK--GBK1-0", a PDF subset
"ABCDEF+FangSong_GB2312", Chinese or English, macOS "STFangsong", Adobe "AdobeFangsongStd-Regular", the free
"FandolFang-Regular". Rules compare canonical families, never one exact string. The table is data:
extractors/font_aliases.toml (longest matching alias wins).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

_TABLE = tomllib.loads((Path(__file__).with_name("font_aliases.toml")).read_text(encoding="utf-8"))

# Canonical family → aliases (normalised substrings), as read from font_aliases.toml.
FAMILY_ALIASES: dict[str, tuple[str, ...]] = {
    family: tuple(entry["aliases"]) for family, entry in _TABLE["families"].items()}
# (alias, family), longest alias first: "stfangsong" is tried before "song"-like shorter aliases.
_BY_LENGTH = sorted(((a, f) for f, aliases in FAMILY_ALIASES.items() for a in aliases), key=lambda t: -len(t[0]))

FAMILY_NAMES_ZH = {family: entry["zh"] for family, entry in _TABLE["families"].items()} | {"other": "其他字体"}

# Fonts that LibreOffice or a PDF printer substitutes when the standard 公文 fonts are missing.
SUBSTITUTE_MARKERS = tuple(_TABLE["substitutes"]["markers"])

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
    return next((family for alias, family in _BY_LENGTH if alias in norm), "other")


_STAND_INS = {family: tuple(_normalise(n) for n in names) for family, names in _TABLE.get("stand_ins", {}).items()}


def stands_in_for(name: str | None, family: str) -> bool:
    """True when `name` is a documented stand-in accepted for `family` (font_aliases.toml [stand_ins]).

    Only 小标宋 has stand-ins (no free font of that family exists); "FandolSong-Bold" and "STZhongsong"
    stand in for it, "SimSun" or "FandolSong-Regular" do not.
    """
    if not name:
        return False
    norm = _normalise(name)
    return any(norm == s or norm.startswith(s) for s in _STAND_INS.get(family, ()))


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


def stand_in_note(fonts: list[str]) -> str | None:
    """A Chinese note naming the fonts that stood in for 小标宋 (font_aliases.toml [stand_ins]), or None."""
    used = sorted({without_subset_prefix(f) for f in fonts if stands_in_for(f, "xiaobiaosong")})
    if not used:
        return None
    return ("PDF 中以 " + "、".join(used) + " 代替小标宋（无免费的小标宋字体，按字体别名表视同小标宋）；"
            "正式发文请使用方正小标宋简体")
