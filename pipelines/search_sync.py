"""Keeping the search index in step with the ledger (检索同步): open the office's index, rebuild it from the
ledger and the archive (`shouwen reindex`), and catch up documents the ledger shows indexed but the index
lacks (an outage of the search service during a batch, a lost index directory).

The ledger is the record; the index can always be rebuilt from it and the archived originals (the text is
read again from each original; the 分办 department, 文种, dates… come from the ledger, never re-decided).
Classified documents are never sent (the ledger's 密级 and the 机要 route both keep them out).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator, Optional

from index import Doc, IndexUnavailable, SearchIndex, open_index, refuse_classified

from .ledger import Ledger
from .secrecy import decide, kept_from_index

INDEX_URL_ENV = "SHOUWEN_INDEX_URL"  # the variable config.py reads [index] url from (config.ENV)


def open_office_index(root: Path, url: str) -> SearchIndex:
    """The office's search index at `url` (the configuration's [index] url, handed in by the Office): an
    http(s):// Elasticsearch, or for "embedded" the Tantivy index under root."""
    return open_index(Path(root), None if url in (None, "", "embedded") else url)


def _classified(row: dict) -> bool:
    if kept_from_index(row):  # secrecy.py: classified, held, or with the 机要室
        return True
    try:
        refuse_classified(row.get("secrecy"))  # and the index's own last line of defence
        return False
    except ValueError:
        return True


SEARCHABLE = ("indexed", "returned")  # ledger statuses whose documents are in the index: 已入检索, 退文


def index_fields(row: dict, status: Optional[str] = None) -> dict:
    """The filter fields of a ledger row, as every backend takes them. status: the index's (indexed, or
    returned for a 退文: found by its title, shown as 退文, filtered by status); default from the row."""
    status = status or ("returned" if row.get("status") == "returned" else "indexed")
    return {"number": row["number"], "issuer": row.get("issuer"), "doc_type": row.get("doc_type"),
            "department": row.get("department") if status == "indexed" else None, "channel": row.get("channel"),
            "verdict": row.get("verdict"), "status": status, "urgency": row.get("urgency"), "date": row.get("date"),
            "received_at": row.get("received_at")}


def add_document(index: SearchIndex, row: dict, review, *, status: str, department: Optional[str] = None) -> None:
    """Index one reviewed document (the batch: 分办 → status indexed; 退文 → status returned). row: its ledger
    row; review: pipelines.review.Review (the text, the parsed elements). The caller has asked the index
    decision (decision.index_decision) and may index; the index refuses classified text again.
    Raises IndexUnavailable (IndexDamaged for a damaged embedded index)."""
    doc = review.report["document"]
    fields = index_fields({**row, "department": department}, status) | {
        "issuer": doc["issuer"], "doc_type": doc["doc_type"], "verdict": review.report["verdict"],
        "urgency": doc.get("urgency"), "date": doc["date"]}
    index.add(row["id"], title=doc["title"] or row["file"], body=review.text, secrecy=doc["secrecy"], **fields)


def index_problem(index_of: Callable[[], SearchIndex]) -> Optional[str]:
    """The Chinese line saying why the index cannot be used now (damaged: run shouwen reindex; search service
    unreachable), or None when it answers. index_of(): opens it (office.index)."""
    try:
        index_of().count()
    except IndexUnavailable as exc:
        return str(exc)
    return None


def document_from_archive(root: Path, row: dict) -> Optional[Doc]:
    """The index document of a ledger row, its text read again from the archived original; None when the
    original cannot be read any more (it is reported, not indexed) or the document is classified."""
    return read_for_index(root, row)[0]


def read_for_index(root: Path, row: dict) -> tuple[Optional[Doc], str]:
    """(Doc, "") for a ledger row to index, else (None, why not, in Chinese). The text is read again from the
    archived original and the 入检索 decision asked again (secrecy.decide), the 机要员's recorded decision
    folded in: a 密级 mark nobody could read does not stop a document the 机要员 released; a readable level
    always does."""
    from extractors import UnusableInput

    from .review import review_document
    from .secrecy import HELD
    from .secrecy_records import decision_kind

    if _classified(row):
        return None, "涉密公文，不入检索"
    if row.get("kind") == "letter":  # a citizen's 来信: its text without the writer's personal information
        return _letter_for_index(root, row)
    try:
        review = review_document((Path(root) / row["archive_path"]).read_bytes(), row["file"], channel=row["channel"])
    except OSError as exc:
        return None, f"原件无法读取（{exc.strerror or exc}），未入检索"
    except UnusableInput as exc:
        return None, f"原件无法读取（{exc.reason}），未入检索"
    decision = decide(review, decision_kind(root, row))  # the 机要员's release folded in (secrecy.py)
    if not decision.indexable:  # the one decision to index, asked again on the text
        return None, ("重读原件发现密级标志，未入检索（请机要员核定：shouwen ledger --confidential）"
                      if decision.kind == HELD else "重读原件发现涉密标志，未入检索（应转机要室：shouwen route "
                      f"{row['number']} 机要室）")
    doc = review.report["document"]
    fields = index_fields(row) | {"date": row.get("date") or doc.get("date")}
    return Doc(row["id"], row.get("title") or doc.get("title") or row["file"], review.text, fields, row.get("secrecy")), ""


def _letter_for_index(root: Path, row: dict) -> tuple[Optional[Doc], str]:
    """A 来信's index document: its text read again, the writer's name, telephone and address taken out
    (pipelines/letters/fields.redact), never 初审'd."""
    from extractors import UnusableInput

    from .letters.fields import read_fields, redact
    from .review import read_original

    try:
        read = read_original((Path(root) / row["archive_path"]).read_bytes(), row["channel"])
    except OSError as exc:
        return None, f"原件无法读取（{exc.strerror or exc}），未入检索"
    except UnusableInput as exc:
        return None, f"原件无法读取（{exc.reason}），未入检索"
    sender = read.mail.sender if read.mail is not None else None
    fields = read_fields(read.text, sender.address if sender else None, sender.name if sender else None,
                         read.mail.subject if read.mail is not None else None)
    return Doc(row["id"], row.get("title") or "（来信）", redact(read.text, fields), index_fields(row) | {"verdict": "letter"},
               None), ""


def indexed_rows(ledger: Ledger) -> list[dict]:
    """Ledger rows whose documents belong in the index: 已入检索 and 退文 (SEARCHABLE), never a classified one."""
    return [r for r in ledger.rows() if r["status"] in SEARCHABLE and not _classified(r)]


def reindex(root: Path, ledger: Ledger, index: SearchIndex, say: Callable[[str], None] = print) -> int:
    """重建检索库: every document the ledger shows indexed (or returned), from its archived original, into a new
    index that replaces the old one when complete; then what changed in the ledger while it ran (a 撤回, 改办 or
    核定 at the desk went to the old index) is brought into the new one (_reconcile). The batch does not run
    meanwhile (desk.reindex holds the batch lock). Progress lines go to say(). Returns how many were indexed."""
    rows = indexed_rows(ledger)
    returned = sum(1 for r in rows if r["status"] == "returned")
    say(f"重建检索库：登记簿中已入检索 {len(rows)} 件" + (f"（其中退文 {returned} 件）" if returned else ""))
    started, skipped = time.perf_counter(), []

    def docs() -> Iterator[Doc]:
        for n, row in enumerate(rows, start=1):
            doc, why = read_for_index(root, row)
            if doc is None:
                skipped.append((row["number"], why))
            else:
                yield doc
            if n % 50 == 0 or n == len(rows):
                say(f"  已读取 {n}/{len(rows)} 件（{time.perf_counter() - started:.0f} 秒）")

    count = index.rebuild(docs())
    for number, why in skipped:
        say(f"  {number} {why}")
    added, removed = _reconcile(root, ledger, index, {r["id"]: r["version"] for r in rows})
    if added or removed:
        say(f"  重建期间登记簿有变动：补入 {added} 件，撤出 {removed} 件")
    say(f"重建完成：{count + added - removed} 件入检索，用时 {time.perf_counter() - started:.1f} 秒")
    return count + added - removed


def _reconcile(root: Path, ledger: Ledger, index: SearchIndex, before: dict[int, int]) -> tuple[int, int]:
    """After a rebuild from the rows `before` ({id: version} when it began): rows changed since (another version,
    newly searchable) are read and added again; rows no longer searchable (sent to the 机要室 meanwhile) are
    removed from the new index. Returns (added, removed)."""
    now = {r["id"]: r for r in indexed_rows(ledger)}
    added = removed = 0
    for doc_id in set(before) - set(now):
        index.remove(doc_id)
        removed += 1
    for doc_id, row in now.items():
        if before.get(doc_id) == row["version"]:
            continue
        doc, _ = read_for_index(root, row)
        if doc is None:
            index.remove(doc_id)
            removed += doc_id in before
        else:
            index.add(doc.id, title=doc.title, body=doc.body, secrecy=doc.secrecy, **doc.fields)
            added += doc_id not in before
    return added, removed


def catch_up(root: Path, ledger: Ledger, index: SearchIndex) -> int:
    """补入检索: documents the ledger shows indexed that the index lacks are sent again (from the archive).
    Cheap when nothing is missing (one count). Raises IndexUnavailable when the index cannot be reached."""
    rows = indexed_rows(ledger)
    if index.count() >= len(rows):
        return 0
    present = index.ids()
    missing = [r for r in rows if r["id"] not in present]
    docs = [d for d in (document_from_archive(root, r) for r in missing) if d is not None]
    return index.add_many(docs) if docs else 0


__all__ = ["INDEX_URL_ENV", "IndexUnavailable", "SEARCHABLE", "add_document", "catch_up", "document_from_archive",
           "index_fields", "index_problem", "open_office_index", "reindex"]
