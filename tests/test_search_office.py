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

from . import es_stand_in

ROOT = Path(__file__).resolve().parents[1]
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
