"""A real Prefect flow run (ephemeral local API on SQLite) over the sample inbox."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_review_batch_flow_runs_for_real(tmp_path):
    samples = sorted(str(p) for p in (ROOT / "samples" / "inbox").glob("*/*"))
    code = ("import json, sys; from flows import review_batch; "
            "print(json.dumps(review_batch(sys.argv[1:], channel='edoc'), ensure_ascii=False))")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": "",
           "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true", "PREFECT_LOGGING_LEVEL": "WARNING",
           # a loaded machine (the suite, other jobs) can take minutes to start the ephemeral API: wait for it
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600"}
    result = subprocess.run([sys.executable, "-c", code, *samples], capture_output=True, text=True, timeout=900,
                            cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    results = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(results) == len(samples) == 9
    verdicts = sorted(r["report"]["verdict"] for r in results if "report" in r)
    assert verdicts == ["accept"] * 5 + ["return"] * 3  # the classified one sent by mail is returned by 初审
    assert sum(1 for r in results if r.get("report", {}).get("ocr")) == 2  # the fax and the scan
    errors = [r for r in results if "error" in r]
    assert len(errors) == 1 and "截断" in errors[0]["error"]
    assert (tmp_path / "prefect").exists()  # the flow run was recorded by Prefect's own API


def test_progress_lines_say_what_happened_and_how_long_is_left():
    from flows import progress_line
    from pipelines.batch import Outcome

    done = Outcome("收〔2026〕5号", "a.docx", "indexed", "accept", "文秘科")
    assert progress_line(5, 7, done) == "[5/7] 收〔2026〕5号 a.docx：已入检索（文秘科）"
    assert progress_line(10, 100, done, elapsed=20.0).endswith("约剩 3分00秒")  # 2 s a document, 90 to go
    assert progress_line(4, 100, done, elapsed=8.0).endswith("（文秘科）"), "no estimate from too few documents"
    failed = Outcome("收〔2026〕6号", "b.pdf", "failed", reason="OSError: 磁盘故障")
    assert progress_line(6, 7, failed) == "[6/7] 收〔2026〕6号 b.pdf：处理出错：OSError: 磁盘故障"
