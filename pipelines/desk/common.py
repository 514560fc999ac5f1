"""What every desk operation on one document shares: finding it as the actor may see it, and naming it."""
from __future__ import annotations

from typing import Optional

from ..access import require, shows_title
from ..actors import Actor, acting
from ..refusals import DeskRefusal


def find(office, key: str, *, actor: Optional[Actor] = None, action: str = "read") -> dict:
    """The ledger row of 收文编号 `key` (收〔2026〕12号, 2026-12, or a ledger id) that `actor` may take `action`
    on; DeskRefusal "not_found" when there is none or the actor may not see it, "forbidden" when the actor's
    role may not take the action (access.require)."""
    actor = acting(actor)
    row = office.ledger.find(key)
    if row is None:
        raise DeskRefusal("not_found", f"登记簿中没有“{key}”")
    require(actor, action, row, key)
    return row


def titled(row: dict) -> str:
    """收〔2026〕3号《title》, the way the clerk's messages name a document (title, else the file name)."""
    return f"{row['number']}《{row['title'] or row['file']}》"


def named(row: dict, actor: Optional[Actor] = None) -> str:
    """How a message names a document to `actor`: titled(row) where the actor may see its title
    (access.shows_title), else the 收文编号 only."""
    return titled(row) if shows_title(acting(actor), row) else row["number"]
