"""Each registration's journal (登记日志): every change the ledger commits, appended beside the registration, so
that `shouwen rebuild-ledger` restores the ledger as it was, not only what the data root's files imply.

    registrations/<year>/<seq:06d>.journal.jsonl     one JSON object a line, oldest first:
      {"op": "register", "at", "status": "registered", "note", "actor", "version": 0,
       "row": {id, number, year, seq, received_at, channel, file, file_raw, sha256, archive_path}}
      {"op": "status", "at", "status", "note", "actor", "version", "fields": {column: value, …},
       "refs": {"linked_to" | "revision_of": 收文编号}}            a set_status, with the columns it set
      {"op": "note", "at", "status", "note", "actor"}                a line of history, the state unchanged
      {"op": "claim", "key", "body"}                                  the same-document claim (same_document.py)

The ledger appends (base.SQLLedger, where open_ledger gives it a Journal: a SQLite ledger with a data root) —
no caller has to remember — after the transaction is committed, never for one rolled back; a change inside a
feature's transaction is written when that transaction commits. One write() per line on a file opened with
O_APPEND, then fdatasync: lines from two processes never interleave, and a kill leaves at most a torn last line,
which read() skips and reports. The files are created with mode 0600 (the service account only): a classified
document's journal holds its title, issuer and 发文字号.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

SUFFIX = ".journal.jsonl"
MODE = 0o600
log = logging.getLogger("shouwen.ledger")


def journal_path(directory: Path, year: int, seq: int) -> Path:
    return Path(directory) / str(year) / f"{seq:06d}{SUFFIX}"


class Journal:
    """The journals under `directory` (the data root's registrations/)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, year: int, seq: int) -> Path:
        return journal_path(self.directory, year, seq)

    def append(self, year: int, seq: int, entries: list[dict]) -> None:
        """Append `entries` to registration <year>/<seq>'s journal, one line (one write) each, then fdatasync.
        An OSError (a full disk) is logged, not raised: the change it records is committed already."""
        if not entries:
            return
        path = self.path(year, seq)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, MODE)
            try:
                for entry in entries:
                    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
                    written = os.write(fd, line)
                    if written != len(line):
                        raise OSError(f"short write ({written} of {len(line)} bytes)")
                (getattr(os, "fdatasync", None) or os.fsync)(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("登记日志写入失败：%s（%s）；登记簿本身已更新，但重建登记簿时这次改动无法恢复", path, exc)


@dataclass
class Read:
    entries: list[dict] = field(default_factory=list)
    damaged: list[int] = field(default_factory=list)  # line numbers (1-based) that were not whole JSON objects


def read(path: Path) -> Optional[Read]:
    """The entries of one journal file, skipping (and naming) lines that do not parse; None where there is none."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    out = Read()
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
            if not isinstance(entry, dict) or "op" not in entry:
                raise ValueError
        except ValueError:
            out.damaged.append(number)
            continue
        out.entries.append(entry)
    return out


@dataclass
class Replayed:
    """A registration as its journal tells it: what rebuild-ledger writes back."""

    row: dict  # the registration's own columns (id, number, year, seq, received_at, channel, file, …)
    status: str
    fields: dict  # every column set_status set, last value wins
    refs: dict  # linked_to / revision_of as 收文编号 (the ids may differ after a rebuild)
    version: int
    history: list[dict]  # status, at, note, actor — in order
    claim: Optional[tuple[str, str]]  # (key, body) of the last same-document claim
    damaged: list[int] = field(default_factory=list)  # journal lines skipped (read().damaged)


def replay(entries: list[dict]) -> Optional[Replayed]:
    """Fold a journal's entries into the registration's last state; None without a register entry."""
    start = next((e for e in entries if e.get("op") == "register"), None)
    if start is None:
        return None
    state = Replayed(row=dict(start.get("row") or {}), status="registered", fields={}, refs={}, version=0,
                     history=[], claim=None)
    for entry in entries:
        op = entry.get("op")
        if op in ("register", "status", "note"):
            state.history.append({k: entry.get(k) for k in ("status", "at", "note", "actor")})
        if op == "status":
            fields, refs = entry.get("fields") or {}, entry.get("refs") or {}
            state.status = entry.get("status") or state.status
            state.fields.update(fields)
            for column in ("linked_to", "revision_of"):
                if column in fields:  # set, or cleared, by this change
                    state.refs.pop(column, None)
                    if fields[column] is not None and refs.get(column):
                        state.refs[column] = refs[column]
            state.version = max(state.version, int(entry.get("version") or 0))
        elif op == "claim":
            state.claim = (entry.get("key"), entry.get("body"))
    return state
