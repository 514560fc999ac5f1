"""The batch on a real data root: 签收 → 登记 → 初审 → 退文 | 分办 → 检索, nothing lost, even when killed."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from pipelines.routing import load_rules, route

from .. import builder

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "inbox"


@pytest.fixture
def office(tmp_path):
    root = tmp_path / "office"
    shutil.copytree(SAMPLES, root / "inbox")
    return root


def test_a_batch_registers_reviews_returns_routes_and_indexes(office):
    summary = run_batch(office)
    ledger = SQLiteLedger(office / "ledger.sqlite3")
    rows = {r["file"]: r for r in ledger.rows()}
    assert summary.received == len(rows) == 9
    assert sorted(r["seq"] for r in rows.values()) == list(range(1, 10))
    statuses = sorted(r["status"] for r in rows.values())
    assert statuses == ["indexed"] * 5 + ["quarantined"] + ["returned"] * 2 + ["routed"]
    # the classified one goes to the 机要室 and never into the index
    secret = rows["机密-筑教发2026-15号-高考试卷保密管理.eml"]
    assert secret["department"] == "机要室" and secret["status"] == "routed" and secret["route_source"] == "classified"
    index = open_index(office)
    # five routed and indexed, and the two 退文: searchable too, with their status (issue 19.6)
    assert index.search("试卷保密") == [] and index.count() == 7
    assert sorted(index.stored_documents(index.ids())[r["id"]][2]["status"] for r in rows.values()
                  if r["status"] in ("indexed", "returned")) == ["indexed"] * 5 + ["returned"] * 2
    # the 函 no rule covers goes to the 办公室 for a person, and says so
    letter = rows["筑交函2026-21号-农村公路养护资金.ofd"]
    assert letter["department"] == "办公室" and letter["route_source"] == "fallback" and "人工分办" in letter["route_reason"]
    assert [h.number for h in index.search("开学工作")] == [rows["筑教呈2026-6号-开学工作报告.txt"]["number"]]
    # returns: a 退文通知单 in 公文 form and the JSON report, in the sender's outbox folder
    returned = [r for r in rows.values() if r["status"] == "returned"]
    for row in returned:
        notice = office / "outbox" / "贵阳市教育局" / f"{row['number']}-退文通知单.docx"
        text = "\n".join(p.text for p in docx.Document(str(notice)).paragraphs)
        assert "退文通知单" in text and row["number"] in text and "贵阳市教育局：" in text
        report = json.loads((notice.parent / f"{row['number']}-审核意见.json").read_text(encoding="utf-8"))
        assert report["verdict"] == "return" and all(f["message"] in text for f in report["findings"])
    # the broken file: quarantined with its reason, the original still archived
    broken = rows["传输中断-半截文件.pdf"]
    assert "截断" in broken["reason"]
    assert list((office / "quarantine").glob("*.原因.txt"))
    copy = next(p for p in (office / "quarantine").iterdir() if p.name.endswith("传输中断-半截文件.pdf"))
    archived = office / broken["archive_path"]
    assert copy.read_bytes() == archived.read_bytes()  # the clerk's copy, byte for byte…
    assert copy.stat().st_ino == archived.stat().st_ino  # …stored once (a 200 MB file is not kept twice)
    # every original is archived, read-only, byte for byte; the inbox is empty
    for row in rows.values():
        kept = office / row["archive_path"]
        assert kept.is_file() and not (kept.stat().st_mode & 0o222)
    assert not any(p.is_file() for p in (office / "inbox").rglob("*"))
    history = ledger.history(rows["筑教呈2026-5号-校舍维修资金请示.pdf"]["id"])
    assert [h["status"] for h in history] == ["registered", "reviewed", "routed", "indexed"]


def test_the_same_file_again_is_not_registered_twice(office):
    run_batch(office)
    again = office / "inbox" / "mail" / "再次发送.docx"
    shutil.copy(next((office / "received" / "edoc").glob("*冬季学校安全工作通知.docx")), again)
    summary = run_batch(office)
    assert (summary.received, summary.duplicates, len(summary.outcomes)) == (0, 1, 0)
    ledger = SQLiteLedger(office / "ledger.sqlite3")
    assert len(ledger.rows()) == 9
    first = next(r for r in ledger.rows() if r["file"] == "筑教发2026-12号-冬季学校安全工作通知.docx")
    assert f"  重复收到 再次发送.docx：与 {first['number']} 为同一文件，未再登记" in summary.lines()  # which, said
    assert any("再次收到同一文件（电子邮件收件箱：再次发送.docx）" in (h["note"] or "") for h in ledger.history(first["id"]))


def test_routing_follows_the_rules_and_says_why():
    rules = load_rules()
    assert route({"doc_type": "请示", "title": "关于拨付资金的请示"}, "", "edoc", rules).department == "文秘科"
    urgent = route({"doc_type": "通知", "urgency": "特急", "title": "关于防汛的通知"}, "", "fax", rules)
    assert urgent.department == "值班室" and "紧急" in urgent.reason
    assert route({"doc_type": "函", "title": "关于邀请参加座谈会议的函"}, "", "edoc", rules).department == "办公室"
    assert route({"doc_type": "通知", "title": "关于转办群众来信的通知"}, "市民来信来访反映……", "mail", rules).department == "信访局"
    fallback = route({"doc_type": "公告", "title": "关于某事项的公告"}, "", "edoc", rules)
    assert fallback.department == "办公室" and "人工" in fallback.reason
    assert route({"doc_type": "通知"}, "", "edoc", rules, classified=True).department == "机要室"


def test_the_office_edits_its_own_routing_rules(tmp_path):
    (tmp_path / "routing.toml").write_text('[[rule]]\ndepartment = "教育科"\nreason = "教育事项"\nissuer = ["教育局"]\n',
                                           encoding="utf-8")
    assert route({"issuer": "贵阳市教育局", "title": "x"}, "", "edoc", load_rules(tmp_path)).department == "教育科"


def _ledger_counts(path: Path) -> tuple[int, int]:
    """(registered, in a final state), read without disturbing the batch. A classified document's final
    state is routed (to the 机要室): it never enters the index."""
    if not path.exists():
        return 0, 0
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        rows = conn.execute("SELECT CASE WHEN department = '机要室' THEN 'indexed' ELSE status END FROM documents").fetchall()
        conn.close()
    except sqlite3.OperationalError:  # the table is not there yet
        return 0, 0
    return len(rows), sum(1 for (status,) in rows if status in ("returned", "indexed", "quarantined"))


def test_a_real_batch_killed_at_any_moment_is_finished_by_the_next(tmp_path):
    """`shouwen run` (the Prefect flow and its two worker processes) killed with kill -9 at several points —
    starting up, during intake, with the first documents done, halfway — then run again: every input ends
    registered exactly once and in exactly one final state, and no worker outlives its batch."""
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    count = 16
    for i in range(count):
        spec = builder.conformant_notice(doc_number=f"筑教发〔2026〕{i + 1}号", title=f"贵阳市教育局关于第{i + 1}项工作的通知")
        builder.write_docx(spec, inbox / f"文件{i:02d}.docx")
    shutil.copy(SAMPLES / "edoc" / "传输中断-半截文件.pdf", inbox / "半截.pdf")
    (root / "inbox" / "fax").mkdir()
    shutil.copy(next((SAMPLES / "fax").iterdir()), root / "inbox" / "fax" / "传真.tif")
    total = count + 2
    env = {**os.environ, "PREFECT_API_URL": ""}
    command = [sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)]
    ledger = root / "ledger.sqlite3"
    kill_when = [lambda: True,  # while Python and Prefect start
                 lambda: _ledger_counts(ledger)[0] >= 1,  # intake under way
                 lambda: _ledger_counts(ledger)[1] >= 1,  # the first documents done
                 lambda: _ledger_counts(ledger)[1] >= total // 2]
    for moment in kill_when:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 120
        while not moment() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
    final = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-2000:]
    rows = SQLiteLedger(ledger).rows()
    assert len(rows) == total and len({r["sha256"] for r in rows}) == total
    assert sorted(r["seq"] for r in rows) == list(range(1, total + 1))
    assert sorted(r["status"] for r in rows) == ["indexed"] * (count + 1) + ["quarantined"]
    archived = [p for p in (root / "archive").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(archived) == total
    assert open_index(root).count() == count + 1
    assert not list(root.glob("inbox/*/*")), "every input was taken out of the inbox"
    assert not list(root.rglob(".incoming-*")), "a killed intake's temporary was left behind"
    time.sleep(1)
    assert not _workers_of(root), "a worker outlived its batch"


def _workers_of(root: Path) -> list[str]:
    """Worker processes (multiprocessing spawn children) still running for this data root."""
    return processes_of("spawn_main", root / "prefect")


def processes_of(command: str, prefect_home: Path) -> list[str]:
    """Pids of running processes whose command line has `command` and whose Prefect home is this one."""
    found = []
    for pid in subprocess.run(["pgrep", "-f", command], capture_output=True, text=True).stdout.split():
        try:
            if f"PREFECT_HOME={prefect_home}".encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(pid)
        except OSError:
            pass  # gone meanwhile
    return found


def test_cli_run_ledger_and_search_for_real(tmp_path):
    """`shouwen run` through the real Prefect flow (ephemeral local API), then the ledger and search commands."""
    root = tmp_path / "office"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=600)

    run = cli("run", "--root", str(root), "--samples")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "本批收文 9 件" in run.stdout and "退文 2 件" in run.stdout and "隔离 1 件" in run.stdout
    assert "分办 机要室：1 件" in run.stdout
    assert "[9/9]" in run.stderr
    assert "高考试卷保密管理" not in run.stderr + run.stdout  # a classified document's file name repeats its title
    assert "（涉密公文，文件名不予显示）：已分办（机要室）" in run.stderr
    ledger = [json.loads(line) for line in cli("ledger", "--root", str(root), "--json").stdout.splitlines()]
    assert len(ledger) == 8  # the 机要室's one is not in the operator's (a clerk's) 登记簿 at all
    assert "机要室" not in {r["department"] for r in ledger} and "高考试卷保密管理" not in json.dumps(ledger, ensure_ascii=False)
    for field in ("number", "received_at", "channel", "file", "sha256", "issuer", "doc_number", "doc_type", "title",
                  "verdict", "department", "status"):
        assert field in ledger[0]
    hits = [json.loads(line) for line in cli("search", "校舍", "维修", "--root", str(root), "--json").stdout.splitlines()]
    assert hits and all("【校舍】" in h["snippet"] for h in hits)
    # the 请示 routed and indexed; the 汇报 that mention 校舍维修 are 退文, found with that status (issue 19.6)
    assert all(h["doc_type"] == "请示" for h in hits if h["status"] == "indexed")
    assert {h["status"] for h in hits} == {"indexed", "returned"}
    by_number = {r["number"]: r for r in ledger}
    for hit in hits:  # each hit carries the ledger's fields beside its score and snippet
        assert {k: hit[k] for k in ("sha256", "file", "doc_number", "received_at")} == \
            {k: by_number[hit["number"]][k] for k in ("sha256", "file", "doc_number", "received_at")}
        assert isinstance(hit["score"], float)
    assert cli("search", "校舍", "--root", str(root), "--doc-type", "通知", "--json").stdout.count("\n") == 1
    notice = next(r for r in ledger if "冬季" in (r["title"] or ""))
    from pipelines.ledger import SQLiteLedger

    secret = next(r for r in SQLiteLedger(root / "ledger.sqlite3").rows() if r["department"] == "机要室")
    unseen = cli("route", secret["number"], "综合科", "--root", str(root))  # not there for the operator (a clerk)
    assert unseen.returncode == 2 and "登记簿中没有" in unseen.stderr and "高考试卷" not in unseen.stderr
    from ..cli_accounts import confidential_env

    refused = subprocess.run([sys.executable, "-m", "pipelines.cli", "route", secret["number"], "综合科", "--root",
                              str(root)], capture_output=True, text=True, cwd=ROOT, timeout=600, env=confidential_env(root))
    assert refused.returncode == 2 and "机要室" in refused.stderr, "a classified document stays with the 机要室"
    moved = cli("route", notice["number"], "综合科", "--root", str(root))
    assert moved.returncode == 0 and "改送综合科" in moved.stdout
    assert [json.loads(h)["number"] for h in cli("search", "冬季", "--root", str(root), "--department", "综合科", "--json")
            .stdout.splitlines()] == [notice["number"]]
    after = {json.loads(line)["number"]: json.loads(line) for line in cli("ledger", "--root", str(root), "--json").stdout.splitlines()}
    assert after[notice["number"]]["department"] == "综合科" and "改办" in after[notice["number"]]["route_reason"]
    returned = next(r for r in ledger if r["status"] == "returned")
    assert cli("route", returned["number"], "综合科", "--root", str(root)).returncode == 2


def test_a_document_failing_on_our_side_waits_for_the_next_batch_and_the_batch_goes_on(tmp_path):
    """A registered document whose archived original has gone missing (a disk fault, not the sender's): the
    flow retries it, reports it as 出错, leaves it unfinished for the next batch, and finishes the others."""
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    shutil.copy(SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx", root / "inbox" / "edoc" / "通知.docx")
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    lost = ledger.register(sha256="0" * 64, file="丢失.pdf", channel="edoc", archive_path="archive/00/00/missing.pdf")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "出错 1 件（下批自动重试）" in run.stdout and "通过初审 1 件" in run.stdout
    assert "丢失.pdf：处理出错" in run.stderr and "FileNotFoundError" in run.stderr
    row = ledger.get(lost.id)
    assert row["status"] == "registered" and "下批自动重试" in ledger.history(lost.id)[-1]["note"]
    assert [r["id"] for r in ledger.unfinished()] == [lost.id]
