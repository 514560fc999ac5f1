"""Prefect flows (流程): thin and readable top to bottom; every step is a plain function in pipelines/, its
policy (retries, lanes, caching) declared beside it (pipelines/steps.py) and made a Prefect task here (as_task).

    ingest(root)          the office's batch (pipelines/batch.run_steps, the one sequence):
                            签收登记 intake.take_in
                            补入检索 + 学习分办 learning.catch_up_and_learn
                            each document on its lane: 初审 → 退文 | 分办 → 检索 batch.process_on
                          with a progress line per document and a summary
    review_batch(paths)   初审 of a list of files, one task per file
"""
from __future__ import annotations

import inspect
import sys
from contextlib import nullcontext
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import INPUTS, NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from extractors import UnusableInput
from pipelines import batch
from pipelines.batch_lock import BatchBusy, batch_lock
from pipelines.intake import WITHHELD_NAME
from pipelines.ledger import STATUS_ZH, LedgerDamaged
from pipelines.office import Office
from pipelines.terminal import shown
from pipelines.workers import Workers, started
from validators import DEFAULT_PROFILE


@flow(name="收文批处理 ingest")
def ingest(root: str) -> batch.Summary:
    """签收 every inbox, then 初审 → 退文 | 分办 → 检索 each document in two worker processes (see
    pipelines/workers.py); a progress line per document goes to the clerk's terminal as it finishes.
    One batch per data root (BatchBusy), never past a damaged ledger (LedgerDamaged): said in Chinese."""
    try:
        with batch_lock(Path(root)), Office.open(Path(root)) as office:
            return run(office)
    except (BatchBusy, LedgerDamaged) as exc:
        print(str(exc), file=sys.stderr, flush=True)  # also what the schedule's runner shows
        raise


def run(office: Office) -> batch.Summary:
    """The batch's sequence (batch.run_steps) with Prefect tasks, the two worker processes (those the desk
    started already for this root, workers.started, else new ones) and the clerk's progress lines; prints the
    summary."""
    def refused(entry) -> None:
        print(f"拒收 {entry.channel}/{shown(entry.name)}：{shown(entry.reason)}", file=sys.stderr, flush=True)

    def progress(n: int, total: int, outcome: batch.Outcome, elapsed: float) -> None:
        print(progress_line(n, total, outcome, elapsed), file=sys.stderr, flush=True)

    ready = started(office.root)  # started early by the desk (batch_ops: while the server starts), else ours
    with (nullcontext(ready) if ready else Workers(office.root, config=office.config)) as workers, \
            ThreadPoolTaskRunner(max_workers=2) as ocr_tasks, ThreadPoolTaskRunner(max_workers=2) as text_tasks:
        steps = PrefectSteps({"ocr": ocr_tasks, "text": text_tasks})
        summary = batch.run_steps(office, workers, steps, progress, refused)
    print("\n".join(summary.lines()), flush=True)  # also where the schedule's runner shows a batch's output
    return summary


def progress_line(n: int, total: int, outcome: batch.Outcome, elapsed: float = 0.0) -> str:
    """One line per finished document; on long batches, an estimate of the time left."""
    name = WITHHELD_NAME if outcome.confidential else shown(outcome.file)  # as the 登记簿 withholds it
    line = f"[{n}/{total}] {outcome.number} {name}：{STATUS_ZH.get(outcome.status, '处理出错')}"
    if outcome.department:
        line += f"（{shown(outcome.department)}）"
    if outcome.status in ("quarantined", "failed", "held"):
        line += f"：{shown(outcome.reason)}"
    elif outcome.same:  # the same 来文 again: linked, or a new version (pipelines/same_document.py)
        line += f"：{shown(outcome.same)}"
    if outcome.warning:  # a changed sealed OFD: said on its own line as well as in the summary
        line += f"；注意：{outcome.warning}"
    if total >= 20 and 5 <= n < total:
        line += f"　约剩 {_duration(elapsed / n * (total - n))}"
    return line


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}分{seconds:02d}秒" if minutes else f"{seconds}秒"


@task(name="初审 review", retries=0)  # a corrupt file stays corrupt: retrying does not help
def review_task(path: str, channel: str, profile: str) -> dict:
    from pipelines.review import review_path  # the reader and the rules: here, not in the batch's own process

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


# -- how the batch's steps become Prefect tasks --------------------------------------------------------------

def as_task(fn):
    """A batch step (pipelines/steps.py: its policy declared beside the function) as a Prefect task."""
    policy = fn.step
    return task(fn, name=policy.name, retries=policy.retries, retry_delay_seconds=policy.retry_delay_seconds,
                cache_policy=INPUTS if policy.cache else NO_CACHE)


class PrefectSteps:
    """batch.Steps as Prefect tasks: `call` runs a step's task and waits; `each` submits one task per document
    to the lane's runner — two threads a lane: one document being read while the next one's task is set up; no
    deeper queue, so a worker that dies takes at most one waiting document with it. Tasks run in threads of
    this process; each document's steps run in one of the two worker processes (pipelines/workers.py)."""

    def __init__(self, runners: dict):
        self.runners = runners
        self.tasks: dict = {}

    def _task(self, fn):
        if fn not in self.tasks:
            self.tasks[fn] = as_task(fn)
        return self.tasks[fn]

    def call(self, fn, *args):
        return self._task(fn)(*args)

    def each(self, fn, calls: list[tuple], lanes: list[str]):
        names = list(inspect.signature(fn).parameters)
        futures = {self.runners[lane].submit(self._task(fn), dict(zip(names, args))): position
                   for position, (args, lane) in enumerate(zip(calls, lanes))}
        for future in as_completed(list(futures)):
            try:
                yield futures[future], future.result()
            except Exception as exc:
                yield futures[future], exc
