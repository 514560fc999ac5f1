"""A quick command answers at once (issue 21): each one, run whole as the clerk runs it, imports neither spaCy,
Prefect, the OCR engine (rapidocr, OpenVINO, ONNX Runtime), the web stack (FastAPI, uvicorn) nor the LibreOffice
helper (extractors.convert) — checked in sys.modules when the process exits, after the command has done its work
on a data root that holds a document. No timing here (the machine is shared): bench/startup_bench.py measures."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTICE = ROOT / "samples" / "inbox" / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"
HEAVY = ("spacy", "prefect", "rapidocr", "openvino", "onnxruntime", "fastapi", "uvicorn", "extractors.convert",
         "torch", "paddleocr")

# The command runs through the CLI's own main(); at exit (whatever its exit code) the modules it loaded are
# written as JSON to the file named by the first argument.
PROBE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from pipelines.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A data root whose ledger holds one registered, not yet processed document (收〔…〕1号)."""
    from pipelines.dataroot import DataRoot
    from pipelines.ledger import SQLiteLedger

    root = tmp_path_factory.mktemp("quick") / "office"
    DataRoot(root).prepare()
    archived = root / "archive" / "notice.docx"
    archived.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(NOTICE, archived)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    ledger.register(sha256="1" * 64, file="通知.docx", channel="edoc", archive_path="archive/notice.docx")
    ledger.close()
    return root


def loaded_by(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHOUWEN_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert out.is_file(), done.stderr[-2000:]
    return done, json.loads(out.read_text())


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]


QUICK = [
    ["--help"],
    ["config"],
    ["ledger"],
    ["ledger", "--json", "--limit", "5"],
    ["search", "通知"],
    ["route", "1", "办公室", "--reason", "测试"],
    ["due"],
    ["handling", "1"],
    ["rules"],
    ["user", "list"],
]


@pytest.mark.parametrize("args", QUICK, ids=lambda a: " ".join(a))
def test_a_quick_command_imports_no_model_no_prefect_and_no_ocr(args, root, tmp_path):
    on_root = args[0] not in ("--help", "rules")
    done, modules = loaded_by(args + (["--root", str(root)] if on_root else []), tmp_path)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert heavy_in(modules) == [], f"shouwen {' '.join(args)} imported {heavy_in(modules)}"
    # it did its work: the modules of its path were loaded (the probe sees the command, not an early exit)
    if args[0] == "ledger":
        assert "收〔" in done.stdout
    if args[0] == "config":
        assert "数据目录" in done.stdout


def test_the_probe_sees_heavy_imports_when_a_command_makes_them(root, tmp_path):
    # the check can fail: `validate` reads a document, so it loads the language pipeline (spaCy)
    done, modules = loaded_by(["validate", str(NOTICE)], tmp_path)
    assert done.returncode in (0, 1, 3), done.stderr[-2000:]
    assert "spacy" in heavy_in(modules)


def test_an_empty_inbox_batch_runs_its_steps_without_prefect_and_says_the_same(tmp_path):
    """Nothing in the inboxes and nothing unfinished: `shouwen run` runs the batch's steps (补入检索, 学习分办,
    催办) in its own process — no flow run, no Prefect server, no worker — and prints the flow's lines."""
    office = tmp_path / "office"
    done, modules = loaded_by(["run", "--root", str(office)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"本批收文 0 件（重复 0 件），处理 0 件，用时 [0-9.]+ 秒", lines[0]), lines
    assert lines[1] == "  通过初审 0 件，退文 0 件，隔离 0 件"
    assert f"数据目录：{office.resolve()}" in done.stderr
    assert heavy_in(modules) == [] and "pipelines.workers" in modules
    assert (office / "ledger.sqlite3").is_file() and not (office / "prefect" / "prefect.db").exists()


def test_a_document_waiting_anywhere_sends_the_batch_to_the_flow(root, tmp_path):
    # the idle path is taken only when there is nothing to read: an unfinished ledger row, or any inbox entry
    from pipelines.dataroot import DataRoot
    from pipelines.desk.batch_ops import nothing_waiting
    from pipelines.office import Office

    with Office.open(root) as office:
        assert not nothing_waiting(office)  # the registered, unprocessed notice
    empty = tmp_path / "empty"
    DataRoot(empty).prepare()
    with Office.open(empty) as office:
        assert nothing_waiting(office)
        (empty / "inbox" / "scan" / "扫描.jpg").write_bytes(b"\xff\xd8\xff")
        assert not nothing_waiting(office)
        (empty / "inbox" / "scan" / "扫描.jpg").unlink()
        (empty / "inbox" / "edoc" / "文件夹").mkdir()  # refused by intake, but still the flow's to say
        assert not nothing_waiting(office)
