"""The 承办 record as a sequence of events, and the state those events make (folded here, in one place).

Event kinds (EVENTS, with their Chinese names): opened 分办 (the record opens when the document is routed),
proposed 拟办, instructed 批办, classified 改定办件/阅件, signed 签收, returned 退回 (mis-routed: back to the clerk),
rerouted 改办 (the record moves to another department), progress 办理情况, extended 延期, answered 答复 (a 来信),
done 办结, circulated 传阅, read 已阅, reminded 催办, archived 归档.

States (STATES): pending 待签收 → in_progress 办理中 → done 已办结 → archived 已归档; returned 已退回 (until a 改办
sends it on, pending again); circulating 传阅中 (a 阅件 going round its readers; done when the last one has read).

    record = fold(events, default_kind="办件", lists=word_lists)    -> Folded (state, department, kind, leader, …)
Pure: no database, no clock. The deadline is deadlines.py's (it needs the calendar).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from .words import Reading, WordLists, classify_words

EVENTS = {"opened": "分办", "proposed": "拟办", "instructed": "批办", "classified": "改定", "signed": "签收",
          "returned": "退回", "rerouted": "改办", "progress": "办理情况", "extended": "延期", "answered": "答复",
          "done": "办结", "circulated": "传阅", "read": "已阅", "reminded": "催办", "archived": "归档"}
STATES = {"pending": "待签收", "in_progress": "办理中", "returned": "已退回", "circulating": "传阅中",
          "done": "已办结", "archived": "已归档"}
OPEN_STATES = ("pending", "in_progress", "returned", "circulating")
CLOSED_STATES = ("done", "archived")
SUBJECTS = {"document": "公文", "letter": "来信"}


@dataclass(frozen=True)
class Event:
    """One step, as stored: seq (1, 2, … in the record), kind (EVENTS), at (ISO 8601 with offset), actor (the
    history name: account, "batch", "cli:<os user>"), on_behalf_of (the leader a clerk typed a 批办 for),
    department, words (what was written), data (a dict: deadline, files, readers, approved_by …)."""
    seq: int
    kind: str
    at: str
    actor: str
    on_behalf_of: Optional[str] = None
    department: Optional[str] = None
    words: Optional[str] = None
    data: dict = field(default_factory=dict)

    @property
    def zh(self) -> str:
        return EVENTS.get(self.kind, self.kind)

    @property
    def day(self) -> str:
        return self.at[:10]

    @classmethod
    def from_row(cls, row: dict) -> "Event":
        return cls(row["seq"], row["kind"], row["at"], row["actor"], row.get("on_behalf_of"), row.get("department"),
                   row.get("words"), json.loads(row["data"]) if row.get("data") else {})

    def to_dict(self) -> dict:
        return {"seq": self.seq, "kind": self.kind, "kind_zh": self.zh, "at": self.at, "actor": self.actor,
                "on_behalf_of": self.on_behalf_of, "department": self.department, "words": self.words,
                "data": self.data}


@dataclass
class Folded:
    """What the events say now."""
    state: str = "pending"
    department: Optional[str] = None
    kind: str = "办件"  # 办件 | 阅件
    kind_reason: str = ""  # why: the default, the instruction's word, the clerk's overruling
    leader: Optional[str] = None  # the leader of the latest 批办
    leader_title: Optional[str] = None
    category: Optional[str] = None  # 省部级批示件 | 议题 | None (set with 拟办 or 批办)
    explicit_due: Optional[str] = None  # a deadline written with the 拟办 or 批办 (YYYY-MM-DD)
    extended_due: Optional[str] = None  # the latest 延期
    opened_on: Optional[str] = None  # the day the record opened (routed), YYYY-MM-DD
    instructed_on: Optional[str] = None  # the day of the latest 批办
    signed: bool = False
    answered: bool = False
    result: Optional[str] = None
    closed_at: Optional[str] = None  # 办结 time (ISO)
    readers: list = field(default_factory=list)  # 传阅: names in order
    read_by: dict = field(default_factory=dict)  # name → ISO time of 已阅
    urgency: Optional[str] = None  # 紧急程度 of the document, as registered

    @property
    def state_zh(self) -> str:
        return STATES[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def next_reader(self) -> Optional[str]:
        return next((r for r in self.readers if r not in self.read_by), None)


def fold(events: list[Event], default_kind: str = "办件", lists: Optional[WordLists] = None) -> Folded:
    """The record's state from its events, in seq order (see the module's table)."""
    out = Folded(kind=default_kind, kind_reason=f"尚无批示，按{default_kind}")
    overruled = False
    for e in events:
        if e.kind == "opened":
            out.department = e.department
            out.opened_on = (e.data.get("routed_at") or e.at)[:10]
            out.urgency = e.data.get("urgency")
        elif e.kind in ("proposed", "instructed"):
            if e.data.get("category"):
                out.category = e.data["category"]
            if e.data.get("due"):
                out.explicit_due = e.data["due"]
            if e.kind == "instructed":
                out.leader = e.data.get("leader") or e.on_behalf_of or e.actor
                out.leader_title = e.data.get("title")
                out.instructed_on = e.day
                if not overruled and lists is not None:
                    reading: Reading = classify_words(e.words or "", lists)
                    out.kind, out.kind_reason = reading.kind, reading.reason
        elif e.kind == "classified":
            overruled = True
            out.kind, out.kind_reason = e.data["kind"], f"文秘人员改定为{e.data['kind']}" + (f"：{e.words}" if e.words else "")
        elif e.kind == "signed":
            out.signed, out.state = True, "in_progress"
        elif e.kind == "returned":
            out.state, out.signed = "returned", False
        elif e.kind == "rerouted":
            out.department, out.state, out.signed = e.department, "pending", False
            out.readers, out.read_by = [], {}
        elif e.kind == "progress":
            out.state = "in_progress" if out.state == "pending" else out.state
        elif e.kind == "extended":
            out.extended_due = e.data["due"]
        elif e.kind == "answered":
            out.answered = True
        elif e.kind == "done":
            out.state, out.result, out.closed_at = "done", e.words, e.at
        elif e.kind == "circulated":
            out.state, out.readers, out.read_by = "circulating", list(e.data["readers"]), {}
        elif e.kind == "read":
            out.read_by[e.data["reader"]] = e.at
            if out.state == "circulating" and out.next_reader is None:  # the last reader: closed without a result
                out.state, out.closed_at = "done", e.at
        elif e.kind == "archived":
            out.state = "archived"
    return out
