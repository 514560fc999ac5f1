"""Who is asking (操作人): the actor every desk function takes, and the roles of the web desk (SEAMS S2).

    Actor(name, role, department=None, display="")   name: an account's username, "batch", or "cli:<os user>"
    ROLES = ("clerk", "staff", "confidential", "leader", "admin")
    ROLE_ZH: 文秘, 承办人员, 机要员, 领导, 管理员
    BATCH: the scheduled batch (role "system")

Written by branch `web` to the shape SEAMS.md S2 gives, until branch `house` lands its own module (theirs wins).
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Optional

ROLES = ("clerk", "staff", "confidential", "leader", "admin")
ROLE_ZH = {"clerk": "文秘", "staff": "承办人员", "confidential": "机要员", "leader": "领导", "admin": "管理员"}


@dataclass(frozen=True)
class Actor:
    name: str  # account username, or "batch", or "cli:<os user>"
    role: str  # one of ROLES, or "system" (the batch)
    department: Optional[str] = None  # staff: their 承办部门
    display: str = ""  # 姓名 as shown

    @property
    def history_name(self) -> str:
        """How the document's history names this actor: "张三（文秘）", "batch", "cli:root"."""
        if self.role in ROLE_ZH:
            return f"{self.display or self.name}（{ROLE_ZH[self.role]}）"
        return self.name


BATCH = Actor("batch", "system")


def cli_actor() -> Actor:
    """The CLI's actor where no account logged in: cli:<os user>, role clerk."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (a container without /etc/passwd entry)
        user = "unknown"
    return Actor(f"cli:{user}", "clerk")
