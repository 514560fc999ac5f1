"""The batch's steps as plain functions (收文批处理): 签收 → 登记 → 初审 → 退文 | 分办 → 检索.

Each step moves a document forward in the ledger, and every step can be done again: an interrupted batch is
finished by the next one, which first takes up every document the ledger shows unfinished, working from the
archived original. The flow in flows.py strings these together; they never import Prefect.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from extractors import UnusableInput
from index import IndexUnavailable, SearchIndex

from . import router_model
from .intake import inbox_files, prepare, receive
from .ledger import Ledger
from .returns import write_return
from .review import Review, review_document
from .routing import load_rules, route
from .search_sync import catch_up, open_office_index

FINAL = ("returned", "indexed", "quarantined")
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
    status: str  # a ledger status, or "failed" (left unfinished for the next batch)
    verdict: Optional[str] = None
    department: Optional[str] = None
    reason: Optional[str] = None


@dataclass
class Summary:
    received: int = 0
    duplicates: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    learned: Optional[dict] = None  # the routing model retrained at the batch's start, if it was

    def lines(self) -> list[str]:
        """The batch's summary as the clerk reads it."""
        accepted = sum(1 for o in self.outcomes if o.status in ("indexed", "routed") and o.verdict == "accept")
        out = [f"本批收文 {self.received} 件（重复 {self.duplicates} 件），处理 {len(self.outcomes)} 件，用时 {self.seconds:g} 秒",
               f"  通过初审 {accepted} 件，退文 {self.count('returned')} 件，隔离 {self.count('quarantined')} 件"
               + (f"，出错 {self.count('failed')} 件（下批自动重试）" if self.count("failed") else "")]
        for department, n in sorted(self.departments().items(), key=lambda kv: -kv[1]):
            out.append(f"  分办 {department}：{n} 件")
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


def take_in(office: DataRoot, ledger: Ledger) -> tuple[int, int]:
    """签收 every file in the inboxes: archive, register, then move it out of the inbox into received/.
    Returns (newly registered, duplicates)."""
    new = duplicates = 0
    for channel, path in inbox_files(office.root):
        registration = receive(office.root, ledger, channel, path)
        row = ledger.get(registration.id)
        resumed = not registration.created and row["file"] == path.name and row["channel"] == channel
        if registration.created:
            new += 1
        elif not resumed:
            duplicates += 1  # the same paper sent twice: one registration, the copy kept beside it
        target = office.root / "received" / channel / f"{row['year']}-{row['seq']:06d}-{path.name}"
        if not registration.created and not resumed:
            target = target.with_name(f"{target.stem}-重复{path.stat().st_mtime_ns}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), target)
    return new, duplicates


def process(office: DataRoot, ledger: Ledger, index: SearchIndex, document_id: int, rules: list[dict],
            model=None) -> Outcome:
    """初审, then 退文 or 分办 and 检索, for one registered document (again, if it was interrupted).
    model: the learned router (分办模型) for documents no rule covers, or None."""
    row = ledger.get(document_id)
    data = (office.root / row["archive_path"]).read_bytes()
    try:
        review = review_document(data, row["file"], channel=row["channel"])
    except UnusableInput as exc:
        return quarantine(office, ledger, row, exc.reason)
    report, doc = review.report, review.report["document"]
    ledger.set_status(document_id, "reviewed", f"初审：{'退文' if report['verdict'] == 'return' else '通过'}",
                      format=report["format"], pages=report["pages"], issuer=doc["issuer"], doc_number=doc["doc_number"],
                      doc_type=doc["doc_type"], title=doc["title"], urgency=doc["urgency"], secrecy=doc["secrecy"],
                      verdict=report["verdict"], findings=report["findings"])
    classified = any(f["rule"] == "security.classified" for f in report["findings"])
    withdrawn = row["return_state"] == "withdrawn"  # the clerk took the return back: 分办 it (a rerun keeps to that)
    if report["verdict"] == "return" and not classified and not withdrawn:
        path = write_return(office.root / "outbox", row["number"], row["received_at"], report)
        where = str(path.relative_to(office.root))
        ledger.set_status(document_id, "returned", f"退文通知单：{where}", return_state="sent", return_path=where)
        return Outcome(row["number"], row["file"], "returned", report["verdict"])
    return route_and_index(ledger, index, row, review, rules, model, classified)


def route_and_index(ledger: Ledger, index: SearchIndex, row: dict, review: Review, rules: list[dict], model=None,
                    classified: bool = False) -> Outcome:
    """分办 a reviewed document, then put it into the search index (classified ones stop at the 机要室)."""
    report, doc, document_id = review.report, review.report["document"], row["id"]
    decision = route(doc, review.body, row["channel"], rules, classified=classified, model=model)
    ledger.set_status(document_id, "routed", decision.reason, department=decision.department, route_reason=decision.reason,
                      route_source=decision.source, route_confidence=decision.confidence)
    if classified:  # 机要: never in the shared index; routing is its final step here
        return Outcome(row["number"], row["file"], "routed", report["verdict"], decision.department, decision.reason)
    try:
        index.add(document_id, title=doc["title"] or row["file"], body=review.text, secrecy=doc["secrecy"],
                  number=row["number"], issuer=doc["issuer"], doc_type=doc["doc_type"], department=decision.department,
                  channel=row["channel"], verdict=report["verdict"], status="indexed", date=doc["date"],
                  received_at=row["received_at"])
    except IndexUnavailable as exc:  # search is down: the document stays 分办 (to index) and is sent next batch
        ledger.set_status(document_id, "routed", f"检索服务不可用，下批补入检索：{exc}"[:300])
        return Outcome(row["number"], row["file"], "routed", report["verdict"], decision.department, decision.reason)
    ledger.set_status(document_id, "indexed", "已入检索")
    return Outcome(row["number"], row["file"], "indexed", report["verdict"], decision.department, decision.reason)


def quarantine(office: DataRoot, ledger: Ledger, row: dict, reason: str) -> Outcome:
    """A file that cannot be read: a copy and its reason go to quarantine/, the original stays archived."""
    folder = office.root / "quarantine"
    data = (office.root / row["archive_path"]).read_bytes()
    (folder / f"{row['year']}-{row['seq']:06d}-{row['file']}").write_bytes(data)
    (folder / f"{row['year']}-{row['seq']:06d}-{row['file']}.原因.txt").write_text(reason + "\n", encoding="utf-8")
    ledger.set_status(row["id"], "quarantined", reason, reason=reason)
    return Outcome(row["number"], row["file"], "quarantined", reason=reason)


def failed(office: DataRoot, document_id: int, error: Exception) -> Outcome:
    """A document whose processing failed on our side (not the file's fault): it stays unfinished in the
    ledger, with the error in its history, and the next batch tries it again."""
    ledger = Ledger(office.ledger_path)
    try:
        row = ledger.get(document_id)
        reason = f"{type(error).__name__}: {error}"[:300]
        ledger.set_status(document_id, row["status"], f"处理出错：{reason}（下批自动重试）")
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
    ledger, index = Ledger(office.ledger_path), office.open_index()
    try:
        summary = Summary()
        summary.received, summary.duplicates = take_in(office, ledger)
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
    finally:
        ledger.close()
        index.close()
