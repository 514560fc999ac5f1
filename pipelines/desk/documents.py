"""One document at the desk (一件收文): everything its page shows, and its files, as one actor may see them.

    document(office, key, actor=, images=True) -> DocumentView   the ledger entry, version links, history with
                                                                  actors, findings (with the boxes to draw on
                                                                  the page images), the extracted text, the
                                                                  actions the actor may take now
    page_png(office, key, n, actor=)          -> Path    the n-th page image (rendered once, cached)
    original(office, key, actor=)             -> (Path, download name)
    return_notice(office, key, notice_id, actor=) -> (Path, download name)   a 退文通知单 / 撤回通知

`key`: 收文编号 (收〔2026〕12号, 2026-12) or a ledger id. A document the actor may not see is DeskRefusal
"not_found", worded as for a number that does not exist (a URL never tells that a number exists).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..access import can_see, may, sees_confidential, shows_original
from ..actors import Actor, acting, actor_label
from ..ledger import STATUS_ZH
from ..refusals import DeskRefusal
from ..secrecy import releasable
from .common import channel_zh, find, named, named_findings, office_time, secrecy_parts

TEXT_LIMIT = 200_000  # characters of extracted text shown on the page
VERDICT_ZH = {"accept": "通过", "return": "退文"}


@dataclass
class DocumentView:
    row: dict
    received: str  # 收文日期, Beijing time
    channel: str  # Chinese
    status: str  # Chinese
    history: list  # [{"at", "status", "note", "actor"}], oldest first; actor as a person reads it
    findings: list  # the 初审 findings as stored
    pages: int  # page images (0: none; see images_note)
    images_note: str  # why there are none ("" when there are)
    boxes: dict  # page → [page_images.Box]: the findings drawn on that page
    text: str
    text_note: str
    secrecy: Optional[tuple[str, str]] = None  # (密级, 保密期限): the 机要员's view only
    revision_of: Optional[dict] = None  # {"id", "number"} of the earlier version, where the actor may see it
    newer: list = field(default_factory=list)  # [{"id", "number"}] later versions the actor may see
    copies: list = field(default_factory=list)  # later copies of the same 来文 (linked to this one)
    linked_to: Optional[dict] = None  # the registration this one is a copy of
    has_notice: bool = False  # a 退文通知单 issued (the page's 退文送达 section)
    notices: list = field(default_factory=list)  # notice_files(office, row): the notices there are to download
    actions: list = field(default_factory=list)  # [(action, Chinese label)] the actor may take now
    delivery: list = field(default_factory=list)  # 退文送达: return_delivery(office, row) (the page's #return-delivery)
    original_shown: bool = True  # False: a 来信 whose writer's personal information the actor may not see
    mail: Optional[object] = None  # mail_view.MailView: a mail document's 发件人, 主题, 日期, body, attachments

    @property
    def page_count(self) -> Optional[int]:
        """页数 as the page says it: the original's pages as drawn (a docx holds no pages, only paragraphs, and
        the reader counts only its explicit page breaks — a 版记 that flows onto page 2 was "页数 1" beside
        "原件（2 页）"), else the reader's count; None where neither is known."""
        return self.pages or self.row.get("pages") or None

    @property
    def verdict(self) -> str:
        """初审结论 as the page says it. A classified document is never returned (it goes to the 机要室 whatever
        its format): a "return" verdict on it is said as what happened, not as a 退文."""
        from ..secrecy import is_confidential

        if self.row.get("verdict") == "return" and is_confidential(self.row) and self.row.get("status") != "returned":
            return "格式有误（涉密公文，不退文，转机要室办理）"
        return VERDICT_ZH.get(self.row.get("verdict") or "", "—")


def _find(office, key, actor: Actor, action: str = "read") -> dict:
    return find(office, str(key), actor=actor, action=action)


def actions_for(actor: Actor, row: dict) -> list[tuple[str, str]]:
    """What `actor` may do to `row` in its present state (access.may for the role; the state from the row), as
    (desk action, label): 改办, 转机要室, 核定非涉密, 重发退文通知单, 撤回退文."""
    status, out = row["status"], []
    if status == "indexed" and may(actor, "route", row):
        out.append(("route", "改办"))
    if status in ("indexed", "held") and may(actor, "to_confidential", row):
        out.append(("to_confidential", "转机要室"))
    if releasable(row) and may(actor, "release", row):  # the rule desk.release refuses by (secrecy.releasable)
        out.append(("release", "核定非涉密，转入分办"))
    if status == "returned" and row.get("return_state") != "withdrawn" and may(actor, "resend", row):
        out.append(("resend", "重发退文通知单"))
    if status == "returned" and may(actor, "withdraw", row):
        out.append(("withdraw", "撤回退文"))
    return out


def document(office, key, *, actor: Optional[Actor] = None, images: bool = True) -> DocumentView:
    """Everything a document's page shows, for `actor` (not_found where it may not see the document).
    images=False: no page images and no text (the API's entry and findings)."""
    from .. import page_images
    from ..ledger_view import with_marks
    from .mail_view import mail_view

    actor = acting(actor)
    row = _find(office, key, actor)
    ledger = office.ledger
    lines = ledger.history(row["id"])
    labels = actor_labels(office, {h.get("actor") for h in lines if h.get("actor")})
    history = [{"at": office_time(office, h["at"]), "status": STATUS_ZH.get(h["status"], h["status"]),
                "note": h.get("note") or "", "actor": labels.get(h.get("actor"), h.get("actor") or "")} for h in lines]
    try:
        findings = named_findings(json.loads(row["findings"] or "[]"))  # (the rule's name beside its id)
    except (TypeError, ValueError):
        findings = []
    pages, note, boxes, text, text_note = 0, "", {}, "", ""
    if images:
        try:
            pages = page_images.page_count(office.paths, row)
            boxes = page_images.finding_boxes(findings, page_images.page_sizes(office.paths, row))
        except page_images.NoImages as exc:
            note = str(exc)
        text, text_note = _text(office, row)
        if _withheld(actor, row):
            text, pages, boxes, note = _redacted(text), 0, {}, "群众来信的原件含来信人个人信息，不予显示；下为隐去个人信息的文字"
    marks = with_marks(ledger, row)  # later versions and copies, by 收文编号 (one joined statement)
    linked = _visible(office, actor, [row.get("revision_of"), row.get("linked_to")],
                      marks["newer_versions"] + marks["linked_copies"])
    return DocumentView(
        row, office_time(office, row["received_at"]), channel_zh(row["channel"]), STATUS_ZH.get(row["status"], row["status"]),
        history, findings, pages, note, boxes, text, text_note,
        secrecy=secrecy_parts(row.get("secrecy")) if sees_confidential(actor) else None,
        revision_of=linked.get(row.get("revision_of")), linked_to=linked.get(row.get("linked_to")),
        newer=[linked[n] for n in marks["newer_versions"] if n in linked],
        copies=[linked[n] for n in marks["linked_copies"] if n in linked],
        has_notice=bool(row.get("return_path")), notices=notice_files(office, row), actions=actions_for(actor, row),
        delivery=return_delivery(office, row, actor) if row.get("return_path") else [],
        original_shown=not _withheld(actor, row),
        mail=mail_view(office, row) if images and not _withheld(actor, row) else None)


def return_delivery(office, row: dict, actor: Optional[Actor] = None) -> list[dict]:
    """退文送达: how each 退文通知单 of `row` reached (or waits to reach) its sender, newest first, as the document's
    page shows it in its "退文送达" section (template document.html, id="return-delivery"):
    [{"notice": 通知单 name, "state": 待发送/已发送/发送失败/待送达/已送达/已取消, "how": 邮件/公文交换/传真 …,
      "to": the address or 来文单位, "at": office time, "note": the server's answer or the clerk's words,
      "number": the notice's number (退〔2026〕3号, "" for a reply), "actions": what `actor` may do to this
      delivery, [(action, label)] (returns_ops.delivery_actions: 标记为已人工送达, 立即重试发送)}].
    Filled from pipelines/returns/ (delivery.deliveries(office, document_id=…)): one entry per notice's delivery
    (退文通知单, each 重发, the 撤回通知); "at" is when it was sent or delivered, else when its state last changed."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ..returns.delivery import deliveries
    from ..returns.issue import notice
    from .returns_ops import delivery_actions

    actor = acting(actor)
    zone = ZoneInfo(office.config.office.timezone)
    out = []
    for d in deliveries(office, document_id=row["id"]):
        issued = notice(office, d.notice_id) if d.notice_id else None
        at = datetime.fromisoformat(d.sent_at or d.updated_at).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        out.append({"notice": f"{issued.title}{issued.number}" if issued else d.subject, "state": d.state_zh,
                    "how": d.channel_zh, "to": d.recipient or row.get("issuer") or "", "at": at,
                    "note": d.last_answer or d.note or "", "number": issued.number if issued else "",
                    "actions": delivery_actions(actor, row, d.state) if issued else []})
    return out


def _visible(office, actor: Actor, ids: list, numbers: list) -> dict:
    """{id or 收文编号: {"id", "number"}} of the linked registrations `actor` may see (one statement)."""
    ids = [i for i in ids if i]
    if not ids and not numbers:
        return {}
    clauses, params = [], []
    if ids:
        clauses.append(f"id IN ({', '.join('?' * len(ids))})")
        params += ids
    if numbers:
        clauses.append(f"number IN ({', '.join('?' * len(numbers))})")
        params += numbers
    out = {}
    for r in office.ledger.store.query("SELECT id, number, status, department, route_source, secrecy FROM documents"
                                       f" WHERE {' OR '.join(clauses)}", tuple(params)):
        if can_see(actor, r):
            out[r["id"]] = out[r["number"]] = {"id": r["id"], "number": r["number"]}
    return out


def actor_labels(office, names: set) -> dict:
    """How a history shows who acted: an account as 姓名（角色）, the batch as 批处理, the terminal as 命令行操作员 user;
    a name no account has any more, as it was written."""
    from ..accounts import Accounts

    accounts = Accounts.open(office)
    labels = {}
    for name in names:
        if name == "batch" or name.startswith("cli:"):
            labels[name] = actor_label(name)  # 批处理, 命令行操作员 root
        else:
            account = accounts.get(name) if name else None
            labels[name] = account.actor.shown if account else name
    return labels


def _text(office, row: dict) -> tuple[str, str]:
    """The extracted text: the index's stored text where the document is indexed, else read again from the
    original without OCR (e-documents), cached beside the page images; ("", why) where there is none."""
    from .. import page_images

    if row["status"] == "quarantined":
        return "", "本件已隔离，未提取文字"
    if row["status"] == "indexed":
        try:
            stored = office.index.stored_texts([row["id"]]).get(row["id"])
        except Exception:  # the index is down or damaged: read the original instead
            stored = None
        if stored:
            return stored[1][:TEXT_LIMIT], ""
    cache = page_images.text_cache(office.paths, row)
    try:
        return cache.read_text(encoding="utf-8")[:TEXT_LIMIT], ""
    except OSError:
        pass
    if row.get("channel") in ("fax", "scan") or (row.get("format") or "") in page_images.IMAGE_FORMATS:
        return "", "扫描件和传真的文字由批处理识别（OCR），此处不再重复识别；请看页面图像"
    try:
        from extractors import extract

        data, fmt = page_images.document_bytes(office.paths, row)  # a mail's 公文: its main attachment
        document = extract(data, fmt, ocr=False)
        text = "\n".join(line.text for page in document.pages for line in page.lines)
    except Exception as exc:  # an original the readers refuse: said, never a traceback
        return "", f"原件文字无法提取（{getattr(exc, 'reason', type(exc).__name__)}）"
    page_images.write_cached(cache, text.encode("utf-8"))
    return text[:TEXT_LIMIT], ""


def _withheld(actor: Actor, row: dict) -> bool:
    """A 来信 whose writer's personal information `actor` may not see (access.shows_original): its text is shown
    redacted, its original and page images not at all (issue 22 item 5)."""
    return not shows_original(actor, row)  # the one rule (access.py), also behind the register's file names


def _redacted(text: str) -> str:
    from ..letters.fields import read_fields, redact

    return redact(text, read_fields(text))


def _refuse_withheld(actor: Actor, row: dict) -> None:
    if _withheld(actor, row):
        raise DeskRefusal("forbidden", f"{row['number']} 是群众来信，原件含来信人个人信息，{actor.shown}无权查看原件")


def page_png(office, key, number: int, *, actor: Optional[Actor] = None) -> Path:
    """The PNG of page `number` of document `key` (rendered and cached on first use); not_found for a page the
    original does not have; forbidden for a 来信 whose personal information the actor may not see."""
    from .. import page_images

    actor = acting(actor)
    row = _find(office, key, actor)
    _refuse_withheld(actor, row)
    try:
        return page_images.page_image(office.paths, row, int(number))
    except (IndexError, page_images.NoImages):
        raise DeskRefusal("not_found", f"{row['number']} 没有第 {number} 页的图像") from None


def download_name(row: dict, path: Path, kind: str = "") -> str:
    """A file name for a download: 收文编号 and the file's own name, or 收文编号 + kind (退文通知单)."""
    return f"{row['number']}{kind}{path.suffix}" if kind else f"{row['number']}-{row['file']}"


def original(office, key, *, actor: Optional[Actor] = None) -> tuple[Path, str]:
    """The archived original of document `key` and the name to download it under (forbidden: a 来信 whose
    personal information the actor may not see)."""
    actor = acting(actor)
    row = _find(office, key, actor)
    _refuse_withheld(actor, row)
    path = office.root / row["archive_path"]
    return path, download_name(row, path)


def notice_files(office, row: dict) -> list[dict]:
    """The notices of `row` whose file exists, oldest first, as the page offers them for download:
    [{"id": the notice's id, "label": 退文通知单 退〔2026〕1号 (+ "（已撤回）" for one a withdrawal took back),
    "name": its download name}]. A withdrawn return's notices are kept in withdrawn/ (their recorded paths follow
    them: returns.issue.follow_moved), so they stay here beside the 撤回通知; nothing is offered that is gone."""
    from ..returns.issue import WITHDRAWAL, notices

    withdrawn = row.get("return_state") == "withdrawn"
    out = []
    for n in notices(office, row["id"]):
        path = office.root / n.path
        if not path.is_file():
            continue
        taken_back = "（已撤回）" if withdrawn and n.kind != WITHDRAWAL else ""
        out.append({"id": n.id, "label": f"{n.title} {n.number}{taken_back}",
                    "name": f"{row['number']}-{n.title}{n.number}{taken_back}{path.suffix}"})
    return out


def return_notice(office, key, notice_id: Optional[int] = None, *,
                  actor: Optional[Actor] = None) -> tuple[Path, str]:
    """A notice of document `key` (docx) and its download name: notice `notice_id` (one of notice_files), or,
    without it, the latest 退文通知单 (or 重发) there is. not_found where there is none (or `notice_id` is not
    this document's)."""
    from ..returns.issue import WITHDRAWAL, notice, notices

    actor = acting(actor)
    row = _find(office, key, actor)
    files = {n["id"]: n for n in notice_files(office, row)}
    if notice_id is None:
        returns = [n.id for n in notices(office, row["id"]) if n.kind != WITHDRAWAL and n.id in files]
        notice_id = returns[-1] if returns else None
    if notice_id is None or notice_id not in files:
        said = "该通知" if notice_id is not None else "退文通知单"
        raise DeskRefusal("not_found", f"{named(row, actor)}没有可下载的{said}")
    return office.root / notice(office, notice_id).path, files[notice_id]["name"]


def mail_attachment(office, key, number: int, *, actor: Optional[Actor] = None) -> tuple[Path, str]:
    """The archived copy of attachment `number` (1-based) of mail document `key`, and its download name
    (收文编号-附件名). not_found where there is no such attachment or no copy; the original's refusals
    (documents.original: not_found for a document the actor may not see, forbidden for a withheld 来信)."""
    from .mail_view import listed_attachments

    actor = acting(actor)
    row = _find(office, key, actor)
    _refuse_withheld(actor, row)  # the same access as the original itself
    listed = listed_attachments(row)
    if not 1 <= number <= len(listed) or not listed[number - 1].get("archive_path"):
        raise DeskRefusal("not_found", f"{row['number']} 没有第 {number} 个可下载的邮件附件")
    entry = listed[number - 1]
    name = Path(str(entry.get("name") or f"附件{number}").replace("\\", "/")).name or f"附件{number}"
    return office.root / entry["archive_path"], f"{row['number']}-{name}"
