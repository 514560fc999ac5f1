"""Refusals the desk gives (办理不了的理由), and the action it suggests instead — plain data for every face.

    raise DeskRefusal("held", "收〔2026〕3号 的密级待机要员核定…", Action("release", "核定为非涉密", {"key": …}))

`code` is a stable id the faces may branch on; `message` is Chinese with no shell wording; each Action names a
desk operation with its arguments: the CLI renders it as a command line (shouwen release 收〔2026〕3号 --root R),
the web desk as a button or a link. str(refusal) is the message (the CLI prints it, exit 2).

Codes: not_found, forbidden, held, classified, not_finished, not_returned, returned, quarantined, bad_department,
no_department, no_departments, unknown_department, index_unavailable, too_few_examples, no_root, ledger_in_database,
ledger_elsewhere, ledger_healthy, unreadable_original, not_held, marked, no_ledger.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Action:
    name: str  # a desk operation: "route", "release", "reindex", "rebuild_ledger", "run_batch", …
    label: str  # Chinese, fit for a button: "转机要室"
    args: dict = field(default_factory=dict)  # {"key": "收〔2026〕3号", "department": "机要室"}

    def __hash__(self) -> int:
        return hash((self.name, self.label, tuple(sorted(self.args.items()))))


class DeskRefusal(ValueError):
    """What was asked cannot be done; str() says why, in Chinese (the CLI exits with 2). `actions`: what may be
    done instead, the first of them as `action`."""

    def __init__(self, code: str, message: str, *actions: Action):
        super().__init__(message)
        self.code = code
        self.message = message
        self.actions = tuple(a for a in actions if a is not None)

    @property
    def action(self) -> Action | None:
        return self.actions[0] if self.actions else None

    def __reduce__(self):  # refusals cross process boundaries (worker pools) whole
        return (type(self), (self.code, self.message, *self.actions))
