"""What `route` and `search` print (tryout2 F5, F25): a held or classified document is named by its 收文编号 only;
a department name with control characters is refused; index facets are shown escaped.

The real CLI (a subprocess, as the clerk runs it) on a data root after a real batch.
"""
from __future__ import annotations

import pytest

from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger

from .. import builder
from ..cli_accounts import confidential_env
from .test_marks_and_confidential_desk import ROOT, _cli

TITLE = "贵阳市教育局关于鸬鹚保护工作的通知"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def _root(tmp_path, secrecy=None):
    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    builder.write_text(builder.conformant_notice(secrecy=secrecy, title=TITLE), root / "inbox" / "edoc" / "通知.txt")
    run_batch(root)
    return root, SQLiteLedger(root / "ledger.sqlite3").rows()[0]


def _as_confidential(*args, root):
    """The CLI run as the 机要员 account ($SHOUWEN_USER / $SHOUWEN_PASSWORD): 转机要室 is theirs."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, env=confidential_env(root))


def test_routing_a_held_or_an_open_document_to_the_confidential_office_prints_no_title(tmp_path):
    root, row = _root(tmp_path / "held", "密级：▇▇")
    assert row["status"] == "held"
    unseen = _cli("route", row["number"], "机要室", root=root)  # the operator (a clerk) does not see a held one
    assert unseen.returncode == 2 and "鸬鹚" not in unseen.stdout + unseen.stderr
    done = _as_confidential("route", row["number"], "机要室", root=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{row['number']}已转机要室"
    assert "鸬鹚" not in done.stdout + done.stderr

    root, row = _root(tmp_path / "open")
    assert row["status"] == "indexed"
    refused = _cli("route", row["number"], "机要室", root=root)  # an open one: the clerk may not decide it
    assert refused.returncode == 2 and "无权转机要室" in refused.stderr and "--user" in refused.stderr
    done = _as_confidential("route", row["number"], "机要室", root=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{row['number']}已改送机要室，并已撤出检索"


def test_a_department_with_control_characters_is_refused_and_facets_are_escaped(tmp_path):
    root, row = _root(tmp_path)
    assert row["status"] == "indexed"
    refused = _cli("route", row["number"], "综合科\x1b[2J\x1b[31m", root=root)
    assert refused.returncode == 2 and "控制字符" in refused.stderr
    assert "\x1b" not in refused.stdout + refused.stderr
    assert SQLiteLedger(root / "ledger.sqlite3").get(row["id"])["department"] == row["department"]
    refused = _cli("route", row["number"], "综合\u200b科", root=root)  # a zero-width space: invisible, refused too
    assert refused.returncode == 2 and "不可见字符" in refused.stderr

    # a department stored before this check (an old ledger, a routing rule): search shows it escaped
    from index import open_index

    open_index(root).update(row["id"], department="综合科\x1b[2J")
    found = _cli("search", "鸬鹚", root=root)
    assert found.returncode == 0, found.stderr
    assert "\x1b" not in found.stdout + found.stderr
    assert "承办部门：综合科" in found.stderr
