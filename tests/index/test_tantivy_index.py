"""The embedded index directory survives a killed writer (real SIGKILL), two writing processes, and says in
Chinese when it cannot be opened; a damaged index (a file or meta.json overwritten) is detected, not trusted; a
killed rebuild's leftovers are cleared; counts past a threshold are estimated, and say so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from index import Doc, IndexDamaged, IndexUnavailable, open_index
from index.base import DAMAGED_ZH
from index.tantivy_index import INDEX_DIR

ROOT = Path(__file__).resolve().parents[2]

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


# -- counting past a threshold (总数与分面的估计) -------------------------------------------------------------

def _counting_index(tmp_path, n=2000):
    """n documents; 校舍 in every third (ids divisible by 3), 渗漏 in ids divisible by 100 (20 of 2,000); the
    通知 / 请示 alternate by id parity. Counts known by construction."""
    index = open_index(tmp_path)
    index.add_many(Doc(i, f"关于第{i}号{'校舍维修' if i % 3 == 0 else '道路养护'}的{'通知' if i % 2 else '请示'}",
                       "屋面渗漏。" if i % 100 == 0 else "按计划推进。", {"doc_type": "通知" if i % 2 else "请示"})
                   for i in range(1, n + 1))
    # a small index's thresholds: sampled past 300 documents holding the rarest term, exact under 100 matches
    index.EXACT_UP_TO, index.SAMPLE_TARGET, index.SAMPLE_MIN, index.VISIT_MAX, index.EXACT_VISIT_MAX = 100, 80, 40, 300, 700
    return index


def test_a_count_past_the_threshold_is_estimated_and_says_so(tmp_path):
    index = _counting_index(tmp_path)
    found = index.results("校舍", limit=5)
    assert found.approximate and found.total_zh.startswith("约 ")
    assert abs(found.total - 666) <= 0.25 * 666  # 666 documents hold 校舍; the sample holds about 80–160 of them
    assert abs(found.facets["doc_type"]["通知"] - 333) <= 0.35 * 333
    assert len(found.hits) == 5  # the hits themselves are never estimated
    assert all(len(str(v).rstrip("0")) <= 2 for v in [found.total, *found.facets["doc_type"].values()])  # 2 figures


def test_a_count_below_the_threshold_is_exact(tmp_path):
    index = _counting_index(tmp_path)
    found = index.results("渗漏", limit=5)
    assert not found.approximate and found.total == 20 and found.facets["doc_type"] == {"请示": 20}
    every = index.results("渗漏", limit=50)  # fewer hits than asked for: they are all, counted as they are
    assert not every.approximate and every.total == len(every.hits) == 20 and every.facets["doc_type"] == {"请示": 20}
    # past the threshold, with a filter: 校舍 in the 请示 (ids divisible by 6): 333 documents, estimated
    both = index.results("校舍维修", doc_type="请示")
    assert both.approximate and abs(both.total - 333) <= 0.35 * 333 and set(both.facets["doc_type"]) == {"请示"}


def test_an_estimate_under_the_threshold_is_counted_again_exactly_where_affordable(tmp_path):
    index = _counting_index(tmp_path)
    index.EXACT_UP_TO = 10_000  # every estimate is "few": counted again, in full
    found = index.results("校舍", limit=5)
    assert not found.approximate and found.total == 666 and found.facets["doc_type"] == {"请示": 333, "通知": 333}
    index.EXACT_VISIT_MAX = 500  # 666 documents hold 校舍: too many to read again; the estimate stays, and says so
    again = index.results("校舍", limit=5)
    assert again.approximate and again.total_zh.startswith("约 ")


def test_a_probe_sample_counts_without_facets_and_the_facets_come_from_the_count_kept(tmp_path):
    # a first sample too small to hold SAMPLE_MIN even if every holder of the rarest clause matched (a probe) is
    # counted without facets; the facets come from the level whose count is kept, whichever it is
    index = _counting_index(tmp_path)
    calls = []
    tally = index._tally
    index._tally = lambda s, q, level, facets, today: calls.append((level, facets)) or tally(s, q, level, facets, today)
    index.SAMPLE_TARGET, index.SAMPLE_MIN = 40, 100  # 校舍: 666 >> 4 = 41 < 100: level 4 is a probe, then level 2
    moved = index.results("校舍", limit=5)
    assert calls[0] == (4, False) and calls[-1][1] and calls[-1][0] < 4
    assert moved.approximate and abs(moved.total - 666) <= 0.35 * 666
    assert abs(moved.facets["doc_type"]["请示"] - 333) <= 0.4 * 333 and abs(moved.facets["doc_type"]["通知"] - 333) <= 0.4 * 333
    # level 4's sample (117 of the 2,000) holds more than 666 >> 4 of the 校舍 documents: counted again, with facets
    from index.tantivy_index import sample_level

    held = sum(1 for i in range(3, 2001, 3) if sample_level(i) >= 4)
    assert held > 666 >> 4
    calls.clear()
    index.SAMPLE_MIN = held
    index.forget_counts()
    kept = index.results("校舍", limit=5)
    assert calls == [(4, False), (4, True)]
    assert kept.approximate and set(kept.facets["doc_type"]) == {"请示", "通知"}
    assert sum(kept.facets["doc_type"].values()) == pytest.approx(kept.total, rel=0.05)


def test_the_first_sample_is_at_most_half_the_rarest_clause(tmp_path):
    # a sample about as large as the query's rarest clause does not lead the engine's intersection (the phrases
    # then walk all their matches): the first level counted holds at most half as many documents as that clause
    index = open_index(tmp_path)
    assert index._leading(1_000_000, 125_000) == 4  # 1,000,000 / 2^4 = 62,500 ≤ 125,000 / 2
    assert index._leading(1_000_000, 1_000_000) == 1
    assert index._leading(2000, 666) == 3  # 250 ≤ 333; 2000 / 2^2 = 500 is not
    index.SAMPLE_LEAD = 0  # off: the levels as before
    assert index._leading(1_000_000, 125_000) == 0


def test_the_samples_are_nested_and_halve(tmp_path):
    from index.tantivy_index import sample_level

    levels = [sample_level(i) for i in range(1, 100_001)]
    for j, share in ((1, 0.5), (2, 0.25), (4, 0.0625), (8, 1 / 256)):
        assert abs(sum(1 for v in levels if v >= j) / len(levels) - share) < 0.2 * share
    # neighbouring ids are drawn independently: no run of levels follows the ids
    assert sum(1 for a, b in zip(levels, levels[1:]) if a >= 1 and b >= 1) / len(levels) == pytest.approx(0.25, abs=0.02)


# -- a damaged index is detected, not trusted (issue 19 point 4) ---------------------------------------------

def _two_segments(root: Path):
    index = open_index(root)
    index.add_many(Doc(i, f"关于第{i}号校舍维修的请示", "校舍维修专项资金。" * 40, {"doc_type": "请示"}) for i in range(1, 151))
    index.add_many(Doc(i, f"关于第{i}号防汛工作的通知", "防汛抗旱工作。" * 40, {"doc_type": "通知"}) for i in range(151, 301))
    index.close()
    return root / INDEX_DIR


def _segment_file(folder: Path, ext: str) -> Path:
    return max(folder.glob(f"*.{ext}"), key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("ext", ["idx", "pos", "term", "store", "fast", "fieldnorm"])
@pytest.mark.parametrize("how", ["middle", "truncated", "emptied"])
def test_a_segment_file_overwritten_is_detected_at_opening(tmp_path, ext, how):
    """Overwritten in its middle (its footer intact: the engine opens such a file without a word, and answers
    wrongly or panics later), cut short, or emptied."""
    folder = _two_segments(tmp_path)
    target = _segment_file(folder, ext)
    data = bytearray(target.read_bytes())
    if how == "middle":
        data[len(data) // 4: len(data) // 2] = b"\xff" * (len(data) // 2 - len(data) // 4)
    elif how == "truncated":
        data = data[: len(data) // 2]
    else:
        data = bytearray()
    target.write_bytes(bytes(data))
    with pytest.raises(IndexDamaged) as caught:
        open_index(tmp_path)
    assert str(caught.value) == DAMAGED_ZH and "shouwen reindex" in str(caught.value)
    assert target.name in caught.value.detail


@pytest.mark.parametrize("content", ["garbage", "", "{}", '{"segments": [], "schema": []}', "older", "max_doc"])
def test_meta_json_overwritten_is_detected_at_opening(tmp_path, content):
    folder = _two_segments(tmp_path)
    meta = folder / "meta.json"
    if content == "older":  # a meta.json of the same index one commit earlier: valid, but not the last commit's
        import json

        now = json.loads(meta.read_text())
        now["segments"] = now["segments"][:1]
        content = json.dumps(now)
    elif content == "max_doc":  # the engine took a changed max_doc without a word before this check
        import json

        now = json.loads(meta.read_text())
        now["segments"][0]["max_doc"] += 1000
        content = json.dumps(now)
    meta.write_text(content)
    with pytest.raises(IndexDamaged, match="检索库已损坏，请运行 shouwen reindex 重建"):
        open_index(tmp_path)


def test_a_segment_file_missing_is_detected(tmp_path):
    folder = _two_segments(tmp_path)
    _segment_file(folder, "term").unlink()
    with pytest.raises(IndexDamaged) as caught:
        open_index(tmp_path)
    assert "missing" in caught.value.detail


def test_damage_the_checks_cannot_see_is_caught_when_the_engine_fails_on_it(tmp_path):
    """A file changed with its size and time put back (the checks trust an unchanged file): the engine's panic
    on it is caught as IndexDamaged, never a PanicException or a traceback."""
    folder = _two_segments(tmp_path)
    target = _segment_file(folder, "fast")
    st = target.stat()
    data = bytearray(target.read_bytes())
    data[len(data) // 4: len(data) // 2] = b"\xff" * (len(data) // 2 - len(data) // 4)
    target.write_bytes(bytes(data))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    index = open_index(tmp_path)
    with pytest.raises(IndexDamaged) as caught:
        index.results("校舍")
    assert "PanicException" in caught.value.detail


def test_another_process_committing_is_not_taken_for_damage(tmp_path):
    _two_segments(tmp_path)
    reader = open_index(tmp_path)
    assert reader.results("校舍").total == 150
    a, b = _writer(tmp_path, "400"), _writer(tmp_path, "500")  # two processes commit 15 documents each
    assert a.communicate()[0].strip() == "done" and b.communicate()[0].strip() == "done"
    assert reader.count() == 330 and len(reader.search("农村公路养护", limit=50)) == 30


def test_files_are_read_for_their_checksums_once(tmp_path, monkeypatch):
    from index import integrity

    _two_segments(tmp_path)
    read = []
    real = integrity.crc_matches
    monkeypatch.setattr(integrity, "crc_matches", lambda f: read.append(f.name) or real(f))
    open_index(tmp_path).search("校舍")
    assert read == []  # the writer verified and recorded what it wrote
    (tmp_path / INDEX_DIR / integrity.VERIFIED).unlink()  # an index made before the records: read through once
    open_index(tmp_path)
    assert len(read) >= 12
    read.clear()
    open_index(tmp_path)
    assert read == []


# -- what a killed rebuild leaves (issue 19 point 5) ---------------------------------------------------------

def test_a_half_built_rebuild_left_by_a_killed_reindex_is_cleared_by_the_next_opening(tmp_path):
    _two_segments(tmp_path)
    half = tmp_path / (INDEX_DIR + ".new")
    code = (f"import sys\nfrom index import Doc, open_index\nindex = open_index({str(tmp_path)!r})\n"
            "def docs():\n    for i in range(10**9):\n        if i == 300: print('building', flush=True)\n"
            "        yield Doc(i, f'关于第{i}号的通知', '正文。' * 50, {})\nindex.rebuild(docs())\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "building"
    assert half.exists()
    opened = open_index(tmp_path)  # while it runs: its folder is its own
    assert half.exists() and opened.count() == 300
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert half.exists()
    again = open_index(tmp_path)  # the next run, search or reindex
    assert not half.exists() and again.count() == 300 and again.results("校舍").total == 150


def _vm_flags(folder: Path) -> list[set[str]]:
    """The VmFlags of this process's mappings of files in folder (/proc/self/smaps: rr = MADV_RANDOM)."""
    out, inside = [], False
    prefix = str(folder.resolve()) + os.sep
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
                inside = len(head) >= 6 and head[5].startswith(prefix)
            elif inside and line.startswith("VmFlags:"):
                out.append(set(line.split()[1:]))
    return out


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="Linux's /proc")
def test_the_index_is_read_page_by_page_not_megabytes_around_each_miss(tmp_path):
    """After opening (and after a write), the engine's mappings of the index files carry MADV_RANDOM (index/
    pagecache.py): a search on a cold page cache reads the pages it touches, not the disk's read-ahead around
    each (8 MB here)."""
    _two_segments(tmp_path)
    index = open_index(tmp_path)
    assert index.results("校舍").total == 150
    flags = _vm_flags(tmp_path / INDEX_DIR)
    assert flags and all("rr" in f for f in flags)
    index.add(999, title="关于写入之后的通知", body="写入之后。")  # a writer maps new files: advised again after it
    flags = _vm_flags(tmp_path / INDEX_DIR)
    assert flags and all("rr" in f for f in flags)


def test_the_next_page_takes_the_counts_kept_and_a_commit_counts_again(tmp_path, monkeypatch):
    index = _counting_index(tmp_path)
    index.EXACT_UP_TO = index.VISIT_MAX = index.EXACT_VISIT_MAX = 10_000  # counted in full: exact, known
    first = index.results("校舍", limit=5)
    assert (first.total, first.approximate, first.facets["doc_type"]) == (666, False, {"请示": 333, "通知": 333})

    def not_again(*args, **kwargs):
        raise AssertionError("counted again")

    with monkeypatch.context() as m:
        m.setattr(index, "_counted", not_again)
        page2 = index.results("校舍", limit=10)  # the next page of the same query: nothing counted again
        assert page2.total == 666 and page2.facets["doc_type"] == {"请示": 333, "通知": 333} and len(page2.hits) == 10
        page2.facets["doc_type"]["请示"] = 0  # a caller's change does not reach the counts kept
        assert index.results("校舍", limit=10).facets["doc_type"]["请示"] == 333
    index.add(3000, title="关于校舍维修的请示", body="按计划推进。", doc_type="请示")  # a commit: counted again
    after = index.results("校舍", limit=5)
    assert after.total == 667 and after.facets["doc_type"] == {"请示": 334, "通知": 333}
    index.forget_counts()
    with monkeypatch.context() as m:
        m.setattr(index, "_counted", not_again)
        with pytest.raises(AssertionError, match="counted again"):
            index.results("校舍", limit=5)
    index.close()


def test_counting_beside_the_hits_gives_what_counting_after_them_gives(tmp_path):
    """The counts made on the counting thread while the hits are read are those of the same query counted
    alone (_counted), estimate or not; fewer hits than asked for are counted as they are."""
    index = _counting_index(tmp_path)
    from index.analysis import parse_query

    for query, filters in (("校舍", {}), ("校舍维修", {"doc_type": "请示"}), ("渗漏", {}), ("道路养护", {"doc_type": "通知"})):
        found = index.results(query, limit=5, today=date(2026, 12, 6), **filters)
        alone = index._counted(index._searcher(), parse_query(query), None, None, filters, True, date(2026, 12, 6))
        assert (found.total, found.facets, found.approximate) == alone
    assert index.results("渗漏", limit=50).total == 20
    index.close()


def test_opening_asks_the_disk_for_the_small_files_every_counted_query_reads(tmp_path, monkeypatch):
    """index/pagecache.prefetch: the fast fields, field norms and term dictionaries (nothing else) are asked of
    the disk whole when the index is opened, so a first query after the page cache was dropped does not fault
    their pages in one by one."""
    from index import pagecache

    folder = _two_segments(tmp_path)
    small = sum(p.stat().st_size for p in folder.iterdir() if p.suffix in (".fast", ".fieldnorm", ".term"))
    assert small > 0 and pagecache.prefetch(folder) == small
    asked = []
    monkeypatch.setattr(pagecache, "prefetch", lambda f: asked.append(Path(f)) or 0)
    index = open_index(tmp_path)
    assert asked == [folder] and index.results("校舍").total == 150
    index.close()


def test_searches_from_several_threads_at_once_count_as_each_alone(tmp_path):
    """The web desk answers each request on a thread of its own: their counts, made on the index's counting
    threads side by side, are each query's own."""
    from concurrent.futures import ThreadPoolExecutor

    index = _counting_index(tmp_path)
    index.EXACT_UP_TO = index.VISIT_MAX = index.EXACT_VISIT_MAX = 10_000  # exact: known by construction
    asked = [("校舍", {}, 666), ("校舍维修", {"doc_type": "请示"}, 333), ("道路养护", {}, 1334), ("渗漏", {}, 20),
             ("道路养护", {"doc_type": "通知"}, 667)] * 4
    with ThreadPoolExecutor(4) as pool:
        totals = list(pool.map(lambda a: index.results(a[0], limit=5, **a[1]).total, asked))
    assert totals == [n for _, _, n in asked]
    index.close()
