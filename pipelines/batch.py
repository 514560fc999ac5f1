"""The batch's steps as plain functions (收文批处理): 签收 → 登记 → 初审 → 退文 | 分办 → 检索.

Each step moves a document forward in the ledger, and every step can be done again: an interrupted batch is
finished by the next one, which first takes up every document the ledger shows unfinished, working from the
archived original. The flow in flows.py strings these together; they never import Prefect.
"""
from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from extractors import UnusableInput
from index import IndexUnavailable, SearchIndex

from . import router_model, same_document
from .batch_lock import batch_lock
from .decision import CLASSIFIED, HELD, OPEN, index_decision
from .faults import is_root_fault
from .intake import (
    NAME_MAX,
    Arrival,
    NotTaken,
    Refused,
    clean_temporaries,
    copy_in,
    prepare,
    safe_name,
    scan,
    settled,
    write_sidecar,
)
from .ledger import FINAL, Ledger, LedgerConflict, SQLiteLedger
from .ledger_rebuild import check_ledger
from .mail_intake import message_fields, review_fields
from .returns import sender_folder, write_return
from .review import Review, review_document
from .routing import load_rules, route
from .search_sync import catch_up, open_office_index
from .terminal import shown

__all__ = ["FINAL", "DataRoot", "Outcome", "Summary", "take_in", "process", "route_and_index", "run_batch"]
LEDGER_FILE = "ledger.sqlite3"


@dataclass
class DataRoot:
    """The office's data root (inboxes, archive, ledger, index, outbox, quarantine) and where each lives."""

    root: Path

    def __post_init__(self):
        self.root = Path(self.root)
        prepare(self.root)

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_FILE

    def open_index(self) -> SearchIndex:
        """The office's search index (embedded under the root, or $SHOUWEN_INDEX_URL's Elasticsearch)."""
        return open_office_index(self.root)


@dataclass
class Outcome:
    number: str
    file: str
    status: str  # a ledger status (held: for the 机要员), or "failed" (left unfinished for the next batch)
    verdict: Optional[str] = None
    department: Optional[str] = None
    reason: Optional[str] = None
    same: Optional[str] = None  # the same 来文 as an earlier registration: linked, or a new version (what the clerk is told)


@dataclass
class Summary:
    received: int = 0
    duplicates: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    learned: Optional[dict] = None  # the routing model retrained at the batch's start, if it was
    refused: list[Refused] = field(default_factory=list)  # inbox entries not taken in (links, devices…), quarantined
    waiting: int = 0  # files still being written, left for the next batch

    def lines(self) -> list[str]:
        """The batch's summary as the clerk reads it."""
        classified = sum(1 for o in self.outcomes if o.status == "routed" and o.department == "机要室")
        accepted = sum(1 for o in self.outcomes if o.status in ("indexed", "routed") and o.verdict == "accept"
                       and o.department != "机要室")
        out = [f"本批收文 {self.received} 件（重复 {self.duplicates} 件），处理 {len(self.outcomes)} 件，用时 {self.seconds:g} 秒",
               f"  通过初审 {accepted} 件，退文 {self.count('returned')} 件，隔离 {self.count('quarantined')} 件"
               + (f"，出错 {self.count('failed')} 件（下批自动重试）" if self.count("failed") else "")]
        if classified:
            out.append(f"  涉密公文转机要室 {classified} 件（不退文、不入检索）")
        if self.count("held"):
            out.append(f"  待机要员核定密级 {self.count('held')} 件（未入检索，请机要员查看：shouwen ledger）")
        if self.refused:
            out.append(f"  拒收 {len(self.refused)} 件（不是普通文件或无法签收，已移入隔离区，原因见 .原因.txt）")
        if self.waiting:
            out.append(f"  仍在传入 {self.waiting} 件，下批再收")
        if self.count("linked"):
            out.append(f"  同一来文已关联 {self.count('linked')} 件（不重复分办、不重复入检索）")
        out.extend(f"  {o.same}" for o in self.outcomes if o.same)  # same_document.py: each link or new version
        for department, n in sorted(self.departments().items(), key=lambda kv: -kv[1]):
            out.append(f"  分办 {shown(department)}：{n} 件")
        if self.learned:
            out.append("  " + learned_line(self.learned))
        return out

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def departments(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            if o.department:
                out[o.department] = out.get(o.department, 0) + 1
        return out


def learned_line(meta: dict) -> str:
    accuracy = meta.get("held_out_accuracy")
    return (f"分办模型已重新训练：样本 {meta['examples']} 件（其中改办 {meta['corrections']} 件），部门 {len(meta['departments'])} 个"
            + (f"，留出样本准确率 {accuracy:.0%}" if accuracy is not None else ""))


def take_in(office: DataRoot, ledger: Ledger, summary: Optional["Summary"] = None) -> tuple[int, int]:
    """签收 every complete regular file in the inboxes, each on its own: archive, register, then move it out of
    the inbox into received/. Links, devices, FIFOs and folders go to quarantine unread; files still being
    written wait for the next batch; a file that fails alone is quarantined with its reason. A fault of the
    disk or the ledger (磁盘已满, 只读, 登记簿损坏) stops the batch instead. Returns (newly registered, duplicates);
    `summary` gets the refused and waiting files. Call with the batch lock held (batch_lock.py)."""
    started = time.time()
    clean_temporaries(office.root, before=started)  # what a killed intake left (we hold the lock: none is live)
    summary = summary if summary is not None else Summary()
    files, strange = scan(office.root)
    for arrival, reason in strange:
        summary.refused.append(_refuse(office, arrival, reason))
    ready, waiting = settled(files)
    summary.waiting += len(waiting)
    new = duplicates = 0
    for arrival in ready:
        try:
            created, duplicate = take_one(office, ledger, arrival)
        except NotTaken as exc:
            if exc.refused:
                summary.refused.append(_refuse(office, arrival, exc.reason))
            else:
                summary.waiting += 1
            continue
        except Exception as exc:
            if is_root_fault(exc):
                raise
            summary.refused.append(_refuse(office, arrival, f"签收失败：{type(exc).__name__}: {exc}"[:300]))
            continue
        new += created
        duplicates += duplicate
    summary.received, summary.duplicates = summary.received + new, summary.duplicates + duplicates
    return new, duplicates


def take_one(office: DataRoot, ledger: Ledger, arrival: Arrival) -> tuple[bool, bool]:
    """One inbox file: (newly registered, a duplicate of a registered one). A file registered by a batch that
    was killed before moving it out of the inbox is resumed (neither new nor a duplicate)."""
    sha256, kept = copy_in(office.root, arrival)
    registration = ledger.register(sha256=sha256, file=arrival.name, channel=arrival.channel,
                                   archive_path=str(kept.relative_to(office.root)), file_raw=arrival.raw_hex)
    row = ledger.get(registration.id)
    write_sidecar(office.root, row)  # the number, recoverable without the ledger
    folder = office.root / "received" / arrival.channel
    target = folder / safe_name(f"{row['year']}-{row['seq']:06d}-", arrival.name)
    resumed = (not registration.created and row["file"] == arrival.name and row["channel"] == arrival.channel
               and not target.exists())  # registered, then killed before the move: not a second copy
    duplicate = not registration.created and not resumed
    if duplicate:  # the same paper sent twice (also under the same name): one registration, the copy kept beside
        target = folder / safe_name(f"{row['year']}-{row['seq']:06d}-", arrival.name, f"-重复{arrival.st.st_mtime_ns}")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(arrival.path, target)  # the name itself moves: a link swapped in is moved, not followed
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(arrival.path, target, follow_symlinks=False)  # an inbox on another disk: copy, then remove
        os.unlink(arrival.path)
    return registration.created, duplicate


def _refuse(office: DataRoot, arrival: Arrival, reason: str) -> Refused:
    """Move an inbox entry into quarantine/ as it is (a link stays a link, nothing is read), with its reason."""
    folder = office.root / "quarantine"
    stamp = time.strftime("%Y%m%d%H%M%S")
    base = safe_name(f"拒收-{stamp}-{arrival.channel}-", arrival.name, limit=NAME_MAX - len(".原因.txt".encode()) - 4)
    target, n = folder / base, 1
    while os.path.lexists(target):
        n += 1
        target = folder / f"{base}-{n}"
    try:
        os.rename(arrival.path, target)
        (folder / f"{target.name}.原因.txt").write_text(f"{arrival.name}：{reason}\n", encoding="utf-8")
        where = str(target.relative_to(office.root))
    except OSError as exc:
        if is_root_fault(exc):
            raise
        where = ""  # it could not be moved: left where it is, refused again next time
    return Refused(arrival.channel, arrival.name, reason, where)


def process(office: DataRoot, ledger: Ledger, index: SearchIndex, document_id: int, rules: list[dict],
            model=None) -> Outcome:
    """初审, then 退文, 分办 and 检索, or 机要室 / held (decision.py), for one registered document (again, if it
    was interrupted). Every step is compare-and-set on the version read here: a document someone else changed
    meanwhile is left to them (LedgerConflict → outcome `failed` with the reason).
    model: the learned router (分办模型) for documents no rule covers, or None."""
    row = ledger.get(document_id)
    try:
        data = (office.root / row["archive_path"]).read_bytes()
        try:
            review = review_document(data, row["file"], channel=row["channel"])
        except UnusableInput as exc:  # a message's sender and attachments are still recorded (mail_intake.py)
            return quarantine(office, ledger, row, exc.reason, **message_fields(office.root, data))
        report, doc = review.report, review.report["document"]
        decision = index_decision(review)
        extra = review_fields(office.root, review)  # mail sender, date, attachments; OFD seals (mail_intake.py)
        same = (same_document.match(ledger, row, doc, review.body or review.text, extra.get("mail_from_name"))
                if decision.kind == OPEN else None)  # the same 来文 again? (classified ones: the 机要员's)
        version = ledger.set_status(
            document_id, "reviewed", f"初审：{'退文' if report['verdict'] == 'return' else '通过'}",
            expect_version=row["version"], format=report["format"], pages=report["pages"], issuer=doc["issuer"],
            doc_number=doc["doc_number"], doc_type=doc["doc_type"], title=doc["title"], urgency=doc["urgency"],
            secrecy=doc["secrecy"] or (review.secrecy_unreadable if decision.kind != OPEN else None),
            verdict=report["verdict"], findings=report["findings"], **extra, **(same.ledger_fields() if same else {}))
        row = {**row, "version": version}
        if same and same.kind == same_document.LINKED and report["verdict"] != "return":
            # one 来文, registered twice: linked, not routed or indexed again (a copy that fails 初审 is returned as usual)
            line = same.line(row["number"])
            ledger.set_status(document_id, "linked", line, expect_version=version)
            return Outcome(row["number"], row["file"], "linked", report["verdict"], reason=line, same=line)
        withdrawn = row["return_state"] == "withdrawn"  # the clerk took the return back: 分办 it (a rerun keeps to that)
        if withdrawn:
            withdraw_notices(office, row)  # a withdrawal interrupted before its notices left the outbox
        if report["verdict"] == "return" and decision.kind == OPEN and not withdrawn:
            path = write_return(office.root / "outbox", row["number"], row["received_at"], report)
            where = str(path.relative_to(office.root))
            ledger.set_status(document_id, "returned", f"退文通知单：{where}", expect_version=version,
                              return_state="sent", return_path=where)
            return Outcome(row["number"], row["file"], "returned", report["verdict"],
                           same=same.line(row["number"]) if same else None)
        outcome = route_and_index(ledger, index, row, review, rules, model)
        if same:  # a new version of an earlier registration: the clerk is told (both stay searchable)
            outcome.same = same.line(row["number"])
        return outcome
    except LedgerConflict as exc:
        return Outcome(row["number"], row["file"], "failed", reason=str(exc))


def route_and_index(ledger: Ledger, index: SearchIndex, row: dict, review: Review, rules: list[dict],
                    model=None) -> Outcome:
    """分办 a reviewed document, then put it into the search index — as index_decision says: a classified
    document stops at the 机要室, one with an unreadable 密级 is held for the 机要员. `row` is the ledger row
    as last seen (its version is compared); the decision is taken from the review alone."""
    report, doc, document_id = review.report, review.report["document"], row["id"]
    decision = index_decision(review)
    if decision.kind == HELD:
        ledger.set_status(document_id, "held", decision.reason, expect_version=row["version"], reason=decision.reason)
        return Outcome(row["number"], row["file"], "held", report["verdict"], reason=decision.reason)
    route_decision = route(doc, review.body, row["channel"], rules, classified=decision.kind == CLASSIFIED, model=model)
    version = ledger.set_status(document_id, "routed", route_decision.reason, expect_version=row["version"],
                                department=route_decision.department, route_reason=route_decision.reason,
                                route_source=route_decision.source, route_confidence=route_decision.confidence)
    if not decision.indexable:  # 机要: never in the shared index; routing is its final step here
        return Outcome(row["number"], row["file"], "routed", report["verdict"], route_decision.department,
                       route_decision.reason)
    try:
        index.add(document_id, title=doc["title"] or row["file"], body=review.text, secrecy=doc["secrecy"],
                  number=row["number"], issuer=doc["issuer"], doc_type=doc["doc_type"],
                  department=route_decision.department, channel=row["channel"], verdict=report["verdict"],
                  status="indexed", date=doc["date"], received_at=row["received_at"])
    except IndexUnavailable as exc:  # search is down: the document stays 分办 (to index) and is sent next batch
        ledger.set_status(document_id, "routed", f"检索服务不可用，下批补入检索：{exc}"[:300], expect_version=version)
        return Outcome(row["number"], row["file"], "routed", report["verdict"], route_decision.department,
                       route_decision.reason)
    try:
        ledger.set_status(document_id, "indexed", "已入检索", expect_version=version)
    except LedgerConflict:
        index.remove(document_id)  # someone else changed it meanwhile: the index follows the ledger, not us
        raise
    return Outcome(row["number"], row["file"], "indexed", report["verdict"], route_decision.department,
                   route_decision.reason)


def withdraw_notices(office: DataRoot, row: dict) -> list[Path]:
    """Move a withdrawn return's notices and report from outbox/<sender>/ to withdrawn/<sender>/ (kept)."""
    source = office.root / "outbox" / sender_folder(row["issuer"])
    target = office.root / "withdrawn" / sender_folder(row["issuer"])
    moved = []
    for path in sorted(source.glob(f"{row['number']}-*")):
        target.mkdir(parents=True, exist_ok=True)
        moved.append(Path(shutil.move(str(path), target / path.name)))
    return moved


def quarantine(office: DataRoot, ledger: Ledger, row: dict, reason: str, **fields) -> Outcome:
    """A file that cannot be read: a copy and its reason go to quarantine/, the original stays archived.
    fields: more ledger columns to record (a mail message's sender and attachments)."""
    folder = office.root / "quarantine"
    name = safe_name(f"{row['year']}-{row['seq']:06d}-", row["file"], limit=NAME_MAX - len(".原因.txt".encode()))
    data = (office.root / row["archive_path"]).read_bytes()
    (folder / name).write_bytes(data)
    (folder / f"{name}.原因.txt").write_text(
        f"{shown(reason)}\n原文件名：{shown(row['file'])}\n收文编号：{row['number']}\n", encoding="utf-8")
    ledger.set_status(row["id"], "quarantined", reason, expect_version=row.get("version"), reason=reason, **fields)
    return Outcome(row["number"], row["file"], "quarantined", reason=reason)


def failed(office: DataRoot, document_id: int, error: Exception) -> Outcome:
    """A document whose processing failed on our side (not the file's fault): it stays unfinished in the
    ledger, with the error in its history, and the next batch tries it again."""
    ledger = SQLiteLedger(office.ledger_path)
    try:
        row = ledger.get(document_id)
        reason = f"{type(error).__name__}: {error}"[:300]
        ledger.note(document_id, f"处理出错：{reason}（下批自动重试）")
        return Outcome(row["number"], row["file"], "failed", reason=reason)
    finally:
        ledger.close()


def learn(office: DataRoot, force: bool = False, index: Optional[SearchIndex] = None) -> Optional[dict]:
    """学习分办: retrain the learned router when the rule decisions or corrections changed (texts from the index)."""
    own = index is None
    try:
        index = office.open_index() if own else index
        return router_model.learn(office.root, office.ledger_path, index, force=force)
    except IndexUnavailable:  # search is down: the model is trained again next batch
        return None
    finally:
        if own and index is not None:
            index.close()


def catch_up_index(office: DataRoot, ledger: Ledger, index: SearchIndex) -> int:
    """补入检索 what the ledger shows indexed but the index lacks; search being down never stops the batch."""
    try:
        return catch_up(office.root, ledger, index)
    except IndexUnavailable:
        return 0


def pending(ledger: Ledger) -> list[dict]:
    """Ledger rows to (re)process: unfinished ones, except classified documents already routed to 机要室."""
    return [r for r in ledger.unfinished() if not (r["status"] == "routed" and r["department"] == "机要室")]


def run_batch(root: Path, progress=None) -> Summary:
    """One whole batch without Prefect (tests, and the flow's fallback): take in, then process what is pending."""
    started = time.perf_counter()
    office = DataRoot(root)
    with batch_lock(office.root):
        check_ledger(office.root)  # a lost ledger is rebuilt first (shouwen rebuild-ledger), never restarted
        ledger, index = SQLiteLedger(office.ledger_path), office.open_index()
        try:
            return _run(office, ledger, index, started, progress)
        finally:
            ledger.close()
            index.close()


def _run(office: DataRoot, ledger: Ledger, index: SearchIndex, started: float, progress) -> Summary:
    summary = Summary()
    take_in(office, ledger, summary)
    catch_up_index(office, ledger, index)
    summary.learned = learn(office, index=index)  # corrections made since the last batch count from this one on
    rules, model = load_rules(office.root), router_model.load(office.root)
    todo = pending(ledger)
    for n, row in enumerate(todo, start=1):
        outcome = process(office, ledger, index, row["id"], rules, model)
        summary.outcomes.append(outcome)
        if progress:
            progress(n, len(todo), outcome)
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary
