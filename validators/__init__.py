"""The rules of shared/spec/rules.md (初审规则), their profiles and the report.

`validate(document, elements, profile, channel)` runs every enabled rule; `all_rules()` is the
catalog. Nothing here knows which format a document came from.

The names below are imported when first used (PEP 562): `from validators import load_profile` (what the
configuration check needs) reads the profiles only, without the rule engine, the element parser and spaCy.
"""
from __future__ import annotations

import importlib

__all__ = ["validate", "run_rules", "all_rules", "load_profile", "available_profiles", "Profile", "ProfileError",
           "Finding", "Rule", "DEFAULT_PROFILE"]

_LAZY = {  # name -> the submodule that defines it
    "run_rules": "engine",
    "DEFAULT_PROFILE": "profile", "Profile": "profile", "ProfileError": "profile",
    "available_profiles": "profile", "load_profile": "profile",
    "Finding": "registry", "Rule": "registry", "all_rules": "registry",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def validate(document, elements, profile=None, channel: str = "unknown"):
    """Return (findings, skipped rule ids) for one document (profile: a name or a Profile; default the
    default profile)."""
    from .engine import run_rules
    from .profile import DEFAULT_PROFILE, load_profile

    profile = DEFAULT_PROFILE if profile is None else profile
    prof = load_profile(profile) if isinstance(profile, str) else profile
    return run_rules(document, elements, prof, channel)
