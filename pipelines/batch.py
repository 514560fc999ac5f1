"""The batch (收文批处理): its sequence, written once.

    收取邮件 returns.mailbox.fetch_mail (the office mailbox, [imap]) → 签收登记 intake.take_in → 补入检索 + 学习分办 learning.catch_up_and_learn
        → for each pending document, on its lane: 初审 → 退文 | 分办 → 检索 (process.process, via process_on)
        → 催办 handling.remind.chase (overdue and due-soon 承办 chased, once a day)
        → 送达 returns.delivery.deliver_notices (the 退文通知单 by mail; failed ones retried with back-off)

Each step moves a document forward in the ledger, and every step can be done again: an interrupted batch is
finished by the next one, which first takes up every document the ledger shows unfinished, working from the
archived original. Each step is a plain function with its policy declared beside it (pipelines/steps.py:
retries, lanes); `run_steps(office, pool, steps)` is the sequence: the Prefect flow (flows.py) runs it with the
steps made Prefect tasks and the two worker processes as the pool; `run_batch` runs the same sequence in this
process (PLAIN steps, InProcess pool). What becomes of each document is pipelines/disposition.py's; what the
batch did is a summary.Summary. Nothing here imports Prefect.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator, Optional, Protocol

from .batch_lock import batch_lock
from .dataroot import DataRoot
from .disposition import Outcome, failed, quarantine
from .faults import is_root_fault
from .handling.remind import chase
from .inbox import Refused
from .intake import take_in
from .learning import catch_up_and_learn
from .letters.files import rename_stored
from .office import Office
from .returns.delivery import deliver_notices
from .returns.mailbox import fetch_mail
from .search_sync import index_problem
from .secrecy import at_confidential_office
from .steps import step
from .summary import Summary
from .workers import InProcess, WorkerCrashed, assign, kind_of

__all__ = ["Outcome", "Summary", "Pool", "Steps", "PLAIN", "pending", "process_on", "run_batch", "run_steps"]


class Pool(Protocol):
    """Where each document's 初审 → 退文 | 分办 → 检索 runs: pipelines/workers.py's Workers (two processes, each
    with its own Office) or InProcess (this process, the batch's Office). lane: 'ocr' or 'text'."""

    def process(self, lane: str, document_id: int, rules: list[dict]) -> Outcome: ...


class Steps(Protocol):
    """How the sequence's steps are run: PLAIN (called here, documents one after another) or as Prefect tasks
    (flows.py). `call` runs one step and returns its result; `each` runs one step per argument tuple, on the
    given lanes, and yields (position, result or the exception it raised) as each finishes. A step's policy
    is fn.step (pipelines/steps.py)."""

    def call(self, fn: Callable, *args): ...

    def each(self, fn: Callable, calls: list[tuple], lanes: list[str]) -> Iterator[tuple[int, object]]: ...


class PlainSteps:
    """The steps called in this process, in order (run_batch, tests, benchmarks)."""

    def call(self, fn: Callable, *args):
        return fn(*args)

    def each(self, fn: Callable, calls: list[tuple], lanes: list[str]) -> Iterator[tuple[int, object]]:
        for position, args in enumerate(calls):
            try:
                yield position, fn(*args)
            except Exception as exc:
                yield position, exc


PLAIN = PlainSteps()


def pending(office: Office) -> list[dict]:
    """Ledger rows to (re)process: unfinished ones, except classified documents already with the 机要室."""
    return [r for r in office.ledger.unfinished() if not at_confidential_office(r)]


@step("初审分办 process", retries=1, retry_delay_seconds=1, lanes=True)  # a bad file is quarantined, not retried
def process_on(office: Office, pool: Pool, document_id: int, rules: list[dict], lane: str) -> Outcome:
    """One document on the pool's lane; a document that killed its worker twice is quarantined (workers.py)."""
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
    started = time.perf_counter()
    fetched = steps.call(fetch_mail, office)  # 收取邮件: a mailbox that cannot be reached is one line, never a stop
    summary = steps.call(take_in, office)  # 签收登记
    steps.call(rename_stored, office)  # once per data root: letters kept before under names with a telephone
    summary.fetched = fetched
    for entry in summary.refused:
        if refused:
            refused(entry)
    todo = pending(office)
    lanes = assign([kind_of(office.root / row["archive_path"]) for row in todo])
    rules = office.rules  # the office's 分办 rules, read once for the whole batch
    summary.learned = steps.call(catch_up_and_learn, office)  # 补入检索, 事件补发, 学习分办
    working = time.perf_counter()
    calls = [(office, pool, row["id"], rules, lane) for row, lane in zip(todo, lanes)]
    for n, (position, result) in enumerate(steps.each(process_on, calls, lanes), start=1):  # 初审 → 退文 | 分办 → 检索
        if isinstance(result, Exception):  # a fault of ours, not the file's: the document waits for the next batch
            if is_root_fault(result):  # 磁盘已满, 只读, 登记簿损坏: the whole batch stops, said once
                raise result
            result = failed(office, todo[position]["id"], result)
        summary.outcomes.append(result)
        if progress:
            progress(n, len(todo), result, time.perf_counter() - working)
    summary.reminded = steps.call(chase, office)  # 催办: what is overdue or due soon, chased once a day
    summary.delivered = steps.call(deliver_notices, office)  # 送达: after the documents, so none waits for a server
    summary.index_problem = index_problem(lambda: office.index)
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary


def run_batch(root: Path, progress=None, *, config=None, pool: Optional[Pool] = None) -> Summary:
    """One whole batch in this process (tests, benchmarks): the same sequence as the flow (run_steps), with
    PLAIN steps and, unless a pool is given, the documents processed here with the batch's own Office.
    progress(n, total, outcome, seconds). Holds the batch lock; a lost ledger stops it (LedgerDamaged)."""
    root = Path(root)
    DataRoot(root).prepare()
    with batch_lock(root), Office.open(root, config) as office:
        return run_steps(office, pool or InProcess(office), PLAIN, progress)
