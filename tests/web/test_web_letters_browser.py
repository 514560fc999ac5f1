"""待复核 and 来信 in a real browser (Debian's chromium through Playwright, as test_web_browser.py) against
`shouwen serve` over the letters office (tests/web_letters_office.py); screenshots to docs/screenshots/.

The clerk opens 待复核 and confirms the 退文 of the held 通知; a letter goes 受理 → 交办 (the clerk) → 签收 → 答复 →
办结 (the department's staff), the leader seeing it without the writer's telephone, and the dashboard's letter
statistics counting the answer."""
from __future__ import annotations

import os

import pytest

from .. import web_letters_office as wl
from ..web_letters_office import HELD, MAIL, PHONE, WRITER
from .test_web_browser import CHROMIUM, VIEWPORT, serving, shot

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is missing: scripts/setup.sh --dev")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-letters") / "office"
    rows = wl.build(root)
    with serving(root) as base:
        yield base, root, rows


def page_of(browser, base: str, username: str):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.set_default_timeout(300_000)  # a loaded machine: generous, never a reason to fail by itself
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", wl.PASSWORDS[username])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def _submit(page, form: str, **fields) -> str:
    for name, value in fields.items():
        if name == "category":
            page.select_option(f"{form} select[name={name}]", value)
        else:
            page.fill(f"{form} [name={name}]", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    page.wait_for_selector("p.done")
    return page.inner_text("p.done")


def test_the_clerk_confirms_a_held_return_from_the_review_queue(server, browser):
    base, root, rows = server
    held = rows[HELD]
    clerk = page_of(browser, base, "wenmi")
    clerk.click("header nav >> text=待复核")
    assert clerk.url.endswith("/review")
    queue = clerk.inner_text("table.review-queue")
    assert held["number"] in queue and "待复核：" in queue
    shot(clerk, "review-queue-wenmi")
    clerk.click(f"table.review-queue >> text={held['number']}")
    clerk.wait_for_selector("#review")
    assert "确认退文" in clerk.inner_text("#review") and "不予退文" in clerk.inner_text("#review")
    shot(clerk, "review-document-wenmi")
    done = _submit(clerk, "form[data-decision=confirm]", reason="核对原件，确无主送机关")
    assert done == "已确认退文，退文通知单已生成"
    assert clerk.locator("#review").count() == 0 and "下载退文通知单" in clerk.inner_text("p.downloads")
    shot(clerk, "review-confirmed-wenmi")
    clerk.goto("/review")
    assert held["number"] not in clerk.inner_text("table.review-queue")
    leader = page_of(browser, base, "lingdao")
    assert leader.locator("header nav >> text=待复核").count() == 0
    for page in (clerk, leader):
        page.context.close()


def test_a_letter_from_acceptance_to_done_by_clerk_and_department(server, browser):
    base, root, rows = server
    mail = rows[MAIL]
    clerk = page_of(browser, base, "wenmi")
    clerk.click("header nav >> text=来信")
    register = clerk.inner_text("table.letters")
    assert "信〔2026〕1号" in register and "反映小区门口道路积水问题" in register and WRITER in register
    shot(clerk, "letters-register-wenmi")
    clerk.click("table.letters >> text=信〔2026〕1号")
    clerk.wait_for_selector("form[data-action=assign]")
    assert PHONE in clerk.inner_text("td.contact")
    assert _submit(clerk, "form[data-action=category]", category="求助") == "类别已更正"
    assert _submit(clerk, "form[data-action=assign]", department=mail["department"], reason="属本部门职责") == "已交办"
    shot(clerk, "letter-assigned-wenmi")
    staff = page_of(browser, base, "chengban")
    staff.goto(f"/letters/{mail['id']}")
    assert PHONE in staff.inner_text("td.contact") and staff.locator("form[data-action=assign]").count() == 0
    assert _submit(staff, "form[data-action=sign]") == "已签收"
    answer = "经查，建设路积水系雨水管堵塞所致，市政部门已疏通，并将于4月底前改造该路段排水管。"
    assert _submit(staff, "form[data-action=reply]", words=answer) == "已答复"
    assert _submit(staff, "form[data-action=done]", words="已答复来信人") == "已办结"
    assert answer in staff.inner_text("td.answer")
    history = staff.inner_text("table.history")
    for step in ("签收", "答复", "办结"):
        assert f"{step}" in history and "赵承办（承办人员）" in history, step
    shot(staff, "letter-done-chengban")
    leader = page_of(browser, base, "lingdao")
    leader.goto(f"/letters/{mail['id']}")
    assert PHONE not in leader.content() and WRITER not in leader.content() and "个人信息，不予显示" in leader.content()
    shot(leader, "letter-lingdao")
    leader.goto("/dashboard#letter-stats")
    stats = leader.inner_text("#letter-stats")
    assert "群众来信统计" in stats and PHONE not in leader.content()
    leader.locator("#letter-stats").scroll_into_view_if_needed()
    shot(leader, "letters-dashboard-lingdao")
    for page in (clerk, staff, leader):
        page.context.close()
