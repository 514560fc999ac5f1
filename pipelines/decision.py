"""Whether a reviewed document may enter the search index (入检索的决定), taken here and nowhere else.

    index_decision(review) -> Decision: OPEN        routed and indexed (or returned, if its 初审 says so)
                                        CLASSIFIED  marked 绝密/机密/秘密: to the 机要室, never indexed, never returned
                                        HELD        a 密级 line is there but its level cannot be read: held for the
                                                    机要员 (ledger status `held`), never indexed, never returned

The batch, 撤回 (withdraw), 改办 (route) and any re-indexing ask this function; the search index refuses
classified text again on its side. A 密级 mark in the 版头 (extractors.secrecy.find_mark: 密级：…, 机　密★…,
秘 密 …, above the title, never a 正文 line) which the element parser did not turn into a level (or the parser's
own `secrecy_unreadable`) is enough: classified where a level can be read in it once spacing and labels are set
aside, otherwise held, not guessed. Source: GB/T 9704-2012 7.2.2 (密级和保密
期限); 保密法 — classified text must never reach the shared index.
"""
from __future__ import annotations

# The 密级 reading (levels, mark lines, where a mark is looked for, the elements-level decision) is
# extractors/secrecy.py's; this module keeps the policy over a Review and re-exports the reading's names.
from extractors.secrecy import (  # noqa: F401
    ANNEX_CLASSIFIED,
    ANNEX_HELD,
    CLASSIFIED,
    HEAD_LINES,
    HELD,
    LEVELS,
    MARK,
    OPEN,
    UNCLASSIFIED,
    UNCLASSIFIED_WORDS,
    Decision,
    level_of,
    secrecy_decision,
    unreadable_mark,
)


def index_decision(review) -> Decision:
    """OPEN, CLASSIFIED or HELD for a Review (pipelines.review): see the module's docstring. A mail whose 主件
    is open but one of whose 附件 is classified (or held) is classified (held) as a whole (review.annex_secrecy)."""
    decision = _main_decision(review)
    annex = getattr(review, "annex_secrecy", None)
    if annex is not None and (decision.kind == OPEN or (decision.kind == HELD and annex.kind == CLASSIFIED)):
        return annex
    return decision


def _main_decision(review) -> Decision:
    report = review.report
    level = level_of(report["document"].get("secrecy"))
    if level:
        return Decision(CLASSIFIED, "涉密公文经非涉密渠道传来，转机要室处理，不进入共享检索", level)
    mark = getattr(review, "secrecy_unreadable", None)
    if mark and level_of(mark):  # a mark the parser missed, but its level is plain once spacing and labels go
        return Decision(CLASSIFIED, "涉密公文经非涉密渠道传来，转机要室处理，不进入共享检索", level_of(mark))
    if mark:  # the parser's secrecy_unreadable, or a mark-like line it did not read: held, not guessed
        return Decision(HELD, f"本件有密级标志“{mark[:40]}”但无法确定密级，暂存待机要员核定，不进入检索、不退文、不分办")
    if any(f["rule"] == "security.classified" for f in report["findings"]):  # any other reason the rule fired
        evidence = " ".join(f.get("evidence") or "" for f in report["findings"] if f["rule"] == "security.classified")
        return Decision(CLASSIFIED, "涉密公文经非涉密渠道传来，转机要室处理，不进入共享检索", level_of(evidence) or "涉密")
    return Decision(OPEN)
