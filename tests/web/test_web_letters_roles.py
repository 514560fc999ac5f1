"""Every role × every action on a 来信's page (issue 22, 17): the buttons the page offers are exactly the actions
the desk takes from that role, and the desk refuses the rest ("forbidden" 403, or "not_found" 404 where the
letter is not seen at all), leaving the letter as it was. Over HTTP on the real app and a real data root made
by a real batch (tests/web_letters_office.py). The expected sets are written by hand from pipelines/access.py's
table of roles: the 机要员 and the 领导 read a letter and take no step on it (the 机要员's department steps are
the 机要室's documents only; a letter never goes there); the staff of another department do not see it."""
from __future__ import annotations

import pytest

from .. import web_letters_office as wl
from ..web_letters_office import MAIL
from .test_web_app import client, post

ACTIONS = {  # data-action on the page → the form's fields
    "category": {"category": "求助"},
    "assign": {"department": "", "reason": "属本部门职责"},  # department: the letter's own (filled in below)
    "transfer": {"to": "市信访局", "reason": "属信访事项"},
    "sign": {},
    "reply": {"words": "经查，该路段积水已处理。"},
    "done": {"words": "已答复来信人"},
}
ADMIN = ("guanli", "管理员的密码-2026")
# role → the actions the role may take on a letter it sees (the rest: "forbidden" whatever the letter's state)
ROLE_MAY = {"wenmi": set(ACTIONS), "chengban": {"sign", "reply", "done"}, "lingdao": set(), "jiyao": set()}
# state → role → the actions offered (and taken); None: the letter is not found at all
OFFERED = {
    "routed": {  # 交办'd by the batch, not yet 签收
        "wenmi": {"category", "assign", "transfer", "sign"},
        "chengban": {"sign"},
        "biede": None,
        "lingdao": set(),
        "jiyao": set(),
        "guanli": None,
    },
    "signed": {  # 签收 by its department, not yet 答复
        "wenmi": {"category", "assign", "transfer", "reply"},
        "chengban": {"reply"},
        "biede": None,
        "lingdao": set(),
        "jiyao": set(),
        "guanli": None,
    },
    "answered": {  # 答复 written: 办结 may follow (never before)
        "wenmi": {"category", "done"},
        "chengban": {"done"},
        "biede": None,
        "lingdao": set(),
        "jiyao": set(),
        "guanli": None,
    },
}


pytestmark = pytest.mark.usefixtures("letters_configuration")  # tests/web/conftest.py


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    from pipelines.accounts import Accounts
    from pipelines.config import load
    from pipelines.office import Office

    root = tmp_path_factory.mktemp("letterroles") / "office"
    rows = wl.build(root)
    with Office.open(root, load(root, environ={}), create=False) as office:
        Accounts.open(office).add(ADMIN[0], "admin", ADMIN[1], None)
    return root, rows


def logged_in(app, username: str):
    password = ADMIN[1] if username == ADMIN[0] else wl.PASSWORDS[username]
    c = client(app)
    c.get("/login")
    r = c.post("/login", data={"csrftoken": c.cookies["csrftoken"], "username": username, "password": password,
                               "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return c


def _desk(made, tmp_path, state: str):
    """The app over a fresh copy of the office with the mail letter brought to `state` by its department."""
    from web.app import create_app

    app = create_app(wl.copy(made[0], tmp_path / "office"))
    letter = made[1][MAIL]
    if state != "routed":
        staff = logged_in(app, "chengban")
        assert post(staff, f"/letters/{letter['id']}/sign").status_code == 303
        if state == "answered":
            assert post(staff, f"/letters/{letter['id']}/reply", **ACTIONS["reply"]).status_code == 303
    return app, letter


def _fields(action: str, letter: dict) -> dict:
    fields = dict(ACTIONS[action])
    if action == "assign":
        fields["department"] = letter["department"]
    return fields


def _offered(page: str) -> set:
    return {a for a in ACTIONS if f'data-action="{a}"' in page}


def _as_it_was(office, letter: dict) -> tuple:
    """The letter's ledger version and its handling record's events (what any accepted action changes)."""
    row = office.ledger.get(letter["id"])
    events = office.ledger.store.query("SELECT e.seq FROM handling_events e JOIN handling h ON h.id = e.handling_id "
                                       "WHERE h.document_id = ?", (letter["id"],))
    letter_row = office.ledger.store.one("SELECT category, answer, transferred_to FROM letters WHERE document_id = ?",
                                         (letter["id"],))
    return row["version"], row["status"], len(events), tuple(letter_row.values())


CASES = [(state, role) for state, roles in OFFERED.items() for role in roles]


@pytest.mark.parametrize("state,role", CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_the_page_offers_what_the_desk_takes_and_the_desk_refuses_the_rest(made, tmp_path, state, role):
    app, letter = _desk(made, tmp_path, state)
    try:
        office = app.app.state.office
        c = logged_in(app, role)
        page = c.get(f"/letters/{letter['id']}")
        expected = OFFERED[state][role]
        if expected is None:
            assert page.status_code in (403, 404) and "王先生" not in page.text, page.status_code
            refusals = (403, 404) if role == ADMIN[0] else (404,)  # another department: not found, never forbidden
        else:
            assert page.status_code == 200
            assert _offered(page.text) == expected, (state, role)
        before = _as_it_was(office, letter)
        for action in sorted(set(ACTIONS) - (expected or set())):
            if expected is not None:  # the role may not (403), or the letter's state does not allow it yet (400)
                refusals = (400,) if action in ROLE_MAY[role] else (403,)
            r = post(c, f"/letters/{letter['id']}/{action}", **_fields(action, letter))
            assert r.status_code in refusals, (action, r.status_code, r.text[:300])
            assert _as_it_was(office, letter) == before, action
    finally:
        app.app.state.office.close()


TAKEN = [(state, role, action) for state, roles in OFFERED.items() for role, offered in roles.items()
         for action in sorted(offered or ())]


@pytest.mark.parametrize("state,role,action", TAKEN, ids=[f"{s}-{r}-{a}" for s, r, a in TAKEN])
def test_each_offered_action_is_taken_by_the_desk(made, tmp_path, state, role, action):
    app, letter = _desk(made, tmp_path, state)
    try:
        office = app.app.state.office
        before = _as_it_was(office, letter)
        r = post(logged_in(app, role), f"/letters/{letter['id']}/{action}", **_fields(action, letter))
        assert r.status_code == 303 and r.headers["location"].startswith(f"/letters/{letter['id']}?done="), r.text[:300]
        assert _as_it_was(office, letter) != before
    finally:
        app.app.state.office.close()


def test_the_confidential_officer_takes_department_steps_on_the_confidential_office_s_documents_only():
    from pipelines import access
    from pipelines.actors import Actor
    from pipelines.refusals import DeskRefusal

    jiyao = Actor("jiyao", "confidential")
    letter = {"number": "收〔2026〕1号", "status": "indexed", "department": "城市管理局", "kind": "letter"}
    for step in access.DEPARTMENT_STEPS:
        with pytest.raises(DeskRefusal) as refused:
            access.require_step(jiyao, step, letter, "城市管理局")
        assert refused.value.code == "forbidden", step
    # an open letter's 拟办, 批办, 传阅, 归档 are the 文秘's (access.CLASSIFIED_WORK: the 机要员's on classified ones only)
    assert access.handling_steps(jiyao, letter, "城市管理局") == ("read_mark",)
    own = {"number": "收〔2026〕2号", "status": "routed", "department": "机要室", "secrecy": "机密"}
    for step in access.DEPARTMENT_STEPS:
        access.require_step(jiyao, step, own, "机要室")  # passes


def test_an_answer_from_the_document_page_is_the_letter_s_answer(made, tmp_path):
    """The document page's 承办 panel offers 答复 on a letter too: it records the letter's answer and writes the
    reply to the writer, as the letter page's 答复 does (not only a line in the handling record)."""
    app, letter = _desk(made, tmp_path, "signed")
    try:
        office = app.app.state.office
        staff = logged_in(app, "chengban")
        assert 'action="/documents/%d/handling/answer"' % letter["id"] in staff.get(f"/documents/{letter['id']}").text
        r = post(staff, f"/documents/{letter['id']}/handling/answer", words=ACTIONS["reply"]["words"])
        assert r.status_code == 303, r.text[:300]
        found = office.ledger.store.one("SELECT answer, reply_path FROM letters WHERE document_id = ?", (letter["id"],))
        assert found["answer"] == ACTIONS["reply"]["words"] and found["reply_path"] == "outbox/letters/信〔2026〕1号-答复.eml"
        assert (office.root / found["reply_path"]).is_file()
        assert "已答复" in staff.get(f"/letters/{letter['id']}").text
    finally:
        app.app.state.office.close()
