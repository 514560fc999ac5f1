"""Where a 来信 belongs: its category from the 12345 procedure's 受理范围 (威海 12345 市长公开电话工作规程 二), and
the matters the procedures send elsewhere (转出).

    propose(text, corrections) -> (category, source)     keywords, unless a clerk's correction on like words says otherwise
    out_of_scope(text) -> (where, why) | None             党委/部队/法院/检察院 → 有关部门; 信访事项 → 信访部门; 来访

CATEGORIES in the procedure's words: 批评、意见、建议、咨询、求助、投诉 (and 表扬, which the office answers too).
Learned from corrections: a letter whose words are like (character bigrams, Jaccard ≥ LIKE) those of a letter the
clerk corrected gets the corrected category (source "learned"), before the keywords ("keywords"); no sign at all
gives 意见 ("default").
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

CATEGORIES = ("批评", "意见", "建议", "咨询", "求助", "投诉", "表扬")
KEYWORDS = (  # first match wins: the sharper kinds first
    ("投诉", r"投诉|举报|乱收费|不作为|刁难|态度恶劣|拖欠|欺诈|扰民"),
    ("求助", r"求助|救助|帮帮|帮助我|无家可归|看不起病|生活困难|走投无路"),
    ("咨询", r"咨询|请问|想问|如何办理|怎么办理|能否|是否可以|需要什么材料|什么时候"),
    ("批评", r"批评|失职|太差|敷衍|官僚"),
    ("表扬", r"表扬|感谢信|点赞|致谢"),
    ("建议", r"建议|提议|倡议|是否考虑|可否"),
    ("意见", r"意见|反映|希望|督促"),
)
LIKE = 0.35
ELSEWHERE = (
    (r"党委|党组|纪委|组织部|宣传部", "向有关部门反映（党委工作）", "对党委工作的意见、批评和建议，不在本渠道受理范围（12345 规程 二）"),
    (r"部队|军队|军人|武警|军分区", "向有关部门反映（部队）", "对部队工作的意见、批评和建议，不在本渠道受理范围（12345 规程 二）"),
    (r"法院|审判|判决|裁定书|执行庭|诉讼", "向有关部门反映（法院）", "对法院工作的意见、批评和建议，不在本渠道受理范围（12345 规程 二）"),
    (r"检察院|检察官|公诉", "向有关部门反映（检察院）", "对检察院工作的意见、批评和建议，不在本渠道受理范围（12345 规程 二）"),
    (r"信访事项|上访|复查复核|信访件", "市信访局", "信访事项由信访部门依《信访条例》办理（来信来访由信访部门处理）"),
    (r"来访登记|当面反映|到访", "市信访局", "来访由信访部门接待处理"),
)


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)[:400]
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def propose(text: str, corrections: Iterable[tuple[str, str]] = ()) -> tuple[str, str]:
    """(category, source) for a letter's text; corrections: (category, words) the clerk set on earlier letters."""
    mine = _bigrams(text)
    best, score = None, 0.0
    for category, words in corrections:
        theirs = _bigrams(words)
        if mine and theirs:
            like = len(mine & theirs) / len(mine | theirs)
            if like > score:
                best, score = category, like
    if best and score >= LIKE:
        return best, "learned"
    for category, pattern in KEYWORDS:
        if re.search(pattern, text):
            return category, "keywords"
    return "意见", "default"


def out_of_scope(text: str) -> Optional[tuple[str, str]]:
    """(where it goes, why) for a matter the procedures send elsewhere, else None."""
    for pattern, where, why in ELSEWHERE:
        if re.search(pattern, text):
            return where, why
    return None
