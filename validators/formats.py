"""Which rules apply to which format (格式适用), GB/T 9704-2012 chapter 10.

The element parser tells the format of a document (`Elements.format`): "standard" (文件格式, chapter 7),
"letter" (信函格式, 10.1), "order" (命令（令）格式, 10.2) or "minutes" (纪要格式, 10.3). The special formats
lay out their 版头 differently, and some elements of chapter 7 are not part of them. This module is the one
place that says so: the engine skips a rule that does not apply (`applies`), and a rule asks whether the
format requires an element before saying it is missing (`requires`).
"""
from __future__ import annotations

FORMAT_NAMES_ZH = {"standard": "文件格式", "letter": "信函格式", "order": "命令（令）格式", "minutes": "纪要格式"}
FORMAT_CLAUSES = {"standard": "GB/T 9704-2012 第7章", "letter": "GB/T 9704-2012 10.1", "order": "GB/T 9704-2012 10.2",
                  "minutes": "GB/T 9704-2012 10.3"}

# format → rule id → why the rule does not apply (Chinese, for the report's notes)
NOT_APPLICABLE: dict[str, dict[str, str]] = {
    "letter": {
        # 10.1: the mark's top edge 30 mm from the page's top, red double lines under it, the number at the
        # top right under the lines; the first page shows no page number.
        "layout.margin-top": "信函格式发文机关标志上边缘距上页边 30mm，不按 37mm 天头测量",
        "layout.separator": "信函格式在发文机关标志下用红色双线，发文字号在线下右侧，不要求发文字号下的分隔线",
        "layout.page-number": "信函格式首页不显示页码",
    },
    "order": {},
    "minutes": {
        # 10.3: 纪要标志 and the layout of its 版头 are set by each office ("纪要格式可以根据实际制定").
        "layout.separator": "纪要格式的版头由各机关根据实际制定，不要求发文字号下的分隔线",
    },
    "standard": {},
}

# format → elements that must be present (element rules say "未见…" only for these)
REQUIRED: dict[str, frozenset[str]] = {
    "standard": frozenset({"title", "date", "doc_number"}),
    "letter": frozenset({"title", "date", "doc_number"}),
    # 10.2: 发文机关标志 + "令", 发文字号 "第N号", 签发人职务和姓名, 成文日期; 命令 often carry no title
    "order": frozenset({"date", "doc_number"}),
    # 10.3: 纪要标志; no 主送机关, no 署名 — the date stands under the mark, if at all
    "minutes": frozenset(),
}


def applies(rule_id: str, fmt: str | None) -> bool:
    """True when `rule_id` applies to documents of format `fmt` (unknown formats: every rule applies)."""
    return rule_id not in NOT_APPLICABLE.get(fmt or "standard", {})


def why_not(rule_id: str, fmt: str | None) -> str | None:
    """The Chinese reason a rule is not applied to this format, or None."""
    return NOT_APPLICABLE.get(fmt or "standard", {}).get(rule_id)


def requires(fmt: str | None, element: str) -> bool:
    """Whether the format requires `element` ("title", "date", "doc_number"): a missing one is a finding."""
    return element in REQUIRED.get(fmt or "standard", REQUIRED["standard"])
