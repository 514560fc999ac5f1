"""The desk (办公桌): the office's operations as plain functions that return plain data and print nothing —
the CLI and the web desk both call these, each rendering the results its own way.

    ledger_entries(office, actor=)                   -> [LedgerEntry]  the 登记簿 as the actor may see it
    ledger_page(office, query, actor=)               -> LedgerPage     one page of it (filters, order, keyset)
    ledger_walk(office, query, actor=)               -> iter           every entry under a query, page by page
    ledger_xlsx(office, query, out, actor=)          -> int            the 登记簿 as XLSX (the office's columns)
    search(office, query, …filters, actor=)          -> Found          hits, their ledger rows and version marks
    search_page(office, query, SearchFilters, page, size, order, actor=) -> SearchPage   paged, with facets
    document(office, key, actor=)                    -> DocumentView   a document's page: entry, history, findings
    page_png / original / return_notice(office, key, …, actor=)        its files
    mail_view(office, row) / mail_attachment(office, key, n, actor=)    a mail document: 发件人, 主题, body, 附件
    queue(office, department, page, size, state, actor=) -> QueuePage  what was routed to a department
    quarantine(office, actor=) / dashboard(office, actor=)             the quarantine; the office's figures
    register_counter(office, name, data, issuer, channel, actor=) -> Registered   窗口收文
    handling_panel / take_step / handling_file / due_list (…, actor=)  承办/督办 (pipelines/handling)
    find(office, key, actor=)                        -> dict           a ledger row by 收文编号 (收〔2026〕12号, 2026-12)
    route(office, key, department, reason, actor=)   -> Routed         改办, also to the 机要室
    release(office, key, reason, actor=)             -> Released       机要员核定非涉密
    resend(office, key, actor=)                      -> Resent         重发 a 退文通知单
    withdraw(office, key, reason, actor=)            -> Withdrawn      撤回 a return: the document is routed and indexed
    mark_delivered(office, notice, how, actor=)      -> DeliveryDone   a 退文通知's 送达 recorded as done by hand
    retry_delivery(office, notice, actor=)           -> DeliveryDone   a failed 退文通知 sent again now
    review_queue(office, actor=)                     -> [Held]         the 待复核 documents (a 退文 on a doubtful reading)
    review(office, key, decision, reason, actor=)    -> Reviewed       复核: "confirm" the 退文, or "dismiss" it (分办)
    learn(office, actor=)                            -> dict           retrain the routing model now (its facts)
    reindex(office, say, actor=)                     -> int            rebuild the search index from ledger and archive
    rebuild_ledger(root, config, force, actor=)      -> Rebuilt        rebuild a lost SQLite ledger from the archive
    run_batch(root, config, samples, say, actor=)    -> BatchRun       one batch, as `shouwen run` starts it
    validate(files, profile, channel, actor=)        -> iter Validated 初审 of files outside the office

Citizens' letters (来信) have their own desk functions in pipelines/letters/ops.py (letters, letter, set_category,
transfer, reply, stats), taking `actor` the same way.

Every function that reads or changes documents takes `actor` (pipelines/actors.py; None: the person at this
process's terminal, as a clerk): what it may see and do is pipelines/access.py's decision, and a state change
records it in the document's history. A refusal is DeskRefusal (pipelines/refusals.py): a stable code, a
Chinese message and the actions that may be taken instead; a state changed by someone else meanwhile is the
ledger's LedgerConflict; the index's IndexUnavailable / QueryError and the ledger's LedgerDamaged pass through.
Results are dataclasses of plain data: names and titles as they are (escaping for a terminal is the CLI's).
"""
from __future__ import annotations

from ..refusals import Action, DeskRefusal
from ..secrecy import is_confidential
from .batch_ops import BatchRun, Validated, run_batch, validate
from .common import CHANNEL_ZH, channel_zh, find, named, office_time, titled
from .counter import COUNTER_CHANNELS, MAX_UPLOAD_BYTES, Registered, register_counter
from .dashboard import Dashboard, dashboard
from .documents import DocumentView, actions_for, document, mail_attachment, original, page_png, return_notice
from .handling_desk import STEP_LABELS, HandlingPanel, due_list, handling_file, handling_panel, take_step
from .ledger_views import (
           COLUMNS,
           CONFIDENTIAL_COLUMNS,
           LedgerEntry,
           LedgerPage,
           ledger_entries,
           ledger_page,
           ledger_walk,
           ledger_xlsx,
)
from .mail_view import MailView, mail_view
from .maintenance import learn, rebuild_ledger, reindex
from .queues import QueuePage, quarantine, queue, queue_departments
from .returns_ops import (
           DeliveryDone,
           Resent,
           Withdrawn,
           delivery_actions,
           mark_delivered,
           resend,
           retry_delivery,
           withdraw,
)
from .review_ops import Held, Reviewed, review, review_queue
from .routing_ops import (
           Released,
           Routed,
           assign_letter,
           known_departments,
           release,
           route,
           route_departments,
           to_confidential_office,
)
from .search import SEARCH_MAX_HITS, URGENCIES, Found, SearchFilters, SearchPage, search, search_page

__all__ = ["Action", "BatchRun", "CHANNEL_ZH", "COLUMNS", "CONFIDENTIAL_COLUMNS", "COUNTER_CHANNELS", "Dashboard",
           "DeliveryDone", "DeskRefusal", "DocumentView", "Found", "HandlingPanel", "Held", "LedgerEntry", "LedgerPage", "MailView", "MAX_UPLOAD_BYTES",
           "QueuePage", "Registered", "Released", "Resent", "Reviewed", "Routed", "SEARCH_MAX_HITS", "STEP_LABELS", "SearchFilters",
           "SearchPage", "URGENCIES", "Validated", "Withdrawn", "actions_for", "assign_letter", "channel_zh", "dashboard", "delivery_actions", "document",
           "due_list", "find", "handling_file", "handling_panel", "is_confidential", "known_departments", "learn",
           "ledger_entries", "ledger_page", "ledger_walk", "ledger_xlsx", "mail_attachment", "mail_view", "mark_delivered", "named", "office_time", "original",
           "page_png", "quarantine", "queue", "queue_departments", "route_departments", "rebuild_ledger", "register_counter", "reindex",
           "release", "resend", "retry_delivery", "return_notice", "review", "review_queue", "route", "run_batch", "search", "search_page", "take_step", "titled",
           "to_confidential_office", "validate", "withdraw"]
