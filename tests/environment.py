"""A test's office reads only its own shouwen.toml (测试只读本办公室的配置).

Settings named by the environment (a ledger, an index, a profile, a time zone, another configuration file)
would override the office's own file: a test that builds an office of its own removes them, and makes the
inbox's settle time short so files dropped into it are taken at once.
"""
from __future__ import annotations

OFFICE_VARIABLES = ("SHOUWEN_CONFIG", "SHOUWEN_LEDGER_URL", "SHOUWEN_INDEX_URL", "SHOUWEN_PROFILE", "SHOUWEN_TIMEZONE")


def office_only(monkeypatch, *also: str) -> None:
    """Remove OFFICE_VARIABLES and the variables named in `also` from the environment (for this test only, through
    pytest's monkeypatch) and set SHOUWEN_SETTLE_SECONDS to 0.1 s."""
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")
    for name in OFFICE_VARIABLES + also:
        monkeypatch.delenv(name, raising=False)
