"""`shouwen serve [--host 127.0.0.1] [--port 8000]`: the web desk on the office's data root and configuration.

One process (uvicorn); several behind the office's reverse proxy share sessions, throttling and the CSRF secret
through the ledger's database. Listens on 127.0.0.1 unless told otherwise: the office's proxy (HTTPS) faces the
intranet. Cookies are Secure unless [web] secure_cookies = false (plain HTTP on a closed intranet only).
"""
from __future__ import annotations

import sys


def add_parser(sub, root_help: str) -> None:
    import argparse

    s = sub.add_parser("serve", help="启动网页办公台 / serve the web desk",
                       description="启动网页办公台（登录、检索、登记簿、收文页面、待办、统计、API）。\n"
                                   "先用 shouwen user add 建立账户。Serve the web desk.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）/ address to listen on")
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000）/ port")
    s.add_argument("--root", help=root_help)


def run_serve(args) -> int:
    import uvicorn

    from pipelines.intake import data_root

    from .app import create_app

    root = data_root(args.root).resolve()
    app = create_app(root)
    office = app.app.state.office
    if not office.config.settings.web.secure_cookies:
        print("注意：[web] secure_cookies = false，登录 Cookie 可经明文 HTTP 传输，仅限封闭内网使用", file=sys.stderr)
    print(f"网页办公台：http://{args.host}:{args.port}/ （数据目录 {root}；按 Ctrl-C 停止）", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True,
                    forwarded_allow_ips="127.0.0.1")
    finally:
        office.close()
    return 0
