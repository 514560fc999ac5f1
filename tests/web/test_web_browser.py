"""The web desk in a real browser: Playwright drives Debian's chromium (scripts/setup.sh --dev installs it;
`playwright install` cannot download here) against `shouwen serve` started by the test on a free port, over an
office made by a real batch (tests/web_office.py). Screenshots of each page per role go to docs/screenshots/
(the handbook and the README use them).

Each role logs in; a Chinese phrase is searched and its hit opened; a finding is seen drawn on its page; a
document is re-routed and seen in the other department's queue; a paper document is registered; the register
is exported and the XLSX opened; and the permission cases: the <script> title, another department's URL, a
classified number typed into the URL, the API with another user's token, a form without its CSRF token, login
throttling."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .. import web_office
from ..web_office import ACCOUNTS, HELD_TITLE, LETTER, NOTICE, REPORT, REQUEST, SECRET_TITLE

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is missing: scripts/setup.sh --dev")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(process: subprocess.Popen, url: str) -> None:
    """Poll until the server answers (as long as it takes on a loaded machine); fail only if it exits."""
    while True:
        if process.poll() is not None:
            raise AssertionError(f"shouwen serve exited with {process.returncode}: {process.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # between polls, not a wait for readiness


@contextlib.contextmanager
def serving(root):
    """`shouwen serve` over the data root `root` in its own process, for the with-block: its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOUWEN_")}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--root", str(root), "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, base + "/login")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser") / "office"
    rows = web_office.build(root)
    with serving(root) as base:
        yield base, root, rows


def page_of(browser, base: str, username: str | None = None):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True, base_url=base)
    page = context.new_page()
    page.set_default_timeout(300_000)  # a loaded machine: generous, never a reason to fail by itself
    if username:
        login(page, username)
    return page


def login(page, username: str, password: str | None = None):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or ACCOUNTS[username][2])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_every_role_logs_in_and_sees_what_its_role_allows(server, browser):
    base, root, rows = server
    page = page_of(browser, base)
    page.goto("/login")
    shot(page, "login")
    expected_menus = {
        "wenmi": ["检索", "登记簿", "待办", "待复核", "来信", "督办", "统计", "隔离区", "窗口收文"],
        "keyan": ["检索", "登记簿", "待办", "来信", "督办"],
        "jiyao": ["检索", "登记簿", "待办", "来信", "督办", "统计", "隔离区"],
        "lingdao": ["检索", "登记簿", "待办", "来信", "督办", "统计"],
        "guanli": ["账户"],
    }
    for username, menus in expected_menus.items():
        page = page_of(browser, base, username)
        assert page.locator("header nav a").all_inner_texts() == menus, username
        assert "退出" in page.inner_text("header")
        if username == "guanli":
            assert "keyan" in page.inner_text("main")
            shot(page, "accounts-admin")
            continue
        page.goto("/ledger")
        shot(page, f"ledger-{username}")
        ledger = page.inner_text("table.register")
        assert (SECRET_TITLE in ledger) == (username == "jiyao") and (HELD_TITLE in ledger) == (username == "jiyao")
        page.goto("/queue")
        shot(page, f"queue-{username}")
        if "统计" in menus:
            page.goto("/dashboard")
            page.wait_for_selector("#chart-days svg")  # ECharts drew, from the vendored file
            shot(page, f"dashboard-{username}")
            assert SECRET_TITLE not in page.content()
        page.context.close()


def test_search_a_chinese_phrase_and_open_the_hit(server, browser):
    base, root, rows = server
    page = page_of(browser, base, "wenmi")
    page.goto("/search")
    page.fill("input[name=q]", "校舍维修专项资金")
    page.click("form.searchbar button[type=submit]")
    page.wait_for_selector("ol.hitlist li")
    assert page.inner_text("ol.hitlist li mark")  # the words found, highlighted
    shot(page, "search-wenmi")
    page.click("ol.hitlist li a.title")
    page.wait_for_selector("h1.doctitle")
    assert page.inner_text("h1.doctitle") == rows[REQUEST]["title"]
    page.wait_for_selector("figure.page img")
    assert page.evaluate("document.querySelector('figure.page img').naturalWidth") > 500  # the page image loaded
    shot(page, "document-request-wenmi")


def test_a_finding_is_drawn_on_its_page(server, browser):
    base, root, rows = server
    page = page_of(browser, base, "wenmi")
    page.goto(f"/documents/{rows[REPORT]['id']}")
    box = page.wait_for_selector("figure#page-1 .finding-box")
    image = page.wait_for_selector("figure#page-1 img")
    page.wait_for_function("document.querySelector('figure#page-1 img').complete")
    b, i = box.bounding_box(), image.bounding_box()
    # the 版心 box: 28 mm from the left of a 210 mm page, 156 mm wide (web_office.BOX)
    assert abs((b["x"] - i["x"]) / i["width"] - 28 / 210) < 0.01 and abs(b["width"] / i["width"] - 156 / 210) < 0.01
    assert box.get_attribute("data-rule") == "layout.text-block"
    assert box.inner_text() == "版心 156mm×225mm"  # the rule's Chinese name (rules.md, 5.2.1), not its id
    shot(page, "document-finding-drawn")


def test_rerouting_moves_a_document_to_the_other_departments_queue(server, browser):
    base, root, rows = server
    letter = rows[LETTER]
    staff = page_of(browser, base, "keyan")  # 文秘科
    staff.goto("/queue")
    assert letter["number"] not in staff.inner_text("main")
    clerk = page_of(browser, base, "wenmi")
    clerk.goto(f"/documents/{letter['id']}")
    clerk.fill("form[action$='/route'] input[name=department]", "文秘科")
    clerk.fill("form[action$='/route'] input[name=reason]", "内容属文秘科职责")
    clerk.click("form[action$='/route'] button")
    clerk.wait_for_selector("p.done")
    assert clerk.inner_text("p.done") == "已改办" and "wenmi（文秘）" in clerk.inner_text("table.history")
    shot(clerk, "document-rerouted")
    staff.goto("/queue")
    assert letter["number"] in staff.inner_text("main")
    shot(staff, "queue-keyan-after-reroute")


def test_a_paper_document_handed_in_at_the_counter_is_registered(server, browser):
    base, root, rows = server
    page = page_of(browser, base, "wenmi")
    page.goto("/register")
    page.fill("input[name=issuer]", "贵阳市花溪区人民政府")
    upload = root.parent / "窗口-扫描件.jpg"
    shutil.copy(ROOT / "samples" / "inbox" / "scan" / "扫描件-上半年校舍维修工作汇报.jpg", upload)
    page.set_input_files("input[name=file]", str(upload))
    shot(page, "register-wenmi")
    page.click("main form button[type=submit]")
    page.wait_for_selector("p.done")
    assert page.inner_text("p.done") == "已登记"
    assert page.inner_text("table.kv").count("收〔2026〕9号") == 1 and "贵阳市花溪区人民政府" in page.inner_text("table.kv")
    shot(page, "document-registered-at-counter")


def test_the_register_exports_to_an_xlsx_that_opens(server, browser):
    from openpyxl import load_workbook

    base, root, rows = server
    page = page_of(browser, base, "wenmi")
    page.goto("/ledger")
    with page.expect_download() as info:
        page.click("text=导出 XLSX")
    download = info.value
    assert download.suggested_filename.startswith("登记簿-") and download.suggested_filename.endswith(".xlsx")
    path = root.parent / "export.xlsx"
    download.save_as(str(path))
    values = list(load_workbook(path).active.values)
    assert values[0][0] == "收文编号" and rows[REQUEST]["number"] in [v[0] for v in values[1:]]
    assert not any(SECRET_TITLE in str(v) for v in values)


def _take(page, step: str, **fields) -> None:
    """Fill the handling step's form on the document's page and submit it; wait for the page to say it is done."""
    form = f"form[data-step={step}]"
    for name, value in fields.items():
        if name == "files":
            page.set_input_files(f"{form} input[name=files]", value)
        elif name in ("category", "kind"):
            page.select_option(f"{form} select[name={name}]", value)
        else:
            page.fill(f"{form} [name={name}]", value)
    with page.expect_navigation():  # a plain POST answered 303, or htmx's HX-Redirect (the 办理情况 with files)
        page.click(f"{form} button[type=submit]")
    page.wait_for_selector("p.done")
    assert page.inner_text("p.done") == "已办理"


def test_the_handling_main_path_by_role(server, browser):
    """承办/督办 (issue 18 item 4): the 请示 routed to 文秘科 → 拟办 by the clerk → 批办 by the leader → 签收,
    办理情况 with a file, 办结 by 文秘科's staff; each sees only their own steps offered."""
    base, root, rows = server
    doc = rows[REQUEST]
    clerk = page_of(browser, base, "wenmi")
    clerk.goto(f"/documents/{doc['id']}#handling")
    assert clerk.inner_text("#handling table.kv").count("待签收") == 1
    _take(clerk, "propose", words="拟请市长阅示，交文秘科办理")
    shot(clerk, "handling-propose-wenmi")
    leader = page_of(browser, base, "lingdao")
    leader.goto(f"/documents/{doc['id']}")
    assert leader.locator("form[data-step=sign]").count() == 0  # the department's step, not the leader's
    _take(leader, "instruct", words="请文秘科抓紧办理，按时反馈", title="市长")
    staff = page_of(browser, base, "keyan")
    staff.goto(f"/documents/{doc['id']}")
    assert staff.locator("form[data-step=propose]").count() == 0 and staff.locator("form[data-step=instruct]").count() == 0
    _take(staff, "sign")
    # only spaces typed (the form's `required` lets them by): the server's Chinese reason is shown in the form
    staff.fill("form[data-step=progress] [name=words]", "   ")
    staff.click("form[data-step=progress] button[type=submit]")
    said = staff.wait_for_selector("#handling-error p.error").inner_text()
    assert said and "办理情况" in said, said
    attachment = root.parent / "维修方案.txt"
    attachment.write_text("校舍维修方案（初稿）", encoding="utf-8")
    _take(staff, "progress", words="已完成现场勘查，拟定维修方案", files=str(attachment))
    assert "维修方案.txt" in staff.inner_text("#handling ol.events")
    _take(staff, "done", words="维修资金已拨付到校")
    events = staff.inner_text("#handling ol.events")
    for kind in ("拟办", "批办", "签收", "办理情况", "办结"):
        assert kind in events, kind
    assert "已办结" in staff.inner_text("#handling table.kv")
    shot(staff, "handling-done-keyan")
    leader.goto("/due")
    shot(leader, "due-lingdao")
    for page in (clerk, leader, staff):
        page.context.close()


def test_a_reading_document_is_circulated_in_the_browser(server, browser):
    """A 通知 made a 阅件 and circulated to the leader, who records 已阅 on it."""
    base, root, rows = server
    doc = rows[NOTICE]
    clerk = page_of(browser, base, "wenmi")
    clerk.goto(f"/documents/{doc['id']}")
    _take(clerk, "classify", kind="阅件", reason="供领导参阅")
    _take(clerk, "circulate", readers="lingdao")
    leader = page_of(browser, base, "lingdao")
    leader.goto(f"/documents/{doc['id']}")
    _take(leader, "read_mark")
    assert "✓已阅" in leader.inner_text("#handling table.kv")
    shot(leader, "handling-circulated-lingdao")
    for page in (clerk, leader):
        page.context.close()


def test_the_permission_cases_in_the_browser(server, browser):
    from pipelines.accounts import ACCOUNT_FAILURES

    base, root, rows = server
    clerk = page_of(browser, base, "wenmi")
    dialogs = []
    clerk.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    script_doc = rows["演练通知.txt"]
    clerk.goto(f"/documents/{script_doc['id']}")
    assert "<script>alert(1)</script>" in clerk.inner_text("h1.doctitle") and dialogs == []  # text, never run
    clerk.goto("/search?q=演练")
    assert dialogs == [] and "<script>" in clerk.inner_text("ol.hitlist")
    shot(clerk, "search-script-title-as-text")
    secret = rows["机密-鸬鹚保护.txt"]
    answer = clerk.goto(f"/documents/{secret['id']}")  # a classified number typed into the URL
    assert answer.status == 404 and SECRET_TITLE not in clerk.content()
    shot(clerk, "not-found-classified")
    # a form posted without its CSRF token (a forged page would do this): refused, nothing changed
    forged = clerk.request.post(f"{base}/documents/{rows[REQUEST]['id']}/route",
                                form={"department": "办公室", "reason": "伪造"})
    assert forged.status == 403
    staff = page_of(browser, base, "bangong")  # 办公室
    answer = staff.goto(f"/documents/{rows[REQUEST]['id']}")  # 文秘科's document
    assert answer.status == 404 and rows[REQUEST]["title"] not in staff.content()
    confidential = page_of(browser, base, "jiyao")
    confidential.goto(f"/documents/{secret['id']}")
    assert SECRET_TITLE in confidential.inner_text("h1.doctitle")
    shot(confidential, "document-classified-jiyao")
    # the API with another user's token: 办公室's token does not open 文秘科's document
    from pipelines.accounts import Accounts
    from pipelines.config import load
    from pipelines.office import Office

    with Office.open(root, load(root, environ={}), create=False) as office:
        _, token = Accounts.open(office).add_token("bangong", "OA")
    api = clerk.request.get(f"{base}/api/v1/documents/{rows[REQUEST]['id']}", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 404
    own = clerk.request.get(f"{base}/api/v1/documents/{rows[REPORT]['id']}", headers={"Authorization": f"Bearer {token}"})
    assert own.status == 404  # a returned document has no department: no staff member's
    # throttling: after ACCOUNT_FAILURES wrong passwords the right one is refused too
    page = page_of(browser, base)
    for _ in range(ACCOUNT_FAILURES):
        login(page, "lingdao", "不对的密码-0000")
        assert "用户名或密码不正确" in page.inner_text("p.error")
    login(page, "lingdao")
    assert "失败次数过多" in page.inner_text("p.error")
    shot(page, "login-throttled")


def test_the_quarantine_lists_a_file_cut_off_in_transfer_with_its_reason(server, browser):
    """The handbook's 隔离区 (docs/manual/counter.md): the clerk sees the sample cut off in transfer, with a reason."""
    base, root, rows = server
    page = page_of(browser, base, "wenmi")
    page.goto("/quarantine")
    table = page.inner_text("table.register")
    assert web_office.CUT in table
    row = next(line for line in table.splitlines() if web_office.CUT in line)
    assert row.split("\t")[-1].strip()  # its reason, in words
    shot(page, "quarantine-wenmi")
    page.context.close()


def test_the_clerk_records_a_return_delivered_by_hand_and_the_jiyaoyuan_sees_no_button(server, browser):
    """退文送达 on the document's page (the CLI's `returns --delivered`, through the same desk function): the
    returned 汇报's notice waits for the clerk (no mail server, no address), who records it delivered through the
    公文交换系统; the 机要员, who may read the document but not act on its return (access.py "resend"), sees the
    delivery without the button, and a post of the form from the 机要员's session (its own CSRF token) is refused."""
    base, root, rows = server
    doc = rows[REPORT]
    watcher = page_of(browser, base, "jiyao")
    watcher.goto(f"/documents/{doc['id']}")
    section = watcher.locator("#return-delivery")
    assert "待送达" in section.inner_text()
    assert section.locator("button").count() == 0 and "标记为已人工送达" not in section.inner_text()
    token = watcher.locator("input[name=csrftoken]").first.get_attribute("value")
    notice = watcher.locator("#return-delivery td").first.inner_text()
    number = notice[notice.index("退〔"):]
    refused = watcher.request.post(f"{base}/documents/{doc['id']}/delivery/delivered",
                                   form={"csrftoken": token, "notice": number, "how": "伪造"})
    assert refused.status == 403, refused.text()
    clerk = page_of(browser, base, "wenmi")
    clerk.goto(f"/documents/{doc['id']}")
    section = clerk.locator("#return-delivery")
    assert section.locator("button", has_text="标记为已人工送达").count() == 1
    assert section.locator("button", has_text="立即重试发送").count() == 0  # nothing failed: nothing to retry
    assert clerk.locator("#actions button", has_text="重发退文通知单").count() == 1
    assert clerk.locator("#actions button", has_text="撤回退文").count() == 1
    section.locator("input[name=how]").fill("公文交换系统")
    section.scroll_into_view_if_needed()
    shot(clerk, "return-delivery-wenmi")
    with clerk.expect_navigation():
        section.locator("button", has_text="标记为已人工送达").click()
    assert "已登记为已人工送达" in clerk.inner_text("p.done")
    row = clerk.locator("#return-delivery tbody tr").first.inner_text()
    assert "已送达" in row and "公文交换系统" in row and "待送达" not in row
    assert clerk.locator("#return-delivery button").count() == 0  # delivered: nothing more to do
    history = clerk.locator("table.history").last.inner_text()  # the document's history names who recorded it
    line = next(line for line in history.splitlines() if "已送达（公文交换系统）" in line)
    assert "wenmi" in line, line
    watcher.context.close()
    clerk.context.close()


def test_a_confidential_office_staff_member_sees_no_classified_count_in_their_queue(server, browser):
    """A 承办人员 of the 机要室 (no clearance: access.py lets only the 机要员 see classified and held documents) opens
    待办: the 机要室's queue holds the classified 鸬鹚 通知 and the held 白鹭 通知, and the page said "机要室：共 1 件"
    over an empty table (the count was of another query than the rows). Neither the documents nor their number:
    共 0 件. The 机要员 sees both, counted as listed."""
    from pipelines.accounts import Accounts
    from pipelines.config import load
    from pipelines.office import Office

    base, root, rows = server
    with Office.open(root, load(root, environ={}), create=False) as office:
        Accounts.open(office).add("jiyaoshi", "staff", "机要室科员的密码-2026", "机要室")
    staff = page_of(browser, base)
    login(staff, "jiyaoshi", "机要室科员的密码-2026")
    staff.goto("/queue")
    assert staff.inner_text("p.count") == "机要室：共 0 件"
    assert "暂无" in staff.inner_text("table.register")
    staff.goto("/queue?state=all")
    assert staff.inner_text("p.count") == "机要室：共 0 件"
    assert SECRET_TITLE not in staff.content() and HELD_TITLE not in staff.content()
    confidential = page_of(browser, base, "jiyao")
    confidential.goto("/queue?department=机要室&state=all")
    listed = confidential.locator("table.register tbody tr").count()
    assert confidential.inner_text("p.count") == f"机要室：共 {listed} 件" and listed >= 2
    assert SECRET_TITLE in confidential.content() and HELD_TITLE in confidential.content()
    staff.context.close()
    confidential.context.close()


def test_the_jiyaoyuan_is_offered_release_only_where_it_can_succeed(server, browser):
    """The 机要员 opens the 鸬鹚 通知, whose 密级 (机密★1年) can be read: it never leaves the 机要室, so the page
    offers no "核定非涉密，转入分办" (it was offered and always failed with "标有密级，是涉密公文，不能转出机要室");
    on the held 白鹭 通知 (密级 unreadable) it is offered, as secrecy.releasable says for both."""
    base, root, rows = server
    confidential = page_of(browser, base, "jiyao")
    confidential.goto(f"/documents/{rows['机密-鸬鹚保护.txt']['id']}")
    assert SECRET_TITLE in confidential.inner_text("h1.doctitle")
    assert confidential.locator("button", has_text="核定非涉密").count() == 0
    confidential.goto(f"/documents/{rows['白鹭观测.txt']['id']}")
    assert HELD_TITLE in confidential.inner_text("h1.doctitle")
    assert confidential.locator("#actions button", has_text="核定非涉密").count() == 1
    confidential.context.close()
