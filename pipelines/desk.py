"""The clerk's desk (文秘人员的操作): the office's operations as plain functions that return data and print nothing.

The CLI (pipelines/cli.py) parses arguments, calls these, writes the Chinese lines and maps errors to exit codes;
a web page can call the same functions. Every function takes an Office (pipelines/office.py), so it works on
whatever ledger and index the configuration names.

    ledger_entries(office)                    -> [LedgerEntry]   the 登记簿, with the marks of ledger_view.py
    ledger_page(office, query)                -> LedgerPage      one page of it (filters, order, keyset)
    search(office, query, …filters)           -> Found           hits, their ledger rows and version marks
    find(office, key)                         -> dict            a ledger row by 收文编号 (收〔2026〕12号, 2026-12)
    route(office, key, department, reason)    -> Routed          改办, also to the 机要室
    resend(office, key)                       -> Resent          重发 a 退文通知单
    withdraw(office, key, reason)             -> Withdrawn       撤回 a return: the document is routed and indexed
    learn(office)                             -> dict            retrain the routing model now (its facts)
    reindex(office, say)                      -> int             rebuild the search index from ledger and archive
    rebuild_ledger(root, config, force)       -> Rebuilt         rebuild a lost SQLite ledger from the archive

A refusal the clerk must read (a document not in the ledger, a 改办 the rules forbid, a return already
withdrawn…) is DeskRefusal, whose str() is the Chinese line; a state changed by someone else meanwhile is the
ledger's LedgerConflict; the index's IndexUnavailable / QueryError and the ledger's LedgerDamaged pass through.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .decisions import CLASSIFIED, RELEASED, record_decision
from .ledger import STATUS_ZH
from .ledger import query as ledger_query
from .office import Office, ledger_file
from .terminal import shown

CONFIDENTIAL = "机要室"
RETURN_STATES = {"resent": "（已重发）", "withdrawn": "（退文已撤回）"}
LEDGER_FIELDS = ("number", "received_at", "channel", "file", "sha256", "issuer", "doc_number", "doc_type", "title",
                 "verdict", "department", "status")
LEDGER_JSON_EXTRA = ("route_reason", "route_source", "route_confidence", "return_state", "return_path", "reason",
                     "pages", "file_raw")


class DeskRefusal(ValueError):
    """What the clerk asked cannot be done; str() says why, in Chinese (the CLI exits with 2)."""


def titled(row: dict) -> str:
    """收〔2026〕3号《title》, the way the clerk's messages name a document (title, else the file name)."""
    return f"{row['number']}《{shown(row['title'] or row['file'])}》"


def named(row: dict) -> str:
    """How a message names a document for everyone: the 收文编号 only where the shared 登记簿 withholds the title
    (is_confidential: classified, or held for the 机要员), else titled(row)."""
    return row["number"] if is_confidential(row) else titled(row)


# -- 登记簿 -------------------------------------------------------------------------------------------------

CONFIDENTIAL_TITLE = "（涉密公文，标题不予显示，由机要室登记办理）"
HELD_TITLE = "（密级待机要员核定，标题暂不显示）"
# what a classified or held row does not show in the shared 登记簿: its title and the names that may repeat it
CONFIDENTIAL_FIELDS = ("title", "file", "file_raw", "mail_subject", "mail_attachments", "return_path")


def is_confidential(row: dict) -> bool:
    """A classified document (sent to the 机要室 as such) or one held for the 机要员 (密级 unread); written once,
    beside its SQL form, in pipelines/ledger/query.py."""
    return ledger_query.is_confidential(row)


@dataclass
class LedgerEntry:
    row: dict  # the ledger row, as stored
    status: str  # the status in Chinese (已入检索, 已退文 …)
    return_state: str  # （已重发） / （退文已撤回） / ""
    marks: str  # ledger_view.ledger_marks: "  同 收〔2026〕3号", "  邮件 发件人 …", …
    extras: dict = field(default_factory=dict)  # ledger_view.ledger_extras: mail_*, linked_to, revision_of, seals …
    masked: bool = False  # a classified or held row shown to everyone: title and file names withheld

    @property
    def title(self) -> str:
        """What the 登记簿 shows as the title: the title, else the file name; a stand-in for a masked row."""
        if self.masked:
            return HELD_TITLE if self.row["status"] == "held" else CONFIDENTIAL_TITLE
        return shown(self.row["title"] or self.row["file"])

    def record(self) -> dict:
        """One JSON object of `shouwen ledger --json` (the file name as shown safely; a masked row's title and
        file names null, with "confidential": true)."""
        row = self.row
        out = {**{k: row[k] for k in LEDGER_FIELDS + LEDGER_JSON_EXTRA}, **self.extras, "file": shown(row["file"])}
        if self.masked:
            out.update({k: None for k in CONFIDENTIAL_FIELDS if k in out}, confidential=True)
        return out


def ledger_entries(office: Office, year: Optional[int] = None, confidential: bool = False) -> list[LedgerEntry]:
    """Every registration in 收文编号 order (of one year, when given), with what `shouwen ledger` shows of it,
    read a page of ledger_query.MAX_LIMIT at a time (two statements a page). The titles of classified and held
    documents are withheld (need to know: they are the 机要室's), unless confidential=True (`--confidential`,
    the 机要员's view). Their 收文编号, dates and status stay, so that the numbering has no holes and the 机要员
    can name them."""
    entries: list[LedgerEntry] = []
    query: Optional[ledger_query.LedgerQuery] = ledger_query.LedgerQuery(year=year, limit=ledger_query.MAX_LIMIT)
    while query is not None:
        page = ledger_page(office, query, confidential)
        entries += page.entries
        query = page.next
    return entries


@dataclass
class LedgerPage:
    entries: list[LedgerEntry]
    total: int  # rows matching the query, all pages together
    offset: int
    next: Optional["ledger_query.LedgerQuery"]  # the next page's query (keyset), None after the last


def ledger_page(office: Office, query: "ledger_query.LedgerQuery", confidential: bool = False) -> LedgerPage:
    """One page of the 登记簿 (query: filters, order, limit, offset or keyset), masked as ledger_entries says;
    two ledger statements whatever the ledger holds (ledger.page joins the marks). ValueError (Chinese) for a
    bad filter."""
    from .ledger_view import ledger_extras, ledger_marks

    ledger = office.ledger
    page = ledger.page(query)
    entries = []
    for row in page.rows:
        masked = is_confidential(row) and not confidential
        entries.append(LedgerEntry(row, STATUS_ZH[row["status"]], RETURN_STATES.get(row["return_state"] or "", ""),
                                   "" if masked else ledger_marks(ledger, row), ledger_extras(ledger, row), masked))
    return LedgerPage(entries, page.total, query.offset, page.next())


# -- 检索 -----------------------------------------------------------------------------------------------------

@dataclass
class Found:
    results: object  # index.Results: hits (id, number, title, score, snippet, fields), total, facets, notices
    rows: dict  # ledger id → ledger row, for every hit
    versions: dict  # ledger id → "（第2版，前版 收〔2026〕4号）" or ""

    @property
    def hits(self) -> list:
        return self.results.hits

    def record(self, hit) -> dict:
        """One JSON object of `shouwen search --json`: the ledger's fields, the hit's fields, score and snippet."""
        row = self.rows.get(hit.id) or {}
        return ({k: row.get(k) for k in LEDGER_FIELDS} | hit.fields
                | {"id": hit.id, "number": hit.number, "title": hit.title, "score": hit.score, "snippet": hit.snippet}
                | {"file": shown(row.get("file"))})


def search(office: Office, query: str, *, limit: int = 20, date_from: Optional[str] = None,
           date_to: Optional[str] = None, **filters: Optional[str]) -> Found:
    """Full-text search: every word required; filters issuer, doc_type, department, channel, verdict, status
    (exact values; None: any); dates YYYY-MM-DD (成文日期). At most `limit` hits (at least 1).
    Raises QueryError (nothing searchable), IndexUnavailable, ValueError (a date not YYYY-MM-DD)."""
    from .ledger_view import version_mark

    results = office.index.results(query, limit=max(1, limit), date_from=date_from, date_to=date_to, **filters)
    ledger = office.ledger
    if not results.hits:
        _refuse_an_empty_index(office)
    rows = {hit.id: ledger.get(hit.id) for hit in results.hits}
    return Found(results, {k: v for k, v in rows.items() if v}, {hit.id: version_mark(ledger, hit.id) for hit in results.hits})


def _refuse_an_empty_index(office: Office) -> None:
    """IndexUnavailable (Chinese, naming shouwen reindex) when the index holds nothing while the ledger shows
    documents indexed: a lost or emptied index must not answer 共 0 条 (the clerk would conclude nothing came)."""
    from index import IndexUnavailable

    from .search_sync import indexed_rows

    if office.index.count() > 0:
        return
    expected = len(indexed_rows(office.ledger))
    if expected:
        raise IndexUnavailable(f"检索库不存在或是空的，而登记簿中有 {expected} 件已入检索的收文；"
                               f"请运行 shouwen reindex --root {office.root} 重建检索库（下一批也会自动补入）")


# -- one document -------------------------------------------------------------------------------------------

def find(office: Office, key: str) -> dict:
    """The ledger row of 收文编号 `key` (收〔2026〕12号, 2026-12, or a ledger id); DeskRefusal when there is none."""
    row = office.ledger.find(key)
    if row is None:
        raise DeskRefusal(f"登记簿中没有“{shown(key)}”")
    return row


@dataclass
class Routed:
    row: dict  # the row as the clerk saw it (before the change)
    department: str
    kind: str  # "moved" (改办), "confidential" (an indexed document to the 机要室, out of search), "held" (held → 机要室)
    warning: Optional[str] = None  # a department never used before (a typo?); the index could not follow


def route(office: Office, key: str, department: str, reason: Optional[str] = None) -> Routed:
    """改办: send document `key` to `department` (the router learns from it). A held document (密级 unread)
    can only go to the 机要室; an indexed one found classified goes to the 机要室 and leaves search first;
    a returned, quarantined or classified one, or one the batch has not finished, is refused. With
    [office] departments configured, only those (and 办公室, 机要室) are accepted. Compare-and-set on the row
    the clerk's command read: LedgerConflict when someone changed it meanwhile."""
    from index import IndexUnavailable

    from .routing import allowed

    row = find(office, key)
    department = (department or "").strip()
    number = row["number"]
    if any(unicodedata.category(c)[0] == "C" for c in department):  # ESC, CR, zero-width, bidi: not a name
        raise DeskRefusal(f"承办部门名称“{shown(department)}”含有控制字符或不可见字符，不予改办；请重新输入部门名称")
    if row["status"] in ("returned", "quarantined"):
        raise DeskRefusal(f"{number} 已{'退文' if row['status'] == 'returned' else '隔离'}，没有分办")
    if row["route_source"] == "classified":
        raise DeskRefusal(f"{number} 是涉密公文，须由机要室办理，不能改办")
    if row["status"] == "held":
        if department != CONFIDENTIAL:
            raise DeskRefusal(f"{number} 的密级待机要员核定：涉密的转机要室（shouwen route {number} 机要室），"
                              f"核定为非涉密的转入分办（shouwen release {number}）")
        # the 机要员 has read the mark: classified, to the 机要室
        to_confidential_office(office, row, reason or "机要员核定为涉密公文，转机要室办理（不入共享检索）")
        return Routed(row, CONFIDENTIAL, "held")
    if row["status"] != "indexed":  # the batch has not finished it: it would route it over the clerk's choice
        raise DeskRefusal(f"{number} 本件正在初审，稍后再改办（批处理完成后可改办）")
    if not department:
        raise DeskRefusal("请写明改送的承办部门，例如：shouwen route 收〔2026〕4号 综合科")
    if not allowed(department, office.departments):
        raise DeskRefusal(f"“{shown(department)}”不是本机关配置的承办部门（shouwen.toml [office] departments）："
                          f"{'、'.join(office.departments)}")
    if department == CONFIDENTIAL:  # the clerk finds it classified after all: out of the shared index, then the ledger
        try:
            office.index.remove(row["id"])
        except IndexUnavailable as exc:
            raise DeskRefusal(f"检索服务不可用（{exc}），未能撤出检索，本次未改办；请稍后再试") from exc
        to_confidential_office(office, row, reason or "文秘人员认定为涉密公文，改送机要室，已撤出共享检索")
        return Routed(row, CONFIDENTIAL, "confidential")
    new = not office.departments and department not in known_departments(office)
    reason = reason or f"文秘人员改办：由{row['department'] or '未分办'}改送{department}"
    office.ledger.set_status(row["id"], "indexed", reason, expect_version=row["version"], expect_status=("indexed",),
                             department=department, route_reason=reason, route_source="clerk", route_confidence=None)
    warnings = [f"注意：“{shown(department)}”此前没有收文分办过，分办规则中也没有；如是笔误，请再改办一次"] if new else []
    try:
        office.index.update(row["id"], department=department)
    except IndexUnavailable as exc:
        warnings.append(f"检索库未更新（{exc}），运行 shouwen reindex 可补上")
    return Routed(row, department, "moved", "；".join(warnings) or None)


def known_departments(office: Office) -> set[str]:
    """The 承办部门 the office already uses: named by a 分办 rule, or given documents lately (the router's
    examples), and the 办公室 / 机要室 — a 改办 elsewhere opens a new one, or is a typo (said to the clerk)."""
    from .routing import ALWAYS

    rules = {r.get("department") for r in office.rules}
    used = {department for _, _, department in office.ledger.training_rows()}
    return {d for d in rules | used | set(ALWAYS) if d}


@dataclass
class Released:
    row: dict  # the row as the 机要员 saw it (held)
    outcome: object  # batch.Outcome of its 分办 and 检索


def release(office: Office, key: str, reason: Optional[str] = None) -> Released:
    """机要员核定非密: a held document (a 密级 mark nobody could read, 待机要员核定) that the 机要员 has read and
    found not classified goes on as any document: reviewed again from its archived original, routed (rules,
    model) and indexed. Also a document sent to the 机要室 by a 改办 (shouwen route DOC 机要室) that the 机要员
    finds was sent by mistake. Refused for any other status; compare-and-set on the row read (LedgerConflict).
    A document whose level can be read is never released: it stays with the 机要室 whatever is said here."""
    from .batch import route_and_index
    from .decision import CLASSIFIED as MARKED_CLASSIFIED
    from .decision import index_decision
    from .return_desk import _review

    row = find(office, key)
    number = row["number"]
    at_confidential_office = row["status"] == "routed" and row["route_source"] == "classified"  # 机要室 has it
    if row["status"] != "held" and not at_confidential_office:
        raise DeskRefusal(f"{number} 不是待机要员核定的收文（现为{STATUS_ZH.get(row['status'], row['status'])}），无需核定")
    review = _review(office, row)
    if at_confidential_office and index_decision(review).kind == MARKED_CLASSIFIED:
        raise DeskRefusal(f"{number} 标有密级，是涉密公文，不能转出机要室")
    office.ledger.set_status(row["id"], "reviewed", reason or "机要员核定：非涉密公文，转入分办和检索",
                             expect_version=row["version"], expect_status=(row["status"],))
    # kept beside the registration: rebuild-ledger, reindex and a batch rerunning it honour it (decisions.py)
    record_decision(office.root, row, RELEASED, reason or "机要员核定：非涉密公文")
    outcome = route_and_index(office, office.ledger.get(row["id"]), review, office.rules, secrecy_cleared=True)
    return Released(row, outcome)


def to_confidential_office(office: Office, row: dict, reason: str) -> None:
    """机要: the document goes to the 机要室 as classified (routed, never indexed again; the router never learns
    it), compare-and-set on the state the clerk saw."""
    office.ledger.set_status(row["id"], "routed", reason, expect_version=row["version"], expect_status=(row["status"],),
                             department=CONFIDENTIAL, route_reason=reason, route_source="classified",
                             route_confidence=None)
    record_decision(office.root, row, CLASSIFIED, reason)  # outlives the ledger (rebuild-ledger reads it)


@dataclass
class Resent:
    row: dict
    notice: Path  # the new 退文通知单 (docx), beside the first in outbox/<sender>/


@dataclass
class Withdrawn:
    row: dict
    outcome: object  # batch.Outcome: status (indexed or routed), department, reason
    moved: list  # where the withdrawn notices went (withdrawn/<sender>/…)


def resend(office: Office, key: str) -> Resent:
    """重发 the 退文通知单 of document `key` (return_desk.resend). DeskRefusal when it is not returned or its
    original cannot be read."""
    from .return_desk import resend as resend_notice

    row = find(office, key)
    with _refusals(row):
        return Resent(row, resend_notice(office, row))


def withdraw(office: Office, key: str, reason: str) -> Withdrawn:
    """撤回 the return of document `key` and 分办 it (return_desk.withdraw). DeskRefusal when it is not returned
    or its original cannot be read."""
    from .return_desk import withdraw as withdraw_return

    row = find(office, key)
    with _refusals(row):
        outcome, moved = withdraw_return(office, row, reason)
    return Withdrawn(row, outcome, moved)


class _refusals:
    """NotReturned and an unreadable original, as the clerk's DeskRefusal."""

    def __init__(self, row: dict):
        self.row = row

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        from extractors import UnusableInput

        from .return_desk import NotReturned

        if isinstance(exc, NotReturned):
            raise DeskRefusal(str(exc)) from exc
        if isinstance(exc, UnusableInput):
            raise DeskRefusal(f"{named(self.row)}原件无法读取：{exc.reason}") from exc
        return False


# -- the office's models and indexes ------------------------------------------------------------------------

def learn(office: Office) -> dict:
    """Retrain the routing model now from rule decisions and corrections (batch.learn, forced). Returns its
    facts (examples, corrections, departments, held_out_accuracy); DeskRefusal when there are too few."""
    from . import router_model
    from .batch import learn as learn_now

    meta = learn_now(office, force=True)
    if meta is None:
        raise DeskRefusal(f"样本不足，未训练：至少需要 {router_model.MIN_EXAMPLES} 件按规则分办或经改办的收文，涉及 "
                          f"{router_model.MIN_DEPARTMENTS} 个以上部门")
    return meta


def reindex(office: Office, say: Callable[[str], None] = lambda line: None) -> int:
    """Rebuild the search index from the ledger and the archived originals (search_sync.reindex); an embedded
    index that cannot even be opened is removed and made afresh first. Progress lines go to say().
    Returns how many documents were indexed; IndexUnavailable when the search service cannot be reached."""
    from index import IndexUnavailable

    from .search_sync import reindex as rebuild

    try:
        index = office.index
    except IndexUnavailable:
        if office.config.settings.index.url != "embedded":
            raise
        from index.tantivy_index import remove_index

        office.drop_index()
        remove_index(office.root)  # the embedded index is unreadable: start it afresh, the rebuild fills it
        index = office.index
    return rebuild(office.root, office.ledger, index, say=say)


def rebuild_ledger(root: Path, config, force: bool = False):
    """`shouwen rebuild-ledger`: the SQLite ledger rebuilt from the archive, numbers kept (ledger_rebuild.py),
    under the batch lock. Refused (DeskRefusal) for a data root that does not exist, a ledger kept in PostgreSQL
    (its own backups restore it), and a healthy ledger unless force. Returns ledger_rebuild.Rebuilt."""
    from .batch_lock import batch_lock
    from .config import mask
    from .ledger import LedgerDamaged
    from .ledger_rebuild import check_ledger
    from .ledger_rebuild import rebuild_ledger as rebuild

    root = Path(root)
    if not root.is_dir():
        raise DeskRefusal(f"数据目录不存在：{root}")
    path = ledger_file(config)
    if path is None:
        raise DeskRefusal(f"登记簿在数据库中（{mask(config.ledger_location())}），不能由档案重建；请用数据库的备份恢复"
                          f"（见 docs/deploy.md）")
    if path != root / "ledger.sqlite3":
        raise DeskRefusal(f"只能重建数据目录下的登记簿 {root / 'ledger.sqlite3'}；配置的登记簿是 {path}")
    with batch_lock(root):
        if not force:
            try:
                check_ledger(root, path)
            except LedgerDamaged:
                pass  # damaged, empty or missing: what the command is for
            else:
                if path.exists():
                    raise DeskRefusal(f"登记簿完好（{path}），无需重建；重建会丢失只记在登记簿里的信息（如改办理由）。"
                                      f"确需重建请加 --force")
        return rebuild(root)
