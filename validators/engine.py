"""Runs the rules of a profile over one document (初审引擎)."""
from __future__ import annotations

from dataclasses import dataclass

from extractors.elements import Elements
from extractors.layout import Document

from .doubt import rests_on
from .formats import applies
from .profile import Profile
from .registry import Finding, all_rules


@dataclass
class Context:
    """What a rule's check function sees: the layout model, the parsed elements and its parameters."""

    document: Document
    el: Elements
    params: dict
    channel: str


def run_rules(document: Document, elements: Elements, profile: Profile, channel: str = "unknown"):
    """Return (findings, skipped rule ids). Rules needing geometry are skipped on plain text; rules that
    GB/T 9704-2012 chapter 10 does not apply to the document's format (validators/formats.py) are skipped too."""
    findings: list[Finding] = []
    skipped: list[str] = []
    fmt = getattr(elements, "format", "standard")
    for rule in all_rules().values():
        if not profile.enabled(rule.id):
            continue
        if not applies(rule.id, fmt):
            skipped.append(rule.id)
            continue
        if rule.needs_geometry and not document.geometry:
            skipped.append(rule.id)
            continue
        params = profile.params(rule.id, rule.params)
        if document.ocr and "ocr_tolerance" in params:
            params["tolerance"] = params["ocr_tolerance"]  # sizes measured on a scan are uncertain
        ctx = Context(document=document, el=elements, params=params, channel=channel)
        seen: set[str] = set()
        for hit in rule.check(ctx):
            if hit.message in seen:
                continue  # e.g. the odd and the even footer repeating the same page-number fault
            seen.add(hit.message)
            severity = profile.severity(rule.id) or hit.severity or rule.severity
            if document.ocr and rule.family == "layout":
                severity = "warning"  # measurements on scans carry uncertainty (rules.md)
            findings.append(Finding(rule=rule.id, severity=severity, clause=rule.clause, message=hit.message,
                                    page=hit.page, evidence=hit.evidence, expected=hit.expected, aspect=hit.aspect,
                                    rests_on=tuple(hit.rests_on if hit.rests_on is not None else rests_on(rule.id)),
                                    box=hit.box))
    return findings, skipped
