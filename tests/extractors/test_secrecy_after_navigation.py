"""A 密级 mark after dozens of lines of web-page navigation (tryout2 F23) is seen; ordinary documents are not held.

Real text files through the real batch (初审, decision, index). Expected values from the inputs: 35 lines of
navigation, then `机密★1年`, then the sample report → 机要室, never returned; the same navigation and the same
report without a mark, with 正文 sentences that merely mention 秘密/机密 → not held, not sent to the 机要室.
"""
from __future__ import annotations

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger

from ..pipelines.test_batch import SAMPLES

REPORT = (SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def _nav(n: int) -> str:
    return "\n".join(f"导航栏目{i}" for i in range(n)) + "\n"


def test_a_mark_after_35_navigation_lines_is_classified_and_ordinary_pages_are_not_held(tmp_path):
    root = tmp_path / "office"
    edoc = root / "inbox" / "edoc"
    edoc.mkdir(parents=True)
    marked = REPORT.replace("秋季学期开学工作情况", "鲲鹏计划丙")
    (edoc / "nav35.txt").write_text(_nav(35) + "机密★1年\n\n" + marked, encoding="utf-8")
    mentions = REPORT.replace("秋季学期开学工作情况", "白鹭计划").replace(
        "\n", "\n机密文件和秘密载体的管理按有关规定执行。\n秘密载体不得擅自复制。\n", 1)
    (edoc / "nav50.txt").write_text(_nav(50) + mentions, encoding="utf-8")
    run_batch(root)
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    assert (rows["nav35.txt"]["status"], rows["nav35.txt"]["department"]) == ("routed", "机要室")
    assert rows["nav50.txt"]["status"] not in ("held",) and rows["nav50.txt"]["department"] != "机要室"
    assert open_index(root).search("鲲鹏") == []
