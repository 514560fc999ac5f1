"""The 登记簿 as one actor may see it (登记簿视图)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from ..access import Scope, can_see, ledger_scope, require, shows_title
from ..actors import Actor, acting
from ..ledger import STATUS_ZH, LedgerQuery
from ..ledger.query import MAX_LIMIT

RETURN_STATES = {"resent": "（已重发）", "withdrawn": "（退文已撤回）"}
LEDGER_FIELDS = ("number", "received_at", "channel", "file", "sha256", "issuer", "doc_number", "doc_type", "title",
                 "verdict", "department", "status")
LEDGER_JSON_EXTRA = ("route_reason", "route_source", "route_confidence", "return_state", "return_path", "reason",
                     "pages", "file_raw")
CONFIDENTIAL_TITLE = "（涉密公文，标题不予显示，由机要室登记办理）"
HELD_TITLE = "（密级待机要员核定，标题暂不显示）"
# what a classified or held row does not show in the shared 登记簿: its title and the names that may repeat it
CONFIDENTIAL_FIELDS = ("title", "file", "file_raw", "mail_subject", "mail_attachments", "return_path")


@dataclass
class LedgerEntry:
    row: dict  # the ledger row, as stored
    status: str  # the status in Chinese (已入检索, 已退文 …)
    return_state: str  # （已重发） / （退文已撤回） / ""
    marks: str  # ledger_view.ledger_marks: "  同 收〔2026〕3号", "  邮件 发件人 …", …
    extras: dict = field(default_factory=dict)  # ledger_view.ledger_extras: mail_*, linked_to, revision_of, seals …
    masked: bool = False  # a classified or held row shown to one who may not read it: title and file names withheld

    @property
    def title(self) -> str:
        """What the 登记簿 shows as the title: the title, else the file name; a stand-in for a masked row."""
        if self.masked:
            return HELD_TITLE if self.row["status"] == "held" else CONFIDENTIAL_TITLE
        return self.row["title"] or self.row["file"]

    def record(self) -> dict:
        """One JSON object of `shouwen ledger --json` (a masked row's title and file names null, with
        "confidential": true)."""
        row = self.row
        out = {**{k: row[k] for k in LEDGER_FIELDS + LEDGER_JSON_EXTRA}, **self.extras}
        # 公文 or 来信 (issue 22: pipelines/letters/): a letter's ledger row carries kind "letter", no personal field
        out["kind"] = "letter" if row.get("kind") == "letter" else "document"
        out["kind_zh"] = "来信" if out["kind"] == "letter" else "公文"
        if self.masked:
            out.update({k: None for k in CONFIDENTIAL_FIELDS if k in out}, confidential=True)
        return out


def ledger_entries(office, year: Optional[int] = None, *, actor: Optional[Actor] = None) -> list[LedgerEntry]:
    """Every registration `actor` may see in 收文编号 order (of one year, when given), with what `shouwen ledger`
    shows of it, read a page of MAX_LIMIT at a time (ledger_page: two statements a page)."""
    entries: list[LedgerEntry] = []
    query: Optional[LedgerQuery] = LedgerQuery(year=year, limit=MAX_LIMIT)
    while query is not None:
        page = ledger_page(office, query, actor=actor)
        entries += page.entries
        query = page.next
    return entries


@dataclass
class LedgerPage:
    entries: list[LedgerEntry]
    total: int  # rows matching the query as the actor may see them, all pages together
    offset: int
    next: Optional[LedgerQuery]  # the next page's query (keyset), None after the last


def ledger_page(office, query: LedgerQuery, *, actor: Optional[Actor] = None) -> LedgerPage:
    """One page of the 登记簿 as `actor` may see it: the query (filters, order, limit, offset or keyset) narrowed
    by access.ledger_scope (a department's staff: their department; classified and held rows left out for
    whoever may not see them at all), then each row's title and names withheld where the actor may not read them
    (access.shows_title: the shared 登记簿 keeps their 收文编号, dates and status, so the numbering has no holes
    and the 机要员 can name them). Two ledger statements whatever the ledger holds (ledger.page joins the marks).
    ValueError (Chinese) for a bad filter; DeskRefusal "forbidden" for a role that reads no documents."""
    from ..ledger_view import ledger_extras, ledger_marks

    actor = acting(actor)
    require(actor, "read")
    query = scoped(query, ledger_scope(actor))
    ledger = office.ledger
    page = ledger.page(query)
    entries = []
    for row in page.rows:
        if not can_see(actor, row):  # the scope said so in SQL already: this is the second lock on the door
            continue
        masked = not shows_title(actor, row)
        entries.append(LedgerEntry(row, STATUS_ZH[row["status"]], RETURN_STATES.get(row["return_state"] or "", ""),
                                   "" if masked else ledger_marks(ledger, row), ledger_extras(ledger, row), masked))
    return LedgerPage(entries, page.total, query.offset, page.next())


def scoped(query: LedgerQuery, scope: Scope) -> LedgerQuery:
    """`query` with what `scope` requires (access.ledger_scope) added: its departments intersected, classified
    and held rows left out where the scope excludes them, nothing at all for an empty scope."""
    if scope.nothing:
        return replace(query, departments=())
    if scope.departments is not None:
        asked = scope.departments if query.departments is None else query.departments
        query = replace(query, departments=tuple(d for d in asked if d in scope.departments))
    if scope.confidential == "excluded":
        query = replace(query, departments=() if query.confidential_only else query.departments,
                        confidential_only=False, include_confidential=False)
    return query
