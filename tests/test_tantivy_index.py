"""The embedded index directory survives a killed writer (real SIGKILL), two writing processes, and says in
Chinese when it cannot be opened."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index import IndexUnavailable, open_index
from index.tantivy_index import INDEX_DIR

ROOT = Path(__file__).resolve().parents[1]

WRITER = r"""
import sys
from index import Doc, open_index
root, mode = sys.argv[1], sys.argv[2]
index = open_index(root)
if mode == "bulk":
    index.add_many(Doc(i, f"关于第{i}号校舍维修的请示", "校舍维修专项资金。" * 50, {"doc_type": "请示"}) for i in range(1, 51))
    print("committed", flush=True)
    def forever():
        i = 1000
        while True:
            i += 1
            if i == 1200:
                print("writing", flush=True)
            yield Doc(i, f"关于第{i}号防汛工作的通知", "防汛抗旱工作。" * 200, {"doc_type": "通知"})
    index.add_many(forever(), commit_every=10**9)   # never commits: killed while writing
elif mode == "single":
    i = 5000
    while True:
        i += 1
        index.add(i, title=f"关于第{i}号冬季供暖的函", body="冬季供暖。", doc_type="函")
        print(i, flush=True)   # printed only after the commit returned
else:
    start = int(mode)
    for i in range(start, start + 15):
        index.add(i, title=f"关于第{i}号农村公路养护的函", body="农村公路养护资金。", doc_type="函")
    print("done", flush=True)
"""


def _writer(root: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), mode], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def test_a_writer_killed_in_the_middle_of_a_bulk_write_leaves_the_last_commit(tmp_path):
    proc = _writer(tmp_path, "bulk")
    assert proc.stdout.readline().strip() == "committed"
    assert proc.stdout.readline().strip() == "writing"  # 200 documents into the uncommitted segment
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    index = open_index(tmp_path)
    assert index.count() == 50 and len(index.search("校舍维修", limit=100)) == 50
    assert index.search("防汛抗旱") == []  # nothing of the killed, uncommitted write
    index.add(7, title="关于杀死写入进程之后的通知", body="仍可写入。")  # the writer lock was freed with the process
    assert [h.id for h in index.search("仍可写入")] == [7]


def test_a_writer_killed_between_or_during_commits_loses_no_committed_document(tmp_path):
    proc = _writer(tmp_path, "single")
    committed = [int(proc.stdout.readline()) for _ in range(25)]
    proc.send_signal(signal.SIGKILL)  # somewhere in the 26th add: before, in or after its commit
    proc.wait()
    index = open_index(tmp_path)
    found = {h.id for h in index.search("冬季供暖", limit=1000)}
    assert set(committed) <= found and len(found) - len(committed) in (0, 1)
    index.add(1, title="关于重新写入的通知", body="重新写入。")
    assert index.count() == len(found) + 1


def test_two_processes_write_in_turn_and_both_succeed(tmp_path):
    open_index(tmp_path)  # the directory exists before the race to make it
    a, b = _writer(tmp_path, "100"), _writer(tmp_path, "200")
    assert a.communicate()[0].strip() == "done" and b.communicate()[0].strip() == "done"
    assert a.returncode == b.returncode == 0
    index = open_index(tmp_path)
    assert index.ids() == set(range(100, 115)) | set(range(200, 215))


def test_an_unreadable_index_is_reported_in_chinese(tmp_path):
    folder = tmp_path / INDEX_DIR
    folder.mkdir()
    (folder / "meta.json").write_text("{ not json")
    with pytest.raises(IndexUnavailable, match="shouwen reindex"):
        open_index(tmp_path)


def test_an_index_of_another_schema_version_asks_for_a_rebuild(tmp_path):
    open_index(tmp_path)
    (tmp_path / INDEX_DIR / "shouwen-schema").write_text("0")
    with pytest.raises(IndexUnavailable, match="版本不符"):
        open_index(tmp_path)


def test_an_index_of_the_previous_format_is_re_analysed_on_opening_and_keeps_every_document(tmp_path, monkeypatch):
    """Format 1 kept the title out of the text's bigram field; format 2 needs it there (every query word must be
    in title-or-text as one field). An office's format-1 index is upgraded from its own stored documents when
    first opened: no reindex to run, no archive read, every document kept."""
    import index.tantivy_index as tantivy_index
    from index.analysis import _clean_segments, bigram_text, unit_text, word_text

    def format_1(title: str, body: str):  # the analysis before: the title's bigrams in title_bi only
        title_segs, body_segs = _clean_segments(title), _clean_segments(body)
        return (bigram_text("", title_segs), bigram_text("", body_segs), unit_text("", title_segs + body_segs),
                word_text(f"{title}\n{body[:1000]}"))

    with monkeypatch.context() as patched:
        patched.setattr(tantivy_index, "analyse", format_1)
        old = open_index(tmp_path)
        old.add(7, title="贵阳市教育局关于鸬鹚保护工作的通知", body="请各校组织学生参与野生鸟类保护宣传。", doc_type="通知")
        old.add(8, title="贵阳市教育局关于冬季学校安全工作的通知", body="请各校做好冬季安全检查。", doc_type="通知")
        old.close()
    (tmp_path / INDEX_DIR / "shouwen-schema").write_text("1")
    assert open_index(tmp_path).search("鸬鹚 野生")[0].id == 7  # title word and text word: found after the upgrade
    upgraded = open_index(tmp_path)
    assert upgraded.count() == 2 and {h.id for h in upgraded.search("通知")} == {7, 8}
    assert (tmp_path / INDEX_DIR / "shouwen-schema").read_text().strip() == tantivy_index.SCHEMA_VERSION
