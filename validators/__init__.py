"""The rules of shared/spec/rules.md (初审规则), their profiles and the report.

`validate(document, elements, profile, channel)` runs every enabled rule; `all_rules()` is the
catalog. Nothing here knows which format a document came from.
"""
from __future__ import annotations

from .engine import run_rules
from .profile import (
    DEFAULT_PROFILE,
    Profile,
    ProfileError,
    available_profiles,
    load_profile,
)
from .registry import Finding, Rule, all_rules

__all__ = ["validate", "run_rules", "all_rules", "load_profile", "available_profiles", "Profile", "ProfileError",
           "Finding", "Rule", "DEFAULT_PROFILE"]


def validate(document, elements, profile: str | Profile = DEFAULT_PROFILE, channel: str = "unknown"):
    """Return (findings, skipped rule ids) for one document."""
    prof = load_profile(profile) if isinstance(profile, str) else profile
    return run_rules(document, elements, prof, channel)
