"""The embedded search index (检索库) on Tantivy, in a directory under the data root.

Fields (see analysis.py for how text is cut):
  title_bi, body_bi   bigrams with positions (body_bi: of the title and the text): find any word of two or more
                      characters; phrases are exact; a title match weighs TITLE_BOOST times more
  units               single characters and numbers (frequencies only): one-character queries
  words               jieba words (frequencies only): rank documents that use the query's words as words
  number, issuer, doc_type, department, channel, verdict, status, urgency   exact values, fast fields (filters,
                      facets); status: indexed (已入检索) or returned (退文)
  date                成文日期, a fast date field (date ranges)
  received            收文日期 (of received_at), a fast date field (its filter and facet)
  sample              nested random samples of the documents (sample_terms): s1 holds about half of them, s2 a
                      quarter, … s16; totals and facets of a query matching very many documents are counted in
                      one (_tally)
  title, body, received_at   stored originals (snippets, the router's training texts, re-adding on update)

Crash safety: Tantivy publishes a commit by atomically replacing meta.json, so a writer killed at any moment
leaves the last commit intact (its half-written segment files are collected by the next writer). Writers
take a blocking lock file of ours first, so the batch's two worker processes write in turn, never fail.
A rebuild is written beside the index and swapped in when complete.

Read-only: Tantivy takes a lock file (.tantivy-meta.lock) to open a reader, which cannot be made on a data
root mounted read-only (or not this process's to write). There the index is read through a private folder of
symbolic links to its files (ReadOnlyView): Tantivy's lock files are made in that folder, the segments are
read where they are. Searching works; writing is refused (IndexUnavailable).
"""
from __future__ import annotations

import fcntl
import math
import multiprocessing
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional

import tantivy

from . import integrity, pagecache
from .analysis import Part, analyse, parse_query, phrase_pattern, snippet
from .base import (
    FACET_SIZE,
    FIELDS,
    FILTERS,
    RECEIVED_OLDER,
    RECEIVED_RANGES,
    TERM_FACETS,
    Doc,
    Hit,
    IndexDamaged,
    IndexUnavailable,
    Results,
    is_classified,
    iter_batches,
    refuse_classified,
    rounded,
)

INDEX_DIR = "search-index"
SCHEMA_VERSION = "3"  # written in the directory; an index of another version is rebuilt by `shouwen reindex`
# older versions re-made on opening from their own stored documents (_upgrade): 1 analysed otherwise, 2 without
# urgency, received and sample (its documents keep no 紧急程度 until `shouwen reindex`)
UPGRADABLE = ("1", "2")


def _version_of(path: Path) -> Optional[str]:
    try:
        return (path / "shouwen-schema").read_text().strip()
    except OSError:
        return None
TITLE_BOOST = 3.0
KEYWORDS = ("number", *FILTERS)
SAMPLE_LEVELS = 16


def sample_level(doc_id: int) -> int:
    """How deep a document sits in the nested samples: the trailing zero bits of a 64-bit mix of its id
    (splitmix64's finaliser), at most SAMPLE_LEVELS. A document is in sample s_j for every j ≤ its level,
    so s_j holds each document with probability 2^-j, independently of its content and of its neighbours."""
    z = (int(doc_id) + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return min(SAMPLE_LEVELS, (z & -z).bit_length() - 1) if z else SAMPLE_LEVELS


def sample_terms(doc_id: int) -> str:
    return " ".join(f"s{j}" for j in range(1, sample_level(doc_id) + 1))


FIELD_NAMES = ("id", "title", "body", "title_bi", "body_bi", "units", "words", *KEYWORDS, "received_at", "date", "received",
               "sample")  # every field of _schema(), as meta.json lists them (integrity.check)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_bytes_field("title", stored=True)
    sb.add_bytes_field("body", stored=True)
    sb.add_text_field("title_bi", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("body_bi", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("units", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    for name in KEYWORDS:
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("received_at", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    sb.add_date_field("received", stored=False, indexed=True, fast=True)
    sb.add_text_field("sample", stored=False, tokenizer_name="whitespace", index_option="basic")
    return sb.build()


def _day(value) -> Optional[datetime]:
    try:
        return datetime.strptime(str(value)[:10], "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _document(doc: Doc, analysed: Optional[tuple] = None) -> tantivy.Document:
    d = tantivy.Document()
    d.add_integer("id", int(doc.id))
    d.add_bytes("title", (doc.title or "").encode())
    d.add_bytes("body", (doc.body or "").encode())
    for name, text in zip(("title_bi", "body_bi", "units", "words"), analysed or analyse(doc.title, doc.body)):
        d.add_text(name, text)
    for name in KEYWORDS:
        value = doc.fields.get(name) or ("indexed" if name == "status" else None)
        if value not in (None, ""):
            d.add_text(name, str(value))
    if doc.fields.get("received_at"):
        d.add_text("received_at", str(doc.fields["received_at"]))
    for name, value in (("date", doc.fields.get("date")), ("received", doc.fields.get("received_at"))):
        day = _day(value)
        if day is not None:
            d.add_date(name, day)
    levels = sample_terms(doc.id)
    if levels:
        d.add_text("sample", levels)
    return d


class TantivyIndex:
    """SearchIndex in <root>/search-index/ (root: the office's data root)."""

    name = "tantivy"
    # query plans (检索方案), measured side by side in bench/search_bench.py: "title-first" (the default, see
    # _title_first; when nothing holds the query as typed, the closest documents by its words: _close),
    # "title-first-strict" (without those), "exact" (one BM25 query over title and text, with the one-term
    # and one-word shortcuts; the plan before), "exact-only" (that query, no shortcut)
    PLANS = ("title-first", "title-first-strict", "exact", "exact-only")
    plan = PLANS[0]

    def __init__(self, root: Path, directory: Optional[Path] = None):
        self.root = Path(root)
        self.path = Path(directory) if directory else self.root / INDEX_DIR
        self.schema = _schema()
        self._finish_swap()
        self._lock = threading.Lock()
        self._seen = None
        self._view: Optional[ReadOnlyView] = None
        self._counter: Optional[ThreadPoolExecutor] = None  # counts totals and facets beside the hits (_count_beside)
        self._counts: OrderedDict = OrderedDict()  # the latest COUNTS_KEPT counts, for the next page (_count_beside)
        if _version_of(self.path) in UPGRADABLE and not _writable(self.path):
            raise IndexUnavailable(f"检索库 {self.path} 需要升级到新格式，但数据目录只读：请在可写时运行一次 shouwen search 或 reindex")
        if _version_of(self.path) in UPGRADABLE:
            with open(self.path.with_name(self.path.name + ".upgrade.lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # two processes opening it at once: one upgrades, one waits
                if _version_of(self.path) in UPGRADABLE:
                    self._upgrade()
        self.index = self._open(self.path)

    # --- opening --------------------------------------------------------------------------------------
    def _open(self, path: Path) -> tantivy.Index:
        """The engine's index on `path`, after integrity.check: IndexDamaged (Chinese, naming shouwen reindex)
        when a file or meta.json is not what our commits wrote, IndexUnavailable for another schema version.
        A folder this process cannot write is opened through a ReadOnlyView (Tantivy's lock files there)."""
        if path.is_dir() and not _writable(path):
            self._view = ReadOnlyView(path)
            opened = self._view.folder
        else:
            path.mkdir(parents=True, exist_ok=True)
            opened = path
        version = path / "shouwen-schema"
        if version.exists() and version.read_text().strip() != SCHEMA_VERSION:
            raise IndexUnavailable(f"检索库 {path} 版本不符，请运行 shouwen reindex 重建")
        integrity.check(path, FIELD_NAMES, writing=lambda: _writer_busy(path))
        pagecache.read_tails(path)  # what opening reads, without the disk's read-ahead (pagecache.py)
        pagecache.prefetch(path)  # the small files every counted query reads all over, in the background
        with self._guard():
            index = tantivy.Index(self.schema, path=str(opened), reuse=True)
        pagecache.advise_random(path)
        if not version.exists() and self._view is None:
            version.write_text(SCHEMA_VERSION)
        return index

    def _finish_swap(self) -> None:
        """What a killed rebuild left beside the index, when no rebuild is running (its lock is free): the
        complete new index taken when it was killed between its two renames; otherwise the half-built
        <index>.new and the replaced <index>.old removed (a rebuild starts afresh anyway)."""
        new, old = self._beside(".new"), self._beside(".old")
        if not (new.exists() or old.exists()):
            return
        try:
            lock = open(self._beside(".rebuild.lock"), "a+")
        except OSError:  # a read-only data root: left as it is
            return
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # a rebuild is under way: its folders are its own
            if not self.path.exists() and (new / "shouwen-complete").exists():
                new.rename(self.path)
            shutil.rmtree(new, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def _upgrade(self) -> None:
        """An index of an older format with the same fields (UPGRADABLE) is re-analysed from its own stored
        documents into the current one, replaced when complete (rebuild): after an upgrade the first batch or
        search does it once, without the archive, the clerk waiting a while but nothing to run."""
        integrity.check(self.path, None)
        with self._guard():
            old = tantivy.Index.open(str(self.path))  # with its own schema
            old.reload()
        searcher = old.searcher()
        total = searcher.num_docs

        def docs() -> Iterator[Doc]:
            for _, address in searcher.search(tantivy.Query.all_query(), limit=max(total, 1), count=False).hits:
                doc_id, title, body, fields = _unpack(searcher.doc(address))
                yield Doc(doc_id, title, body, fields)

        self.index = old
        self.rebuild(docs())

    @contextmanager
    def _writer(self, heap: int = 64_000_000, threads: int = 1):
        if self._view is not None:
            raise IndexUnavailable(f"检索库 {self.path} 所在的数据目录只读，不能写入")
        self.path.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path / "shouwen-writer.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker process writes first; wait for it
            pagecache.advise_normal(self.path)  # merges read segments from end to end
            try:
                with self._guard():
                    writer = self.index.writer(heap_size=heap, num_threads=threads)
                try:
                    yield writer  # the caller's engine calls are guarded there (add, add_many, remove)
                    with self._guard():
                        writer.commit()
                except BaseException:
                    with suppress(BaseException):
                        writer.rollback()
                    raise
                finally:
                    with self._guard():
                        writer.wait_merging_threads()
                        integrity.record(self.path)  # the new files' CRCs and meta.json's digest, for readers
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        with self._guard():
            self.index.reload()
        pagecache.advise_random(self.path)

    # --- writing --------------------------------------------------------------------------------------
    def add(self, doc_id: int, *, title: str, body: str, secrecy: Optional[str] = None, **fields) -> None:
        refuse_classified(secrecy)
        doc = _document(Doc(doc_id, title or "", body or "", fields))
        with self._writer() as writer, self._guard():
            writer.delete_documents_by_term("id", int(doc_id))
            writer.add_document(doc)

    def add_many(self, docs: Iterable[Doc], progress=None, commit_every: int = 100_000, workers: int = 1) -> int:
        """Bulk add, committed every commit_every documents; workers > 1 cuts the text in that many processes."""
        n = 0
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
        try:
            for chunk in iter_batches((d for d in docs if not is_classified(d.secrecy)), commit_every):
                analysed = (pool.imap(_analyse, ((d.title, d.body) for d in chunk), chunksize=64) if pool
                            else map(_analyse, ((d.title, d.body) for d in chunk)))
                with self._writer(heap=512_000_000, threads=2) as writer, self._guard():
                    for doc, fields in zip(chunk, analysed):
                        writer.delete_documents_by_term("id", int(doc.id))
                        writer.add_document(_document(doc, fields))
                        n += 1
                        if progress and n % 1000 == 0:
                            progress(n)
        finally:
            if pool:
                pool.close()
                pool.join()
        return n

    def update(self, doc_id: int, **fields) -> None:
        unknown = set(fields) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown field {sorted(unknown)}")
        found = self._stored([doc_id]).get(int(doc_id))
        if found is None:
            return
        title, body, old = found
        self.add(doc_id, title=title, body=body, **(old | fields))

    def remove(self, doc_id: int) -> None:
        with self._writer() as writer, self._guard():
            writer.delete_documents_by_term("id", int(doc_id))

    def rebuild(self, docs: Iterable[Doc], progress=None) -> int:
        """Build <index>.new from docs, then swap it in (two renames). Holds <index>.rebuild.lock throughout, so
        that an opener never clears the folder being built; what a killed rebuild leaves, the next opener clears
        or completes (_finish_swap)."""
        new, old = self._beside(".new"), self._beside(".old")
        with open(self._beside(".rebuild.lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            shutil.rmtree(new, ignore_errors=True)
            fresh = TantivyIndex(self.root, new)
            n = fresh.add_many(docs, progress)
            (new / "shouwen-complete").write_text("")
            fresh.close()
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            new.rename(self.path)  # a crash between the renames: _finish_swap takes the new one on next open
            (self.path / "shouwen-complete").unlink(missing_ok=True)
            shutil.rmtree(old, ignore_errors=True)
        self.index = self._open(self.path)
        self._seen = None
        return n

    # --- reading --------------------------------------------------------------------------------------
    @contextmanager
    def _guard(self):
        """The engine failing on the index's own files (a Rust panic, an I/O or format error, stored text that
        is no longer UTF-8) becomes IndexDamaged: never a traceback, never a half answer taken for a whole one."""
        try:
            yield
        except BaseException as exc:  # pyo3's PanicException derives from BaseException
            if _engine_failure(exc):
                raise IndexDamaged(f"{type(exc).__name__}: {exc}"[:300]) from exc
            raise

    def _searcher(self):
        try:  # another process may have committed: look again when meta.json changed
            seen = (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            seen = None
        if seen != self._seen:
            if self._view is not None:
                self._view.refresh()  # segments committed since (a writer elsewhere): linked too
            if self._seen is not None:  # another process committed: its files are checked as at opening
                integrity.check(self.path, FIELD_NAMES, writing=lambda: _writer_busy(self.path))
                pagecache.read_tails(self.path)
            self.index.reload()
            if self._seen is not None:
                pagecache.advise_random(self.path)  # the new segments' mappings
            self._seen = seen
        return self.index.searcher()

    def count(self) -> int:
        with self._guard():
            return self._searcher().num_docs

    def ids(self) -> set[int]:
        with self._guard():
            searcher = self._searcher()
            out: set[int] = set()
            total = searcher.num_docs
            if total:
                # ordered by the id fast field, each hit's key is the id itself: no stored document is read
                result = searcher.search(tantivy.Query.all_query(), limit=total, count=False, order_by_field="id")
                out = {int(key) for key, _ in result.hits}
            return out

    def _stored(self, ids: Iterable[int]) -> dict[int, tuple[str, str, dict]]:
        with self._guard():
            searcher = self._searcher()
            out = {}
            for doc_id in ids:
                result = searcher.search(tantivy.Query.term_query(self.schema, "id", int(doc_id)), limit=1, count=False)
                for _, addr in result.hits:
                    out[int(doc_id)] = _unpack(searcher.doc(addr))[1:]
            return out

    def stored_documents(self, ids: Iterable[int]) -> dict[int, tuple[str, str, dict]]:
        """id → (title, body, filter fields: number, issuer, doc_type, department, channel, verdict …) as stored;
        used to recover states when the ledger is rebuilt (pipelines/ledger_rebuild.py)."""
        return self._stored(ids)

    def stored_texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        return {k: (t, b) for k, (t, b, _) in self._stored(ids).items()}

    def _query(self, parsed, date_from, date_to, filters, shortcut: bool = True) -> tantivy.Query:
        """The exact query: every part as a phrase in the title (TITLE_BOOST) or the text, jieba words ranking,
        filters; shortcut: a lone one- or two-character word as a pure disjunction of terms (_single_term)."""
        s, Must, Should = self.schema, tantivy.Occur.Must, tantivy.Occur.Should
        fast = self._single_term(parsed, date_from, date_to, filters) if shortcut else None
        if fast is not None:
            return fast
        clauses = []
        for part in parsed.parts:
            if len(part.units) == 1:
                clauses.append((Must, tantivy.Query.term_query(s, "units", part.units[0])))
                continue
            clauses.append((Must, _phrase(s, "body_bi", part.grams)))  # title and text
            clauses.append((Should, tantivy.Query.boost_query(_phrase(s, "title_bi", part.grams), TITLE_BOOST)))
        for word in parsed.words:
            clauses.append((Should, tantivy.Query.term_query(s, "words", word)))
        return tantivy.Query.boolean_query(clauses + self._filters(date_from, date_to, filters))

    def _single_term(self, parsed, date_from=None, date_to=None, filters=None) -> Optional[tantivy.Query]:
        """One word of one or two characters and nothing else (工作, 政府, 市: the most frequent queries):
        a disjunction of plain term queries, which Tantivy answers with block-max WAND, skipping the blocks
        of postings that cannot reach the top hits. The title still weighs more (a short field scores
        higher in BM25, and a title match adds to the text's). Else None: the general query (also when
        filters or dates are given: tried, best 200 by WAND then filtered through a set of ids cost more)."""
        if len(parsed.parts) != 1 or date_from or date_to or any(v is not None for v in (filters or {}).values()):
            return None
        part, s, Should = parsed.parts[0], self.schema, tantivy.Occur.Should
        if len(part.units) == 1:
            return tantivy.Query.term_query(s, "units", part.units[0])
        if len(part.grams) != 1 or not set(parsed.words) <= {"".join(part.units)}:
            return None
        gram = part.grams[0]
        return tantivy.Query.boolean_query(
            [(Should, tantivy.Query.term_query(s, "title_bi", gram)), (Should, tantivy.Query.term_query(s, "body_bi", gram))]
            + [(Should, tantivy.Query.term_query(s, "words", w)) for w in parsed.words])

    DATED = 40  # best hits of a lone word read before its dates are checked

    def _dated_after(self, searcher, parsed, limit, date_from, date_to, filters) -> Optional[list[Hit]]:
        """A lone word with dates and no other filter (局 since 2020-01-01): its best DATED hits without the
        dates (one pruned term: titles for a two-character word, as without dates; units for one character;
        the word field for one dictionary word of 3+ characters, each hit checked for the phrase),
        read (their stored text is needed for the snippets anyway) and kept when their 成文日期 is in range.
        Exact whenever `limit` pass (a passing document scoring higher than the last one shown is among the
        best DATED); else None and the dates are a required clause. A date range is a scan of the date
        column: 局 since 2020 took 13 ms at 1,000,000, 5.5 ms so)."""
        if not (date_from or date_to) or any(v is not None for v in filters.values()) or len(parsed.parts) != 1:
            return None
        low, high = _day(date_from), _day(date_to)
        if date_from and low is None or date_to and high is None:
            raise ValueError("日期格式应为 YYYY-MM-DD")
        part, check = parsed.parts[0], None
        if len(part.units) == 1:
            fast = tantivy.Query.term_query(self.schema, "units", part.units[0])
        elif len(part.units) == 2 and len(part.grams) == 1:
            fast = tantivy.Query.term_query(self.schema, "title_bi", part.grams[0])
        elif parsed.words == ["".join(part.units)]:  # one dictionary word (人民政府): as _word_first, dated
            fast, check = tantivy.Query.term_query(self.schema, "words", parsed.words[0]), phrase_pattern(part)
        else:
            return None
        best = searcher.search(fast, limit=self.DATED, count=False).hits
        hits = []
        for score, addr in best:
            doc_id, title, body, fields = _unpack(searcher.doc(addr))
            day = fields.get("date")
            if day is None or (date_from and day < date_from[:10]) or (date_to and day > date_to[:10]):
                continue
            if check is not None and not check.search(f"{title}\n{body}"):
                continue
            hits.append(Hit(id=doc_id, number=fields.get("number"), title=title, score=round(score, 4),
                            snippet=snippet(title, body, parsed.parts),
                            fields={k: fields.get(k) for k in FIELDS if k != "number"}))
            if len(hits) == limit:
                return hits
        return None

    def _word_first(self, searcher, parsed, limit, date_from, date_to, filters) -> Optional[list[Hit]]:
        """A query that is one dictionary word of three or more characters (人民政府, 办公室): a phrase of very
        frequent bigrams, whose exact query must visit every document holding them all. First the best
        documents by the word itself (one term: block-max WAND), each checked to hold the phrase in its
        stored text; when enough pass, they are the answer, else None and the exact query runs."""
        if len(parsed.parts) != 1 or date_from or date_to or any(v is not None for v in filters.values()):
            return None
        part = parsed.parts[0]
        word = "".join(part.units)
        if len(part.units) < 3 or parsed.words != [word]:
            return None
        result = searcher.search(tantivy.Query.term_query(self.schema, "words", word), limit=2 * limit, count=False)
        pattern, hits = phrase_pattern(part), []
        for score, addr in result.hits:  # read in rank order until `limit` pass: no text read, no snippet cut, past them
            doc_id, title, body, fields = _unpack(searcher.doc(addr))
            if pattern.search(f"{title}\n{body}"):
                hits.append(Hit(id=doc_id, number=fields.get("number"), title=title, score=round(score, 4),
                                snippet=snippet(title, body, parsed.parts),
                                fields={k: fields.get(k) for k in FIELDS if k != "number"}))
                if len(hits) == limit:
                    return hits
        return None

    def _title_first(self, searcher, parsed, limit, date_from, date_to, filters) -> list:
        """The "title-first" plan (标题优先): first the documents whose title holds every part of the query
        (one-character parts: anywhere), ranked by the title's phrases (TITLE_BOOST) and each part's rarest
        bigram in title and text as a term (no positions read in the long texts); then, when fewer than limit,
        the other documents holding every part in title or text, ranked by those phrases. Returns
        [(score, DocAddress)]. Every query is an intersection of required clauses (Tantivy skips ahead through
        them), never a union that visits every document of each branch: an exact phrase over the text must
        read the positions of each document holding all its bigrams, a topic's bigrams are in a third of the
        documents, and most queries name what the title says."""
        s, Must = self.schema, tantivy.Occur.Must
        extra = self._filters(date_from, date_to, filters)
        hits: list = []
        if any(len(part.units) > 1 for part in parsed.parts):
            first = list(extra)
            for part in parsed.parts:
                if len(part.units) == 1:
                    first.append((Must, tantivy.Query.term_query(s, "units", part.units[0])))
                    continue
                first.append((Must, tantivy.Query.boost_query(_phrase(s, "title_bi", part.grams), TITLE_BOOST)))
                if len(part.grams) > 1 or len(parsed.parts) > 1:  # a lone two-character word: by the title
                    rarest = min(part.grams, key=lambda g: searcher.doc_freq("body_bi", g))
                    first.append((Must, tantivy.Query.term_query(s, "body_bi", rarest)))
            hits = searcher.search(tantivy.Query.boolean_query(first), limit=limit, count=False).hits
            if len(hits) >= limit:
                return hits
        rest = list(extra)
        for part in parsed.parts:
            rest.append((Must, tantivy.Query.term_query(s, "units", part.units[0]) if len(part.units) == 1
                         else _phrase(s, "body_bi", part.grams)))
        shown = {(a.segment_ord, a.doc) for _, a in hits}
        more = searcher.search(tantivy.Query.boolean_query(rest), limit=limit + len(hits), count=False).hits
        return hits + [(score, a) for score, a in more if (a.segment_ord, a.doc) not in shown][:limit - len(hits)]

    def _matching(self, parsed, date_from, date_to, filters) -> tantivy.Query:
        """Every document that holds every part (title and text: body_bi), filters kept, unscored: what
        total and facets count (required clauses only, so Tantivy skips ahead through them)."""
        s, Must = self.schema, tantivy.Occur.Must
        clauses = [(Must, tantivy.Query.term_query(s, "units", part.units[0]) if len(part.units) == 1
                    else _phrase(s, "body_bi", part.grams)) for part in parsed.parts]
        query = tantivy.Query.boolean_query(clauses + self._filters(date_from, date_to, filters))
        return tantivy.Query.const_score_query(query, 1.0)

    CLOSE_MAX_DF = 0.5  # close matches leave out words found in more than this share of the documents

    def _close(self, searcher, parsed, limit, date_from, date_to, filters) -> tuple[list, list]:
        """When nothing holds the query as typed (a word misremembered: 宿舍楼维修 for 宿舍楼加固; 南明区政府 for
        南明区人民政府): the documents best matching its jieba words of two or more characters (title and
        lede; words in over half the documents left out: 工作, 政府), filters kept; at least two such
        words. One character, numbers and 发文字号 parts are never loosened (发〔2026〕 finds
        only what holds it). Returns ([(score, DocAddress)], the words as Parts for the snippets)."""
        s, Should = self.schema, tantivy.Occur.Should
        words = [w for w in parsed.words if len(w) >= 2 and not any(c.isascii() for c in w)]
        most = self.CLOSE_MAX_DF * max(1, searcher.num_docs)  # words in most documents tell nothing apart
        words = [w for w in words if searcher.doc_freq("words", w) <= most]
        if len(words) < 2:
            return [], parsed.parts
        query = tantivy.Query.boolean_query([(Should, tantivy.Query.term_query(s, "words", w)) for w in words])
        extra = self._filters(date_from, date_to, filters)
        if extra:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query)] + extra)
        return searcher.search(query, limit=limit, count=False).hits, [Part(w, list(w)) for w in words]

    def _filters(self, date_from, date_to, filters) -> list:
        """Required, unscored clauses: FILTERS values, 成文日期 from/to (date), 收文日期 from/to (received)."""
        s, Must = self.schema, tantivy.Occur.Must
        clauses = []
        for name, value in filters.items():
            if value is None or name in RECEIVED:
                continue
            if name not in FILTERS:
                raise ValueError(f"unknown filter {name}")
            clauses.append((Must, tantivy.Query.const_score_query(tantivy.Query.term_query(s, name, str(value)), 0.0)))
        for field, first, last in (("date", date_from, date_to),
                                   ("received", filters.get("received_from"), filters.get("received_to"))):
            low, high = _day(first), _day(last)
            if first and low is None or last and high is None:
                raise ValueError("日期格式应为 YYYY-MM-DD")
            if low or high:
                clauses.append((Must, tantivy.Query.range_query(s, field, tantivy.FieldType.Date, low, high)))
        return clauses

    def _best(self, searcher, parsed, limit, date_from, date_to, filters) -> tuple[list, Optional[list]]:
        """The best `limit` (score, DocAddress) under self.plan, and the stored hits when a plan read them."""
        if self.plan in ("title-first", "title-first-strict"):
            dated = self._dated_after(searcher, parsed, limit, date_from, date_to, filters)
            if dated is not None:
                return [], dated
            if self._single_term(parsed, date_from, date_to, filters) is None:
                found = self._word_first(searcher, parsed, limit, date_from, date_to, filters)
                if found is not None:
                    return [], found
                return self._title_first(searcher, parsed, limit, date_from, date_to, filters), None
            grams = parsed.parts[0].grams
            if len(grams) == 1 and len(parsed.parts[0].units) == 2:  # 工作: titles holding it first, by the title
                hits = searcher.search(tantivy.Query.term_query(self.schema, "title_bi", grams[0]), limit=limit,
                                       count=False).hits
                if len(hits) >= limit:
                    return hits, None
        elif self.plan == "exact":
            found = self._word_first(searcher, parsed, limit, date_from, date_to, filters)
            if found is not None:
                return [], found
        elif self.plan != "exact-only":
            raise ValueError(f"unknown plan {self.plan}")
        q = self._query(parsed, date_from, date_to, filters, shortcut=self.plan != "exact-only")
        return searcher.search(q, limit=limit, count=False).hits, None

    # counting (总数与分面). Counting costs what matching costs (an exact phrase reads the positions of every
    # document holding its bigrams), so:
    #   - fewer hits than asked for: they are every match, counted exactly, their facets too (no second pass);
    #   - the query's rarest term in at most VISIT_MAX documents: every match counted, exactly;
    #   - else the matches are counted in one of the nested samples and scaled by the index's size over the
    #     sample's (Results.approximate, shown "约 …"): the sample chosen to hold about SAMPLE_TARGET matches
    #     (the parts' frequencies taken as independent: _expected) and to visit about VISIT_MAX documents at
    #     most; one holding fewer than SAMPLE_MIN matches is replaced by a larger one (relative standard error
    #     1/sqrt(SAMPLE_MIN), 5.8 %; 500 before, whose second pass cost a phrase
    #     query its time twice) within that limit; an estimate
    #     under EXACT_UP_TO is counted again in full, exactly, where the rarest term is in at most
    #     EXACT_VISIT_MAX documents (else it stays an estimate, and says so).
    EXACT_UP_TO = 1_000
    SAMPLE_TARGET = 2_000
    SAMPLE_MIN = 300
    VISIT_MAX = 8_000
    EXACT_VISIT_MAX = 64_000
    SAMPLE_LEAD = 2

    def _leading(self, documents: int, bound: int) -> int:
        """The first level whose sample holds at most 1/SAMPLE_LEAD as many documents as the rarest clause (bound):
        the engine's intersection then walks the sample and checks the phrases only at its documents. A sample
        about as large as that clause does not lead, and the phrases walk every match of their own (measured
        at 450,000: three words, level 3 of a bigram in 56,000 documents 11 ms, level 4 2.8 ms)."""
        if not self.SAMPLE_LEAD:
            return 0
        return max(0, min(SAMPLE_LEVELS, math.ceil(math.log2(self.SAMPLE_LEAD * max(1, documents) / max(1, bound)))))

    def _expected(self, searcher, parsed, filters) -> tuple[int, float]:
        """(bound, expected): at most `bound` documents can match (no more than hold the rarest bigram or unit of
        any part, or any filter's value; deleted documents still counted), and about `expected` do if the parts
        and filters occur independently (the index's size times each one's share). Term dictionary look-ups."""
        n = max(1, searcher.num_docs)
        freqs = []
        for part in parsed.parts:
            if len(part.units) == 1:
                freqs.append(searcher.doc_freq("units", part.units[0]))
            else:
                freqs.append(min(searcher.doc_freq("body_bi", g) for g in part.grams))
        for name, value in filters.items():
            if value is not None and name in FILTERS:
                freqs.append(searcher.doc_freq(name, str(value)))
        bound = min([n, *freqs])
        expected = float(n)
        for f in freqs:
            expected *= min(1.0, f / n)
        return bound, expected

    def _tally(self, searcher, query, level: int, facets: bool, today: date) -> tuple[int, dict]:
        """(matches, facets) of `query` within sample s_level (level 0: every document), in one pass of the
        engine's aggregations: value_count for the total, terms per TERM_FACETS, ranges of 收文日期."""
        if level:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "sample", f"s{level}"), 0.0))])
        if not facets:
            return searcher.search(query, limit=1, count=True).count, {}
        spec = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in TERM_FACETS}
        spec["_total"] = {"value_count": {"field": "id"}}
        spec["_received"] = {"range": {"field": "received", "ranges": _received_ranges(today)}}
        agg = searcher.aggregate(query, spec)
        counted = {name: {b["key"]: b["doc_count"] for b in agg.get(name, {}).get("buckets", []) if b["doc_count"]}
                   for name in TERM_FACETS}
        counted["received"] = _received_counts(agg.get("_received", {}).get("buckets", []))
        return int(agg["_total"]["value"] or 0), counted

    def _counted(self, searcher, parsed, date_from, date_to, filters, facets: bool, today: date,
                 every: Optional[list[int]] = None) -> tuple[int, dict, bool]:
        """(total, facets, approximate) of every document holding every part, filters kept (_matching); every:
        the ids of all the matches when the hits were all of them (counted exactly, without matching again)."""
        if every is not None:
            ids = tantivy.Query.term_set_query(self.schema, "id", every)
            count, counted = self._tally(searcher, ids, 0, facets, today) if facets else (len(every), {})
            return count, counted, False
        query = self._matching(parsed, date_from, date_to, filters)
        bound, expected = self._expected(searcher, parsed, filters)
        floor = _level(bound, self.VISIT_MAX, self.VISIT_MAX // 2)  # bound / 2^floor ≤ VISIT_MAX
        # first the sample that leads the engine's intersection (_leading), where that holds SAMPLE_MIN matches
        level = 0 if not floor else max(floor, _level(expected, self.EXACT_UP_TO, self.SAMPLE_TARGET),
                                        self._leading(searcher.num_docs, bound))
        # a probe: a sample so small that not even every holder of the rarest clause would make SAMPLE_MIN there (a
        # phrase led by its sample) is counted again at a larger level, so its facets would be thrown away: count only
        probe = facets and level > floor and bound >> level < self.SAMPLE_MIN
        count, counted = self._tally(searcher, query, level, facets and not probe, today)
        while level:
            estimate = count << level
            if estimate < self.EXACT_UP_TO and bound <= self.EXACT_VISIT_MAX:
                level = 0  # few after all: every match, exactly
            elif count < self.SAMPLE_MIN and level > floor:
                level = max(floor, min(level - 1, _level(estimate, self.EXACT_UP_TO, 2 * self.SAMPLE_MIN)))
            else:
                break
            probe = False
            count, counted = self._tally(searcher, query, level, facets, today)
        if probe:  # the probe's count stands after all (its sample drew more than its share): its facets too
            count, counted = self._tally(searcher, query, level, facets, today)
        if not level:
            return count, counted, False
        # the sample's own size, not 2^-level of the index: its drawing's fluctuation does not enter the estimate
        scale = searcher.num_docs / max(1, searcher.doc_freq("sample", f"s{level}"))
        scaled = {name: {k: rounded(v * scale) for k, v in values.items()} for name, values in counted.items()}
        return rounded(count * scale), scaled, True

    def results(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
                facets: bool = True, total: bool = True, today: Optional[date] = None, order: str = "relevance",
                **filters) -> Results:
        """The best `limit` hits under the index's query plan (self.plan); total/facets count every document
        holding every part (_matching; exact up to EXACT_UP_TO, past it estimated on a sample: _counted).
        order "date": every match, newest 成文日期 first (the date fast field; score 0) — the web desk's 按日期.
        When nothing holds the query and the plan allows (title-first), the close matches (_close), a notice
        saying so, total their number. filters: FILTERS names, received_from / received_to (收文日期,
        YYYY-MM-DD); today: for the 收文日期 facet's ranges (default: today). Raises QueryError (Chinese) for
        nothing searchable, ValueError for a date not YYYY-MM-DD, IndexDamaged when the engine fails on the
        index's files."""
        parsed = parse_query(query)
        self._filters(date_from, date_to, filters)  # a date not YYYY-MM-DD, an unknown filter: ValueError, here
        if self.plan not in self.PLANS:
            raise ValueError(f"unknown plan {self.plan}")
        with self._guard():
            searcher = self._searcher()
            limit = max(1, limit)
            if order == "date":
                matching = self._matching(parsed, date_from, date_to, filters)
                best = [(0.0, a) for _, a in
                        searcher.search(matching, limit=limit, count=False, order_by_field="date").hits]
                found = None
            else:
                best, found = self._best(searcher, parsed, limit, date_from, date_to, filters)
            notices, parts = list(parsed.notices), parsed.parts
            close = False
            if not best and not found and self.plan == "title-first":
                best, parts = self._close(searcher, parsed, limit, date_from, date_to, filters)
                if best:
                    notices.append("没有与检索词完全相符的文件，以下是词语相近的文件")
                    close = True
            # as many hits as asked for: more may match, counted (_counted) while the hits are read; fewer: they
            # are every match (every plan's hits are then all of _matching's documents), counted as they are.
            # Close matches (nothing holds the query) are counted by their number, exactly, without facets.
            counting = None
            if (total or facets) and not close and len(best if found is None else found) >= limit:
                counting = self._count_beside(searcher, parsed, date_from, date_to, filters, facets,
                                              today or date.today())
            if found is None:
                found = []
                for score, addr in best[:limit]:
                    doc_id, title, body, fields = _unpack(searcher.doc(addr))
                    found.append(Hit(id=doc_id, number=fields.get("number"), title=title, score=round(score, 4),
                                     snippet=snippet(title, body, parts),
                                     fields={k: fields.get(k) for k in FIELDS if k != "number"}))
            if not (total or facets) or close:
                return Results(found, len(found), {}, notices)
            if counting is not None:
                count, counted, approximate = counting.result()
            else:
                count, counted, approximate = self._counted(searcher, parsed, date_from, date_to, filters, facets,
                                                            today or date.today(), [h.id for h in found])
        return Results(found, count, counted, notices, approximate)

    COUNTS_KEPT = 64  # counts kept for the pager (page 2 of the same query counts nothing again)

    def _count_beside(self, searcher, parsed, date_from, date_to, filters, facets: bool, today: date) -> Future:
        """_counted (total, facets, approximate) of the query, started on one of this index's counting threads
        while the caller reads the hits' stored texts and cuts their snippets: the engine lets go of the GIL while
        it matches and aggregates, so on two cores the clerk waits for the longer of the two, not their sum. The
        Future re-raises what _counted raised (the caller's _guard makes an engine failure IndexDamaged).
        The same query again on the same commit of the index (the web desk's next page, a filter taken off
        again) takes its counts from the latest COUNTS_KEPT, as they were: a commit (this process's or
        another's) changes the key, so a count kept is never one of an older index."""
        key = (tuple((p.text, tuple(p.units)) for p in parsed.parts), date_from, date_to,
               tuple(sorted((k, str(v)) for k, v in filters.items() if v is not None)), facets, today,
               self._seen, searcher.num_docs, self.EXACT_UP_TO, self.SAMPLE_TARGET, self.SAMPLE_MIN, self.VISIT_MAX,
               self.EXACT_VISIT_MAX, self.SAMPLE_LEAD)
        with _COUNTER_LOCK:
            kept = self._counts.get(key)
            if kept is not None:
                self._counts.move_to_end(key)
                done: Future = Future()
                total, counted, approximate = kept
                done.set_result((total, {name: dict(values) for name, values in counted.items()}, approximate))
                return done
            if self._counter is None:
                # one thread per core at most: the web desk's requests, each on a thread of its own, count side by
                # side as they did before counting had a thread of its own
                self._counter = ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="shouwen-count")

        def count():
            result = self._counted(searcher, parsed, date_from, date_to, filters, facets, today)
            with _COUNTER_LOCK:
                self._counts[key] = result
                while len(self._counts) > self.COUNTS_KEPT:
                    self._counts.popitem(last=False)
            return result

        return self._counter.submit(count)

    def forget_counts(self) -> None:
        """Drop the counts kept for the pager (the benchmark measures each query's own count)."""
        with _COUNTER_LOCK:
            self._counts.clear()

    def search(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
               **filters) -> list[Hit]:
        """The best `limit` hits, no count. Under the default plan, when nothing holds the query as typed these
        are close matches (_close): results() says so in its notices; plan "title-first-strict" never gives them."""
        return self.results(query, limit, date_from, date_to, facets=False, total=False, **filters).hits

    def close(self) -> None:
        if self._counter is not None:
            self._counter.shutdown(wait=True)
            self._counter = None
        self.index = None
        if self._view is not None:
            self._view.close()
            self._view = None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


class ReadOnlyView:
    """A private folder (under $TMPDIR) of symbolic links to every file of the index folder `source`, where
    Tantivy may make its lock files: an index that cannot be written is opened and searched through it.
    refresh() links files that appeared since; close() (or the view's collection) removes the folder."""

    LOCKS = (".tantivy-meta.lock", ".tantivy-writer.lock", "shouwen-writer.lock")

    def __init__(self, source: Path):
        self.source = Path(source)
        self.folder = Path(tempfile.mkdtemp(prefix="shouwen-index-view-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)
        self.refresh()

    def refresh(self) -> None:
        for entry in os.scandir(self.source):
            link = self.folder / entry.name
            if entry.name in self.LOCKS or not entry.is_file() or os.path.lexists(link):
                continue
            os.symlink(entry.path, link)

    def close(self) -> None:
        self._cleanup()


_COUNTER_LOCK = threading.Lock()  # makes an index's counting threads once; guards the counts kept (_count_beside)
RECEIVED = ("received_from", "received_to")  # the 收文日期 filter's two ends (YYYY-MM-DD, inclusive)


# how tantivy's errors read when the bindings raise them as ValueError (TantivyError's Display)
_ENGINE_ERROR = re.compile(r"^(An IO error occurred|Data corrupted|Failed to open file|Failed to acquire|Incompatible index|"
                           r"Internal error|Deserialize error|System error|An error occurred in a thread|"
                           r"A thread holding the locked panicked|Index format|Fst|Unsupported)", re.I)


def _engine_failure(exc: BaseException) -> bool:
    """A failure of the engine on the index's files (not a bug of ours, not an interrupt): a Rust panic, an I/O
    error, a tantivy error, stored text that is no longer UTF-8."""
    if type(exc).__name__ == "PanicException":
        return True
    if isinstance(exc, (UnicodeDecodeError, OSError)):
        return True
    return isinstance(exc, ValueError) and bool(_ENGINE_ERROR.match(str(exc)))


def _writer_busy(path: Path) -> bool:
    """True while a writer of ours (another process) holds the index's writer lock."""
    try:
        with open(path / "shouwen-writer.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def _level(matches: float, exact_up_to: int, target: int) -> int:
    """The sample to count in when about `matches` documents match: 0 (all of them) up to exact_up_to, else the
    level j whose sample holds about `target` of them (matches / 2^j < 2 target), at most SAMPLE_LEVELS."""
    if matches <= exact_up_to:
        return 0
    return max(0, min(SAMPLE_LEVELS, math.floor(math.log2(matches / target))))


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _ns(day: date) -> float:
    return (datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - _EPOCH).total_seconds() * 1e9


def _received_ranges(today: date) -> list[dict]:
    """Disjoint ranges of the received date field (nanoseconds, as the engine keeps dates): one per
    RECEIVED_RANGES step from today back, then RECEIVED_OLDER; _received_counts makes them cumulative."""
    out, upper = [], None
    for label, days in RECEIVED_RANGES:
        lower = _ns(today - timedelta(days=days - 1))
        out.append({"key": label, "from": lower} | ({"to": upper} if upper is not None else {}))
        upper = lower
    out.append({"key": RECEIVED_OLDER, "to": upper})
    return out


def _received_counts(buckets: list[dict]) -> dict:
    """{label: count} with the RECEIVED_RANGES cumulative (近30日 includes 近7日), RECEIVED_OLDER as it is;
    ranges nothing falls in are left out."""
    by_key = {b["key"]: b["doc_count"] for b in buckets}
    out, running = {}, 0
    for label, _ in RECEIVED_RANGES:
        running += by_key.get(label, 0)
        if running:
            out[label] = running
    if by_key.get(RECEIVED_OLDER):
        out[RECEIVED_OLDER] = by_key[RECEIVED_OLDER]
    return out


def _phrase(schema, field: str, grams: list[str]) -> tantivy.Query:
    """Bigrams at consecutive positions (one bigram: a term)."""
    return tantivy.Query.term_query(schema, field, grams[0]) if len(grams) == 1 else tantivy.Query.phrase_query(schema, field, grams)


def _analyse(pair: tuple[str, str]) -> tuple:
    return analyse(*pair)



def _unpack(stored: tantivy.Document) -> tuple[int, str, str, dict]:
    d = stored.to_dict()
    fields = {k: d[k][0] for k in (*KEYWORDS, "received_at") if d.get(k)}
    if d.get("date"):
        fields["date"] = d["date"][0].strftime("%Y-%m-%d")
    return (d["id"][0], bytes(d["title"][0]).decode() if d.get("title") else "",
            bytes(d["body"][0]).decode() if d.get("body") else "", fields)


def remove_index(root: Path) -> None:
    """Delete the embedded index directory (and any half-built rebuild) under the data root."""
    for name in (INDEX_DIR, INDEX_DIR + ".new", INDEX_DIR + ".old"):
        shutil.rmtree(Path(root) / name, ignore_errors=True)


