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


# -- how the office writes times, channels and 密级 --------------------------------------------------------------

from ..dataroot import CHANNEL_ZH, channel_zh  # noqa: E402,F401  (named beside the channels themselves)


def named_findings(findings: list) -> list[dict]:
    """Findings as a page lists them: each with `named`, its rule's Chinese name beside the id
    (validators.catalog.rule_named: 版心 156mm×225mm（layout.text-block）), never the bare id."""
    from validators.catalog import rule_named

    return [{**f, "named": rule_named(f.get("rule") or "")} for f in findings if isinstance(f, dict)]


def known_channel(office, channel: Optional[str]) -> None:
    """DeskRefusal "bad_input" (Chinese, with the office's channels) for a 来文渠道 the office has not: a link
    carrying one must not answer 共 0 件 as if nothing had come that way."""
    from ..dataroot import CHANNELS

    known = {**{c: CHANNEL_ZH.get(c, c) for c in CHANNELS}, **{f: f for f in office.config.settings.letters.folders}}
    if channel is not None and channel not in known:
        listed = "、".join(known.values())
        raise DeskRefusal("bad_input", f"没有这种来文渠道：{channel}（可用：{listed}；不限则选“全部”）")


def office_time(office, iso: Optional[str]) -> str:
    """An ISO time as the office writes it: 2026-03-02 09:15, Beijing time (the office's [office] timezone),
    whatever offset it was stored with; "" for none; the text itself where it is not a time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(office.config.office.timezone))
    return moment.strftime("%Y-%m-%d %H:%M")


def secrecy_parts(secrecy: Optional[str]) -> tuple[str, str]:
    """(密级, 保密期限) from a ledger row's 密级 field as the 机要员 reads them: ("机密", "1年") from 机密★1年,
    ("", "") from none; an unreadable mark is shown as written, its period empty."""
    from extractors.secrecy import read_secrecy

    text = (secrecy or "").strip()
    if not text:
        return "", ""
    reading = read_secrecy(text)
    if reading is None:
        return text, ""
    return reading["level"], reading["period"] or ""
