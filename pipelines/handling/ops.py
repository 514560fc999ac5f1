"""承办 operations (承办/督办的各项办理): plain functions taking the Office and an actor, returning dataclasses,
refusing with HandlingRefusal (code, Chinese message, action). The CLI, the web desk and an API call the same ones,
so a step is the same event whichever face recorded it.

    open_for_routed(office, row, department, actor)       -> Record | None   分办: the record opens (seam S4 ROUTED)
    moved(office, row, department, actor)                  -> Record | None   改办: the record follows (S4 REROUTED)
    sync(office, actor)                                    -> Synced          open what was routed without a record
    recompute(office)                                      -> int             the cached columns again from the events
    record(office, key, *, actor, include_confidential)   -> Record          one document's record, with its events
    propose(office, key, words, *, actor, category, due)   -> Step            拟办意见
    instruct(office, key, words, *, actor, by, title, category, due) -> Step 批办 (by: the leader a clerk types it for)
    classify(office, key, kind, *, actor, reason)          -> Step            文秘改定 办件/阅件
    sign(office, key, *, actor)                            -> Step            签收
    give_back(office, key, reason, *, actor)               -> Step            退回 (mis-routed: back to the clerk)
    progress(office, key, words, *, actor, files)          -> Step            办理情况 (files stored content-addressed)
    extend(office, key, due, *, actor, approved_by, reason)-> Step            延期
    answer(office, key, words, *, actor)                   -> Step            答复 (a 来信)
    done(office, key, *, actor, result)                    -> Step            办结 (a 办件 needs a result; a 来信 an 答复)
    circulate(office, key, readers, *, actor)              -> Step            传阅 (a 阅件; readers in order)
    read(office, key, *, actor, reader)                    -> Step            已阅 (the last reader closes it)
    archive(office, key, *, actor)                         -> Step            归档 (after 办结)
`key`: 收文编号 (收〔2026〕12号, 2026-12) or ledger id. Every write appends one event in one transaction, with the
record's cached columns (state, department, kind, deadline) recomputed from all its events; two writers racing
for the same step: one wins, the other is refused (code "conflict").

Who may see a classified document is pipelines/access.py's (seam S2) once it is on main; until then the caller
says `include_confidential` (the 机要员's view) and a classified record is "not found" to everyone else.
"""
from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..actors import actor_label
from .calendar import WorkCalendar, parse_day
from .deadlines import CATEGORIES, Deadline, deadline
from .model import EVENTS, Event, Folded, fold
from .refusals import Action, HandlingRefusal, actor_name
from .store import tables
from .words import KINDS, classify_words, load_lists

CONFIDENTIAL_TITLE = "（涉密公文，标题不予显示）"
ROUTED_STATUSES = ("indexed", "routed")  # ledger statuses of a document that has a 承办部门
MAX_WORDS = 4000  # characters of one 意见 / 批示 / 结果


# -- the office's handling context (settings, calendar, word lists, store), made once per Office ---------------

class Context:
    def __init__(self, office):
        self.office = office
        self.settings = office.config.settings.handling
        self.calendar = WorkCalendar.load(office.root, self.settings.holidays_file)
        self.lists = load_lists(office.root, self.settings.words_file)
        self.ledger = office.ledger
        self.db = tables(office)

    def today(self) -> date:
        return parse_day(self.office.now())

    def fold(self, events: list[Event]) -> Folded:
        return fold(events, self.settings.default_kind, self.lists)


_contexts = threading.local()  # per thread (each has its own ledger connection): office → Context


def context(office) -> Context:
    """The office's handling context on this thread, made once (forget(office) after changing its files)."""
    made = getattr(_contexts, "made", None)
    if made is None:
        made = _contexts.made = weakref.WeakKeyDictionary()
    ctx = made.get(office)
    if ctx is None or ctx.ledger is not office.ledger:
        ctx = made[office] = Context(office)
    return ctx


def forget(office) -> None:
    """Read the office's holiday file, word lists and settings again on next use (this thread)."""
    getattr(_contexts, "made", {}).pop(office, None)


# -- results ---------------------------------------------------------------------------------------------------

@dataclass
class Record:
    """One document's 承办记录 as a person sees it (plain data; the title masked for a classified document unless
    the caller may see it)."""
    id: int
    document_id: int
    number: str
    title: str
    subject: str  # document | letter
    state: str  # model.STATES key
    state_zh: str
    department: Optional[str]
    kind: str  # 办件 | 阅件
    kind_reason: str
    due: Optional[str]  # YYYY-MM-DD
    due_rule: str
    due_unknown: Optional[str]  # the calendar lacks a year: the Chinese line naming the override file
    due_state: str  # overdue | due_soon | on_time | closed | none (the web desk's colour)
    days_left: Optional[int]  # working days to the deadline (negative: overdue by that many)
    leader: Optional[str]
    leader_title: Optional[str]
    category: Optional[str]
    opened_on: Optional[str]
    closed_at: Optional[str]
    result: Optional[str]
    readers: list
    read_by: dict
    confidential: bool
    events: list = field(default_factory=list)  # [Event], oldest first
    row: dict = field(default_factory=dict, repr=False)  # the ledger row

    @property
    def on_time(self) -> Optional[bool]:
        """办结 on or before the deadline (None: not closed, or no deadline)."""
        if not self.closed_at or not self.due:
            return None
        return self.closed_at[:10] <= self.due

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("events", "row")}
        out["events"] = [e.to_dict() for e in self.events]
        return out


@dataclass
class Step:
    record: Record  # after the step
    event: Event  # the event recorded


# -- reading -----------------------------------------------------------------------------------------------------

def is_confidential(row: dict) -> bool:
    """A classified or held document, or one with the 机要室 (pipelines/secrecy.py's one predicate, seam S7)."""
    from ..secrecy import is_confidential as policy

    return policy(row)


def may_see(actor, row: dict, include_confidential: bool) -> bool:
    """pipelines/access.py's can_see for an Actor (seam S2: the role decides; include_confidential is then not
    asked); for a history name given as a str (the batch, internal callers), a classified row only with
    include_confidential."""
    from ..access import can_see
    from ..actors import Actor

    if isinstance(actor, Actor):
        return can_see(actor, row)
    return include_confidential or not is_confidential(row)


def _find_row(office, key: str, actor, include_confidential: bool, step: str = "read") -> dict:
    """The ledger row of `key` for `actor`: not_found where there is none or the actor may not see it (seam S2);
    for an Actor, also access.require_step for `step` (access.HANDLING_STEPS: who writes which step —
    a department's steps by that department's staff …), "forbidden" where the role may not."""
    from ..access import require, require_step
    from ..actors import Actor
    from ..refusals import DeskRefusal

    row = office.ledger.find(str(key))
    if row is None or not may_see(actor, row, include_confidential):  # not to be seen is not found (seam S2)
        raise HandlingRefusal("not_found", f"登记簿中没有“{key}”")
    if isinstance(actor, Actor):
        try:
            require(actor, "read", row, str(key))
            if step != "read":
                require_step(actor, step, row, row.get("department"), str(key))
        except HandlingRefusal:
            raise
        except DeskRefusal as exc:  # access's refusal, as handling's (the same code and message)
            raise HandlingRefusal(exc.code, exc.message) from None
    return row


def _events(db, handling_id: int) -> list[Event]:
    return [Event.from_row(r) for r in db.query(
        "SELECT seq, kind, at, actor, on_behalf_of, department, words, data FROM handling_events"
        " WHERE handling_id = ? ORDER BY seq", (handling_id,))]


def _due_state(ctx: Context, folded: Folded, due: Deadline) -> tuple[str, Optional[int]]:
    if not folded.is_open:
        return "closed", None
    if folded.state == "circulating" or due.due is None:
        return "none", None
    left = ctx.calendar.working_days_between(ctx.today(), due.due) if ctx.calendar.knows(ctx.today().year) \
        and ctx.calendar.knows(due.due.year) else (due.due - ctx.today()).days
    if ctx.today() > due.due:
        return "overdue", left
    return ("due_soon" if left <= ctx.settings.remind_working_days else "on_time"), left


def _view(ctx: Context, head: dict, row: dict, events: list[Event], show_title: bool) -> Record:
    folded = ctx.fold(events)
    due = deadline(folded, row, ctx.settings, ctx.calendar)
    due_state, left = _due_state(ctx, folded, due)
    confidential = is_confidential(row)
    title = (row.get("title") or row.get("file") or "") if show_title or not confidential else CONFIDENTIAL_TITLE
    return Record(head["id"], head["document_id"], head["number"], title, head["subject"], folded.state,
                  folded.state_zh, folded.department, folded.kind, folded.kind_reason, due.iso, due.rule, due.unknown,
                  due_state, left, folded.leader, folded.leader_title, folded.category, folded.opened_on,
                  folded.closed_at, folded.result, folded.readers, folded.read_by, confidential, events, row)


def record(office, key: str, *, actor, include_confidential: bool = False) -> Record:
    """The 承办记录 of document `key` with all its events. A routed document without one gets it now (opened by
    `actor`: a document routed before handling existed). Refusals: not_found, not_routed."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential)
    head = _head(ctx, row, actor)
    return _view(ctx, head, row, _events(ctx.db, head["id"]), True)


def _head(ctx: Context, row: dict, actor) -> dict:
    head = ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))
    if head is not None:
        return head
    if row["status"] not in ROUTED_STATUSES or not row.get("department"):
        raise HandlingRefusal("not_routed", f"{row['number']} 尚未分办（{_status_zh(row)}），没有承办记录")
    _open(ctx, row, row["department"], actor, source="backfill")
    return ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))


def _status_zh(row: dict) -> str:
    from ..ledger import STATUS_ZH

    return STATUS_ZH.get(row["status"], row["status"])


# -- writing -------------------------------------------------------------------------------------------------

def _now(ctx: Context) -> str:
    return ctx.office.now()


def _cache(ctx: Context, head_id: int, row: dict, events: list[Event], expect_seq: int) -> None:
    """Recompute the record's cached columns from all its events; compare-and-set on last_seq."""
    folded = ctx.fold(events)
    due = deadline(folded, row, ctx.settings, ctx.calendar)
    changed = ctx.db.execute(
        "UPDATE handling SET department = ?, kind = ?, state = ?, due_on = ?, leader = ?, closed_at = ?, last_seq = ?,"
        " confidential = ? WHERE id = ? AND last_seq = ?",
        (folded.department, folded.kind, folded.state, due.iso, folded.leader, folded.closed_at, events[-1].seq,
         int(is_confidential(row)), head_id, expect_seq))
    if changed != 1:
        raise HandlingRefusal("conflict", f"{row['number']} 的承办记录刚被他人办理，本次未作改动；请查看后再办")


def _insert_event(ctx: Context, head_id: int, event: Event) -> None:
    ctx.db.insert(
        "INSERT INTO handling_events(handling_id, seq, kind, at, actor, on_behalf_of, department, words, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (head_id, event.seq, event.kind, event.at, event.actor, event.on_behalf_of, event.department, event.words,
         json.dumps(event.data, ensure_ascii=False) if event.data else None))


def _open(ctx: Context, row: dict, department: str, actor, source: str) -> None:
    name = actor_name(actor)
    routed_at = _routed_at(ctx, row) if source == "backfill" else None
    subject = "letter" if row.get("kind") == "letter" else "document"
    event = Event(1, "opened", _now(ctx), name, None, department,
                  None, {k: v for k, v in {"source": source, "routed_at": routed_at, "urgency": row.get("urgency")}.items() if v})
    try:
        with ctx.db.transaction():
            if ctx.db.one("SELECT id FROM handling WHERE document_id = ?", (row["id"],)):
                return  # opened meanwhile (another worker, the subscriber retried): idempotent
            head_id = ctx.db.insert(
                "INSERT INTO handling(document_id, number, subject, department, state, opened_at, confidential, last_seq)"
                " VALUES (?, ?, ?, ?, 'pending', ?, ?, 0)",
                (row["id"], row["number"], subject, department, event.at, int(is_confidential(row))))
            _insert_event(ctx, head_id, event)
            _cache(ctx, head_id, row, [event], 0)
    except Exception as exc:  # two workers opening the same record at once: UNIQUE(document_id), the other won
        if _unique_violation(exc) and ctx.db.one("SELECT id FROM handling WHERE document_id = ?", (row["id"],)):
            return
        raise


def _unique_violation(exc: BaseException) -> bool:
    return type(exc).__name__ in ("UniqueViolation", "IntegrityError") or "UNIQUE" in str(exc).upper()


def _routed_at(ctx: Context, row: dict) -> Optional[str]:
    """When the ledger's history says the document was routed (its first indexed/routed line)."""
    for line in ctx.office.ledger.history(row["id"]):
        if line["status"] in ROUTED_STATUSES:
            return line["at"]
    return None


def _append(ctx: Context, row: dict, actor, kind: str, check=None, *, words: Optional[str] = None,
            department: Optional[str] = None, on_behalf_of: Optional[str] = None, data: Optional[dict] = None) -> Step:
    """Append one event to the record of `row` after check(folded) passed (it raises HandlingRefusal), in one
    transaction. Returns the Step."""
    name = actor_name(actor)
    head = _head(ctx, row, actor)
    with ctx.db.transaction():
        head = ctx.db.one("SELECT * FROM handling WHERE id = ?", (head["id"],))
        events = _events(ctx.db, head["id"])
        folded = ctx.fold(events)
        if check:
            check(folded)
        event = Event(head["last_seq"] + 1, kind, _now(ctx), name, on_behalf_of,
                      department if department is not None else folded.department, words, data or {})
        try:
            _insert_event(ctx, head["id"], event)
        except Exception as exc:  # the same seq written by another writer meanwhile (UNIQUE(handling_id, seq))
            if _unique_violation(exc):
                raise HandlingRefusal("conflict", f"{row['number']} 的承办记录刚被他人办理，本次未作改动；请查看后再办") from exc
            raise
        events.append(event)
        _cache(ctx, head["id"], row, events, head["last_seq"])
    if head["subject"] == "letter":  # kept beside its registration too: a rebuilt ledger gets it back
        from ..letters.records import keep_handling

        keep_handling(ctx.office.root, row, events)
    return Step(_view(ctx, head, row, events, True), event)


def _words(text: Optional[str], what: str, required: bool = True) -> Optional[str]:
    text = (text or "").strip()
    if not text:
        if required:
            raise HandlingRefusal("needs_words", f"请写明{what}")
        return None
    if len(text) > MAX_WORDS:
        raise HandlingRefusal("too_long", f"{what}过长（{len(text)} 字，至多 {MAX_WORDS} 字）")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise HandlingRefusal("control_characters", f"{what}含有控制字符，请重新输入")
    return text


def _not_closed(number: str, what: str):
    def check(f: Folded) -> None:
        if f.state == "archived":
            raise HandlingRefusal("closed", f"{number} 已归档，不能再{what}")
        if f.state == "done":
            raise HandlingRefusal("closed", f"{number} 已办结，不能再{what}")
    return check


def _day(text: Optional[str], what: str) -> Optional[str]:
    if text in (None, ""):
        return None
    try:
        return parse_day(text).isoformat()
    except ValueError:
        raise HandlingRefusal("bad_date", f"{what}“{text}”不是日期（应为 YYYY-MM-DD）") from None


# -- the operations ------------------------------------------------------------------------------------------

def open_for_routed(office, row: dict, department: str, actor) -> Optional[Record]:
    """分办 (seam S4 ROUTED): the routed document `row` gets its 承办记录 at `department`; where it has one, the
    record follows a new department (改办). Idempotent (the batch may emit again). None for a document that is
    not routed (returned, held, quarantined)."""
    ctx = context(office)
    row = {**row, **(office.ledger.get(row["id"]) or {})}  # the ledger's now, with what the emitter added (kind …)
    if row["status"] not in ROUTED_STATUSES or not department:
        return None
    head = ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))
    if head is None:
        _open(ctx, row, department, actor, source="routed")
    elif head["department"] != department:
        return moved(office, row, department, actor)
    head = ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))
    return _view(ctx, head, row, _events(ctx.db, head["id"]), True)


def moved(office, row: dict, department: str, actor, reason: Optional[str] = None) -> Optional[Record]:
    """改办 (seam S4 REROUTED, or found by sync): the record moves with the document to `department` — from
    退回 (the usual way back), or from any open state. A closed record stays where it was (None)."""
    ctx = context(office)
    row = office.ledger.get(row["id"]) or row
    head = ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))
    if head is None:
        return open_for_routed(office, row, department, actor)
    if head["state"] in ("done", "archived") or (head["department"] == department and head["state"] != "returned"):
        return None  # closed, or already there (a 退回 record sent back to the same department moves again)
    step = _append(ctx, row, actor, "rerouted", words=reason or row.get("route_reason"), department=department,
                   data={"from": head["department"]})
    return step.record


@dataclass
class Synced:
    opened: list  # 收文编号 of the records opened
    moved: list  # 收文编号 of the records moved after a 改办 in the ledger


def sync(office, actor="batch") -> Synced:
    """Open a record for every routed document that has none (routed before handling existed, or while its
    subscriber failed), and move a record whose document was 改办 in the ledger meanwhile. Idempotent."""
    ctx = context(office)
    marks = ", ".join("?" * len(ROUTED_STATUSES))
    missing = ctx.db.query(
        f"SELECT d.id FROM documents d LEFT JOIN handling h ON h.document_id = d.id WHERE h.id IS NULL"
        f" AND d.status IN ({marks}) AND d.department IS NOT NULL ORDER BY d.id", ROUTED_STATUSES)
    opened = []
    for found in missing:
        row = office.ledger.get(found["id"])
        _open(ctx, row, row["department"], actor, source="backfill")
        opened.append(row["number"])
    stale = ctx.db.query(
        "SELECT d.id, d.department FROM documents d JOIN handling h ON h.document_id = d.id"
        f" WHERE d.status IN ({marks}) AND d.department IS NOT NULL AND h.department IS NOT NULL"
        " AND d.department != h.department AND h.state NOT IN ('done', 'archived') ORDER BY d.id", ROUTED_STATUSES)
    moved_numbers = []
    for found in stale:
        row = office.ledger.get(found["id"])
        if moved(office, row, row["department"], actor):
            moved_numbers.append(row["number"])
    return Synced(opened, moved_numbers)


def recompute(office) -> int:
    """Recompute every record's cached columns (state, department, kind, deadline, leader) from its events — after
    the office changed its [handling] days, its holiday file or its word lists. Returns how many changed."""
    ctx = context(office)
    changed = 0
    for head in ctx.db.query("SELECT * FROM handling ORDER BY id"):
        row = office.ledger.get(head["document_id"])
        events = _events(ctx.db, head["id"])
        if row is None or not events:
            continue
        folded = ctx.fold(events)
        due = deadline(folded, row, ctx.settings, ctx.calendar)
        now = (folded.department, folded.kind, folded.state, due.iso, folded.leader, folded.closed_at)
        if now != (head["department"], head["kind"], head["state"], head["due_on"], head["leader"], head["closed_at"]):
            with ctx.db.transaction():
                _cache(ctx, head["id"], row, events, head["last_seq"])
            changed += 1
    return changed


def propose(office, key: str, words: str, *, actor, category: Optional[str] = None, due: Optional[str] = None,
            include_confidential: bool = False) -> Step:
    """拟办意见: the clerk's proposal (category 省部级批示件 / 议题 and a deadline may be set with it)."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "propose")
    text = _words(words, "拟办意见")
    return _append(ctx, row, actor, "proposed", _not_closed(row["number"], "拟办"), words=text,
                   data=_category_and_due(category, due))


def _category_and_due(category: Optional[str], due: Optional[str]) -> dict:
    if category and category not in CATEGORIES:
        raise HandlingRefusal("bad_category", f"类别应为{'或'.join(CATEGORIES)}，而不是“{category}”")
    return {k: v for k, v in {"category": category, "due": _day(due, "期限")}.items() if v}


def _leader_title(ctx: Context, leader: str, title: Optional[str]) -> Optional[str]:
    if title:
        return title.strip()
    for entry in ctx.settings.leaders:
        name, _, known = entry.partition(" ")
        if name == leader:
            return known
    return None


def instruct(office, key: str, words: str, *, actor, by: Optional[str] = None, title: Optional[str] = None,
             category: Optional[str] = None, due: Optional[str] = None, include_confidential: bool = False) -> Step:
    """批办: a leader's instruction. Typed by the leader (by=None: the actor is the leader) or by the clerk on the
    leader's behalf (by="张伟": the actor and the leader both kept — actor and on_behalf_of). The title (职务:
    given, or from [handling] leaders) decides the deadline rule; the words decide 办件/阅件 (words.py) unless
    the clerk has overruled it."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "instruct")
    text = _words(words, "批示内容")
    from ..actors import Actor
    from .refusals import actor_display

    if isinstance(actor, Actor) and actor.role != "leader" and not (by or "").strip():
        raise HandlingRefusal("needs_leader", "代领导录入批示须写明批示领导的姓名")
    leader = (by or "").strip() or actor_display(actor)
    if any(ord(c) < 32 for c in leader) or len(leader) > 40:
        raise HandlingRefusal("bad_name", "批示领导姓名含有控制字符或过长，请重新输入")
    on_behalf = leader if by and by.strip() != actor_name(actor) else None
    data = {"leader": leader, **_category_and_due(category, due)}
    known_title = _leader_title(ctx, leader, title)
    if known_title:
        data["title"] = known_title
    data["reading"] = classify_words(text, ctx.lists).kind  # what the words said then (the clerk may overrule)
    return _append(ctx, row, actor, "instructed", _not_closed(row["number"], "批办"), words=text,
                   on_behalf_of=on_behalf, data=data)


def classify(office, key: str, kind: str, *, actor, reason: Optional[str] = None,
             include_confidential: bool = False) -> Step:
    """The clerk overrules the reading: 办件 (needs a result) or 阅件 (read and closed without one)."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "classify")
    if kind not in KINDS:
        raise HandlingRefusal("bad_kind", f"应为办件或阅件，而不是“{kind}”")

    def check(f: Folded) -> None:
        _not_closed(row["number"], "改定")(f)
        if f.state == "circulating" and kind == "办件":
            raise HandlingRefusal("circulating", f"{row['number']} 正在传阅，传阅完毕后再改定")
    return _append(ctx, row, actor, "classified", check, words=_words(reason, "理由", required=False), data={"kind": kind})


def sign(office, key: str, *, actor, include_confidential: bool = False) -> Step:
    """签收 by the department (the record's department)."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "sign")

    def check(f: Folded) -> None:
        _not_closed(row["number"], "签收")(f)
        if f.state == "returned":
            raise HandlingRefusal("returned", f"{row['number']} 已退回文秘人员，待改办后由新的承办部门签收",
                                  Action("route", "改办", {"key": row["number"]}))
        if f.signed or f.state != "pending":
            raise HandlingRefusal("already_signed", f"{row['number']} 已由{f.department}签收")
    return _append(ctx, row, actor, "signed", check)


def give_back(office, key: str, reason: str, *, actor, include_confidential: bool = False) -> Step:
    """退回: the department returns a mis-routed document to the clerk, with its reason; a 改办 (desk.route, then
    moved()) sends the record on."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "give_back")
    text = _words(reason, "退回理由")

    def check(f: Folded) -> None:
        _not_closed(row["number"], "退回")(f)
        if f.state == "returned":
            raise HandlingRefusal("returned", f"{row['number']} 已退回，待文秘人员改办",
                                  Action("route", "改办", {"key": row["number"]}))
    return _append(ctx, row, actor, "returned", check, words=text)


def _needs_signing(number: str, what: str):
    def check(f: Folded) -> None:
        _not_closed(number, what)(f)
        if f.state == "returned":
            raise HandlingRefusal("returned", f"{number} 已退回，待文秘人员改办", Action("route", "改办", {"key": number}))
        if f.state == "pending":
            raise HandlingRefusal("not_signed", f"{number} 尚未签收，请先签收", Action("sign", "签收", {"key": number}))
    return check


def progress(office, key: str, words: str, *, actor, files: Iterable[Path] = (), include_confidential: bool = False) -> Step:
    """办理情况: a progress note, with files attached (stored content-addressed under the data root)."""
    from .files import store_files

    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "progress")
    text = _words(words, "办理情况")
    check = _needs_signing(row["number"], "记录办理情况")
    check(ctx.fold(_events(ctx.db, _head(ctx, row, actor)["id"])))  # refused before any file is copied
    stored = store_files(office, list(files), confidential=is_confidential(row))
    return _append(ctx, row, actor, "progress", check, words=text,
                   data={"files": [f.to_dict() for f in stored]} if stored else None)


def extend(office, key: str, due: str, *, actor, approved_by: str, reason: Optional[str] = None,
           include_confidential: bool = False) -> Step:
    """延期: a new deadline, with who approved it (a name) and why. Later than the current deadline."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "extend")
    new = _day(due, "延期后的期限")
    if not new:
        raise HandlingRefusal("bad_date", "请写明延期后的期限（YYYY-MM-DD）")
    approver = _words(approved_by, "批准延期的领导")
    current = record(office, key, actor=actor, include_confidential=include_confidential)

    def check(f: Folded) -> None:
        _not_closed(row["number"], "延期")(f)
        if f.kind == "阅件":
            raise HandlingRefusal("no_deadline", f"{row['number']} 是阅件，没有办理期限")
        if current.due and new <= current.due:
            raise HandlingRefusal("not_later", f"延期后的期限 {new} 应晚于现在的期限 {current.due}")
    return _append(ctx, row, actor, "extended", check, words=_words(reason, "延期理由", required=False),
                   data={"due": new, "approved_by": approver, "was": current.due})


def answer(office, key: str, words: str, *, actor, include_confidential: bool = False) -> Step:
    """答复 of a 来信 (issue 22): the answer's text, recorded once, after 签收 and before its 办结 (HandlingRefusal
    "answered" for a second one: the first has gone back to the writer)."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "answer")
    text = _words(words, "答复内容")
    head = _head(ctx, row, actor)
    if head["subject"] != "letter":
        raise HandlingRefusal("not_letter", f"{row['number']} 是公文，不是来信，无需答复；办结请写明办理结果",
                              Action("done", "办结", {"key": row["number"]}))
    signed = _needs_signing(row["number"], "答复")

    def check(f: Folded) -> None:
        signed(f)
        if f.answered:  # once: the answer has gone back to the writer
            raise HandlingRefusal("answered", f"{row['number']} 已答复来信人，不再重复答复",
                                  Action("done", "办结", {"key": row["number"]}))
    return _append(ctx, row, actor, "answered", check, words=text)


def done(office, key: str, *, actor, result: Optional[str] = None, include_confidential: bool = False) -> Step:
    """办结: a 办件 with its result (承办结果); a 阅件 without one; a 来信 once answered."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "done")
    text = _words(result, "办理结果", required=False)
    head = _head(ctx, row, actor)

    def check(f: Folded) -> None:
        if f.kind == "阅件":
            _not_closed(row["number"], "办结")(f)
            if f.state == "returned":
                raise HandlingRefusal("returned", f"{row['number']} 已退回，待文秘人员改办")
            return
        _needs_signing(row["number"], "办结")(f)
        if head["subject"] == "letter" and not f.answered:
            raise HandlingRefusal("needs_answer", f"{row['number']} 是来信，须先答复来信人再办结",
                                  Action("answer", "答复", {"key": row["number"]}))
        if not text:
            raise HandlingRefusal("needs_result", f"{row['number']} 是办件，办结须写明办理结果（--result \"…\"）；"
                                  "如只需阅知，请改定为阅件", Action("classify", "改定为阅件", {"key": row["number"], "kind": "阅件"}))
    return _append(ctx, row, actor, "done", check, words=text)


def circulate(office, key: str, readers: list[str], *, actor, include_confidential: bool = False) -> Step:
    """传阅: a 阅件 goes to `readers` in that order; each records 已阅 (read()); the last one closes it."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "circulate")
    names = [" ".join(r.split()) for r in readers if r and r.strip()]
    if not names:
        raise HandlingRefusal("no_readers", "请写明传阅人（按传阅顺序）")
    if len(set(names)) != len(names):
        raise HandlingRefusal("duplicate_readers", f"传阅人重复：{'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
    if any(len(n) > 40 or any(ord(c) < 32 for c in n) for n in names):
        raise HandlingRefusal("bad_name", "传阅人姓名含有控制字符或过长，请重新输入")

    def check(f: Folded) -> None:
        _not_closed(row["number"], "传阅")(f)
        if f.kind != "阅件":
            raise HandlingRefusal("not_read_only", f"{row['number']} 是办件，须办理并写明结果；只需阅知的请先改定为阅件",
                                  Action("classify", "改定为阅件", {"key": row["number"], "kind": "阅件"}))
        if f.state == "returned":
            raise HandlingRefusal("returned", f"{row['number']} 已退回，待文秘人员改办")
    return _append(ctx, row, actor, "circulated", check, data={"readers": names})


def read(office, key: str, *, actor, reader: Optional[str] = None, include_confidential: bool = False) -> Step:
    """已阅 by the next reader in the 传阅 order (reader: the name; default the actor's). Out of turn, or one not
    on the list, is refused with whose turn it is."""
    from .refusals import actor_display

    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "read_mark")
    name = " ".join((reader or actor_display(actor)).split())
    from ..actors import Actor

    if isinstance(actor, Actor) and actor.role in ("staff", "leader") and name not in (actor.display, actor.name):
        raise HandlingRefusal("not_yourself", f"只能记录本人（{actor_display(actor)}）已阅；代他人记录请由文秘人员办理")

    def check(f: Folded) -> None:
        if f.state != "circulating":
            raise HandlingRefusal("not_circulating", f"{row['number']} 不在传阅中（{f.state_zh}）")
        if name in f.read_by:
            raise HandlingRefusal("already_read", f"{name} 已于 {f.read_by[name][:16].replace('T', ' ')} 阅过 {row['number']}")
        if name not in f.readers:
            raise HandlingRefusal("not_a_reader", f"{name} 不在 {row['number']} 的传阅名单中（{'、'.join(f.readers)}）")
        if name != f.next_reader:
            raise HandlingRefusal("not_your_turn", f"{row['number']} 按顺序应由 {f.next_reader} 先阅")
    return _append(ctx, row, actor, "read", check, data={"reader": name})


def archive(office, key: str, *, actor, include_confidential: bool = False) -> Step:
    """归档 after 办结."""
    ctx = context(office)
    row = _find_row(office, key, actor, include_confidential, "archive")

    def check(f: Folded) -> None:
        if f.state == "archived":
            raise HandlingRefusal("already_archived", f"{row['number']} 已归档")
        if f.state != "done":
            raise HandlingRefusal("not_finished", f"{row['number']} 尚未办结（{f.state_zh}），办结后才能归档",
                                  Action("done", "办结", {"key": row["number"]}))
    return _append(ctx, row, actor, "archived", check)


def remind_one(office, head: dict, row: dict, *, actor, notice: str, overdue_days: Optional[int]) -> Step:
    """催办 of one record (remind.py): who was chased (the department), the deadline, the notice file."""
    ctx = context(office)
    return _append(ctx, row, actor, "reminded", data={
        k: v for k, v in {"due": head.get("due_on"), "overdue_days": overdue_days, "notice": notice}.items() if v is not None})


def event_parts(event: Event, label: Callable[[str], str] = actor_label) -> tuple[str, list[str]]:
    """(who, [details]) of one event, as its history line says them: the leader of a 批办 (代录 by whom), the
    reader of a 已阅, the department, the new deadline and its approver, the readers, the files … Who acted is
    named by `label` (actors.actor_label: 批处理, 命令行操作员 root; the desk's gives accounts 姓名（角色）)."""
    who = label(event.actor)
    if event.kind == "instructed":
        who = event.data.get("leader") or who
        if event.on_behalf_of:
            who = f"{event.data.get('leader') or event.on_behalf_of}（由 {label(event.actor)} 代录）"
    elif event.kind == "read":
        who = event.data.get("reader") or who
    extra = []
    if event.kind in ("opened", "rerouted", "signed", "returned") and event.department:
        extra.append(f"承办部门：{event.department}")
    if event.kind == "extended":
        extra.append(f"期限延至 {event.data.get('due')}，批准人：{event.data.get('approved_by')}")
    if event.kind == "circulated":
        extra.append("传阅：" + " → ".join(event.data.get("readers", [])))
    if event.kind == "reminded":
        extra.append(f"催办{event.department or ''}，期限 {event.data.get('due') or '—'}"
                     + (f"，已超期 {event.data['overdue_days']} 个工作日" if event.data.get("overdue_days") else ""))
    if event.kind == "instructed" and event.data.get("title"):
        extra.append(f"职务：{event.data['title']}")
    if event.data.get("category"):
        extra.append(f"类别：{event.data['category']}")
    if event.data.get("due") and event.kind in ("proposed", "instructed"):
        extra.append(f"期限：{event.data['due']}")
    if event.kind == "classified":
        extra.append(f"改定为{event.data.get('kind')}")
    files = event.data.get("files") or []
    if files:
        extra.append("附件：" + "、".join(f["name"] for f in files))
    return who, extra


def event_line(event: Event) -> str:
    """One history line in Chinese: 2026-03-02 09:15 批办 张伟（由 cli:wang 代录）：请财政局阅处"""
    who, extra = event_parts(event)
    words = f"：{event.words}" if event.words else ""
    tail = f"（{'；'.join(extra)}）" if extra else ""
    return f"{event.at[:16].replace('T', ' ')}  {EVENTS.get(event.kind, event.kind)}  {who}{words}{tail}"
