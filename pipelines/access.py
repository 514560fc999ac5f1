"""Who sees what (谁能看什么): the ONE place that decides it, for the web desk, its API, its exports and the CLI.

    can_see(actor, row) -> bool          may this actor know this ledger row exists (title, number, file, snippet)
    shows_title(actor, row) -> bool      may its title be shown (the web desk lists nothing it may not show)
    is_confidential(row) -> bool         classified (sent to the 机要室 as such, or a readable 密级) or held (待机要员核定)
    ledger_scope(actor) -> Scope         what a paged ledger query must add: departments, confidential rows in or out
    search_filters(actor) -> dict        what a search must add (staff: their 承办部门); the index never holds
                                         classified or held documents (index/base.py refuses them)
    require(actor, action, row=None)     DeskRefusal code "not_found" for a row the actor may not see (never
                                         "forbidden": a URL must not tell that a number exists), "forbidden" for
                                         an action the role may not take

Roles (pipelines/actors.py, issue 17): 文秘 clerk — every document but classified and held ones; 承办人员 staff —
their department's documents only; 机要员 confidential — also classified and held documents; 领导 leader — reads
what the clerk reads; 管理员 admin — accounts and configuration, no documents. The batch (role "system") sees all.
A classified or held document appears to nobody but the 机要员 role: not by number, title, file name, snippet or
count. Source: 保密法 (need to know); the office's 收文办理规程 (shared/seed).

Written by branch `web` to the S2 shape (SEAMS.md) until branch `house` lands theirs; templates and handlers
never decide visibility, they call these.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .actors import ROLE_ZH, Actor

CONFIDENTIAL_OFFICE = "机要室"

# action → the roles that may take it (a row, where given, must also be visible: can_see)
ACTIONS = {
    "read": ("clerk", "staff", "confidential", "leader"),       # a document's page, its images, its original
    "search": ("clerk", "staff", "confidential", "leader"),
    "ledger": ("clerk", "staff", "confidential", "leader"),     # the 登记簿, its export and print view
    "queue": ("clerk", "staff", "confidential", "leader"),      # a department's queue (staff: their own)
    "dashboard": ("clerk", "confidential", "leader"),
    "route": ("clerk",),                                        # 改办 to another department
    "to_confidential": ("confidential",),                       # 转机要室 (a held or indexed document)
    "release": ("confidential",),                               # 机要员核定非涉密
    "resend": ("clerk",),                                       # 重发 a 退文通知单
    "withdraw": ("clerk",),                                     # 撤回 a return
    "register": ("clerk",),                                     # 窗口收文: a paper document handed in
    "quarantine": ("clerk", "confidential"),                    # the quarantine with its reasons
    "accounts": ("admin",),
}


def _level(secrecy: Optional[str]) -> Optional[str]:
    from .decision import level_of

    return level_of(secrecy)


def is_confidential(row: dict) -> bool:
    """A classified document (sent to the 机要室 as classified, or whose recorded 密级 names a level) or one held
    for the 机要员 (its 密级 unread)."""
    return (row.get("route_source") == "classified" or row.get("status") == "held"
            or row.get("department") == CONFIDENTIAL_OFFICE or bool(_level(row.get("secrecy"))))


def can_see(actor: Actor, row: dict) -> bool:
    """True when `actor` may know that ledger row `row` exists (see the module's docstring)."""
    if actor.role in ("system", "confidential"):
        return True
    if actor.role not in ("clerk", "staff", "leader") or is_confidential(row):
        return False
    if actor.role == "staff":
        return bool(actor.department) and row.get("department") == actor.department
    return True


def shows_title(actor: Actor, row: dict) -> bool:
    """Whether the title may be shown: only where the row may be seen at all (the web desk never lists a masked
    row; the CLI's shared 登记簿 masks classified titles by number for the clerk — desk.ledger_entries)."""
    return can_see(actor, row)


@dataclass(frozen=True)
class Scope:
    """What a ledger query must add for an actor: nothing at all (`none`), only these departments (None: any),
    and whether classified and held rows are in (only the 机要员 and the batch)."""
    none: bool = False
    departments: Optional[tuple[str, ...]] = None
    confidential: bool = False


def ledger_scope(actor: Actor) -> Scope:
    if actor.role in ("system", "confidential"):
        return Scope(confidential=True)
    if actor.role in ("clerk", "leader"):
        return Scope()
    if actor.role == "staff" and actor.department:
        return Scope(departments=(actor.department,))
    return Scope(none=True)


def search_filters(actor: Actor) -> Optional[dict]:
    """Filters a search must add for `actor` ({"department": …} for staff), or None where the actor may not
    search at all (admin, staff without a department)."""
    scope = ledger_scope(actor)
    if scope.none or actor.role not in ACTIONS["search"] + ("system",):
        return None
    return {"department": scope.departments[0]} if scope.departments else {}


def refusal(code: str, message: str):
    """The desk's DeskRefusal with a stable code (SEAMS S3): "not_found", "forbidden", …"""
    from .desk import DeskRefusal

    try:
        exc = DeskRefusal(message, code=code)  # S3's shape, once branch house lands it
    except TypeError:
        exc = DeskRefusal(message)
    exc.code = code
    return exc


def not_found(key: str):
    from .terminal import shown

    return refusal("not_found", f"登记簿中没有“{shown(str(key))}”")


def require(actor: Actor, action: str, row: Optional[dict] = None, key: Optional[str] = None) -> None:
    """Refuse (DeskRefusal) what `actor` may not do: a row it may not see is not found (code "not_found",
    worded as for a number that does not exist), an action its role may not take is forbidden."""
    if action not in ACTIONS:
        raise ValueError(action)
    if row is not None and not can_see(actor, row):
        raise not_found(key or row.get("number") or "")
    if actor.role != "system" and actor.role not in ACTIONS[action]:
        raise refusal("forbidden", f"{ROLE_ZH.get(actor.role, actor.role)}不能办理此项（{ACTION_ZH.get(action, action)}）")


ACTION_ZH = {"read": "查看收文", "search": "检索", "ledger": "查看登记簿", "queue": "查看待办", "dashboard": "查看统计",
             "route": "改办", "to_confidential": "转机要室", "release": "核定非涉密", "resend": "重发退文通知单",
             "withdraw": "撤回退文", "register": "窗口收文登记", "quarantine": "查看隔离区", "accounts": "管理账户"}
