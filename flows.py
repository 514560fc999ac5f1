"""Prefect flows (流程): thin and readable top to bottom; every step is a plain function in pipelines/.

    ingest(root)          the office's batch: 签收 → 登记 → 初审 → 退文 | 分办 → 检索, with a summary
    review_batch(paths)   初审 of a list of files, one task per file
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from prefect import flow, task

from extractors import UnusableInput
from index import SqliteIndex
from pipelines import batch
from pipelines.ledger import STATUS_ZH, Ledger
from pipelines.review import review_path
from pipelines.routing import load_rules
from validators import DEFAULT_PROFILE


@task(name="签收登记 take-in", retries=2, retry_delay_seconds=2)  # a file still being copied in: try again shortly
def take_in(root: str) -> tuple[int, int]:
    office = batch.DataRoot(Path(root))
    ledger = Ledger(office.ledger_path)
    try:
        return batch.take_in(office, ledger)
    finally:
        ledger.close()


@task(name="初审分办 process", retries=1, retry_delay_seconds=1)  # only I/O can fail here: a bad file is quarantined
def process(root: str, document_id: int, rules: list[dict]) -> batch.Outcome:
    office = batch.DataRoot(Path(root))
    ledger, index = Ledger(office.ledger_path), SqliteIndex(office.index_path)
    try:
        return batch.process(office, ledger, index, document_id, rules)
    finally:
        ledger.close()
        index.close()


@flow(name="收文批处理 ingest")  # progress lines go straight to the clerk's terminal
def ingest(root: str) -> batch.Summary:
    # One document after another in this worker: the OCR engine stays loaded, and PDFium is not thread-safe.
    started = time.perf_counter()
    summary = batch.Summary()
    summary.received, summary.duplicates = take_in(root)
    ledger = Ledger(batch.DataRoot(Path(root)).ledger_path)
    todo = batch.pending(ledger)
    ledger.close()
    rules = load_rules(Path(root))  # the office's routing rules, read once for the whole batch
    for n, document_id in enumerate(todo, start=1):
        outcome = process(root, document_id, rules)
        summary.outcomes.append(outcome)
        print(f"[{n}/{len(todo)}] {outcome.number} {outcome.file}：{STATUS_ZH[outcome.status]}"
              + (f"（{outcome.department}）" if outcome.department else "") + (f"：{outcome.reason}" if outcome.status == "quarantined" else ""),
              file=sys.stderr)
    summary.seconds = round(time.perf_counter() - started, 1)
    return summary


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
