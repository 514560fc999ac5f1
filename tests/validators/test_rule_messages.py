"""Every rule's rendered messages, kept as reviewed snapshots (tests/snapshots/rules/<rule-id>.txt).

What a sender reads on a 退文通知单 is the rule's message. A change of wording must be seen in review, like
ruff's and insta's snapshot tests: each rule's file holds the findings (severity, rule, aspect, page, message,
evidence, expected) that the real 初审 gives on each of its breaking fixtures (tests/cases.py) as docx and as plain
text; `_conformant.txt` holds the conformant fixtures, which must give none.

The files were written once by the program and then READ AND REVIEWED by a person (that is what makes them a
snapshot, not a copy of the output): the test fails, with a diff, when a message changes.

To change a message on purpose (docs/architecture/testing.md, "Rule message snapshots"):

    SHOUWEN_UPDATE_SNAPSHOTS=1 PYTHONPATH=$PWD .venv/bin/python -m pytest -q tests/validators/test_rule_messages.py
    git diff tests/snapshots/          # review every changed line, then commit it with the code

With the variable set the test writes the files and is skipped (never passes silently); a rule or fixture that
no longer exists leaves a file that the test reports as stale.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from validators import all_rules

from .. import builder
from ..cases import CASES, CONFORMANT
from ..conftest import findings_for

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "rules"
FORMATS = ("docx", "txt")  # geometry and fonts (docx) and the text alone (txt); PDFs are checked by test_rules
UPDATE = os.environ.get("SHOUWEN_UPDATE_SNAPSHOTS") == "1"
CONFORMANT_FILE = "_conformant"
HEADER = ("# 规则 {rule} 的审核意见快照（reviewed snapshot; do not edit by hand）\n"
          "# 更新：SHOUWEN_UPDATE_SNAPSHOTS=1 pytest tests/validators/test_rule_messages.py，再用 git diff tests/snapshots/ 逐行审阅\n")


def _render(findings) -> list[str]:
    if not findings:
        return ["（无审核意见）"]
    out = []
    for f in findings:
        where = f" 第{f.page}页" if f.page else ""
        out.append(f"{f.severity} {f.rule} [{f.aspect}]{where}：{f.message}")
        if f.evidence:
            out.append(f"    实际：{f.evidence}")
        if f.expected:
            out.append(f"    应为：{f.expected}")
    return out


def _block(title: str, per_format: dict[str, list[str]]) -> list[str]:
    """One fixture: formats that read alike share one block."""
    out: list[str] = []
    groups: dict[tuple, list[str]] = {}
    for fmt, lines in per_format.items():
        groups.setdefault(tuple(lines), []).append(fmt)
    for lines, fmts in groups.items():
        out += [f"== {title} ({', '.join(fmts)})", *lines, ""]
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """The fixtures as docx and text, written by tests/builder.py (no LibreOffice: quick)."""
    root = tmp_path_factory.mktemp("rule-messages")
    specs = {f"ok-{k}": v for k, v in CONFORMANT.items()}
    specs.update({f"case-{c.id}": c.spec for c in CASES})
    paths = {}
    for name, spec in specs.items():
        paths[(name, "docx")] = builder.write_docx(spec, root / f"{name}.docx")
        paths[(name, "txt")] = builder.write_text(spec, root / f"{name}.txt")
    return paths


def rendered(documents) -> dict[str, str]:
    """{file stem: text} for every rule and the conformant file."""
    files: dict[str, list[str]] = {}
    for case in CASES:
        per_format = {fmt: _render(findings_for(documents[(f"case-{case.id}", fmt)]))
                      for fmt in FORMATS if fmt in case.formats}
        files.setdefault(case.rule, []).extend(_block(case.id, per_format))
    conformant: list[str] = []
    for name in sorted(CONFORMANT):
        conformant += _block(f"ok-{name}", {fmt: _render(findings_for(documents[(f"ok-{name}", fmt)]))
                                             for fmt in FORMATS})
    files[CONFORMANT_FILE] = conformant
    return {stem: HEADER.format(rule=stem) + "\n" + "\n".join(lines) for stem, lines in files.items()}


def test_every_rule_has_a_snapshot_file():
    """A new rule comes with its reviewed messages."""
    stems = {p.stem for p in SNAPSHOTS.glob("*.txt")}
    missing = sorted(set(all_rules()) - stems)
    assert not missing, f"没有快照的规则：{missing}（运行 SHOUWEN_UPDATE_SNAPSHOTS=1 pytest {__file__} 并审阅）"


def test_rule_messages_match_their_reviewed_snapshots(documents):
    files = rendered(documents)
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        for stale in SNAPSHOTS.glob("*.txt"):
            if stale.stem not in files:
                stale.unlink()
        for stem, text in files.items():
            (SNAPSHOTS / f"{stem}.txt").write_text(text, encoding="utf-8")
        pytest.skip(f"快照已写入 {SNAPSHOTS}：请用 git diff 审阅后提交")
    problems = []
    for stem, text in sorted(files.items()):
        path = SNAPSHOTS / f"{stem}.txt"
        kept = path.read_text(encoding="utf-8") if path.exists() else ""
        if kept != text:
            problems.append("".join(difflib.unified_diff(kept.splitlines(True), text.splitlines(True),
                                                         f"kept/{stem}.txt", f"now/{stem}.txt")))
    stale = sorted(p.name for p in SNAPSHOTS.glob("*.txt") if p.stem not in files)
    assert not stale, f"多余的快照（规则或样例已不存在）：{stale}"
    assert not problems, ("审核意见的措辞变了；若是有意修改，设 SHOUWEN_UPDATE_SNAPSHOTS=1 重跑并审阅 git diff：\n"
                          + "\n".join(problems))

