"""The fault table (故障一览): what the clerk is told for each fault of the machine, made for real, said now.

Each fault is produced for real and the real command's first line of stderr (or the batch summary's line) is
recorded: a tmpfs mounted with too little room (root needed; a row says so where mounting is refused), the
same tmpfs filled to the last block, a data root bind-mounted read-only (`run`, and `ledger`/`search`, which
only read), a damaged ledger, a batch lock held by another process, Prefect's HTTP 500 as it reaches the batch,
a PDF cut off in transfer, names beginning with a dot. The lines are merged into bench/results/kill.json
under "faults" (the kill trials' file: one file, the latest run) and printed as a table.

    python bench/fault_table.py
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples" / "inbox"
NOTICE = SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"
ENV = {**os.environ, "PREFECT_API_URL": "", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
       "SHOUWEN_SETTLE_SECONDS": "0.1"}


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env=ENV)


def said(done: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in done.stderr.splitlines() if ln.strip() and not ln.startswith("数据目录：")]
    return (lines[0] if lines else done.stdout.strip().splitlines()[0] if done.stdout.strip() else "")[:400]


def prefect_500():
    """Prefect's own error for an HTTP 500 from its server, as the batch meets it."""
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    request = httpx.Request("POST", "http://127.0.0.1:4200/api/flow_runs/")
    try:
        httpx.Response(500, request=request).raise_for_status()
    except httpx.HTTPStatusError as exc:
        return PrefectHTTPStatusError.from_httpx_error(exc)


def mount(point: Path, *options: str) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", *options, str(point)], capture_output=True).returncode == 0


def main() -> None:
    from pipelines import faults
    from pipelines.batch import run_batch

    rows: list[dict] = []

    def row(fault: str, command: str, done_or_line, exit_code=None) -> None:
        if isinstance(done_or_line, subprocess.CompletedProcess):
            line, exit_code = said(done_or_line), done_or_line.returncode
        else:
            line = done_or_line
        rows.append({"fault": fault, "command": command, "exit": exit_code, "says": line})
        print(f"| {fault} | {command} | {exit_code} | {line} |", flush=True)

    with tempfile.TemporaryDirectory(prefix="fault-table-") as tmp:
        tmp = Path(tmp)
        mounted: list[Path] = []
        try:
            small = tmp / "small"
            if mount(small, "-t", "tmpfs", "-o", "size=29m", "tmpfs"):
                mounted.append(small)
                root = small / "office"
                (root / "inbox" / "edoc").mkdir(parents=True)
                shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
                row("磁盘仅剩 29 MB", "shouwen run", cli("run", "--root", str(root)))
                row("流程服务 HTTP 500，磁盘将满", "shouwen run（批处理中）",
                    faults.interrupted(prefect_500(), root, root / "prefect" / "prefect.log"), 2)
                with open(small / "fill", "wb") as f:
                    try:
                        while True:
                            f.write(b"\0" * 65536)
                            f.flush()
                    except OSError:
                        pass
                row("磁盘已满", "shouwen run", cli("run", "--root", str(root)))
            else:
                row("磁盘已满 / 不足", "shouwen run", "（未测：本机不能挂载 tmpfs，需要 root）")
            row("流程服务 HTTP 500，磁盘有空间", "shouwen run（批处理中）",
                faults.interrupted(prefect_500(), tmp, tmp / "prefect.log"), 2)

            root = tmp / "office"
            inbox = root / "inbox" / "edoc"
            inbox.mkdir(parents=True)
            shutil.copy(NOTICE, inbox / "通知.docx")
            (inbox / "...txt").write_text("测试", encoding="utf-8")
            (inbox / "..\\..\\etc\\passwd.txt").write_text("测试", encoding="utf-8")
            cut = SAMPLES / "edoc" / "筑教呈2026-5号-校舍维修资金请示.pdf"
            (inbox / "半截请示.pdf").write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
            os.environ["SHOUWEN_SETTLE_SECONDS"] = "0"
            summary = run_batch(root)
            lines = summary.lines()
            for needle, fault in (("...txt", "文件名以“.”开头"), ("passwd", "文件名为 ..\\..\\etc\\passwd.txt"),
                                  ("半截请示", "PDF 传了一半（刚写入）")):
                row(fault, "shouwen run（本批小结）", next((ln.strip() for ln in lines if needle in ln), "（未提及）"), 0)

            ro = tmp / "read-only"
            if mount(ro, "--bind", str(root)) and subprocess.run(
                    ["mount", "-o", "remount,bind,ro", str(ro)]).returncode == 0:
                mounted.append(ro)
                row("数据目录只读", "shouwen run", cli("run", "--root", str(ro)))
                done = cli("ledger", "--root", str(ro))
                row("数据目录只读", "shouwen ledger", f"正常列出（{len(done.stdout.splitlines())} 行）" if done.returncode == 0
                    else said(done), done.returncode)
                done = cli("search", "冬季学校安全", "--root", str(ro))
                row("数据目录只读", "shouwen search", f"正常检索（{len(done.stdout.splitlines())} 行）" if done.returncode == 0
                    else said(done), done.returncode)
            else:
                row("数据目录只读", "shouwen run", "（未测：本机不能只读挂载，需要 root）")

            hold = subprocess.Popen([sys.executable, "-c", "import sys,time\nfrom pathlib import Path\n"
                                     "from pipelines.batch_lock import batch_lock\nwith batch_lock(Path(sys.argv[1])):\n"
                                     "    print('held', flush=True); time.sleep(600)\n", str(root)],
                                    cwd=ROOT, env={**ENV, "TZ": "UTC", "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                                    text=True)
            hold.stdout.readline()
            row("另一批正在运行（服务器时钟 UTC）", "shouwen run", cli("run", "--root", str(root)))
            hold.kill()
            hold.wait()

            damaged = tmp / "damaged"
            shutil.copytree(root, damaged, ignore=shutil.ignore_patterns(".batch.lock"))
            for side in ("-wal", "-shm"):
                Path(f"{damaged / 'ledger.sqlite3'}{side}").unlink(missing_ok=True)
            (damaged / "ledger.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x13\x37" * 4000)
            row("登记簿损坏", "shouwen ledger", cli("ledger", "--root", str(damaged)))
        finally:
            for point in reversed(mounted):
                subprocess.run(["umount", "-l", str(point)], capture_output=True)

    out = ROOT / "bench" / "results" / "kill.json"
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data["faults"] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                      "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()], "rows": rows}
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{len(rows)} 种故障（{out}）")


if __name__ == "__main__":
    main()
