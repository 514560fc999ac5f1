"""The `shouwen` command (命令行): help in Chinese and English, messages in Chinese.

    shouwen validate FILE… [--profile P] [--format text|json] [--channel C]   初审 (exit 0 / 1 / 2)
    shouwen extract FILE… [--format text|json]                               what was read
    shouwen rules [--format text|markdown|json]                              the rule catalog
    shouwen run | schedule | ledger | search | route | release | resend | withdraw | learn | reindex   the office's batch (--root)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .terminal import shown, shown_text

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
    config_help = "机关配置文件（默认 $SHOUWEN_CONFIG，否则数据目录下的 shouwen.toml）/ the office's configuration file"
    parser.add_argument("--config", metavar="PATH", help=config_help)
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
    v.add_argument("--debug", action="store_true", help="出错时显示程序详细信息（调用栈） / show tracebacks of faults")

    e = sub.add_parser("extract", help="显示读取到的文字或版面 / show what was read",
                       description="显示读取到的文字（阅读顺序）或版面模型（JSON）。\nShow the text or the layout model.")
    e.add_argument("files", nargs="+", metavar="FILE", help="文件 / files")
    e.add_argument("--format", choices=("text", "json"), default="text", help="text 或 json / text or json")
    e.add_argument("--render", nargs=2, metavar=("PAGE", "PNG"),
                   help="把 OFD 的第 PAGE 页画成 PNG 图片 / draw page PAGE of an OFD file to a PNG")
    e.add_argument("--debug", action="store_true", help="出错时显示程序详细信息（调用栈） / show tracebacks of faults")

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
    sc.add_argument("--timezone", default=None,
                    help="计划所用时区（默认配置 [office] timezone、$SHOUWEN_TIMEZONE 或 Asia/Shanghai）/ time zone")
    sc.add_argument("--port", type=int, default=4200, help="流程服务端口，被占用时自动另选 / server port")
    sc.add_argument("--now", action="store_true", help="启动后立即先运行一批 / run one batch right away")
    sc.add_argument("--root", help=root_help)
    led = sub.add_parser("ledger", help="列出登记簿 / list the ledger", description="列出登记簿。List the ledger.")
    led.add_argument("--root", help=root_help)
    led.add_argument("--json", action="store_true", help="每件一行 JSON / one JSON object per document")
    led.add_argument("--confidential", action="store_true",
                     help="机要员查看：显示涉密和待核定收文的标题，须以机要员账户登录（--user 名 --password-stdin）"
                          " / the confidential clerk's view: log in as an account of role confidential")
    led.add_argument("--user", metavar="用户名", help="以此账户身份查看（密码从标准输入读入）/ act as this account")
    led.add_argument("--password-stdin", action="store_true", help="从标准输入读入密码 / read the password from stdin")
    led.add_argument("--limit", type=_positive, help="每页条数（不给：全部）/ rows per page (default: all)")
    led.add_argument("--offset", type=int, default=0, help="跳过前若干条 / skip this many rows")
    led.add_argument("--after", metavar="DOC", help="从此收文编号之后开始（翻页）/ start after this ledger number")
    led.add_argument("--newest", action="store_true", help="最新的在前 / newest first")
    for name, zh in (("status", "状态，如 returned"), ("department", "承办部门（可重复）"), ("issuer", "来文单位"),
                     ("channel", "来文渠道 edoc/fax/mail/scan"), ("kind", "文种")):
        led.add_argument(f"--{name}", action="append" if name in ("status", "department") else None, help=f"{zh} / {name}")
    led.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="收文日期起 / received from")
    led.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="收文日期止 / received until")
    led.add_argument("--year", type=_positive, help="收文编号年度 / year of the ledger number")
    s = sub.add_parser("search", help="全文检索收文 / full-text search", description="全文检索收文。Full-text search.")
    s.add_argument("query", nargs="+", metavar="QUERY", help="检索词，多个词须同时出现 / words, all required")
    s.add_argument("--root", help=root_help)
    for name, zh in (("issuer", "来文单位"), ("doc-type", "文种"), ("department", "承办部门"), ("channel", "来文渠道"),
                     ("verdict", "初审结论 accept/return"), ("status", "状态")):
        s.add_argument(f"--{name}", help=f"{zh} / {name}")
    s.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="成文日期起 / date from")
    s.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="成文日期止 / date to")
    s.add_argument("--limit", type=_positive, default=20, help="最多显示条数 / at most this many hits")
    s.add_argument("--json", action="store_true", help="每条结果一行 JSON / one JSON object per hit")

    rt = sub.add_parser("route", help="改办：把一件收文改送另一承办部门 / correct a routing",
                        description="改办：把一件收文改送另一承办部门，记入登记簿和检索。Correct a routing.")
    rt.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
    rt.add_argument("department", metavar="DEPT", help="承办部门 / department")
    rt.add_argument("--reason", default=None, help="改办理由 / why")
    rt.add_argument("--root", help=root_help)

    rl = sub.add_parser("release", help="机要员核定非涉密：待核定的收文转入分办和检索 / release a held document",
                        description="机要员核定：密级标志无法识别而暂存（待机要员核定）的收文，经机要员查看原件认定不涉密的，\n"
                                    "重新初审后转入分办和检索。涉密的请用 shouwen route DOC 机要室。\n"
                                    "Release a held document the confidential clerk has found not classified.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    rl.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
    rl.add_argument("--reason", default=None, help="核定意见 / the clerk's finding")
    rl.add_argument("--root", help=root_help)

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
    rb = sub.add_parser("rebuild-ledger", help="从档案重建登记簿（收文编号不变）/ rebuild the ledger from the archive",
                        description="登记簿丢失、清空或损坏时，从档案（registrations/、received/、archive/）和发件箱、隔离区、\n"
                                    "检索库重建登记簿，收文编号保持不变；损坏的登记簿另存备查。\n"
                                    "Rebuild a lost or damaged ledger from the archive, keeping the numbers.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    rb.add_argument("--root", help=root_help)
    rb.add_argument("--force", action="store_true",
                    help="登记簿完好时也重建（会丢失改办理由等只在登记簿中的信息）/ rebuild even a healthy ledger")
    ln = sub.add_parser("learn", help="重新训练分办模型 / retrain the routing model",
                        description="用按规则分办和改办过的收文重新训练分办模型（每批开始时也会自动进行）。\n"
                                    "Retrain the routing model from rule decisions and corrections.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ln.add_argument("--root", help=root_help)

    cf = sub.add_parser("config", help="显示生效的机关配置及其来源 / show the effective configuration",
                        description="显示生效的机关配置（shouwen.toml、环境变量、默认值）及每项的来源；配置有误时退出码为 2。\n"
                                    "Show the effective configuration and where each value came from.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    cf.add_argument("--root", help=root_help)
    cf.add_argument("--json", action="store_true", help="以 JSON 输出 / as JSON")
    from .worker_cmd import add_parser as add_worker_parser

    add_worker_parser(sub, root_help)
    from .migrate import add_parser as add_migrate_parser  # shouwen migrate: SQLite ledger → PostgreSQL

    add_migrate_parser(sub, root_help)
    from web.serve import add_parser as add_serve_parser  # shouwen serve: the web desk

    add_serve_parser(sub, root_help)
    from .accounts_cmd import add_parser as add_user_parser  # shouwen user: the web desk's accounts

    add_user_parser(sub, root_help)
    for name, command in sub.choices.items():  # `shouwen run --config X` as well as `shouwen --config X run`
        if any(a.dest == "root" for a in command._actions):
            command.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=config_help)

    ri = sub.add_parser("reindex", help="重建检索库 / rebuild the search index",
                        description="按登记簿和归档原件重建检索库（检索库丢失或损坏后使用；完成前旧库照常可查）。\n"
                                    "Rebuild the search index from the ledger and the archived originals.",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ri.add_argument("--root", help=root_help)
    r = sub.add_parser("rules", help="列出初审规则目录 / list the rule catalog",
                       description="列出全部初审规则（由规则本身生成）。\nList every rule, generated from the rules.")
    r.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="输出格式 / output format")
    return parser


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1 (argparse says the Chinese message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是“{text}”") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数（至少 1），而不是 {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    from .terminal import safe_streams

    safe_streams()  # whatever is printed, the output stays valid UTF-8
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_UNUSABLE
    debug = _logging(getattr(args, "debug", False) or bool(os.environ.get("SHOUWEN_DEBUG")))
    if hasattr(args, "root"):  # a command on the office's data root: its configuration, read once, checked first
        from .config import ConfigError, activate, load
        from .intake import data_root

        try:
            activate(load(data_root(args.root), args.config))
        except ConfigError as exc:
            print(f"shouwen: {exc}", file=sys.stderr)
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
        if args.command == "release":
            return _release(args)
        if args.command in ("resend", "withdraw"):
            return _return_desk(args)
        if args.command == "learn":
            return _learn(args)
        if args.command == "rebuild-ledger":
            return _rebuild_ledger(args)
        if args.command == "config":
            return _config(args)
        if args.command == "worker":
            from .worker_cmd import run_worker

            return run_worker(args)
        if args.command == "reindex":
            return _reindex(args)
        if args.command == "migrate":
            from .migrate import run_migrate

            return run_migrate(args)
        if args.command == "serve":
            from web.serve import run_serve

            return run_serve(args)
        if args.command == "user":
            from .accounts_cmd import run_user

            return run_user(args)
    except BrokenPipeError:  # `shouwen … | head`
        return 0
    except Exception as exc:  # 磁盘已满, 数据目录只读, 登记簿损坏, 另一批正在处理, 他人刚改过: one line, no traceback
        if _is_refusal(exc):  # the clerk's request cannot be done (pipelines/desk.py): its own Chinese line
            print(str(exc), file=sys.stderr)
            return EXIT_UNUSABLE
        line = _fault_line(exc, args)
        if line is not None:
            print(shown(f"shouwen: {line}"), file=sys.stderr)
            return EXIT_UNUSABLE
        # a fault of ours: exit 2 (never 1, which means 退文), the detail under --debug
        if debug:
            import traceback
            traceback.print_exc()
        print(shown(f"shouwen: 程序内部错误（{type(exc).__name__}: {exc}），请联系系统管理员"
                    + ("" if debug else "；加 --debug 或设置 SHOUWEN_DEBUG=1 可查看详细信息")), file=sys.stderr)
        return EXIT_UNUSABLE
    parser.print_help()
    return EXIT_UNUSABLE


def _logging(debug: bool) -> bool:
    """Readers log what they turned into a Chinese reason (logger shouwen.*, with its traceback): shown on
    stderr under --debug / SHOUWEN_DEBUG=1, else kept off the clerk's screen."""
    import logging

    logger = logging.getLogger("shouwen")
    for old in [h for h in logger.handlers if getattr(h, "shouwen_cli", False)]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr) if debug else logging.NullHandler()
    handler.shouwen_cli = True
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    return debug


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
            print(shown(f"{name}: 无法处理：{exc.reason}"), file=sys.stderr)
            continue
        except Exception as exc:  # a fault of ours while checking this file: say so, go on with the others
            if args.debug or os.environ.get("SHOUWEN_DEBUG"):
                import traceback
                traceback.print_exc()
            unusable += 1
            print(shown(f"{name}: 无法处理：初审时程序内部错误（{type(exc).__name__}），请联系系统管理员"), file=sys.stderr)
            continue
        returned += report["verdict"] == "return"
        if args.format == "json":
            print(json.dumps(report, ensure_ascii=False), flush=True)
        else:
            if i:
                print()
            from validators.report import render_text
            print(shown_text(render_text(report)), flush=True)
    if args.format == "text" and len(args.files) > 1:
        accepted = len(args.files) - unusable - returned
        print(f"\n共 {len(args.files)} 件：通过 {accepted} 件，退文 {returned} 件，无法处理 {unusable} 件", file=sys.stderr)
    return EXIT_UNUSABLE if unusable else (EXIT_RETURNED if returned else EXIT_ACCEPTED)


def _extract(args) -> int:
    from extractors import UnusableInput, extract

    if args.render:
        return _render(args)
    status = EXIT_ACCEPTED
    for name in args.files:
        try:
            document = extract(Path(name).read_bytes())
        except (UnusableInput, OSError) as exc:
            print(shown(f"{name}: 无法处理：{getattr(exc, 'reason', exc)}"), file=sys.stderr)
            status = EXIT_UNUSABLE
            continue
        if args.format == "json":
            print(json.dumps({"file": shown(name), **document.to_dict()}, ensure_ascii=False), flush=True)
        else:
            for page in document.pages:
                print(f"—— {shown(name)} 第 {page.number} 页 ——")
                for line in page.lines:
                    print(shown(line.text))
    return status


def _render(args) -> int:
    """`shouwen extract FILE --render PAGE out.png`: an OFD page drawn from what was read."""
    from extractors import UnusableInput, detect_format
    from extractors.ofd_reader import render_page

    try:
        data = Path(args.files[0]).read_bytes()
        if detect_format(data) != "ofd":
            print(f"{args.files[0]}: 只能渲染 OFD 文件（PDF 请用 pdftoppm）", file=sys.stderr)
            return EXIT_UNUSABLE
        out = render_page(data, int(args.render[0]), Path(args.render[1]))
    except (UnusableInput, OSError, ValueError, IndexError) as exc:
        print(f"{args.files[0]}: 无法渲染：{getattr(exc, 'reason', exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"已渲染第 {args.render[0]} 页：{out}")
    return EXIT_ACCEPTED

def _is_refusal(exc: BaseException) -> bool:
    from .accounts import LoginRefused
    from .desk import DeskRefusal
    from .office import NoLedger

    return isinstance(exc, (DeskRefusal, NoLedger, LoginRefused))


def _fault_line(exc: BaseException, args) -> str | None:
    """The clerk's line for a fault of the data root or a refused state change, else None (a real bug)."""
    from .batch_lock import BatchBusy
    from .faults import describe
    from .intake import data_root
    from .ledger import LedgerConflict, LedgerDamaged, LedgerUnavailable  # (office.LedgerUnreachable is one)
    from .routing import RulesError

    if isinstance(exc, (BatchBusy, LedgerConflict, LedgerDamaged, LedgerUnavailable, RulesError)):
        return str(exc)
    return describe(exc, data_root(getattr(args, "root", None)).resolve())


def _run(args) -> int:
    import logging

    from .batch_lock import batch_lock
    from .faults import check_writable
    from .intake import data_root, prepare
    from .office import Office

    logging.raiseExceptions = False  # a log file on a full disk must not print tracebacks at the clerk
    root = data_root(args.root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    fault = check_writable(root)  # before Prefect starts: it would wait for its own database first
    if fault:
        print(f"shouwen: {fault}", file=sys.stderr)
        return EXIT_UNUSABLE
    prepare(root)
    with batch_lock(root):  # the flow takes it again (same process): the second run is refused before Prefect starts
        with Office.open(root) as office:  # the ledger (checked, opened) and the 分办 rules, before Prefect starts
            office.rules
        return _run_locked(args, root)


def _run_locked(args, root: Path) -> int:
    import shutil

    from .faults import describe
    from .prefect_setup import configure

    if args.samples:
        samples = Path(__file__).resolve().parents[1] / "samples" / "inbox"
        for path in sorted(samples.glob("*/*")):
            shutil.copy2(path, root / "inbox" / path.parent.name / path.name)
    home = configure(root)
    from .batch_server import MARKER, BatchServer, ServerStartError

    os.environ[MARKER] = str(root)  # every process this batch starts carries it (see tests/test_batch_server.py)
    server = None
    if not os.environ.get("PREFECT_API_URL"):  # no standing server configured: the batch's own, started first
        server = BatchServer(home, root).start()
        os.environ["PREFECT_API_URL"] = server.url
    try:
        from flows import ingest

        print(f"数据目录：{root}", file=sys.stderr)
        if server:
            server.wait()
        ingest(str(root))  # prints its progress and its summary
    except ServerStartError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # the inbox or the data root itself failed (disk full, permissions…)
        line = describe(exc, root)
        if line:
            print(shown(f"shouwen: 本批处理中断。{line}"), file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"本批处理中断：{type(exc).__name__}: {shown(str(exc))}\n已登记的文件不受影响，下次运行会接着处理；"
              f"详细日志见 {root / 'prefect' / 'prefect.log'}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        if server:
            server.stop()
    return EXIT_ACCEPTED


def _config(args) -> int:
    from .config import current, mask

    config = current()
    rows = config.rows()
    if args.json:
        print(json.dumps({"file": str(config.path) if config.path else None, "root": str(config.root),
                          "values": {key: {"value": value, "source": source} for key, value, source in rows}},
                         ensure_ascii=False, indent=2))
        return EXIT_ACCEPTED
    print(f"配置文件：{config.path or '（无，使用默认值）'}")
    print(f"数据目录：{config.root}")
    print(f"登记簿：{mask(config.ledger_location())}")
    print(f"检索：{mask(config.index_location())}")
    width = max(len(key) for key, _, _ in rows)
    for key, value, source in rows:
        where = {"file": "配置文件", "default": "默认"}.get(source, source.replace("env:", "环境变量 "))
        print(f"  {key:<{width}}  {value}　［{where}］")
    return EXIT_ACCEPTED


def _schedule(args) -> int:
    from .config import current
    from .intake import data_root, prepare
    from .schedule import ScheduleError, serve

    root = data_root(args.root).resolve()
    prepare(root)
    try:
        serve(root, args.cron, args.timezone or current().office.timezone, args.port, args.now, say=lambda line: print(line, file=sys.stderr, flush=True))
    except ScheduleError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


def _office(args):
    """The office of --root (pipelines/office.py) with its ledger opened: NoLedger where no batch has made it
    yet, LedgerDamaged where it was lost while the archive holds documents (both said by main)."""
    from .intake import data_root
    from .office import Office

    return Office.open(data_root(args.root), create=False)


def _ledger(args) -> int:
    from . import desk
    from .ledger import LedgerQuery, parse_key
    from .ledger.query import MAX_LIMIT

    after = None
    if args.after:
        parsed = parse_key(args.after)
        if not parsed or parsed[0] != "number":
            print(f"shouwen: --after 应为收文编号，如 收〔2026〕12号，而不是“{shown(args.after)}”", file=sys.stderr)
            return EXIT_UNUSABLE
        after = parsed[1]
    try:
        query = LedgerQuery(statuses=tuple(args.status or ()), departments=args.department, issuer=args.issuer,
                            channel=args.channel, kind=args.kind, year=args.year, date_from=args.date_from,
                            date_to=args.date_to, order="-number" if args.newest else "number",
                            limit=args.limit or MAX_LIMIT, offset=args.offset, after=after)
    except ValueError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    shown_rows = 0
    with _office(args) as office:
        if args.confidential:  # the 机要员's view is a role: an account of role confidential logs in
            from . import access
            from .accounts_cmd import login_from_stdin

            if not (args.user and args.password_stdin):
                print("shouwen: 机要员查看须以机要员账户登录：shouwen ledger --confidential --user 用户名 --password-stdin",
                      file=sys.stderr)
                return EXIT_UNUSABLE
            actor = login_from_stdin(office, args.user)
            if not access.ledger_scope(actor).confidential:
                raise access.refusal("forbidden", f"账户 {actor.name} 不是机要员，不能查看涉密和待核定收文")
        while query is not None:
            page = desk.ledger_page(office, query, confidential=args.confidential)
            for entry in page.entries:
                row = entry.row
                if args.json:
                    print(json.dumps(entry.record(), ensure_ascii=False))
                else:
                    print(f"{row['number']}  {row['received_at'][:16]}  {row['channel']:4}  {entry.status}{entry.return_state}  "
                          f"{shown(row['department']) or '—'}  {entry.title}{shown(entry.marks)}")
            shown_rows += len(page.entries)
            query = None if args.limit else page.next  # --limit: one page; else every page
    if args.limit and not args.json:
        first = args.offset + 1 if shown_rows else 0
        line = f"共 {page.total} 件" + (f"，显示 {shown_rows} 件" if after else f"，显示第 {first}–{args.offset + shown_rows} 件")
        if page.next is not None and page.entries:
            line += f"；下一页：--limit {args.limit} --after {page.entries[-1].row['number']}"
        print(line, file=sys.stderr)
    return EXIT_ACCEPTED


def _search(args) -> int:
    from index import IndexUnavailable, QueryError

    from . import desk

    filters = {"issuer": args.issuer, "doc_type": args.doc_type, "department": args.department, "channel": args.channel,
               "verdict": args.verdict, "status": args.status}
    with _office(args) as office:
        try:
            found = desk.search(office, " ".join(args.query), limit=args.limit, date_from=args.date_from,
                                date_to=args.date_to, **filters)
        except (QueryError, IndexUnavailable, ValueError) as exc:  # ValueError: a date not YYYY-MM-DD
            print(f"shouwen: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    results = found.results
    for notice in results.notices:
        print(f"注意：{notice}", file=sys.stderr)
    for hit in found.hits:
        if args.json:
            print(json.dumps(found.record(hit), ensure_ascii=False))
        else:
            print(f"{shown(hit.number)}  {shown(hit.title)}{found.versions.get(hit.id, '')}\n    {shown(hit.snippet)}")  # 第2版
    if not args.json:
        print(f"共 {results.total} 条" + (f"，显示前 {len(found.hits)} 条" if results.total > len(found.hits) else ""),
              file=sys.stderr)
        for name, zh in (("doc_type", "文种"), ("issuer", "来文单位"), ("department", "承办部门")):
            if results.facets.get(name):
                print(f"  {zh}：" + "，".join(f"{shown(k)} {v}" for k, v in results.facets[name].items()), file=sys.stderr)
    return EXIT_ACCEPTED


def _route(args) -> int:
    from . import desk

    with _office(args) as office:
        routed = desk.route(office, args.document, args.department, args.reason)
    title = desk.titled(routed.row)
    if routed.kind == "held":  # classified now: the 收文编号 only, as the shared 登记簿 shows it (desk.named)
        print(f"{routed.row['number']}已转机要室")
    elif routed.kind == "confidential":
        print(f"{routed.row['number']}已改送机要室，并已撤出检索")
    else:
        if routed.warning:
            print(routed.warning, file=sys.stderr)
        print(f"{title}已改送{shown(routed.department)}")
    return EXIT_ACCEPTED


def _release(args) -> int:
    from . import desk

    with _office(args) as office:
        done = desk.release(office, args.document, args.reason)
    outcome = done.outcome
    where = {"indexed": "已入检索", "routed": "已分办", "held": "仍待核定"}.get(outcome.status, outcome.status)
    print(f"{desk.titled(done.row)}经机要员核定为非涉密，{where}，承办部门：{shown(outcome.department or '')}"
          f"（{shown(outcome.reason or '')}）")
    return EXIT_ACCEPTED


def _return_desk(args) -> int:
    from . import desk

    with _office(args) as office:
        if args.command == "resend":
            resent = desk.resend(office, args.document)
            print(f"{desk.titled(resent.row)}退文通知单已重发：{shown(resent.notice)}")
        else:
            done = desk.withdraw(office, args.document, args.reason)
            outcome = done.outcome
            print(f"{desk.titled(done.row)}已撤回退文，{'已入检索' if outcome.status == 'indexed' else '已分办'}，"
                  f"承办部门：{outcome.department}（{outcome.reason}）")
            if done.moved:
                print(f"原退文通知单已移至 {shown(done.moved[0].parent)}；如已送达来文单位，请告知作废")
    return EXIT_ACCEPTED


def _rebuild_ledger(args) -> int:
    from . import desk
    from .config import current
    from .intake import data_root

    done = desk.rebuild_ledger(data_root(args.root).resolve(), current(), force=args.force)
    states = "，".join(f"{_status_names().get(k, k)} {v} 件" for k, v in sorted(done.states.items()))
    print(f"登记簿已重建：{done.documents} 件（由登记记录恢复 {done.from_sidecars} 件，由 received/ 文件名恢复 "
          f"{done.from_received} 件，新编号 {done.renumbered} 件）；{states or '无收文'}")
    if done.kept:
        print(f"原登记簿已另存：{done.kept}")
    print("已登记而未办结的收文将由下一批重新初审")
    return EXIT_ACCEPTED


def _status_names() -> dict:  # rebuild-ledger restores routed only for the 机要室
    from .ledger import STATUS_ZH

    return {**STATUS_ZH, "routed": "已分办（机要室）"}


def _learn(args) -> int:
    from . import desk
    from .batch import learned_line

    with _office(args) as office:
        meta = desk.learn(office)
    print(learned_line(meta))
    return EXIT_ACCEPTED


def _reindex(args) -> int:
    from index import IndexUnavailable

    from . import desk

    with _office(args) as office:
        try:
            desk.reindex(office, say=lambda line: print(line, flush=True))
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
