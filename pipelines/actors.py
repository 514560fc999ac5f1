"""Who is asking (操作人): the person or process on whose behalf the desk reads or changes a document.

    Actor(name, role, department=None, display="")
    ROLES, ROLE_ZH      clerk 文秘, staff 承办人员, confidential 机要员, leader 领导, admin 管理员
    BATCH               the batch itself (role "system")
    cli_actor(role)     the person at the server's terminal: cli:<os user>, role clerk unless told otherwise
    history_kwargs(ledger, actor)   what a ledger state change takes to record who acted (see below)

What an actor may see and do is decided in pipelines/access.py, never here and never by a caller.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import Optional

ROLES = ("clerk", "staff", "confidential", "leader", "admin")
ROLE_ZH = {"clerk": "文秘", "staff": "承办人员", "confidential": "机要员", "leader": "领导", "admin": "管理员",
           "system": "批处理"}
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    name: str  # account username, or "batch", or "cli:<os user>"
    role: str  # one of ROLES, or "system" (the batch)
    department: Optional[str] = None  # staff: their 承办部门
    display: str = ""  # 姓名 as shown

    def __post_init__(self):
        if self.role not in ROLES and self.role != SYSTEM:
            raise ValueError(f"未知的角色：{self.role}（可用：{'、'.join(ROLES)}）")
        if self.role == "staff" and not self.department:
            raise ValueError("承办人员须属于一个承办部门")

    @property
    def history_name(self) -> str:
        """How the document's history names this actor (the ledger's `actor` column)."""
        return self.name

    @property
    def shown(self) -> str:
        """姓名（角色）, for a person reading a history or a refusal: 命令行操作员 root（文秘） for the terminal."""
        return f"{self.display or actor_label(self.name)}（{ROLE_ZH.get(self.role, self.role)}）"


def actor_label(name: str) -> str:
    """How a history or a message names who acted, where no account says more: 批处理 for the batch, 命令行操作员 root
    for the terminal (cli:root; the name --user's help gives it), any other name (an account's) as it is."""
    if name == "batch":
        return "批处理"
    if name.startswith("cli:"):
        return f"命令行操作员 {name[4:]}"
    return name


BATCH = Actor("batch", SYSTEM)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a container): its number
        return str(os.getuid())


def cli_actor(role: str = "clerk") -> Actor:
    """The person at the server's terminal: `cli:<os user>`. Until `shouwen` logs in with accounts (the web
    desk's issue), the role is what the command says it is for (clerk; confidential for the 机要员's own
    commands and views, which anyone at the terminal may type today: the web desk will require an account)."""
    return Actor(f"cli:{os_user()}", role)


def acting(actor: Optional[Actor]) -> Actor:
    """The actor of a desk call: the one given, else the person at this process's terminal as a clerk (a caller
    with no account: tests, scripts). A face that knows its user (the web desk) always passes it."""
    return actor if actor is not None else cli_actor()


def history_kwargs(ledger, actor: Optional[Actor]) -> dict:
    """The keywords a ledger state change (set_status, note) takes to record who acted in the document's history
    (the ledger's `actor` column, seam S1): {"actor": name}; {} for no actor (the ledger says "batch"). The one
    place that wires actors into the ledger."""
    return {} if actor is None else {"actor": actor.history_name}
