"""The letters' pages in a real browser for each role they concern (Debian's chromium through Playwright, as
test_web_letters_browser.py) against `shouwen serve` over the letters office (tests/web_letters_office.py);
screenshots to docs/screenshots/. The 机要员 and the 领导 read a letter with no 签收, 答复, 办结, 交办 or 转出 to
press; the department's staff see only 签收; the clerk pages the register with a filter and the filter stays on
the next page."""
from __future__ import annotations

import os

import pytest

from .. import web_letters_office as wl
from ..web_letters_office import MAIL, PHONE
from .test_web_browser import CHROMIUM, serving, shot
from .test_web_letters_browser import page_of

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is missing: scripts/setup.sh --dev")

ACTIONS = ("category", "assign", "transfer", "sign", "reply", "done")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-letter-roles") / "office"
    rows = wl.build(root)
    with serving(root) as base:
        yield base, root, rows


def offered(page) -> set:
    return {a for a in ACTIONS if page.locator(f"form[data-action={a}]").count()}


def test_each_role_sees_only_the_buttons_it_may_press_on_a_letter(server, browser):
    base, root, rows = server
    mail = rows[MAIL]
    # by hand from pipelines/access.py's roles, for a letter 交办'd and not yet 签收
    expected = {"jiyao": set(), "lingdao": set(), "chengban": {"sign"},
                "wenmi": {"category", "assign", "transfer", "sign"}}
    for name, buttons in expected.items():
        page = page_of(browser, base, name)
        page.goto(f"/letters/{mail['id']}")
        page.wait_for_selector("table.history")
        assert offered(page) == buttons, name
        assert page.locator("button", has_text="签收").count() == (1 if "sign" in buttons else 0), name
        assert page.locator("button", has_text="办结").count() == 0, name  # never before 答复
        if name in ("jiyao", "lingdao"):
            assert PHONE not in page.content(), name
        shot(page, f"letter-roles-{name}")
        page.context.close()
    other = page_of(browser, base, "biede")
    response = other.goto(f"/letters/{mail['id']}")
    assert response.status == 404 and PHONE not in other.content()
    other.context.close()


def test_the_clerk_pages_the_register_and_the_filter_stays(server, browser):
    base, root, rows = server
    clerk = page_of(browser, base, "wenmi")
    clerk.goto("/letters")
    clerk.fill("form.filters input[name=channel]", "12345")
    clerk.select_option("form.filters select[name=size]", "20")
    with clerk.expect_navigation():
        clerk.click("form.filters button[type=submit]")
    assert "共 3 件" in clerk.inner_text("p.count")  # the three 12345 letters (the mail is not one)
    clerk.goto("/letters?channel=12345&size=2")
    assert clerk.locator("table.letters tbody tr").count() == 2
    assert "第 1 / 2 页" in clerk.inner_text("nav.pager")
    shot(clerk, "letters-register-paged-wenmi")
    with clerk.expect_navigation():
        clerk.click("nav.pager >> text=下一页")
    assert "channel=12345" in clerk.url and "page=2" in clerk.url
    assert clerk.locator("table.letters tbody tr").count() == 1
    assert clerk.input_value("form.filters input[name=channel]") == "12345"
    assert "信〔2026〕4号" in clerk.inner_text("table.letters")
    shot(clerk, "letters-register-page2-wenmi")
    clerk.context.close()
