"""`shouwen user …`: the web desk's accounts from the command line (the administrator's first account too).

    shouwen user add 用户名 --role clerk|staff|confidential|leader|admin [--department 部门] [--display 姓名] --password-stdin
    shouwen user list [--json]
    shouwen user disable 用户名 | enable 用户名
    shouwen user reset 用户名 --password-stdin
    shouwen user token add 用户名 [--label 名称]      prints the API token once (it is stored only as a hash)
    shouwen user token list [用户名]
    shouwen user token revoke 令牌编号

Passwords are read from standard input (`--password-stdin`: the first line), or asked twice at a terminal:
never on the command line, where `ps` and the shell's history would keep them.

Accounts are managed at the server's terminal, by whoever may read the data root (the operator): the first
account too. Any other command acts as an account with `--user 用户名 --password-stdin` (or $SHOUWEN_USER and
$SHOUWEN_PASSWORD): login(args) below.
"""
from __future__ import annotations

import json
import sys

from .actors import ROLE_ZH, ROLES


def _arguments(u) -> None:
    import argparse

    us = u.add_subparsers(dest="user_command", metavar="操作 / action")
    a = us.add_parser("add", help="新建账户 / add an account")
    a.add_argument("username", metavar="用户名")
    a.add_argument("--role", required=True, choices=ROLES,
                   help="角色 / role: " + "，".join(f"{r} {ROLE_ZH[r]}" for r in ROLES))
    a.add_argument("--department", help="承办部门（承办人员必填）/ department (staff)")
    a.add_argument("--display", default="", help="姓名（显示用）/ display name")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读入密码 / read the password from stdin")
    ls = us.add_parser("list", help="列出账户 / list accounts")
    ls.add_argument("--json", action="store_true", help="以 JSON 输出 / as JSON")
    for name, zh in (("disable", "停用账户（其会话随即结束）/ disable"), ("enable", "恢复账户 / enable")):
        c = us.add_parser(name, help=zh)
        c.add_argument("username", metavar="用户名")
    r = us.add_parser("reset", help="重置密码（其会话随即结束）/ reset the password")
    r.add_argument("username", metavar="用户名")
    r.add_argument("--password-stdin", action="store_true", help="从标准输入读入密码 / read the password from stdin")
    t = us.add_parser("token", help="API 令牌（/api/v1/）/ API tokens")
    ts = t.add_subparsers(dest="token_command", metavar="操作 / action")
    ta = ts.add_parser("add", help="新建令牌（只显示一次）/ add a token (shown once)")
    ta.add_argument("username", metavar="用户名")
    ta.add_argument("--label", default="API", help="令牌名称，如 OA / a label")
    tl = ts.add_parser("list", help="列出令牌 / list tokens")
    tl.add_argument("username", nargs="?", metavar="用户名")
    tr = ts.add_parser("revoke", help="吊销令牌 / revoke a token")
    tr.add_argument("token_id", type=int, metavar="令牌编号")
    from .commands import CONFIG_HELP, ROOT_HELP

    for command in (a, ls, r, t, ta, tl, tr, us.choices["disable"], us.choices["enable"]):
        command.add_argument("--root", default=argparse.SUPPRESS, help=ROOT_HELP)  # `shouwen user add x --root R`
        command.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)


def read_password(from_stdin: bool, confirm: bool = True) -> str:
    """The password: the first line of standard input, or asked at a terminal (twice when confirm).
    ValueError (Chinese) when neither is possible or the two differ."""
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise ValueError("请用 --password-stdin 从标准输入给出密码（不要写在命令行上）")
    import getpass

    first = getpass.getpass("密码 / password: ")
    if confirm and getpass.getpass("再输入一次 / again: ") != first:
        raise ValueError("两次输入的密码不一致")
    return first


USER_ENV, PASSWORD_ENV = "SHOUWEN_USER", "SHOUWEN_PASSWORD"


def login(args, environ=None):
    """The actor a command acts as: the account named by --user (else $SHOUWEN_USER), its password from the first
    line of standard input (--password-stdin), else $SHOUWEN_PASSWORD, else asked at a terminal; without a name,
    the server's operator cli:<os user>, a clerk (actors.cli_actor). Raises LoginRefused (Chinese: a wrong name or
    password, a disabled account, too many failures — throttled as the web desk's, address "cli") and
    office.NoLedger where the data root has no ledger (no accounts) yet."""
    import os

    from .actors import cli_actor

    environ = os.environ if environ is None else environ
    name = getattr(args, "user", None) or environ.get(USER_ENV)
    if not name:
        return cli_actor()
    from .accounts import Accounts, LoginRefused
    from .config import current
    from .dataroot import data_root
    from .office import Office

    if getattr(args, "password_stdin", False):
        password = read_password(True, confirm=False)
    elif environ.get(PASSWORD_ENV) is not None:
        password = environ[PASSWORD_ENV]
    elif sys.stdin.isatty():
        password = read_password(False, confirm=False)
    else:
        raise LoginRefused(f"以账户 {name} 办理须给出密码：--password-stdin（从标准输入）或环境变量 {PASSWORD_ENV}")
    with Office.open(data_root(args.root), current(), create=False) as office:
        return Accounts.open(office).authenticate(name, password, "cli").actor


def run_user(args) -> int:
    from .accounts import AccountError, Accounts
    from .config import current
    from .dataroot import data_root
    from .office import Office

    command = args.user_command
    if command is None:
        print("用法：shouwen user add|list|disable|enable|reset|token …（shouwen user --help）", file=sys.stderr)
        return 2
    try:
        password = read_password(args.password_stdin) if command in ("add", "reset") else None
    except ValueError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return 2
    with Office.open(data_root(args.root), current()) as office:
        accounts = Accounts.open(office)
        try:
            return _run(accounts, args, command, password, office)
        except AccountError as exc:
            print(f"shouwen: {exc}", file=sys.stderr)
            return 2


def _run(accounts, args, command: str, password, office) -> int:
    if command == "add":
        account = accounts.add(args.username, args.role, password, args.department, args.display)
        print(f"已新建账户 {account.username}（{account.role_zh}"
              f"{'，' + account.department if account.department else ''}）")
    elif command == "list":
        rows = accounts.list()
        if args.json:
            for a in rows:
                print(json.dumps({"username": a.username, "display": a.display, "role": a.role,
                                  "department": a.department, "disabled": a.disabled, "created_at": a.created_at},
                                 ensure_ascii=False))
        elif not rows:
            print("还没有账户：shouwen user add 用户名 --role admin --password-stdin")
        for a in rows if not args.json else ():
            print(f"{a.username}  {a.role_zh}  {a.department or '—'}  {a.display}  {'已停用' if a.disabled else '启用'}")
    elif command == "disable":
        print(f"已停用账户 {accounts.disable(args.username).username}，其登录会话已结束")
    elif command == "enable":
        print(f"已恢复账户 {accounts.enable(args.username).username}")
    elif command == "reset":
        print(f"已重置 {accounts.reset(args.username, password).username} 的密码，其登录会话已结束")
    elif command == "token":
        return _token(accounts, args, office)
    return 0


def _token(accounts, args, office) -> int:
    from .desk.common import office_time  # the office's one way to write a time (Beijing time, to the minute)

    if args.token_command == "add":
        token_id, token = accounts.add_token(args.username, args.label)
        print(f"令牌 {token_id}（{args.label}）：{token}")
        print("请立即妥善保存：令牌只显示这一次（库中只存其摘要）；调用时加请求头 Authorization: Bearer <令牌>",
              file=sys.stderr)
    elif args.token_command == "list":
        for t in accounts.tokens(args.username):
            state = (f"已吊销 {office_time(office, t['revoked_at'])}" if t["revoked_at"]
                     else f"最近使用 {office_time(office, t['last_used']) or '从未'}")
            print(f"{t['id']}  {t['username']}  {t['name']}  建于 {office_time(office, t['created_at'])}  {state}")
    elif args.token_command == "revoke":
        accounts.revoke_token(args.token_id)
        print(f"令牌 {args.token_id} 已吊销")
    else:
        print("用法：shouwen user token add|list|revoke …", file=sys.stderr)
        return 2
    return 0


def _command():
    from .commands import Command

    return Command(
        "user", "网页账户：新建、列出、停用、重置密码、API 令牌 / accounts",
        "账户（网页办公台和命令行 --user 共用）。角色：clerk 文秘，staff 承办人员（须 --department），\n"
        "confidential 机要员，leader 领导，admin 管理员。密码从标准输入读入（--password-stdin），\n"
        "或在终端中输入两次，不写在命令行上。在服务器上由操作员办理（第一个账户也是）。\n"
        "Accounts of the web desk and of the CLI's --user.",
        _arguments, run_user, acts=False)


USER = _command()
