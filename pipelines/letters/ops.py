"""来信 at the desk (issue 22): the register as each role may see it, the clerk's category correction (learned from),
转出, 答复 (recorded in the handling record and written back to the writer), and the statistics the procedures ask
for. Plain functions taking `actor=`, returning plain data; who sees what is pipelines/access.py's.

    letters(office, actor=)                          -> [LetterEntry]   the letters' register (受理 order)
    letters_page(office, filters, page, size, actor=) -> LettersPage    the same a page at a time, filtered
    letter(office, key, actor=)                      -> LetterEntry     one, with its history (who did what)
    set_category(office, key, category, actor=)      -> LetterEntry     更正类别 (the next letters learn from it)
    assignment(office, key, department, reason, actor=) -> (row, department, why)   the checks of a 交办 (desk.assign_letter routes it)
    transfer(office, key, to, reason, actor=)        -> LetterEntry     转出 a letter the procedures send elsewhere
    reply(office, key, text, actor=)                 -> Replied         答复: the handling record's 答复 + the reply file
    stats(office, actor=, since=, until=)            -> LetterStats     per category, per department, on time, days

key: the letter's own number (信〔2026〕3号) or its 收文编号. The personal fields (writer, contact, address) are
None unless access.shows_personal says the actor may see them; `personal_hidden` says they were withheld.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..access import can_see, require, shows_personal
from ..actors import Actor, acting, history_kwargs
from ..ledger import STATUS_ZH
from ..refusals import DeskRefusal
from ..secrecy import CONFIDENTIAL_OFFICE
from .categories import CATEGORIES
from .register import find_by_letter_number, keep_record
from .store import tables

HIDDEN = "（个人信息，不予显示）"


@dataclass
class LetterEntry:
    number: str  # 收文编号
    letter_number: str  # 信〔2026〕N号
    channel: str
    subject: str
    category: Optional[str]
    category_source: Optional[str]  # keywords | learned | default | clerk
    status: str
    status_zh: str
    department: Optional[str]
    received_at: str
    writer: Optional[str]  # None where withheld (personal_hidden) or unknown
    contact: Optional[str]
    address: Optional[str]
    personal_hidden: bool
    transferred_to: Optional[str] = None
    transfer_reason: Optional[str] = None
    answer: Optional[str] = None
    answered_at: Optional[str] = None
    reply_path: Optional[str] = None
    history: list = field(default_factory=list)  # [{"at", "status", "note", "actor"}]: the ledger's, then handling's
    id: Optional[int] = None  # the ledger row's id (the web desk's /letters/{id}: no personal field in a URL)
    due: Optional[str] = None  # the handling record's deadline (YYYY-MM-DD), None before 交办
    handling_state: Optional[str] = None  # the handling record's state (pipelines/handling: routed, signed, done …)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @property
    def stage_zh(self) -> str:
        """Where the letter stands in 受理 → 交办 → 答复 → 办结 (or 转出), as the register shows it."""
        if self.status == "transferred":
            return "已转出"
        if self.handling_state in ("done", "archived"):
            return "已办结"
        if self.answer:
            return "已答复"
        if self.department and self.status in ("indexed", "routed"):
            return "已交办"
        return "已受理"


def _entry(actor: Actor, row: dict, letter: dict, head: Optional[dict] = None) -> LetterEntry:
    personal = shows_personal(actor, row)
    entry = LetterEntry(row["number"], letter["letter_number"], letter["channel"], letter["subject"] or "",
                       letter["category"], letter["category_source"], row["status"],
                       {"indexed": "已交办", "routed": "已交办"}.get(row["status"], STATUS_ZH.get(row["status"], row["status"])),
                       row.get("department"), row["received_at"],
                       letter["writer"] if personal else None, letter["contact"] if personal else None,
                       letter["address"] if personal else None, not personal,
                       letter["transferred_to"], letter["transfer_reason"], letter["answer"], letter["answered_at"],
                       letter["reply_path"])
    entry.id = row["id"]
    if head:
        entry.due, entry.handling_state = head.get("due_on"), head.get("state")
    return entry


def _head(office, row: dict) -> Optional[dict]:
    """The letter's handling record head (its deadline and state), None before 交办."""
    from ..handling.store import tables as handling_tables

    return handling_tables(office).one("SELECT due_on, state FROM handling WHERE document_id = ?", (row["id"],))


def _find(office, key: str, actor: Actor, action: str = "read") -> tuple[dict, dict]:
    """(ledger row, letters row) of `key` the actor may take `action` on: DeskRefusal not_found / forbidden /
    not_letter."""
    db = tables(office)
    document_id = find_by_letter_number(office, key)
    row = office.ledger.get(document_id) if document_id else office.ledger.find(key)
    if row is None:
        raise DeskRefusal("not_found", f"登记簿中没有“{key}”")
    require(actor, action, row, key)
    letter = db.one("SELECT * FROM letters WHERE document_id = ?", (row["id"],))
    if letter is None:
        raise DeskRefusal("not_letter", f"{row['number']} 是公文，不是来信")
    return row, letter


def letters(office, *, actor: Optional[Actor] = None) -> list[LetterEntry]:
    """Every 来信 the actor may see, in 受理 order, personal fields as access.shows_personal allows."""
    actor = acting(actor)
    require(actor, "read")
    out = []
    for letter in tables(office).query("SELECT * FROM letters ORDER BY year, seq"):
        row = office.ledger.get(letter["document_id"])
        if row is not None and can_see(actor, row):
            out.append(_entry(actor, row, letter, _head(office, row)))
    return out


STAGES = ("已受理", "已交办", "已答复", "已办结", "已转出")  # LetterEntry.stage_zh: the register's 状态 filter


@dataclass(frozen=True)
class LetterFilters:
    """What the letters' register is narrowed to (None: any). Dates YYYY-MM-DD (受理日期, inclusive); stage one
    of STAGES; category one of categories.CATEGORIES; channel as the register writes it (市长信箱, 12345 …)."""
    date_from: Optional[str] = None
    date_to: Optional[str] = None
    category: Optional[str] = None
    channel: Optional[str] = None
    department: Optional[str] = None
    stage: Optional[str] = None

    def __post_init__(self):
        from datetime import date

        from ..filters import chosen

        for name in ("date_from", "date_to", "category", "channel", "department", "stage"):
            object.__setattr__(self, name, chosen(getattr(self, name)))  # empty or 全部: no filter
        for day in (self.date_from, self.date_to):
            if day:
                try:
                    date.fromisoformat(day)
                except ValueError:
                    raise DeskRefusal("bad_input", f"日期“{day}”应写作 YYYY-MM-DD") from None
        if self.stage and self.stage not in STAGES:
            raise DeskRefusal("bad_input", f"“{self.stage}”不是来信状态（可用：{'、'.join(STAGES)}）")
        if self.category and self.category not in CATEGORIES:
            raise DeskRefusal("bad_input", f"“{self.category}”不是来信类别（可用：{'、'.join(CATEGORIES)}）")


@dataclass
class LettersPage:
    """One page of the letters' register: total counts the letters matching the filters that the actor may see
    (all pages together), never one they may not."""
    entries: list
    total: int
    page: int  # 1-based
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def letters_page(office, filters: LetterFilters = LetterFilters(), page: int = 1, size: int = 50, *,
                 actor: Optional[Actor] = None) -> LettersPage:
    """The letters' register a page at a time (受理 order), narrowed by `filters`, as `actor` may see it (access:
    can_see for the rows and the count, shows_personal for the writer's fields). Three statements whatever the
    page holds (the letters, their ledger rows, their handling heads), none per row."""
    from ..handling.store import tables as handling_tables

    actor = acting(actor)
    require(actor, "read")
    page, size = max(1, int(page)), max(1, min(1000, int(size)))
    db = tables(office)
    handling_tables(office)
    where, params = [], []
    for column, value in (("l.category", filters.category), ("l.channel", filters.channel)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if filters.date_from:
        where.append("substr(d.received_at, 1, 10) >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        where.append("substr(d.received_at, 1, 10) <= ?")
        params.append(filters.date_to)
    if filters.department:
        where.append("d.department = ? AND d.status <> 'transferred'")
        params.append(filters.department)
    found = db.query("SELECT l.*, h.due_on AS h_due_on, h.state AS h_state FROM letters l "
                     "JOIN documents d ON d.id = l.document_id LEFT JOIN handling h ON h.document_id = l.document_id"
                     + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.year, l.seq", tuple(params))
    rows = {r["id"]: r for r in db.query("SELECT d.* FROM documents d JOIN letters l ON l.document_id = d.id")}
    entries = []
    for letter in found:
        row = rows.get(letter["document_id"])
        if row is None or not can_see(actor, row):
            continue
        head = {"due_on": letter["h_due_on"], "state": letter["h_state"]} if letter["h_state"] else None
        entry = _entry(actor, row, letter, head)
        if filters.stage and entry.stage_zh != filters.stage:
            continue
        entries.append(entry)
    return LettersPage(entries[(page - 1) * size:page * size], len(entries), page, size)


def letter(office, key: str, *, actor: Optional[Actor] = None) -> LetterEntry:
    """One 来信 with its history: the ledger's (受理, 交办 …) and its handling record's (签收, 答复, 办结, 催办)."""
    actor = acting(actor)
    row, found = _find(office, key, actor)
    entry = _entry(actor, row, found, _head(office, row))
    entry.history = [{"at": h["at"], "status": h["status"], "note": h["note"], "actor": h.get("actor")}
                     for h in office.ledger.history(row["id"])]
    head = tables(office).one("SELECT id FROM handling WHERE document_id = ?", (row["id"],)) if _has_handling(office) else None
    if head:
        from ..handling.model import EVENTS

        for e in tables(office).query("SELECT at, kind, actor, words FROM handling_events WHERE handling_id = ? "
                                      "ORDER BY seq", (head["id"],)):
            entry.history.append({"at": e["at"], "status": EVENTS.get(e["kind"], e["kind"]), "note": e["words"],
                                  "actor": e["actor"]})
    return entry


def _has_handling(office) -> bool:
    from ..handling.store import tables as handling_tables

    handling_tables(office)
    return True


def _words(office, row: dict) -> str:
    """The letter's words as the router learns them: its text with the personal information taken out."""
    from ..review import read_original
    from .fields import read_fields, redact

    text = read_original((office.root / row["archive_path"]).read_bytes(), row["channel"]).text
    return redact(text, read_fields(text))[:600]


def set_category(office, key: str, category: str, *, actor: Optional[Actor] = None) -> LetterEntry:
    """更正来信类别 (the clerk): one of CATEGORIES; the correction is kept with the letter's words (redacted) and
    the next letters like it are proposed that category (categories.propose). DeskRefusal bad_category."""
    actor = acting(actor)
    category = (category or "").strip()
    if category not in CATEGORIES:
        raise DeskRefusal("bad_category", f"“{category}”不是来信类别（可用：{'、'.join(CATEGORIES)}）")
    row, found = _find(office, key, actor, "letter_category")
    db = tables(office)
    correction = {"category": category, "words": _words(office, row), "at": _now(), "actor": actor.history_name}
    with db.transaction():
        db.execute("UPDATE letters SET category = ?, category_source = 'clerk' WHERE document_id = ?",
                   (category, row["id"]))
        db.insert("INSERT INTO letter_corrections(document_id, category, words, at, actor) VALUES (?, ?, ?, ?, ?)",
                  (row["id"], *correction.values()))
    keep_record(office.root, row, category=category, category_source="clerk", correction=correction)
    office.ledger.note(row["id"], f"来信类别由“{found['category']}”更正为“{category}”", **history_kwargs(office.ledger, actor))
    return letter(office, key, actor=actor)


def _now() -> str:
    from ..ledger import now

    return now()


def transfer(office, key: str, to: str, reason: str, *, actor: Optional[Actor] = None) -> LetterEntry:
    """转出 (the clerk): a letter the procedures send elsewhere (党委/部队/法院/检察院 → 有关部门, 信访事项 →
    信访部门, a 来访) leaves the register's 交办 with where and why; it leaves search and its handling record is
    closed with the same words. Refused once answered (DeskRefusal answered) or already 转出."""
    from index import IndexUnavailable

    actor = acting(actor)
    to, reason = (to or "").strip(), (reason or "").strip()
    if not to or not reason:
        raise DeskRefusal("no_reason", "转出须写明转往何处和理由")
    row, found = _find(office, key, actor, "transfer")
    if row["status"] == "transferred":
        raise DeskRefusal("transferred", f"{found['letter_number']} 已转出（{found['transferred_to']}）")
    if found["answer"]:
        raise DeskRefusal("answered", f"{found['letter_number']} 已答复来信人，不能再转出")
    if row["status"] not in ("indexed", "routed"):
        raise DeskRefusal("not_finished", f"{row['number']} 尚在受理，稍后再转出")
    note = f"转出：{to}（{reason}）"
    from ..handling import ops as handling

    try:  # its 承办记录 closes with the same words (nothing left to chase)
        ctx = handling.context(office)
        head = ctx.db.one("SELECT state FROM handling WHERE document_id = ?", (row["id"],))
        if head and head["state"] not in ("done", "archived"):
            handling._append(ctx, row, actor, "done", words=note)
    finally:
        office.ledger.set_status(row["id"], "transferred", note, expect_version=row["version"], reason=note,
                                 **history_kwargs(office.ledger, actor))
        tables(office).execute("UPDATE letters SET transferred_to = ?, transfer_reason = ? WHERE document_id = ?",
                               (to, reason, row["id"]))
        keep_record(office.root, row, transferred_to=to, transfer_reason=reason)
    try:
        office.index.remove(row["id"])
    except IndexUnavailable:
        pass  # reindex follows the ledger: a transferred letter is not indexed again
    return letter(office, key, actor=actor)


def assignment(office, key: str, department: str, reason: Optional[str] = None, *,
               actor: Optional[Actor] = None) -> tuple[dict, str, str]:
    """The checks of a 交办 (again, the clerk) of letter `key` to `department`: (ledger row, department, why) for
    desk.assign_letter, which routes it (desk.route's 改办: its handling record moves, its deadline counted from
    now). Refused where the page offers no 交办: to the 机要室 (a 来信 never goes there: forbidden), once answered
    (answered), 转出 (transferred), closed (done), still being taken in (not_finished)."""
    actor = acting(actor)
    department = (department or "").strip()
    if not department:
        raise DeskRefusal("bad_input", "交办须写明承办部门")
    row, found = _find(office, key, actor, "letter_assign")
    if department == CONFIDENTIAL_OFFICE:
        raise DeskRefusal("forbidden", "群众来信不转机要室")
    if row["status"] == "transferred":
        raise DeskRefusal("transferred", f"{found['letter_number']} 已转出（{found['transferred_to']}），不能再交办")
    if found["answer"]:
        raise DeskRefusal("answered", f"{found['letter_number']} 已答复来信人，不能再交办")
    if row["status"] not in ("indexed", "routed"):
        raise DeskRefusal("not_finished", f"{row['number']} 尚在受理，稍后再交办")
    head = _head(office, row)
    if head and head.get("state") in ("done", "archived"):
        raise DeskRefusal("done", f"{found['letter_number']} 已办结，不能再交办")
    return row, department, f"文秘人员交办来信：{(reason or '').strip() or '按职责交办'}"


def keep_assignment(office, row: dict, department: str, why: str) -> None:
    """The 交办 kept in the letter's record beside its registration (rebuild-ledger gives it back)."""
    keep_record(office.root, row, department=department, route_reason=why, route_source="clerk")


@dataclass
class Replied:
    letter_number: str
    reply_path: Optional[str]  # where the reply to the writer was written (relative to the root), None: no address
    sent_by: str  # "mail" (a reply message for the delivery to send) or "none" (the channel has no way back)
    step: object = None  # the handling record's 答复 (handling.ops.Step)


def reply(office, key: str, text: str, *, actor: Optional[Actor] = None) -> Replied:
    """答复: the answer's text recorded in the letter's handling record (handling.ops.answer: after 签收, once;
    办结 needs it) and in the register, and written back to the writer where the channel allows — a mail
    address: outbox/letters/<信〔2026〕N号>-答复.eml (a message for the delivery to send; its name carries the
    letter's number only, never the writer's name or telephone)."""
    from email.message import EmailMessage
    from email.utils import formatdate

    from ..dataroot import DataRoot, write_bytes_atomically
    from ..handling import ops as handling

    actor = acting(actor)
    row, found = _find(office, key, actor, "reply")
    step = handling.answer(office, row["number"], text, actor=actor)
    address = next((c for c in (found["contact"] or "").split("、") if "@" in c), None)
    where = None
    if address:
        message = EmailMessage()
        message["From"] = office.config.office.name
        message["To"] = address
        message["Date"] = formatdate(localtime=True)
        message["Subject"] = f"答复：{found['subject'] or '您的来信'}（{found['letter_number']}）"
        message.set_content(f"{found['writer'] or '来信人'}：\n\n{text.strip()}\n\n{office.config.office.name}\n")
        folder = DataRoot(office.root).outbox / "letters"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{found['letter_number']}-答复.eml"
        write_bytes_atomically(path, bytes(message))
        where = str(path.relative_to(office.root))
    answered_at = _now()
    tables(office).execute("UPDATE letters SET answer = ?, answered_at = ?, reply_path = ? WHERE document_id = ?",
                           (text.strip(), answered_at, where, row["id"]))
    keep_record(office.root, row, answer=text.strip(), answered_at=answered_at, reply_path=where)
    return Replied(found["letter_number"], where, "mail" if where else "none", step)


@dataclass
class LetterStats:
    total: int
    by_category: dict  # category → count
    by_department: dict  # department → count (转出 under "转出")
    answered: int
    answered_on_time: int  # answered on or before the handling record's deadline
    average_working_days: Optional[float]  # from 交办 to 答复, working days (the office's calendar)


def stats(office, *, actor: Optional[Actor] = None, since: Optional[str] = None,
          until: Optional[str] = None) -> LetterStats:
    """The procedures' statistics of the letters received between since and until (YYYY-MM-DD, inclusive):
    per category, per department, answered on time, average working days from 交办 to 答复. Counts only: no
    personal information (access "letter_stats")."""
    from ..handling import ops as handling
    from ..handling.calendar import parse_day

    actor = acting(actor)
    require(actor, "letter_stats")
    ctx = handling.context(office)
    by_category: dict = {}
    by_department: dict = {}
    answered = on_time = 0
    days: list[int] = []
    total = 0
    for found in tables(office).query("SELECT * FROM letters ORDER BY year, seq"):
        row = office.ledger.get(found["document_id"])
        if row is None or (since and row["received_at"][:10] < since) or (until and row["received_at"][:10] > until):
            continue
        total += 1
        by_category[found["category"] or "未分类"] = by_category.get(found["category"] or "未分类", 0) + 1
        department = "转出" if row["status"] == "transferred" else (row.get("department") or "未交办")
        by_department[department] = by_department.get(department, 0) + 1
        head = ctx.db.one("SELECT id FROM handling WHERE document_id = ?", (row["id"],))
        if not head:
            continue
        events = handling._events(ctx.db, head["id"])
        answer = next((e for e in events if e.kind == "answered"), None)
        if answer is None:
            continue
        answered += 1
        opened = parse_day(events[0].at[:10])
        replied = parse_day(answer.at[:10])
        record = handling._view(ctx, ctx.db.one("SELECT * FROM handling WHERE id = ?", (head["id"],)), row, events, False)
        if record.due and replied.isoformat() <= record.due:
            on_time += 1
        try:
            days.append(ctx.calendar.working_days_between(opened, replied))
        except Exception:  # a year the calendar does not know: left out of the average
            pass
    average = round(sum(days) / len(days), 1) if days else None
    return LetterStats(total, by_category, by_department, answered, on_time, average)
