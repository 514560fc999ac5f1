"""What the browser tests of tests/web/ share: Debian's chromium driven by Playwright, one per test module."""
from __future__ import annotations

import pytest

from ..environment import office_only


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from .test_web_browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def letters_configuration(monkeypatch):
    """The letters' web tests read only their own office's shouwen.toml: no ledger, index, profile or root named
    by the environment, and a short settle time for files dropped into the inbox."""
    office_only(monkeypatch, "SHOUWEN_WEB_SECURE_COOKIES", "SHOUWEN_ROOT")
