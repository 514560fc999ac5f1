"""Is a 退文 sure, or does it rest on a doubtful reading (待复核)? (seam S8, issue 24 §1)

A report's verdict is what its findings say: `return` when any finding is an error. Whether the office sends
the 退文 is another question: it goes out only where every error finding rests on evidence read with
confidence. A document whose return rests on an absence ("未见标题/文种/成文日期/主送/签发人…") or on an element
read with low confidence (a plain text without layout, a flattened text, a page with a site's chrome, a guess
from a lone line), or that is a template still full of 占位文字, is held for the clerk: 待复核 (`review_held`),
with the proposed findings; the clerk confirms (→ 退文) or dismisses (→ 分办).

    decide_doubt(report) -> Doubt(sure, reasons)      one call, on the report dict alone

The thresholds are data (THRESHOLDS, RESTS_ON) read against extractors/readings.py's confidences:
a pattern reading of a clean plain text (0.85) is sure; the same on a page with chrome (0.68), a flattened
text (≤ 0.51) or any guess (≤ 0.5) is not.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extractors.readings import ELEMENT_ZH

THRESHOLDS = {
    "min_confidence": 0.7,  # an element read below this is too doubtful to return a document on
    "template_placeholders": 2,  # this many 占位文字 make a document an unfilled template
}
# rule id → the elements its findings rest on (a finding may also name them itself: Hit.rests_on). "block" is
# the 版心 measured from the ink (sure with enough lines, extractors/readings.py). Rules not listed rest on the
# page's declared geometry (paper size) or on a measurement of their own.
RESTS_ON: dict[str, tuple[str, ...]] = {
    "element.title": ("title",),
    "drafting.doc-type": ("title", "doc_type"),
    "element.doc-number": ("doc_number",),
    "element.signer": ("doc_type", "signer"),
    "element.date": ("date",),
    "element.annotation": ("doc_type", "annotation"),
    "element.addressee": ("doc_type", "addressee"),
    "element.secrecy": ("secrecy",),
    "security.classified": ("secrecy",),
    "drafting.single-addressee": ("doc_type", "addressee"),
    "drafting.no-personal-addressee": ("addressee",),
    "drafting.report-no-request": ("doc_type", "body"),
    "drafting.closing-phrase": ("doc_type", "body"),
    "drafting.one-matter": ("doc_type", "body"),
    "drafting.length": ("doc_type", "body"),
    "drafting.no-cc-subordinate": ("doc_type",),
    "layout.title-font": ("title",),  # (its centring: on the title and the 版心, said by the finding itself)
    "layout.text-block": ("block",),
    "layout.margin-left": ("block",),
    "layout.margin-top": ("block",),
    "layout.body-font": ("body",),
    "layout.issuer-mark": ("issuer",),
    "layout.separator": ("doc_number",),
    "text.punctuation-width": ("body",),
    "text.repeated-punctuation": ("body",),
    "text.ellipsis": ("body",),
    "text.year-abbrev": ("body",),
    "text.fullwidth-digits": ("body",),
    "text.number-range": ("body",),
    "text.date-hao": ("body",),
    "text.obsolete-basis": ("body",),
}
OUTCOME_ZH = {"accept": "通过初审", "return": "退文", "review_held": "待复核（退文理由有存疑的识读，请文秘核对）",
              "template": "模板（不是公文，未按公文初审退文）"}


@dataclass(frozen=True)
class Doubt:
    sure: bool  # True: the verdict may be acted on as it stands (a 退文 goes out); False: 待复核
    reasons: list[str] = field(default_factory=list)  # Chinese, one per doubtful ground


def rests_on(rule_id: str) -> tuple[str, ...]:
    return RESTS_ON.get(rule_id, ())


def decide_doubt(report: dict) -> Doubt:
    """SURE or DOUBTFUL for one report (valid against validation-report.schema.json).

    An accepted report is sure. A returned one is sure when every error finding rests only on elements read
    with confidence ≥ THRESHOLDS["min_confidence"], none absent, and the document is not an unfilled template.
    Reports from before S8 (no `document.readings`) are taken as they are: sure.
    """
    if report.get("verdict") != "return":
        return Doubt(True, [])
    doc = report.get("document") or {}
    readings = doc.get("readings")
    from .catalog import rule_named  # (the catalog imports every rule module: not at import time)

    reasons: list[str] = []
    placeholders = doc.get("placeholders") or []
    if len(placeholders) >= THRESHOLDS["template_placeholders"]:
        sample = "”“".join(placeholders[:2])
        reasons.append(f"本件含 {len(placeholders)} 处模板占位文字（如“{sample}”），似为未填写完的模板，不按公文逐条退文")
    if readings is None:
        return Doubt(not reasons, reasons)
    for finding in report.get("findings", []):
        if finding.get("severity") != "error":
            continue
        for name in finding.get("rests_on") or rests_on(finding.get("rule", "")):
            reading = readings.get(name)
            if reading is None:
                continue
            zh = ELEMENT_ZH.get(name, name)
            if reading.get("how") == "absent":
                reasons.append(f"{rule_named(finding['rule'])}：依据是“未见{zh}”，可能是未能识别，而非原文没有")
            elif reading.get("confidence", 1.0) < THRESHOLDS["min_confidence"]:
                why = "；".join(reading.get("why") or []) or {"guess": "系推测所得"}.get(reading.get("how"), "识读把握不足")
                reasons.append(f"{rule_named(finding['rule'])}：所依据的{zh}识读把握不足（{reading.get('confidence'):.2f}，{why}）")
            else:
                continue
            break  # one reason per finding
    return Doubt(not reasons, _unique(reasons))


def outcome_of(report: dict) -> str:
    """"accept", "return" (a sure 退文) or "review_held" (待复核: a 退文 resting on a doubtful reading)."""
    if report.get("verdict") != "return":
        return "accept"
    return "return" if decide_doubt(report).sure else "review_held"


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
