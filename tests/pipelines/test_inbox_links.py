"""Inbox folders that are symbolic links (tryout2 F1): nothing outside the data root is read, registered or moved.

A channel folder (inbox/edoc), the inbox itself, or a maildir's new/ that is a link to a folder elsewhere is
refused as one entry (the link moved to quarantine/, a real empty folder put in its place); a message file in a
maildir that is a link is refused with a line too, not skipped silently. The real batch, real files.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.batch import Summary, run_batch
from pipelines.inbox import Refused
from pipelines.ledger import SQLiteLedger

from ..pipelines.test_batch import SAMPLES

NOTICE = SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"
MAIL = next((SAMPLES / "mail").glob("*.eml"))
REPORT = SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def _outside(tmp_path: Path, **files: Path) -> tuple[Path, dict[str, bytes]]:
    """A folder outside the data root holding copies of `files` (name → source); returns it and their bytes."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name, source in files.items():
        shutil.copy(source, folder / name)
    return folder, {name: (folder / name).read_bytes() for name in files}


def _untouched(folder: Path, before: dict[str, bytes]) -> None:
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "the outside folder is as it was"


def _archived(root: Path) -> set[bytes]:
    return {p.read_bytes() for p in (root / "archive").rglob("*") if p.is_file()}


def test_a_symlinked_channel_folder_is_refused_and_the_folder_it_points_to_is_untouched(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "fax").mkdir(parents=True)
    shutil.copy(REPORT, root / "inbox" / "fax" / "正常.txt")
    outside, before = _outside(tmp_path, **{"outside.docx": NOTICE})
    os.symlink(outside, root / "inbox" / "edoc")
    summary = run_batch(root)
    _untouched(outside, before)
    assert [r["file"] for r in SQLiteLedger(root / "ledger.sqlite3").rows()] == ["正常.txt"]
    assert before["outside.docx"] not in _archived(root)
    assert [(r.channel, r.name) for r in summary.refused] == [("inbox", "edoc")]
    assert "符号链接" in summary.refused[0].reason
    link = root / summary.refused[0].where
    assert link.is_symlink() and os.readlink(link) == str(outside), "the link itself is in quarantine"
    assert (root / "inbox" / "edoc").is_dir() and not (root / "inbox" / "edoc").is_symlink()
    assert not any((root / "inbox" / "edoc").iterdir())
    assert any("拒收 1 件" in line and "已移入隔离区" in line for line in summary.lines())
    again = run_batch(root)  # refused once: the next batch finds a real, empty folder
    assert again.refused == [] and again.received == 0
    _untouched(outside, before)


def test_a_symlinked_inbox_is_refused_and_nothing_is_made_or_read_through_it(tmp_path):
    root = tmp_path / "office"
    root.mkdir()
    outside = tmp_path / "outside"
    (outside / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, outside / "edoc" / "outside.docx")
    os.symlink(outside, root / "inbox")
    summary = run_batch(root)
    assert sorted(p.name for p in outside.iterdir()) == ["edoc"], "no channel folders made outside"
    assert [p.name for p in (outside / "edoc").iterdir()] == ["outside.docx"]
    assert SQLiteLedger(root / "ledger.sqlite3").rows() == []
    assert [(r.channel, r.name) for r in summary.refused] == [("数据目录", "inbox")]
    assert (root / "inbox").is_dir() and not (root / "inbox").is_symlink()


def test_a_maildir_new_that_is_a_link_and_a_linked_message_are_refused_each_with_a_line(tmp_path):
    root = tmp_path / "office"
    mail = root / "inbox" / "mail"
    for sub in ("cur", "tmp"):
        (mail / "md1" / sub).mkdir(parents=True)
    for sub in ("cur", "new", "tmp"):
        (mail / "md2" / sub).mkdir(parents=True)
    outside, before = _outside(tmp_path, **{"secret.eml": MAIL, "other.eml": MAIL})
    os.symlink(outside, mail / "md1" / "new")
    os.symlink(outside / "other.eml", mail / "md2" / "new" / "link.eml")
    summary = run_batch(root)
    _untouched(outside, before)
    assert SQLiteLedger(root / "ledger.sqlite3").rows() == []
    assert not _archived(root)
    assert sorted((r.channel, r.name) for r in summary.refused) == [("mail", "md1/new"), ("mail", "md2/new/link.eml")]
    reasons = {r.name: r.reason for r in summary.refused}
    assert "文件夹是符号链接" in reasons["md1/new"] and "符号链接" in reasons["md2/new/link.eml"]
    moved = sorted(os.readlink(root / r.where) for r in summary.refused)
    assert moved == sorted([str(outside), str(outside / "other.eml")])
    assert (mail / "md1" / "new").is_dir() and not (mail / "md1" / "new").is_symlink(), "the maildir stays a maildir"
    assert not any((mail / "md2" / "new").iterdir())


def test_a_folder_swapped_for_a_link_after_the_scan_is_not_read(tmp_path):
    from pipelines.inbox import scan
    from pipelines.intake import NotTaken, copy_in

    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "文件.docx")
    (arrival,), _ = scan(root)
    outside = tmp_path / "outside"
    os.rename(root / "inbox" / "edoc", outside)  # the race: the folder goes, a link to it comes
    os.symlink(outside, root / "inbox" / "edoc")
    with pytest.raises(NotTaken) as caught:
        copy_in(root, arrival)
    assert caught.value.refused and not caught.value.move and "数据目录以外" in caught.value.reason
    assert not _archived(root)


def test_the_summary_does_not_claim_quarantine_for_what_was_not_moved():
    summary = Summary(refused=[Refused("edoc", "a.docx", "原因", "quarantine/拒收-a.docx"), Refused("edoc", "b.docx", "原因")])
    lines = "\n".join(summary.lines())
    assert "拒收 1 件（不是普通文件或无法签收，已移入隔离区" in lines
    assert "拒收 1 件（未读取，未能移入隔离区，仍在原处）" in lines
