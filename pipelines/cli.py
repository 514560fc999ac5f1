"""The `shouwen` command (命令行): help in Chinese and English, messages in Chinese.

    shouwen validate FILE… [--profile P] [--format text|json] [--channel C]   初审 (exit 0 / 1 / 2 / 3)
    shouwen extract FILE… [--format text|json]                               what was read
    shouwen rules [--format text|markdown|json]                              the rule catalog
    shouwen run | schedule | ledger | search | route | release | resend | withdraw | learn | reindex   the office's batch (--root)

The commands are a table (pipelines/commands: one Command per command, one line each). This module only parses,
reads the office's configuration first for a command on a data root, calls the command, and turns what went
wrong into one Chinese line and an exit code: 0 done, 1 returned (退文, `validate` only), 2 refused, unusable
input or a fault — never a traceback, unless asked for (--debug, SHOUWEN_DEBUG=1). A desk refusal is said with
the commands that would do what it suggests (its Actions). The CLI's actor is the account named by --user (its
password from --password-stdin; $SHOUWEN_USER / $SHOUWEN_PASSWORD for scripts: pipelines/accounts_cmd.login),
else the person at the terminal, cli:<os user>, a clerk (pipelines/actors.py) — the server's operator.
"""
from __future__ import annotations

import argparse
import os
import sys

from .commands import CONFIG_HELP, EXIT_ACCEPTED, EXIT_RETURNED, EXIT_UNUSABLE, commands, say_actions  # noqa: F401
from .terminal import shown, shown_text

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
    parser = argparse.ArgumentParser(
        prog="shouwen",
        description="收文：公文接收、初审（GB/T 9704-2012）、退文、分办与检索。\n"
                    "shouwen: intake and pre-review of incoming official documents.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="命令 / command")
    for command in commands():
        command.add_to(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .actors import cli_actor
    from .terminal import safe_streams

    safe_streams()  # whatever is printed, the output stays valid UTF-8
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_UNUSABLE
    command = args.command_entry
    args.actor = cli_actor()  # the person at the terminal, a clerk, until an account logs in (below)
    debug = _logging(getattr(args, "debug", False) or bool(os.environ.get("SHOUWEN_DEBUG")))
    if command.root:  # a command on the office's data root: its configuration, read once, checked first
        from .config import ConfigError, activate, load
        from .dataroot import data_root

        try:
            activate(load(data_root(args.root), args.config))
        except ConfigError as exc:
            print(f"shouwen: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    try:
        if command.root and command.acts:  # --user / $SHOUWEN_USER: the account this command acts as
            from .accounts_cmd import login

            args.actor = login(args)
        return command.run(args)
    except BrokenPipeError:  # `shouwen … | head`
        return 0
    except Exception as exc:  # 磁盘已满, 数据目录只读, 登记簿损坏, 另一批正在处理, 他人刚改过: one line, no traceback
        from .refusals import DeskRefusal

        if isinstance(exc, DeskRefusal):  # what was asked cannot be done (pipelines/desk): why, and what would do
            print(shown_text(f"shouwen: {exc.message}"), file=sys.stderr)
            say_actions(exc.actions, args)
            if exc.code == "forbidden" and args.actor.name.startswith("cli:"):  # the operator, no account
                print("  以有此权限的账户办理：在命令后加 --user 用户名 --password-stdin（密码从标准输入给出）",
                      file=sys.stderr)
            return EXIT_UNUSABLE
        from .accounts import LoginRefused

        if isinstance(exc, LoginRefused):  # a wrong name or password, a disabled or throttled account
            print(shown(f"shouwen: 登录失败：{exc}"), file=sys.stderr)
            return EXIT_UNUSABLE
        from .outputs import OutputUnwritable

        if isinstance(exc, OutputUnwritable):  # --out / --xlsx / --site: the path and why, checked before the work
            print(shown(f"shouwen: {exc}"), file=sys.stderr)
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


def _fault_line(exc: BaseException, args) -> str | None:
    """The clerk's line for a fault of the data root or a refused state change, else None (a real bug)."""
    from .batch_lock import BatchBusy
    from .dataroot import data_root
    from .faults import describe
    from .ledger import LedgerConflict, LedgerDamaged, LedgerUnavailable  # (office.LedgerUnreachable is one)
    from .routing import RulesError

    if isinstance(exc, (BatchBusy, LedgerConflict, LedgerDamaged, LedgerUnavailable, RulesError)):
        return str(exc)
    return describe(exc, data_root(getattr(args, "root", None)).resolve())


if __name__ == "__main__":
    sys.exit(main())
