"""`shouwen docs`: build the documentation site (docs/, MkDocs + Material) when it is missing or older than its
sources, and say where it is and how to serve it on the office's intranet.

Where the site is served, decided: the web desk serves the built site at /docs/ when site/ exists beside the
code (`shouwen serve`: same address, same HTTPS certificate and proxy as the desk, no second service to run or
open in the firewall; the manuals hold no office data, so they need no login: a clerk who cannot log in can
still read how to). Without the web desk any static server does (`python3 -m http.server --directory site`), and
the site also opens from a shared folder as files (Material's offline plugin makes its search work there too).

The sources (mkdocs.yml, docs/) ship with the repository, not the wheel: from an installed wheel without them
the command says so (exit 2). Building needs MkDocs and Material (`pip install '.[docs]'`, in --dev too).
"""
from __future__ import annotations

from pathlib import Path

from . import EXIT_ACCEPTED, EXIT_UNUSABLE, Command

CHECKOUT = Path(__file__).resolve().parents[2]  # the repository the package runs from (pip install -e .)


def _arguments(parser) -> None:
    parser.add_argument("--build", action="store_true", help="即使站点已是最新也重新生成 / rebuild even when current")
    parser.add_argument("--site", metavar="DIR", help="站点输出目录（默认仓库下的 site/） / where to write the site")


def sources(checkout: Path = CHECKOUT) -> list[Path]:
    """The files the site is built from: mkdocs.yml and everything under docs/."""
    return [checkout / "mkdocs.yml", *sorted(p for p in (checkout / "docs").rglob("*") if p.is_file())]


def is_current(site: Path, checkout: Path = CHECKOUT) -> bool:
    """True when site/index.html exists and is newer than every source file."""
    index = site / "index.html"
    if not index.is_file():
        return False
    built = index.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in sources(checkout))


def build(site: Path, checkout: Path = CHECKOUT) -> None:
    """mkdocs build --strict into `site` (RuntimeError with MkDocs' own lines on failure)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "--config-file", str(checkout / "mkdocs.yml"), "--site-dir", str(site)],
                          cwd=checkout, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip())


def _docs(args) -> int:
    import importlib.util
    import sys

    if not (CHECKOUT / "mkdocs.yml").is_file():
        print("文档源文件（mkdocs.yml、docs/）随代码仓库提供，本安装中没有；请在代码仓库中运行 shouwen docs",
              file=sys.stderr)
        return EXIT_UNUSABLE
    if args.site:  # before the build: an unwritable folder is one line naming it (pipelines/outputs.py)
        from ..outputs import writable_folder

        writable_folder(args.site)
    site = Path(args.site).expanduser().resolve() if args.site else CHECKOUT / "site"
    if args.build or not is_current(site):
        if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
            print("生成文档站点需要 MkDocs 与 Material：请运行 .venv/bin/pip install '.[docs]'（或 bash scripts/setup.sh --dev）",
                  file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"正在生成文档站点 → {site}", file=sys.stderr)
        try:
            build(site)
        except RuntimeError as exc:
            print(f"文档站点生成失败：\n{exc}", file=sys.stderr)
            return EXIT_UNUSABLE
    print(f"文档站点：{site / 'index.html'}")
    print("在机关内网提供（任选其一）：")
    print("  · 网页办公台：shouwen serve 在 /docs/ 下提供本站点（与办公台同一地址，无需登录）")
    print(f"  · 静态网站：python3 -m http.server 8001 --bind 0.0.0.0 --directory {site}")
    print(f"  · 共享文件夹：直接打开 {site / 'index.html'}（检索在本地文件中同样可用）")
    return EXIT_ACCEPTED


DOCS = Command(
    "docs", "生成文档站点并说明如何打开 / build the documentation site and say where it is",
    "生成文档站点（使用手册、管理员指南、初审规则目录、架构说明），并说明在机关内网如何提供。\n"
    "Build the documentation site (MkDocs) when missing or out of date; say where it is and how to serve it.",
    _arguments, _docs, root=False)
