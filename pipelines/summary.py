"""What one batch did (本批小结): the Summary the batch's sequence fills, and its Chinese lines for the clerk.

    Summary(received, duplicates, outcomes, seconds, learned, refused, waiting, duplicate_of)
    summary.lines() -> [str]     what `shouwen run` prints at the end (names made safe for a terminal)
    learned_line(meta) -> str    the routing model's retraining, in one line (also `shouwen learn`)

Plain data: the web desk shows the same fields its own way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .dataroot import CHANNELS
from .secrecy import CONFIDENTIAL_OFFICE, name_shown
from .terminal import shown

if TYPE_CHECKING:
    from .disposition import Outcome
    from .inbox import Refused


@dataclass
class Summary:
    received: int = 0
    duplicates: int = 0
    outcomes: list["Outcome"] = field(default_factory=list)
    seconds: float = 0.0
    learned: Optional[dict] = None  # the routing model retrained at the batch's start, if it was
    refused: list["Refused"] = field(default_factory=list)  # inbox entries not taken in (links, devices…), quarantined
    waiting: int = 0  # files still being written (or cut off, within the grace), left for the next batch
    arriving: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, name, why): cut off, waiting
    left: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, name, why): temporaries left alone
    duplicate_of: list[tuple[str, str]] = field(default_factory=list)  # (file name, 收文编号 it repeats)
    stray: list[str] = field(default_factory=list)  # names directly in inbox/ (not in a channel folder): not taken in
    reminded: Optional[object] = None  # pipelines.handling.remind.Reminded: the 催办 of this batch, if it ran
    fetched: Optional[object] = None  # pipelines.returns.mailbox.Fetched: the office mailbox's messages taken
    delivered: Optional[object] = None  # pipelines.returns.delivery.Delivered: the notices sent (送达)
    index_problem: Optional[str] = None  # the search index could not be used (search_sync.index_problem): one line

    def lines(self) -> list[str]:
        """The batch's summary as the clerk reads it."""
        classified = sum(1 for o in self.outcomes if o.status == "routed" and o.department == CONFIDENTIAL_OFFICE)
        accepted = sum(1 for o in self.outcomes if o.status in ("indexed", "routed") and o.verdict == "accept"
                       and o.department != CONFIDENTIAL_OFFICE)
        out = [f"本批收文 {self.received} 件（重复 {self.duplicates} 件），处理 {len(self.outcomes)} 件，用时 {self.seconds:g} 秒",
               f"  通过初审 {accepted} 件，退文 {self.count('returned')} 件，隔离 {self.count('quarantined')} 件"
               + (f"，出错 {self.count('failed')} 件（下批自动重试）" if self.count("failed") else "")]
        if classified:
            out.append(f"  涉密公文转机要室 {classified} 件（不退文、不入检索）")
        letters = [o for o in self.outcomes if o.letter]
        if letters:  # 来信 (pipelines/letters/): never 初审'd, never returned
            moved = sum(1 for o in letters if o.status == "transferred")
            out.append(f"  群众来信 {len(letters)} 件（不按公文格式审核、不退文）：交办 {len(letters) - moved} 件"
                       + (f"，转出 {moved} 件" if moved else ""))
        unsure = sum(1 for o in self.outcomes if o.status == "review_held" and o.kind_unsure)
        doubtful = self.count("review_held") - unsure
        if doubtful:
            out.append(f"  待复核 {doubtful} 件（退文理由所依据的识读存疑，未退文、未分办；请文秘核对原件："
                       "shouwen review 收文编号 --confirm 或 --dismiss）")
        if unsure:
            out.append(f"  待复核 {unsure} 件（是群众来信还是公文无法判定；请文秘核对：shouwen review 收文编号 --letter 或 --document）")
        if self.count("held"):
            out.append(f"  待机要员核定密级 {self.count('held')} 件（未入检索，请机要员查看："
                       "shouwen ledger --confidential --user 机要员用户名 --password-stdin）")
        moved = sum(1 for r in self.refused if r.where)
        if moved:
            out.append(f"  拒收 {moved} 件（不是普通文件或无法签收，已移入隔离区，原因见 .原因.txt）")
        if len(self.refused) > moved:
            out.append(f"  拒收 {len(self.refused) - moved} 件（未读取，未能移入隔离区，仍在原处）")
        if self.waiting:
            out.append(f"  仍在传入 {self.waiting} 件，下批再收")
        # a name that says a 密级 is not printed (secrecy.name_shown): it may be a classified document's title
        out.extend(f"  仍在传入 {channel}/{shown(name_shown(name))}：{why}" for channel, name, why in self.arriving)
        out.extend(f"  未收 {channel}/{shown(name_shown(name))}：{why}" for channel, name, why in self.left)
        if self.stray:
            out.append(f"  inbox/ 根目录下的文件不会收文，请放入渠道文件夹（{'、'.join(f'inbox/{c}/' for c in CHANNELS)}），"
                       f"现留在原处：{'、'.join(shown(name_shown(name)) for name in self.stray)}")
        if self.count("linked"):
            out.append(f"  同一来文已关联 {self.count('linked')} 件（不重复分办、不重复入检索）")
        out.extend(f"  重复收到 {shown(name_shown(name))}：与 {number} 为同一文件，未再登记" for name, number in self.duplicate_of)
        out.extend(f"  {o.same}" for o in self.outcomes if o.same)  # same_document.py: each link or new version
        out.extend(f"  注意：{o.number} {o.warning}" for o in self.outcomes if o.warning)
        for department, n in sorted(self.departments().items(), key=lambda kv: -kv[1]):
            out.append(f"  分办 {shown(department)}：{n} 件")
        if self.learned:
            out.append("  " + learned_line(self.learned))
        unindexed = [o for o in self.outcomes if o.unindexed]
        problem = self.index_problem or (unindexed[0].unindexed if unindexed else None)
        if problem:  # the batch went on without the index: said once, with what mends it
            out.append(f"  注意：{problem}" + (f"；本批 {len(unindexed)} 件暂未入检索，之后自动补入" if unindexed else ""))
        reminded = self.reminded
        if reminded is not None and reminded.chased:
            out.append(f"  催办 {len(reminded.chased)} 件（催办通知 {len(reminded.notices)} 份，见 reminders/{reminded.day}/）")
        if reminded is not None and reminded.calendar_notice:
            out.append(f"  注意：{reminded.calendar_notice}")
        for part in (self.fetched, self.delivered):
            out.extend(f"  {line}" for line in (part.lines() if part is not None else []))
        return out

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def departments(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            if o.department:
                out[o.department] = out.get(o.department, 0) + 1
        return out


def learned_line(meta: dict) -> str:
    accuracy = meta.get("held_out_accuracy")
    return (f"分办模型已重新训练：样本 {meta['examples']} 件（其中改办 {meta['corrections']} 件），部门 {len(meta['departments'])} 个"
            + (f"，留出样本准确率 {accuracy:.0%}" if accuracy is not None else ""))
