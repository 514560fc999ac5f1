"""Prefect flows (流程): thin and readable top to bottom; every step is a plain function in pipelines/.

    ingest(root)          the office's batch: 签收 → 登记 → 初审 → 退文 | 分办 → 检索, with a summary
    review_batch(paths)   初审 of a list of files, one task per file
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from extractors import UnusableInput
from pipelines import batch
from pipelines.batch_lock import BatchBusy, batch_lock
from pipelines.faults import is_root_fault
from pipelines.ledger import STATUS_ZH, LedgerDamaged, SQLiteLedger
from pipelines.ledger_rebuild import check_ledger
from pipelines.review import review_path
from pipelines.routing import load_rules
from pipelines.terminal import shown
from pipelines.workers import WorkerCrashed, Workers, assign, kind_of, process_in_worker, warm_up
from validators import DEFAULT_PROFILE


@task(name="签收登记 take-in", cache_policy=NO_CACHE)  # each file on its own; one still being written waits
def take_in(root: str) -> batch.Summary:
    office = batch.DataRoot(Path(root))
    ledger = SQLiteLedger(office.ledger_path)
    summary = batch.Summary()
    try:
        batch.take_in(office, ledger, summary)
        return summary
    finally:
        ledger.close()


_workers: Optional[Workers] = None  # the batch's worker processes; tasks run in threads of this process


@task(name="初审分办 process", retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)  # a bad file is quarantined, not retried
def process(root: str, document_id: int, rules: list[dict], worker: str) -> batch.Outcome:
    try:
        return _workers.run(worker, process_in_worker, root, document_id, rules)
    except WorkerCrashed as exc:
        office = batch.DataRoot(Path(root))
        ledger = SQLiteLedger(office.ledger_path)
        try:
            return batch.quarantine(office, ledger, ledger.get(document_id), exc.reason)
        finally:
            ledger.close()


@task(name="学习分办 learn", cache_policy=NO_CACHE)
def learn(root: str) -> Optional[dict]:
    """补入检索 what the ledger shows indexed but the index lacks (an outage of search in an earlier batch), then
    retrain the routing model when rule decisions or clerk corrections changed since it was trained."""
    office = batch.DataRoot(Path(root))
    ledger = SQLiteLedger(office.ledger_path)
    try:
        index = office.open_index()
        batch.catch_up_index(office, ledger, index)
        return batch.learn(office, index=index)
    except batch.IndexUnavailable:
        return None
    finally:
        ledger.close()


@flow(name="收文批处理 ingest")
def ingest(root: str) -> batch.Summary:
    """签收 every inbox, then 初审 → 退文 | 分办 → 检索 each document in two worker processes (see
    pipelines/workers.py); a progress line per document goes to the clerk's terminal as it finishes.
    One batch per data root (BatchBusy), never past a damaged ledger (LedgerDamaged): said in Chinese."""
    try:
        with batch_lock(Path(root)):
            check_ledger(Path(root))
            return _ingest(root)
    except (BatchBusy, LedgerDamaged) as exc:
        print(str(exc), file=sys.stderr, flush=True)  # also what the schedule's runner shows
        raise


def _ingest(root: str) -> batch.Summary:
    global _workers
    started = time.perf_counter()
    summary = take_in(root)
    for refused in summary.refused:
        print(f"拒收 {refused.channel}/{shown(refused.name)}：{shown(refused.reason)}", file=sys.stderr, flush=True)
    office = batch.DataRoot(Path(root))
    ledger = SQLiteLedger(office.ledger_path)
    todo = batch.pending(ledger)
    ledger.close()
    kinds = [kind_of(office.root / row["archive_path"]) for row in todo]
    rules = load_rules(Path(root))  # the office's routing rules, read once for the whole batch
    summary.learned = learn(root)  # corrections made since the last batch count from this one on
    # Two threads a worker: one document being read while the next one's task is set up; no deeper queue,
    # so a worker that dies takes at most one waiting document with it.
    with Workers(initializer=warm_up) as _workers, \
            ThreadPoolTaskRunner(max_workers=2) as ocr_tasks, ThreadPoolTaskRunner(max_workers=2) as text_tasks:
        runners = {"ocr": ocr_tasks, "text": text_tasks}
        working = time.perf_counter()
        futures = {runners[w].submit(process, {"root": root, "document_id": row["id"], "rules": rules, "worker": w}): row["id"]
                   for row, w in zip(todo, assign(kinds))}
        for n, future in enumerate(as_completed(list(futures)), start=1):
            try:
                outcome = future.result()
            except Exception as exc:  # a fault of ours, not the file's: the document waits for the next batch
                if is_root_fault(exc):  # 磁盘已满, 只读, 登记簿损坏: the whole batch stops, said once
                    raise
                outcome = batch.failed(office, futures[future], exc)
            summary.outcomes.append(outcome)
            print(progress_line(n, len(todo), outcome, time.perf_counter() - working), file=sys.stderr, flush=True)
    _workers = None
    summary.seconds = round(time.perf_counter() - started, 1)
    print("\n".join(summary.lines()), flush=True)  # also where the schedule's runner shows a batch's output
    return summary


def progress_line(n: int, total: int, outcome: batch.Outcome, elapsed: float = 0.0) -> str:
    """One line per finished document; on long batches, an estimate of the time left."""
    line = f"[{n}/{total}] {outcome.number} {shown(outcome.file)}：{STATUS_ZH.get(outcome.status, '处理出错')}"
    if outcome.department:
        line += f"（{shown(outcome.department)}）"
    if outcome.status in ("quarantined", "failed", "held"):
        line += f"：{shown(outcome.reason)}"
    elif outcome.same:  # the same 来文 again: linked, or a new version (pipelines/same_document.py)
        line += f"：{shown(outcome.same)}"
    if total >= 20 and 5 <= n < total:
        line += f"　约剩 {_duration(elapsed / n * (total - n))}"
    return line


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}分{seconds:02d}秒" if minutes else f"{seconds}秒"


@task(name="初审 review", retries=0)  # a corrupt file stays corrupt: retrying does not help
def review_task(path: str, channel: str, profile: str) -> dict:
    try:
        return {"file": path, "report": review_path(path, channel=channel, profile=profile)}
    except UnusableInput as exc:
        return {"file": path, "error": exc.reason, "code": exc.code}


@flow(name="初审一批公文 review-batch", log_prints=True)
def review_batch(paths: list[str], channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> list[dict]:
    # One file after another: PDFium is not thread-safe.
    results = [review_task(path, channel, profile) for path in paths]
    returned = sum(1 for r in results if r.get("report", {}).get("verdict") == "return")
    unusable = sum(1 for r in results if "error" in r)
    print(f"共 {len(results)} 件：通过 {len(results) - returned - unusable} 件，退文 {returned} 件，无法处理 {unusable} 件")
    return results
