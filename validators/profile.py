"""Profiles (审核配置): data files that switch rules on or off, set severities and parameters.

A profile is a TOML file in validators/profiles/ (or any path). It may `extends` another profile.
    name = "gb9704-2012"
    description = "…"
    [rules."drafting.length"]
    severity = "error"
    enabled = true
    [rules."drafting.length".params]
    limits = { 请示 = 1500 }
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROFILE_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "gb9704-2012"


class ProfileError(ValueError):
    pass


@dataclass
class Profile:
    name: str
    description: str = ""
    rules: dict[str, dict] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        return self.rules.get(rule_id, {}).get("enabled", True)

    def severity(self, rule_id: str) -> str | None:
        return self.rules.get(rule_id, {}).get("severity")

    def params(self, rule_id: str, defaults: dict) -> dict:
        merged = dict(defaults)
        merged.update(self.rules.get(rule_id, {}).get("params", {}))
        return merged


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def check_profile(name_or_path: str) -> None:
    """The configuration's check of [office] profile (pipelines/config.py), for every command: ProfileError where
    `name_or_path` cannot be loaded. A profile shipped in PROFILE_DIR is only looked up: its rule ids are checked
    by the test suite (tests/validators/test_profiles.py), and checking them here would import every rule (their patterns
    compiled) into a command that reviews nothing. Any other file is loaded in full (load_profile)."""
    path = Path(name_or_path)
    if not path.suffix and (PROFILE_DIR / f"{name_or_path}.toml").is_file():
        return
    load_profile(name_or_path)


@lru_cache(maxsize=32)
def load_profile(name_or_path: str = DEFAULT_PROFILE) -> Profile:
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILE_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise ProfileError(f"找不到审核配置“{name_or_path}”；可用的有：{'、'.join(available_profiles())}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"审核配置“{path.name}”格式错误：{exc}") from exc
    rules: dict[str, dict] = {}
    if data.get("extends"):
        base = load_profile(data["extends"])
        rules = {k: {**v, "params": dict(v.get("params", {}))} for k, v in base.rules.items()}
    from .registry import SEVERITIES, all_rules
    known = all_rules()
    for rule_id, settings in data.get("rules", {}).items():
        if rule_id not in known:
            raise ProfileError(f"审核配置“{path.name}”中的规则编号“{rule_id}”不存在")
        if settings.get("severity") not in (None, *SEVERITIES):
            raise ProfileError(f"审核配置“{path.name}”中规则“{rule_id}”的级别应为 error 或 warning")
        entry = rules.setdefault(rule_id, {"params": {}})
        entry.update({k: v for k, v in settings.items() if k != "params"})
        entry["params"].update(settings.get("params", {}))
    return Profile(name=data.get("name", path.stem), description=data.get("description", ""), rules=rules)
