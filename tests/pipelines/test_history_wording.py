"""The 办理记录 (history) the 机要员 reads says what happened: a classified document is never returned (it goes
to the 机要室 whatever its format), so its 初审 line must not say 退文. Found by the tryout of 2026-12-06 on the
bundled sample (机密-筑教发2026-15号…eml): its history said "初审：退文" while its page said
格式有误（涉密公文，不退文，转机要室办理）. Right values by hand."""
from __future__ import annotations

import shutil

from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger

from .test_batch import SAMPLES

SECRET = "机密-筑教发2026-15号-高考试卷保密管理.eml"
REPORT = "筑教呈2026-7号-上半年工作汇报.docx"  # an open document the samples return (7 findings)


def _history(root, name):
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    row = next(r for r in ledger.rows() if r["file"] == name)
    return row, [(h["status"], h["note"]) for h in ledger.history(row["id"])]


def test_a_classified_documents_history_never_says_it_was_returned(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(SAMPLES / "mail" / SECRET, root / "inbox" / "mail" / SECRET)
    shutil.copy(SAMPLES / "edoc" / REPORT, root / "inbox" / "edoc" / REPORT)
    run_batch(root)
    row, history = _history(root, SECRET)
    assert row["status"] == "routed" and row["department"] == "机要室"
    reviewed = [note for status, note in history if status == "reviewed"]
    assert reviewed == ["初审：格式有误（涉密公文，不退文，转机要室办理）"]
    assert not any("退文" in note and "不退文" not in note for _, note in history)
    # an open document the 初审 returns still says so
    row, history = _history(root, REPORT)
    assert row["status"] == "returned"
    assert [note for status, note in history if status == "reviewed"] == ["初审：退文"]


def test_validate_reaches_the_batchs_verdict_on_the_classified_sample(report_schema):
    """`shouwen validate` on the same sample said 初审结论：退文 (security.classified) and exited 1 (有退文): it now
    asks the batch's 机要 decision (pipelines/secrecy.decide) and says the batch's words, exit 0 (not returned,
    not 待复核: README/commands.md's codes). The open sample it returns still exits 1."""
    import json
    import subprocess
    import sys

    import jsonschema

    from .test_cli import ROOT

    def validate(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", *args], capture_output=True,
                              text=True, timeout=600, cwd=ROOT)

    done = validate(str(SAMPLES / "mail" / SECRET))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "初审结论：格式有误（涉密公文，不退文，转机要室办理）" in done.stdout, done.stdout
    assert "初审结论：退文" not in done.stdout
    done = validate("--format", "json", str(SAMPLES / "mail" / SECRET))
    report = json.loads(done.stdout)
    jsonschema.validate(report, report_schema)
    assert (report["verdict"], report["outcome"]) == ("return", "confidential")
    done = validate(str(SAMPLES / "edoc" / REPORT))
    assert done.returncode == 1 and "初审结论：退文" in done.stdout, done.stdout
