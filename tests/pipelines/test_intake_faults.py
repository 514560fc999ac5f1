"""Intake under hostile and unlucky inboxes (issue 9): classified variants never searchable, links and special
files never followed, odd names, files still being written, crashed intakes, two batches at once, a lost ledger.
Everything runs the real batch on a real data root (real docx, real SQLite, real processes)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.ledger import SQLiteLedger

from .. import builder
from ..pipelines.test_batch import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
# a real `shouwen run` starts Prefect's ephemeral server; on a loaded machine it needs longer than Prefect's 20 s
PREFECT_ENV = {"PREFECT_API_URL": "", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}
NOTICE = SAMPLES / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.2")


def _office(tmp_path) -> Path:
    root = tmp_path / "office"
    for channel in ("edoc", "fax", "scan", "mail"):
        (root / "inbox" / channel).mkdir(parents=True)
    return root


# ---- 1. classified documents: one decision, never searchable ---------------------------------------------------

# (密级 as written, a word only that document contains); the forms documents really carry
CLASSIFIED_VARIANTS = [("机密★1年", "鹦鹉"), ("机　密★1年", "孔雀"), ("密级：机密", "喜鹊"), ("秘密★6个月　特急", "黄鹂"),
                       ("绝 密★10年", "白鹭"), ("机密", "画眉"), ("密级：▇▇", "杜鹃")]


def test_classified_variants_through_the_real_batch_are_never_searchable(tmp_path):
    root = _office(tmp_path)
    for n, (secrecy, word) in enumerate(CLASSIFIED_VARIANTS):
        spec = builder.conformant_notice(secrecy=secrecy, doc_number=f"筑教发〔2026〕{40 + n}号",
                                         title=f"贵阳市教育局关于{word}专项工作的通知",
                                         body=[f"现将{word}专项工作有关事项通知如下。", "请各单位认真贯彻执行。"])
        builder.write_docx(spec, root / "inbox" / "edoc" / f"密{n}.docx")
    # the same in plain text, the level spaced as the 1999 layout does
    spec = builder.conformant_notice(secrecy="机　密★1年", doc_number="筑教发〔2026〕60号", title="贵阳市教育局关于鸬鹚专项工作的通知",
                                     body=["现将鸬鹚专项工作有关事项通知如下。"])
    builder.write_text(spec, root / "inbox" / "mail" / "密文本.txt")
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "普通.docx")  # an ordinary notice: searchable
    run_batch(root)
    index = open_index(root)
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    for word in [w for _, w in CLASSIFIED_VARIANTS] + ["鸬鹚"]:
        assert index.search(word) == [], f"a classified document with {word} reached the index"
    for name, row in rows.items():
        if name == "普通.docx":
            continue
        assert (row["status"], row["department"]) in (("routed", "机要室"), ("held", None)), (name, row["status"])
        assert row["status"] != "returned"
    held = rows["密6.docx"]  # 密级：▇▇ — a 密级 line whose level cannot be read
    assert held["status"] == "held" and "机要员" in held["reason"]
    assert [h.number for h in index.search("冬季")] == [rows["普通.docx"]["number"]]
    listing = subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(root)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert held["number"] not in listing.stdout  # the shared 登记簿 (the operator, a clerk): not there at all
    assert rows["普通.docx"]["number"] in listing.stdout
    from ..cli_accounts import confidential_env

    jiyao = subprocess.run([sys.executable, "-m", "pipelines.cli", "ledger", "--root", str(root)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, env=confidential_env(root))
    assert "待机要员核定" in next(line for line in jiyao.stdout.splitlines() if line.startswith(held["number"]))


def test_the_one_decision_reads_spaced_and_labelled_levels_and_holds_what_it_cannot_read(tmp_path):
    from pipelines.review import review_document
    from pipelines.secrecy import index_decision

    def decide(secrecy, **changes):
        path = builder.write_text(builder.conformant_notice(secrecy=secrecy, **changes), tmp_path / "x.txt")
        decision = index_decision(review_document(path.read_bytes(), path.name, channel="edoc"))
        return decision.kind, decision.level

    assert decide("机　密★1年") == ("classified", "机密")
    assert decide("密级：秘密") == ("classified", "秘密")
    assert decide("绝 密★10年") == ("classified", "绝密")
    assert decide("密级：▇▇")[0] == "held"
    assert decide(None) == ("open", None) and decide("内部") == ("open", None)
    # a title that begins with 秘密 is not a 密级 mark
    assert decide(None, title="贵阳市教育局关于秘密载体管理工作的通知") == ("open", None)


# ---- 2. only regular files inside the inbox ----------------------------------------------------------------------

def test_links_fifos_and_hard_links_are_quarantined_unread(tmp_path):
    root = _office(tmp_path)
    inbox = root / "inbox" / "edoc"
    outside = tmp_path / "elsewhere.docx"
    shutil.copy(NOTICE, outside)
    os.symlink("/etc/passwd", inbox / "口令.txt")
    os.symlink(outside, inbox / "外部.docx")
    os.mkfifo(inbox / "管道.pdf")
    os.link(outside, inbox / "硬链接.docx")
    shutil.copy(NOTICE, inbox / "正常.docx")
    summary = run_batch(root)
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert [r["file"] for r in rows] == ["正常.docx"]
    assert sorted(r.name for r in summary.refused) == sorted(["口令.txt", "外部.docx", "管道.pdf", "硬链接.docx"])
    quarantined = {p.name: p for p in (root / "quarantine").iterdir() if not p.name.endswith(".原因.txt")}
    links = [p for p in quarantined.values() if p.is_symlink()]
    assert sorted(os.readlink(p) for p in links) == sorted(["/etc/passwd", str(outside)])  # the links themselves moved
    assert any(p.is_fifo() for p in quarantined.values())
    reasons = " ".join(p.read_text(encoding="utf-8") for p in (root / "quarantine").glob("*.原因.txt"))
    assert "符号链接" in reasons and "硬链接" in reasons and "命名管道" in reasons
    passwd = Path("/etc/passwd").read_bytes()
    for path in (root / "archive").rglob("*"):
        assert not path.is_file() or path.read_bytes() != passwd
    assert not any((root / "inbox").rglob("*.*")), "nothing is left to block the inbox"


def test_a_link_swapped_in_after_the_scan_is_not_followed(tmp_path):
    from pipelines.inbox import scan
    from pipelines.intake import NotTaken, copy_in

    root = _office(tmp_path)
    path = root / "inbox" / "edoc" / "文件.docx"
    shutil.copy(NOTICE, path)
    (arrival,), _ = scan(root)
    path.unlink()
    os.symlink("/etc/passwd", path)  # the race: a link put in the file's place between scan and open
    with pytest.raises(NotTaken) as caught:
        copy_in(root, arrival)
    assert caught.value.refused and "符号链接" in caught.value.reason
    assert not [p for p in (root / "archive").rglob("*") if p.is_file()]


# ---- 4. names that are not UTF-8, names at the length limit -------------------------------------------------------

def test_gbk_and_254_byte_names_are_taken_in_and_kept(tmp_path):
    root = _office(tmp_path)
    inbox = os.fsencode(root / "inbox" / "edoc")
    gbk = "关于冬季安全的通知.docx".encode("gbk")
    long_name = ("很" * 83).encode() + b".docx"  # 249 + 5 = 254 bytes
    assert len(long_name) == 254
    for name, source in ((gbk, NOTICE), (long_name, SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx")):
        shutil.copy(source, os.path.join(inbox, name))
    shutil.copy(SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt", root / "inbox" / "mail" / "报告.txt")
    summary = run_batch(root)
    assert summary.received == 3 and not summary.refused
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    gbk_row = rows["关于冬季安全的通知.docx"]  # shown decoded, kept losslessly
    assert bytes.fromhex(gbk_row["file_raw"]) == gbk
    assert rows[long_name.decode()]["file_raw"] is None
    for path in (root / "received").rglob("*"):
        if path.is_file():
            assert len(os.fsencode(path.name)) <= 255 and path.suffix == (".txt" if "报告" in path.name else ".docx")
    assert all(r["status"] in ("indexed", "returned", "routed") for r in rows.values())


def test_safe_names_keep_the_extension_under_255_bytes():
    from pipelines.dataroot import safe_name
    from pipelines.inbox import display_name

    name = safe_name("2026-000001-", "文" * 90 + ".docx", "-重复1234567890123456789")
    assert len(name.encode()) <= 255 and name.endswith("-重复1234567890123456789.docx") and name.startswith("2026-000001-文")
    assert display_name("公文.pdf".encode("gbk")) == ("公文.pdf", "公文.pdf".encode("gbk").hex())
    assert display_name(b"\xff\xfe.pdf")[1] == "fffe2e706466"
    # short GBK names that happen to be valid UTF-8 (通知 reads as ֪ͨ) are read as GBK; real names stay
    assert display_name("通知.docx".encode("gbk")) == ("通知.docx", "通知.docx".encode("gbk").hex())
    for name in ("通知.docx", "Проект.docx", "résumé.pdf", "Ελλάδα.txt"):
        assert display_name(name.encode()) == (name, None)


# ---- 5. a file still being written -------------------------------------------------------------------------------

WRITER = """
import sys, time, pathlib
data = pathlib.Path(sys.argv[1]).read_bytes()
go = pathlib.Path(sys.argv[3])
with open(sys.argv[2], "wb") as out:
    out.write(data[: len(data) // 2]); out.flush()
    pathlib.Path(sys.argv[2] + ".started").touch()
    while not go.exists():
        time.sleep(0.05)
    for i in range(len(data) // 2, len(data), 4096):
        out.write(data[i:i + 4096]); out.flush(); time.sleep(0.01)
"""


def test_a_pdf_still_being_written_is_taken_once_and_whole(tmp_path):
    root = _office(tmp_path)
    source = SAMPLES / "edoc" / "筑教呈2026-5号-校舍维修资金请示.pdf"
    target = root / "inbox" / "edoc" / "请示.pdf"
    go = tmp_path / "go"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(source), str(target), str(go)])
    try:
        while not Path(str(target) + ".started").exists():
            assert writer.poll() is None
            time.sleep(0.05)
        Path(str(target) + ".started").unlink()
        first = run_batch(root)  # the writer holds the file open, half written
        assert (first.received, first.waiting) == (0, 1)
        assert target.exists() and not list((root / "quarantine").iterdir())
        go.touch()
        assert writer.wait(timeout=120) == 0
    finally:
        writer.kill()
    second = run_batch(root)
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert second.received == 1 and len(rows) == 1
    assert rows[0]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert rows[0]["status"] == "indexed" and rows[0]["pages"] >= 1


# ---- 6. crashed intakes' temporaries; the same file sent again under the same name ------------------------------

def test_crashed_intake_temporaries_are_removed_and_a_resend_is_a_duplicate(tmp_path):
    root = _office(tmp_path)
    # a copy into the archive and a registration sidecar, both cut off by a kill
    for stale in (root / "archive" / "ab" / "cd" / ".incoming-x1y2z3", root / "registrations" / "2026" / ".incoming-q9"):
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"half a copy")
        os.utime(stale, (time.time() - 60, time.time() - 60))
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    assert not list(root.rglob(".incoming-*"))
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")  # the sender sends it again, same name
    again = run_batch(root)
    assert (again.received, again.duplicates) == (0, 1)
    assert len(SQLiteLedger(root / "ledger.sqlite3").rows()) == 1
    assert len(list((root / "received" / "edoc").glob("*重复*"))) == 1


# ---- 7. one batch per data root -----------------------------------------------------------------------------------

def test_two_real_runs_at_once_the_second_is_refused(tmp_path):
    root = _office(tmp_path)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    env = {**os.environ, **PREFECT_ENV, "PREFECT_HOME": str(tmp_path / "prefect"),
           "SHOUWEN_SETTLE_SECONDS": "40"}  # the first run waits on the young file while it holds the lock
    command = [sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = root / ".batch.lock"
    while not (lock.exists() and lock.read_text(encoding="utf-8").strip()):
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 2 and "另一批收文正在处理" in second.stderr and "Traceback" not in second.stderr
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-2000:]
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert len(rows) == 1 and rows[0]["status"] == "indexed"
    history = SQLiteLedger(root / "ledger.sqlite3").history(rows[0]["id"])
    assert [h["status"] for h in history] == ["registered", "reviewed", "routed", "indexed"]  # done once


# ---- 9. an emptied ledger: refuse, rebuild, numbers kept ----------------------------------------------------------

def test_an_emptied_ledger_is_refused_then_rebuilt_with_its_numbers(tmp_path, capsys):
    root = _office(tmp_path)
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    shutil.copy(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", root / "inbox" / "edoc" / "汇报.docx")
    shutil.copy(SAMPLES / "edoc" / "传输中断-半截文件.pdf", root / "inbox" / "edoc" / "半截.pdf")
    run_batch(root)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    before = {r["sha256"]: (r["number"], r["status"], r["file"]) for r in ledger.rows()}
    ledger.close()
    assert sorted(s for _, s, _ in before.values()) == ["indexed", "quarantined", "returned"]
    for side in ("-wal", "-shm"):
        Path(str(root / "ledger.sqlite3") + side).unlink(missing_ok=True)
    (root / "ledger.sqlite3").write_bytes(b"")  # truncated to 0 bytes
    shutil.copy(SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt", root / "inbox" / "mail" / "报告.txt")
    refused = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300, env={**os.environ, **PREFECT_ENV})
    assert refused.returncode == 2 and "登记簿" in refused.stderr and "shouwen rebuild-ledger" in refused.stderr
    assert "Traceback" not in refused.stderr and (root / "inbox" / "mail" / "报告.txt").exists()
    assert (root / "ledger.sqlite3").stat().st_size == 0, "nothing was numbered again"
    assert main(["rebuild-ledger", "--root", str(root)]) == 0
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    after = {r["sha256"]: (r["number"], r["status"], r["file"]) for r in ledger.rows()}
    assert after == before
    ledger.close()
    summary = run_batch(root)
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert summary.received == 1 and sorted(r["seq"] for r in rows) == [1, 2, 3, 4]
    assert "已重建" in capsys.readouterr().out


def test_a_rebuilt_ledger_keeps_mail_seals_and_finds_a_later_copy(tmp_path):
    """After rebuild-ledger the ledger again shows who mailed a document and its OFD seals (read from the
    archived originals), and a copy arriving later is still found as the same 来文 (the same-document table
    rebuilt from the index's texts)."""
    root = _office(tmp_path)
    shutil.copy(SAMPLES / "mail" / "机密-筑教发2026-15号-高考试卷保密管理.eml", root / "inbox" / "mail" / "机密.eml")
    shutil.copy(SAMPLES / "edoc" / "筑交函2026-21号-农村公路养护资金.ofd", root / "inbox" / "edoc" / "函.ofd")
    shutil.copy(NOTICE, root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    before = {r["file"]: r for r in ledger.rows()}
    ledger.close()
    assert before["机密.eml"]["mail_from"] and before["函.ofd"]["seals"] == 1
    for side in ("-wal", "-shm"):
        Path(str(root / "ledger.sqlite3") + side).unlink(missing_ok=True)
    (root / "ledger.sqlite3").write_bytes(b"")
    assert main(["rebuild-ledger", "--root", str(root)]) == 0
    after = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    assert set(after) == set(before)  # the mail's attachment, archived beside it, is no 收文 of its own
    for column in ("mail_from", "mail_from_name", "mail_subject", "mail_message_id"):
        assert after["机密.eml"][column] == before["机密.eml"][column], column
    assert (after["函.ofd"]["seals"], after["函.ofd"]["seals_unchanged"]) == (1, 1)
    assert after["通知.docx"]["doc_number"] == "筑教发〔2026〕12号"  # read again from the indexed text
    copy = tmp_path / "copy.docx"
    copy.write_bytes(NOTICE.read_bytes() + b"\0")  # the same document, other bytes (a zip ignores the tail)
    shutil.copy(copy, root / "inbox" / "edoc" / "通知（重复报送）.docx")
    run_batch(root)
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    assert rows["通知（重复报送）.docx"]["status"] == "linked"
    assert rows["通知（重复报送）.docx"]["linked_to"] == rows["通知.docx"]["id"]
