"""Who sees what, and who may do what (权限): decided here and nowhere else — not in a template, a handler or
a CLI command.

    can_see(actor, row)          -> bool    whether the row exists for this actor at all
    shows_title(actor, row)      -> bool    whether its title and file names are shown (else masked)
    ledger_scope(actor)          -> Scope   what a ledger query must add for this actor (departments,
                                            confidential rows shown, masked or left out, or nothing)
    shows_personal(actor, row)   -> bool    whether a 来信's writer, telephone and address are shown (个人信息保护法)
    require(actor, action, row)  -> None    DeskRefusal "not_found" for a row the actor may not see (never
                                            "forbidden": its existence is not confirmed), "forbidden" for an
                                            action the role may not take

Roles (pipelines/actors.py): the 文秘 (clerk) sees every document, classified and held ones listed by their
收文编号 only (the shared 登记簿 has no holes in its numbering); the 机要员 (confidential) sees everything,
titles too; 承办人员 (staff) see their own department's documents, never a classified or held one; the 领导
(leader) reads every open document; the 管理员 (admin) manages accounts and configuration and sees no document;
the batch (system) sees and does everything. A citizen's 来信 (kind "letter") is a row like any other, but its
writer's name, telephone and address are personal information: shown to the 文秘 and to the department the
letter was 交办'd to, to nobody else (the 领导 and the 机要员 read the letter without them; the search index only
holds the redacted text). A classified (机密 etc.) document shown to the wrong person is the
worst thing this product can do: when in doubt, a row is not seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .actors import SYSTEM, Actor
from .refusals import DeskRefusal
from .secrecy import is_confidential

# roles to whom a classified or held row is listed by number, its title and names withheld
LISTS_MASKED = ("clerk",)
SEES_CONFIDENTIAL = ("confidential", SYSTEM)
READS_ALL_OPEN = ("clerk", "confidential", "leader", SYSTEM)

# action → the roles that may take it (a row, where given, must also be seen: can_see)
MAY = {
    "read": ("clerk", "staff", "confidential", "leader", SYSTEM),
    "route": ("clerk", "confidential", SYSTEM),  # 改办 to another department
    "to_confidential": ("clerk", "confidential", SYSTEM),  # 转机要室: whoever finds a mark sends it on
    "release": ("confidential", SYSTEM),  # 机要员核定非涉密
    "resend": ("clerk", SYSTEM),
    "withdraw": ("clerk", SYSTEM),
    "review": ("clerk", SYSTEM),  # 复核 a 待复核: confirm the 退文 or send it on to 分办
    "run_batch": ("clerk", "admin", SYSTEM),
    "validate": ("clerk", "staff", "confidential", "leader", "admin", SYSTEM),
    "learn": ("clerk", "admin", SYSTEM),
    "reindex": ("clerk", "admin", SYSTEM),
    "rebuild_ledger": ("clerk", "admin", SYSTEM),
    "letter_category": ("clerk", SYSTEM),  # 来信类别: the clerk corrects the proposed one (the router learns)
    "transfer": ("clerk", SYSTEM),  # 转出 a 来信 the procedures send elsewhere
    "reply": ("clerk", "staff", SYSTEM),  # 答复 a 来信 (its department, or the clerk for it)
    "letter_stats": ("clerk", "leader", SYSTEM),  # 来信统计 (counts only, no personal information)
}
SEES_PERSONAL = ("clerk", SYSTEM)  # a 来信's writer, telephone, address: these roles, and the letter's department
ACTION_ZH = {"read": "查看", "route": "改办", "to_confidential": "转机要室", "release": "核定非涉密", "resend": "重发退文",
             "withdraw": "撤回退文", "review": "复核", "run_batch": "运行收文批处理", "validate": "初审", "learn": "训练分办模型",
             "reindex": "重建检索库", "rebuild_ledger": "重建登记簿",
             "letter_category": "更正来信类别", "transfer": "转出来信", "reply": "答复来信", "letter_stats": "查看来信统计"}


def can_see(actor: Actor, row: dict) -> bool:
    """Whether `row` (a ledger row) exists for `actor`: listed, found by number, shown in search."""
    if actor.role in SEES_CONFIDENTIAL:
        return True
    if is_confidential(row):
        return actor.role in LISTS_MASKED
    if actor.role in READS_ALL_OPEN:
        return True
    if actor.role == "staff":
        return bool(actor.department) and row.get("department") == actor.department
    return False  # admin: accounts and configuration, no documents


def shows_title(actor: Actor, row: dict) -> bool:
    """Whether the row's title, file names and mail subject are shown to `actor` (else a stand-in)."""
    return can_see(actor, row) and (not is_confidential(row) or actor.role in SEES_CONFIDENTIAL)


def shows_personal(actor: Actor, row: dict) -> bool:
    """Whether a 来信's personal information (writer, telephone, address, mail address) is shown to `actor`:
    the 文秘 and the batch, and the staff of the department it was 交办'd to; never to anyone who cannot see
    the row. A 公文 (kind not "letter") has none."""
    if not can_see(actor, row):
        return False
    if actor.role in SEES_PERSONAL:
        return True
    return actor.role == "staff" and bool(actor.department) and row.get("department") == actor.department


@dataclass(frozen=True)
class Scope:
    """What a ledger query must add for one actor. departments: only rows routed to these (None: any);
    confidential: "shown" (titles too), "masked" (listed by number, title withheld) or "excluded";
    nothing: no rows at all."""
    departments: Optional[tuple[str, ...]] = None
    confidential: str = "excluded"
    nothing: bool = False

    def admits(self, row: dict) -> bool:
        """The same constraint on one row (what a query in SQL must agree with)."""
        if self.nothing:
            return False
        if self.departments is not None and row.get("department") not in self.departments:
            return False
        return self.confidential != "excluded" or not is_confidential(row)


def ledger_scope(actor: Actor) -> Scope:
    """The constraints of `actor`'s ledger view (admits(row) == can_see(actor, row) for every row)."""
    if actor.role in SEES_CONFIDENTIAL:
        return Scope(confidential="shown")
    if actor.role == "staff":
        return Scope(departments=(actor.department,) if actor.department else (), confidential="excluded")
    if actor.role in READS_ALL_OPEN:
        return Scope(confidential="masked" if actor.role in LISTS_MASKED else "excluded")
    return Scope(nothing=True)


def require(actor: Actor, action: str, row: Optional[dict] = None, key: Optional[str] = None) -> None:
    """Refuse (DeskRefusal) unless `actor` may take `action` (on `row`): "not_found" where the row is not seen
    (said as for a number not in the ledger: `key`, the number as typed), "forbidden" where the role may not."""
    if row is not None and not can_see(actor, row):
        raise DeskRefusal("not_found", f"登记簿中没有“{key or row.get('number')}”")
    if actor.role not in MAY.get(action, ()):
        raise DeskRefusal("forbidden", f"{actor.shown}无权{ACTION_ZH.get(action, action)}")
