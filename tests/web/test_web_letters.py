"""The web desk's 待复核 (issue 24 §1) and 来信 (issue 22) pages over HTTP: the real app on a real data root made by
a real batch (tests/web_letters_office.py), real accounts per role. The clerk confirms and dismisses a held
document; a letter goes 受理 → 交办 → 签收 → 答复 → 办结; the writer's telephone 13812345678 and name 王先生 are
shown to the clerk and the staff of the department it was 交办'd to, and to nobody else — not in the letter's page,
the register, the document page, search, the 登记簿's XLSX, the dashboard or a download. Expected values are
written by hand from the inputs."""
from __future__ import annotations

import io

import pytest

from .. import web_letters_office as wl
from ..web_letters_office import HELD, MAIL, PHONE, UNSURE, WRITER
from .test_web_app import client, post

pytestmark = pytest.mark.usefixtures("letters_configuration")  # tests/web/conftest.py


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("webletters") / "office"
    return root, wl.build(root)


@pytest.fixture
def desk(made, tmp_path):
    from web.app import create_app

    app = create_app(wl.copy(made[0], tmp_path / "office"))
    yield app, made[1]
    app.app.state.office.close()


def logged_in(app, username: str):
    c = client(app)
    c.get("/login")
    r = c.post("/login", data={"csrftoken": c.cookies["csrftoken"], "username": username,
                               "password": wl.PASSWORDS[username], "next": "/ledger"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return c


def nav(html: str) -> str:
    return html.split("<nav>", 1)[1].split("</nav>", 1)[0]


# -- 待复核 ------------------------------------------------------------------------------------------------------

def test_the_review_queue_lists_the_held_documents_for_the_clerk_only(desk):
    app, rows = desk
    clerk = logged_in(app, "wenmi")
    page = clerk.get("/review")
    assert page.status_code == 200 and 'href="/review"' in nav(page.text)
    held, unsure = rows[HELD], rows[UNSURE]
    assert held["status"] == "review_held" and unsure["status"] == "review_held"
    assert held["number"] in page.text and unsure["number"] in page.text and "共 2 件" in page.text
    assert "待复核：" in page.text  # why it is doubtful (the row's reason)
    assert "确认退文" in page.text and "是来信（不按公文格式审核）" in page.text
    for name in ("lingdao", "jiyao", "chengban"):
        c = logged_in(app, name)
        assert c.get("/review").status_code == 403, name
        assert 'href="/review"' not in nav(c.get("/ledger").text), name
        assert post(c, f"/documents/{held['id']}/review", decision="confirm").status_code in (403, 404), name
    assert app.app.state.office.ledger.get(held["id"])["status"] == "review_held"


def test_the_clerk_confirms_a_held_return_on_the_document_page(desk):
    app, rows = desk
    held = rows[HELD]
    clerk = logged_in(app, "wenmi")
    page = clerk.get(f"/documents/{held['id']}").text
    assert 'id="review"' in page and 'value="confirm"' in page and 'value="dismiss"' in page
    assert 'value="document"' not in page  # a 退文 question, not a 来信/公文 one
    r = post(clerk, f"/documents/{held['id']}/review", decision="confirm", reason="核对原件，确无主送机关")
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{held['id']}?done=confirm"
    after = app.app.state.office.ledger.get(held["id"])
    assert after["status"] == "returned" and after["return_path"].endswith("退文通知单.docx")
    page = clerk.get(r.headers["location"]).text
    assert "已确认退文" in page and "下载退文通知单" in page and 'id="review"' not in page
    assert "文秘复核：确认退文（核对原件，确无主送机关）" in page
    assert held["number"] not in clerk.get("/review").text
    again = post(clerk, f"/documents/{held['id']}/review", decision="dismiss", reason="再复核")
    assert again.status_code == 400 and "不是待复核的收文" in again.text


def test_the_clerk_dismisses_a_held_return_with_a_reason_and_it_is_routed(desk):
    app, rows = desk
    held = rows[HELD]
    clerk = logged_in(app, "wenmi")
    bare = post(clerk, f"/documents/{held['id']}/review", decision="dismiss", reason=" ")
    assert bare.status_code == 400 and "不予退文须写明理由" in bare.text
    assert app.app.state.office.ledger.get(held["id"])["status"] == "review_held"
    r = post(clerk, f"/documents/{held['id']}/review", decision="dismiss", reason="原文有主送和成文日期，系网页压成一行")
    assert r.status_code == 303
    after = app.app.state.office.ledger.get(held["id"])
    assert after["status"] == "indexed" and after["department"] and after["return_path"] is None
    page = clerk.get(r.headers["location"]).text
    assert "已不予退文，转入分办" in page and "不予退文，转分办（原文有主送和成文日期" in page


def test_the_clerk_says_the_unsure_one_is_a_letter_and_it_joins_the_register(desk):
    app, rows = desk
    unsure = rows[UNSURE]
    clerk = logged_in(app, "wenmi")
    page = clerk.get(f"/documents/{unsure['id']}").text
    assert 'value="letter"' in page and 'value="document"' in page and 'value="confirm"' not in page
    refused = post(clerk, f"/documents/{unsure['id']}/review", decision="confirm")
    assert refused.status_code == 400 and "不能“确认退文”" in refused.text
    assert post(clerk, f"/documents/{unsure['id']}/review", decision="letter", reason="业主来信").status_code == 303
    assert app.app.state.office.ledger.get(unsure["id"])["kind"] == "letter"
    assert "信〔2026〕5号" in clerk.get("/letters").text  # the four letters of the batch, then this one


# -- 来信 --------------------------------------------------------------------------------------------------------

def test_the_register_lists_the_letters_with_numbers_categories_and_states(desk):
    app, rows = desk
    clerk = logged_in(app, "wenmi")
    page = clerk.get("/letters")
    assert page.status_code == 200 and 'href="/letters"' in nav(page.text)
    for n in (1, 2, 3, 4):
        assert f"信〔2026〕{n}号" in page.text
    assert "信〔2026〕5号" not in page.text and "共 4 件" in page.text
    assert "市长信箱" in page.text and "12345" in page.text
    for category in ("建议", "投诉", "咨询"):  # by hand from the three 12345 letters
        assert f">{category}<" in page.text
    assert "已交办" in page.text and "反映小区门口道路积水问题" in page.text and WRITER in page.text
    assert rows[HELD]["number"] not in page.text  # a 公文 is not in the letters' register


def test_a_letter_goes_from_assignment_to_done_with_the_actors_in_its_history(desk):
    app, rows = desk
    mail = rows[MAIL]
    department = mail["department"]
    clerk, staff = logged_in(app, "wenmi"), logged_in(app, "chengban")
    page = clerk.get(f"/letters/{mail['id']}").text
    assert 'data-action="assign"' in page and 'data-action="transfer"' in page and 'data-action="category"' in page
    assert "交办后 10 个工作日内答复" in page
    # 改类别, then 交办 again (to the department it had: the deadline counted from now)
    assert post(clerk, f"/letters/{mail['id']}/category", category="求助").status_code == 303
    assert post(clerk, f"/letters/{mail['id']}/category", category="牢骚").status_code == 400
    r = post(clerk, f"/letters/{mail['id']}/assign", department=department, reason="属本部门职责")
    assert r.status_code == 303 and r.headers["location"] == f"/letters/{mail['id']}?done=assigned"
    # the department's staff: 签收, 答复, 办结
    page = staff.get(f"/letters/{mail['id']}").text
    assert 'data-action="sign"' in page and 'data-action="assign"' not in page and 'data-action="transfer"' not in page
    assert post(staff, f"/letters/{mail['id']}/done", words="已办").status_code == 400  # before 签收 and 答复
    assert post(staff, f"/letters/{mail['id']}/sign").status_code == 303
    answer = "经查，建设路积水系雨水管堵塞所致，市政部门已疏通，并将于4月底前改造该路段排水管。"
    assert post(staff, f"/letters/{mail['id']}/reply", words=answer).status_code == 303
    assert (app.app.state.office.root / "outbox" / "letters" / "信〔2026〕1号-答复.eml").is_file()
    assert post(staff, f"/letters/{mail['id']}/done", words="已答复来信人").status_code == 303
    page = clerk.get(f"/letters/{mail['id']}").text
    assert "<td>已办结</td>" in page and answer in page and "<td>求助" in page
    history = page.split("办理记录", 1)[1]
    rows_ = [[cell.split("</td>")[0] for cell in tr.split("<td")[1:]] for tr in history.split("<tr>")[2:]]
    steps = [(r[1].split(">", 1)[1], r[3].split(">", 1)[1]) for r in rows_]
    assert ("签收", "赵承办（承办人员）") in steps and ("答复", "赵承办（承办人员）") in steps
    assert ("办结", "赵承办（承办人员）") in steps
    assert "来信类别由“意见”更正为“求助”" in history and "文秘人员交办来信：属本部门职责" in history


def test_the_clerk_transfers_a_letter_with_where_and_why(desk):
    app, rows = desk
    row = rows["投诉-油烟扰民.txt"]
    clerk = logged_in(app, "wenmi")
    assert post(clerk, f"/letters/{row['id']}/transfer", to="市信访局", reason=" ").status_code == 400
    r = post(clerk, f"/letters/{row['id']}/transfer", to="市信访局", reason="来信人已走信访程序")
    assert r.status_code == 303
    page = clerk.get(r.headers["location"]).text
    assert "已转出" in page and "市信访局（来信人已走信访程序）" in page and 'data-action="transfer"' not in page
    assert "转出：市信访局" in clerk.get("/letters").text


def test_the_telephone_is_shown_to_the_clerk_and_the_handling_department_only(desk):
    app, rows = desk
    mail = rows[MAIL]
    for name in ("wenmi", "chengban"):
        c = logged_in(app, name)
        page = c.get(f"/letters/{mail['id']}").text
        assert PHONE in page and WRITER in page, name
        assert c.get(f"/documents/{mail['id']}/original").status_code == 200, name
    for name in ("lingdao", "jiyao"):
        c = logged_in(app, name)
        page = c.get(f"/letters/{mail['id']}")
        assert page.status_code == 200 and "反映小区门口道路积水问题" in page.text, name
        assert PHONE not in page.text and WRITER not in page.text and "个人信息，不予显示" in page.text, name
        register = c.get("/letters").text
        assert "信〔2026〕1号" in register and PHONE not in register and WRITER not in register, name
        doc = c.get(f"/documents/{mail['id']}").text
        assert "积水" in doc and PHONE not in doc and "wang2026@example.com" not in doc, name
        assert c.get(f"/documents/{mail['id']}/original").status_code == 403, name
        assert "下载原件" not in doc and f'href="/letters/{mail["id"]}"' in doc, name
        assert 'data-action="reply"' not in page.text and 'data-action="assign"' not in page.text, name
        assert post(c, f"/letters/{mail['id']}/reply", words="越权答复").status_code == 403, name
    assert 'data-action="sign"' not in logged_in(app, "lingdao").get(f"/letters/{mail['id']}").text
    other = logged_in(app, "biede")
    assert other.get(f"/letters/{mail['id']}").status_code == 404
    assert other.get(f"/documents/{mail['id']}").status_code == 404
    assert "信〔2026〕1号" not in other.get("/letters").text
    assert post(other, f"/letters/{mail['id']}/reply", words="越权答复").status_code == 404


def test_the_telephone_is_in_no_search_result_export_or_dashboard(desk):
    from openpyxl import load_workbook

    app, rows = desk
    mail = rows[MAIL]
    for name in ("wenmi", "chengban", "lingdao", "jiyao", "biede"):
        c = logged_in(app, name)
        found = c.get("/search", params={"q": "积水"}).text
        if name == "biede":
            assert mail["number"] not in found
        else:
            assert mail["number"] in found, name
        assert PHONE not in found and WRITER not in found, name
        assert mail["number"] not in c.get("/search", params={"q": PHONE}).text, name
        xlsx = c.get("/ledger.xlsx")
        assert xlsx.status_code == 200, name
        cells = [str(cell.value) for ws in load_workbook(io.BytesIO(xlsx.content)) for r in ws.iter_rows() for cell in r]
        assert not any(PHONE in v or WRITER in v for v in cells), name
        assert PHONE not in c.get("/ledger/print").text, name
        dashboard = c.get("/dashboard")
        if dashboard.status_code == 200:
            assert PHONE not in dashboard.text and WRITER not in dashboard.text, name


def test_the_dashboard_shows_letter_statistics_to_clerk_and_leader(desk):
    app, rows = desk
    clerk = logged_in(app, "wenmi")
    page = clerk.get("/dashboard").text
    assert "群众来信统计" in page
    stats = page.split('id="letter-stats"', 1)[1]
    # by hand: 4 letters (积水 意见, 路灯 建议, 油烟 投诉, 居住证 咨询), none answered yet
    assert '<span class="big">4</span><a href="/letters">来信总数' in stats
    for category in ("意见", "建议", "投诉", "咨询"):
        assert f"<td>{category}</td><td class=\"num\">1</td>" in stats, category
    assert "群众来信统计" in logged_in(app, "lingdao").get("/dashboard").text
    assert "群众来信统计" not in logged_in(app, "jiyao").get("/dashboard").text  # letter_stats: clerk and leader
