"""Refusals the desk gives (pipelines/refusals.py) are plain data — a stable code, a Chinese message without shell
wording, the actions that would do what is suggested — and the CLI, at its edge, renders each action as the
command that does it. On a real data root: a document held for the 机要员 (its 密级 line unreadable), a lost
search index, a healthy ledger, a data root without a ledger."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import desk
from pipelines.actors import Actor
from pipelines.config import load
from pipelines.office import NoLedger, Office
from pipelines.refusals import Action, DeskRefusal

from ..cli_accounts import confidential_env
from .test_marks_and_confidential_desk import _one_marked_document

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


def test_a_held_document_is_refused_with_two_actions_each_rendered_as_a_command(tmp_path):
    root, row = _one_marked_document(tmp_path, "密级：▇▇")
    number = row["number"]
    with Office.open(root, load(root, environ={}), create=False) as office:
        with pytest.raises(DeskRefusal) as unseen:  # the clerk does not see a held document at all
            desk.route(office, number, "综合科")
        assert unseen.value.code == "not_found"
        with pytest.raises(DeskRefusal) as refused:
            desk.route(office, number, "综合科", actor=Actor("li", "confidential"))
    assert refused.value.code == "held" and "shouwen" not in refused.value.message
    assert refused.value.actions == (Action("route", "转机要室", {"key": number, "department": "机要室"}),
                                     Action("release", "核定为非涉密", {"key": number}))
    said = subprocess.run([sys.executable, "-m", "pipelines.cli", "route", number, "综合科", "--root", str(root)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, env=confidential_env(root))
    assert said.returncode == 2
    lines = said.stderr.splitlines()
    assert lines[0] == f"shouwen: {refused.value.message}"
    assert lines[1:] == [f"  转机要室：shouwen route {number} 机要室 --root {root.resolve()}",
                         f"  核定为非涉密：shouwen release {number} --root {root.resolve()}"]


def test_a_lost_index_names_reindex_as_an_action_and_a_healthy_ledger_names_force(tmp_path):
    root, row = _one_marked_document(tmp_path, "密级：无")  # open: routed and indexed
    assert row["status"] == "indexed"
    shutil.rmtree(root / "search-index")
    with Office.open(root, load(root, environ={}), create=False) as office:
        with pytest.raises(DeskRefusal) as lost:
            desk.search(office, "鸬鹚")
    assert lost.value.code == "index_empty" and lost.value.action == Action("reindex", "重建检索库")
    said = _cli("search", "鸬鹚", root=root)
    assert said.returncode == 2 and f"  重建检索库：shouwen reindex --root {root.resolve()}" in said.stderr.splitlines()
    healthy = _cli("rebuild-ledger", root=root)
    assert healthy.returncode == 2
    assert f"  强制重建：shouwen rebuild-ledger --force --root {root.resolve()}" in healthy.stderr.splitlines()


def test_a_root_without_a_ledger_suggests_the_batch(tmp_path):
    with pytest.raises(NoLedger) as none:
        Office.open(tmp_path, load(tmp_path, environ={}), create=False)
    assert isinstance(none.value, DeskRefusal) and none.value.action.name == "run_batch"
    said = _cli("ledger", root=tmp_path)
    assert said.returncode == 2 and "登记簿不存在" in said.stderr
    assert f"  运行收文批处理：shouwen run --root {tmp_path.resolve()}" in said.stderr.splitlines()


def test_desk_results_carry_names_as_they_are_and_the_cli_escapes_them(tmp_path):
    """A file name with an escape sequence: the desk's entry holds it as it is; `shouwen ledger` shows it
    escaped (terminal.shown at the CLI's edge)."""
    from pipelines.batch import run_batch

    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    from .. import builder

    builder.write_text(builder.conformant_notice(title=None), root / "inbox" / "edoc" / "红\x1b[31m.txt")
    run_batch(root)
    with Office.open(root, load(root, environ={}), create=False) as office:
        (entry,) = desk.ledger_entries(office)
    assert entry.row["file"] == "红\x1b[31m.txt" and entry.title == "红\x1b[31m.txt"
    listed = _cli("ledger", root=root)
    assert listed.returncode == 0 and "\x1b" not in listed.stdout and "红\\x1b[31m.txt" in listed.stdout
