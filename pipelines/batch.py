"""The batch (收文批处理): its steps as plain functions, and their sequence written once.

    签收登记 take_in → 补入检索 + 学习分办 learn → for each pending document: 初审 → 退文 | 分办 → 检索 (process)

Each step moves a document forward in the ledger, and every step can be done again: an interrupted batch is
finished by the next one, which first takes up every document the ledger shows unfinished, working from the
archived original. Every step takes the Office (pipelines/office.py: the ledger, index, router and rules,
opened from the configuration). `run_steps(office, pool, steps)` is the one sequence: the Prefect flow
(flows.py) runs it with its steps wrapped in tasks and the two worker processes as the pool; `run_batch` runs
the same sequence in this process (PLAIN steps, InProcess pool). Nothing here imports Prefect.
"""
from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional, Protocol

from extractors import UnusableInput
from index import IndexUnavailable

from . import decisions, router_model, same_document
from .batch_lock import batch_lock
from .decision import CLASSIFIED, HELD, OPEN, Decision, index_decision
from .decisions import RELEASED, decision_kind, record_decision
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
from .ledger import FINAL, LedgerConflict
from .mail_intake import message_fields, review_fields
from .office import Office
from .returns import sender_folder, write_return
from .review import Review, review_document
from .routing import route
from .search_sync import catch_up
from .terminal import shown

__all__ = ["FINAL", "Outcome", "Summary", "take_in", "process", "route_and_index", "run_batch", "run_steps"]


@dataclass
class Outcome:
    number: str
    file: str
    status: str  # a ledger status (held: for the 机要员), or "failed" (left unfinished for the next batch)
    verdict: Optional[str] = None
    department: Optional[str] = None
    reason: Optional[str] = None
    same: Optional[str] = None  # the same 来文 as an earlier registration: linked, or a new version (what the clerk is told)
    confidential: bool = False  # classified, or held for the 机要员: its file name (often its title) is not shown
    warning: Optional[str] = None  # what the clerk must check although the document went on (a changed sealed OFD)


@dataclass
class Summary:
    received: int = 0
    duplicates: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    learned: Optional[dict] = None  # the routing model retrained at the batch's start, if it was
    refused: list[Refused] = field(default_factory=list)  # inbox entries not taken in (links, devices…), quarantined
    waiting: int = 0  # files still being written, left for the next batch
    duplicate_of: list[tuple[str, str]] = field(default_factory=list)  # (file name, 收文编号 it repeats)

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
        moved = sum(1 for r in self.refused if r.where)
        if moved:
            out.append(f"  拒收 {moved} 件（不是普通文件或无法签收，已移入隔离区，原因见 .原因.txt）")
        if len(self.refused) > moved:
            out.append(f"  拒收 {len(self.refused) - moved} 件（未读取，未能移入隔离区，仍在原处）")
        if self.waiting:
            out.append(f"  仍在传入 {self.waiting} 件，下批再收")
        if self.count("linked"):
            out.append(f"  同一来文已关联 {self.count('linked')} 件（不重复分办、不重复入检索）")
        out.extend(f"  重复收到 {shown(name)}：与 {number} 为同一文件，未再登记" for name, number in self.duplicate_of)
        out.extend(f"  {o.same}" for o in self.outcomes if o.same)  # same_document.py: each link or new version
        out.extend(f"  注意：{o.number} {o.warning}" for o in self.outcomes if o.warning)
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


def take_in(office: Office, summary: Optional["Summary"] = None) -> "Summary":
    """签收 every complete regular file in the inboxes, each on its own: archive, register, then move it out of
    the inbox into received/. Links, devices, FIFOs and folders go to quarantine unread; files still being
    written wait for the next batch; a file that fails alone is quarantined with its reason. A fault of the
    disk or the ledger (磁盘已满, 只读, 登记簿损坏) stops the batch instead. Returns the summary (new `summary`
    when none is given) with the newly registered, the duplicates, the refused and the waiting files counted.
    Call with the batch lock held (batch_lock.py)."""
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
            created, duplicate, number = take_one(office, arrival)
        except NotTaken as exc:
            if exc.refused and not exc.move:  # outside the data root: not moved either
                summary.refused.append(Refused(arrival.channel, arrival.name, exc.reason))
            elif exc.refused:
                summary.refused.append(_refuse(office, arrival, exc.reason))
            else:
                summary.waiting += 1
            continue
        except Exception as exc:
            if is_root_fault(exc):
                raise
            if isinstance(exc, FileNotFoundError) and not os.path.lexists(arrival.path):
                continue  # taken away since the scan: nothing to refuse
            code = errno.errorcode.get(getattr(exc, "errno", None) or -1, type(exc).__name__)
            summary.refused.append(_refuse(office, arrival, f"签收失败：读取或移动此文件时出错（{code}）"))
            continue
        new += created
        duplicates += duplicate
        if duplicate:
            summary.duplicate_of.append((arrival.name, number))
    summary.received, summary.duplicates = summary.received + new, summary.duplicates + duplicates
    return summary


def take_one(office: Office, arrival: Arrival) -> tuple[bool, bool, str]:
    """One inbox file: (newly registered, a duplicate of a registered one, its 收文编号). A file registered by a batch that
    was killed before moving it out of the inbox is resumed (neither new nor a duplicate). The 收文 time is
    the office's clock ([office] timezone), which also decides the year of its 收文编号."""
    ledger = office.ledger
    sha256, kept = copy_in(office.root, arrival)
    registration = ledger.register(sha256=sha256, file=arrival.name, channel=arrival.channel,
                                   archive_path=str(kept.relative_to(office.root)), file_raw=arrival.raw_hex,
                                   received_at=office.now())
    row = ledger.get(registration.id)
    write_sidecar(office.root, row)  # the number, recoverable without the ledger
    folder = office.root / "received" / arrival.channel
    target = folder / safe_name(f"{row['year']}-{row['seq']:06d}-", arrival.name)
    resumed = (not registration.created and row["file"] == arrival.name and row["channel"] == arrival.channel
               and not target.exists())  # registered, then killed before the move: not a second copy
    duplicate = not registration.created and not resumed
    if duplicate:  # the same paper sent twice (also under the same name): one registration, the copy kept beside
        target = folder / safe_name(f"{row['year']}-{row['seq']:06d}-", arrival.name, f"-重复{arrival.st.st_mtime_ns}")
        ledger.note(row["id"], f"再次收到同一文件（{arrival.channel}/{shown(arrival.name)}），不重复登记")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(arrival.path, target)  # the name itself moves: a link swapped in is moved, not followed
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(arrival.path, target, follow_symlinks=False)  # an inbox on another disk: copy, then remove
        os.unlink(arrival.path)
    return registration.created, duplicate, row["number"]


def _refuse(office: Office, arrival: Arrival, reason: str) -> Refused:
    """Move an inbox entry into quarantine/ as it is (a link stays a link, nothing is read), with its reason; a
    linked inbox folder is replaced by an empty real folder. `where` is "" when it could not be moved."""
    folder = office.root / "quarantine"
    stamp = time.strftime("%Y%m%d%H%M%S")
    base = safe_name(f"拒收-{stamp}-{arrival.channel}-", arrival.name, limit=NAME_MAX - len(".原因.txt".encode()) - 4)
    target, n = folder / base, 1
    while os.path.lexists(target):
        n += 1
        target = folder / f"{base}-{n}"
    try:
        os.rename(arrival.path, target)
        if arrival.folder_link:  # a linked inbox folder: a real, empty one in its place (the link's target untouched)
            os.mkdir(arrival.path)
        (folder / f"{target.name}.原因.txt").write_text(f"{arrival.name}：{reason}\n", encoding="utf-8")
        where = str(target.relative_to(office.root))
    except OSError as exc:
        if is_root_fault(exc):
            raise
        where = ""  # it could not be moved: left where it is, refused again next time
    return Refused(arrival.channel, arrival.name, reason, where)


# an OFD whose electronic seal no longer matches the files it signed (extractors/ofd/seals.py): read and routed
# as it is, but the clerk is told in the batch line, the summary and the document's history
SEAL_CHANGED = "电子印章校验未通过：签章后文件被改动或缺失，所读内容可能不是签章时的原文，请向来文单位核实"


def process(office: Office, document_id: int, rules: list[dict]) -> Outcome:
    """初审 (with the office's profile), then 退文, 分办 and 检索, or 机要室 / held (decision.py), for one
    registered document (again, if it was interrupted). Every step is compare-and-set on the version read
    here: a document someone else changed meanwhile is left to them (LedgerConflict → outcome `failed` with
    the reason). rules: the office's 分办 rules (office.rules, read once for the batch); documents no rule
    covers go to the learned router (office.router)."""
    ledger = office.ledger
    row = ledger.get(document_id)
    try:
        data = (office.root / row["archive_path"]).read_bytes()
        try:
            review = review_document(data, row["file"], channel=row["channel"], profile=office.profile)
        except UnusableInput as exc:  # a message's sender and attachments are still recorded (mail_intake.py)
            return quarantine(office, row, exc.reason, **message_fields(office.root, data))
        report, doc = review.report, review.report["document"]
        decision = index_decision(review)
        cleared = decision.kind == HELD and decision_kind(office.root, row) == RELEASED  # the 机要员 released it
        if cleared:
            decision = Decision(OPEN)
        extra = review_fields(office.root, review)  # mail sender, date, attachments; OFD seals (mail_intake.py)
        same = (same_document.match(ledger, row, doc, review.body or review.text, extra.get("mail_from_name"))
                if decision.kind == OPEN else None)  # the same 来文 again? (classified ones: the 机要员's)
        version = ledger.set_status(
            document_id, "reviewed", f"初审：{'退文' if report['verdict'] == 'return' else '通过'}",
            expect_version=row["version"], format=report["format"], pages=report["pages"],
            issuer=doc["issuer"] or row["issuer"],  # or the 来文单位 typed at the counter (views.register_counter)
            doc_number=doc["doc_number"], doc_type=doc["doc_type"], title=doc["title"], urgency=doc["urgency"],
            secrecy=doc["secrecy"] or (review.secrecy_unreadable if decision.kind != OPEN else None),
            verdict=report["verdict"], findings=report["findings"], **extra, **(same.ledger_fields() if same else {}))
        row = {**row, "version": version}
        warning = SEAL_CHANGED if extra.get("seals_unchanged") == 0 else None
        if warning:
            ledger.note(document_id, warning)
        if same and same.kind == same_document.LINKED and report["verdict"] != "return":
            # one 来文, registered twice: linked, not routed or indexed again (a copy that fails 初审 is returned as usual)
            line = same.line(row["number"])
            ledger.set_status(document_id, "linked", line, expect_version=version)
            return Outcome(row["number"], row["file"], "linked", report["verdict"], reason=line, same=line, warning=warning)
        withdrawn = row["return_state"] == "withdrawn"  # the clerk took the return back: 分办 it (a rerun keeps to that)
        if withdrawn:
            withdraw_notices(office, row)  # a withdrawal interrupted before its notices left the outbox
        # released by the 机要员 (desk.release routes it without a 退文): a rerun keeps to that
        if report["verdict"] == "return" and decision.kind == OPEN and not withdrawn and not cleared:
            path = write_return(office.root / "outbox", row["number"], row["received_at"], report)
            where = str(path.relative_to(office.root))
            ledger.set_status(document_id, "returned", f"退文通知单：{where}", expect_version=version,
                              return_state="sent", return_path=where)
            return Outcome(row["number"], row["file"], "returned", report["verdict"],
                           same=same.line(row["number"]) if same else None, warning=warning)
        outcome = route_and_index(office, row, review, rules, secrecy_cleared=cleared)
        outcome.warning = warning
        if same:  # a new version of an earlier registration: the clerk is told (both stay searchable)
            outcome.same = same.line(row["number"])
        return outcome
    except LedgerConflict as exc:
        return Outcome(row["number"], row["file"], "failed", reason=str(exc))


def route_and_index(office: Office, row: dict, review: Review, rules: list[dict], *,
                    secrecy_cleared: bool = False) -> Outcome:
    """分办 a reviewed document, then put it into the search index — as index_decision says: a classified
    document stops at the 机要室, one with an unreadable 密级 is held for the 机要员. `row` is the ledger row
    as last seen (its version is compared); the decision is taken from the review alone. Only the office's
    configured departments are routed to (routing.route, office.departments). secrecy_cleared: the 机要员 has
    read an unreadable 密级 mark and found the document not classified (desk.release): it is not held again; a
    readable level still stops it at the 机要室."""
    ledger = office.ledger
    report, doc, document_id = review.report, review.report["document"], row["id"]
    decision = index_decision(review)
    if decision.kind == HELD and secrecy_cleared:
        decision = Decision(OPEN)
    if decision.kind == HELD:
        ledger.set_status(document_id, "held", decision.reason, expect_version=row["version"], reason=decision.reason)
        record_decision(office.root, row, decisions.HELD, decision.reason)  # outlives the ledger (decisions.py)
        return Outcome(row["number"], row["file"], "held", report["verdict"], reason=decision.reason, confidential=True)
    classified = decision.kind == CLASSIFIED
    route_decision = route(doc, review.body, row["channel"], rules, classified=classified,
                           model=None if classified else office.router, departments=office.departments)
    version = ledger.set_status(document_id, "routed", route_decision.reason, expect_version=row["version"],
                                department=route_decision.department, route_reason=route_decision.reason,
                                route_source=route_decision.source, route_confidence=route_decision.confidence)
    if not decision.indexable:  # 机要: never in the shared index; routing is its final step here
        record_decision(office.root, row, decisions.CLASSIFIED, route_decision.reason)
        return Outcome(row["number"], row["file"], "routed", report["verdict"], route_decision.department,
                       route_decision.reason, confidential=classified)
    try:
        index = office.index
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


def withdraw_notices(office: Office, row: dict) -> list[Path]:
    """Move a withdrawn return's notices and report from outbox/<sender>/ to withdrawn/<sender>/ (kept)."""
    source = office.root / "outbox" / sender_folder(row["issuer"])
    target = office.root / "withdrawn" / sender_folder(row["issuer"])
    moved = []
    for path in sorted(source.glob(f"{row['number']}-*")):
        target.mkdir(parents=True, exist_ok=True)
        moved.append(Path(shutil.move(str(path), target / path.name)))
    return moved


def quarantine(office: Office, row: dict, reason: str, **fields) -> Outcome:
    """A file that cannot be read: a copy and its reason go to quarantine/, the original stays archived.
    fields: more ledger columns to record (a mail message's sender and attachments)."""
    folder = office.root / "quarantine"
    name = safe_name(f"{row['year']}-{row['seq']:06d}-", row["file"], limit=NAME_MAX - len(".原因.txt".encode()))
    folder.mkdir(parents=True, exist_ok=True)
    _copy_for_clerk(office.root / row["archive_path"], folder / name)
    (folder / f"{name}.原因.txt").write_text(
        f"{shown(reason)}\n原文件名：{shown(row['file'])}\n收文编号：{row['number']}\n", encoding="utf-8")
    office.ledger.set_status(row["id"], "quarantined", reason, expect_version=row.get("version"), reason=reason, **fields)
    return Outcome(row["number"], row["file"], "quarantined", reason=reason)


def _copy_for_clerk(original: Path, target: Path) -> None:
    """The quarantined copy of an archived original: a second name for the same read-only file (a hard link:
    a 200 MB file is not stored twice), or a streamed copy where the two folders are on different disks."""
    target.unlink(missing_ok=True)  # a rerun after a kill: the copy again
    try:
        os.link(original, target)
    except OSError:
        shutil.copyfile(original, target)


def failed(office: Office, document_id: int, error: Exception) -> Outcome:
    """A document whose processing failed on our side (not the file's fault): it stays unfinished in the
    ledger, with the error in its history, and the next batch tries it again."""
    row = office.ledger.get(document_id)
    reason = f"{type(error).__name__}: {error}"[:300]
    office.ledger.note(document_id, f"处理出错：{reason}（下批自动重试）")
    return Outcome(row["number"], row["file"], "failed", reason=reason)


def learn(office: Office, force: bool = False) -> Optional[dict]:
    """学习分办: retrain the learned router when the rule decisions or corrections changed (texts from the
    index). Returns the new model's facts, else None (nothing new, too few examples, or search down)."""
    try:
        meta = router_model.learn(office.root, office.ledger, office.index, force=force)
    except IndexUnavailable:  # search is down: the model is trained again next batch
        return None
    if meta:
        office.forget_router()
    return meta


def catch_up_index(office: Office) -> int:
    """补入检索 what the ledger shows indexed but the index lacks; search being down never stops the batch."""
    try:
        return catch_up(office.root, office.ledger, office.index)
    except IndexUnavailable:
        return 0


def prepare_routing(office: Office) -> Optional[dict]:
    """The batch's step before the documents: 补入检索 (an outage of search in an earlier batch), then 学习分办
    (corrections made since the last batch count from this one on). Returns the new model's facts or None."""
    catch_up_index(office)
    return learn(office)


def pending(office: Office) -> list[dict]:
    """Ledger rows to (re)process: unfinished ones, except classified documents already routed to 机要室."""
    return [r for r in office.ledger.unfinished() if not (r["status"] == "routed" and r["department"] == "机要室")]


# -- the sequence, written once -----------------------------------------------------------------------------

TAKE_IN, LEARN, PROCESS = "take_in", "learn", "process"  # the steps as the Steps runner knows them


class Pool(Protocol):
    """Where each document's 初审 → 退文 | 分办 → 检索 runs: pipelines/workers.py's Workers (two processes, each
    with its own Office) or InProcess (this process, the batch's Office). lane: 'ocr' or 'text'."""

    def process(self, lane: str, document_id: int, rules: list[dict]) -> Outcome: ...


class Steps(Protocol):
    """How the sequence's steps are run: PLAIN (called here, documents one after another) or as Prefect tasks
    (flows.py). `call` runs one step and returns its result; `each` runs one step per argument tuple, on the
    given lanes, and yields (position, result or the exception it raised) as each finishes."""

    def call(self, step: str, fn: Callable, *args): ...

    def each(self, step: str, fn: Callable, calls: list[tuple], lanes: list[str]) -> Iterator[tuple[int, object]]: ...


class PlainSteps:
    """The steps called in this process, in order (run_batch, tests, benchmarks)."""

    def call(self, step: str, fn: Callable, *args):
        return fn(*args)

    def each(self, step: str, fn: Callable, calls: list[tuple], lanes: list[str]) -> Iterator[tuple[int, object]]:
        for position, args in enumerate(calls):
            try:
                yield position, fn(*args)
            except Exception as exc:
                yield position, exc


PLAIN = PlainSteps()


def process_on(office: Office, pool: Pool, document_id: int, rules: list[dict], lane: str) -> Outcome:
    """One document on the pool's lane; a document that killed its worker twice is quarantined (workers.py)."""
    from .workers import WorkerCrashed

    try:
        return pool.process(lane, document_id, rules)
    except WorkerCrashed as exc:
        return quarantine(office, office.ledger.get(document_id), exc.reason)


def run_steps(office: Office, pool: Pool, steps: Steps = PLAIN,
              progress: Optional[Callable[[int, int, Outcome, float], None]] = None,
              refused: Optional[Callable[[Refused], None]] = None) -> Summary:
    """The batch's sequence (the one copy): 签收登记, 补入检索 + 学习分办, then each pending document on the
    pool — scans and faxes on the OCR lane, e-documents balanced over both (workers.assign). progress(n, total,
    outcome, seconds since the documents started) after each document; refused(r) for each inbox entry not
    taken in. A fault of the disk or the ledger stops the batch (raised); any other error on one document
    leaves it unfinished for the next batch (outcome `failed`). Call with the batch lock held."""
    from .workers import assign, kind_of

    started = time.perf_counter()
    summary = steps.call(TAKE_IN, take_in, office)
    for entry in summary.refused:
        if refused:
            refused(entry)
    todo = pending(office)
    lanes = assign([kind_of(office.root / row["archive_path"]) for row in todo])
    rules = office.rules  # the office's 分办 rules, read once for the whole batch
    summary.learned = steps.call(LEARN, prepare_routing, office)
    working = time.perf_counter()
    calls = [(office, pool, row["id"], rules, lane) for row, lane in zip(todo, lanes)]
    for n, (position, result) in enumerate(steps.each(PROCESS, process_on, calls, lanes), start=1):
        if isinstance(result, Exception):  # a fault of ours, not the file's: the document waits for the next batch
            if is_root_fault(result):  # 磁盘已满, 只读, 登记簿损坏: the whole batch stops, said once
                raise result
            result = failed(office, todo[position]["id"], result)
        summary.outcomes.append(result)
        if progress:
            progress(n, len(todo), result, time.perf_counter() - working)
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary


def run_batch(root: Path, progress=None, *, config=None, pool: Optional[Pool] = None) -> Summary:
    """One whole batch in this process (tests, benchmarks): the same sequence as the flow (run_steps), with
    PLAIN steps and, unless a pool is given, the documents processed here with the batch's own Office.
    progress(n, total, outcome, seconds). Holds the batch lock; a lost ledger stops it (LedgerDamaged)."""
    from .workers import InProcess

    root = Path(root)
    prepare(root)
    with batch_lock(root), Office.open(root, config) as office:
        return run_steps(office, pool or InProcess(office), PLAIN, progress)
