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

login_from_stdin(office, username) is how other commands act as an account (`shouwen ledger --confidential
--user 名 --password-stdin`: the 机要员's view is a role, not a flag anyone may type).
"""
from __future__ import annotations

import json
import sys

from .actors import ROLE_ZH, ROLES


def add_parser(sub, root_help: str) -> None:
    import argparse

    u = sub.add_parser("user", help="网页账户：新建、列出、停用、重置密码、API 令牌 / web desk accounts",
                       description="网页（shouwen serve）的账户。角色：clerk 文秘，staff 承办人员（须 --department），\n"
                                   "confidential 机要员，leader 领导，admin 管理员。密码从标准输入读入（--password-stdin），\n"
                                   "或在终端中输入两次，不写在命令行上。\nAccounts of the web desk.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    u.add_argument("--root", help=root_help)
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
    for command in (u, a, ls, r, t, ta, tl, tr) + tuple(us.choices[n] for n in ("disable", "enable")):
        if not any(x.dest == "root" for x in command._actions):
            command.add_argument("--root", default=argparse.SUPPRESS, help=root_help)


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


def login_from_stdin(office, username: str):
    """The actor of account `username`, its password read from standard input (a refused login raises
    LoginRefused, throttled like the web's, address "cli")."""
    from .accounts import Accounts

    password = read_password(True, confirm=False)
    return Accounts.open(office).authenticate(username, password, "cli").actor


def run_user(args) -> int:
    from .accounts import AccountError, Accounts
    from .intake import data_root
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
    with Office.open(data_root(args.root)) as office:
        accounts = Accounts.open(office)
        try:
            return _run(accounts, args, command, password)
        except AccountError as exc:
            print(f"shouwen: {exc}", file=sys.stderr)
            return 2


def _run(accounts, args, command: str, password) -> int:
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
        return _token(accounts, args)
    return 0


def _token(accounts, args) -> int:
    if args.token_command == "add":
        token_id, token = accounts.add_token(args.username, args.label)
        print(f"令牌 {token_id}（{args.label}）：{token}")
        print("请立即妥善保存：令牌只显示这一次（库中只存其摘要）；调用时加请求头 Authorization: Bearer <令牌>",
              file=sys.stderr)
    elif args.token_command == "list":
        for t in accounts.tokens(args.username):
            state = f"已吊销 {t['revoked_at']}" if t["revoked_at"] else f"最近使用 {t['last_used'] or '从未'}"
            print(f"{t['id']}  {t['username']}  {t['name']}  建于 {t['created_at']}  {state}")
    elif args.token_command == "revoke":
        accounts.revoke_token(args.token_id)
        print(f"令牌 {args.token_id} 已吊销")
    else:
        print("用法：shouwen user token add|list|revoke …", file=sys.stderr)
        return 2
    return 0
