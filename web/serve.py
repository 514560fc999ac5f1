"""`shouwen serve [--host 127.0.0.1] [--port 8000]`: the web desk on the office's data root and configuration.

One process (uvicorn); several behind the office's reverse proxy share sessions, throttling and the CSRF secret
through the ledger's database. Listens on 127.0.0.1 unless told otherwise: the office's proxy (HTTPS) faces the
intranet. Cookies are Secure unless [web] secure_cookies = false (plain HTTP on a closed intranet only).

This module imports nothing but argparse at its top: FastAPI and uvicorn are imported when `serve` runs, so
that the quick commands (`shouwen ledger`, `due` …) never load them.
"""
from __future__ import annotations

import sys

from pipelines.commands import Command


def _arguments(s) -> None:
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）/ address to listen on")
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000）/ port")


def run_serve(args) -> int:
    import uvicorn

    from pipelines.config import current
    from pipelines.dataroot import data_root
    from pipelines.office import Office

    from .app import create_app

    root = data_root(args.root).resolve()
    office = Office.open(root, current())  # a fresh office: the ledger is made, as `user add` does
    app = create_app(office)
    if not office.config.settings.web.secure_cookies:
        print("注意：[web] secure_cookies = false，登录 Cookie 可经明文 HTTP 传输，仅限封闭内网使用", file=sys.stderr)
    print(f"网页办公台：http://{args.host}:{args.port}/ （数据目录 {root}；按 Ctrl-C 停止）", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True,
                    forwarded_allow_ips="127.0.0.1")
    finally:
        office.close()
    return 0


SERVE = Command(
    "serve", "启动网页办公台 / serve the web desk",
    "启动网页办公台（登录、检索、登记簿、收文页面、待办、承办督办、统计、API）。\n"
    "先用 shouwen user add 建立账户。Serve the web desk.",
    _arguments, run_serve, acts=False)
