"""改办 and the 机要室 at the desk: a document sent to another department, to the 机要室, or released by the
机要员 back into 分办 and 检索."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from .. import events
from ..actors import Actor, acting, history_kwargs
from ..ledger import STATUS_ZH
from ..refusals import Action, DeskRefusal
from ..secrecy import CONFIDENTIAL_OFFICE
from .common import find


@dataclass
class Routed:
    row: dict  # the row as the clerk saw it (before the change)
    department: str
    kind: str  # "moved" (改办), "confidential" (an indexed document to the 机要室, out of search), "held" (held → 机要室)
    warning: Optional[str] = None  # a department never used before (a typo?); the index could not follow
    actions: tuple = field(default_factory=tuple)  # what may be done about the warning (Action: reindex)


def route(office, key: str, department: str, reason: Optional[str] = None, *, actor: Optional[Actor] = None) -> Routed:
    """改办: send document `key` to `department` (the router learns from it). A held document (密级 unread)
    can only go to the 机要室; an indexed one found classified goes to the 机要室 and leaves search first;
    a returned, quarantined or classified one, or one the batch has not finished, is refused. With
    [office] departments configured, only those (and 办公室, 机要室) are accepted. Compare-and-set on the row
    the clerk's command read: LedgerConflict when someone changed it meanwhile."""
    from index import IndexUnavailable

    from ..disposition import to_confidential_office as send_to_confidential_office

    actor = acting(actor)
    department = (department or "").strip()
    row = find(office, key, actor=actor, action="to_confidential" if department == CONFIDENTIAL_OFFICE else "route")
    number = row["number"]
    if any(unicodedata.category(c)[0] == "C" for c in department):  # ESC, CR, zero-width, bidi: not a name
        raise DeskRefusal("bad_department", f"承办部门名称“{department}”含有控制字符或不可见字符，不予改办；请重新输入部门名称")
    if row["status"] in ("returned", "quarantined"):
        raise DeskRefusal(row["status"], f"{number} 已{'退文' if row['status'] == 'returned' else '隔离'}，没有分办")
    if row["route_source"] == "classified":
        raise DeskRefusal("classified", f"{number} 是涉密公文，须由机要室办理，不能改办")
    if row["status"] == "held":
        if department != CONFIDENTIAL_OFFICE:
            raise DeskRefusal("held", f"{number} 的密级待机要员核定：涉密的转机要室，核定为非涉密的由机要员核定后转入分办",
                              Action("route", "转机要室", {"key": number, "department": CONFIDENTIAL_OFFICE}),
                              Action("release", "核定为非涉密", {"key": number}))
        # the 机要员 has read the mark: classified, to the 机要室
        send_to_confidential_office(office, row, reason or "机要员核定为涉密公文，转机要室办理（不入共享检索）", actor=actor)
        return Routed(row, CONFIDENTIAL_OFFICE, "held")
    if row["status"] == "review_held":  # 待复核: the clerk's 复核 decides (退文 or 分办), not a 改办
        from .review_ops import DECISION_ZH, _choices

        raise DeskRefusal("review_held", f"{number} 待复核：请先核对原件再复核",
                          *(Action("review", DECISION_ZH[c], {"key": number, c: True}) for c in _choices(office, row)))
    if row["status"] != "indexed":  # the batch has not finished it: it would route it over the clerk's choice
        raise DeskRefusal("not_finished", f"{number} 本件正在初审，稍后再改办（批处理完成后可改办）")
    if not department:
        raise DeskRefusal("no_department", "请写明改送的承办部门（如：综合科）")
    choices = route_departments(office)
    if not choices:  # never free text: a typo would open a department nobody reads
        raise DeskRefusal("no_departments", "本机关尚未配置承办部门（shouwen.toml [office] departments，或分办规则 "
                                            "routing.toml 中的部门），不能改办；请系统管理员先列出承办部门")
    if department != CONFIDENTIAL_OFFICE and department not in choices:
        raise unknown_department(office, number, department)
    if department == CONFIDENTIAL_OFFICE:  # found classified after all: out of the shared index, then the ledger
        try:
            office.index.remove(row["id"])
        except IndexUnavailable as exc:
            raise DeskRefusal("index_unavailable", f"检索服务不可用（{exc}），未能撤出检索，本次未改办；请稍后再试") from exc
        send_to_confidential_office(office, row, reason or "文秘人员认定为涉密公文，改送机要室，已撤出共享检索", actor=actor)
        return Routed(row, CONFIDENTIAL_OFFICE, "confidential")
    reason = reason or f"文秘人员改办：由{row['department'] or '未分办'}改送{department}"
    office.ledger.set_status(row["id"], "indexed", reason, expect_version=row["version"], expect_status=("indexed",),
                             department=department, route_reason=reason, route_source="clerk", route_confidence=None,
                             **history_kwargs(office.ledger, actor))
    if events.wants(events.REROUTED):
        events.emit(events.REROUTED, office, office.ledger.get(row["id"]), department=department,
                    actor=actor.history_name, previous=row["department"], reason=reason)
    warnings = []
    actions: tuple = ()
    try:
        office.index.update(row["id"], department=department)
    except IndexUnavailable as exc:
        warnings.append(f"检索库未更新（{exc}），重建检索库可补上")
        actions = (Action("reindex", "重建检索库"),)
    return Routed(row, department, "moved", "；".join(warnings) or None, actions)


def route_departments(office) -> list[str]:
    """The 承办部门 a 改办 (or a 来信's 交办) may name, in order: [office] departments, else those the 分办 rules
    (routing.toml, or the shipped rules) send documents to; with either, the 办公室 (routing.ALWAYS). Empty when
    the office has configured none: a 改办 is then refused (no_departments), never taken as free text. The
    机要室 is the 机要员's own button and is not listed."""
    from ..routing import ALWAYS

    named = list(office.departments) or [r["department"] for r in office.rules if r.get("department")]
    if not named:
        return []
    return [d for d in dict.fromkeys([*named, *ALWAYS]) if d != CONFIDENTIAL_OFFICE]


def unknown_department(office, number: str, department: str) -> DeskRefusal:
    """The refusal of a 改办 to a name that is not one of route_departments: the list, and the closest names
    (difflib, as a typo of 综合科 such as 综合处 or 综和科 is) first, each as an Action (改送综合科) the CLI prints
    as a command and the web desk as a choice."""
    import difflib

    choices = route_departments(office)
    close = difflib.get_close_matches(department, choices, n=3, cutoff=0.5)
    near = f"相近的有：{'、'.join(close)}；" if close else ""
    where = "shouwen.toml [office] departments" if office.departments else "分办规则 routing.toml；也可在 shouwen.toml [office] departments 中列出"
    return DeskRefusal("unknown_department", f"“{department}”不是本机关配置的承办部门，不予改办。{near}可选的承办部门："
                                             f"{'、'.join(choices)}（{where}）",
                       *(Action("route", f"改送{d}", {"key": number, "department": d}) for d in close))


def known_departments(office) -> set[str]:
    """The 承办部门 the office already uses: named by a 分办 rule, or given documents lately (the router's
    examples), and the 办公室 / 机要室 — a 改办 elsewhere opens a new one, or is a typo (said to the clerk)."""
    from ..routing import ALWAYS

    rules = {r.get("department") for r in office.rules}
    used = {department for _, _, department in office.ledger.training_rows()}
    return {d for d in rules | used | set(ALWAYS) if d}


def to_confidential_office(office, row: dict, reason: str, *, actor: Optional[Actor] = None) -> None:
    """机要: the document goes to the 机要室 as classified (disposition.to_confidential_office), compare-and-set
    on the state the clerk saw (LedgerConflict)."""
    from ..disposition import to_confidential_office as send

    send(office, row, reason, actor=acting(actor))


@dataclass
class Released:
    row: dict  # the row as the 机要员 saw it (held)
    outcome: object  # disposition.Outcome of its 分办 and 检索


def release(office, key: str, reason: Optional[str] = None, *, actor: Optional[Actor] = None) -> Released:
    """机要员核定非密: a held document (a 密级 mark nobody could read, 待机要员核定) that the 机要员 has read and
    found not classified goes on as any document: reviewed again from its archived original, routed and indexed
    — to the department a clerk's 改办 had sent it to before it went to the 机要室, else by the rules and the
    model — and its original leaves .secure/ for received/. Also a document sent to the 机要室 by a 改办 that the 机要员 finds was sent by mistake. Refused for any
    other status; compare-and-set on the row read (LedgerConflict). A document whose level can be read is never
    released: it stays with the 机要室 whatever is said here. The 机要员's role only (access.py)."""
    from extractors import UnusableInput

    from ..disposition import route_and_index, unsecure_original
    from ..review import review_original
    from ..routing import Route
    from ..secrecy import CLASSIFIED, at_confidential_office, decide, releasable
    from ..secrecy_records import RELEASED, read_decision, record_decision

    actor = acting(actor)
    row = find(office, key, actor=actor, action="release")
    number = row["number"]
    with_confidential_office = at_confidential_office(row) and row["route_source"] == "classified"
    if row["status"] != "held" and not with_confidential_office:
        raise DeskRefusal("not_held", f"{number} 不是待机要员核定的收文（现为{STATUS_ZH.get(row['status'], row['status'])}），无需核定")
    if not releasable(row):  # with the 机要室, its level read (the page offers no button for it: the same rule)
        raise DeskRefusal("marked", f"{number} 标有密级，是涉密公文，不能转出机要室")
    try:
        review = review_original(office, row)
    except UnusableInput as exc:  # held for its name or subject and unreadable: not classified, so the 隔离区's
        from ..disposition import quarantine

        record_decision(office.root, row, RELEASED, reason or "机要员核定：非涉密公文")
        outcome = quarantine(office, row, exc.reason, actor=actor)
        unsecure_original(office, row)
        return Released(row, outcome)
    if with_confidential_office and decide(review).kind == CLASSIFIED:  # read again now: the second lock
        raise DeskRefusal("marked", f"{number} 标有密级，是涉密公文，不能转出机要室")
    before = (read_decision(office.root, row["year"], row["seq"]) or {}).get("before")
    office.ledger.set_status(row["id"], "reviewed", reason or "机要员核定：非涉密公文，转入分办和检索",
                             expect_version=row["version"], expect_status=(row["status"],),
                             **history_kwargs(office.ledger, actor))
    # kept beside the registration: rebuild-ledger, reindex and a batch rerunning it honour it (secrecy.decide)
    record_decision(office.root, row, RELEASED, reason or "机要员核定：非涉密公文")
    if events.wants(events.RELEASED):
        events.emit(events.RELEASED, office, office.ledger.get(row["id"]), actor=actor.history_name, reason=reason)
    clerk = (Route(before["department"], before.get("route_reason") or f"文秘人员改办：送{before['department']}",
                   "clerk") if before and before.get("department") else None)
    outcome = route_and_index(office, office.ledger.get(row["id"]), review, office.rules,
                              decide(review, RELEASED), actor=actor, clerk_route=clerk)
    if not outcome.confidential:  # open after all: its original back with every other document's
        unsecure_original(office, row)
    return Released(row, outcome)


def assign_letter(office, key: str, department: str, reason: Optional[str] = None, *,
                  actor: Optional[Actor] = None):
    """交办 (again) of a 来信 to `department` -> letters.ops.LetterEntry: letters.ops.assignment's checks (its
    refusals), then route's 改办 (the handling record moves, its deadline counted from now), kept in the
    letter's record for rebuild-ledger. Here, not in letters/, so that letters/ never imports the desk."""
    from ..letters import ops as letters

    actor = acting(actor)
    row, department, why = letters.assignment(office, key, department, reason, actor=actor)
    route(office, row["number"], department, why, actor=actor)
    letters.keep_assignment(office, row, department, why)
    return letters.letter(office, key, actor=actor)
