"""The `shouwen` command (命令行): help in Chinese and English, messages in Chinese.

    shouwen validate FILE… [--profile P] [--format text|json] [--channel C]   初审 (exit 0 / 1 / 2)
    shouwen extract FILE… [--format text|json]                               what was read
    shouwen rules [--format text|markdown|json]                              the rule catalog
    shouwen run | schedule | ledger | search | route | resend | withdraw | learn | reindex   the office's batch (--root)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_ACCEPTED, EXIT_RETURNED, EXIT_UNUSABLE = 0, 1, 2

_ZH = {  # argparse's own words, in Chinese beside the English
    "usage: ": "用法 / usage: ",
    "options": "选项 / options",
    "positional arguments": "参数 / arguments",
    "show this help message and exit": "显示帮助并退出 / show this help and exit",
    "the following arguments are required: %s": "缺少必需的参数 / missing arguments: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 / invalid choice: %(value)r（可选 / choose from %(choices)s）",
    "unrecognized arguments: %s": "无法识别的参数 / unrecognized arguments: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误 / error: %(message)s\n",
}
argparse._ = lambda text: _ZH.get(text, text)  # argparse looks its words up through the module's `_`


def _parser() -> argparse.ArgumentParser:
    from validators import DEFAULT_PROFILE, available_profiles

    parser = argparse.ArgumentParser(
        prog="shouwen",
        description="收文：公文接收、初审（GB/T 9704-2012）、退文、分办与检索。\n"
                    "shouwen: intake and pre-review of incoming official documents.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="命令 / command")

    v = sub.add_parser("validate", help="初审公文并输出审核意见 / pre-review documents",
                       description="初审公文：退出码 0 全部通过，1 有退文，2 有无法处理的文件或用法错误。\n"
                                   "Pre-review: exit 0 all accepted, 1 any returned, 2 unusable input or usage.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("files", nargs="+", metavar="FILE", help="公文文件（docx、PDF、文本…） / document files")
    v.add_argument("--profile", default=DEFAULT_PROFILE,
                   help=f"审核配置名称或 TOML 文件路径（可用：{'、'.join(available_profiles())}） / profile name or file")
    v.add_argument("--format", choices=("text", "json"), default="text",
                   help="text：中文审核意见；json：每个文件一行 JSON / text report or JSON Lines")
    v.add_argument("--channel", choices=("edoc", "fax", "scan", "mail", "unknown"), default="unknown",
                   help="来文渠道 / channel the document arrived through")

    e = sub.add_parser("extract", help="显示读取到的文字或版面 / show what was read",
                       description="显示读取到的文字（阅读顺序）或版面模型（JSON）。\nShow the text or the layout model.")
    e.add_argument("files", nargs="+", metavar="FILE", help="文件 / files")
    e.add_argument("--format", choices=("text", "json"), default="text", help="text 或 json / text or json")

    root_help = "机关数据目录（默认 $SHOUWEN_ROOT，否则 ./shouwen-data）/ the office's data root"
    b = sub.add_parser("run", help="运行一批收文：签收、登记、初审、退文、分办、检索 / run one batch",
                       description="运行一批收文（Prefect 流程）：收件箱 inbox/{fax,edoc,scan,mail} 中的新文件逐件签收、登记、\n"
                                   "初审，退文或分办，并入检索。Run one batch over the inboxes.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--root", help=root_help)
    b.add_argument("--samples", action="store_true",
                   help="先把仓库自带的示例文件放入收件箱 / first copy the bundled sample documents into the inboxes")
    sc = sub.add_parser("schedule", help="定时收文：按 cron 计划反复运行收文批处理 / serve the batch on a schedule",
                        description="定时收文：在本机启动流程服务（Prefect，仅监听 127.0.0.1，不联网），按 cron 计划运行收文批处理，\n"
                                    "按 Ctrl-C 停止（流程服务随之关闭）。Serve the batch on a cron schedule.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    sc.add_argument("--cron", required=True, help='cron 计划（分 时 日 月 周），如 "*/10 * * * *" 每 10 分钟 / cron schedule')
    sc.add_argument("--timezone", default=os.environ.get("SHOUWEN_TIMEZONE", "Asia/Shanghai"),
                    help="计划所用时区（默认 $SHOUWEN_TIMEZONE 或 Asia/Shanghai）/ time zone of the schedule")
    sc.add_argument("--port", type=int, default=4200, help="流程服务端口，被占用时自动另选 / server port")
    sc.add_argument("--now", action="store_true", help="启动后立即先运行一批 / run one batch right away")
    sc.add_argument("--root", help=root_help)
    led = sub.add_parser("ledger", help="列出登记簿 / list the ledger", description="列出登记簿。List the ledger.")
    led.add_argument("--root", help=root_help)
    led.add_argument("--json", action="store_true", help="每件一行 JSON / one JSON object per document")
    s = sub.add_parser("search", help="全文检索收文 / full-text search", description="全文检索收文。Full-text search.")
    s.add_argument("query", nargs="+", metavar="QUERY", help="检索词，多个词须同时出现 / words, all required")
    s.add_argument("--root", help=root_help)
    for name, zh in (("issuer", "来文单位"), ("doc-type", "文种"), ("department", "承办部门"), ("channel", "来文渠道"),
                     ("verdict", "初审结论 accept/return"), ("status", "状态")):
        s.add_argument(f"--{name}", help=f"{zh} / {name}")
    s.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="成文日期起 / date from")
    s.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="成文日期止 / date to")
    s.add_argument("--limit", type=int, default=20, help="最多显示条数 / at most this many hits")
    s.add_argument("--json", action="store_true", help="每条结果一行 JSON / one JSON object per hit")

    rt = sub.add_parser("route", help="改办：把一件收文改送另一承办部门 / correct a routing",
                        description="改办：把一件收文改送另一承办部门，记入登记簿和检索。Correct a routing.")
    rt.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
    rt.add_argument("department", metavar="DEPT", help="承办部门 / department")
    rt.add_argument("--reason", default=None, help="改办理由 / why")
    rt.add_argument("--root", help=root_help)

    rs = sub.add_parser("resend", help="重发退文通知单 / resend a return notice",
                        description="重发退文通知单（以今天的日期重新生成，与原件并存于发件箱）。Resend a return notice.")
    rs.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
    rs.add_argument("--root", help=root_help)
    wd = sub.add_parser("withdraw", help="撤回退文并转入分办 / withdraw a return and route the document",
                        description="撤回退文：退文通知单移出发件箱（保存在 withdrawn/），该件转入分办和检索。\n"
                                    "Withdraw a return: the notice leaves the outbox, the document is routed and indexed.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    wd.add_argument("document", metavar="DOC", help="收文编号 / ledger number")
    wd.add_argument("--reason", default="文秘人员复核后撤回退文", help="撤回理由 / why")
    wd.add_argument("--root", help=root_help)
    ln = sub.add_parser("learn", help="重新训练分办模型 / retrain the routing model",
                        description="用按规则分办和改办过的收文重新训练分办模型（每批开始时也会自动进行）。\n"
                                    "Retrain the routing model from rule decisions and corrections.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ln.add_argument("--root", help=root_help)

    ri = sub.add_parser("reindex", help="重建检索库 / rebuild the search index",
                        description="按登记簿和归档原件重建检索库（检索库丢失或损坏后使用；完成前旧库照常可查）。\n"
                                    "Rebuild the search index from the ledger and the archived originals.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ri.add_argument("--root", help=root_help)
    r = sub.add_parser("rules", help="列出初审规则目录 / list the rule catalog",
                       description="列出全部初审规则（由规则本身生成）。\nList every rule, generated from the rules.")
    r.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="输出格式 / output format")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "extract":
            return _extract(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "run":
            return _run(args)
        if args.command == "schedule":
            return _schedule(args)
        if args.command == "ledger":
            return _ledger(args)
        if args.command == "search":
            return _search(args)
        if args.command == "route":
            return _route(args)
        if args.command in ("resend", "withdraw"):
            return _return_desk(args)
        if args.command == "learn":
            return _learn(args)
        if args.command == "reindex":
            return _reindex(args)
    except BrokenPipeError:  # `shouwen … | head`
        return 0
    parser.print_help()
    return EXIT_UNUSABLE


def _validate(args) -> int:
    from extractors import UnusableInput
    from validators import ProfileError, load_profile

    from .review import review_path

    try:
        load_profile(args.profile)
    except ProfileError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    unusable = returned = 0
    for i, name in enumerate(args.files):
        try:
            report = review_path(Path(name), channel=args.channel, profile=args.profile)
        except UnusableInput as exc:
            unusable += 1
            print(f"{name}: 无法处理：{exc.reason}", file=sys.stderr)
            continue
        returned += report["verdict"] == "return"
        if args.format == "json":
            print(json.dumps(report, ensure_ascii=False), flush=True)
        else:
            if i:
                print()
            from validators.report import render_text
            print(render_text(report), flush=True)
    if args.format == "text" and len(args.files) > 1:
        accepted = len(args.files) - unusable - returned
        print(f"\n共 {len(args.files)} 件：通过 {accepted} 件，退文 {returned} 件，无法处理 {unusable} 件", file=sys.stderr)
    return EXIT_UNUSABLE if unusable else (EXIT_RETURNED if returned else EXIT_ACCEPTED)


def _extract(args) -> int:
    from extractors import UnusableInput, extract

    status = EXIT_ACCEPTED
    for name in args.files:
        try:
            document = extract(Path(name).read_bytes())
        except (UnusableInput, OSError) as exc:
            print(f"{name}: 无法处理：{getattr(exc, 'reason', exc)}", file=sys.stderr)
            status = EXIT_UNUSABLE
            continue
        if args.format == "json":
            print(json.dumps({"file": name, **document.to_dict()}, ensure_ascii=False), flush=True)
        else:
            for page in document.pages:
                print(f"—— {name} 第 {page.number} 页 ——")
                for line in page.lines:
                    print(line.text)
    return status


def _run(args) -> int:
    import shutil

    from .intake import data_root, prepare
    from .prefect_setup import configure

    root = data_root(args.root).resolve()
    prepare(root)
    if args.samples:
        samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
        for path in sorted(samples.glob("*/*")):
            shutil.copy2(path, root / "inbox" / path.parent.name / path.name)
    configure(root)
    from flows import ingest

    print(f"数据目录：{root}", file=sys.stderr)
    try:
        ingest(str(root))  # prints its progress and its summary
    except Exception as exc:  # the inbox or the data root itself failed (disk full, permissions…)
        print(f"本批处理中断：{type(exc).__name__}: {exc}\n已登记的文件不受影响，下次运行会接着处理；"
              f"详细日志见 {root / 'prefect' / 'prefect.log'}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


def _schedule(args) -> int:
    from .intake import data_root, prepare
    from .schedule import ScheduleError, serve

    root = data_root(args.root).resolve()
    prepare(root)
    try:
        serve(root, args.cron, args.timezone, args.port, args.now, say=lambda line: print(line, file=sys.stderr, flush=True))
    except ScheduleError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


def _existing(args, name: str, what: str) -> Path | None:
    """A database file of the data root, or None (and a Chinese message) where no batch has made it yet."""
    from .intake import data_root

    root = data_root(args.root)
    if not (root / name).exists():
        print(f"{what}不存在：{root}（请先运行 shouwen run）", file=sys.stderr)
        return None
    return root / name


LEDGER_FIELDS = ("number", "received_at", "channel", "file", "sha256", "issuer", "doc_number", "doc_type", "title",
                 "verdict", "department", "status")


def _ledger(args) -> int:
    from .batch import LEDGER_FILE
    from .ledger import STATUS_ZH, Ledger

    path = _existing(args, LEDGER_FILE, "登记簿")
    if path is None:
        return EXIT_UNUSABLE
    ledger = Ledger(path)
    for row in ledger.rows():
        if args.json:
            extra = ("route_reason", "route_source", "route_confidence", "return_state", "return_path", "reason", "pages")
            print(json.dumps({k: row[k] for k in LEDGER_FIELDS + extra}, ensure_ascii=False))
        else:
            state = {"resent": "（已重发）", "withdrawn": "（退文已撤回）"}.get(row["return_state"] or "", "")
            print(f"{row['number']}  {row['received_at'][:16]}  {row['channel']:4}  {STATUS_ZH[row['status']]}{state}  "
                  f"{row['department'] or '—'}  {row['title'] or row['file']}")
    return EXIT_ACCEPTED


def _search(args) -> int:
    from index import IndexUnavailable, QueryError

    from .batch import LEDGER_FILE
    from .ledger import Ledger
    from .search_sync import open_office_index

    path = _existing(args, LEDGER_FILE, "登记簿")
    if path is None:
        return EXIT_UNUSABLE
    filters = {"issuer": args.issuer, "doc_type": args.doc_type, "department": args.department, "channel": args.channel,
               "verdict": args.verdict, "status": args.status}
    try:
        index = open_office_index(path.parent)
        found = index.results(" ".join(args.query), limit=max(1, args.limit), date_from=args.date_from,
                              date_to=args.date_to, **filters)
    except (QueryError, IndexUnavailable, ValueError) as exc:  # ValueError: a date not YYYY-MM-DD
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    hits = found.hits
    for notice in found.notices:
        print(f"注意：{notice}", file=sys.stderr)
    ledger = Ledger(path.with_name(LEDGER_FILE)) if args.json and path.with_name(LEDGER_FILE).exists() else None
    for hit in hits:
        if args.json:
            row = (ledger.get(hit.id) if ledger else None) or {}
            print(json.dumps({k: row.get(k) for k in LEDGER_FIELDS} | hit.fields
                             | {"id": hit.id, "number": hit.number, "title": hit.title, "score": hit.score,
                                "snippet": hit.snippet}, ensure_ascii=False))
        else:
            print(f"{hit.number}  {hit.title}\n    {hit.snippet}")
    if not args.json:
        print(f"共 {found.total} 条" + (f"，显示前 {len(hits)} 条" if found.total > len(hits) else ""), file=sys.stderr)
        for name, zh in (("doc_type", "文种"), ("issuer", "来文单位"), ("department", "承办部门")):
            if found.facets.get(name):
                print(f"  {zh}：" + "，".join(f"{k} {v}" for k, v in found.facets[name].items()), file=sys.stderr)
    return EXIT_ACCEPTED


def _registered(args):
    """(ledger path, ledger, row) of the document the clerk named (收文编号), or None with a Chinese message."""
    from .batch import LEDGER_FILE
    from .ledger import Ledger

    path = _existing(args, LEDGER_FILE, "登记簿")
    if path is None:
        return None
    ledger = Ledger(path)
    row = ledger.find(args.document)
    if row is None:
        print(f"登记簿中没有“{args.document}”", file=sys.stderr)
        return None
    return path, ledger, row


def _route(args) -> int:
    from index import IndexUnavailable

    from .search_sync import open_office_index

    found = _registered(args)
    if found is None:
        return EXIT_UNUSABLE
    path, ledger, row = found
    if row["status"] in ("returned", "quarantined"):
        print(f"{row['number']} 已{'退文' if row['status'] == 'returned' else '隔离'}，没有分办", file=sys.stderr)
        return EXIT_UNUSABLE
    if row["route_source"] == "classified":
        print(f"{row['number']} 是涉密公文，须由机要室办理，不能改办", file=sys.stderr)
        return EXIT_UNUSABLE
    reason = args.reason or f"文秘人员改办：由{row['department'] or '未分办'}改送{args.department}"
    ledger.set_status(row["id"], row["status"], reason, department=args.department, route_reason=reason,
                      route_source="clerk", route_confidence=None)
    if row["status"] == "indexed":
        try:
            open_office_index(path.parent).update(row["id"], department=args.department)
        except IndexUnavailable as exc:
            print(f"检索库未更新（{exc}），运行 shouwen reindex 可补上", file=sys.stderr)
    print(f"{row['number']}《{row['title'] or row['file']}》已改送{args.department}")
    return EXIT_ACCEPTED


def _return_desk(args) -> int:
    from extractors import UnusableInput

    from .batch import DataRoot
    from .return_desk import NotReturned, resend, withdraw

    found = _registered(args)
    if found is None:
        return EXIT_UNUSABLE
    path, ledger, row = found
    office = DataRoot(path.parent)
    title = f"{row['number']}《{row['title'] or row['file']}》"
    try:
        if args.command == "resend":
            notice = resend(office, ledger, row)
            print(f"{title}退文通知单已重发：{notice}")
        else:
            outcome, moved = withdraw(office, ledger, office.open_index(), row, args.reason)
            print(f"{title}已撤回退文，{'已入检索' if outcome.status == 'indexed' else '已分办'}，承办部门：{outcome.department}"
                  f"（{outcome.reason}）")
            if moved:
                print(f"原退文通知单已移至 {moved[0].parent}；如已送达来文单位，请告知作废")
    except NotReturned as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    except UnusableInput as exc:
        print(f"{title}原件无法读取：{exc.reason}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


def _learn(args) -> int:
    from . import router_model
    from .batch import LEDGER_FILE, DataRoot, learn, learned_line

    path = _existing(args, LEDGER_FILE, "登记簿")
    if path is None:
        return EXIT_UNUSABLE
    meta = learn(DataRoot(path.parent), force=True)
    if meta is None:
        print(f"样本不足，未训练：至少需要 {router_model.MIN_EXAMPLES} 件按规则分办或经改办的收文，涉及 "
              f"{router_model.MIN_DEPARTMENTS} 个以上部门", file=sys.stderr)
        return EXIT_UNUSABLE
    print(learned_line(meta))
    return EXIT_ACCEPTED


def _reindex(args) -> int:
    from index import IndexUnavailable

    from .batch import LEDGER_FILE
    from .ledger import Ledger
    from .search_sync import open_office_index, reindex

    path = _existing(args, LEDGER_FILE, "登记簿")
    if path is None:
        return EXIT_UNUSABLE
    try:
        index = open_office_index(path.parent)
    except IndexUnavailable:  # the embedded index is unreadable: start it afresh, the rebuild fills it
        from index.tantivy_index import remove_index

        remove_index(path.parent)
        index = open_office_index(path.parent)
    try:
        reindex(path.parent, Ledger(path), index, say=lambda line: print(line, flush=True))
    except IndexUnavailable as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


def _rules(args) -> int:
    from validators.catalog import render_catalog

    print(render_catalog(args.format))
    return EXIT_ACCEPTED


if __name__ == "__main__":
    sys.exit(main())
