"""Prefect flows (流程): thin and readable top to bottom; every step is a plain function in pipelines/.

    review_batch(paths)   初审 of a list of files, one task per file; a file that cannot be read is
                          reported with its Chinese reason and the others go on.
"""
from __future__ import annotations

from prefect import flow, task

from extractors import UnusableInput
from pipelines.review import review_path
from validators import DEFAULT_PROFILE


@task(name="初审 review", retries=0)  # a corrupt file stays corrupt: retrying does not help
def review_task(path: str, channel: str, profile: str) -> dict:
    try:
        return {"file": path, "report": review_path(path, channel=channel, profile=profile)}
    except UnusableInput as exc:
        return {"file": path, "error": exc.reason, "code": exc.code}


@flow(name="初审一批公文 review-batch", log_prints=True)
def review_batch(paths: list[str], channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> list[dict]:
    # One file after another: PDFium is not thread-safe, and the batch flow will spread work over processes.
    results = [review_task(path, channel, profile) for path in paths]
    returned = sum(1 for r in results if r.get("report", {}).get("verdict") == "return")
    unusable = sum(1 for r in results if "error" in r)
    print(f"共 {len(results)} 件：通过 {len(results) - returned - unusable} 件，退文 {returned} 件，无法处理 {unusable} 件")
    return results
