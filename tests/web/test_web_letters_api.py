"""The citizens' letters in the JSON API (/api/v1/letters, /api/v1/letters/{id}; issue 22 / 17 §8): the same
token authentication, permissions and paging as the documents' API, each role's answer filtered by access — the
writer 王先生 and his telephone 13812345678 only to the 文秘 and the department the letter was 交办'd to, never in
the 领导's, the 机要员's answer or in a search or ledger answer; another department's staff: not found; the 管理员:
forbidden. The real app over a real data root made by a real batch (tests/web_letters_office.py)."""
from __future__ import annotations

import json

import pytest

from ..web_letters_office import MAIL, PHONE, WRITER
from .test_web_app import client
from .test_web_letters import made  # noqa: F401  (the module's office, built once)

pytestmark = pytest.mark.usefixtures("letters_configuration")  # tests/web/conftest.py


@pytest.fixture(scope="module")
def api(made):  # noqa: F811
    from pipelines.accounts import Accounts
    from web.app import create_app

    app = create_app(made[0])
    accounts = Accounts.open(app.app.state.office)
    if not any(a.username == "guanli" for a in accounts.list()):
        accounts.add("guanli", "admin", "管理员的密码-2026", None)
    headers = {name: {"Authorization": f"Bearer {accounts.add_token(name, 'OA')[1]}"}
               for name in ("wenmi", "chengban", "biede", "lingdao", "jiyao", "guanli")}
    yield client(app), headers, made[1]
    app.app.state.office.close()


def test_no_token_no_letters(api):
    c, headers, rows = api
    assert c.get("/api/v1/letters").status_code == 401
    assert c.get(f"/api/v1/letters/{rows[MAIL]['id']}").status_code == 401
    assert c.get("/api/v1/letters", headers={"Authorization": "Bearer swt_forged"}).status_code == 401


def test_the_clerk_and_the_department_get_the_writer(api):
    c, headers, rows = api
    mail = rows[MAIL]
    for name in ("wenmi", "chengban"):
        one = c.get(f"/api/v1/letters/{mail['id']}", headers=headers[name])
        assert one.status_code == 200, name
        body = one.json()
        assert body["letter_number"] == "信〔2026〕1号" and body["number"] == mail["number"], name
        assert body["writer"] == WRITER and PHONE in body["contact"] and "wang2026@example.com" in body["contact"], name
        assert body["personal_hidden"] is False and body["subject"] == "反映小区门口道路积水问题", name
        assert body["channel"] == "市长信箱" and body["stage"] == "已交办" and body["history"], name
        assert any(line["note"].startswith("受理来信 信〔2026〕1号") for line in body["history"]), name
    register = c.get("/api/v1/letters", headers=headers["wenmi"]).json()
    assert register["total"] == 4 and [x["letter_number"] for x in register["letters"]] == [
        f"信〔2026〕{n}号" for n in (1, 2, 3, 4)]


def test_the_leader_and_the_confidential_officer_get_no_personal_information(api):
    c, headers, rows = api
    mail = rows[MAIL]
    for name in ("lingdao", "jiyao"):
        one = c.get(f"/api/v1/letters/{mail['id']}", headers=headers[name])
        assert one.status_code == 200, name
        body = one.json()
        assert body["personal_hidden"] is True and "writer" not in body and "contact" not in body, name
        assert body["subject"] == "反映小区门口道路积水问题", name
        register = c.get("/api/v1/letters", headers=headers[name])
        text = one.text + register.text
        assert PHONE not in text and WRITER not in text and "wang2026" not in text, name
        assert register.json()["total"] == 4, name
        for url, params in (("/api/v1/search", {"q": "积水"}), ("/api/v1/ledger", {}),
                            (f"/api/v1/documents/{mail['id']}", {})):
            answer = c.get(url, params=params, headers=headers[name])
            assert answer.status_code == 200 and PHONE not in answer.text and WRITER not in answer.text, (name, url)


def test_another_department_finds_nothing_and_the_admin_is_refused(api):
    c, headers, rows = api
    mail = rows[MAIL]
    assert c.get(f"/api/v1/letters/{mail['id']}", headers=headers["biede"]).status_code == 404
    theirs = c.get("/api/v1/letters", headers=headers["biede"]).json()
    assert theirs["total"] == 0 and theirs["letters"] == []
    assert c.get(f"/api/v1/letters/{mail['id']}", headers=headers["guanli"]).status_code == 404
    assert c.get("/api/v1/letters", headers=headers["guanli"]).status_code == 403


def test_the_api_pages_and_filters_as_the_register(api):
    c, headers, rows = api
    page = c.get("/api/v1/letters", params={"size": 3, "page": 2}, headers=headers["wenmi"]).json()
    assert page["total"] == 4 and page["pages"] == 2 and [x["letter_number"] for x in page["letters"]] == ["信〔2026〕4号"]
    complaint = c.get("/api/v1/letters", params={"category": "投诉"}, headers=headers["wenmi"]).json()
    assert complaint["total"] == 1 and "油烟" in complaint["letters"][0]["subject"]
    assert c.get("/api/v1/letters", params={"stage": "已收到"}, headers=headers["wenmi"]).status_code == 400
    bad = c.get("/api/v1/letters", params={"date_to": "昨天"}, headers=headers["wenmi"])
    assert bad.status_code == 400 and "YYYY-MM-DD" in json.loads(bad.text)["error"]
    assert c.get("/api/v1/letters/999999", headers=headers["wenmi"]).status_code == 404
