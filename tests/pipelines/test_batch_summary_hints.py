"""What the batch's summary tells the clerk to do must work as written, and nothing in the inbox is ignored
without a word. Found by the tryout of 2026-12-07: 待机要员核定密级 said "请机要员查看：shouwen ledger", which shows
nothing (the held are the 机要员's view: --confidential --user); a file put directly in inbox/ (not in a channel
folder) was neither taken in nor mentioned."""
from __future__ import annotations

import io
import re

import pytest

from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.ledger import SQLiteLedger

from .test_secrecy_named import _plain_docx


def test_the_command_the_summary_gives_for_the_held_shows_them(tmp_path, monkeypatch, capsys):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    (root / "inbox" / "edoc" / "机密★1年-水库安全检查.docx").write_bytes(_plain_docx())
    lines = run_batch(root).lines()
    held = next(line for line in lines if "待机要员核定密级 1 件" in line)
    command = re.search(r"shouwen (ledger[^）]*)", held).group(1).split()
    number = SQLiteLedger(root / "ledger.sqlite3").rows()[0]["number"]
    password = "机要员的密码 2026"
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["user", "--root", str(root), "add", "jiyao", "--role", "confidential", "--password-stdin"]) == 0
    capsys.readouterr()
    # the command as printed, its placeholder user name filled in
    command = ["jiyao" if word == "机要员用户名" else word for word in command]
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main([*command, "--root", str(root)]) == 0, capsys.readouterr().err
    assert number in capsys.readouterr().out
    assert main(["ledger", "--root", str(root)]) == 0 and number not in capsys.readouterr().out  # why it is said


@pytest.mark.parametrize("name", ["散落的来文.pdf", "传真件/"])
def test_what_lies_directly_in_the_inbox_is_said_and_left_in_place(tmp_path, name):
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    path = root / "inbox" / name.rstrip("/")
    path.mkdir() if name.endswith("/") else path.write_bytes(b"%PDF-1.4\n")
    (root / "inbox" / ".传输中.pdf").write_bytes(b"x")  # a writer's temporary: not listed
    lines = run_batch(root).lines()
    said = [line for line in lines if "inbox/ 根目录下的文件不会收文" in line]
    assert len(said) == 1 and said[0].endswith(f"：{name}") and "inbox/edoc/" in said[0], lines
    assert path.exists() and SQLiteLedger(root / "ledger.sqlite3").rows() == []
    assert not any("inbox/ 根目录" in line for line in run_batch(tmp_path / "empty").lines())
