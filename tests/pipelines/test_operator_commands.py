"""What the second fresh-user tryout found around the operator's commands (tests/data/tryout-findings/FINDINGS.md F2, F4, F7,
F8, F9): the 机要员's decisions surviving rebuild-ledger and reindex, the old SQLite ledger after a migrate, a
missing search index, passwords in the messages. Real SQLite, the real embedded index, the real CLI; expected
values from the inputs (the titles' words, the numbers the batch gave)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests import builder

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environ = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}  # None: unset
    environ.setdefault("SHOUWEN_LEDGER_URL", "")
    if not environ["SHOUWEN_LEDGER_URL"]:
        del environ["SHOUWEN_LEDGER_URL"]
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, env=environ)


def _notice(root: Path, name: str, title: str, doc_number: str, secrecy: str | None = None) -> None:
    builder.write_text(builder.conformant_notice(title=title, doc_number=doc_number, secrecy=secrecy),
                       root / "inbox" / "edoc" / name)


def _office_with_decisions(tmp_path: Path) -> tuple[Path, dict]:
    """A data root after one batch over: 鸬鹚 (ordinary, then sent to the 机要室 by the clerk), 白鹭 (密级 unreadable,
    then released by the 机要员), 黑颈鹤 (机密, file name repeating the title), 灰鹤 (ordinary). Rows by word."""
    from pipelines.batch import run_batch
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    _notice(root, "a.txt", "贵阳市教育局关于鸬鹚保护工作的通知", "筑教发〔2026〕31号")
    _notice(root, "b.txt", "贵阳市教育局关于白鹭保护工作的通知", "筑教发〔2026〕32号", secrecy="密级：▇▇")
    _notice(root, "机密-黑颈鹤保护.txt", "贵阳市教育局关于黑颈鹤保护工作的通知", "筑教发〔2026〕33号", secrecy="机密★1年")
    _notice(root, "d.txt", "贵阳市教育局关于灰鹤保护工作的通知", "筑教发〔2026〕34号")
    run_batch(root)
    ledger = SQLiteLedger(root / "ledger.sqlite3")
    rows = {word: next(r for r in ledger.rows() if word in (r["title"] or ""))
            for word in ("鸬鹚", "白鹭", "黑颈鹤", "灰鹤")}
    ledger.close()
    assert rows["白鹭"]["status"] == "held" and rows["黑颈鹤"]["department"] == "机要室"
    from ..cli_accounts import confidential_env

    jiyao = confidential_env(root)  # 转机要室 and release are the 机要员's (an account)
    moved = _cli("route", rows["鸬鹚"]["number"], "机要室", root=root, env=jiyao)
    assert moved.returncode == 0, moved.stderr
    released = _cli("release", rows["白鹭"]["number"], root=root, env=jiyao)
    assert released.returncode == 0, released.stderr
    assert rows["白鹭"]["number"] in _cli("search", "白鹭", root=root).stdout
    return root, rows


def _states(root: Path) -> dict[str, tuple]:
    from pipelines.ledger import SQLiteLedger

    ledger = SQLiteLedger(root / "ledger.sqlite3")
    try:
        return {r["number"]: (r["status"], r["department"], r["route_source"]) for r in ledger.rows()}
    finally:
        ledger.close()


def _rebuild(root: Path) -> None:
    (root / "ledger.sqlite3").unlink()
    done = _cli("rebuild-ledger", root=root)
    assert done.returncode == 0, done.stderr


def test_rebuild_ledger_keeps_the_confidential_clerks_decisions_and_the_next_batch_keeps_them_out_of_search(tmp_path):
    from pipelines.batch import run_batch

    root, rows = _office_with_decisions(tmp_path)
    _rebuild(root)
    states = _states(root)
    assert states[rows["鸬鹚"]["number"]] == ("routed", "机要室", "classified")  # the clerk's 改送机要室
    assert states[rows["黑颈鹤"]["number"]] == ("routed", "机要室", "classified")  # the batch's 机要
    assert states[rows["白鹭"]["number"]][0] == "indexed"  # released, in the index
    assert len(states) == 4  # no new 收文编号
    shared = _cli("ledger", root=root).stdout
    assert "黑颈鹤" not in shared and "鸬鹚" not in shared  # neither title nor the file name 机密-黑颈鹤保护.txt
    run_batch(root)
    assert "共 0 条" in _cli("search", "鸬鹚", root=root).stderr
    assert rows["白鹭"]["number"] in _cli("search", "白鹭", root=root).stdout
    assert rows["灰鹤"]["number"] in _cli("search", "灰鹤", root=root).stdout
    assert _states(root)[rows["鸬鹚"]["number"]] == ("routed", "机要室", "classified")


def test_a_released_document_stays_released_when_ledger_and_index_are_both_rebuilt(tmp_path):
    """Without the index to say it was indexed, the rebuilt row is 已登记; the next batch reads the mark again and
    must honour the 机要员's release instead of holding it again."""
    from pipelines.batch import run_batch

    root, rows = _office_with_decisions(tmp_path)
    shutil.rmtree(root / "search-index")
    _rebuild(root)
    run_batch(root)
    states = _states(root)
    assert states[rows["白鹭"]["number"]][0] == "indexed"
    assert states[rows["鸬鹚"]["number"]] == ("routed", "机要室", "classified")
    assert rows["白鹭"]["number"] in _cli("search", "白鹭", root=root).stdout
    assert "共 0 条" in _cli("search", "鸬鹚", root=root).stderr


def test_reindex_keeps_a_document_the_confidential_clerk_released(tmp_path):
    """F8: reindex reads the text again and finds the unreadable 密级 mark: the 机要员's release still holds (and
    no false "原件无法读取" for an original that reads); a classified one stays out, saying why."""
    root, rows = _office_with_decisions(tmp_path)
    done = _cli("reindex", root=root)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert "原件无法读取" not in said
    assert "2 件入检索" in said  # 白鹭 (released) and 灰鹤; 鸬鹚 and 黑颈鹤 are the 机要室's
    assert rows["白鹭"]["number"] in _cli("search", "白鹭", root=root).stdout
    assert rows["灰鹤"]["number"] in _cli("search", "灰鹤", root=root).stdout
    assert "共 0 条" in _cli("search", "鸬鹚", root=root).stderr


def test_reindex_names_an_original_that_cannot_be_read(tmp_path):
    root, rows = _office_with_decisions(tmp_path)
    (root / rows["灰鹤"]["archive_path"]).unlink()
    said = _cli("reindex", root=root)
    assert f"{rows['灰鹤']['number']} 原件无法读取" in said.stdout + said.stderr
    assert f"{rows['白鹭']['number']} 原件无法读取" not in said.stdout + said.stderr


def test_after_migrate_the_old_sqlite_ledger_refuses_to_register_and_a_way_back_works(tmp_path, postgres_url):
    """F7: a batch run before the operator switched `[ledger] url` over must not number documents in the old file
    (the same 收文编号 twice); it says where the ledger is now. Migrating back into a new SQLite file works."""
    from pipelines.batch import run_batch
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    _notice(root, "a.txt", "贵阳市教育局关于鸬鹚保护工作的通知", "筑教发〔2026〕31号")
    run_batch(root)
    done = _cli("migrate", "--to", postgres_url, root=root, env={"SHOUWEN_LEDGER_URL": ""})
    assert done.returncode == 0, done.stderr

    _notice(root, "b.txt", "贵阳市教育局关于白鹭保护工作的通知", "筑教发〔2026〕32号")
    stale = _cli("run", root=root, env={"SHOUWEN_LEDGER_URL": ""})
    assert stale.returncode == 2, stale.stdout + stale.stderr
    assert "已迁移" in stale.stderr and "[ledger] url" in stale.stderr and "Traceback" not in stale.stderr
    assert (root / "inbox" / "edoc" / "b.txt").exists()  # not taken in
    old = SQLiteLedger(root / "ledger.sqlite3", create=False)
    assert [r["number"] for r in old.rows()] == ["收〔" + old.rows()[0]["number"][2:6] + "〕1号"]  # still one
    old.close()
    listed = _cli("ledger", root=root, env={"SHOUWEN_LEDGER_URL": ""})
    assert listed.returncode == 2 and "已迁移" in listed.stderr

    switched = _cli("run", root=root, env={"SHOUWEN_LEDGER_URL": postgres_url})
    assert switched.returncode == 0, switched.stderr
    numbers = _cli("ledger", root=root, env={"SHOUWEN_LEDGER_URL": postgres_url}).stdout
    assert "2号" in numbers and not (root / "inbox" / "edoc" / "b.txt").exists()

    back = tmp_path / "back.sqlite3"
    returned = _cli("migrate", "--from", postgres_url, "--to", f"sqlite:///{back}", root=root, env={"SHOUWEN_LEDGER_URL": ""})
    assert returned.returncode == 0, returned.stderr
    again = _cli("ledger", root=root, env={"SHOUWEN_LEDGER_URL": f"sqlite:///{back}"})
    assert again.returncode == 0, again.stderr
    assert "1号" in again.stdout and "2号" in again.stdout


def test_a_missing_search_index_is_said_not_answered_with_no_hits_and_the_next_batch_refills_it(tmp_path):
    """F9: search-index/ removed while the ledger lists documents 已入检索: `search` says so (exit 2) and names
    `shouwen reindex`; the next batch's 补入检索 sends them again."""
    from pipelines.batch import run_batch

    root, rows = _office_with_decisions(tmp_path)
    shutil.rmtree(root / "search-index")
    lost = _cli("search", "灰鹤", root=root)
    assert lost.returncode == 2, lost.stdout + lost.stderr
    assert "检索库不存在" in lost.stderr and "shouwen reindex" in lost.stderr and "共 0 条" not in lost.stderr
    run_batch(root)
    assert rows["灰鹤"]["number"] in _cli("search", "灰鹤", root=root).stdout
    assert rows["白鹭"]["number"] in _cli("search", "白鹭", root=root).stdout  # the released one too
    assert "共 0 条" in _cli("search", "鸬鹚", root=root).stderr  # the 机要室's stays out
    nothing = _cli("search", "不存在的词语", root=root)
    assert nothing.returncode == 0 and "共 0 条" in nothing.stderr  # an index with documents: no hits is no hits


SECRET = "Sup3rS3cret"
COMMANDS = [("config",), ("ledger",), ("search", "鸬鹚"), ("route", "收〔2026〕1号", "综合科"), ("release", "收〔2026〕1号"),
            ("run",), ("reindex",)]


def _bad_urls(tmp_path: Path) -> list[str]:
    return [f"postgresql+psycopg://shouwen:{SECRET}@db.office.lan/office",  # SQLAlchemy's spelling: refused
            f"mysql://shouwen:{SECRET}@db/office",
            f"postgresql://shouwen@/office?host={tmp_path}/no-server&password={SECRET}&sslmode=bogus",
            f"postgresql://shouwen@/office?host={tmp_path}/no-server&password={SECRET}"]


def test_no_command_prints_a_password_given_in_any_spelling_of_the_ledger_url(tmp_path):
    """F4: an unsupported scheme's user:password@ and libpq's ?password= are masked in every message."""
    root = tmp_path / "root"
    root.mkdir()
    for url in _bad_urls(tmp_path):
        for command in COMMANDS:
            done = _cli(*command, root=root, env={"SHOUWEN_LEDGER_URL": url})
            said = done.stdout + done.stderr
            assert SECRET not in said, (url, command, said)
            assert "Traceback" not in said, (url, command, said)
            assert done.returncode == (0 if command == ("config",) and url.startswith("postgresql://") else 2), said
        moved = _cli("migrate", "--to", url, root=root)
        assert SECRET not in moved.stdout + moved.stderr and moved.returncode == 2, (url, moved.stderr)
        back = _cli("migrate", "--from", url, "--to", f"sqlite:///{tmp_path}/back.sqlite3", root=root)
        assert SECRET not in back.stdout + back.stderr and back.returncode == 2, (url, back.stderr)


def test_config_masks_a_password_parameter_of_a_working_ledger_url(tmp_path, postgres_url):
    url = f"{postgres_url}&password={SECRET}" if "?" in postgres_url else f"{postgres_url}?password={SECRET}"
    shown = _cli("config", root=tmp_path, env={"SHOUWEN_LEDGER_URL": url})
    assert shown.returncode == 0, shown.stderr
    assert SECRET not in shown.stdout + shown.stderr and "password=***" in shown.stdout
    listed = _cli("ledger", root=tmp_path, env={"SHOUWEN_LEDGER_URL": url})
    assert SECRET not in listed.stdout + listed.stderr


def test_an_unreachable_search_service_is_named_without_its_password(tmp_path):
    """F4 for [index] url: an Elasticsearch address with user:password@ (a port nothing listens on)."""
    import socket

    with socket.socket() as free:  # a port that was free a moment ago: nothing listens there
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    SQLiteLedger(root / "ledger.sqlite3").close()  # an office with a ledger: search goes on to the index
    url = f"http://elastic:{SECRET}@127.0.0.1:{port}"
    for command in (("config",), ("search", "鸬鹚"), ("reindex",)):
        done = _cli(*command, root=root, env={"SHOUWEN_INDEX_URL": url})
        assert SECRET not in done.stdout + done.stderr, (command, done.stdout + done.stderr)
        assert "Traceback" not in done.stderr
        if command != ("config",):
            assert done.returncode == 2 and "检索服务 http://127.0.0.1" in done.stderr, done.stderr
