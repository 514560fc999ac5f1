"""A letter's record kept beside its registration (registrations/<year>/<seq>.letter.json): the register's row
without personal information, its 交办, 答复 and 承办记录 — what `shouwen rebuild-ledger` and the next batch give back
(letters/register.py: restore_handling), as the 机要员's decisions are (secrecy_records.py).

    read_record(root, row) -> dict          {} where none was kept
    keep_record(root, row, **changes)       merged in, written atomically
    keep_handling(root, row, events)        the 承办记录's events, kept on every handling step of a letter

Imports nothing of handling/ or of the register: handling/ops.py calls keep_handling on each step.
"""
from __future__ import annotations

SUFFIX = ".letter.json"  # registrations/<year>/<seq>.letter.json: the register's row without personal information


def record_path(root, row: dict):
    from ..dataroot import DataRoot

    return DataRoot(root).registration(row["year"], row["seq"], SUFFIX)


def read_record(root, row: dict) -> dict:
    """What was kept beside the registration of a letter ({} for none): letter_number, seq, category,
    category_source, correction (the clerk's, with the redacted words it was made on), transferred_to,
    transfer_reason, department / route_reason / route_source (交办), answer / answered_at / reply_path (答复),
    handling (its 承办记录's events: 签收, 答复, 办结 … with when and who) — so that rebuild-ledger and the next
    batch give it all back (no name, telephone or address is kept there: those are read from the original again)."""
    import json

    try:
        record = json.loads(record_path(root, row).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def keep_record(root, row: dict, **changes) -> None:
    """Merge `changes` into the letter's record beside its registration (atomically)."""
    from ..dataroot import write_json_atomically

    path = record_path(root, row)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(path, {**read_record(root, row), **changes})


def keep_handling(root, row: dict, events: list) -> None:
    """The letter's 承办记录 (every handling event: 签收, 答复, 办结 … with when, who and the words) kept in its
    record beside the registration, so that `shouwen rebuild-ledger` and the next batch give it back
    (restore_handling) as the 机要员's decisions are (secrecy_records)."""
    keep_record(root, row, handling=[{"seq": e.seq, "kind": e.kind, "at": e.at, "actor": e.actor,
                                      "on_behalf_of": e.on_behalf_of, "department": e.department, "words": e.words,
                                      "data": e.data} for e in events])
