"""承办/督办 at the desk (web desk and API): one document's handling record with the steps an actor may take now,
the steps themselves (pipelines/handling/ops.py's functions, called with the actor: the same event whichever face
recorded it), the files attached to a 办理情况, and the 督办 lists.

    handling_panel(office, key, actor=)                 -> HandlingPanel   record, events, steps allowed now
    take_step(office, key, step, actor=, **fields)      -> ops.Step        拟办, 批办, 改定, 签收, 退回, 办理情况, 延期,
                                                                           答复, 办结, 传阅, 已阅, 归档
    handling_file(office, key, sha256, actor=)          -> (Path, name)    a file attached to a 办理情况
    due_list(office, actor=, days=, department=, leader=) -> queries.DueList

Who may take which step is access.py's (handling_steps: role and department); whether the record's state allows
it is handling's (its refusals). The panel offers a step only where both allow it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..access import ACTION_ZH, handling_steps, require
from ..actors import Actor, acting
from ..refusals import DeskRefusal
from .common import find, office_time

STEP_LABELS = {"propose": "拟办", "instruct": "批办", "classify": "改定办件/阅件", "sign": "签收", "give_back": "退回",
               "progress": "办理情况", "extend": "延期", "answer": "答复来信", "done": "办结", "circulate": "传阅",
               "read_mark": "已阅", "archive": "归档"}


@dataclass
class HandlingPanel:
    record: Optional[object]  # ops.Record, or None where the document has no 承办记录 (not routed)
    note: str  # why there is none
    steps: tuple = ()  # the steps (STEP_LABELS keys) the actor may take now
    events: list = field(default_factory=list)  # [{"at", "kind", "who", "words", "details", "files"}], oldest first

    @property
    def labels(self) -> dict:
        return {s: STEP_LABELS[s] for s in self.steps}


def _state_allows(step: str, rec, actor: Actor) -> bool:
    """Whether the record's state leaves room for `step` (handling refuses the rest; this only keeps the page
    from offering a button that would be refused)."""
    state, kind, open_ = rec.state, rec.kind, rec.state in ("pending", "in_progress", "returned", "circulating")
    if step in ("propose", "instruct"):
        return open_ and state != "circulating"
    if step == "classify":
        return open_ and state != "circulating"
    if step == "sign":
        return state == "pending"
    if step == "give_back":
        return state in ("pending", "in_progress")
    if step == "progress":
        return state == "in_progress"
    if step == "extend":
        return state in ("pending", "in_progress") and kind == "办件"
    if step == "answer":  # once (handling.ops.answer refuses a second: answered)
        return (state == "in_progress" and rec.subject == "letter"
                and not any(e.kind == "answered" for e in rec.events))
    if step == "done":  # a 来信 once answered (handling.ops.done refuses it before: needs_answer)
        if rec.subject == "letter" and not any(e.kind == "answered" for e in rec.events):
            return False
        return state == "in_progress" or (kind == "阅件" and state == "pending")
    if step == "circulate":
        return kind == "阅件" and state in ("pending", "in_progress")
    if step == "read_mark":
        following = next((r for r in rec.readers if r not in rec.read_by), None)
        return state == "circulating" and (actor.role in ("clerk", "confidential", "system")
                                          or following in (actor.display, actor.name))
    if step == "archive":
        return state == "done"
    return False


def handling_panel(office, key, *, actor: Optional[Actor] = None) -> HandlingPanel:
    """The 承办记录 of document `key` as `actor` sees it, with the steps they may take now. A document not routed
    (returned, held, quarantined, not yet reviewed) has none: the panel says why."""
    from ..handling import ops
    from ..handling.refusals import HandlingRefusal
    from .documents import actor_labels

    actor = acting(actor)
    row = find(office, str(key), actor=actor)
    try:
        rec = ops.record(office, row["number"], actor=actor)
    except HandlingRefusal as exc:
        if exc.code == "not_routed":
            return HandlingPanel(None, exc.message)
        raise
    labels = actor_labels(office, {e.actor for e in rec.events})
    events = []
    for e in rec.events:
        who, details = ops.event_parts(e, lambda name: labels.get(name, name))  # accounts as 姓名（角色）
        events.append({"at": office_time(office, e.at), "kind": e.zh, "who": who, "words": e.words or "",
                       "details": "；".join(details), "files": e.data.get("files") or []})
    steps = tuple(s for s in handling_steps(actor, row, rec.department) if _state_allows(s, rec, actor))
    return HandlingPanel(rec, "", steps, events)


def take_step(office, key, step: str, *, actor: Optional[Actor] = None, words: str = "", by: str = "",
              title: str = "", category: str = "", due: str = "", kind: str = "", reason: str = "",
              approved_by: str = "", readers: Optional[list] = None, reader: str = "",
              files: Optional[list] = None):
    """One 承办/督办 step on document `key` by `actor` (pipelines/handling/ops.py; HandlingRefusal, a DeskRefusal,
    where it cannot be taken). `files`: paths of uploaded files to attach to a 办理情况 (copied in)."""
    from ..handling import ops

    actor = acting(actor)
    row = find(office, str(key), actor=actor)
    number = row["number"]
    blank = lambda text: (text or "").strip() or None  # noqa: E731
    if step == "answer" and row.get("kind") == "letter":  # 答复 of a 来信: its register and the reply to the writer too
        from ..letters import ops as letters

        return letters.reply(office, number, words, actor=actor).step
    if step == "propose":
        return ops.propose(office, number, words, actor=actor, category=blank(category), due=blank(due))
    if step == "instruct":
        return ops.instruct(office, number, words, actor=actor, by=blank(by), title=blank(title),
                            category=blank(category), due=blank(due))
    if step == "classify":
        return ops.classify(office, number, kind, actor=actor, reason=blank(reason))
    if step == "sign":
        return ops.sign(office, number, actor=actor)
    if step == "give_back":
        return ops.give_back(office, number, reason, actor=actor)
    if step == "progress":
        return ops.progress(office, number, words, actor=actor, files=[Path(f) for f in files or ()])
    if step == "extend":
        return ops.extend(office, number, due, actor=actor, approved_by=approved_by, reason=blank(reason))
    if step == "answer":
        return ops.answer(office, number, words, actor=actor)
    if step == "done":
        return ops.done(office, number, actor=actor, result=blank(words))
    if step == "circulate":
        return ops.circulate(office, number, list(readers or ()), actor=actor)
    if step == "read_mark":
        return ops.read(office, number, actor=actor, reader=blank(reader))
    if step == "archive":
        return ops.archive(office, number, actor=actor)
    raise DeskRefusal("bad_input", f"没有“{step}”这一办理步骤")


def handling_file(office, key, sha256: str, *, actor: Optional[Actor] = None) -> tuple[Path, str]:
    """A file attached to one of document `key`'s 办理情况 (by its sha256), and its own name; not_found for one
    not attached to this document."""
    panel = handling_panel(office, key, actor=actor)
    for event in panel.events:
        for f in event["files"]:
            if f.get("sha256") == sha256:
                return office.root / f["path"], f["name"]
    raise DeskRefusal("not_found", "没有这个附件")


def due_list(office, *, actor: Optional[Actor] = None, days: Optional[int] = None, department: Optional[str] = None,
             leader: Optional[str] = None):
    """督办: what is overdue and due within `days` working days ([handling] remind_working_days by default), as
    `actor` may see it (staff: their department's; classified records for the 机要员 only)."""
    from ..handling.queries import due

    actor = acting(actor)
    require(actor, "due")
    return due(office, actor=actor, days=days, department=department or None, leader=leader or None)


__all__ = ["ACTION_ZH", "HandlingPanel", "STEP_LABELS", "due_list", "handling_file", "handling_panel", "take_step"]
