"""A real Prefect flow run (ephemeral local API on SQLite) over the sample inbox."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_review_batch_flow_runs_for_real(tmp_path):
    samples = sorted(str(p) for p in (ROOT / "samples" / "inbox").glob("*/*"))
    code = ("import json, sys; from flows import review_batch; "
            "print(json.dumps(review_batch(sys.argv[1:], channel='edoc'), ensure_ascii=False))")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": "",
           "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true", "PREFECT_LOGGING_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", code, *samples], capture_output=True, text=True, timeout=300,
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
