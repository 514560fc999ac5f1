"""The clerk's desk at the terminal: `shouwen ledger`, `search`, `route`, `release`, `resend`, `withdraw`,
`learn`, `reindex`, `rebuild-ledger` — each parses, calls pipelines/desk, prints (names made safe for a
terminal here, at the CLI's edge)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from . import EXIT_ACCEPTED, EXIT_UNUSABLE, Command, positive

DOC_HELP = "收文编号，如 收〔2026〕12号 或 2026-12 / ledger number"


def _office(args):
    """The office of --root (pipelines/office.py) with its ledger opened: NoLedger where no batch has made it
    yet, LedgerDamaged where it was lost while the archive holds documents (both said by the CLI)."""
    from ..config import current
    from ..dataroot import data_root
    from ..office import Office

    return Office.open(data_root(args.root), current(), create=False)


def _as_confidential(args):
    """The 机要员's view asked for (--confidential): the actor must be an account of role confidential
    (access.py decides: view_confidential); refused with the way to log in otherwise."""
    from ..access import require

    require(args.actor, "view_confidential")
    return args.actor


# -- 登记簿 ------------------------------------------------------------------------------------------------------

def _ledger_arguments(led) -> None:
    led.add_argument("--json", action="store_true", help="每件一行 JSON / one JSON object per document")
    led.add_argument("--xlsx", metavar="FILE", help="导出为 XLSX 表格（登记簿的栏目）/ export to an XLSX workbook")
    led.add_argument("--confidential", action="store_true",
                     help="机要员查看：须以机要员账户办理（--user 用户名 --password-stdin），显示涉密和待核定收文及其密级、"
                          "保密期限 / the confidential clerk's view: needs an account of role confidential")
    led.add_argument("--limit", type=positive, help="每页条数（不给：全部）/ rows per page (default: all)")
    led.add_argument("--offset", type=int, default=0, help="跳过前若干条 / skip this many rows")
    led.add_argument("--after", metavar="DOC", help="从此收文编号之后开始（翻页）/ start after this ledger number")
    led.add_argument("--newest", action="store_true", help="最新的在前 / newest first")
    for name, zh in (("status", "状态，如 returned（可重复）"), ("department", "承办部门（可重复）"),
                     ("issuer", "来文单位（含此文字即可，如 教育局）"), ("channel", "来文渠道 edoc/fax/mail/scan"),
                     ("kind", "文种"), ("urgency", "紧急程度，如 特急")):
        led.add_argument(f"--{name}", action="append" if name in ("status", "department") else None, help=f"{zh} / {name}")
    led.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="收文日期起 / received from")
    led.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="收文日期止 / received until")
    led.add_argument("--year", type=positive, help="收文编号年度 / year of the ledger number")


def _ledger(args) -> int:
    from .. import desk
    from ..ledger import LedgerQuery, parse_key
    from ..ledger.query import MAX_LIMIT
    from ..terminal import shown

    actor = _as_confidential(args) if args.confidential else args.actor  # the 机要员's view is a role (access.py)
    after = None
    if args.after:
        parsed = parse_key(args.after)
        if not parsed or parsed[0] != "number":
            print(f"shouwen: --after 应为收文编号，如 收〔2026〕12号，而不是“{shown(args.after)}”", file=sys.stderr)
            return EXIT_UNUSABLE
        after = parsed[1]
    try:
        query = LedgerQuery(statuses=tuple(args.status or ()), departments=args.department, issuer_contains=args.issuer,
                            channel=args.channel, kind=args.kind, urgency=args.urgency, year=args.year,
                            date_from=args.date_from, date_to=args.date_to, order="-number" if args.newest else "number",
                            limit=args.limit or MAX_LIMIT, offset=args.offset, after=after)
    except ValueError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.xlsx:
        from ..outputs import OutputUnwritable, why, writable_file

        writable_file(args.xlsx)  # its folder exists and takes a new file: else one line naming path and reason
        try:  # opened here, so that a path that cannot be written is one Chinese line, not openpyxl's traceback
            handle = open(args.xlsx, "wb")
        except OSError as exc:
            raise OutputUnwritable(args.xlsx, why(exc)) from None
        try:
            with handle, _office(args) as office:
                written = desk.ledger_xlsx(office, query, handle, actor=actor)
        except BaseException:
            Path(args.xlsx).unlink(missing_ok=True)  # nothing half-written left behind
            raise
        print(f"登记簿已导出：{shown(args.xlsx)}（{written} 件）", file=sys.stderr)
        return EXIT_ACCEPTED
    shown_rows, headed = 0, False
    with _office(args) as office:
        while query is not None:
            page = desk.ledger_page(office, query, actor=actor)
            if not args.json and not headed:  # the register's column headings, once
                print("  ".join(page.columns))
                headed = True
            for entry in page.entries:
                if args.json:
                    print(json.dumps({**entry.record(), "file": shown(entry.row["file"])}, ensure_ascii=False))
                else:
                    print("  ".join(shown(str(cell)) or "—" for cell in entry.cells()) + shown(entry.marks))
            shown_rows += len(page.entries)
            query = None if args.limit else page.next  # --limit: one page; else every page
    if args.limit and not args.json:
        first = args.offset + 1 if shown_rows else 0
        line = page.total_zh + (f"，显示 {shown_rows} 件" if after else f"，显示第 {first}–{args.offset + shown_rows} 件")
        if page.next is not None and page.entries:
            line += f"；下一页：--limit {args.limit} --after {page.entries[-1].row['number']}"
        print(line, file=sys.stderr)
    return EXIT_ACCEPTED


LEDGER = Command("ledger", "列出登记簿 / list the ledger",
                 "列出登记簿（收文编号、收文日期〔北京时间〕、来文单位、来文文号、紧急程度、标题、转办单位、状态、来文渠道；\n"
                 "机要员另有密级和保密期限），可按日期、状态、部门、来文单位筛选，可导出 XLSX。\n"
                 "List the ledger with the office's columns; filter it; export it to XLSX.", _ledger_arguments, _ledger)


# -- 检索 --------------------------------------------------------------------------------------------------------

def _search_arguments(s) -> None:
    s.add_argument("query", nargs="+", metavar="QUERY", help="检索词，多个词须同时出现 / words, all required")
    for name, zh in (("issuer", "来文单位"), ("doc-type", "文种"), ("department", "承办部门"), ("channel", "来文渠道"),
                     ("verdict", "初审结论 accept/return"), ("status", "状态 indexed（已入检索）/returned（退文）"),
                     ("urgency", "紧急程度 特急/加急")):
        s.add_argument(f"--{name}", help=f"{zh} / {name}")
    s.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="成文日期起 / date from")
    s.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="成文日期止 / date to")
    s.add_argument("--received-from", metavar="YYYY-MM-DD", help="收文日期起 / received from")
    s.add_argument("--received-to", metavar="YYYY-MM-DD", help="收文日期止 / received to")
    s.add_argument("--limit", type=positive, default=20, help="最多显示条数 / at most this many hits")
    s.add_argument("--json", action="store_true", help="每条结果一行 JSON / one JSON object per hit")


def _search(args) -> int:
    from index import IndexUnavailable, QueryError

    from .. import desk
    from ..terminal import shown

    filters = {"issuer": args.issuer, "doc_type": args.doc_type, "department": args.department, "channel": args.channel,
               "verdict": args.verdict, "status": args.status, "urgency": args.urgency,
               "received_from": args.received_from, "received_to": args.received_to}
    with _office(args) as office:
        try:
            found = desk.search(office, " ".join(args.query), limit=args.limit, date_from=args.date_from,
                                date_to=args.date_to, actor=args.actor, **filters)
        except desk.DeskRefusal:
            raise  # said by the CLI with its actions
        except (QueryError, IndexUnavailable, ValueError) as exc:  # ValueError: a date not YYYY-MM-DD
            print(f"shouwen: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    results = found.results
    for notice in results.notices:
        print(f"注意：{notice}", file=sys.stderr)
    from index import FACET_ZH, FACETS
    from index.base import STATUS_ZH as INDEX_STATUS_ZH

    from ..dataroot import CHANNEL_ZH

    for hit in found.hits:
        if args.json:
            print(json.dumps({**found.record(hit), "file": shown(found.record(hit)["file"])}, ensure_ascii=False))
        else:
            marks = "（退文）" if hit.fields.get("status") == "returned" else ""
            print(f"{shown(hit.number)}  {shown(hit.title)}{marks}{found.versions.get(hit.id, '')}\n"  # 第2版
                  f"    {shown(hit.snippet)}")
    if not args.json:  # 共 12 条, or 约 12,000 条 where the count is estimated (index.Results.approximate)
        print(results.total_zh + (f"，显示前 {len(found.hits)} 条" if results.total > len(found.hits) else ""),
              file=sys.stderr)
        for name in FACETS:
            if results.facets.get(name):
                names = INDEX_STATUS_ZH if name == "status" else CHANNEL_ZH if name == "channel" else {}  # as the web says
                print(f"  {FACET_ZH[name]}：" + "，".join(f"{shown(names.get(k, k))} {results.count_zh(v)}"
                                                        for k, v in results.facets[name].items()), file=sys.stderr)
    return EXIT_ACCEPTED


SEARCH = Command("search", "全文检索收文 / full-text search", "全文检索收文。Full-text search.", _search_arguments, _search)


# -- 改办, 机要员核定 -------------------------------------------------------------------------------------------------

def _route_arguments(rt) -> None:
    rt.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
    rt.add_argument("department", metavar="DEPT", help="承办部门 / department")
    rt.add_argument("--reason", default=None, help="改办理由 / why")


def _route(args) -> int:
    from .. import desk
    from ..terminal import shown
    from . import say_actions

    with _office(args) as office:
        routed = desk.route(office, args.document, args.department, args.reason, actor=args.actor)
    if routed.kind == "held":  # classified now: the 收文编号 only, as the shared 登记簿 shows it (desk.named)
        print(f"{routed.row['number']}已转机要室")
    elif routed.kind == "confidential":
        print(f"{routed.row['number']}已改送机要室，并已撤出检索")
    else:
        if routed.warning:
            print(shown(routed.warning), file=sys.stderr)
            say_actions(routed.actions, args)
        print(f"{shown(desk.titled(routed.row))}已改送{shown(routed.department)}")
    return EXIT_ACCEPTED


ROUTE = Command(
    "route", "改办：把一件收文改送另一承办部门 / correct a routing",
    "改办：把一件收文改送另一承办部门，记入登记簿和检索。Correct a routing.",
    _route_arguments, _route, action="route", positional=("key", "department"))


def _release_arguments(rl) -> None:
    rl.add_argument("document", metavar="DOC", help=DOC_HELP)
    rl.add_argument("--reason", default=None, help="核定意见 / the clerk's finding")


def _release(args) -> int:
    from .. import desk
    from ..terminal import shown

    with _office(args) as office:
        done = desk.release(office, args.document, args.reason, actor=args.actor)  # the 机要员's: access.py decides
    outcome = done.outcome
    where = {"indexed": "已入检索", "routed": "已分办", "held": "仍待核定"}.get(outcome.status, outcome.status)
    print(f"{shown(desk.titled(done.row))}经机要员核定为非涉密，{where}，承办部门：{shown(outcome.department or '')}"
          f"（{shown(outcome.reason or '')}）")
    return EXIT_ACCEPTED


RELEASE = Command(
    "release", "机要员核定非涉密：待核定的收文转入分办和检索 / release a held document",
    "机要员核定：密级标志无法识别而暂存（待机要员核定）的收文，经机要员查看原件认定不涉密的，\n"
    "重新初审后转入分办和检索。涉密的请用 shouwen route DOC 机要室。\n"
    "Release a held document the confidential clerk has found not classified.",
    _release_arguments, _release, action="release", positional=("key",))


# -- 退文: 重发, 撤回 --------------------------------------------------------------------------------------------

def _resend_arguments(rs) -> None:
    rs.add_argument("document", metavar="DOC", help=DOC_HELP)


def _resend(args) -> int:
    from .. import desk
    from ..terminal import shown

    with _office(args) as office:
        resent = desk.resend(office, args.document, actor=args.actor)
    print(f"{shown(desk.titled(resent.row))}退文通知单已重发：{shown(resent.notice)}")
    return EXIT_ACCEPTED


RESEND = Command(
    "resend", "重发退文通知单 / resend a return notice",
    "重发退文通知单（以今天的日期重新生成，与原件并存于发件箱）。Resend a return notice.",
    _resend_arguments, _resend, action="resend", positional=("key",))


def _withdraw_arguments(wd) -> None:
    wd.add_argument("document", metavar="DOC", help="收文编号 / ledger number")
    wd.add_argument("--reason", required=True, help="撤回理由（必填，写入撤回通知）/ why (required: the 撤回通知 says it)")


def _withdraw(args) -> int:
    from .. import desk
    from ..terminal import shown

    with _office(args) as office:
        done = desk.withdraw(office, args.document, args.reason, actor=args.actor)
    outcome = done.outcome
    print(f"{shown(desk.titled(done.row))}已撤回退文，{'已入检索' if outcome.status == 'indexed' else '已分办'}，"
          f"承办部门：{shown(outcome.department)}（{shown(outcome.reason)}）")
    if done.moved:
        print(f"原退文通知单已移至 {shown(done.moved[0].parent)}；撤回通知随之发出（送达情况见 shouwen returns）")
    return EXIT_ACCEPTED


WITHDRAW = Command(
    "withdraw", "撤回退文并转入分办 / withdraw a return and route the document",
    "撤回退文：退文通知单移出发件箱（保存在 withdrawn/），该件转入分办和检索。\n"
    "Withdraw a return: the notice leaves the outbox, the document is routed and indexed.",
    _withdraw_arguments, _withdraw, action="withdraw", positional=("key",))


# -- the office's models and indexes ------------------------------------------------------------------------------

def _rebuild_arguments(rb) -> None:
    rb.add_argument("--force", action="store_true",
                    help="登记簿完好时也重建（以登记日志和档案为准；账户等只在登记簿中的功能表不会恢复）/ rebuild even a healthy ledger")


def _rebuild_ledger(args) -> int:
    from .. import desk
    from ..config import current
    from ..dataroot import data_root
    from ..ledger import STATUS_ZH
    from ..terminal import shown

    done = desk.rebuild_ledger(data_root(args.root).resolve(), current(), force=args.force, actor=args.actor)
    states = "，".join(f"{STATUS_ZH.get(k, k)} {v} 件" for k, v in sorted(done.states.items()))
    print(f"登记簿已重建：{done.documents} 件（由登记记录恢复 {done.from_sidecars} 件，由 received/ 文件名恢复 "
          f"{done.from_received} 件，新编号 {done.renumbered} 件；其中 {done.from_journal} 件的状态、栏目和历史由登记日志恢复）；"
          f"{states or '无收文'}")
    if done.kept:
        print(f"原登记簿已另存：{done.kept}")
    if done.unrestored:
        print(f"未能恢复的内容（{len(done.unrestored)} 条）：")
        for line in done.unrestored:
            print(f"  {shown(line)}")
    print("已登记而未办结的收文将由下一批重新初审")
    return EXIT_ACCEPTED


REBUILD_LEDGER = Command(
    "rebuild-ledger", "从档案重建登记簿（收文编号不变）/ rebuild the ledger from the archive",
    "登记簿丢失、清空或损坏时，从档案（registrations/、received/、archive/）和发件箱、隔离区、\n"
    "检索库重建登记簿，收文编号保持不变；损坏的登记簿另存备查。\n"
    "Rebuild a lost or damaged ledger from the archive, keeping the numbers.",
    _rebuild_arguments, _rebuild_ledger, action="rebuild_ledger")


def _learn(args) -> int:
    from .. import desk
    from ..summary import learned_line

    with _office(args) as office:
        meta = desk.learn(office, actor=args.actor)
    print(learned_line(meta))
    return EXIT_ACCEPTED


LEARN = Command(
    "learn", "重新训练分办模型 / retrain the routing model",
    "用按规则分办和改办过的收文重新训练分办模型（每批开始时也会自动进行）。\n"
    "Retrain the routing model from rule decisions and corrections.",
    lambda parser: None, _learn, action="learn")


def _reindex(args) -> int:
    from index import IndexUnavailable

    from .. import desk

    with _office(args) as office:
        try:
            desk.reindex(office, say=lambda line: print(line, flush=True), actor=args.actor)
        except IndexUnavailable as exc:
            print(f"shouwen: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    return EXIT_ACCEPTED


REINDEX = Command(
    "reindex", "重建检索库 / rebuild the search index",
    "按登记簿和归档原件重建检索库（检索库丢失或损坏后使用；完成前旧库照常可查）。\n"
    "Rebuild the search index from the ledger and the archived originals.",
    lambda parser: None, _reindex, action="reindex")
