"""The rule catalog a user reads (规则目录), generated from the registered rules."""
from __future__ import annotations

import json

from .registry import all_rules

FAMILY_ZH = {"layout": "版式规则", "element": "要素规则", "drafting": "行文规则", "text": "文字规则", "security": "保密规则"}
SEVERITY_ZH = {"error": "错误（退文）", "warning": "提示"}


def catalog_entries() -> list[dict]:
    return [{"id": r.id, "family": r.family, "clause": r.clause, "severity": r.severity, "title": r.title,
             "why": r.why, "bad": r.bad, "good": r.good, "needs_geometry": r.needs_geometry, "params": r.params}
            for r in all_rules().values()]


def rule_title(rule_id: str) -> str:
    """A rule's Chinese name (its title) for a reader; the id itself where no rule has it (an older report)."""
    found = all_rules().get(rule_id)
    return found.title if found else rule_id


def rule_named(rule_id: str) -> str:
    """A rule as the clerk reads it: its Chinese name with its id beside it, 版心尺寸（layout.text-block）; the id
    alone only where no rule has it (an older report). The id is the contract (shared/spec/rules.md), never shown
    without the name."""
    title = rule_title(rule_id)
    return f"{title}（{rule_id}）" if title != rule_id else rule_id


def render_catalog(fmt: str = "text") -> str:
    entries = catalog_entries()
    if fmt == "json":
        return json.dumps(entries, ensure_ascii=False, indent=2)
    out: list[str] = []
    family = None
    for e in entries:
        if e["family"] != family:
            family = e["family"]
            out.append(f"\n## {FAMILY_ZH[family]}({family})\n" if fmt == "markdown" else f"\n【{FAMILY_ZH[family]}】")
        if fmt == "markdown":
            out += [f"### `{e['id']}` — {e['title']}", "",
                    f"- 依据：{e['clause']}", f"- 默认级别：{SEVERITY_ZH[e['severity']]}",
                    f"- 为什么：{e['why']}", f"- 错误示例：{e['bad']}", f"- 改正：{e['good']}", ""]
        else:
            out += [f"{e['id']}  [{SEVERITY_ZH[e['severity']]}]  {e['title']}",
                    f"    依据：{e['clause']}", f"    为什么：{e['why']}", f"    例：{e['bad']} → {e['good']}"]
    return "\n".join(out).lstrip("\n")
