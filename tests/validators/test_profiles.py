"""Profiles are data: the 1999 profile accepts Chinese-numeral dates, the Guiyang profile returns over-long documents."""
from __future__ import annotations

import pytest

from validators import ProfileError, load_profile

from .. import builder
from ..cases import CASES
from ..conftest import findings_for


def _case(rule, name):
    return next(c for c in CASES if c.rule == rule and c.name == name)


def test_1999_profile_accepts_chinese_numeral_dates(corpus):
    path = corpus.path(f"case-{_case('element.date', 'chinese-numerals').id}", "docx")
    assert "element.date" in {f.rule for f in findings_for(path, "gb9704-2012")}
    assert "element.date" not in {f.rule for f in findings_for(path, "gb9704-1999")}


def test_1999_profile_still_refuses_leading_zeros(corpus):
    path = corpus.path(f"case-{_case('element.date', 'leading-zero').id}", "docx")
    assert "element.date" in {f.rule for f in findings_for(path, "gb9704-1999")}


def test_guiyang_profile_makes_length_an_error(corpus):
    path = corpus.path(f"case-{_case('drafting.length', 'long-request').id}", "txt")
    default = [f for f in findings_for(path) if f.rule == "drafting.length"]
    local = [f for f in findings_for(path, "guiyang-2013-33") if f.rule == "drafting.length"]
    assert default and default[0].severity == "warning"
    assert local and local[0].severity == "error"
    assert "1500" in local[0].message


def test_profile_from_a_file_can_switch_a_rule_off_and_change_a_limit(corpus, tmp_path):
    profile = tmp_path / "office.toml"
    profile.write_text('extends = "gb9704-2012"\n[rules."element.signer"]\nenabled = false\n'
                       '[rules."drafting.length".params]\nlimits = { "请示" = 100 }\n', encoding="utf-8")
    path = corpus.path("ok-request", "txt")
    rules = {f.rule for f in findings_for(path, str(profile))}
    assert "drafting.length" in rules
    missing_signer = builder.write_text(builder.conformant_request(signer=None), tmp_path / "nosigner.txt")
    assert "element.signer" not in {f.rule for f in findings_for(missing_signer, str(profile))}


def test_a_profile_naming_an_unknown_rule_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[rules."layout.no-such-rule"]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(bad))
    assert "不存在" in str(info.value)


def test_every_bundled_profile_names_only_known_rules():
    # the configuration's check only looks a bundled profile up (validators.profile.check_profile): its rule ids
    # are checked here, where importing every rule costs nothing a clerk waits for
    from validators import available_profiles
    from validators.registry import all_rules

    names = available_profiles()
    assert {"gb9704-2012", "gb9704-1999", "guiyang-2013-33"} <= set(names)
    for name in names:
        load_profile.cache_clear()
        profile = load_profile(name)
        assert set(profile.rules) <= set(all_rules()), name


def test_the_configuration_check_still_refuses_a_profile_file_naming_an_unknown_rule(tmp_path):
    from validators.profile import check_profile

    bad = tmp_path / "bad.toml"
    bad.write_text('[rules."layout.no-such-rule"]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(ProfileError):
        check_profile(str(bad))
    with pytest.raises(ProfileError):
        check_profile("gb9704-2099")
