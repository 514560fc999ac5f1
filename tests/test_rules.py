"""Every rule: conformant documents get no finding, and each breaking document gets its rule and no other.

Checked as docx, as a PDF rendered by LibreOffice (where fonts are substituted, so font findings are
expected there and nothing else), as a PDF with the standard font names, and as plain text.
"""
from __future__ import annotations

import pytest

from validators import all_rules

from .cases import CASES, CONFORMANT
from .conftest import findings_for

FORMATS = ("docx", "pdf", "named", "txt")


def _summary(findings):
    return [f"{f.rule}[{f.aspect}]: {f.message}" for f in findings]


@pytest.mark.parametrize("fmt", ("docx", "named", "txt"))
@pytest.mark.parametrize("name", sorted(CONFORMANT))
def test_conformant_document_has_no_finding(corpus, name, fmt):
    findings = findings_for(corpus.path(f"ok-{name}", fmt))
    assert findings == [], _summary(findings)


@pytest.mark.parametrize("name", sorted(CONFORMANT))
def test_conformant_document_rendered_by_libreoffice_has_only_font_findings(corpus, name):
    """LibreOffice has no 仿宋/小标宋 here and substitutes: that, and only that, is reported."""
    findings = findings_for(corpus.path(f"ok-{name}", "pdf"))
    assert [f for f in findings if f.aspect != "font"] == [], _summary(findings)
    assert any(f.rule == "layout.body-font" for f in findings), "a substituted body font must be reported"
    body_font = next(f for f in findings if f.rule == "layout.body-font")
    assert "替换" in body_font.message


CASE_PARAMS = [pytest.param(case, fmt, id=f"{case.id}-{fmt}") for case in CASES for fmt in case.formats]


@pytest.mark.parametrize("case,fmt", CASE_PARAMS)
def test_breaking_document_is_found(corpus, case, fmt):
    findings = findings_for(corpus.path(f"case-{case.id}", fmt))
    rules = {f.rule for f in findings}
    assert case.rule in rules, _summary(findings)
    allowed = {case.rule} | set(case.also)
    unexpected = [f for f in findings if f.rule not in allowed and not (fmt == "pdf" and f.aspect == "font")]
    assert unexpected == [], _summary(unexpected)
    for f in findings:
        if f.rule == case.rule:
            assert f.message and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
            assert f.evidence or f.expected


def test_every_rule_has_a_breaking_case_in_each_format_it_can_be_seen_in():
    covered = {}
    for case in CASES:
        covered.setdefault(case.rule, set()).update(case.formats)
    for rule in all_rules().values():
        assert rule.id in covered, f"no breaking fixture for {rule.id}"
        need = {"docx", "named"} if rule.needs_geometry else {"docx", "pdf", "txt"}
        assert need <= covered[rule.id], f"{rule.id}: formats {covered[rule.id]}"


def test_catalog_holds_every_rule_of_the_spec():
    import re
    from pathlib import Path

    spec = (Path(__file__).parent / "data" / "rules.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| ([a-z]+\.[a-z0-9-]+) \|", spec, flags=re.M))
    assert len(ids) >= 40
    assert ids <= set(all_rules()), ids - set(all_rules())


def test_shared_spec_and_the_copy_in_tests_agree():
    from .conftest import SHARED_SPEC

    if not SHARED_SPEC.exists():
        pytest.skip("shared/spec is not beside this checkout")
    from pathlib import Path
    here = Path(__file__).parent / "data"
    assert (SHARED_SPEC / "rules.md").read_text(encoding="utf-8") == (here / "rules.md").read_text(encoding="utf-8")
    assert (SHARED_SPEC / "validation-report.schema.json").read_bytes() == (here / "validation-report.schema.json").read_bytes()
