"""Generate the parts of the documentation site that the code already knows, so they are never written twice.

    .venv/bin/python scripts/gen_docs.py           # (re)write the generated pages
    .venv/bin/python scripts/gen_docs.py --check   # exit 1, naming each page, when one differs from the code

Pages (docs/…, each starting with a GENERATED banner; tests/project/test_docs.py fails when one drifts):
    admin/configuration.md  shouwen.toml key by key: from pipelines/config.py's schema (Settings: sections, keys,
                            types, defaults, choices), its ENV table (the variables) and the commented example
                            in its module docstring (what each key is for)
    admin/commands.md       every `shouwen` command's help, from the command table (pipelines/commands/COMMANDS)
    rules/catalog.md        the 初审 rule catalog, from the registered rules (validators/catalog.py)
    rules/profiles.md       the shipped profiles, from validators/profiles/*.toml
    manual/messages.md      the Chinese messages a clerk or an operator can meet, collected from the code (the
                            refusals of the desk, the reasons a file is quarantined, configuration and service
                            faults), by an AST walk over the product's packages
"""
from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import io
import os
import re
import sys
import tomllib
import typing
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BANNER = ("<!-- 本页由 scripts/gen_docs.py 从代码生成，请勿手改；改代码后运行 `.venv/bin/python scripts/gen_docs.py`。"
          " GENERATED from the code: edit the code, then regenerate. -->\n\n")


# ---------------------------------------------------------------------------------------------- configuration
_SECTION_LINE = re.compile(r"^\s*\[(?P<name>[A-Za-z_][\w.]*)\]\s*(?:#\s*(?P<comment>.*))?$")
_PAIR = re.compile(r"""(?P<key>[A-Za-z_]\w*|"[^"]+")\s*=\s*(?P<value>"[^"]*"|\[[^\]]*\]?|[^\s#]+)""")


def _split_comment(line: str) -> tuple[str, str | None]:
    """`code  # comment` → (code, comment); a # inside a quoted value is not a comment."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i], line[i + 1:].strip()
    return line, None


def documented_keys(doc: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The commented example in pipelines/config.py's docstring → ({section: comment}, {(section, key): comment}).
    A comment-only line continues the comment of the line above it; keys written on one line share its comment."""
    sections: dict[str, str] = {}
    keys: dict[tuple[str, str], str] = {}
    section, last = None, []
    for raw in doc.splitlines():
        if not raw.startswith("    "):
            if raw.strip():
                section, last = None, []  # prose between examples ends the example
            continue
        match = _SECTION_LINE.match(raw)
        if match:
            section = match["name"]
            sections[section] = (match["comment"] or "").strip()
            last = [("section", section)]
            continue
        code, comment = _split_comment(raw)
        if section is None:
            continue
        if not code.strip():
            if comment and last:
                for item in last:
                    if item[0] == "section":
                        sections[item[1]] = f"{sections[item[1]]} {comment}".strip()
                    else:
                        keys[item] = f"{keys[item]} {comment}".strip()
            continue
        pairs = [m["key"].strip('"') for m in _PAIR.finditer(code)]
        if not pairs:
            continue
        if code.lstrip().startswith('"'):  # an example entry of a table ("某市教育局" = […]), not a key
            continue
        last = [(section, key) for key in pairs]
        for item in last:
            keys[item] = (comment or "").strip()
    return sections, keys


def _type_zh(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "取值之一：" + "、".join(f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return _type_zh(inner[0]) + "（可不设）"
    if origin is list:
        return f"列表（{_type_zh(args[0]) if args else '值'}）"
    if origin is dict:
        return "表（键 = 值）"
    names = {str: "字符串", int: "整数", float: "数", bool: "true / false"}
    if annotation in names:
        return names[annotation]
    name = getattr(annotation, "__name__", str(annotation))
    return {"SecretStr": "字符串（保密：从不显示）"}.get(name, name)


def _toml_value(value) -> str:
    if value is None:
        return "（未设）"
    if hasattr(value, "get_secret_value"):
        return "（未设）" if not value.get_secret_value() else "***"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '""' if value == "" else f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}" if not value else "{ " + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + " }"
    return str(value)


def _without_env(comment: str) -> str:
    """A docstring comment without the variable it names (the table has a column for it)."""
    return re.sub(r"\s*\((?:env )?\$?[A-Z][A-Z0-9_]+\)", "", comment).strip(" ;；")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def configuration_page() -> str:
    from pipelines import config

    sections_doc, keys_doc = documented_keys(config.__doc__ or "")
    out = [BANNER, "# 配置文件 shouwen.toml 逐项说明\n",
           "机关的配置写在数据目录下的 `shouwen.toml`（或 `--config 文件`、环境变量 `$SHOUWEN_CONFIG` 指定的文件）。"
           "每一项都有默认值，没有配置文件的机关照样运行。同一项的取值按 **环境变量 > 配置文件 > 默认值** 的顺序生效；"
           "`shouwen config` 列出当前生效的每一项及其来源，密码一律显示为 `***`。写错的值或未知的项会被拒绝："
           "提示信息说明是哪个文件（或环境变量）的哪一项，命令以退出码 2 结束。\n",
           "The office's configuration, key by key, generated from the schema in `pipelines/config.py` (sections, "
           "keys, types, defaults, choices), its `ENV` table and the commented example in its docstring.\n"]
    for section, field in config.Settings.model_fields.items():
        model = field.annotation
        intro = sections_doc.get(section, "")
        doc = (model.__doc__ or "").strip()
        if doc.startswith(("A base class", "Usage docs")):
            doc = ""
        out.append(f"## [{section}]\n")
        if intro:
            out.append(f"{intro}\n")
        if doc:
            out.append(f"{' '.join(doc.split())}\n")
        out += ["| 配置项 | 类型 | 默认值 | 环境变量 | 说明 |", "|---|---|---|---|---|"]
        for key, info in model.model_fields.items():
            env = config.ENV.get((section, key))
            described = info.description or _without_env(keys_doc.get((section, key), "")) or "（待补充说明）"
            out.append(f"| `{key}` | {_cell(_type_zh(info.annotation))} | `{_cell(_toml_value(info.get_default()))}` "
                       f"| {f'`{env}`' if env else '—'} | {_cell(described)} |")
        out.append("")
    out += ["## 其他环境变量\n",
            "| 环境变量 | 作用 |", "|---|---|",
            "| `SHOUWEN_ROOT` | 数据目录（`--root` 未给出时；默认 `./shouwen-data`） |",
            "| `SHOUWEN_CONFIG` | 配置文件（`--config` 未给出时；默认数据目录下的 `shouwen.toml`） |", ""]
    return "\n".join(out)


def undescribed_keys() -> list[str]:
    """Keys of the schema with no description anywhere (the drift test fails on them)."""
    from pipelines import config

    _, keys_doc = documented_keys(config.__doc__ or "")
    return [f"[{s}] {k}" for s, f in config.Settings.model_fields.items() for k, info in f.annotation.model_fields.items()
            if not (info.description or keys_doc.get((s, k)))]


def example_keys_not_in_schema() -> list[str]:
    from pipelines import config

    sections, keys_doc = documented_keys(config.__doc__ or "")
    fields = config.Settings.model_fields
    out = [f"[{s}]" for s in sections if s.split(".")[0] not in fields]
    for s, k in keys_doc:
        top = s.split(".")[0]
        if top in fields and "." not in s and k not in fields[top].annotation.model_fields:
            out.append(f"[{s}] {k}")
    return out


# ---------------------------------------------------------------------------------------------- commands
def commands_page() -> str:
    import pipelines.cli  # noqa: F401  argparse's own words in Chinese, as `shouwen … --help` prints them
    from pipelines.commands import COMMANDS, EXIT_ACCEPTED, EXIT_RETURNED, EXIT_REVIEW_HELD, EXIT_UNUSABLE

    os.environ["COLUMNS"] = "110"  # argparse wraps to the terminal: a fixed width keeps the page stable
    out = [BANNER, "# 命令一览（shouwen 命令行）\n",
           "每条命令的完整帮助（`shouwen 命令 --help` 的内容），按 `shouwen --help` 的顺序。"
           "Every command's help, from the command table `pipelines/commands/COMMANDS`.\n",
           "## 退出码\n", "| 退出码 | 含义 |", "|---|---|",
           f"| {EXIT_ACCEPTED} | 正常完成（初审：可以分办） |",
           f"| {EXIT_RETURNED} | 初审：退文（这是结论，不是故障） |",
           f"| {EXIT_UNUSABLE} | 文件无法读取、配置有误或办公台拒绝办理（附中文说明） |",
           f"| {EXIT_REVIEW_HELD} | 初审：待复核（退文理由依赖不确定的识别结果，由文秘决定） |", ""]
    names = []
    for entry in COMMANDS:
        module, attr = entry.split(":")
        command = getattr(importlib.import_module(module), attr)
        parser = argparse.ArgumentParser(prog="shouwen")
        sub = parser.add_subparsers()
        names.append(command.name)
        help_text = command.add_to(sub).format_help()
        out += [f"## shouwen {command.name}\n", f"{_cell(command.help)}\n", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- rules
def catalog_page() -> str:
    from validators.catalog import render_catalog
    from validators.registry import all_rules

    rules = all_rules()
    errors = sum(1 for r in rules.values() if r.severity == "error")
    out = [BANNER, "# 初审规则目录\n",
           f"收文初审按以下 {len(rules)} 条规则核对来文（其中 {errors} 条默认为错误，即退文的理由；其余为提示，"
           "写在退文通知单或审核意见中，但单独出现时不退文）。每条规则有固定的编号、依据条款、为什么这样要求、"
           "错误示例和改正方法；退文通知单上的每条意见都写明规则编号，来文单位可在本页查到。"
           "命令行中 `shouwen rules` 列出同样的内容。\n",
           "The rule catalog, generated from the registered rules (`validators/registry.py`, rendered by "
           "`validators/catalog.py`). A profile ([初审配置](profiles.md)) may change a rule's severity or parameters.\n",
           _anchored(render_catalog("markdown")), ""]
    return "\n".join(out)


def _anchored(markdown: str) -> str:
    """Each rule's heading gets its id as its anchor (catalog.md#element.date), stable whatever its title says."""
    return re.sub(r"^(### `([a-z]+\.[a-z0-9-]+)` — .*)$", r"\1 { #\2 }", markdown, flags=re.M)


def profiles_page() -> str:
    from validators.registry import all_rules

    rules = all_rules()
    folder = ROOT / "validators" / "profiles"
    out = [BANNER, "# 初审配置（profile）\n",
           "初审配置决定哪些规则生效、各是错误还是提示、参数是多少。机关在 `shouwen.toml` 的 `[office] profile` "
           "中选用随程序提供的配置名，或写自己的 TOML 文件（用 `extends` 继承一个已有配置，只写不同之处）。"
           "`shouwen validate --profile 名称` 对单个文件试用。\n",
           "Profiles: which rules apply, at which severity, with which parameters. Shipped under "
           "`validators/profiles/`; an office's own file `extends` one of them.\n"]
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.append(f"## {data.get('name', path.stem)}\n")
        out.append(f"{data.get('description', '')}\n")
        if data.get("extends"):
            out.append(f"继承：[{data['extends']}](#{data['extends'].replace('.', '')})\n")
        changes = data.get("rules", {})
        if not changes:
            out.append("全部规则按规则目录的默认级别和参数生效。\n")
            continue
        out += ["| 规则 | 改动 |", "|---|---|"]
        for rule_id, change in sorted(changes.items()):
            parts = []
            if "enabled" in change:
                parts.append("停用" if not change["enabled"] else "启用")
            if "severity" in change:
                parts.append("级别改为" + {"error": "错误（退文）", "warning": "提示"}.get(change["severity"], change["severity"]))
            for key, value in (change.get("params") or {}).items():
                parts.append(f"参数 `{key}` = `{_cell(_toml_value(value))}`")
            title = rules[rule_id].title if rule_id in rules else "（未知规则）"
            out.append(f"| [`{rule_id}`](catalog.md#{rule_id}) {title} | {'；'.join(parts)} |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- messages
# exception class → (section, argument index of the message, argument index of the code or None)
MESSAGE_KINDS = {
    "DeskRefusal": ("desk", 1, 0),
    "HandlingRefusal": ("handling", 1, 0),
    "UnusableInput": ("unreadable", 0, 1),
    "OcrUnavailable": ("unreadable", 0, None),
    "ClassifiedRefused": ("unreadable", 0, None),
    "ConfigError": ("config", 0, None),
    "LedgerUnavailable": ("service", 0, None),
    "LedgerUnreachable": ("service", 0, None),
    "LedgerDamaged": ("service", 0, None),
    "LedgerMoved": ("service", 0, None),
    "IndexUnavailable": ("service", 0, None),
    "MigrationRefused": ("service", 0, None),
    "ScheduleError": ("config", 0, None),
    "CalendarFileError": ("config", 0, None),
    "WordsError": ("config", 0, None),
    "RulesError": ("config", 0, None),
    "ProfileError": ("config", 0, None),
    "BatchBusy": ("service", 0, None),
    "ServerStartError": ("service", 0, None),
}
SECTIONS = {
    "desk": ("办公台的拒绝（办理不了的理由）",
             "文秘、承办人员、机要员在办公台（网页或命令行）上请求的操作办不了时看到的说明。"
             "编号（如 `not_found`）是固定的；多数拒绝同时给出可以改做的操作（网页上是按钮，命令行中是一条命令）。"
             "看不到的收文一律说“登记簿中没有”，不说“无权”：这是有意的，涉密文件不因拒绝而暴露其存在。"),
    "handling": ("承办与督办的拒绝", "拟办、批办、签收、办结、延期、催办等操作办不了时的说明。"),
    "unreadable": ("文件无法读取（进入隔离区）",
                   "来文无法读取时，文件原样移入数据目录的 `quarantine/`，旁边的说明文件写着下列理由之一；"
                   "网页的“隔离区”页面和每批处理的小结中也能看到。文件没有丢失：来文单位重发可读的文件即可。"),
    "config": ("配置与机关文件的错误", "管理员写错 `shouwen.toml`、节假日文件、批示用语表、分办规则或初审配置时的提示；"
               "提示写明哪个文件的哪一项，命令以退出码 2 结束，不做任何改动。"),
    "service": ("登记簿、检索与批处理的故障", "数据库、检索服务或批处理本身出了问题时给管理员的提示。"),
}
PACKAGES = ("pipelines", "extractors", "index", "validators", "web")

# What each ledger status (pipelines.ledger.STATUS_ZH) means to the clerk; a status the ledger gains without a line
# here fails tests/project/test_docs.py (statuses_without_meaning).
STATUS_MEANING = {
    "registered": "刚登记，尚未初审（批处理正在处理）",
    "reviewed": "已初审，正在决定退文还是分办（批处理正在处理）",
    "returned": "有确凿的退文理由，已出具退文通知单",
    "routed": "已分办到承办部门（涉密件分办到机要室，不进入检索）",
    "indexed": "已分办，并已进入检索",
    "quarantined": "文件读不出来，已移入隔离区，原因写在旁边",
    "held": "像是标了密级但看不清，等机要员核定（只有机要员看得到）",
    "linked": "同一公文经另一渠道又到，正文相同，已关联到先收的一件",
    "review_held": "退文理由依赖看不准的识别结果，等文秘复核",
    "transferred": "来信不属于受理范围，已转有关部门",
}


# A 退文通知单's delivery states (pipelines/returns/delivery.STATES), for the clerk.
DELIVERY_MEANING = {
    "pending": "排队等待经邮件发出",
    "sending": "正在发送",
    "sent": "已通过邮件发给来文单位",
    "failed": "邮件没有发出（附服务器的答复）；暂时不通的由后续批处理自动重试，被拒收的不再重试",
    "manual": "没有可用的邮件地址，请经公文交换系统或传真送达，再登记已送达",
    "delivered": "文秘已登记人工送达（写明方式）",
    "cancelled": "已取消（如退文已撤回）",
}


def delivery_states() -> dict | None:
    """pipelines.returns.delivery.STATES where delivery is built, else None."""
    try:
        from pipelines.returns.delivery import STATES
    except ImportError:
        return None
    return STATES


def statuses_without_meaning() -> list[str]:
    from pipelines.ledger import STATUS_ZH

    return sorted(set(STATUS_ZH) - set(STATUS_MEANING)) + sorted(set(delivery_states() or {}) - set(DELIVERY_MEANING))


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append("…")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None or right is not None:
            return (left or "…") + (right or "…")
    return None


def collected_messages() -> dict[str, list[tuple[str, str, str]]]:
    """{section: [(code, message template, module)]}: every literal Chinese message of the kinds above."""
    found: dict[str, set] = {k: set() for k in SECTIONS}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module = path.relative_to(ROOT).as_posix()
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name not in MESSAGE_KINDS:
                    continue
                section, at, code_at = MESSAGE_KINDS[name]
                if len(node.args) <= at:
                    continue
                message = _template(node.args[at])
                if not message or not re.search(r"[\u4e00-\u9fff]", message):
                    continue
                code = ""
                if code_at is not None and len(node.args) > code_at:
                    arg = node.args[code_at]
                    code = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else "…"
                found[section].add((code, " ".join(message.split()), module))
    return {k: sorted(v) for k, v in found.items()}


def messages_page() -> str:
    out = [BANNER, "# 全部提示信息\n",
           "下列提示信息是从程序代码中逐条收集的（“…”处是具体的收文编号、部门、文件名等）。"
           "常见提示的含义和处理办法见[提示信息怎么办](messages-explained.md)。"
           "Every Chinese message of the desk's refusals, quarantine reasons and faults, collected from the code.\n"]
    from pipelines.ledger import STATUS_ZH

    out += ["## 登记簿中的状态\n", "| 状态 | 意思 |", "|---|---|"]
    out += [f"| {zh} | {STATUS_MEANING.get(key, '（待补充说明）')} |" for key, zh in STATUS_ZH.items()]
    out.append("")
    if delivery_states():
        out += ["## 退文通知单的送达状态\n", "| 状态 | 意思 |", "|---|---|"]
        out += [f"| {zh} | {DELIVERY_MEANING.get(key, '（待补充说明）')} |" for key, zh in delivery_states().items()]
        out.append("")
    for section, items in collected_messages().items():
        title, intro = SECTIONS[section]
        out += [f"## {title}\n", f"{intro}\n", "| 编号 | 提示 | 出处 |", "|---|---|---|"]
        for code, message, module in items:
            out.append(f"| {f'`{code}`' if code else '—'} | {_cell(message)} | `{module}` |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- driver
PAGES = {
    "admin/configuration.md": configuration_page,
    "admin/commands.md": commands_page,
    "rules/catalog.md": catalog_page,
    "rules/profiles.md": profiles_page,
    "manual/messages.md": messages_page,
}


def render_all() -> dict[str, str]:
    sys.path.insert(0, str(ROOT)) if str(ROOT) not in sys.path else None
    with redirect_stdout(io.StringIO()):
        return {name: make().rstrip("\n") + "\n" for name, make in PAGES.items()}


def drifted(pages: dict[str, str]) -> dict[str, str]:
    """{page: unified diff} for every generated page that differs from docs/ on disk."""
    out = {}
    for name, text in pages.items():
        path = DOCS / name
        kept = path.read_text(encoding="utf-8") if path.exists() else ""
        if kept != text:
            out[name] = "".join(difflib.unified_diff(kept.splitlines(True), text.splitlines(True),
                                                     f"docs/{name}", f"generated/{name}", n=1))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="生成文档站点中由代码决定的页面 / generate the site's generated pages")
    parser.add_argument("--check", action="store_true", help="只比较，不写入；有差异时退出码 1")
    args = parser.parse_args(argv)
    pages = render_all()
    if args.check:
        diffs = drifted(pages)
        for name, diff in diffs.items():
            print(diff)
        if diffs:
            print(f"过期的生成页面：{', '.join(diffs)}（运行 .venv/bin/python scripts/gen_docs.py 重新生成）")
        return 1 if diffs else 0
    for name, text in pages.items():
        path = DOCS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
