"""The rule catalog (规则目录): every rule registers itself here with its id, clause and documentation.

Like ruff's rule catalog, each rule has a stable id, one small check function, and a doc in a fixed
shape (what it checks, why, an example and the fix). `shouwen rules` and the sender's report are
generated from these records, never kept by hand twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One breach of one rule in one document (审核意见一条)."""

    rule: str
    severity: str
    clause: str
    message: str  # Chinese, says what to change
    page: int | None = None
    evidence: str | None = None
    expected: str | None = None
    aspect: str = "content"  # font, position, colour, size, content: lets a reader tell font findings apart
    rests_on: tuple[str, ...] = ()  # the elements whose reading the finding rests on (validators/doubt.py)
    box: tuple[float, float, float, float] | None = None  # [x0, y0, x1, y1] mm from the page's top-left, on `page`

    def to_dict(self) -> dict:
        out = {"rule": self.rule, "severity": self.severity, "clause": self.clause, "message": self.message,
               "page": self.page, "evidence": self.evidence, "expected": self.expected}
        if self.rests_on:
            out["rests_on"] = list(self.rests_on)
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        return out


@dataclass(frozen=True)
class Hit:
    """What a check function yields; the engine turns it into a Finding with the rule's clause and severity."""

    message: str
    page: int | None = None
    evidence: str | None = None
    expected: str | None = None
    aspect: str = "content"
    severity: str | None = None  # only where the rule's own text sets it per case (e.g. "error for 请示")
    rests_on: tuple[str, ...] | None = None  # elements this finding rests on; None: the rule's (doubt.RESTS_ON)
    box: tuple[float, float, float, float] | None = None  # where it was measured: mm from the page's top-left


@dataclass(frozen=True)
class Rule:
    id: str
    clause: str
    severity: str
    title: str  # Chinese: what is checked
    why: str  # Chinese: why it matters
    bad: str  # an example that breaks the rule
    good: str  # the fix
    check: Callable[..., Iterable[Hit]]
    needs_geometry: bool = False
    params: dict = field(default_factory=dict)

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


RULES: dict[str, Rule] = {}


def rule(id: str, clause: str, severity: str, title: str, why: str, bad: str, good: str,
         needs_geometry: bool = False, **params):
    """Register a check function as the rule `id`; keyword arguments are its default parameters."""
    assert severity in SEVERITIES, severity

    def register(fn):
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = Rule(id=id, clause=clause, severity=severity, title=title, why=why, bad=bad, good=good,
                         check=fn, needs_geometry=needs_geometry, params=params)
        return fn

    return register


def all_rules() -> dict[str, Rule]:
    from . import rules  # noqa: F401  (importing the package registers every rule)
    return RULES
