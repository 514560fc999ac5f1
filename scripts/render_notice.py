"""Render the 退文通知单 the documentation shows (docs/rules/notice.png) from a real notice: the sample 工作汇报
(samples/inbox/edoc/筑教呈2026-7号-上半年工作汇报.docx, which breaks several rules) goes through a real batch
(pipelines.batch.run_batch, in this process) on a temporary data root configured as the samples' office; the notice
the batch writes to outbox/ is converted by LibreOffice (extractors/convert.py, sandboxed) and its first page drawn
by pdftoppm at 110 dpi.

    .venv/bin/python scripts/render_notice.py [--out docs/rules/notice.png]

Run it again when the notice's template or wording changes, LOOK at the PNG, and commit it with the change.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "inbox" / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "rules" / "notice.png"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from extractors.convert import convert_files
    from pipelines.batch import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        (root / "inbox" / "edoc").mkdir(parents=True)
        shutil.copy(SAMPLE, root / "inbox" / "edoc" / SAMPLE.name)
        office_toml = next((p for p in (ROOT / "samples").glob("*.toml")), None)  # the samples' office, where shipped
        if office_toml:
            shutil.copy(office_toml, root / "shouwen.toml")
        summary = run_batch(root)
        notices = sorted(p for p in (root / "outbox").rglob("*.docx") if not p.name.startswith("~"))
        if not notices:
            print(f"没有生成退文通知单：{summary}", file=sys.stderr)
            return 2
        pdf = next(iter(convert_files([notices[0]], "pdf", Path(tmp) / "pdf", timeout=300)))
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                       check=True)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f"{stem}.png", out)
        print(f"{notices[0].name} → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
