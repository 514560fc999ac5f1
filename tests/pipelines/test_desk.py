"""The clerk's desk (pipelines/desk.py) called directly, on a real data root made by a real batch (run_batch: the
same sequence as the flow), and the office's configuration the batch now obeys: [office] departments (分办 only to
configured departments), profile (the batch's 初审) and timezone (the 收文 time). Expected values come from the
inputs: the sample 请示 is a 请示 (rule: 文秘科), the sample 函 matches no rule (办公室), the 上半年工作汇报 breaks
GB/T 9704 (退文), the PDF cut off in transfer is quarantined."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from pipelines import desk, router_model
from pipelines.actors import Actor
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.ledger import LedgerConflict
from pipelines.office import NoLedger, Office
from pipelines.routing import RulesError, load_rules, route

from .. import builder
from ..environment import office_only
from ..pipelines.test_batch import SAMPLES

REQUEST = "筑教呈2026-5号-校舍维修资金请示.pdf"
LETTER = "筑交函2026-21号-农村公路养护资金.ofd"
REPORT = "筑教呈2026-7号-上半年工作汇报.docx"
CUT = "传输中断-半截文件.pdf"


@pytest.fixture(autouse=True)
def own_configuration(monkeypatch):
    office_only(monkeypatch)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A data root after one real batch over four sample e-documents (copied for each test that changes it)."""
    root = tmp_path_factory.mktemp("desk") / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    for name in (REQUEST, LETTER, REPORT, CUT):
        shutil.copy(SAMPLES / "edoc" / name, root / "inbox" / "edoc" / name)
    yesterday = time.time() - 86400  # the cut PDF is a transfer that broke off long ago: quarantined, not awaited
    os.utime(root / "inbox" / "edoc" / CUT, (yesterday, yesterday))
    summary = run_batch(root, config=load(root, environ={}))
    assert summary.received == 4
    return root


@pytest.fixture
def office(made, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(made, root, ignore=shutil.ignore_patterns(".batch.lock"))
    with Office.open(root, load(root, environ={}), create=False) as opened:
        yield opened


def _by_file(office) -> dict:
    return {entry.row["file"]: entry for entry in desk.ledger_entries(office)}


def test_the_ledger_lists_every_registration_with_its_state_in_chinese(office):
    entries = desk.ledger_entries(office)
    assert [e.row["seq"] for e in entries] == [1, 2, 3, 4]
    by_file = _by_file(office)
    assert set(by_file) == {REQUEST, LETTER, REPORT, CUT}
    assert (by_file[REQUEST].status, by_file[REQUEST].row["department"]) == ("已入检索", "文秘科")
    assert (by_file[LETTER].status, by_file[LETTER].row["department"]) == ("已入检索", "办公室")
    assert (by_file[REPORT].status, by_file[REPORT].return_state) == ("已退文", "")
    assert by_file[CUT].status == "已隔离" and "截断" in by_file[CUT].row["reason"]
    record = by_file[REQUEST].record()
    assert record["doc_type"] == "请示" and record["doc_number"] == "筑教呈〔2026〕5号" and record["linked_to"] is None
    assert by_file[REQUEST].marks == ""  # a plain document: no mail, no copies, no seals


def test_search_gives_hits_with_their_ledger_rows_and_filters(office):
    found = desk.search(office, "校舍 维修")
    # the 请示 (校舍维修 in its title) first; the 汇报 mentions it too: a 退文, found and marked so (issue 19.6)
    assert [found.rows[h.id]["file"] for h in found.hits] == [REQUEST, REPORT]
    assert [h.fields["status"] for h in found.hits] == ["indexed", "returned"]
    assert [h.id for h in desk.search(office, "校舍 维修", status="indexed").hits] == [found.hits[0].id]
    record = found.record(found.hits[0])
    assert record["doc_type"] == "请示" and record["department"] == "文秘科" and "【校舍】" in record["snippet"]
    assert desk.search(office, "校舍", doc_type="通知").hits == []
    assert [h.number for h in desk.search(office, "公路", department="办公室").hits] == [_by_file(office)[LETTER].row["number"]]


def test_search_takes_all_as_no_filter_and_says_an_unknown_status_or_channel(office):
    """`shouwen search … --status 全部` found nothing (the index has no status 全部): as on the desk's pages, 全部 is
    no filter, a status may be named in Chinese, and a value no document can have is said in Chinese."""
    every = [h.id for h in desk.search(office, "校舍 维修").hits]
    assert len(every) == 2
    assert [h.id for h in desk.search(office, "校舍 维修", status="全部", channel="全部", verdict="全部").hits] == every
    assert [h.id for h in desk.search(office, "校舍 维修", status="已退文").hits] == every[1:]
    assert [h.id for h in desk.search(office, "校舍 维修", channel="电子公文").hits] == every
    with pytest.raises(ValueError, match="没有这种状态：丢失"):
        desk.search(office, "校舍", status="丢失")
    with pytest.raises(desk.DeskRefusal, match="没有这种来文渠道：信鸽"):
        desk.search(office, "校舍", channel="信鸽")


def test_route_moves_a_document_and_search_follows(office):
    letter = _by_file(office)[LETTER].row
    routed = desk.route(office, letter["number"], "综合科")
    assert (routed.kind, routed.department, routed.warning) == ("moved", "综合科", None)
    after = office.ledger.get(letter["id"])
    assert (after["department"], after["route_source"]) == ("综合科", "clerk")
    assert after["route_reason"] == "文秘人员改办：由办公室改送综合科"
    assert [h.id for h in desk.search(office, "公路", department="综合科").hits] == [letter["id"]]
    with pytest.raises(LedgerConflict):  # the clerk's view (the row before the change) is stale now
        desk.to_confidential_office(office, letter, "再次改办")


def test_route_refusals_say_why(office):
    by_file = _by_file(office)
    with pytest.raises(desk.DeskRefusal, match="已退文，没有分办"):
        desk.route(office, by_file[REPORT].row["number"], "综合科")
    with pytest.raises(desk.DeskRefusal, match="已隔离，没有分办"):
        desk.route(office, by_file[CUT].row["number"], "综合科")
    with pytest.raises(desk.DeskRefusal, match="请写明改送的承办部门"):
        desk.route(office, by_file[LETTER].row["number"], "  ")
    with pytest.raises(desk.DeskRefusal, match="登记簿中没有“收〔1999〕9号”"):
        desk.route(office, "收〔1999〕9号", "综合科")


def test_route_to_the_confidential_office_takes_it_out_of_search(office):
    request = _by_file(office)[REQUEST].row
    with pytest.raises(desk.DeskRefusal) as refused:  # 转机要室 is the 机要员's decision (issue 17 item 3)
        desk.route(office, request["number"], "机要室")
    assert refused.value.code == "forbidden"
    routed = desk.route(office, request["number"], "机要室", actor=Actor("li", "confidential"))
    assert routed.kind == "confidential"
    after = office.ledger.get(request["id"])
    assert (after["status"], after["department"], after["route_source"]) == ("routed", "机要室", "classified")
    assert [h.id for h in desk.search(office, "校舍 维修").hits] == [_by_file(office)[REPORT].row["id"]]  # the 退文 only
    with pytest.raises(desk.DeskRefusal, match="是涉密公文，须由机要室办理"):
        desk.route(office, request["number"], "文秘科", actor=Actor("li", "confidential"))
    with pytest.raises(desk.DeskRefusal) as gone:  # and for the clerk it is no longer there at all
        desk.route(office, request["number"], "文秘科")
    assert gone.value.code == "not_found"


def test_resend_and_withdraw(office):
    report = _by_file(office)[REPORT].row
    resent = desk.resend(office, report["number"])
    assert resent.notice.name == f"{report['number']}-退文通知单（第1次重发）.docx" and resent.notice.is_file()
    done = desk.withdraw(office, report["number"], "复核后撤回")
    # 汇报 is not one of the 文种 (drafting.doc-type): no rule covers it, the 办公室 routes it by hand
    assert (done.outcome.status, done.outcome.department) == ("indexed", "办公室")
    n = report["number"]  # no mail server: 待送达 by hand, from the docx (a PDF only for what goes by mail)
    assert sorted(p.name for p in done.moved) == [f"{n}-审核意见.json", f"{n}-退文通知单.docx",
                                                  f"{n}-退文通知单（第1次重发）.docx"]
    assert office.ledger.get(report["id"])["return_state"] == "withdrawn"
    with pytest.raises(desk.DeskRefusal, match="当前状态不是已退文"):
        desk.resend(office, report["number"])


def test_learn_refuses_with_too_few_examples_and_reindex_rebuilds_from_the_ledger(office):
    with pytest.raises(desk.DeskRefusal, match=f"至少需要 {router_model.MIN_EXAMPLES} 件"):
        desk.learn(office)  # two documents routed by rule or fallback: far from eight
    shutil.rmtree(office.root / "search-index")
    office.drop_index()
    lines = []
    assert desk.reindex(office, lines.append) == 3  # the 请示 and the 函, and the 汇报 (a 退文, searchable too)
    assert lines[0] == "重建检索库：登记簿中已入检索 3 件（其中退文 1 件）"
    assert len(desk.search(office, "公路").hits) == 1


def test_a_root_without_a_ledger_says_so(tmp_path):
    with pytest.raises(NoLedger, match="登记簿不存在"):
        Office.open(tmp_path, load(tmp_path, environ={}), create=False)
    assert not (tmp_path / "ledger.sqlite3").exists()


# -- the configuration the batch obeys ([office] departments, profile, timezone) ----------------------------

def test_routing_rules_must_name_configured_departments(tmp_path):
    (tmp_path / "routing.toml").write_text('[[rule]]\ndepartment = "信访局"\ndoc_type = ["请示"]\n', encoding="utf-8")
    assert load_rules(tmp_path, ["信访局"])[0]["department"] == "信访局"
    with pytest.raises(RulesError, match="“信访局”，但它不是本机关配置的承办部门"):
        load_rules(tmp_path, ["文秘科", "综合科"])
    with pytest.raises(RulesError, match="“值班室”"):  # the shipped rules name departments this office lacks
        load_rules(None, ["文秘科"])
    assert load_rules(None, []) == load_rules(None)  # no list: any department


def test_the_batch_refuses_rules_to_departments_the_office_does_not_have(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    (root / "shouwen.toml").write_text('[office]\ndepartments = ["文秘科"]\n', encoding="utf-8")
    shutil.copy(SAMPLES / "edoc" / REQUEST, root / "inbox" / "edoc" / REQUEST)
    with pytest.raises(RulesError, match="值班室"):
        run_batch(root, config=load(root, environ={}))


def test_a_learned_proposal_outside_the_configured_departments_goes_to_the_office(tmp_path):
    examples = [router_model.Example(f"关于第{i}件群众来信来访事项的函\n信访人反映的问题请依法处理。", "信访局", "rule")
                for i in range(6)]
    examples += [router_model.Example(f"关于第{i}次领导讲话材料的通知\n请准备讲话稿和致辞。", "综合科", "rule")
                 for i in range(6)]
    model = router_model.RouterModel(router_model.train(examples), {})
    document = {"title": "关于第9件群众来信来访事项的函", "doc_type": "函"}
    body = "信访人反映的问题请依法处理。"
    assert route(document, body, "edoc", [], model=model).department == "信访局"  # the model alone
    fenced = route(document, body, "edoc", [], model=model, departments=["综合科", "文秘科"])
    assert (fenced.department, fenced.source) == ("办公室", "fallback")
    assert "分办模型建议信访局，不是本机关配置的承办部门" in fenced.reason


def test_the_configured_departments_fence_the_clerks_route(office):
    (office.root / "shouwen.toml").write_text('[office]\ndepartments = ["文秘科", "综合科"]\n', encoding="utf-8")
    with Office.open(office.root, load(office.root, environ={}), create=False) as fenced:
        letter = _by_file(fenced)[LETTER].row
        with pytest.raises(desk.DeskRefusal, match="“信访局”不是本机关配置的承办部门.*文秘科、综合科"):
            desk.route(fenced, letter["number"], "信访局")
        assert desk.route(fenced, letter["number"], "综合科").department == "综合科"


def test_a_route_to_a_name_not_configured_is_refused_with_the_closest_names_on_the_cli_and_the_web(office, capsys):
    """[office] departments = 文秘科, 综合科: 综合处 (a typo of 综合科) is refused — never a warning — by the desk,
    the CLI (one line, the closest name as the command that would do it, exit 2) and the web desk's 改办 form
    (a 400 page with the list); the document stays where it was."""
    from starlette.testclient import TestClient

    from pipelines.accounts import Accounts
    from pipelines.cli import main
    from web.app import create_app

    (office.root / "shouwen.toml").write_text('[office]\ndepartments = ["文秘科", "综合科"]\n', encoding="utf-8")
    with Office.open(office.root, load(office.root, environ={}), create=False) as fenced:
        letter = _by_file(fenced)[LETTER].row
        with pytest.raises(desk.DeskRefusal) as refused:
            desk.route(fenced, letter["number"], "综合处")
        assert refused.value.code == "unknown_department"
        assert "相近的有：综合科；可选的承办部门：文秘科、综合科、办公室" in refused.value.message
        assert [(a.name, a.args["department"]) for a in refused.value.actions] == [("route", "综合科")]
        Accounts.open(fenced).add("wenmi", "clerk", "文秘科的密码-2026", None)
        before = fenced.ledger.get(letter["id"])
    assert main(["route", letter["number"], "综合处", "--root", str(office.root)]) == 2
    err = capsys.readouterr().err
    assert "“综合处”不是本机关配置的承办部门，不予改办。相近的有：综合科" in err and "Traceback" not in err
    assert f"改送综合科：shouwen route {letter['number']} 综合科 --root" in err
    with Office.open(office.root, load(office.root, environ={}), create=False) as fenced:
        client = TestClient(create_app(fenced), base_url="https://testserver")
        client.get("/login")
        client.post("/login", data={"csrftoken": client.cookies["csrftoken"], "username": "wenmi",
                                    "password": "文秘科的密码-2026", "next": "/ledger"})
        answer = client.post(f"/documents/{letter['id']}/route", follow_redirects=False,
                             data={"csrftoken": client.cookies["csrftoken"], "department": "综合处", "reason": "改送综合处"})
        assert answer.status_code == 400, answer.text[:500]
        assert "“综合处”不是本机关配置的承办部门" in answer.text and "相近的有：综合科" in answer.text
        after = fenced.ledger.get(letter["id"])
    assert (after["department"], after["version"]) == (before["department"], before["version"])


def test_the_batch_reviews_with_the_configured_profile_and_registers_on_the_office_clock(tmp_path):
    """A 成文日期 in Chinese numerals (二〇二六年十一月二十日) is an error under GB/T 9704-2012 7.3.5 (Arabic
    numerals) and accepted under the 1999 edition's profile; the office's clock is UTC+14 all year."""
    for profile, verdict, status in (("gb9704-2012", "return", "returned"), ("gb9704-1999", "accept", "indexed")):
        root = tmp_path / profile
        (root / "inbox" / "edoc").mkdir(parents=True)
        (root / "shouwen.toml").write_text(f'[office]\nprofile = "{profile}"\ntimezone = "Pacific/Kiritimati"\n',
                                           encoding="utf-8")
        builder.write_docx(builder.conformant_notice(date="二〇二六年十一月二十日"), root / "inbox" / "edoc" / "通知.docx")
        config = load(root, environ={})
        run_batch(root, config=config)
        with Office.open(root, config, create=False) as office:
            (row,) = office.ledger.rows()
            assert (row["verdict"], row["status"]) == (verdict, status)
            assert row["received_at"].endswith("+14:00") and office.now().endswith("+14:00")
            assert row["year"] == int(row["received_at"][:4])  # the 收文编号's year is the office's year


def test_without_configured_departments_a_reroute_takes_only_those_the_routing_rules_name(office):
    """No [office] departments: a 改办 to a name no 分办 rule sends documents to (a typo: 综合课) was taken as free
    text, with a warning (review, desk27); it is refused in Chinese, the close names offered."""
    from pipelines import desk

    assert not office.departments
    number = _by_file(office)[LETTER].row["number"]
    before = office.ledger.get(_by_file(office)[LETTER].row["id"])
    with pytest.raises(desk.DeskRefusal) as refused:
        desk.route(office, number, "综合课")  # 综合科 mistyped
    assert refused.value.code == "unknown_department" and "“综合课”不是本机关配置的承办部门" in refused.value.message
    assert "相近的有：综合科" in refused.value.message and "routing.toml" in refused.value.message
    assert office.ledger.get(before["id"])["version"] == before["version"]
    known = desk.route(office, number, "综合科")  # named by a 分办 rule (the shipped routing_rules.toml)
    assert known.warning is None and office.ledger.get(before["id"])["department"] == "综合科"
    assert "综合科" in desk.route_departments(office) and "机要室" not in desk.route_departments(office)


def test_with_no_departments_configured_at_all_a_reroute_says_so(made, tmp_path):
    """No [office] departments and a routing.toml that names none: the clerk is told the office must list its
    departments first, whatever name is typed."""
    from pipelines import desk

    root = tmp_path / "office"
    shutil.copytree(made, root, ignore=shutil.ignore_patterns(".batch.lock"))
    (root / "routing.toml").write_text("# 本机关暂未写分办规则\n", encoding="utf-8")
    with Office.open(root, load(root, environ={}), create=False) as office:
        assert desk.route_departments(office) == []
        row = _by_file(office)[LETTER].row
        with pytest.raises(desk.DeskRefusal) as refused:
            desk.route(office, row["number"], "办公室")
        assert refused.value.code == "no_departments" and "尚未配置承办部门" in refused.value.message
        assert office.ledger.get(row["id"])["version"] == row["version"]


@pytest.mark.parametrize("row, said", [
    # found trying the desk: the 机要员's page of the 机密 mail said 初审结论：退文, but a classified document is never
    # returned — it went to the 机要室
    ({"verdict": "return", "status": "routed", "department": "机要室", "route_source": "classified", "secrecy": "机密★1年"},
     "格式有误（涉密公文，不退文，转机要室办理）"),
    ({"verdict": "return", "status": "returned", "department": None, "route_source": None, "secrecy": None}, "退文"),
    ({"verdict": "accept", "status": "routed", "department": "机要室", "route_source": "classified", "secrecy": "机密"},
     "通过"),
])
def test_the_document_page_says_a_classified_documents_verdict_as_what_happened(row, said):
    from pipelines.desk.documents import DocumentView

    view = DocumentView(row=row, received="", channel="", status="", history=[], findings=[], pages=0, images_note="", boxes={}, text="",
                        text_note="")
    assert said in view.verdict


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice lays out a docx's pages")
def test_the_document_page_gives_the_pages_the_original_lays_out_to(office):
    """A docx holds paragraphs, not pages: the reader counts its explicit page breaks, so the sample 工作汇报 (正文
    and 落款 on page 1; its 版记 — 联系人, 抄送, 印发机关和印发日期 — flows onto page 2: two pages, by hand from the
    file) was "页数 1" beside "原件（2 页）". The page says the pages as drawn; without them, the reader's count."""
    row = _by_file(office)[REPORT].row
    assert row["pages"] == 1  # the reader's count of page breaks, as stored
    assert desk.document(office, row["id"]).page_count == 2
    assert desk.document(office, row["id"], images=False).page_count == 1
