"""退文的重发与撤回, and a clerk's corrections reaching the router, through the CLI on a real data root."""
from __future__ import annotations

import dataclasses
import json
import shutil

import docx

from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.ledger import SQLiteLedger

from ... import builder
from ...pipelines.test_batch import SAMPLES


def _returned_and_accepted(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", root / "inbox" / "edoc" / "汇报.docx")
    shutil.copy(SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx", root / "inbox" / "edoc" / "通知.docx")
    summary = run_batch(root)
    assert summary.count("returned") == 1 and summary.count("indexed") == 1
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    returned = next(r for r in ledger.rows() if r["status"] == "returned")
    return root, ledger, returned


def test_resend_writes_the_notice_again_beside_the_first(tmp_path, capsys):
    root, ledger, returned = _returned_and_accepted(tmp_path)
    assert returned["return_state"] == "sent" and (root / returned["return_path"]).is_file()
    assert main(["resend", returned["number"], "--root", str(root)]) == 0
    assert main(["resend", returned["number"].replace("收〔", "").replace("〕", "-").rstrip("号"), "--root", str(root)]) == 0
    folder = (root / returned["return_path"]).parent
    notices = sorted(p.name for p in folder.glob("*.docx"))
    # named as titled: the N-th 重发's file and its title say the same words
    assert notices == [f"{returned['number']}-退文通知单.docx", f"{returned['number']}-退文通知单（第1次重发）.docx",
                       f"{returned['number']}-退文通知单（第2次重发）.docx"]
    text = "\n".join(p.text for p in docx.Document(str(folder / notices[2])).paragraphs)
    assert "退文通知单（第2次重发）" in text and returned["title"] in text
    assert "退〔2026〕3号" in text and "原通知为退〔2026〕2号" in text  # its own number; the one it replaces
    first = "\n".join(p.text for p in docx.Document(str(folder / notices[0])).paragraphs)
    assert "退文通知单（第" not in first and "本通知系重发" not in first
    row = ledger.get(returned["id"])
    assert row["status"] == "returned" and row["return_state"] == "resent" and row["return_path"].endswith("（第2次重发）.docx")
    notes = [h["note"] for h in ledger.history(returned["id"])]
    assert [n[:17] for n in notes if n.startswith("重发退文通知单")] == ["重发退文通知单退〔2026〕2号：", "重发退文通知单退〔2026〕3号："]
    # no address for the sender and no mail server: each is listed for the clerk, the one it replaced cancelled
    assert "退文通知单（第1次重发）退〔2026〕2号取消送达：已由退〔2026〕3号取代" in notes
    assert "已重发" in capsys.readouterr().out


def test_withdraw_moves_the_notice_out_and_routes_and_indexes_the_document(tmp_path, capsys):
    root, ledger, returned = _returned_and_accepted(tmp_path)
    folder = (root / returned["return_path"]).parent
    assert main(["withdraw", returned["number"], "--root", str(root), "--reason", "经电话核实，来文单位已补正"]) == 0
    assert not list(folder.glob(f"{returned['number']}-*")), "nothing of it left in the outbox"
    kept = sorted(p.name for p in (root / "withdrawn" / folder.name).iterdir())
    n = returned["number"]  # the notice and the 撤回通知 issued for it (待送达 by hand: docx, no PDF)
    assert kept == [f"{n}-审核意见.json", f"{n}-撤回通知.docx", f"{n}-退文通知单.docx"]
    withdrawal = "\n".join(p.text for p in docx.Document(str(root / "withdrawn" / folder.name / f"{n}-撤回通知.docx")).paragraphs)
    assert "撤回退文通知" in withdrawal and "退〔2026〕2号" in withdrawal  # its own number, after the notice's 1号
    assert "经复核，经电话核实，来文单位已补正。" in withdrawal and "我办以退〔2026〕1号" in withdrawal
    row = ledger.get(returned["id"])
    assert row["status"] == "indexed" and row["return_state"] == "withdrawn" and row["verdict"] == "return"
    assert row["department"] and row["route_source"] in ("rule", "fallback", "model")
    assert any(h["note"] == "撤回退文：经电话核实，来文单位已补正" for h in ledger.history(returned["id"]))
    capsys.readouterr()
    assert main(["search", "上半年", "--root", str(root), "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [h["number"] for h in hits] == [returned["number"]]
    # once withdrawn it is no longer returned: neither resend nor withdraw again
    assert main(["resend", returned["number"], "--root", str(root)]) == 2
    assert main(["withdraw", returned["number"], "--root", str(root), "--reason", "再撤一次"]) == 2
    assert "不是已退文" in capsys.readouterr().err


def test_a_withdrawal_interrupted_before_routing_is_finished_by_the_next_batch_not_returned_again(tmp_path):
    root, ledger, returned = _returned_and_accepted(tmp_path)
    ledger.set_status(returned["id"], "reviewed", "撤回退文：测试中断", return_state="withdrawn")  # killed right here
    run_batch(root)
    row = ledger.get(returned["id"])
    assert row["status"] == "indexed" and row["return_state"] == "withdrawn"
    # the withdrawal moves the ledger first, so its notices were still in the outbox: the batch finishes the move
    assert not list((root / "outbox").rglob(f"{returned['number']}-*"))
    n = returned["number"]
    assert sorted(p.name for p in (root / "withdrawn").rglob(f"{n}-*")) == [
        f"{n}-审核意见.json", f"{n}-撤回通知.docx", f"{n}-退文通知单.docx"], "the first notice, never a new one"
    # the 撤回通知 the interrupted withdrawal had not issued yet, with the clerk's reason from the history
    text = "\n".join(p.text for p in docx.Document(str(next((root / "withdrawn").rglob(f"{n}-撤回通知.docx")))).paragraphs)
    assert "经复核，测试中断。" in text and "我办以退〔2026〕1号" in text
    run_batch(root)  # finished: nothing issued twice
    assert len(list((root / "withdrawn").rglob(f"{n}-撤回通知*"))) == 1


def test_clerk_corrections_route_the_next_batch(tmp_path, capsys):
    """Documents no rule covers go to the 办公室; the clerk sends them to 交通运输科; the next batch learns that
    first and routes a new one of the kind there itself, with its confidence, while rule-covered ones keep their rule."""
    from pipelines.routing import load_rules

    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    # the office lists its departments, 交通运输科 among them (a 改办 takes no name the office has not configured)
    named = sorted({r["department"] for r in load_rules()} | {"交通运输科"})
    (root / "shouwen.toml").write_text(f"[office]\ndepartments = {json.dumps(named, ensure_ascii=False)}\n", encoding="utf-8")
    places = ["南明区", "云岩区", "花溪区", "乌当区", "白云区", "观山湖区"]
    base = builder.conformant_notice()
    for i, place in enumerate(places):
        road = dataclasses.replace(base, doc_number=f"筑交函〔2026〕{i + 1}号",
                                   title=f"贵阳市交通运输局关于{place}农村公路养护工作的函",
                                   body=[f"{place}农村公路路面破损，部分桥梁需要维修加固，请协调安排公路养护资金和养护队伍。"])
        builder.write_docx(road, inbox / f"公路{i}.docx")
        letter = dataclasses.replace(base, doc_number=f"筑信函〔2026〕{i + 1}号", title=f"关于{place}群众来信反映供暖问题的函",
                                     body=[f"{place}群众来信反映小区供暖不热，属信访事项，请依法调查处理并答复来信人。"])
        builder.write_docx(letter, inbox / f"来信{i}.docx")
    first = run_batch(root)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    roads = [r for r in ledger.rows() if "公路" in (r["title"] or "")]
    assert len(roads) == 6 and {r["department"] for r in roads} == {"办公室"}
    assert {r["route_source"] for r in roads} == {"fallback"} and first.learned is None
    for r in roads:
        assert main(["route", r["number"], "交通运输科", "--root", str(root)]) == 0
    new = dataclasses.replace(base, doc_number="筑交函〔2026〕9号",
                              title="贵阳市交通运输局关于清镇市农村公路养护资金的函",
                              body=["清镇市农村公路路面破损严重，桥梁亟需维修加固，请协调安排公路养护资金。"])
    builder.write_docx(new, inbox / "公路新.docx")
    second = run_batch(root)
    assert second.learned and second.learned["corrections"] == 6
    assert any("分办模型已重新训练" in line for line in second.lines())
    row = next(r for r in ledger.rows() if r["file"] == "公路新.docx")
    assert row["department"] == "交通运输科" and row["route_source"] == "model" and row["route_confidence"] >= 0.6
    letters = [r for r in ledger.rows() if "来信" in (r["title"] or "")]
    assert {(r["department"], r["route_source"]) for r in letters} == {("信访局", "rule")}
