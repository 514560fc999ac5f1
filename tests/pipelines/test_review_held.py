"""待复核 in the batch (issue 24 §1): a real text whose 退文 would rest on a doubtful reading is held for the clerk —
not returned, not routed —, kept by a rerun and by rebuild-ledger, and the clerk's `shouwen review` turns it into a
退文 (the notice written) or a 分办 (routed and indexed), the clerk named in its history."""
from __future__ import annotations

import json
import shutil

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.ledger import SQLiteLedger

from ..pipelines.test_batch import SAMPLES
from ..real_corpus import DOCS

# h15: a real 通知 copied from a government site, flattened onto one line: validate holds it (待复核: its 退文 rests on
# readings of a flattened text), and main's batch returned it all the same (it acted on the verdict alone)
FALSE_RETURN = DOCS / "h15-兰州市政府办2005-转发通报-通知-网页一行.txt"


@pytest.fixture
def held(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(FALSE_RETURN, root / "inbox" / "edoc" / "兰州转发通报.txt")
    shutil.copy(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", root / "inbox" / "edoc" / "汇报.docx")
    summary = run_batch(root)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    row = next(r for r in ledger.rows() if r["file"] == "兰州转发通报.txt")
    return root, ledger, row, summary


def test_a_doubtful_return_is_held_for_the_clerk_not_returned_nor_routed(held, capsys):
    root, ledger, row, summary = held
    assert row["status"] == "review_held" and row["verdict"] == "return"
    assert row["department"] is None and row["return_path"] is None
    assert not list((root / "outbox").rglob(f"{row['number']}-*")), "no 退文通知单 for a doubtful reading"
    assert row["id"] not in [h.id for h in open_index(root).search("通报")], "not indexed before the clerk decides"
    assert row["reason"].startswith("待复核：") and ("未见" in row["reason"] or "把握不足" in row["reason"])
    assert summary.count("review_held") == 1 and summary.count("returned") == 1  # the 汇报 is a sure 退文 beside it
    assert any(line.startswith("  待复核 1 件") for line in summary.lines())
    record = json.loads((root / "registrations" / str(row["year"]) / f"{row['seq']:06d}.review.json").read_text("utf-8"))
    assert record["kind"] == "held" and record["findings"] and all(f["severity"] == "error" for f in record["findings"])
    # a rerun does not decide it again
    again = run_batch(root)
    assert again.outcomes == [] and ledger.get(row["id"])["status"] == "review_held"
    # the queue at the terminal lists it with its proposed reasons
    assert main(["review", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert row["number"] in out and "拟退文理由" in out and "待复核 1 件" in out


def test_the_held_reason_and_the_queue_name_each_rule_in_chinese_beside_its_id(held, capsys):
    """The 存疑原因 and the 拟退文理由 showed bare rule ids (element.date：…) to the clerk (review, desk27): the id is
    the contract (shared/spec/rules.md) and stays, beside the rule's Chinese name from the catalog."""
    import re

    from pipelines import desk
    from pipelines.office import Office
    from validators.registry import all_rules

    root, _, row, _ = held
    rules = all_rules()
    ids = [i for i in re.findall(r"[a-z]+\.[a-z][a-z-]*", row["reason"]) if i in rules]
    assert ids, row["reason"]
    for rule_id in ids:  # every id in the reason, and each right after its name
        assert row["reason"].count(rule_id) == row["reason"].count(f"{rules[rule_id].title}（{rule_id}）"), row["reason"]
    with Office.open(root) as office:
        (queued,) = desk.review_queue(office)
    assert queued.findings and all(f["named"] == f"{rules[f['rule']].title}（{f['rule']}）" for f in queued.findings)
    assert main(["review", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert all(f"{rules[f['rule']].title}（{f['rule']}）" in out for f in queued.findings)


def test_confirm_writes_the_notice_and_names_the_clerk(held, capsys):
    root, ledger, row, _ = held
    assert main(["review", row["number"], "--confirm", "--reason", "核对原件，确未写成文日期", "--root", str(root)]) == 0
    after = ledger.get(row["id"])
    assert after["status"] == "returned" and after["return_state"] == "sent"
    assert (root / after["return_path"]).is_file() and after["return_path"].endswith(f"{row['number']}-退文通知单.docx")
    last = [h for h in ledger.history(row["id"]) if h["note"] and h["note"].startswith("文秘复核")]
    assert last and last[0]["actor"].startswith("cli:") and "确认退文" in last[0]["note"] and "确未写成文日期" in last[0]["note"]
    assert "经复核确认退文" in capsys.readouterr().out
    # decided once: a second 复核 is refused in Chinese, exit 2, nothing changed
    assert main(["review", row["number"], "--dismiss", "--root", str(root)]) != 0
    assert "不是待复核的收文" in capsys.readouterr().err
    assert ledger.get(row["id"])["status"] == "returned"


def test_dismiss_routes_and_indexes_it_and_rebuild_keeps_what_was_decided(held, capsys):
    root, ledger, row, _ = held
    assert main(["review", row["number"], "--dismiss", "--reason", "原文有主送和成文日期", "--root", str(root)]) == 0
    after = ledger.get(row["id"])
    assert after["status"] == "indexed" and after["department"] and after["return_path"] is None
    assert not list((root / "outbox").rglob(f"{row['number']}-*"))
    assert row["id"] in [h.id for h in open_index(root).search("通报")]
    assert any(h["actor"].startswith("cli:") and "不予退文" in (h["note"] or "") for h in ledger.history(row["id"]))
    assert "经复核不予退文" in capsys.readouterr().out


def test_rebuild_ledger_brings_a_held_document_back_held(held):
    root, ledger, row, _ = held
    (root / "ledger.sqlite3").unlink()
    assert main(["rebuild-ledger", "--root", str(root), "--force"]) == 0
    rebuilt = SQLiteLedger(root / "ledger.sqlite3")
    back = next(r for r in rebuilt.rows() if r["number"] == row["number"])
    assert back["status"] == "review_held" and back["reason"].startswith("待复核：")
    assert run_batch(root).outcomes == []  # still the clerk's


def test_only_the_clerk_reviews(held):
    from pipelines import desk
    from pipelines.actors import Actor
    from pipelines.office import Office
    from pipelines.refusals import DeskRefusal

    root, _, row, _ = held
    with Office.open(root) as office:
        for actor, code in ((Actor("zhang", "staff", "综合科"), "not_found"), (Actor("li", "leader"), "forbidden"),
                            (Actor("admin", "admin"), "not_found")):
            with pytest.raises(DeskRefusal) as refused:
                desk.review(office, row["number"], "dismiss", actor=actor)
            assert refused.value.code == code
        assert [h.number for h in desk.review_queue(office, actor=Actor("wang", "clerk"))] == [row["number"]]
