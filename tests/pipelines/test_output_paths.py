"""Every command that writes a file the clerk names (--out, --xlsx, --site) says, for a path that cannot be
written, one Chinese line naming the path and the reason, exit 2 — never 程序内部错误 or a traceback, and
before any work is done (pipelines/outputs.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main

from ..handling_ledger import Clock, make_office, route


@pytest.fixture
def office_root(tmp_path, monkeypatch):
    """A real SQLite ledger holding one routed document (收〔2026〕1号), so each command gets as far as writing."""
    root = tmp_path / "office"
    clock = Clock("2026-03-02")
    office = make_office(root, monkeypatch, clock)
    route(office, clock, "关于校舍维修的请示", "综合科")
    office.close()
    return root


def _commands(root: Path, out: str) -> dict[str, list[str]]:
    return {
        "form": ["form", "收〔2026〕1号", "--out", f"{out}/收文处理单.docx", "--root", str(root)],
        "report": ["report", "2026-03", "--out", f"{out}/专报", "--root", str(root)],
        "ledger": ["ledger", "--xlsx", f"{out}/登记簿.xlsx", "--root", str(root)],
        "docs": ["docs", "--site", f"{out}/site"],
    }


@pytest.mark.parametrize("command", ["form", "report", "ledger", "docs"])
@pytest.mark.parametrize("where", ["proc", "under_a_file"])
def test_an_unwritable_output_path_is_one_chinese_line_and_exit_2(office_root, tmp_path, capsys, command, where):
    """/proc takes no new file or folder (even for root, whom permission bits do not stop); a path under a
    plain file has a part that is not a folder. Each is said as 无法写入“<path>”：<why>."""
    if where == "proc":
        out, reason = "/proc", "文件夹“/proc”中不能新建"
    else:
        plain = tmp_path / "一个文件.txt"
        plain.write_text("不是文件夹", encoding="utf-8")
        out, reason = str(plain), "不是文件夹"
    argv = _commands(office_root, out)[command]
    target = argv[argv.index("--out" if "--out" in argv else "--xlsx" if "--xlsx" in argv else "--site") + 1]
    code = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured.err
    assert "Traceback" not in captured.err and "程序内部错误" not in captured.err, captured.err
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"shouwen: 无法写入“{target}”：") and reason in lines[0], lines[0]


def test_a_writable_output_path_still_gets_the_form(office_root, tmp_path, capsys):
    """The check refuses nothing it should not: the form is written where asked, and no probe file is left."""
    out = tmp_path / "处理单"
    out.mkdir()
    code = main(["form", "收〔2026〕1号", "--out", str(out / "处理单.docx"), "--root", str(office_root)])
    assert code == 0, capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["处理单.docx"]
    assert (out / "处理单.docx").read_bytes()[:2] == b"PK"
