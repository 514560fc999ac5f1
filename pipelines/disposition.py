"""What becomes of one reviewed document (处置): each disposition written once, for the batch, the workers and
the desk alike.

    quarantine(office, row, reason)                        隔离: a copy and its reason in quarantine/
    return_document(office, row, report, version)          退文: the notice in outbox/<来文单位>/
    hold_for_review(office, row, report, version)          待复核: a 退文 resting on a doubtful reading, for the clerk
    route_and_index(office, row, review, rules, decision)  分办 → 检索, or to the 机要室, or held for the 机要员
    to_confidential_office(office, row, reason)            转机要室 by a person (改办 to the 机要室, held → 机要室)
    resend_return(office, row) / withdraw_return(office, row, reason)   重发 / 撤回 a return
    withdraw_notices(office, row)                          a withdrawn return's files out of the outbox
                                                           (the 撤回通知 and the deliveries: pipelines/returns/)
    failed(office, document_id, error)                     left unfinished for the next batch
    secure_original(office, row)                           a classified or held original out of sight
    unsecure_original(office, row)                         … and back in received/ once the 机要员 released it

Each changes the ledger compare-and-set on the row it was given (LedgerConflict when someone changed it
meanwhile), records who acted (`actor`, pipelines/actors.py), and then says so once (pipelines/events.py:
ROUTED, RETURNED, HELD, CLASSIFIED, RETURN_RESENT, RETURN_WITHDRAWN). Secrecy is decided by the caller with
pipelines/secrecy.decide and handed in: nothing here decides it again.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from index import IndexUnavailable

from . import events
from .actors import BATCH, Actor, history_kwargs
from .dataroot import NAME_MAX, SECURE_FILE_MODE, DataRoot, numbered, safe_name, suffix_of
from .ledger import LedgerConflict
from .routing import Route, route
from .search_sync import add_document
from .secrecy import CLASSIFIED, CONFIDENTIAL_OFFICE, HELD, Decision
from .secrecy_records import CLASSIFIED as RECORD_CLASSIFIED
from .secrecy_records import HELD as RECORD_HELD
from .secrecy_records import decision_kind, record_decision
from .terminal import shown

if TYPE_CHECKING:
    from .review import Review

log = logging.getLogger("shouwen.disposition")


# The 退文通知单's writer (python-docx) and the reviewer (the element parser) are imported when a document is
# returned or reviewed: 改办 and the other quick commands that come through here need neither.
def issuing(*args, **kwargs):
    """returns.issue.issuing (the 退文通知单 numbered and recorded, in the caller's transaction)."""
    from .returns.issue import issuing as issue

    return issue(*args, **kwargs)


def write_return(*args, **kwargs) -> Path:
    """returns.write_return (the 退文通知单)."""
    from .returns import write_return as write

    return write(*args, **kwargs)


def review_original(*args, **kwargs) -> Review:
    """review.review_original (初审 of the archived original)."""
    from .review import review_original as review

    return review(*args, **kwargs)


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
    unindexed: Optional[str] = None  # why it is not in the search index yet (damaged, unreachable): caught up later
    letter: Optional[str] = None  # a citizen's 来信 (pipelines/letters/): its own number, 信〔2026〕3号
    kind_unsure: bool = False  # 来信 or 公文 could not be told: held for the clerk (待复核)


def _emit(event: str, office, document_id: int, actor: Actor, department: Optional[str] = None, **extra) -> None:
    """events.emit with the row as the ledger now holds it (read only when someone subscribes)."""
    if events.wants(event):
        events.emit(event, office, office.ledger.get(document_id), department=department, actor=actor.history_name,
                    **extra)


# -- 隔离 --------------------------------------------------------------------------------------------------------

def quarantine(office, row: dict, reason: str, *, actor: Actor = BATCH, detail: Optional[str] = None,
               **fields) -> Outcome:
    """A file that cannot be read: a copy and its reason go to quarantine/, the original stays archived.
    reason: the clerk's, Chinese only (the ledger, the 隔离区 page); detail: the technical cause (UnusableInput's
    detail: "BadZipFile: …"), logged and written under the reason in the .原因.txt for the administrator only.
    fields: more ledger columns to record (a mail message's sender and attachments)."""
    folder = DataRoot(office.root).quarantine
    name = safe_name(numbered(row["year"], row["seq"]), row["file"], limit=NAME_MAX - len(".原因.txt".encode()))
    folder.mkdir(parents=True, exist_ok=True)
    _copy_for_clerk(office.root / row["archive_path"], folder / name)
    technical = f"技术细节（供系统管理员）：{shown(detail)}\n" if detail else ""
    (folder / f"{name}.原因.txt").write_text(
        f"{shown(reason)}\n原文件名：{shown(row['file'])}\n收文编号：{row['number']}\n{technical}", encoding="utf-8")
    if detail:
        log.warning("%s quarantined: %s (%s)", row["number"], reason, detail)
    office.ledger.set_status(row["id"], "quarantined", reason, expect_version=row.get("version"), reason=reason,
                             **fields, **history_kwargs(office.ledger, actor))
    return Outcome(row["number"], row["file"], "quarantined", reason=reason)


def hold(office, row: dict, reason: str, verdict: Optional[str] = None, *, actor: Actor = BATCH, **fields) -> Outcome:
    """待机要员核定: the ledger `held` (compare-and-set on row's version), the decision recorded beside the
    registration (outlives the ledger: secrecy_records.py), the original out of sight in .secure/. Never indexed,
    returned or routed. fields: more ledger columns (an unreadable mail's sender and attachments)."""
    ledger = office.ledger
    ledger.set_status(row["id"], "held", reason, expect_version=row.get("version"), reason=reason, **fields,
                      **history_kwargs(ledger, actor))
    record_decision(office.root, row, RECORD_HELD, reason)
    secure_original(office, row)
    _emit(events.HELD, office, row["id"], actor, reason=reason)
    return Outcome(row["number"], row["file"], "held", verdict, reason=reason, confidential=True)


def _copy_for_clerk(original: Path, target: Path) -> None:
    """The quarantined copy of an archived original: a second name for the same read-only file (a hard link:
    a 200 MB file is not stored twice), or a streamed copy where the two folders are on different disks."""
    target.unlink(missing_ok=True)  # a rerun after a kill: the copy again
    try:
        os.link(original, target)
    except OSError:
        shutil.copyfile(original, target)


def failed(office, document_id: int, error: Exception) -> Outcome:
    """A document whose processing failed on our side (not the file's fault): it stays unfinished in the
    ledger, with the error in its history, and the next batch tries it again."""
    row = office.ledger.get(document_id)
    reason = f"{type(error).__name__}: {error}"[:300]
    office.ledger.note(document_id, f"处理出错：{reason}（下批自动重试）")
    return Outcome(row["number"], row["file"], "failed", reason=reason)


# -- 退文 --------------------------------------------------------------------------------------------------------

def return_document(office, row: dict, report: dict, version: int, *, actor: Actor = BATCH) -> str:
    """退文: the 退文通知单 (docx, numbered in the office's sequence: pipelines/returns/issue.py) and the report
    into outbox/<来文单位>/, the ledger `returned` (compare-and-set on `version`) in the same transaction as the
    notice's number. Returns the notice's path relative to the root; RETURNED carries it and its id (delivery)."""
    with issuing(office, row, report, actor=actor.history_name) as notice:
        office.ledger.set_status(row["id"], "returned", f"退文通知单{notice.number}：{notice.path}",
                                 expect_version=version, return_state="sent", return_path=notice.path,
                                 **history_kwargs(office.ledger, actor))
    _emit(events.RETURNED, office, row["id"], actor, notice=notice.path, notice_id=notice.id)
    return notice.path


def hold_for_review(office, row: dict, report: dict, version: int, *, actor: Actor = BATCH) -> Outcome:
    """待复核 (issue 24 §1): a document whose 退文 rests on an absence or a low-confidence reading
    (validators/doubt.decide_doubt: not sure) is neither returned nor routed: the ledger `review_held` with the
    doubtful grounds as its reason (compare-and-set on `version`), the proposed findings kept beside the
    registration (review_records.py: rebuild-ledger brings it back 待复核), REVIEW_HELD said once. The clerk
    decides with `shouwen review` (desk.review)."""
    from validators.doubt import decide_doubt

    from .review_records import HELD as REVIEW_HELD
    from .review_records import record_review

    doubt = decide_doubt(report)
    why = doubt.reasons or ([str(report["template"])] if report.get("outcome") == "template" and report.get("template") else [])
    reason = ("待复核：" + "；".join(why))[:600] if why else "待复核：退文理由所依据的识读存疑"
    office.ledger.set_status(row["id"], "review_held", reason, expect_version=version, reason=reason,
                             **history_kwargs(office.ledger, actor))
    proposed = [f for f in report.get("findings", []) if f.get("severity") == "error"]
    record_review(office.root, row, REVIEW_HELD, reason, actor.history_name, findings=proposed)
    _emit(events.REVIEW_HELD, office, row["id"], actor, reason=reason)
    return Outcome(row["number"], row["file"], "review_held", report["verdict"], reason=reason)


def resend_return(office, row: dict, review: Optional[Review] = None, *, actor: Actor = BATCH) -> Path:
    """重发 the 退文通知单 of a returned row: a new notice, numbered, dated today, beside the first
    (…-退文通知单（第N次重发）.docx, its title the same words); returns its path. Compare-and-set: when the return
    was withdrawn (or changed) meanwhile, LedgerConflict, and neither the notice nor its number stays.
    NotReturned when it is not returned."""
    ledger = office.ledger
    _returned(row)
    review = review or review_original(office, row)
    folder = DataRoot(office.root).sender(row["issuer"])
    try:
        with issuing(office, row, review.report, actor=actor.history_name) as notice:
            ledger.set_status(row["id"], "returned", f"重发退文通知单{notice.number}：{notice.path}",
                              expect_version=row["version"], expect_status=("returned",), return_state="resent",
                              return_path=notice.path, **history_kwargs(ledger, actor))
    except LedgerConflict:
        if ledger.get(row["id"])["status"] != "returned":  # withdrawn meanwhile: nothing of it stays in the outbox
            (folder / f"{row['number']}-审核意见.json").unlink(missing_ok=True)
        raise
    _emit(events.RETURN_RESENT, office, row["id"], actor, notice=notice.path, notice_id=notice.id)
    return office.root / notice.path


def withdraw_return(office, row: dict, reason: str, review: Optional[Review] = None, *,
                    actor: Actor = BATCH) -> tuple[Outcome, list[Path]]:
    """撤回 the return and 分办 the document; returns the outcome and where the withdrawn files went. The
    撤回通知 is issued and delivered by RETURN_WITHDRAWN's subscriber (pipelines/returns/subscribers.py), with
    `reason`. The ledger moves first (compare-and-set on the version the clerk saw: LedgerConflict when a resend or
    another withdrawal got there first), then the notices leave the outbox; an interrupted withdrawal is
    finished by the next batch (status reviewed, return_state withdrawn). NotReturned when it is not returned."""
    from .secrecy import decide

    ledger = office.ledger
    _returned(row)
    review = review or review_original(office, row)
    ledger.set_status(row["id"], "reviewed", f"撤回退文：{reason}", expect_version=row["version"],
                      expect_status=("returned",), return_state="withdrawn", **history_kwargs(ledger, actor))
    moved = withdraw_notices(office, row)
    _emit(events.RETURN_WITHDRAWN, office, row["id"], actor, reason=reason)
    row = ledger.get(row["id"])
    outcome = route_and_index(office, row, review, office.rules, decide(review, decision_kind(office.root, row)),
                              actor=actor)
    return outcome, moved


class NotReturned(ValueError):
    """The document is not (or no longer) returned: nothing to resend or withdraw."""


def _returned(row: dict) -> None:
    if row["status"] != "returned":
        raise NotReturned(f"{row['number']} 当前状态不是已退文，无法办理")


def withdraw_notices(office, row: dict) -> list[Path]:
    """Move a withdrawn return's notices and report from outbox/<sender>/ to withdrawn/<sender>/ (kept)."""
    paths = DataRoot(office.root)
    source = paths.sender(row["issuer"])
    target = paths.sender(row["issuer"], paths.withdrawn)
    moved = []
    for path in sorted(source.glob(f"{row['number']}-*")):
        target.mkdir(parents=True, exist_ok=True)
        moved.append(Path(shutil.move(str(path), target / path.name)))
    return moved


# -- 分办 → 检索, 机要室, 待机要员核定 ----------------------------------------------------------------------------

def route_and_index(office, row: dict, review: Review, rules: list[dict], decision: Decision, *,
                    actor: Actor = BATCH, clerk_route: Optional[Route] = None) -> Outcome:
    """分办 a reviewed document, then put it into the search index — as `decision` (secrecy.decide, taken once
    by the caller) says: a classified document stops at the 机要室, one with an unreadable 密级 is held for the
    机要员. `row` is the ledger row as last seen (its version is compared). Only the office's configured
    departments are routed to (routing.route, office.departments). clerk_route: where a clerk's 改办 had sent
    it before (a release sends it back there, not where the rules would)."""
    ledger = office.ledger
    report, doc, document_id = review.report, review.report["document"], row["id"]
    if decision.kind == HELD:
        return hold(office, row, decision.reason, report["verdict"], actor=actor)
    classified = decision.kind == CLASSIFIED
    routed = clerk_route if clerk_route is not None and not classified else route(
        doc, review.body, row["channel"], rules, classified=classified,
        model=None if classified else office.router, departments=office.departments)
    version = ledger.set_status(document_id, "routed", routed.reason, expect_version=row["version"],
                                department=routed.department, route_reason=routed.reason,
                                route_source=routed.source, route_confidence=routed.confidence,
                                **history_kwargs(ledger, actor))
    if not decision.indexable:  # 机要: never in the shared index; routing is its final step here
        record_decision(office.root, row, RECORD_CLASSIFIED, routed.reason)
        secure_original(office, row)
        _emit(events.CLASSIFIED, office, document_id, actor, routed.department, reason=routed.reason)
        return Outcome(row["number"], row["file"], "routed", report["verdict"], routed.department, routed.reason,
                       confidential=classified)
    _emit(events.ROUTED, office, document_id, actor, routed.department, reason=routed.reason, source=routed.source)
    unindexed = index_or_why(office, row, review, status="indexed", department=routed.department)
    if unindexed:  # search is down or damaged: the document stays 分办 (to index), sent next batch
        ledger.set_status(document_id, "routed", f"未入检索，下批补入：{unindexed}"[:300], expect_version=version,
                          **history_kwargs(ledger, actor))
        return Outcome(row["number"], row["file"], "routed", report["verdict"], routed.department, routed.reason,
                       unindexed=unindexed)
    index = office.index
    try:
        ledger.set_status(document_id, "indexed", "已入检索", expect_version=version, **history_kwargs(ledger, actor))
    except LedgerConflict:
        index.remove(document_id)  # someone else changed it meanwhile: the index follows the ledger, not us
        raise
    return Outcome(row["number"], row["file"], "indexed", report["verdict"], routed.department, routed.reason)


def index_or_why(office, row: dict, review, *, status: str, department: Optional[str] = None) -> Optional[str]:
    """Add the document to the search index (检索) as `status`; None when it is in, else why not (Chinese, from
    IndexUnavailable): the ledger keeps it and search_sync.catch_up adds it in a later batch."""
    try:
        add_document(office.index, row, review, status=status, department=department)
    except IndexUnavailable as exc:
        return str(exc)
    return None


def to_confidential_office(office, row: dict, reason: str, *, actor: Actor = BATCH) -> None:
    """机要: the document goes to the 机要室 as classified (routed, never indexed again; the router never learns
    it), compare-and-set on the state the clerk saw. Where a clerk's 改办 had sent it, that route is kept with
    the decision (a release sends it back there)."""
    office.ledger.set_status(row["id"], "routed", reason, expect_version=row["version"],
                             expect_status=(row["status"],), department=CONFIDENTIAL_OFFICE, route_reason=reason,
                             route_source="classified", route_confidence=None, **history_kwargs(office.ledger, actor))
    before = ({"department": row["department"], "route_reason": row.get("route_reason")}
              if row.get("route_source") == "clerk" and row.get("department") else None)
    record_decision(office.root, row, RECORD_CLASSIFIED, reason, before)  # outlives the ledger (rebuild-ledger)
    secure_original(office, row)
    _emit(events.CLASSIFIED, office, row["id"], actor, CONFIDENTIAL_OFFICE, reason=reason)


# -- 涉密原件 ------------------------------------------------------------------------------------------------------

def secure_original(office, row: dict) -> list[Path]:
    """A classified or held document's original kept out of sight (issue 19, point 3): the copy taken in from the
    inbox leaves received/ (where its name, often its title, shows) for .secure/<year>-<seq><ext> — the
    收文编号 only, folder 0700, file read-only for the service account alone; the content-addressed archive copy
    (named by its digest), the registration record (which holds the file name) and a mail's archived
    attachments are made readable by the service account alone. Idempotent. Returns where the copies went."""
    row = office.ledger.get(row["id"]) or row  # as the review left it (a mail's attachments)
    paths = DataRoot(office.root)
    prefix = numbered(row["year"], row["seq"])
    received = sorted(paths.received().glob(f"*/{prefix}*")) if paths.received().is_dir() else []
    moved = []
    for path in received:
        if not path.is_file() or path.is_symlink():
            continue
        duplicate = DUPLICATE_COPY.search(path.name)  # a copy received again later: -重复<mtime>
        target = paths.secured(row["year"], row["seq"], suffix_of(path.name), duplicate[0] if duplicate else "")
        paths.secure_folder()
        os.replace(path, target)
        os.chmod(target, SECURE_FILE_MODE)
        moved.append(target)
    private = [(office.root / row["archive_path"], SECURE_FILE_MODE),
               (paths.registration(row["year"], row["seq"]), 0o600)]
    private += [(office.root / a["archive_path"], SECURE_FILE_MODE) for a in _attachments(row) if a.get("archive_path")]
    for path, mode in private:
        try:
            if path.is_file() and not path.is_symlink():
                os.chmod(path, mode)
        except OSError:
            pass  # a file owned by another account: left as it is
    return moved


def unsecure_original(office, row: dict) -> list[Path]:
    """A document the 机要员 released (not classified after all, secrecy.decide: released) is open: its copies
    leave .secure/ for received/<channel>/<year>-<seq>-<name> as any document's, the archived copies are
    read-only for all again (0444) and the registration record readable (0644). Idempotent. Returns where the
    copies went."""
    row = office.ledger.get(row["id"]) or row
    paths = DataRoot(office.root)
    prefix = numbered(row["year"], row["seq"])
    kept = sorted(paths.secure.glob(f"{row['year']}-{row['seq']:06d}*")) if paths.secure.is_dir() else []
    moved = []
    for path in kept:
        if not path.is_file() or path.is_symlink():
            continue
        duplicate = DUPLICATE_COPY.search(path.name)
        folder = paths.received(row["channel"])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(prefix, row["file"], duplicate[0] if duplicate else "")
        if target.exists():
            continue  # never over another file: it stays where it is
        os.replace(path, target)
        os.chmod(target, 0o644)
        moved.append(target)
    public = [(office.root / row["archive_path"], 0o444), (paths.registration(row["year"], row["seq"]), 0o644)]
    public += [(office.root / a["archive_path"], 0o444) for a in _attachments(row) if a.get("archive_path")]
    for path, mode in public:
        try:
            if path.is_file() and not path.is_symlink():
                os.chmod(path, mode)
        except OSError:
            pass
    return moved


DUPLICATE_COPY = re.compile(r"-重复\d+(?=(\.[^.]*)?$)")


def _attachments(row: dict) -> list[dict]:
    import json

    try:
        listed = json.loads(row.get("mail_attachments") or "[]")
    except (TypeError, ValueError):
        return []
    return [a for a in listed if isinstance(a, dict)] if isinstance(listed, list) else []
