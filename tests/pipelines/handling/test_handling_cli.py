"""The 承办/督办 commands of `shouwen` (pipelines/handling/cli.py) as a clerk types them, run through the CLI's main()
on a ledger built by hand, the office's clock set by the test: routed → 拟办 → 批办 → 签收 → 办理情况 → 延期 → 办结 →
归档, each step in the history with its actor; a 阅件 circulated and closed; overdue documents listed and chased by
the reminder step; a refusal said in Chinese with the command that helps (exit 2)."""
from __future__ import annotations

import getpass
import json
import subprocess
import sys

import pytest
from docx import Document

from pipelines.cli import main
from pipelines.handling import ops
from pipelines.handling.remind import remind

from ...handling_ledger import Clock, make_office, route

ME = f"cli:{getpass.getuser()}"


@pytest.fixture
def clock():
    return Clock("2026-02-13")


@pytest.fixture
def office(tmp_path, monkeypatch, clock):
    for name in ("SHOUWEN_CONFIG", "SHOUWEN_LEDGER_URL", "SHOUWEN_INDEX_URL", "SHOUWEN_ROOT"):
        monkeypatch.delenv(name, raising=False)
    with make_office(tmp_path / "office", monkeypatch, clock, '[handling]\nleaders = ["张伟 市长"]\n') as made:
        yield made


def shouwen(office, capsys, *args) -> tuple[int, str, str]:
    code = main([*map(str, args), "--root", str(office.root)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_document_from_routed_to_archived_by_the_cli(office, clock, capsys, tmp_path):
    row = route(office, clock, "关于校舍维修资金的请示", "财政局")
    n = row["number"]
    assert shouwen(office, capsys, "propose", n, "--words", "拟请张市长阅示")[0] == 0
    code, out, _ = shouwen(office, capsys, "instruct", n, "--by", "张伟", "--words", "请财政局阅处")
    assert code == 0 and f"（由 {ME} 代录）" in out and "办件" in out and "2026-03-05" in out
    code, _, err = shouwen(office, capsys, "done", n, "--result", "已办")
    assert code == 2 and "尚未签收" in err and f"可运行：shouwen sign {n} --root {office.root}" in err
    clock.at("2026-02-24")
    assert shouwen(office, capsys, "sign", n)[0] == 0
    note = tmp_path / "进度.txt"
    note.write_text("首批资金已拨付", encoding="utf-8")
    code, out, _ = shouwen(office, capsys, "progress", n, "--words", "已拨付首批资金", "--file", note)
    assert code == 0 and "附件 1 个" in out
    clock.at("2026-03-04")
    code, out, _ = shouwen(office, capsys, "extend", n, "--to", "2026-03-13", "--approved-by", "张伟", "--reason", "需省厅批复")
    assert code == 0 and "由 2026-03-05 延至 2026-03-13" in out
    clock.at("2026-03-12")
    code, out, _ = shouwen(office, capsys, "done", n, "--result", "资金已全部拨付到校")
    assert code == 0 and "按期办结" in out
    assert shouwen(office, capsys, "archive", n)[0] == 0
    code, out, _ = shouwen(office, capsys, "handling", n, "--json")
    rec = json.loads(out)
    assert rec["state"] == "archived"
    steps = [(e["kind"], e["actor"], e["on_behalf_of"]) for e in rec["events"]]
    assert steps == [("opened", "batch", None), ("proposed", ME, None), ("instructed", ME, "张伟"), ("signed", ME, None),
                     ("progress", ME, None), ("extended", ME, None), ("done", ME, None), ("archived", ME, None)]
    code, out, _ = shouwen(office, capsys, "handling", n)
    assert "批办  张伟（由 " in out and "办结" in out and "期限延至 2026-03-13，批准人：张伟" in out


def test_a_read_only_document_is_circulated_and_closed_by_the_cli(office, clock, capsys):
    n = route(office, clock, "关于印发学习材料的函", "办公室")["number"]
    code, out, _ = shouwen(office, capsys, "instruct", n, "--by", "张伟", "--words", "阅知")
    assert code == 0 and "阅件" in out
    assert shouwen(office, capsys, "circulate", n, "--readers", "王秘书长、李副秘书长")[0] == 0
    code, _, err = shouwen(office, capsys, "read", n, "--reader", "李副秘书长")
    assert code == 2 and "应由 王秘书长 先阅" in err
    assert "下一位：李副秘书长" in shouwen(office, capsys, "read", n, "--reader", "王秘书长")[1]
    code, out, _ = shouwen(office, capsys, "read", n, "--reader", "李副秘书长")
    assert code == 0 and "传阅完毕，已办结" in out
    rec = ops.record(office, n, actor=ME)
    assert (rec.state, rec.result) == ("done", None)


def test_overdue_documents_are_listed_and_chased_once_a_day(office, clock, capsys):
    clock.at("2026-03-02")
    late = route(office, clock, "关于校舍安全排查的通知", "教育局", urgency="特急")["number"]  # due 3/4
    soon = route(office, clock, "关于春季植树的函", "林业局")["number"]  # due 3/23
    clock.at("2026-03-18")
    code, out, _ = shouwen(office, capsys, "due", "--days", "3")
    assert code == 0 and "超期 1 件，3 个工作日内到期 1 件" in out
    assert f"{late}《关于校舍安全排查的通知》　教育局" in out and "已超期 10 个工作日" in out and "还有 3 个工作日" in out
    code, out, _ = shouwen(office, capsys, "due", "--department", "林业局", "--json")
    listed = json.loads(out)
    assert [r["number"] for r in listed["due_soon"]] == [soon] and listed["overdue"] == []
    done = remind(office, actor="batch")  # the scheduled batch's step
    assert sorted((c.number, c.department, c.overdue_days) for c in done.chased) == sorted(
        [(late, "教育局", 10), (soon, "林业局", 0)])
    notice = office.root / "reminders" / "2026-03-18" / "教育局-催办通知.docx"
    text = "\n".join(c.text for t in Document(notice).tables for r in t.rows for c in r.cells)
    assert late in text and "关于校舍安全排查的通知" in text and "2026-03-04" in text
    assert json.loads(notice.with_suffix(".json").read_text(encoding="utf-8"))["items"][0]["overdue_days"] == 10
    event = ops.record(office, late, actor=ME).events[-1]
    assert (event.kind, event.actor, event.department, event.data["notice"]) == (
        "reminded", "batch", "教育局", "reminders/2026-03-18/教育局-催办通知.docx")
    again = remind(office, actor="batch")
    assert again.chased == [] and again.already == 2  # once a day
    clock.at("2026-03-19")
    assert len(remind(office, actor="batch").chased) == 2


def test_the_unknown_year_is_said_by_due(office, clock, capsys):
    clock.at("2026-12-21")
    n = route(office, clock, "关于做好元旦春节期间安全生产工作的通知", "应急局")["number"]
    code, out, err = shouwen(office, capsys, "due")
    assert code == 0 and f"【期限无法计算】1 件：{n}" in out and "holidays.toml" in err and "2027年" in err


def test_bad_input_is_said_in_chinese_without_a_traceback(office, clock, capsys):
    n = route(office, clock, "关于防汛的通知", "水务局")["number"]
    code, _, err = shouwen(office, capsys, "extend", n, "--to", "明天", "--approved-by", "张伟")
    assert code == 2 and "不是日期" in err and "Traceback" not in err
    code, _, err = shouwen(office, capsys, "sign", "收〔2026〕404号")
    assert code == 2 and "登记簿中没有" in err
    (office.root / "holidays.toml").write_text("holidays = [\n", encoding="utf-8")
    code, _, err = shouwen(office, capsys, "due")
    assert code == 2 and "节假日文件" in err and "Traceback" not in err


def test_the_due_list_itself_loads_no_language_model_prefect_or_ocr(office, clock):
    """The handling modules and the due query import none of the heavy parts. (The CLI's own parser and the
    configuration's profile check import validators, and with it spaCy, for every command: the CLI's table of
    commands — branch house — is where that is made lazy.)"""
    route(office, clock, "关于防汛的通知", "水务局")
    probe = ("import sys\nfrom pathlib import Path\nfrom pipelines.config import Config, Settings\n"
             "from pipelines.office import Office\nfrom pipelines.handling import cli, queries\n"
             "root = Path(sys.argv[1]).resolve()\n"
             "with Office(root, Config(Settings(), root, None), create=False) as office:\n"
             "    found = queries.due(office, actor='cli:probe')\n"
             "heavy = [m for m in ('spacy', 'prefect', 'rapidocr', 'openvino', 'onnxruntime', 'tantivy', 'docxtpl', 'pygal',"
             " 'validators') if m in sys.modules]\nprint('HEAVY', heavy, len(found.overdue))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(office.root)], capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[3]), "PATH": "/usr/bin:/bin"})
    assert "HEAVY [] 1" in done.stdout, done.stderr


def test_the_monthly_report_for_the_office_and_each_department_by_the_cli(office, clock, capsys, tmp_path):
    clock.at("2026-03-02")
    route(office, clock, "关于校舍安全排查的通知", "教育局", urgency="特急")  # due 3/4, open: overdue at 3/31
    route(office, clock, "关于春季植树的函", "林业局")  # 15 wd → due 3/23: open at 3/31, overdue too
    clock.at("2026-04-01")
    code, out, _ = shouwen(office, capsys, "report", "2026-03", "--each", "--out", tmp_path / "out")
    assert code == 0 and "2026-03：收件 2，办结 0（按期 0，超期 0），超期未办结 2" in out
    made = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert made == ["督查专报-2026-03-教育局.docx", "督查专报-2026-03-林业局.docx", "督查专报-2026-03.docx"]
    code, _, err = shouwen(office, capsys, "report", "2026-13")
    assert code == 2 and "月份应为 YYYY-MM" in err


def test_the_confidential_view_of_the_handling_commands_needs_a_confidential_account(office, clock, capsys,
                                                                                     monkeypatch):
    """`due --confidential` (and every handling command's --confidential) is the 机要员's: the operator is refused
    with the way to log in; the 机要员 account ($SHOUWEN_USER / $SHOUWEN_PASSWORD) is let in, and named in the
    history of a step it takes."""
    from pipelines.accounts import Accounts

    n = route(office, clock, "关于校舍维修资金的请示", "财政局")["number"]
    code, out, err = shouwen(office, capsys, "due", "--confidential")
    assert code == 2 and out == "" and "无权查看涉密和待核定收文" in err and "--user" in err
    Accounts.open(office).add("jiyao", "confidential", "Jiyao-pass-2026", display="李机要")
    monkeypatch.setenv("SHOUWEN_USER", "jiyao")
    monkeypatch.setenv("SHOUWEN_PASSWORD", "wrong-pass-2026")
    code, _, err = shouwen(office, capsys, "due", "--confidential")
    assert code == 2 and "登录失败" in err
    monkeypatch.setenv("SHOUWEN_PASSWORD", "Jiyao-pass-2026")
    assert shouwen(office, capsys, "due", "--confidential")[0] == 0
    # the 文秘's 拟办 on an open document is the 文秘's (access.CLASSIFIED_WORK); on a classified one, the 机要员's
    code, _, err = shouwen(office, capsys, "propose", n, "--words", "拟请张市长阅示")
    assert code == 2 and "请文秘办理" in err
    secret = route(office, clock, "关于某项涉密工作的通知", "机要室", classified=True)["number"]
    assert shouwen(office, capsys, "propose", secret, "--words", "拟请张市长阅示", "--confidential")[0] == 0
    code, out, _ = shouwen(office, capsys, "handling", secret, "--json", "--confidential")
    assert [e["actor"] for e in json.loads(out)["events"]] == ["batch", "jiyao"]
