"""The batch's step before the documents (批前准备): 补入检索, 事件补发, 学习分办.

    catch_up_and_learn(office) -> dict | None   the batch's second step (its policy beside it)
    catch_up_index(office)     -> int           补入检索: what the ledger shows indexed but the index lacks
    learn(office, force)       -> dict | None   学习分办: the routing model retrained when its examples changed

Search being down never stops the batch here: what could not be done now is done by the next batch.
"""
from __future__ import annotations

from typing import Optional

from index import IndexUnavailable

from . import events, router_model
from .search_sync import catch_up
from .steps import step


def learn(office, force: bool = False) -> Optional[dict]:
    """学习分办: retrain the learned router when the rule decisions or corrections changed (texts from the
    index). Returns the new model's facts, else None (nothing new, too few examples, or search down)."""
    try:
        meta = router_model.learn(office.root, office.ledger, office.index, force=force)
    except IndexUnavailable:  # search is down: the model is trained again next batch
        return None
    if meta:
        office.forget_router()
    return meta


def catch_up_index(office) -> int:
    """补入检索 what the ledger shows indexed but the index lacks; search being down never stops the batch."""
    try:
        return catch_up(office.root, office.ledger, office.index)
    except IndexUnavailable:
        return 0


@step("学习分办 learn")  # 补入检索, 事件补发, then retrain: each is done again by the next batch if it fails
def catch_up_and_learn(office) -> Optional[dict]:
    """The batch's step before the documents: 补入检索 (an outage of search in an earlier batch), the event
    deliveries a subscriber failed on (events.retry_failed), then 学习分办 (corrections made since the last
    batch count from this one on). Returns the new model's facts or None."""
    catch_up_index(office)
    events.retry_failed(office)
    return learn(office)
