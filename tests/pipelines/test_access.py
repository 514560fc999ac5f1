"""Who sees what (pipelines/access.py), decided in one place from the asker's role, and the desk asking it.

The roles' rights are written here by hand from the office's rules (shared/DESIGN.md, issue 17 item 2): the 文秘
sees every open document and no classified or held one at all (not even by its 收文编号); the 机要员 sees everything; 承办人员 see their own
department's documents and never a classified one; the 领导 reads every open document; the 管理员 sees none.
A row an actor may not see is "not found", never "forbidden". The desk is exercised on a real data root made by a
real batch (two sample e-documents and one marked 机密★1年)."""
from __future__ import annotations

import shutil

import pytest

from pipelines import access, desk
from pipelines.actors import BATCH, Actor, cli_actor
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office

from .. import builder
from ..pipelines.test_batch import SAMPLES

REQUEST = "筑教呈2026-5号-校舍维修资金请示.pdf"  # a 请示: the rules send it to 文秘科
LETTER = "筑交函2026-21号-农村公路养护资金.ofd"  # no rule: the 办公室
SECRET = "机密-蛟龙项目选址.docx"

OPEN_ROW = {"id": 1, "number": "收〔2026〕1号", "status": "indexed", "department": "综合科", "route_source": "rule",
            "secrecy": None, "title": "关于校舍维修的请示"}
CLASSIFIED_ROW = {"id": 2, "number": "收〔2026〕2号", "status": "routed", "department": "机要室",
                  "route_source": "classified", "secrecy": "机密★1年", "title": "蛟龙项目选址"}
HELD_ROW = {"id": 3, "number": "收〔2026〕3号", "status": "held", "department": None, "route_source": None,
            "secrecy": "密级：▇▇", "title": "鸬鹚保护"}
ROWS = (OPEN_ROW, CLASSIFIED_ROW, HELD_ROW)

CLERK = Actor("wang", "clerk")
CONFIDENTIAL = Actor("li", "confidential")
STAFF = Actor("zhao", "staff", department="综合科")
OTHER_STAFF = Actor("qian", "staff", department="文秘科")
LEADER = Actor("sun", "leader")
ADMIN = Actor("root", "admin")


@pytest.mark.parametrize("actor, sees, titles", [
    (CLERK, (True, False, False), (True, False, False)),  # the shared 登记簿: classified ones not at all
    (CONFIDENTIAL, (True, True, True), (True, True, True)),
    (STAFF, (True, False, False), (True, False, False)),
    (OTHER_STAFF, (False, False, False), (False, False, False)),  # another department's document does not exist
    (LEADER, (True, False, False), (True, False, False)),
    (ADMIN, (False, False, False), (False, False, False)),
    (BATCH, (True, True, True), (True, True, True)),
])
def test_who_sees_which_row_and_its_title(actor, sees, titles):
    assert tuple(access.can_see(actor, row) for row in ROWS) == sees
    assert tuple(access.shows_title(actor, row) for row in ROWS) == titles
    scope = access.ledger_scope(actor)  # what a paged ledger query adds agrees with the row check
    assert tuple(scope.admits(row) for row in ROWS) == sees


def test_a_row_not_seen_is_not_found_and_an_action_not_allowed_is_forbidden():
    with pytest.raises(desk.DeskRefusal) as unseen:
        access.require(OTHER_STAFF, "read", OPEN_ROW, key="2026-1")
    assert unseen.value.code == "not_found" and str(unseen.value) == "登记簿中没有“2026-1”"
    with pytest.raises(desk.DeskRefusal) as refused:
        access.require(CLERK, "release")
    assert refused.value.code == "forbidden" and "文秘" in str(refused.value)
    with pytest.raises(desk.DeskRefusal) as unseen_held:  # a held row does not exist for the clerk
        access.require(CLERK, "release", HELD_ROW)
    assert unseen_held.value.code == "not_found"
    access.require(CONFIDENTIAL, "release", HELD_ROW)  # the 机要员's own act
    with pytest.raises(desk.DeskRefusal) as sent:  # 转机要室 is the 机要员's decision (issue 17 item 3)
        access.require(CLERK, "to_confidential")
    assert sent.value.code == "forbidden"
    access.require(CONFIDENTIAL, "to_confidential", HELD_ROW)


def test_only_the_clerk_reviews_a_held_document_and_assigns_transfers_or_recategorises_a_letter():
    """待复核 (issue 24 §1) and a 来信's 交办 / 转出 / 改类别 (issue 22) are the 文秘's; the department answers its
    own letter (答复), the leader and the 机要员 neither."""
    letter = {**OPEN_ROW, "kind": "letter"}
    for action in ("review", "letter_assign", "transfer", "letter_category"):
        assert access.may(CLERK, action, letter), action
        for other in (CONFIDENTIAL, STAFF, LEADER, ADMIN):
            assert not access.may(other, action, letter), (action, other.role)
    assert access.may(STAFF, "reply", letter) and not access.may(LEADER, "reply", letter)
    assert not access.may(CONFIDENTIAL, "reply", letter)
    with pytest.raises(desk.DeskRefusal) as unseen:  # another department's letter does not exist for its staff
        access.require(OTHER_STAFF, "reply", letter)
    assert unseen.value.code == "not_found"
    assert access.shows_personal(STAFF, letter) and access.shows_personal(CLERK, letter)
    assert not any(access.shows_personal(a, letter) for a in (LEADER, CONFIDENTIAL, OTHER_STAFF, ADMIN))


def test_an_actor_has_a_known_role_and_staff_a_department():
    with pytest.raises(ValueError):
        Actor("x", "superuser")
    with pytest.raises(ValueError):
        Actor("x", "staff")
    assert cli_actor().name.startswith("cli:") and cli_actor().role == "clerk"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("access") / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    for name in (REQUEST, LETTER):
        shutil.copy(SAMPLES / "edoc" / name, root / "inbox" / "edoc" / name)
    builder.write_docx(builder.conformant_notice(secrecy="机密★1年", title="关于蛟龙项目选址的通知"),
                       root / "inbox" / "edoc" / SECRET)
    run_batch(root, config=load(root, environ={}))
    return root


@pytest.fixture
def office(made, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")
    root = tmp_path / "office"
    shutil.copytree(made, root, ignore=shutil.ignore_patterns(".batch.lock"))
    with Office.open(root, load(root, environ={}), create=False) as opened:
        yield opened


def _rows(office) -> dict:
    return {row["file"]: row for row in office.ledger.rows()}


def test_the_ledger_a_desk_gives_depends_on_who_asks(office):
    rows = _rows(office)
    assert rows[SECRET]["department"] == "机要室"
    shared = {e.row["file"]: e for e in desk.ledger_entries(office, actor=CLERK)}
    assert set(shared) == {REQUEST, LETTER}  # the classified one is not there, not even by its number
    secret = {e.row["file"]: e for e in desk.ledger_entries(office, actor=CONFIDENTIAL)}[SECRET]
    assert secret.title == "关于蛟龙项目选址的通知"
    staff = Actor("zhou", "staff", department="文秘科")
    assert [e.row["file"] for e in desk.ledger_entries(office, actor=staff)] == [REQUEST]
    with pytest.raises(desk.DeskRefusal) as refused:
        desk.ledger_entries(office, actor=ADMIN)
    assert refused.value.code == "forbidden"


def test_staff_cannot_reach_another_departments_document_by_its_number(office):
    letter = _rows(office)[LETTER]  # with the 办公室
    staff = Actor("zhou", "staff", department="文秘科")
    with pytest.raises(desk.DeskRefusal) as refused:
        desk.find(office, letter["number"], actor=staff)
    assert refused.value.code == "not_found" and refused.value.message == f"登记簿中没有“{letter['number']}”"
    assert desk.find(office, _rows(office)[REQUEST]["number"], actor=staff)["file"] == REQUEST
    assert [h.number for h in desk.search(office, "维修", actor=staff).hits] == [_rows(office)[REQUEST]["number"]]
    assert desk.search(office, "公路", actor=staff).hits == []  # the 办公室's letter is not found by a word either
    with pytest.raises(desk.DeskRefusal, match="只能检索本部门"):
        desk.search(office, "公路", department="办公室", actor=staff)


def test_only_the_confidential_clerk_releases_and_a_clerk_may_not(office):
    secret = _rows(office)[SECRET]
    with pytest.raises(desk.DeskRefusal) as refused:
        desk.release(office, secret["number"], actor=CLERK)
    assert refused.value.code == "not_found"  # a classified document does not exist for the clerk
    with pytest.raises(desk.DeskRefusal) as marked:  # the 机要员 may ask, but a readable 机密 stays with the 机要室
        desk.release(office, secret["number"], actor=CONFIDENTIAL)
    assert marked.value.code == "marked"


def test_the_history_names_who_acted(office):
    """Each state change records its actor (seam S1's history column): the batch's steps 'batch', a clerk's 改办
    the clerk's name."""
    letter = _rows(office)[LETTER]
    assert {h["actor"] for h in office.ledger.history(letter["id"])} == {"batch"}
    desk.route(office, letter["number"], "综合科", actor=CLERK)
    last = office.ledger.history(letter["id"])[-1]
    assert (last["actor"], last["status"]) == ("wang", "indexed") and "综合科" in last["note"]


def test_the_confidential_clerk_does_the_clerks_handling_work_on_classified_and_held_documents_only():
    """The design card's 机要员: classified and held documents, release or keep. The 文秘 never sees those, so the
    机要员 does the 文秘's handling work on them (拟办, 批办 for a leader, 改定, 传阅, 归档: CLASSIFIED_WORK) — and
    on no open document, which is the 文秘's; the 文秘's 复核, 窗口收文, 重发 and 撤回 are never the 机要员's."""
    for action in ("propose", "instruct", "classify", "circulate", "archive"):
        assert access.may(CONFIDENTIAL, action, CLASSIFIED_ROW) and access.may(CONFIDENTIAL, action, HELD_ROW), action
        assert access.may(CLERK, action, OPEN_ROW), action
        with pytest.raises(desk.DeskRefusal) as refused:
            access.require(CONFIDENTIAL, action, OPEN_ROW)
        assert refused.value.code == "forbidden" and "请文秘办理" in refused.value.message, action
    assert not access.may(CONFIDENTIAL, "route", OPEN_ROW) and access.may(CLERK, "route", OPEN_ROW)
    assert access.may(CONFIDENTIAL, "to_confidential", OPEN_ROW)  # 转机要室: the 机要员's own decision
    for action in ("review", "register", "resend", "withdraw"):
        assert not access.may(CONFIDENTIAL, action, CLASSIFIED_ROW) and not access.may(CONFIDENTIAL, action, OPEN_ROW)
    assert access.handling_steps(CONFIDENTIAL, OPEN_ROW, "综合科") == ("read_mark",)


MANUAL_WORDS = {"待复核": "review", "窗口收文": "register", "重发": "resend", "撤回": "withdraw", "拟办": "propose",
                "批办": "instruct", "传阅": "circulate", "归档": "archive", "核定": "release", "隔离区": "quarantine",
                "改办": "route"}


def test_the_manuals_role_table_says_what_access_allows_the_confidential_clerk():
    """docs/manual/index.md's role table said the 机要员 does "以及文秘的各项工作" while 复核, 窗口收文, 重发 and 撤回
    are the 文秘's alone: the manual and access.py must agree. What the 机要员's cell names before "。" the 机要员
    may do (on a classified document); what it names after (the 文秘's), the 机要员 may not do on an open one."""
    from pathlib import Path

    manual = (Path(__file__).resolve().parents[2] / "docs" / "manual" / "index.md").read_text(encoding="utf-8")
    cells = {line.split("|")[1].strip(): line.split("|")[3].strip() for line in manual.splitlines()
             if line.startswith("| ") and line.count("|") == 4}
    said = cells["机要员"]
    clerk_only = [a for a, roles in access.MAY.items() if "clerk" in roles and "confidential" not in roles]
    assert ("文秘的各项工作" in said) == (clerk_only == []), said
    does, _, not_theirs = said.partition("。")
    assert not_theirs, "the cell says what is the 文秘's, not the 机要员's"
    for word, action in MANUAL_WORDS.items():
        if word in does:
            assert access.may(CONFIDENTIAL, action, HELD_ROW if action == "release" else CLASSIFIED_ROW), word
        if word in not_theirs:
            assert not access.may(CONFIDENTIAL, action, OPEN_ROW), word
    assert all(word in not_theirs for word in ("待复核", "窗口收文", "重发", "撤回"))
