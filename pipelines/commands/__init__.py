"""The `shouwen` commands, as a table (命令表): each command is one Command, defined in its own module and
named here by one line. pipelines/cli.py builds the parser from this table, reads the office's configuration
first for every command on a data root, calls the command's `run`, and says refusals and faults in Chinese.

    Command(name, help, description, arguments, run, root=True, action=None, positional=(), acts=True)

A command that acts on the office's documents (acts=True, on a data root) takes --user 用户名 and
--password-stdin: the CLI then acts as that account (its role decides what it may see and do, and the history
names it); without them, as the server's operator cli:<os user>, a clerk. SHOUWEN_USER and SHOUWEN_PASSWORD do the
same for scripts (pipelines/accounts_cmd.py: login).

A new command is a module with a Command in it and one line in COMMANDS ("module:NAME"). Its module imports
only what building its parser needs at the top (argparse): what the command needs is imported when it runs,
so that a quick command never loads spaCy, Prefect or the OCR engine.
"""
from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Callable, Optional

EXIT_ACCEPTED, EXIT_RETURNED, EXIT_UNUSABLE = 0, 1, 2  # 1 means 退文, never a fault
EXIT_REVIEW_HELD = 3  # validate: 待复核, a 退文 that rests on a doubtful reading (validators/doubt.py); 1 stays a sure 退文

# In `shouwen --help` order: one line per command.
COMMANDS = (
    "pipelines.commands.review:VALIDATE",
    "pipelines.commands.review:EXTRACT",
    "pipelines.commands.batch:RUN",
    "pipelines.commands.batch:SCHEDULE",
    "pipelines.commands.desk:LEDGER",
    "pipelines.commands.desk:SEARCH",
    "pipelines.commands.desk:ROUTE",
    "pipelines.commands.desk:RELEASE",
    "pipelines.commands.desk:RESEND",
    "pipelines.commands.desk:WITHDRAW",
    "pipelines.commands.returns:RETURNS",
    "pipelines.commands.clerk_review:REVIEW",
    "pipelines.commands.desk:REBUILD_LEDGER",
    "pipelines.commands.desk:LEARN",
    "pipelines.commands.config:CONFIG",
    "pipelines.worker_cmd:WORKER",
    "pipelines.migrate:MIGRATE",
    "pipelines.commands.desk:REINDEX",
    "pipelines.commands.review:RULES",
    "pipelines.commands.docs:DOCS",
    "pipelines.handling.cli:DUE",
    "pipelines.handling.cli:HANDLING",
    "pipelines.handling.cli:PROPOSE",
    "pipelines.handling.cli:INSTRUCT",
    "pipelines.handling.cli:CLASSIFY",
    "pipelines.handling.cli:SIGN",
    "pipelines.handling.cli:RETURN",
    "pipelines.handling.cli:PROGRESS",
    "pipelines.handling.cli:EXTEND",
    "pipelines.handling.cli:ANSWER",
    "pipelines.handling.cli:DONE",
    "pipelines.handling.cli:CIRCULATE",
    "pipelines.handling.cli:READ",
    "pipelines.handling.cli:ARCHIVE",
    "pipelines.handling.cli:REMIND",
    "pipelines.handling.cli:FORM",
    "pipelines.handling.cli:REPORT",
    "web.serve:SERVE",
    "pipelines.accounts_cmd:USER",
    "pipelines.letters.cli:LETTERS",
    "pipelines.letters.cli:LETTER",
    "pipelines.letters.cli:LETTER_CATEGORY",
    "pipelines.letters.cli:TRANSFER",
    "pipelines.letters.cli:REPLY",
    "pipelines.letters.cli:LETTER_STATS",
)

ROOT_HELP = "机关数据目录（默认 $SHOUWEN_ROOT，否则 ./shouwen-data）/ the office's data root"
CONFIG_HELP = "机关配置文件（默认 $SHOUWEN_CONFIG，否则数据目录下的 shouwen.toml）/ the office's configuration file"
USER_HELP = "以此账户办理（密码用 --password-stdin 从标准输入给出；默认 $SHOUWEN_USER，否则命令行操作员）/ act as this account"
PASSWORD_HELP = "从标准输入第一行读入 --user 的密码（或用 $SHOUWEN_PASSWORD）/ read the account's password from stdin"


@dataclass(frozen=True)
class Command:
    name: str  # shouwen <name>
    help: str  # its line in `shouwen --help`: 中文 / English
    description: str  # its own --help: 中文, then English
    arguments: Callable[[argparse.ArgumentParser], None]  # adds the command's own arguments
    run: Callable[[argparse.Namespace], int]  # the handler: parse done, returns the exit code
    root: bool = True  # works on the office's data root: --root and --config, the configuration read first
    action: Optional[str] = None  # the desk action it performs: a refusal's Action of that name renders as it
    positional: tuple[str, ...] = ()  # that Action's args in the order the command takes them
    acts: bool = True  # acts on the office's documents as someone: --user / --password-stdin (root commands)

    def add_to(self, sub) -> argparse.ArgumentParser:
        parser = sub.add_parser(self.name, help=self.help, description=self.description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
        self.arguments(parser)
        if self.root:
            parser.add_argument("--root", help=ROOT_HELP)
            # `shouwen run --config X` as well as `shouwen --config X run`
            parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)
            if self.acts:
                parser.add_argument("--user", metavar="用户名", help=USER_HELP)
                parser.add_argument("--password-stdin", action="store_true", help=PASSWORD_HELP)
        parser.set_defaults(command_entry=self)
        return parser


def commands() -> list[Command]:
    """Every Command of COMMANDS, in order (each module imported: light at its top level)."""
    out = []
    for entry in COMMANDS:
        module, _, name = entry.partition(":")
        out.append(getattr(importlib.import_module(module), name))
    return out


def positive(text: str) -> int:
    """An argument that must be a whole number of at least 1 (argparse says the Chinese message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是“{text}”") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数（至少 1），而不是 {value}")
    return value


# -- a desk refusal's actions, as command lines (the web desk renders them as buttons) -----------------------------

_SHELL_SPECIAL = set(" \t\n'\"\\$`!*?&|;<>(){}[]#~")


def _word(value) -> str:
    import shlex

    text = str(value)
    return shlex.quote(text) if not text or any(c in _SHELL_SPECIAL for c in text) else text


def command_line(action, root=None) -> str:
    """An Action (pipelines/refusals.py) as the command that does it: `shouwen release 收〔2026〕3号 --root R`.
    The command is the one whose Command.action names the action; its positional args in order, the others
    as --flags. An action no command performs is shown by its label alone."""
    entry = next((c for c in commands() if c.action == action.name), None)
    if entry is None:
        return action.label
    words = ["shouwen", entry.name] + [_word(action.args[p]) for p in entry.positional if p in action.args]
    for key, value in action.args.items():
        if key in entry.positional or value in (None, False):
            continue
        flag = "--" + key.replace("_", "-")
        words += [flag] if value is True else [flag, _word(value)]
    if entry.root and root is not None:
        words += ["--root", _word(root)]
    return " ".join(words)


def say_actions(actions, args) -> None:
    """Each action on its own line of stderr: `  转机要室：shouwen route … --root R`."""
    import sys

    from ..dataroot import data_root
    from ..terminal import shown

    root = data_root(getattr(args, "root", None)).resolve()
    for action in actions:
        print(shown(f"  {action.label}：{command_line(action, root)}"), file=sys.stderr)
