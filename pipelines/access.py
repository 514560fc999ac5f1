"""Who sees what, and who may do what (权限): decided here and nowhere else — not in a template, a handler or
a CLI command. Every face (the CLI, the web desk's pages, its exports and its API) asks these.

    can_see(actor, row)          -> bool    whether the row exists for this actor at all: its title, number, file
                                            name, snippet, and its place in any count
    shows_title(actor, row)      -> bool    whether its title and file names are shown (== can_see: nothing is
                                            ever listed with its title masked)
    sees_confidential(actor)     -> bool    the 机要员's view: classified and held documents, their 密级 and 保密期限
    ledger_scope(actor)          -> Scope   what a ledger query must add for this actor (departments; classified
                                            and held rows shown or excluded; nothing at all); Scope.sql(alias)
                                            says it as WHERE clauses, for every list and every count
    search_filters(actor)        -> dict    what a search must add ({"department": …} for staff; {} for the rest)
    may(actor, action, row=None) -> bool    require() without the refusal (what a face offers as a button)
    shows_personal(actor, row)   -> bool    whether a 来信's writer, telephone and address are shown (个人信息保护法)
    shows_original(actor, row)   -> bool    whether the original file and its page images are given (a 来信's carry
                                            its writer's personal information: as shows_personal)
    require(actor, action, row)  -> None    DeskRefusal "not_found" for a row the actor may not see (never
                                            "forbidden": its existence is not confirmed), "forbidden" for an
                                            action the role may not take
    handling_steps(actor, row, department) -> tuple   the 承办/督办 steps (MAY's names) the actor may take on it

Roles (pipelines/actors.py; issue 17 item 2, 18 item 4):

    role          documents                              may do
    文秘 clerk      every open document                   改办, 重发/撤回退文, 窗口收文, 隔离区, 批处理; 拟办, 批办
                                                         (for a leader), 改定, 传阅, 归档, and a department's steps
                                                         on its behalf (签收 … 办结, as the office's 督办)
    承办人员 staff   their own department's open documents 签收, 退回, 办理情况, 延期, 答复, 办结, 已阅
    机要员          everything, classified and held too,   核定非涉密 (release), 转机要室; on classified and held
    confidential   with their 密级 and 保密期限             documents only (the design card's 机要员; the 文秘 never
                                                         sees them) the 文秘's handling work — 拟办, 批办 (for a
                                                         leader), 改定, 传阅, 归档 (CLASSIFIED_WORK) — and the steps
                                                         of the 机要室's own documents; never the 文秘's 复核,
                                                         窗口收文, 重发/撤回退文, nor any of it on an open document
    领导 leader     every open document                   批办 (their own), 已阅, 督办 lists
    管理员 admin    none                                  accounts and configuration
    批处理 system   everything                            everything

A classified or held document (secrecy.is_confidential: classified, held, with the 机要室, or a level named in
its 密级 field) appears to nobody but the 机要员 role — not by title, number, file name, snippet or count, on no
page, list, dashboard, export, API answer or URL; the shared 登记簿 has gaps in its numbering where they are, and
says nothing of them. A department's staff cannot open another department's document (not found, not forbidden).
When in doubt, a row is not seen: the worst thing this product can do is show a classified document to the
wrong person.

A citizen's 来信 (kind "letter") is a row like any other, but its writer's name, telephone and address are
personal information: shown to the 文秘 and to the department the letter was 交办'd to, to nobody else
(shows_personal; the 领导 and the 机要员 read the letter without them; the search index only holds the redacted
text).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .actors import SYSTEM, Actor
from .refusals import DeskRefusal
from .secrecy import CONFIDENTIAL_OFFICE, confidential_sql, is_confidential

SEES_CONFIDENTIAL = ("confidential", SYSTEM)
READS_ALL_OPEN = ("clerk", "confidential", "leader", SYSTEM)
READERS = ("clerk", "staff", "confidential", "leader", SYSTEM)  # every role that reads documents

# action → the roles that may take it (a row, where given, must also be seen: can_see)
MAY = {
    "read": READERS,  # a document's page, its page images, its original, its 退文通知单
    "search": READERS,
    "ledger": READERS,  # the 登记簿, its XLSX and its print view
    "queue": READERS,  # a department's queue (staff: their own)
    "dashboard": ("clerk", "confidential", "leader", SYSTEM),
    "due": ("clerk", "confidential", "leader", "staff", SYSTEM),  # 督办: overdue and due soon (staff: their own)
    "view_confidential": SEES_CONFIDENTIAL,  # `ledger --confidential`, the handling commands' --confidential
    "route": ("clerk", "confidential", SYSTEM),  # 改办 to another department
    "to_confidential": SEES_CONFIDENTIAL,  # 转机要室 (`route … 机要室`): the 机要员's own decision
    "release": SEES_CONFIDENTIAL,  # 机要员核定非涉密
    "resend": ("clerk", SYSTEM),
    "withdraw": ("clerk", SYSTEM),
    "review": ("clerk", SYSTEM),  # 复核 a 待复核: confirm the 退文 or send it on to 分办
    "register": ("clerk", SYSTEM),  # 窗口收文: a paper document handed in at the counter
    "quarantine": ("clerk", "confidential", SYSTEM),
    "accounts": ("admin", SYSTEM),
    "run_batch": ("clerk", "admin", SYSTEM),
    "validate": ("clerk", "staff", "confidential", "leader", "admin", SYSTEM),
    "learn": ("clerk", "admin", SYSTEM),
    "reindex": ("clerk", "admin", SYSTEM),
    "rebuild_ledger": ("clerk", "admin", SYSTEM),
    # 承办/督办 (pipelines/handling): who writes which step (the department's steps: see handling_steps)
    "propose": ("clerk", "confidential", SYSTEM),  # 拟办意见
    "instruct": ("leader", "clerk", "confidential", SYSTEM),  # 批办: the leader, or the clerk for a leader (代录)
    "classify": ("clerk", "confidential", SYSTEM),  # 改定办件/阅件
    "circulate": ("clerk", "confidential", SYSTEM),  # 传阅
    "archive": ("clerk", "confidential", SYSTEM),  # 归档
    "remind": ("clerk", SYSTEM),  # 催办 now
    "form": READERS,  # 收文处理单
    "report": ("clerk", "confidential", "leader", SYSTEM),  # 督查专报
    "read_mark": ("clerk", "staff", "confidential", "leader", SYSTEM),  # 已阅 (传阅: the reader in turn)
    "sign": ("staff", "clerk", "confidential", SYSTEM),  # 签收 …
    "give_back": ("staff", "clerk", "confidential", SYSTEM),  # 退回 (mis-routed)
    "progress": ("staff", "clerk", "confidential", SYSTEM),  # 办理情况
    "extend": ("staff", "clerk", "confidential", SYSTEM),  # 延期
    "answer": ("staff", "clerk", "confidential", SYSTEM),  # 答复 (来信)
    "done": ("staff", "clerk", "confidential", SYSTEM),  # 办结
    "letter_category": ("clerk", SYSTEM),  # 来信类别: the clerk corrects the proposed one (the router learns)
    "letter_assign": ("clerk", SYSTEM),  # 交办 a 来信 (again) to a department: the clerk's, as 受理 is
    "transfer": ("clerk", SYSTEM),  # 转出 a 来信 the procedures send elsewhere
    "reply": ("clerk", "staff", SYSTEM),  # 答复 a 来信 (its department, or the clerk for it)
    "letter_stats": ("clerk", "leader", SYSTEM),  # 来信统计 (counts only, no personal information)
}
# the 文秘's work the 机要员 does on classified and held documents only (nobody else may see them); on an open
# document it is the 文秘's (DESIGN.md: the 机要员 has classified and held documents, release or keep)
CLASSIFIED_WORK = ("route", "propose", "instruct", "classify", "circulate", "archive")
SEES_PERSONAL = ("clerk", SYSTEM)  # a 来信's writer, telephone, address: these roles, and the letter's department
DEPARTMENT_STEPS = ("sign", "give_back", "progress", "extend", "answer", "done")
HANDLING_STEPS = ("propose", "instruct", "classify", *DEPARTMENT_STEPS, "circulate", "read_mark", "archive")
ACTION_ZH = {"read": "查看", "search": "检索", "ledger": "查看登记簿", "queue": "查看待办", "dashboard": "查看统计",
             "due": "查看督办", "view_confidential": "查看涉密和待核定收文", "route": "改办", "to_confidential": "转机要室",
             "release": "核定非涉密", "resend": "重发退文", "withdraw": "撤回退文", "register": "窗口收文登记",
             "quarantine": "查看隔离区", "accounts": "管理账户", "run_batch": "运行收文批处理", "validate": "初审",
             "learn": "训练分办模型", "reindex": "重建检索库", "rebuild_ledger": "重建登记簿", "propose": "拟办",
             "instruct": "批办", "classify": "改定办件/阅件", "circulate": "传阅", "archive": "归档", "remind": "催办",
             "form": "打印收文处理单", "report": "生成督查专报", "read_mark": "记录已阅", "sign": "签收",
             "give_back": "退回", "progress": "记录办理情况", "extend": "延期", "answer": "答复来信", "done": "办结", "review": "复核",
             "letter_category": "更正来信类别", "letter_assign": "交办来信", "transfer": "转出来信", "reply": "答复来信（写回来信人）",
             "letter_stats": "查看来信统计"}


def can_see(actor: Actor, row: dict) -> bool:
    """Whether `row` (a ledger row) exists for `actor`: listed, counted, found by number, shown in search."""
    if actor.role in SEES_CONFIDENTIAL:
        return True
    if is_confidential(row):
        return False  # to nobody but the 机要员: not even by its number
    if actor.role in READS_ALL_OPEN:
        return True
    if actor.role == "staff":
        return bool(actor.department) and row.get("department") == actor.department
    return False  # admin: accounts and configuration, no documents


def shows_title(actor: Actor, row: dict) -> bool:
    """Whether the row's title, file names and mail subject are shown to `actor`: wherever it is seen at all (no
    face lists a row with its title withheld)."""
    return can_see(actor, row)


def sees_confidential(actor: Actor) -> bool:
    """The 机要员's view: classified and held documents, with their 密级 and 保密期限 columns."""
    return actor.role in SEES_CONFIDENTIAL


def shows_personal(actor: Actor, row: dict) -> bool:
    """Whether a 来信's personal information (writer, telephone, address, mail address) is shown to `actor`:
    the 文秘 and the batch, and the staff of the department it was 交办'd to; never to anyone who cannot see
    the row. A 公文 (kind not "letter") has none."""
    if not can_see(actor, row):
        return False
    if actor.role in SEES_PERSONAL:
        return True
    return actor.role == "staff" and bool(actor.department) and row.get("department") == actor.department


def shows_original(actor: Actor, row: dict) -> bool:
    """Whether the archived original of `row` and its page images are given to `actor`. A 公文's: wherever it
    is seen. A 来信's original holds its writer's name, telephone and address as written, which no redaction
    reaches: only where shows_personal (the 文秘, the batch, the department it was 交办'd to)."""
    if not can_see(actor, row):
        return False
    return row.get("kind") != "letter" or shows_personal(actor, row)


@dataclass(frozen=True)
class Scope:
    """What a ledger query must add for one actor. departments: only rows routed to these (None: any);
    confidential: "shown" (classified and held rows in) or "excluded" (left out, not counted); nothing: no rows."""
    departments: Optional[tuple[str, ...]] = None
    confidential: str = "excluded"
    nothing: bool = False

    def admits(self, row: dict) -> bool:
        """The same constraint on one row (what a query in SQL must agree with)."""
        if self.nothing:
            return False
        if self.departments is not None and row.get("department") not in self.departments:
            return False
        return self.confidential == "shown" or not is_confidential(row)

    def sql(self, alias: str = "d") -> tuple[list[str], list]:
        """The same constraint as SQL on the documents row `alias`: (WHERE clauses to AND, their parameters). Every
        count a face shows comes from a query with these clauses, as its rows do (a count and a list never differ)."""
        if self.nothing:
            return ["1 = 0"], []
        where, params = [], []
        if self.departments is not None:
            where.append(f"{alias}.department IN ({', '.join('?' * len(self.departments))})" if self.departments
                         else "1 = 0")
            params += list(self.departments)
        if self.confidential != "shown":
            where.append(f"NOT {confidential_sql(alias)}")
        return where, params


def ledger_scope(actor: Actor) -> Scope:
    """The constraints of `actor`'s ledger view (admits(row) == can_see(actor, row) for every row)."""
    if actor.role in SEES_CONFIDENTIAL:
        return Scope(confidential="shown")
    if actor.role == "staff":
        return Scope(departments=(actor.department,) if actor.department else (), confidential="excluded")
    if actor.role in READS_ALL_OPEN:
        return Scope(confidential="excluded")
    return Scope(nothing=True)


def search_filters(actor: Actor) -> dict:
    """What a search must add for `actor`: {"department": …} for staff (the index holds no classified or held
    document at all: index/base.py refuses them, secrecy.kept_from_index keeps them out); DeskRefusal
    "forbidden" for a role that does not search."""
    require(actor, "search")
    scope = ledger_scope(actor)
    if scope.departments is not None:
        if not scope.departments:
            raise DeskRefusal("forbidden", f"{actor.shown}没有所属的承办部门，不能检索")
        return {"department": scope.departments[0]}
    return {}


def may(actor: Actor, action: str, row: Optional[dict] = None) -> bool:
    """Whether require(actor, action, row) would pass."""
    try:
        require(actor, action, row)
    except DeskRefusal:
        return False
    return True


def require(actor: Actor, action: str, row: Optional[dict] = None, key: Optional[str] = None) -> None:
    """Refuse (DeskRefusal) unless `actor` may take `action` (on `row`): "not_found" where the row is not seen
    (said as for a number not in the ledger: `key`, the number as typed), "forbidden" where the role may not.
    An unknown action is a programming error (KeyError): nothing is allowed by a misspelling."""
    allowed = MAY[action]
    if row is not None and not can_see(actor, row):
        raise DeskRefusal("not_found", f"登记簿中没有“{key or row.get('number')}”")
    if actor.role not in allowed:
        raise DeskRefusal("forbidden", f"{actor.shown}无权{ACTION_ZH.get(action, action)}")
    if row is not None and actor.role == "confidential" and action in CLASSIFIED_WORK and not is_confidential(row):
        raise DeskRefusal("forbidden", f"{actor.shown}只办理涉密和待核定的收文，{key or row.get('number')} 不是，"
                                       f"无权{ACTION_ZH[action]}；请文秘办理")


def require_step(actor: Actor, step: str, row: dict, department: Optional[str], key: Optional[str] = None) -> None:
    """require() for a 承办/督办 step on a document whose handling record is at `department`: a department's steps
    (DEPARTMENT_STEPS) only by that department's staff (or the clerk on its behalf; the 机要员 for the 机要室's
    own, and for no other department's: a 来信 never); a staff member of another department, or the 机要员
    outside the 机要室, is refused "forbidden" as for any step they may not take."""
    require(actor, step, row, key)
    if step in DEPARTMENT_STEPS and actor.role == "staff" and actor.department != department:
        raise DeskRefusal("forbidden", f"{actor.shown}不是承办部门（{department or '未定'}）的人员，无权{ACTION_ZH[step]}")
    if step in DEPARTMENT_STEPS and actor.role == "confidential" and department != CONFIDENTIAL_OFFICE:
        # the 机要员 takes a department's steps on the 机要室's own documents only (a 来信 never goes there)
        raise DeskRefusal("forbidden", f"{actor.shown}只办理{CONFIDENTIAL_OFFICE}的收文，无权对{department or '未交办'}的收文"
                                       f"{ACTION_ZH[step]}")


def handling_steps(actor: Actor, row: dict, department: Optional[str]) -> tuple[str, ...]:
    """The 承办/督办 steps (HANDLING_STEPS names) `actor` may take on `row` whose record is at `department`, by
    role alone (whether the record's state allows each is pipelines/handling's to say)."""
    out = []
    for step in HANDLING_STEPS:
        try:
            require_step(actor, step, row, department)
        except DeskRefusal:
            continue
        out.append(step)
    return tuple(out)


__all__ = ["ACTION_ZH", "CLASSIFIED_WORK", "CONFIDENTIAL_OFFICE", "DEPARTMENT_STEPS", "HANDLING_STEPS", "MAY", "Scope", "can_see",
           "handling_steps", "is_confidential", "ledger_scope", "may", "require", "require_step", "search_filters",
           "sees_confidential", "shows_title"]
