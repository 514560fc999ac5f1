"""The 机要 decisions kept beside the registration (机要员的决定), so that they outlive the ledger.

    record_decision(root, row, kind, reason, before)  -> Path   registrations/<year>/<seq>.decision.json
    read_decision(root, year, seq)                    -> dict | None   {"kind", "number", "reason", "at", "before"?}
    decision_kind(root, row)                          -> str | None

kind: CLASSIFIED — sent to the 机要室 as classified (by the batch, by `shouwen route … 机要室`, or held → 机要室):
never indexed again; HELD — held for the 机要员 (密级 unreadable); RELEASED — the 机要员 read the mark and found
the document not classified (`shouwen release`): it is indexed like any other, never held again (the policy
that honours it is pipelines/secrecy.decide).
before: where a clerk's 改办 had sent the document before it went to the 机要室 ({"department", "route_reason"}),
so that a release sends it back there, not where the rules would (issue 19, point 9).
The ledger's history says the same, but `shouwen rebuild-ledger` (pipelines/ledger_rebuild.py) only has the files
of the data root, and `shouwen reindex` (pipelines/search_sync.py) reads the text again: both read this file.
The last decision wins (one file per registration, replaced atomically, as intake writes the sidecar).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from .dataroot import DataRoot, write_json_atomically

CLASSIFIED, HELD, RELEASED = "classified", "held", "released"
SUFFIX = ".decision.json"


def decision_path(root: Path, year: int, seq: int) -> Path:
    return DataRoot(root).registration(year, seq, SUFFIX)


def record_decision(root: Path, row: dict, kind: str, reason: str = "", before: Optional[dict] = None) -> Path:
    """Write registrations/<year>/<seq>.decision.json for ledger row `row` (year, seq, number) atomically
    (temporary file, fsync, rename). kind: CLASSIFIED, HELD or RELEASED; before: the clerk's route it replaces
    ({"department", "route_reason"}), kept with a CLASSIFIED decision. OSError passes through."""
    if kind not in (CLASSIFIED, HELD, RELEASED):
        raise ValueError(kind)
    path = decision_path(root, row["year"], row["seq"])
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"kind": kind, "number": row["number"], "reason": reason, "at": _now()}
    if before:
        record["before"] = before
    return write_json_atomically(path, record)


def read_decision(root: Path, year: int, seq: int) -> Optional[dict]:
    """The last 机要 decision on registration <year>/<seq>, or None (none taken, or the file unreadable)."""
    try:
        record = json.loads(decision_path(root, year, seq).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("kind") in (CLASSIFIED, HELD, RELEASED) else None


def decision_kind(root: Path, row: dict) -> Optional[str]:
    """CLASSIFIED / HELD / RELEASED for a ledger row (year, seq), or None."""
    record = read_decision(root, row["year"], row["seq"])
    return record["kind"] if record else None


def _now() -> str:
    """The time as the ledger writes it (ISO-8601, seconds, local offset): this module stays below the ledger,
    which imports the secrecy policy."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
