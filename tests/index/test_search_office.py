"""Search in the office's data root: `shouwen search` and `shouwen reindex` on a real batch; the batch goes on
when the search service is down and the documents reach the index at the next batch (catch-up)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import open_index
from index.tantivy_index import INDEX_DIR
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger

from .. import es_stand_in

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "inbox"
FILES = ["edoc/筑教发2026-12号-冬季学校安全工作通知.docx", "edoc/筑交函2026-21号-农村公路养护资金.ofd",
         "mail/机密-筑教发2026-15号-高考试卷保密管理.eml", "mail/筑教呈2026-6号-开学工作报告.txt"]


def _office(tmp_path: Path) -> Path:
    root = tmp_path / "office"
    for name in FILES:
        (root / "inbox" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / name, root / "inbox" / name)
    return root


def shouwen(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    root = _office(tmp_path_factory.mktemp("search-office"))
    run_batch(root)
    return root


def _numbers(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines() if line.startswith("收〔")]


def test_search_reindex_restores_a_deleted_index(office):
    rows = {r["file"]: r for r in SQLiteLedger(office / "ledger.sqlite3").rows()}
    winter = rows["筑教发2026-12号-冬季学校安全工作通知.docx"]["number"]
    first = shouwen("search", "冬季", "--root", str(office))
    assert first.returncode == 0 and _numbers(first.stdout) == [winter] and "【冬季】" in first.stdout
    shutil.rmtree(office / INDEX_DIR)
    assert _numbers(shouwen("search", "冬季", "--root", str(office)).stdout) == []
    rebuilt = shouwen("reindex", "--root", str(office))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "重建检索库：登记簿中已入检索 3 件" in rebuilt.stdout and "重建完成：3 件入检索" in rebuilt.stdout
    assert _numbers(shouwen("search", "冬季", "--root", str(office)).stdout) == [winter]
    # the classified notice was never indexed, and the rebuild did not put it in either
    assert _numbers(shouwen("search", "试卷", "--root", str(office)).stdout) == []
    assert open_index(office).count() == 3


def test_a_corrupt_index_is_rebuilt_by_reindex(office):
    (office / INDEX_DIR / "meta.json").write_text("garbage")
    broken = shouwen("search", "冬季", "--root", str(office))
    assert broken.returncode == 2 and "shouwen reindex" in broken.stderr and "Traceback" not in broken.stderr
    assert shouwen("reindex", "--root", str(office)).returncode == 0
    assert len(_numbers(shouwen("search", "冬季", "--root", str(office)).stdout)) == 1


@pytest.mark.parametrize("query", ["〔〕", "***", "x" * 3])
def test_unsearchable_or_odd_queries_never_give_a_traceback(office, query):
    result = shouwen("search", query, "--root", str(office))
    assert "Traceback" not in result.stderr
    if query == "x" * 3:
        assert result.returncode == 0
    else:
        assert result.returncode == 2 and "请输入要检索的字词" in result.stderr


def test_a_long_paste_is_searched_by_its_beginning_with_a_notice(office):
    index = open_index(office)
    doc_id = index.search("冬季")[0].id
    title, text = index.stored_texts([doc_id])[doc_id]
    paste = (text + "\n") * (1 + 10000 // len(text))  # the clerk pastes a long stretch of the notice
    result = shouwen("search", paste, "--root", str(office))
    assert result.returncode == 0 and "过长" in result.stderr
    assert [h.id for h in index.search(paste)] == [doc_id]


def test_search_down_during_the_batch_stand_in(tmp_path, monkeypatch):
    """Elasticsearch (the stand-in server) down for a whole batch: nothing fails; the next batch indexes it
    all. Then a document the ledger shows indexed but the index lost is sent again (catch-up)."""
    server, state, url = es_stand_in.start()
    monkeypatch.setenv("SHOUWEN_INDEX_URL", url + "/shouwen")
    root = _office(tmp_path)
    state.down = True
    summary = run_batch(root)
    assert summary.count("failed") == 0
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert sorted(r["status"] for r in rows) == ["routed"] * 4  # three to index, one classified (机要室)
    state.down = False
    run_batch(root)
    rows = {r["id"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    indexed = {i for i, r in rows.items() if r["status"] == "indexed"}
    assert len(indexed) == 3
    index = open_index(root, url + "/shouwen")
    assert index.ids() == indexed and index.search("试卷") == []
    lost = min(indexed)
    index.remove(lost)  # e.g. the cluster restored from an older snapshot
    run_batch(root)
    assert index.ids() == indexed
    server.shutdown()


@pytest.mark.parametrize("limit", ["0", "-1", "十"])
def test_a_limit_that_is_not_a_positive_number_is_refused_in_chinese(office, limit):
    done = shouwen("search", "通知", "--limit", limit, "--root", str(office))
    assert done.returncode == 2 and "正整数" in done.stderr and "Traceback" not in done.stderr


# -- 退文 are searchable (issue 19 point 6) -----------------------------------------------------------------

RETURNS = "edoc/筑教呈2026-7号-上半年工作汇报.docx"  # 汇报 is no 文种: returned (退文)
ROUTES = "edoc/筑教呈2026-5号-校舍维修资金请示.pdf"


def _add(root: Path, *names: str) -> None:
    for name in names:
        (root / "inbox" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / name, root / "inbox" / name)


def _row(root: Path, file: str) -> dict:
    return next(r for r in SQLiteLedger(root / "ledger.sqlite3").rows() if r["file"] == file.split("/")[-1])


def test_a_returned_document_is_found_by_its_title_with_its_status_and_a_filter(tmp_path):
    """A sender calls about a 退文; the clerk searches its title and finds it, marked 退文; --status returned
    finds only 退文; the classified notice stays out whatever the filter."""
    root = _office(tmp_path)
    _add(root, RETURNS)
    run_batch(root)
    returned = _row(root, RETURNS)
    assert returned["status"] == "returned"
    found = shouwen("search", "上半年工作", "--root", str(root))
    assert found.returncode == 0 and _numbers(found.stdout) == [returned["number"]]
    assert f"{returned['number']}  贵阳市教育局关于2026年上半年工作情况的汇报（退文）" in found.stdout
    assert "状态：退文 1" in found.stderr
    only = shouwen("search", "贵阳市教育局", "--status", "returned", "--root", str(root))
    assert _numbers(only.stdout) == [returned["number"]]
    others = shouwen("search", "贵阳市教育局", "--status", "indexed", "--root", str(root))
    assert returned["number"] not in _numbers(others.stdout) and len(_numbers(others.stdout)) == 2
    secret = _row(root, FILES[2])
    for status in ("returned", "indexed"):
        assert secret["number"] not in shouwen("search", "试卷", "--status", status, "--root", str(root)).stdout
    # withdrawn (撤回): routed and indexed, no longer shown as 退文
    assert shouwen("withdraw", returned["number"], "--reason", "来文单位电话说明，文种按报告处理", "--root", str(root)).returncode == 0
    again = shouwen("search", "上半年工作", "--root", str(root))
    assert _numbers(again.stdout) == [returned["number"]] and "（退文）" not in again.stdout


# -- a damaged index never stops intake (issue 19 point 4) ---------------------------------------------------

def _overwrite_a_segment_file(root: Path) -> None:
    store = max((root / INDEX_DIR).glob("*.store"), key=lambda p: p.stat().st_size)
    data = bytearray(store.read_bytes())
    data[len(data) // 4: len(data) // 2] = b"\x00" * (len(data) // 2 - len(data) // 4)
    store.write_bytes(bytes(data))


DAMAGED_LINE = "检索库已损坏，请运行 shouwen reindex 重建（登记、初审、退文和分办不受影响）"
FOREIGN = ("Traceback", "panicked", "PanicException", "UnicodeDecodeError", "ValueError", "Error", "corrupt")


@pytest.mark.parametrize("damage", ["segment", "meta"])
def test_a_damaged_index_is_said_in_one_line_and_the_batch_goes_on(tmp_path, damage):
    root = _office(tmp_path)
    run_batch(root)
    if damage == "segment":
        _overwrite_a_segment_file(root)
    else:
        (root / INDEX_DIR / "meta.json").write_text('{"segments": [], "schema": [], "opstamp": 0}')
    search = shouwen("search", "冬季", "--root", str(root))
    assert search.returncode == 2 and search.stdout == "" and search.stderr == f"shouwen: {DAMAGED_LINE}\n"
    _add(root, RETURNS, ROUTES)
    batch = shouwen("run", "--root", str(root))
    out = batch.stdout + batch.stderr
    assert batch.returncode == 0, out
    assert out.count("检索库已损坏") == 1 and "本批 2 件暂未入检索" in out, out
    assert not any(word in out for word in FOREIGN), out
    # registered, reviewed, returned (its notice written) and routed as ever
    returned, routed = _row(root, RETURNS), _row(root, ROUTES)
    assert returned["status"] == "returned" and (root / returned["return_path"]).is_file()
    assert routed["status"] == "routed" and routed["department"] not in (None, "机要室")
    assert "未入检索" in SQLiteLedger(root / "ledger.sqlite3").history(routed["id"])[-1]["note"]
    # shouwen reindex mends it, and the next batch indexes what this one could not
    rebuilt = shouwen("reindex", "--root", str(root))
    assert rebuilt.returncode == 0 and "重建完成" in rebuilt.stdout, rebuilt.stderr
    assert shouwen("run", "--root", str(root)).returncode == 0
    assert _row(root, ROUTES)["status"] == "indexed"
    assert _numbers(shouwen("search", "校舍维修专项资金", "--root", str(root)).stdout) == [routed["number"]]
    assert _numbers(shouwen("search", "上半年工作", "--root", str(root)).stdout) == [returned["number"]]


# -- reindex and the batch exclude each other (issue 19 point 5) --------------------------------------------

HOLD = r"""
import sys, time
from pipelines.batch_lock import batch_lock
with batch_lock(sys.argv[1], *sys.argv[2:]):
    print("held", flush=True)
    time.sleep(60)
"""


def _holding(root: Path, *purpose: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root), *purpose], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_reindex_waits_for_no_batch_and_a_batch_never_runs_during_a_reindex(office):
    batch = _holding(office)  # a batch under way (the lock `shouwen run` takes)
    try:
        refused = shouwen("reindex", "--root", str(office))
        assert refused.returncode == 2 and "另一批收文正在处理这个数据目录" in refused.stderr and "本次未运行" in refused.stderr
        assert "重建完成" not in refused.stdout
    finally:
        batch.kill()
        batch.wait()
    rebuild = _holding(office, "重建检索库")  # a reindex under way
    try:
        refused = shouwen("run", "--root", str(office))
        assert refused.returncode == 2 and "这个数据目录正在重建检索库" in refused.stderr
    finally:
        rebuild.kill()
        rebuild.wait()


def test_what_the_desk_changes_during_a_reindex_is_in_the_rebuilt_index(tmp_path):
    """A 撤回 (withdraw) and a 改办 to the 机要室 made at the desk while the rebuild reads the archive reach the
    old index; the rebuilt one is brought up to date before the command ends."""
    from pipelines import desk
    from pipelines.actors import Actor
    from pipelines.office import Office

    root = _office(tmp_path)
    _add(root, RETURNS)
    run_batch(root)
    returned, winter = _row(root, RETURNS), _row(root, FILES[0])
    done = []
    with Office.open(root) as office:
        def say(line: str) -> None:
            if line.startswith("  已读取") and not done:  # the rebuild is under way
                desk.withdraw(office, returned["number"], "来文单位电话说明")
                desk.route(office, winter["number"], "机要室", "机要员告知：含涉密附件", actor=Actor("li", "confidential"))
                done.append(line)

        desk.reindex(office, say=say)
        assert done
        index = open_index(root)
        assert winter["id"] not in index.ids() and index.search("冬季") == []
        assert [h.fields["status"] for h in index.search("上半年工作")] == ["indexed"]
