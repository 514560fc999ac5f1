"""受理 of a 来信 in the batch (issue 22): its own number, its register row, then 交办 (routed, with the handling
record's deadline in working days) and search (redacted), or 转出 — never 初审 against GB/T 9704, never 退文.

    letter_channel(office, row, read) -> str | None        the declared letter channel it came by (市长信箱, 12345 …)
    take_letter(office, row, read, telling, channel, actor=) -> disposition.Outcome
    hold_kind(office, row, telling, version, actor=)        来信还是公文 unsure: 待复核 for the clerk
    letter_number(office, document_id) -> str | None        信〔2026〕N号 of a document, if it is a letter

Every step is compare-and-set on the ledger row as read (LedgerConflict), and can be done again: a letter already
in the register keeps its number.
"""
from __future__ import annotations

import re
from typing import Optional

from .. import events
from ..actors import BATCH, Actor, history_kwargs
from ..disposition import Outcome
from .categories import out_of_scope, propose
from .fields import read_fields, redact
from .files import name_received
from .records import SUFFIX, keep_handling, keep_record, read_record, record_path  # noqa: F401  (re-exported)
from .store import tables
from .tell import KIND_ZH, Telling

LETTER_NUMBER = re.compile(r"\s*(\S{1,4}?)\s*[〔\[【［(（](\d{4})[〕\]】］)）]\s*(\d+)\s*号?\s*")


def letter_channel(office, row: dict, read) -> Optional[str]:
    """The letter channel `row` came by: an inbox folder declared in [letters] folders, or a mail to one of
    [letters] mailboxes (named mailbox_name); None for the office's ordinary channels."""
    settings = office.config.settings.letters
    if row["channel"] in settings.folders:
        return row["channel"]
    mail = getattr(read, "mail", None)
    if mail is not None and settings.mailboxes:
        to = [a.address.lower() for a in list(getattr(mail, "to", []) or []) + list(getattr(mail, "cc", []) or [])]
        if any(address in settings.mailboxes for address in to):
            return settings.mailbox_name
    return None


def restore_handling(office, row: dict, kept: dict) -> bool:
    """A letter taken in again after a rebuilt ledger: its handling record as kept (keep_handling) replaces the
    one just opened — only where that one is fresh (its opening alone), never over steps taken since. Returns
    whether it was restored."""
    from ..handling import ops as handling
    from ..handling.model import Event

    events = [Event(int(e["seq"]), e["kind"], e["at"], e["actor"], e.get("on_behalf_of"), e.get("department"),
                    e.get("words"), e.get("data") or {}) for e in kept.get("handling") or () if isinstance(e, dict)]
    if not events:
        return False
    ctx = handling.context(office)
    head = ctx.db.one("SELECT * FROM handling WHERE document_id = ?", (row["id"],))
    if head is None or head["last_seq"] != 1:
        return False
    current = office.ledger.get(row["id"])
    with ctx.db.transaction():
        ctx.db.execute("DELETE FROM handling_events WHERE handling_id = ?", (head["id"],))
        for event in events:
            handling._insert_event(ctx, head["id"], event)
        ctx.db.execute("UPDATE handling SET opened_at = ?, last_seq = 0 WHERE id = ?", (events[0].at, head["id"]))
        handling._cache(ctx, head["id"], current, events, 0)
    return True


def _draw_number(office, db, document_id: int, year: int, kept: dict) -> tuple[str, int]:
    """The letter's own number (prefix〔year〕seq号), drawn once: a rerun finds the one it has, a rebuilt ledger
    the one kept beside the registration (`kept`)."""
    mine = db.one("SELECT letter_number, seq FROM letters WHERE document_id = ?", (document_id,))
    if mine:
        return mine["letter_number"], mine["seq"]
    last = db.one("SELECT last FROM letter_sequences WHERE year = ?", (year,))
    seq = (last["last"] if last else 0) + 1
    if kept.get("seq") and kept.get("letter_number"):
        seq = int(kept["seq"])
        if last and last["last"] >= seq:
            return kept["letter_number"], seq
    if last:
        db.execute("UPDATE letter_sequences SET last = ? WHERE year = ?", (seq, year))
    else:
        db.execute("INSERT INTO letter_sequences(year, last) VALUES (?, ?)", (year, seq))
    return f"{office.config.settings.letters.number_prefix}〔{year}〕{seq}号", seq


def letter_number(office, document_id: int) -> Optional[str]:
    found = tables(office).one("SELECT letter_number FROM letters WHERE document_id = ?", (document_id,))
    return found["letter_number"] if found else None


def find_by_letter_number(office, key: str) -> Optional[int]:
    """The document id of 信〔2026〕3号 (as typed, any bracket), or None."""
    m = LETTER_NUMBER.fullmatch(key or "")
    if not m or m[1] == "收":
        return None
    found = tables(office).one("SELECT document_id FROM letters WHERE year = ? AND seq = ?", (int(m[2]), int(m[3])))
    return found["document_id"] if found else None


def take_letter(office, row: dict, read, telling: Telling, channel: Optional[str], *,
                actor: Actor = BATCH) -> Outcome:
    """受理 a 来信: the register row (its number, writer, contact, address, channel, subject, proposed category),
    the ledger row kind 'letter' (title: the subject, doc_type 来信; no issuer, no verdict, no findings), then
    转出 where the procedures send the matter elsewhere, else 交办 (routed: the ROUTED event opens its handling
    record, deadline [handling] letter_working_days) and the search index with the writer's personal
    information taken out."""
    from index import IndexUnavailable

    from ..routing import Route, route

    ledger, db = office.ledger, tables(office)
    text = read.text
    mail = read.mail
    sender = getattr(mail, "sender", None) if mail is not None else None
    fields = read_fields(text, sender.address if sender and sender.address else None,
                         sender.name if sender and sender.name else None,
                         getattr(mail, "subject", None) if mail is not None else None)
    subject = redact(fields.subject or "", fields) or "（来信）"
    corrections = [(c["category"], c["words"]) for c in db.query("SELECT category, words FROM letter_corrections")]
    kept = read_record(office.root, row)
    category, source = ((kept["category"], "clerk") if kept.get("category_source") == "clerk"
                        else propose(text, corrections))
    where = channel or {"mail": "邮件", "edoc": "电子来件", "fax": "传真", "scan": "扫描件"}.get(row["channel"], row["channel"])
    with db.transaction():
        number, seq = _draw_number(office, db, row["id"], row["year"], kept)
        if not db.one("SELECT document_id FROM letters WHERE document_id = ?", (row["id"],)):
            db.execute("INSERT INTO letters(document_id, letter_number, year, seq, writer, contact, address, channel, "
                      "subject, category, category_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (row["id"], number, row["year"], seq, fields.writer, fields.contact, fields.address, where,
                       subject, category, source))
        db.execute("UPDATE documents SET kind = 'letter' WHERE id = ?", (row["id"],))
    keep_record(office.root, row, letter_number=number, year=row["year"], seq=seq, category=category,
                category_source=source)
    name_received(office, row, number)  # received/ names it by its number: no telephone in a file name
    note = (f"受理来信 {number}（{where}；{telling.line()}）；类别：{category}"
            f"（{ {'keywords': '按关键词建议', 'learned': '按文秘以往更正建议', 'default': '默认建议', 'clerk': '文秘已更正'}.get(source, source) }）；来信不按公文格式审核，不退文")
    version = ledger.set_status(row["id"], "reviewed", note[:600], expect_version=row["version"], title=subject,
                                doc_type="来信", issuer=None, verdict=None, findings="[]",
                                **history_kwargs(ledger, actor))
    elsewhere = (kept["transferred_to"], kept.get("transfer_reason") or "") if kept.get("transferred_to") \
        else out_of_scope(text)
    if elsewhere:
        to, why = elsewhere
        db.execute("UPDATE letters SET transferred_to = ?, transfer_reason = ? WHERE document_id = ?", (to, why, row["id"]))
        ledger.set_status(row["id"], "transferred", f"转出：{to}（{why}）", expect_version=version,
                          reason=f"转出：{to}（{why}）", department=None, **history_kwargs(ledger, actor))
        return Outcome(row["number"], row["file"], "transferred", None, None, f"{number} 转出：{to}（{why}）",
                       letter=number)
    body = redact(text, fields)
    restore_answer(office, db, row, kept)
    routed = route({"title": subject, "doc_type": "来信"}, body, row["channel"], office.rules,
                   model=office.router, departments=office.departments)
    handled = [e for e in kept.get("handling") or () if isinstance(e, dict) and e.get("department")]
    department = handled[-1]["department"] if handled else kept.get("department")
    if department:  # 交办'd before a rebuilt ledger (by the batch, or again by the clerk): where it was
        routed = Route(department, kept.get("route_reason") or "按来信登记旁的记录恢复交办",
                       kept.get("route_source") or "rule")
    keep_record(office.root, row, department=routed.department, route_reason=routed.reason,
                route_source=routed.source)
    version = ledger.set_status(row["id"], "routed", f"交办：{routed.reason}", expect_version=version,
                                department=routed.department, route_reason=routed.reason, route_source=routed.source,
                                route_confidence=routed.confidence, **history_kwargs(ledger, actor))
    if events.wants(events.ROUTED):
        events.emit(events.ROUTED, office, ledger.get(row["id"]), department=routed.department,
                    actor=actor.history_name, reason=routed.reason, source=routed.source)
        if kept.get("handling"):
            restore_handling(office, row, kept)
    try:
        office.index.add(row["id"], title=subject, body=body, secrecy=None, number=row["number"], issuer=None,
                         doc_type="来信", department=routed.department, channel=row["channel"], verdict="letter",
                         status="indexed", date=None, received_at=row["received_at"])
    except IndexUnavailable as exc:
        ledger.set_status(row["id"], "routed", f"检索服务不可用，下批补入检索：{exc}"[:300], expect_version=version,
                          **history_kwargs(ledger, actor))
        return Outcome(row["number"], row["file"], "routed", None, routed.department, routed.reason, letter=number,
                       unindexed=str(exc))
    ledger.set_status(row["id"], "indexed", "已入检索（来信人个人信息已隐去）", expect_version=version,
                      **history_kwargs(ledger, actor))
    return Outcome(row["number"], row["file"], "indexed", None, routed.department, f"{number}：{routed.reason}",
                   letter=number)


def restore_answer(office, db, row: dict, kept: dict) -> None:
    """What a rebuilt ledger lost of the letter's own register: its answer (text, when, the reply file) and the
    clerk's category correction (learned from again), from its record (kept)."""
    if kept.get("answer"):
        db.execute("UPDATE letters SET answer = ?, answered_at = ?, reply_path = ? WHERE document_id = ? "
                   "AND answer IS NULL", (kept["answer"], kept.get("answered_at"), kept.get("reply_path"), row["id"]))
    correction = kept.get("correction")
    if isinstance(correction, dict) and not db.one("SELECT id FROM letter_corrections WHERE document_id = ?",
                                                   (row["id"],)):
        db.insert("INSERT INTO letter_corrections(document_id, category, words, at, actor) VALUES (?, ?, ?, ?, ?)",
                  (row["id"], correction["category"], correction["words"], correction["at"], correction["actor"]))


def hold_kind(office, row: dict, telling: Telling, version: int, *, actor: Actor = BATCH) -> Outcome:
    """来信还是公文 cannot be told: 待复核 for the clerk, who chooses (`shouwen review DOC --letter|--document`);
    nothing is checked against GB/T 9704 and nothing is returned meanwhile."""
    from ..review_records import KIND_HELD, record_review

    reason = f"待复核：{KIND_ZH[telling.kind]}（{'；'.join(telling.reasons)}）"[:600]
    office.ledger.set_status(row["id"], "review_held", reason, expect_version=version, reason=reason,
                             **history_kwargs(office.ledger, actor))
    record_review(office.root, row, KIND_HELD, reason, actor.history_name)
    if events.wants(events.REVIEW_HELD):
        events.emit(events.REVIEW_HELD, office, office.ledger.get(row["id"]), actor=actor.history_name, reason=reason)
    return Outcome(row["number"], row["file"], "review_held", None, reason=reason, kind_unsure=True)

