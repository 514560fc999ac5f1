"""A ledger built by hand for the 承办/督办 tests (pipelines/handling/): documents registered and routed with the
ledger's own methods on a real SQLite (or PostgreSQL) ledger, and a clock the test moves (Office.now), so that
every date in a test is written by hand."""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.config import load
from pipelines.handling import ops
from pipelines.office import Office


class Clock:
    """The office's clock in a test: .at("2026-03-02") sets it to 09:00 that day (Asia/Shanghai)."""

    def __init__(self, day: str = "2026-03-02"):
        self.now = f"{day}T09:00:00+08:00"

    def at(self, day: str, time: str = "09:00:00") -> "Clock":
        self.now = f"{day}T{time}+08:00"
        return self


def make_office(root: Path, monkeypatch, clock: Clock, toml: str = "", ledger_url: str | None = None) -> Office:
    root.mkdir(parents=True, exist_ok=True)
    text = '[office]\nname = "某市人民政府办公厅"\n' + (f'[ledger]\nurl = "{ledger_url}"\n' if ledger_url else "") + toml
    (root / "shouwen.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(Office, "now", lambda self: clock.now)
    return Office.open(root, load(root, environ={}))


def route(office: Office, clock: Clock, title: str, department: str, *, received: str | None = None,
          urgency: str | None = None, classified: bool = False, open_record: bool = True, **extra) -> dict:
    """Register a document received on `received` (default: the clock's day) and route it to `department` now
    (a classified one to the 机要室, as the batch does); then open its record as seam S4's subscriber would."""
    ledger = office.ledger
    received_at = f"{received}T08:30:00+08:00" if received else clock.now
    reg = ledger.register(sha256=hashlib.sha256(title.encode()).hexdigest(), file=f"{title}.docx", channel="edoc",
                          archive_path="archive/none", received_at=received_at)
    ledger.set_status(reg.id, "reviewed", None, title=title, issuer="市教育局", doc_number=f"筑教呈〔2026〕{reg.seq}号",
                      urgency=urgency, verdict="accept", secrecy="机密" if classified else None)
    if classified:
        ledger.set_status(reg.id, "routed", "机要", department="机要室", route_source="classified", route_reason="涉密")
    else:
        ledger.set_status(reg.id, "indexed", "分办", department=department, route_source="rule", route_reason="规则")
    row = ledger.get(reg.id)
    if open_record:
        ops.open_for_routed(office, {**row, **extra}, row["department"], "batch")
    return row
