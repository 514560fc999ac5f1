"""分办 (routing): which department handles a document, and why, from rules the office edits.

Rules are a TOML data file (routing_rules.toml, or <root>/routing.toml): the first rule whose conditions all
hold wins. A classified document always goes to the 机要室. Where no rule holds, the learned router
(router_model.py) may propose a department: taken at or above its confidence threshold, otherwise the
document goes to the 办公室 for a person to route, and the reason shows the proposal.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .dataroot import DataRoot
from .router_model import THRESHOLD
from .secrecy import CLASSIFIED_REASON, CONFIDENTIAL_OFFICE

DEFAULT_RULES = Path(__file__).with_name("routing_rules.toml")
CONDITIONS = ("doc_type", "urgency", "channel", "issuer", "keywords", "body_keywords")
FALLBACK = ("办公室", "没有分办规则适用，送办公室人工分办")
ALWAYS = ("办公室", CONFIDENTIAL_OFFICE)  # 分办 may always reach these, whatever [office] departments lists


class RulesError(ValueError):
    """The office's 分办 rules cannot be used (a malformed rule, a department the office does not have): Chinese."""


@dataclass
class Route:
    department: str
    reason: str
    source: str = "rule"  # rule | classified | model | fallback | clerk
    confidence: Optional[float] = None  # the model's, where it proposed


def load_rules(root: Optional[Path] = None, departments: Optional[list[str]] = None) -> list[dict]:
    """The rules of <root>/routing.toml, else the shipped routing_rules.toml, in order. departments: the office's
    configured 承办部门 ([office] departments); when given, a rule sending documents anywhere else (办公室 and
    机要室 aside) is refused: RulesError naming the rule, its file and the configured list."""
    path = DataRoot(root).rules_file if root and DataRoot(root).rules_file.is_file() else DEFAULT_RULES
    rules = tomllib.loads(path.read_text(encoding="utf-8")).get("rule", [])
    for rule in rules:
        unknown = set(rule) - set(CONDITIONS) - {"department", "reason"}
        if unknown or "department" not in rule:
            raise RulesError(f"分办规则格式错误（{path.name}）：{rule}")
        if departments and not allowed(rule["department"], departments):
            raise RulesError(f"分办规则（{path}）送往“{rule['department']}”，但它不是本机关配置的承办部门"
                             f"（shouwen.toml [office] departments：{'、'.join(departments)}）")
    return rules


def allowed(department: str, departments: Optional[list[str]]) -> bool:
    """Whether documents may be routed to `department`: any where no departments are configured, else one of
    them, or the 办公室 / 机要室."""
    return not departments or department in departments or department in ALWAYS


def route(document: dict, body: str, channel: str, rules: list[dict], classified: bool = False, model=None,
          departments: Optional[list[str]] = None) -> Route:
    """document: the report's `document` part (doc_type, issuer, title, urgency…); model: a RouterModel or None;
    departments: the configured 承办部门 — a model's proposal outside them goes to the 办公室 with the reason."""
    if classified:  # decided before the model ever sees the text
        return Route(CONFIDENTIAL_OFFICE, CLASSIFIED_REASON, "classified")
    text = (document.get("title") or "") + "\n" + body
    values = {"doc_type": document.get("doc_type"), "urgency": document.get("urgency"), "channel": channel}
    for rule in rules:
        if all(_holds(rule, name, values, document, text) for name in CONDITIONS if name in rule):
            return Route(rule["department"], rule.get("reason") or f"按分办规则送{rule['department']}")
    if model is None:
        return Route(*FALLBACK, source="fallback")
    proposal = model.propose(document.get("title") or "", body)
    share = f"{proposal.confidence:.0%}"
    if not allowed(proposal.department, departments):  # learned from documents routed before the list was set
        return Route(FALLBACK[0], f"{FALLBACK[1]}（分办模型建议{proposal.department}，不是本机关配置的承办部门）",
                     "fallback", proposal.confidence)
    if proposal.confidence >= THRESHOLD:
        return Route(proposal.department, f"没有分办规则适用；分办模型依以往分办和改办建议送{proposal.department}（置信度 {share}）",
                     "model", proposal.confidence)
    return Route(FALLBACK[0], f"{FALLBACK[1]}（分办模型建议{proposal.department}，置信度 {share}，不足以自动分办）",
                 "fallback", proposal.confidence)


def _holds(rule: dict, name: str, values: dict, document: dict, text: str) -> bool:
    wanted = rule[name] if isinstance(rule[name], list) else [rule[name]]
    if name == "keywords":  # the title says what a document is about; a passing word in the body does not
        return any(word in (document.get("title") or "") for word in wanted)
    if name == "body_keywords":
        return any(word in text for word in wanted)
    if name == "issuer":
        return any(word in (document.get("issuer") or "") for word in wanted)
    return values.get(name) in wanted
