"""送达 (delivery): every notice the office issues reaches its sender by mail, or waits for the clerk — recorded.

    queue_notice(office, notice, actor) -> Delivery    what to do with a notice just issued (idempotent)
    deliver(office, actor=…, document_id=None) -> Delivered   send what is due: the batch's step after the
                                                       documents (送达), and at once on a clerk's 重发 / 撤回
    send_reply(office, row, subject, body, attachments, actor) -> Delivery   a reply of anyone's (the 来信's answers)
    mark_delivered(office, number, how, actor) / retry(office, number, actor) / readdress(office, issuer, actor)
    deliveries(office, states=None) -> [Delivery]      what `shouwen returns` lists

Where it goes (channel): a document that came by mail is answered — a reply to its sender, In-Reply-To its
Message-ID (addresses.reply_to); any other is mailed to its 来文单位's address in the address book; with no
address (or no [smtp] configured) it is 待送达 for the clerk (公文交换 system, fax), who records it delivered.
A 重发 supersedes what of the earlier notice was not yet sent; a 撤回 cancels what was not yet sent and is
itself delivered only where an earlier notice reached (or may have reached) the sender.

States (STATES): pending 待发送 → sending 发送中 → sent 已发送 | failed 发送失败 (retried after a back-off:
[returns] retry_seconds doubling to retry_max_seconds, max_attempts in all; a 5xx refusal is not retried);
manual 待送达 → delivered 已送达 (the clerk's); cancelled 已取消. Every attempt is a line in the document's
history with its actor and the server's answer. A failed send never blocks intake: it is only tried again here.

Nothing is sent twice. Each delivery has ONE Message-ID, generated when it is queued. An attempt is claimed
before the SMTP transaction (compare-and-set: state → sending, claimed_at, attempts + 1, committed) and its
outcome recorded after it; two processes never both claim one. A crash between the server's "250" to DATA and
our record leaves it `sending`: after STALE_SECONDS the next run claims it again, says so in the history, and
sends it once more WITH THE SAME Message-ID. That is the residual window: the milliseconds between the
server's acceptance and our commit; a crash inside it can deliver the message twice, under one Message-ID
(which mail systems and clients recognise as one message), and never silently.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Optional

from ..steps import step
from ..terminal import shown
from .addresses import Reply, Unanswerable, book, reply_to
from .issue import Notice, find_notice, make_pdfs, notice
from .notice import RESEND, WITHDRAWAL
from .smtp import SendFailed, Session
from .store import tables

STATES = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败", "manual": "待送达",
          "delivered": "已送达", "cancelled": "已取消"}
OPEN = ("pending", "sending", "failed", "manual")  # not yet at the sender, as far as we know
CHANNEL_ZH = {"reply": "回复来件", "mail": "邮件（通讯录）", "manual": "人工送达"}
STALE_SECONDS = 900  # a `sending` older than this was interrupted (an attempt takes at most the SMTP timeouts)
NO_ADDRESS = "来文单位无电子邮件地址，请经公文交换系统或传真送达"


@dataclass
class Delivery:
    id: int
    document_id: Optional[int]
    notice_id: Optional[int]
    key: str
    channel: str
    recipient: Optional[str]
    subject: str
    body: str
    attachments: list
    message_id: str
    in_reply_to: Optional[str]
    reference_ids: Optional[str]
    state: str
    note: Optional[str]
    attempts: int
    next_attempt_at: Optional[str]
    claimed_at: Optional[str]
    last_answer: Optional[str]
    sent_at: Optional[str]
    created_at: str
    updated_at: str
    actor: str

    @property
    def state_zh(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def channel_zh(self) -> str:
        return CHANNEL_ZH.get(self.channel, self.channel)

    @classmethod
    def from_row(cls, row: dict) -> "Delivery":
        fields = {k: row.get(k) for k in cls.__dataclass_fields__}
        fields["attachments"] = json.loads(row.get("attachments") or "[]")
        return cls(**fields)


@dataclass
class Attempt:
    delivery: Delivery  # as recorded after the attempt
    sent: bool
    answer: str  # the server's answer (sent) or why not (Chinese)


@dataclass
class Delivered:
    """What one delivery run did (the batch's summary; the CLI after a 重发 / 撤回)."""
    attempts: list[Attempt] = field(default_factory=list)
    pdfs: int = 0  # notices rendered as PDF in this run
    manual: int = 0  # 待送达 now, for the clerk
    unconfigured: bool = False  # no [smtp]: nothing can be sent

    @property
    def sent(self) -> list[Attempt]:
        return [a for a in self.attempts if a.sent]

    @property
    def failed(self) -> list[Attempt]:
        return [a for a in self.attempts if not a.sent]

    def lines(self) -> list[str]:
        """The run in the batch summary's words (empty when there was nothing to deliver)."""
        if not (self.attempts or self.manual):
            return []
        parts = []
        if self.sent:
            parts.append(f"已发送 {len(self.sent)} 份")
        if self.failed:
            again = sum(1 for a in self.failed if a.delivery.next_attempt_at)
            parts.append(f"发送失败 {len(self.failed)} 份" + (f"（{again} 份将自动重试）" if again else ""))
        if self.manual:
            parts.append(f"待送达 {self.manual} 份（请经公文交换系统或传真送达，见 shouwen returns）")
        out = ["退文通知送达：" + "；".join(parts)]
        out += [f"  {shown(a.answer)}" for a in self.failed[:3]]
        return out


# -- time ---------------------------------------------------------------------------------------------------------

def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def backoff(settings, attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failure: retry_seconds, doubled each time, at most retry_max_seconds."""
    return min(settings.retry_seconds * 2 ** max(attempts - 1, 0), settings.retry_max_seconds)


def _wait_zh(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{round(seconds / 60)} 分钟"
    return f"{seconds / 3600:.1f} 小时".replace(".0 ", " ")


# -- reading ------------------------------------------------------------------------------------------------------

def _one(db, sql: str, params: tuple) -> Optional[Delivery]:
    row = db.one(sql, params)
    return Delivery.from_row(row) if row else None


def by_key(office, key: str) -> Optional[Delivery]:
    return _one(tables(office), "SELECT * FROM deliveries WHERE key = ?", (key,))


def for_notice(office, notice_id: int) -> Optional[Delivery]:
    return by_key(office, f"notice:{notice_id}")


def deliveries(office, states: Optional[tuple[str, ...]] = None, document_id: Optional[int] = None) -> list[Delivery]:
    """Deliveries, newest first; `states` filters (STATES keys), `document_id` one document's."""
    sql, params = "SELECT * FROM deliveries WHERE 1 = 1", []
    if states:
        sql += " AND state IN (" + ", ".join("?" * len(states)) + ")"
        params += list(states)
    if document_id is not None:
        sql += " AND document_id = ?"
        params.append(document_id)
    return [Delivery.from_row(r) for r in tables(office).query(sql + " ORDER BY id DESC", tuple(params))]


# -- queueing -----------------------------------------------------------------------------------------------------

def _subject(prefix: str, row: dict) -> str:
    title = " ".join(shown(row.get("title") or row.get("file") or "").split())
    return f"{prefix}：{title}"[:200]


def _domain(office) -> str:
    sender = office.config.settings.smtp.sender
    return sender.split("@", 1)[1] if "@" in sender else "shouwen.invalid"


def _route(office, row: dict) -> tuple[str, Optional[str], Optional[str], Optional[str], Optional[str]]:
    """(channel, recipient, in_reply_to, references, note)."""
    answer = reply_to(office, row)
    if isinstance(answer, Reply):
        return "reply", answer.address, answer.message_id, answer.references, None
    addresses = book(office, row.get("issuer"))
    if addresses:
        return "mail", ", ".join(addresses), None, None, None
    why = answer.reason + "；" + NO_ADDRESS if isinstance(answer, Unanswerable) else NO_ADDRESS
    return "manual", None, None, None, why


def queue_notice(office, issued: Notice, actor: str = "batch") -> Delivery:
    """Queue the delivery of a notice just issued (again: the same one, unchanged). What of the document's
    earlier notices was not yet sent is cancelled (a 重发 replaces it; a 撤回 makes it void)."""
    db = tables(office)
    key = f"notice:{issued.id}"
    existing = by_key(office, key)
    if existing:
        return existing
    row = office.ledger.get(issued.document_id)
    earlier = [d for d in deliveries(office, document_id=issued.document_id) if d.notice_id and d.notice_id != issued.id]
    reached = any(d.state in ("sent", "delivered", "sending") for d in earlier)
    by_hand = any(d.state == "manual" for d in earlier)
    why = "退文已撤回" if issued.kind == WITHDRAWAL else f"已由{issued.number}取代"
    for d in earlier:
        if d.state in ("pending", "failed", "manual"):
            cancel(office, d, why, actor)
    channel, recipient, in_reply_to, references, note = _route(office, row)
    prefix = {WITHDRAWAL: "撤回退文通知", RESEND: f"退文通知（第{issued.round}次重发）"}.get(issued.kind, "退文通知")
    if issued.kind == WITHDRAWAL and not (reached or by_hand):
        state, note = "cancelled", "原退文通知未曾送达来文单位，撤回通知无需送达"
    elif channel == "manual":
        state = "manual"
    elif not office.config.settings.smtp.configured:
        state, note = "manual", f"未配置发信服务器（shouwen.toml [smtp]），请将通知送达 {recipient}（或经公文交换系统、传真）"
    else:
        state = "pending"
    now = _iso(utc_now())
    message_id = make_msgid(idstring=f"shouwen.notice{issued.id}", domain=_domain(office))
    inserted = db.execute(
        "INSERT INTO deliveries (document_id, notice_id, key, channel, recipient, subject, body, attachments,"
        " message_id, in_reply_to, reference_ids, state, note, attempts, next_attempt_at, created_at, updated_at,"
        " actor) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO NOTHING",
        (issued.document_id, issued.id, key, channel, recipient, _subject(prefix, row), issued.text, message_id,
         in_reply_to, references, state, note, now if state == "pending" else None, now, now, actor))
    queued = by_key(office, key)
    if inserted:  # ours, not a racing twin's: said once
        _history(office, queued, _queued_line(issued, queued), actor)
    return queued


def _queued_line(issued: Notice, d: Delivery) -> str:
    if d.state == "pending":
        how = f"回复来件 {d.recipient}" if d.channel == "reply" else f"发往通讯录地址 {d.recipient}"
        return f"{issued.title}{issued.number}待发送：{how}"
    return f"{issued.title}{issued.number}{d.state_zh}：{d.note}"


def cancel(office, d: Delivery, why: str, actor: str) -> bool:
    """An open delivery (not sending) no longer to be made: cancelled with the reason. Compare-and-set."""
    done = tables(office).execute(
        "UPDATE deliveries SET state = 'cancelled', note = ?, next_attempt_at = NULL, updated_at = ?"
        " WHERE id = ? AND state = ?", (why, _iso(utc_now()), d.id, d.state))
    if done:
        _history(office, d, f"{_label(office, d)}取消送达：{why}", actor)
    return bool(done)


def _label(office, d: Delivery) -> str:
    n = notice(office, d.notice_id) if d.notice_id else None
    return f"{n.title}{n.number}" if n else "答复邮件"


def _history(office, d: Delivery, line: str, actor: str) -> None:
    if d.document_id is not None:
        office.ledger.note(d.document_id, line[:500], actor=actor)


# -- sending ------------------------------------------------------------------------------------------------------

def _attachments(office, d: Delivery) -> list[tuple[Path, str]]:
    """(file, name the recipient sees): a notice's docx and PDF, or a reply's files."""
    if d.notice_id:
        n = notice(office, d.notice_id)
        out = []
        for path in (n.path, n.pdf_path):
            if path and (office.root / path).is_file():
                out.append((office.root / path, f"{n.number}-{n.title}{Path(path).suffix}"))
        return out
    return [(Path(a["path"]) if Path(a["path"]).is_absolute() else office.root / a["path"], a["name"])
            for a in d.attachments]


def compose(office, d: Delivery) -> EmailMessage:
    """The message of delivery `d`: From the office, To its recipient, its one Message-ID, In-Reply-To and
    References of a reply, Auto-Submitted (RFC 3834), the text, the attachments."""
    smtp = office.config.settings.smtp
    message = EmailMessage()
    message["From"] = formataddr((smtp.from_name or office.config.office.name, smtp.sender))
    message["To"] = d.recipient
    message["Subject"] = d.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = d.message_id
    if d.in_reply_to:
        message["In-Reply-To"] = d.in_reply_to
        message["References"] = d.reference_ids or d.in_reply_to
    message["Auto-Submitted"] = "auto-replied" if d.channel == "reply" else "auto-generated"
    message.set_content(d.body)
    for path, name in _attachments(office, d):
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        params = {"charset": "utf-8"} if maintype == "text" else {}  # our text files are UTF-8
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=name, params=params)
    return message


def _claim(db, d: Delivery, now: datetime) -> bool:
    """Take delivery `d` for one attempt (before the SMTP transaction): compare-and-set on what was read."""
    return bool(db.execute(
        "UPDATE deliveries SET state = 'sending', claimed_at = ?, attempts = attempts + 1, updated_at = ?"
        " WHERE id = ? AND state = ? AND attempts = ?", (_iso(now), _iso(now), d.id, d.state, d.attempts)))


def _due(db, now: datetime, document_id: Optional[int], keys: Optional[list[str]]) -> list[Delivery]:
    sql = ("SELECT * FROM deliveries WHERE (state = 'pending' OR (state = 'failed' AND next_attempt_at IS NOT NULL"
           " AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_at <= ?))")
    params: list = [_iso(now), _iso(now - timedelta(seconds=STALE_SECONDS))]
    if document_id is not None:
        sql += " AND document_id = ?"
        params.append(document_id)
    if keys:
        sql += " AND key IN (" + ", ".join("?" * len(keys)) + ")"
        params += keys
    return [Delivery.from_row(r) for r in db.query(sql + " ORDER BY id", tuple(params))]


def deliver(office, *, actor: str = "batch", document_id: Optional[int] = None, keys: Optional[list[str]] = None,
            now: Optional[datetime] = None) -> Delivered:
    """Send every delivery that is due (or only `document_id`'s, or those of `keys`): pending ones, failed ones
    whose back-off is over, and interrupted ones (see the module). The notices' PDFs are made first, by one
    LibreOffice run. One SMTP connection for all; a server that cannot be reached fails each due delivery
    once (recorded, retried later). Never raises for a server's fault. A notice 待送达 (by hand) gets no PDF.""" 
    db = tables(office)
    now = now or utc_now()
    result = Delivered(unconfigured=not office.config.settings.smtp.configured)
    # PDFs for what goes by mail (a notice 待送达 by hand is printed or faxed from its docx): one LibreOffice run
    waiting = [d for d in deliveries(office, ("pending", "sending", "failed"), document_id) if d.notice_id]
    pending_notices = [notice(office, i) for i in dict.fromkeys(d.notice_id for d in waiting)]
    result.pdfs = len(make_pdfs(office, [n for n in pending_notices if n and not n.pdf_path]))
    due = [] if result.unconfigured else _due(db, now, document_id, keys)
    session: Optional[Session] = None
    down: Optional[SendFailed] = None  # the server could not be reached: the rest fail with the same answer
    try:
        for d in due:
            if not _claim(db, d, now):
                continue  # another process took it
            if d.state == "sending":
                _history(office, d, f"{_label(office, d)}上次发送在记录结果前中断（可能已送达）：以同一 Message-ID "
                                    f"{d.message_id} 再发一次", actor)
            try:
                if down:
                    raise down
                message = compose(office, d)
                if session is None:
                    session = Session(office.config.settings.smtp).__enter__()
                answer = session.send(message)
            except SendFailed as exc:
                if session is None:
                    down = exc
                elif not exc.permanent:  # the connection may be gone: a new one for the next message
                    session.__exit__(None, None, None)
                    session = None
                result.attempts.append(_failed(office, db, d, exc, now, actor))
            except OSError as exc:  # an attachment that cannot be read
                result.attempts.append(_failed(office, db, d, SendFailed(f"附件无法读取：{exc}"), now, actor))
            else:
                result.attempts.append(_sent(office, db, d, answer, now, actor))
    finally:
        if session is not None:
            session.__exit__(None, None, None)
    result.manual = len(deliveries(office, ("manual",), document_id))
    return result


@step("送达 deliver")  # after the documents: a mail server down delays no document, only its own retries
def deliver_notices(office) -> Delivered:
    """The batch's 送达 step: every delivery that is due (deliver)."""
    return deliver(office, actor="batch")


def _sent(office, db, d: Delivery, answer: str, now: datetime, actor: str) -> Attempt:
    db.execute("UPDATE deliveries SET state = 'sent', sent_at = ?, last_answer = ?, next_attempt_at = NULL,"
               " updated_at = ? WHERE id = ?", (_iso(utc_now()), answer, _iso(utc_now()), d.id))
    after = _one(db, "SELECT * FROM deliveries WHERE id = ?", (d.id,))
    _history(office, after, f"{_label(office, after)}已发送至 {after.recipient}（第 {after.attempts} 次；服务器答复：{answer}）",
             actor)
    return Attempt(after, True, answer)


def _failed(office, db, d: Delivery, exc: SendFailed, now: datetime, actor: str) -> Attempt:
    settings = office.config.settings.returns
    attempts = d.attempts + 1
    if exc.permanent:
        following, tail = None, "，不再自动重试（请核对地址后 shouwen returns --retry）"
    elif attempts >= settings.max_attempts:
        following, tail = None, f"，已试 {attempts} 次，停止自动重试（shouwen returns --retry）"
    else:
        wait = backoff(settings, attempts)
        following, tail = _iso(now + timedelta(seconds=wait)), f"，约 {_wait_zh(wait)}后由下一批重试"
    db.execute("UPDATE deliveries SET state = 'failed', last_answer = ?, next_attempt_at = ?, updated_at = ?"
               " WHERE id = ?", (exc.answer, following, _iso(utc_now()), d.id))
    after = _one(db, "SELECT * FROM deliveries WHERE id = ?", (d.id,))
    _history(office, after, f"{_label(office, after)}发送失败（第 {after.attempts} 次）：{exc.answer}{tail}", actor)
    return Attempt(after, False, exc.answer)


# -- the clerk's acts ---------------------------------------------------------------------------------------------

class NotFound(LookupError):
    """No notice of that number (Chinese)."""


def _of_number(office, number: str) -> tuple[Notice, Delivery]:
    issued = find_notice(office, number)
    d = for_notice(office, issued.id) if issued else None
    if issued is None or d is None:
        raise NotFound(f"没有编号为“{number}”的退文通知")
    return issued, d


def mark_delivered(office, number: str, how: str, actor: str) -> Delivery:
    """The clerk delivered notice `number` by hand (公文交换, fax, post…): 已送达. ValueError where it was sent by
    mail already or cancelled."""
    issued, d = _of_number(office, number)
    if d.state not in ("manual", "failed", "pending"):
        raise ValueError(f"{issued.number}当前为{d.state_zh}，无需登记送达")
    how = " ".join((how or "").split()) or "人工送达"
    done = tables(office).execute(
        "UPDATE deliveries SET state = 'delivered', sent_at = ?, note = ?, next_attempt_at = NULL, updated_at = ?"
        " WHERE id = ? AND state = ?", (_iso(utc_now()), f"已经{how}送达", _iso(utc_now()), d.id, d.state))
    if not done:
        raise ValueError(f"{issued.number}刚被他人办理，请重新查看")
    _history(office, d, f"{issued.title}{issued.number}已送达（{how}）", actor)
    return for_notice(office, issued.id)


def retry(office, number: str, actor: str) -> Delivered:
    """Try notice `number` again now (a failed one, its retries stopped or not): ValueError where it is not failed."""
    issued, d = _of_number(office, number)
    if d.state != "failed":
        raise ValueError(f"{issued.number}当前为{d.state_zh}，不是发送失败")
    tables(office).execute("UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'failed'",
                           (_iso(utc_now()), _iso(utc_now()), d.id))
    return deliver(office, actor=actor, keys=[d.key])


def readdress(office, issuer: str, actor: str) -> list[Delivery]:
    """After the clerk added an address for `issuer`: its notices 待送达 for want of one go by mail now (pending;
    sent by the next delivery run). Returns those changed."""
    db = tables(office)
    addresses = book(office, issuer)
    if not addresses or not office.config.settings.smtp.configured:
        return []
    changed = []
    rows = db.query("SELECT d.* FROM deliveries d JOIN documents r ON r.id = d.document_id WHERE d.state = 'manual'"
                    " AND d.channel = 'manual' AND r.issuer = ?", (issuer.strip(),))
    for row in rows:
        d = Delivery.from_row(row)
        now = _iso(utc_now())
        if db.execute("UPDATE deliveries SET channel = 'mail', recipient = ?, state = 'pending', note = NULL,"
                      " next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'manual'",
                      (", ".join(addresses), now, now, d.id)):
            _history(office, d, f"{_label(office, d)}改为发往通讯录地址 {', '.join(addresses)}", actor)
            changed.append(by_key(office, d.key))
    return changed


# -- replies of other parts (the 来信's answers) --------------------------------------------------------------------

def send_reply(office, row: dict, subject: str, body: str, attachments: list, actor: str, *,
               to: Optional[str] = None, key: Optional[str] = None) -> Delivery:
    """Answer the sender of `row` by mail, recorded and retried as the notices are, and try it now.

    row: a ledger row (documents; its `id` names the history the attempts are written to — a row without one
    has no history here) that came by mail (answered as a reply: In-Reply-To its Message-ID) or whose issuer is
    in the address book; `to` overrides the address. subject, body: the mail's (Chinese, plain text);
    attachments: files (Path) to attach under their own names. actor: the history name (seam S2). key: makes
    the call idempotent (default: the document with a digest of subject, body and attachment names) — the same
    reply asked for twice is sent once. Returns the Delivery as it stands after this attempt: state sent
    已发送, failed 发送失败 (retried by later batches), manual 待送达 (no address, or no [smtp]: for the clerk)."""
    files = [Path(a) for a in attachments]
    digest = hashlib.sha256("\0".join([subject, body] + [p.name for p in files]).encode()).hexdigest()[:20]
    document_id = row.get("id")
    key = key or f"reply:{document_id}:{digest}"
    existing = by_key(office, key)
    if existing is None:
        if to:
            channel, recipient, in_reply_to, references, note = "mail", to.strip(), None, None, None
        else:
            channel, recipient, in_reply_to, references, note = _route(office, row)
        state = "pending" if channel != "manual" and office.config.settings.smtp.configured else "manual"
        if state == "manual" and channel != "manual":
            note = f"未配置发信服务器（shouwen.toml [smtp]），请将答复送达 {recipient}"
        listed = [{"path": str(p.relative_to(office.root)) if p.is_relative_to(office.root) else str(p.resolve()),
                   "name": p.name} for p in files]
        now = _iso(utc_now())
        inserted = tables(office).execute(
            "INSERT INTO deliveries (document_id, notice_id, key, channel, recipient, subject, body, attachments,"
            " message_id, in_reply_to, reference_ids, state, note, attempts, next_attempt_at, created_at, updated_at,"
            " actor) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (document_id, key, channel, recipient, " ".join(subject.split())[:200], body,
             json.dumps(listed, ensure_ascii=False), make_msgid(idstring="shouwen.reply", domain=_domain(office)),
             in_reply_to, references, state, note, now if state == "pending" else None, now, now, actor))
        queued = by_key(office, key)
        if inserted:
            how = f"发往 {recipient}" if state == "pending" else f"待送达：{note}"
            _history(office, queued, f"答复邮件“{queued.subject}”{how}", actor)
    deliver(office, actor=actor, keys=[key])
    return by_key(office, key)
