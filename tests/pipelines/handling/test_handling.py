"""承办 (pipelines/handling/ops.py) on a real ledger built by hand (tests/handling_ledger.py): every step an event with
its actor, time and words; the state folded from them; deadlines by the office's rules on 2026's calendar; the
refusals a clerk or a department reads. Dates and expected deadlines are written by hand (see each test)."""
from __future__ import annotations

import pytest

from pipelines.handling import ops
from pipelines.handling.queries import due
from pipelines.handling.refusals import HandlingRefusal

from ...handling_ledger import Clock, make_office, route

CLERK, STAFF = "cli:wang", "li.caizheng"


@pytest.fixture
def clock():
    return Clock("2026-02-13")


@pytest.fixture
def office(tmp_path, monkeypatch, clock):
    with make_office(tmp_path / "office", monkeypatch, clock, '[handling]\nleaders = ["张伟 市长", "王敏 副省长"]\n') as made:
        yield made


def kinds(rec) -> list[str]:
    return [e.kind for e in rec.events]


def test_a_document_goes_from_routed_to_archived_each_step_with_its_actor(office, clock, tmp_path):
    row = route(office, clock, "关于校舍维修资金的请示", "财政局")
    rec = ops.record(office, row["number"], actor=CLERK)
    assert (rec.state, rec.department, rec.kind, rec.events[0].actor) == ("pending", "财政局", "办件", "batch")
    ops.propose(office, row["number"], "拟请张市长阅示", actor=CLERK)
    step = ops.instruct(office, row["number"], "请财政局阅处，抓紧落实", actor=CLERK, by="张伟")
    # typed by the clerk for the mayor: both kept; 市长批示件: 10 working days from Fri 2/13 → Thu 3/5 (see calendar)
    assert (step.event.actor, step.event.on_behalf_of, step.event.data["title"]) == (CLERK, "张伟", "市长")
    assert (step.record.kind, step.record.due, step.record.leader) == ("办件", "2026-03-05", "张伟")
    clock.at("2026-02-24")
    assert ops.sign(office, row["number"], actor=STAFF).record.state == "in_progress"
    attachment = tmp_path / "拨付单.pdf"
    attachment.write_bytes(b"%PDF-1.4 payment order")
    step = ops.progress(office, row["number"], "已拨付首批资金", actor=STAFF, files=[attachment])
    stored = step.event.data["files"][0]
    kept = office.root / stored["path"]
    assert kept.read_bytes() == attachment.read_bytes() and stored["name"] == "拨付单.pdf"
    assert kept.name.startswith(stored["sha256"]) and not kept.stat().st_mode & 0o222  # content-addressed, read-only
    clock.at("2026-03-04")
    step = ops.extend(office, row["number"], "2026-03-13", actor=STAFF, approved_by="张伟", reason="需省厅批复")
    assert (step.record.due, step.event.data["was"], step.event.data["approved_by"]) == ("2026-03-13", "2026-03-05", "张伟")
    clock.at("2026-03-12")
    step = ops.done(office, row["number"], actor=STAFF, result="资金已全部拨付到校")
    assert (step.record.state, step.record.result, step.record.on_time) == ("done", "资金已全部拨付到校", True)
    clock.at("2026-03-13")
    rec = ops.archive(office, row["number"], actor=CLERK).record
    assert kinds(rec) == ["opened", "proposed", "instructed", "signed", "progress", "extended", "done", "archived"]
    assert [e.actor for e in rec.events] == ["batch", CLERK, CLERK, STAFF, STAFF, STAFF, STAFF, CLERK]
    assert [e.at[:10] for e in rec.events][-3:] == ["2026-03-04", "2026-03-12", "2026-03-13"]
    assert rec.state == "archived" and rec.state_zh == "已归档"


def test_steps_out_of_order_are_refused_with_what_to_do(office, clock):
    row = route(office, clock, "关于防汛物资储备的报告", "水务局")
    number = row["number"]
    with pytest.raises(HandlingRefusal) as refused:
        ops.done(office, number, actor=STAFF, result="已办")
    assert refused.value.code == "not_signed" and refused.value.action.name == "sign"
    ops.sign(office, number, actor=STAFF)
    with pytest.raises(HandlingRefusal) as refused:
        ops.sign(office, number, actor=STAFF)
    assert refused.value.code == "already_signed"
    with pytest.raises(HandlingRefusal) as refused:
        ops.done(office, number, actor=STAFF)  # a 办件 without a result
    assert refused.value.code == "needs_result" and refused.value.action.args == {"key": number, "kind": "阅件"}
    with pytest.raises(HandlingRefusal) as refused:
        ops.archive(office, number, actor=CLERK)
    assert refused.value.code == "not_finished" and "尚未办结" in str(refused.value)
    with pytest.raises(HandlingRefusal) as refused:
        ops.extend(office, number, "2026-02-20", actor=STAFF, approved_by="张伟")  # before the current deadline
    assert refused.value.code == "not_later"
    with pytest.raises(HandlingRefusal) as refused:
        ops.propose(office, number, "  ", actor=CLERK)
    assert refused.value.code == "needs_words"
    with pytest.raises(HandlingRefusal) as refused:
        ops.record(office, "收〔2026〕99号", actor=CLERK)
    assert refused.value.code == "not_found"
    assert kinds(ops.record(office, number, actor=CLERK)) == ["opened", "signed"]  # nothing written by a refusal


def test_a_read_only_document_is_circulated_in_order_and_closed_without_a_result(office, clock):
    row = route(office, clock, "关于印发学习材料的函", "办公室")
    number = row["number"]
    step = ops.instruct(office, number, "阅知", actor="zhang.wei")  # typed by the leader: no on_behalf_of
    assert (step.record.kind, step.record.due, step.event.on_behalf_of, step.record.leader) == ("阅件", None, None, "zhang.wei")
    ops.circulate(office, number, ["王秘书长", "李副秘书长", "赵主任"], actor=CLERK)
    with pytest.raises(HandlingRefusal) as refused:
        ops.read(office, number, actor=CLERK, reader="李副秘书长")
    assert refused.value.code == "not_your_turn" and "王秘书长" in str(refused.value)
    clock.at("2026-02-24")
    ops.read(office, number, actor=CLERK, reader="王秘书长")
    ops.read(office, number, actor=CLERK, reader="李副秘书长")
    rec = ops.record(office, number, actor=CLERK)
    assert rec.state == "circulating" and list(rec.read_by) == ["王秘书长", "李副秘书长"]
    clock.at("2026-02-25")
    rec = ops.read(office, number, actor=CLERK, reader="赵主任").record
    assert (rec.state, rec.result, rec.closed_at[:10]) == ("done", None, "2026-02-25")
    assert ops.archive(office, number, actor=CLERK).record.state == "archived"


def test_a_handling_document_cannot_be_circulated_and_the_clerk_can_overrule_the_reading(office, clock):
    row = route(office, clock, "关于公交线路调整的请示", "交通局")
    ops.instruct(office, row["number"], "请交通局研处", actor=CLERK, by="张伟")
    with pytest.raises(HandlingRefusal) as refused:
        ops.circulate(office, row["number"], ["甲"], actor=CLERK)
    assert refused.value.code == "not_read_only"
    rec = ops.classify(office, row["number"], "阅件", actor=CLERK, reason="领导口头交代仅需阅知").record
    assert (rec.kind, rec.due) == ("阅件", None) and "改定" in rec.kind_reason
    rec = ops.instruct(office, row["number"], "请抓紧办理", actor=CLERK, by="张伟").record
    assert rec.kind == "阅件"  # the clerk's overruling stands over later words
    rec = ops.done(office, row["number"], actor=STAFF).record  # a 阅件 closes without a result
    assert rec.state == "done" and rec.result is None


def test_a_mis_routed_document_goes_back_and_the_record_follows_the_reroute(office, clock):
    row = route(office, clock, "关于城市供水管网改造的请示", "财政局")
    number = row["number"]
    ops.sign(office, number, actor=STAFF)
    rec = ops.give_back(office, number, "供水管网属水务局职责", actor=STAFF).record
    assert (rec.state, rec.department) == ("returned", "财政局")
    with pytest.raises(HandlingRefusal) as refused:
        ops.progress(office, number, "已办", actor=STAFF)
    assert refused.value.code == "returned" and refused.value.action.name == "route"
    # the clerk's 改办 through the desk (the ledger's department changes); the record moves with it
    office.ledger.set_status(row["id"], "indexed", "改办", department="水务局", route_source="clerk",
                             route_reason="文秘人员改办：由财政局改送水务局")
    synced = ops.sync(office, CLERK)
    assert synced.moved == [number] and synced.opened == []
    rec = ops.record(office, number, actor=CLERK)
    assert (rec.state, rec.department, kinds(rec)[-1]) == ("pending", "水务局", "rerouted")
    assert rec.events[-1].data["from"] == "财政局"
    assert ops.sign(office, number, actor="zhao.shuiwu").record.department == "水务局"
    assert ops.sync(office, CLERK).moved == []  # idempotent
    # returned again, and the clerk finds it is theirs after all: sent back to the same department (seam S4 REROUTED)
    ops.give_back(office, number, "应由财政局牵头", actor="zhao.shuiwu")
    assert ops.moved(office, row, "水务局", CLERK, reason="经核实仍由水务局办理").state == "pending"
    assert ops.moved(office, row, "水务局", CLERK) is None  # already there


@pytest.mark.parametrize("case, expected", [
    # 省部级以上领导批示件: received Thu 2/5, +15 days = Fri 2/20 (春节) → the next workday Tue 2/24
    ({"received": "2026-02-05", "instruct": ("王敏", None, "请阅研", None)}, ("2026-02-24", "省部级")),
    # category given with the 拟办: the same rule without a provincial leader's title
    ({"received": "2026-02-05", "propose_category": "省部级批示件"}, ("2026-02-24", "省部级")),
    # 特急, routed Thu 4/30: 5/1–5/5 off, 5/6 1, 5/7 2
    ({"day": "2026-04-30", "urgency": "特急"}, ("2026-05-07", "特急")),
    # 议题, routed Wed 5/6: 5/7 1, 5/8 2, 5/9 (Sat, 上班) 3, 5/11 4, 5/12 5
    ({"day": "2026-05-06", "propose_category": "议题"}, ("2026-05-12", "议题")),
    # a general 办件 routed Mon 9/28: 15 working days across 国庆 → 10/23 (see the calendar test)
    ({"day": "2026-09-28"}, ("2026-10-23", "一般办件")),
    # 加急 routed 9/28 (5 wd: 9/29, 9/30, 10/8, 10/9, 10/10) is earlier than the mayor's 10 wd from the same day
    ({"day": "2026-09-28", "urgency": "加急", "instruct": ("张伟", None, "请抓紧", None)}, ("2026-10-10", "加急")),
    # a deadline written in the 批示 replaces the rules
    ({"day": "2026-09-28", "instruct": ("张伟", None, "请于10月9日前报我", "2026-10-09")}, ("2026-10-09", "写明")),
])
def test_deadlines_by_kind_and_urgency(office, clock, case, expected):
    clock.at(case.get("day", "2026-02-13"))
    row = route(office, clock, f"期限 {case}", "财政局", received=case.get("received"), urgency=case.get("urgency"))
    if case.get("propose_category"):
        ops.propose(office, row["number"], "拟请市领导阅示", actor=CLERK, category=case["propose_category"])
    if case.get("instruct"):
        by, title, words, due_on = case["instruct"]
        ops.instruct(office, row["number"], words, actor=CLERK, by=by, title=title, due=due_on)
    rec = ops.record(office, row["number"], actor=CLERK)
    assert rec.due == expected[0] and expected[1] in rec.due_rule


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_said_and_found_once_the_office_fills_it_in(office, clock):
    clock.at("2026-12-21")
    row = route(office, clock, "关于做好元旦春节期间安全生产工作的通知", "应急局")
    rec = ops.record(office, row["number"], actor=CLERK)
    assert rec.due is None and "2027年" in rec.due_unknown and "holidays.toml" in rec.due_unknown
    listed = due(office, actor=CLERK)
    assert [r.number for r in listed.unknown] == [row["number"]] and listed.overdue == listed.due_soon == []
    (office.root / "holidays.toml").write_text('known_years = [2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    ops.forget(office)  # the office reads its file again (a new process would)
    # 12/22–12/31: 8 · 1/1 off · 1/4–1/8: 9–13 · 1/11 14, 1/12 15
    assert ops.record(office, row["number"], actor=CLERK).due == "2027-01-12"
    cached = lambda: office.ledger.store.one("SELECT due_on FROM handling WHERE number = ?", (row["number"],))["due_on"]  # noqa: E731
    assert cached() is None  # the column is a cache: stale until recomputed
    assert ops.recompute(office) == 1 and cached() == "2027-01-12" and ops.recompute(office) == 0


def test_overdue_and_due_soon_per_department_and_leader(office, clock):
    clock.at("2026-03-02")
    late = route(office, clock, "关于校舍安全排查的通知", "教育局", urgency="特急")  # 3/3 1, 3/4 2 → due 3/4
    ops.instruct(office, late["number"], "请教育局抓紧落实", actor=CLERK, by="张伟")
    soon = route(office, clock, "关于春季植树的函", "林业局")  # 15 wd from 3/2 → 3/23
    clock.at("2026-03-18")  # 3/19 1, 3/20 2, 3/23 3: due within 3 working days
    found = due(office, actor=CLERK, days=3)
    assert [r.number for r in found.overdue] == [late["number"]] and [r.number for r in found.due_soon] == [soon["number"]]
    # 3/4 → 3/18: 3/5 3/6 (2), 3/9–13 (7), 3/16 3/17 3/18 (10)
    assert found.overdue[0].days_left == -10 and found.overdue[0].due_state == "overdue"
    assert found.by_department == {"教育局": {"overdue": 1, "due_soon": 0}, "林业局": {"overdue": 0, "due_soon": 1}}
    assert found.by_leader == {"张伟": {"overdue": 1, "due_soon": 0}}
    assert due(office, actor=CLERK, days=2).due_soon == []
    assert [r.number for r in due(office, actor=CLERK, department="林业局").overdue] == []
    assert [r.number for r in due(office, actor=CLERK, leader="张伟").overdue] == [late["number"]]


def test_a_classified_document_is_not_found_without_the_confidential_view(office, clock):
    row = route(office, clock, "关于某项涉密工作的通知", "机要室", classified=True)
    with pytest.raises(HandlingRefusal) as refused:
        ops.record(office, row["number"], actor=CLERK)
    assert refused.value.code == "not_found"
    assert due(office, actor=CLERK, days=30).due_soon == []
    rec = ops.record(office, row["number"], actor="jiyao", include_confidential=True)
    assert rec.department == "机要室" and rec.confidential
    assert [r.number for r in due(office, actor="jiyao", days=30, include_confidential=True).due_soon] == [row["number"]]


def test_a_document_routed_before_handling_existed_gets_its_record(office, clock):
    row = route(office, clock, "关于老旧小区改造的请示", "住建局", open_record=False)
    synced = ops.sync(office, "batch")
    assert synced.opened == [row["number"]]
    rec = ops.record(office, row["number"], actor=CLERK)
    assert rec.events[0].data["source"] == "backfill" and rec.department == "住建局"
    assert ops.sync(office, "batch").opened == []


def test_a_letter_is_answered_before_it_is_closed(office, clock):
    row = route(office, clock, "反映小区门口道路积水问题", "住建局", kind="letter")
    number = row["number"]
    assert ops.record(office, number, actor=CLERK).subject == "letter"
    ops.sign(office, number, actor=STAFF)
    with pytest.raises(HandlingRefusal) as refused:
        ops.done(office, number, actor=STAFF, result="已处理")
    assert refused.value.code == "needs_answer" and refused.value.action.name == "answer"
    ops.answer(office, number, "王先生您好：积水点已于3月1日疏通。", actor=STAFF)
    assert ops.done(office, number, actor=STAFF, result="已答复来信人").record.state == "done"
    other = route(office, clock, "关于道路养护的报告", "交通局")
    with pytest.raises(HandlingRefusal) as refused:
        ops.answer(office, other["number"], "答复", actor=STAFF)
    assert refused.value.code == "not_letter"


def test_the_same_steps_on_postgresql(tmp_path, monkeypatch, postgres_url):
    clock = Clock("2026-02-13")
    with make_office(tmp_path / "pg", monkeypatch, clock, '[handling]\nleaders = ["张伟 市长"]\n', postgres_url) as office:
        row = route(office, clock, "关于校舍维修资金的请示", "财政局")
        assert ops.instruct(office, row["number"], "请财政局阅处", actor=CLERK, by="张伟").record.due == "2026-03-05"
        ops.sign(office, row["number"], actor=STAFF)
        with pytest.raises(HandlingRefusal):
            ops.sign(office, row["number"], actor=STAFF)
        clock.at("2026-03-06")
        rec = ops.done(office, row["number"], actor=STAFF, result="已拨付").record
        assert (rec.state, rec.on_time) == ("done", False)
        assert kinds(ops.record(office, row["number"], actor=CLERK)) == ["opened", "instructed", "signed", "done"]


def _sign_at_once(office, clock) -> list[str]:
    import threading

    row = route(office, clock, "关于同时签收的通知", "财政局")
    outcomes, start = [], threading.Barrier(2)

    def sign_as(name: str) -> None:
        start.wait()
        try:
            ops.sign(office, row["number"], actor=name)  # each thread: its own ledger connection
            outcomes.append("signed")
        except ops.HandlingRefusal as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=sign_as, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert kinds(ops.record(office, row["number"], actor=CLERK)) == ["opened", "signed"]
    return sorted(outcomes)


def test_two_people_signing_at_once_one_wins_the_other_is_told(office, clock):
    assert _sign_at_once(office, clock) in (["already_signed", "signed"], ["conflict", "signed"])


def test_two_people_signing_at_once_on_postgresql(tmp_path, monkeypatch, postgres_url):
    clock = Clock("2026-02-13")
    with make_office(tmp_path / "pg", monkeypatch, clock, "", postgres_url) as office:
        assert _sign_at_once(office, clock) in (["already_signed", "signed"], ["conflict", "signed"])
