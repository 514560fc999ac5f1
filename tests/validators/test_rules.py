"""Every rule: conformant documents get no finding, and each breaking document gets its rule and no other.

Checked as docx, as a PDF rendered by LibreOffice (with the Fandol fonts of the 公文 families that
scripts/setup.sh installs), as a PDF with the standard font names, and as plain text.
"""
from __future__ import annotations

import re

import pytest

from validators import all_rules

from ..cases import CASES, CONFORMANT
from ..conftest import findings_for

FORMATS = ("docx", "pdf", "named", "txt")


def _summary(findings):
    return [f"{f.rule}[{f.aspect}]: {f.message}" for f in findings]


@pytest.mark.parametrize("fmt", ("docx", "named", "txt"))
@pytest.mark.parametrize("name", sorted(CONFORMANT))
def test_conformant_document_has_no_finding(corpus, name, fmt):
    findings = findings_for(corpus.path(f"ok-{name}", fmt))
    assert findings == [], _summary(findings)


@pytest.mark.parametrize("name", sorted(CONFORMANT))
def test_conformant_document_rendered_by_libreoffice_has_no_finding(corpus, name):
    """LibreOffice renders 仿宋/楷体/黑体/宋体 with the Fandol fonts that scripts/setup.sh installs and maps
    (extractors/fontconfig/), and 小标宋 with FandolSong Bold, a documented stand-in: no finding, and the
    report's notes say which font stood in for 小标宋."""
    from extractors import extract

    path = corpus.path(f"ok-{name}", "pdf")
    findings = findings_for(path)
    assert findings == [], _summary(findings)
    assert any("FandolSong-Bold" in note and "小标宋" in note for note in extract(path.read_bytes()).notes)


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

    spec = (Path(__file__).parents[1] / "data" / "rules.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| ([a-z]+\.[a-z0-9-]+) \|", spec, flags=re.M))
    assert len(ids) >= 40
    assert ids <= set(all_rules()), ids - set(all_rules())


def test_shared_spec_and_the_copy_in_tests_agree():
    from ..conftest import SHARED_SPEC

    if not SHARED_SPEC.exists():
        pytest.skip("shared/spec is not beside this checkout")
    from pathlib import Path
    here = Path(__file__).parents[1] / "data"
    assert (SHARED_SPEC / "rules.md").read_text(encoding="utf-8") == (here / "rules.md").read_text(encoding="utf-8")
    # the report schema may grow, compatibly (issue 24: optional fields per element, the doubt, the finding's box):
    # every word of the shared contract stands unchanged in the copy, and what the copy adds is never required
    import json

    shared = json.loads((SHARED_SPEC / "validation-report.schema.json").read_text(encoding="utf-8"))
    ours = json.loads((here / "validation-report.schema.json").read_text(encoding="utf-8"))
    assert _contract_kept(shared, ours) == []


def _contract_kept(shared, ours, path: str = "") -> list[str]:
    """Where `ours` breaks `shared`: a key of the shared schema missing or changed (descriptions aside), or a
    `required` list that grew. Returns the places, empty when ours is a compatible extension."""
    if isinstance(shared, dict) and isinstance(ours, dict):
        broken = []
        for key, value in shared.items():
            if key == "description":
                continue
            if key not in ours:
                broken.append(f"{path}/{key} missing")
            elif key == "required":
                if sorted(ours[key]) != sorted(value):
                    broken.append(f"{path}/required changed: {value} → {ours[key]}")
            else:
                broken += _contract_kept(value, ours[key], f"{path}/{key}")
        return broken
    return [] if shared == ours else [f"{path}: {shared!r} → {ours!r}"]


def test_the_compatibility_check_sees_a_broken_contract():
    shared = {"required": ["a"], "properties": {"a": {"enum": ["x", "y"]}}}
    assert _contract_kept(shared, {"required": ["a"], "properties": {"a": {"enum": ["x", "y"]}, "b": {}}}) == []
    assert _contract_kept(shared, {"required": ["a", "b"], "properties": {"a": {"enum": ["x", "y"]}}})
    assert _contract_kept(shared, {"required": ["a"], "properties": {"a": {"enum": ["x"]}}})
    assert _contract_kept(shared, {"required": ["a"], "properties": {}})


def test_a_rule_is_named_in_chinese_where_a_reader_sees_it():
    """The dashboard's chart of the rules most broken names each rule by its Chinese title (found by the tryout:
    it showed drafting.doc-type, element.date); an id no rule has any more stays as it is."""
    from validators.catalog import rule_title

    assert rule_title("layout.paper-size") == all_rules()["layout.paper-size"].title
    assert all(re.search(r"[\u4e00-\u9fff]", rule_title(rule_id)) for rule_id in all_rules())
    assert rule_title("layout.type-area") == "layout.type-area"
