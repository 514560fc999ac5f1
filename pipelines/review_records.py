"""The clerk's 复核 kept beside the registration (待复核 and what the clerk decided), so that it outlives the ledger.

    record_review(root, row, kind, reason, actor, findings)  -> Path   registrations/<year>/<seq>.review.json
    read_review(root, year, seq)                             -> dict | None  {"kind", "number", "reason", "actor", "at", …}
    review_kind(root, row)                                   -> str | None

kind: HELD — the batch held the document for the clerk (待复核: its 退文 rests on a doubtful reading,
validators/doubt.decide_doubt), with the proposed findings and why they are doubtful; CONFIRMED — the clerk read
the original and confirmed the 退文 (`shouwen review DOC --confirm`); DISMISSED — the clerk found the reasons
untrue and sent it on to 分办 (`--dismiss`); KIND_HELD — the batch could not tell a citizen's 来信 from a 公文
(pipelines/letters/tell.py); AS_LETTER / AS_DOCUMENT — the clerk's choice (`--letter` / `--document`). The ledger's history says the same, but `shouwen rebuild-ledger`
only has the files of the data root (a held document comes back 待复核, never re-decided), and a batch that finds
a dismissed document unfinished (interrupted between the ledger and the index) routes it instead of returning it.
The last decision wins (one file per registration, replaced atomically).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from .dataroot import DataRoot, write_json_atomically
from .ledger import now

HELD, CONFIRMED, DISMISSED = "held", "confirmed", "dismissed"
KIND_HELD, AS_LETTER, AS_DOCUMENT = "kind_held", "letter", "document"  # 来信还是公文 (pipelines/letters/)
KINDS = (HELD, CONFIRMED, DISMISSED, KIND_HELD, AS_LETTER, AS_DOCUMENT)
WAITING = (HELD, KIND_HELD)  # the clerk has not decided yet
SUFFIX = ".review.json"


def review_path(root: Path, year: int, seq: int) -> Path:
    return DataRoot(root).registration(year, seq, SUFFIX)


def record_review(root: Path, row: dict, kind: str, reason: str = "", actor: str = "batch",
                  findings: Optional[list] = None) -> Path:
    """Write registrations/<year>/<seq>.review.json for ledger row `row` (year, seq, number) atomically.
    kind: HELD, CONFIRMED or DISMISSED; reason: why (Chinese); actor: the history name of who decided;
    findings: the proposed findings (HELD). ValueError for another kind; OSError passes through."""
    if kind not in KINDS:
        raise ValueError(kind)
    path = review_path(root, row["year"], row["seq"])
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"kind": kind, "number": row["number"], "reason": reason, "actor": actor, "at": now()}
    if findings is not None:
        record["findings"] = findings
    return write_json_atomically(path, record)


def read_review(root: Path, year: int, seq: int) -> Optional[dict]:
    """The last 复核 record of registration <year>/<seq>, or None (none, or the file unreadable)."""
    try:
        record = json.loads(review_path(root, year, seq).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("kind") in KINDS else None


def review_kind(root: Path, row: dict) -> Optional[str]:
    """HELD / CONFIRMED / DISMISSED for a ledger row (year, seq), or None."""
    record = read_review(root, row["year"], row["seq"])
    return record["kind"] if record else None
