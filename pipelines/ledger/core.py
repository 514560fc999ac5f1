"""What every part of the 登记簿 (ledger) shares: statuses, errors, 收文编号, rows in pages.

    STATUSES, STATUS_ZH, FINAL           a document's states and their Chinese names
    LedgerConflict / LedgerDamaged / LedgerUnavailable / LedgerMoved   the errors callers see (Chinese)
    Registration, format_number, parse_key    收〔2026〕12号 and what `find` accepts
    prepare_fields, conflict             the checks of a status change, its Chinese refusal
    iter_table, pages                    whole tables a page at a time (shouwen migrate)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from typing import Iterable, Iterator, Optional

STATUSES = ("registered", "reviewed", "returned", "routed", "indexed", "quarantined", "held", "linked", "review_held",
            "transferred")
STATUS_ZH = {"registered": "已登记", "reviewed": "已初审", "returned": "已退文", "routed": "已分办",
             "indexed": "已入检索", "quarantined": "已隔离", "held": "待机要员核定",
             "linked": "同一来文（已关联）", "review_held": "待复核",
             "transferred": "已转出"}
# held: a 密级 line nobody could read, for the 机要员; linked: the same 来文 again (pipelines/same_document.py);
# review_held: 待复核, a 退文 resting on a doubtful reading, for the clerk (pipelines/review_records.py) — final for
# the batch: a rerun never decides it again, only the clerk's `shouwen review` does; transferred: a 来信 whose
# matter the procedures send elsewhere (党委/部队/法院/检察院, 信访事项, 来访), 转出 with where and why
FINAL = ("returned", "indexed", "quarantined", "held", "linked", "review_held", "transferred")
BATCH_ACTOR = "batch"  # the history's actor when none is named (the scheduled batch)


class LedgerConflict(RuntimeError):
    """A state change found the document changed by someone else (another clerk, the batch): refused, in Chinese."""


class LedgerDamaged(RuntimeError):
    """The ledger file is missing, empty or corrupt while the archive holds documents (said in Chinese)."""


class LedgerUnavailable(RuntimeError):
    """A database ledger (PostgreSQL) cannot be reached, or holds no ledger where one was expected; said in Chinese
    with the URL, its password masked."""

    def __init__(self, message: str):
        from ..config import mask

        super().__init__(mask(message))  # the server's own words may quote the conninfo


class LedgerMoved(LedgerUnavailable):
    """This SQLite ledger was copied to another ledger by `shouwen migrate` (its `moved_to` table says where and
    when): registering in it would number documents a second time beside the new ledger (split brain)."""


MOVED_TABLE = "moved_to"  # one row (url with its password masked, at) once `shouwen migrate` copied this file away


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass
class Registration:
    id: int
    number: str  # 收文编号, e.g. 收〔2026〕12号
    created: bool  # False when the same file (by sha256) was received before
    year: int = 0
    seq: int = 0


def format_number(year: int, seq: int) -> str:
    return f"收〔{year}〕{seq}号"


NUMBER_KEY = re.compile(r"\s*(?:收\s*[〔\[【［(（])?(\d{4})(?:[〕\]】］)）]|-)\s*(\d+)\s*号?\s*")  # 收〔2026〕12号, 收[2026]12号, 2026-12
PAGE_ROWS = 1000  # rows per page when a whole table is read or written
MAX_TRAINING_ROWS = 5000  # the routing model's newest examples (pipelines/router_model.py)


MAX_ID = 2 ** 63 - 1  # the largest INTEGER / BIGINT either backend stores: any number past it names no row


def in_range(*numbers: int) -> bool:
    """Whether every number fits the ledger's integer columns (0 .. MAX_ID): one past it is no row, never a query
    (SQLite raises OverflowError, PostgreSQL an out-of-range error)."""
    return all(0 <= n <= MAX_ID for n in numbers)


def parse_key(key: str) -> Optional[tuple[str, tuple[int, ...]]]:
    """What `find` looks up: ("number", (year, seq)) for 收〔2026〕12号 or 2026-12, ("id", (n,)) for digits, else None
    (also for a number too large to be any row's: see in_range)."""
    m = NUMBER_KEY.fullmatch(key)
    if m:
        found = int(m[1]), int(m[2])
        return ("number", found) if in_range(*found) else None
    if key.strip().isdigit():
        n = int(key)
        return ("id", (n,)) if in_range(n) else None
    return None


def prepare_fields(status: str, fields: dict) -> dict:
    """Check the status (ValueError for an unknown one) and store findings as JSON text, as every backend does."""
    if status not in STATUSES:
        raise ValueError(status)
    fields = dict(fields)
    if "findings" in fields and not isinstance(fields["findings"], str):
        fields["findings"] = json.dumps(fields["findings"], ensure_ascii=False)
    return fields


def conflict(document_id: int, current: Optional[dict]) -> LedgerConflict:
    """The Chinese refusal of a compare-and-set that found the row changed (current: its number and status) or gone."""
    if current is None:
        return LedgerConflict(f"登记簿中没有这件收文（id {document_id}）")
    return LedgerConflict(f"{current['number']} 刚被他人办理（现为{STATUS_ZH.get(current['status'], current['status'])}），"
                          "本次未作改动；请用 shouwen ledger 查看后再办")


def iter_table(ledger, table: str, page_rows: int = PAGE_ROWS) -> Iterator[dict]:
    """Every row of `table` in key order, read a page at a time (a ledger of years stays out of memory)."""
    key, after = ledger.table_key(table), None
    while True:
        page = ledger.table_rows(table, after, page_rows)
        yield from page
        if len(page) < page_rows:
            return
        after = page[-1][key]


def pages(rows: Iterable[dict], size: int = PAGE_ROWS) -> Iterator[list[dict]]:
    """rows in lists of at most `size`."""
    rows = iter(rows)
    while page := list(islice(rows, size)):
        yield page


def ledger_url_error(reason: str) -> ValueError:
    from ..config import mask

    return ValueError(mask(f"配置项 [ledger] url 的值无效：{reason}"))
