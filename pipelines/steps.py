"""A batch step's policy, declared beside its function (步骤的策略): how often it is retried, whether it runs on
a document's lane, whether its result may be cached — read by whoever runs the steps (flows.py makes each a
Prefect task from it; batch.PLAIN calls it as it is). Nothing here imports Prefect.

    @step("签收登记 take-in")
    def take_in(office, summary=None): …

    take_in.step -> Step(name="签收登记 take-in", retries=0, retry_delay_seconds=0, lanes=False, cache=False)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Step:
    name: str  # as the flow's run shows it: 中文 English
    retries: int = 0  # tried again after an exception (a fault of ours, not the file's: a bad file is quarantined)
    retry_delay_seconds: float = 0
    lanes: bool = False  # one run per document, on that document's lane (workers.assign: ocr / text)
    cache: bool = False  # whether a result may be reused for the same arguments (never, for state changes)


def step(name: str, *, retries: int = 0, retry_delay_seconds: float = 0, lanes: bool = False,
         cache: bool = False) -> Callable[[Callable], Callable]:
    """Declare `fn`'s policy as a batch step (fn.step); fn itself is unchanged."""
    def declare(fn: Callable) -> Callable:
        fn.step = Step(name, retries, retry_delay_seconds, lanes, cache)
        return fn
    return declare
