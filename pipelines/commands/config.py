"""`shouwen config`: the effective configuration and where each value came from."""
from __future__ import annotations

import json

from . import EXIT_ACCEPTED, Command


def _arguments(cf) -> None:
    cf.add_argument("--json", action="store_true", help="以 JSON 输出 / as JSON")


def _config(args) -> int:
    from ..config import current, mask

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


CONFIG = Command(
    "config", "显示生效的机关配置及其来源 / show the effective configuration",
    "显示生效的机关配置（shouwen.toml、环境变量、默认值）及每项的来源；配置有误时退出码为 2。\n"
    "Show the effective configuration and where each value came from.",
    _arguments, _config, acts=False)
