"""Security rules (保密规则): classified documents that arrive through ordinary channels."""
from __future__ import annotations

from extractors.secrecy import level_of

from ..registry import Hit, rule
from ..report import CHANNEL_ZH

# Channels of this system are all non-classified: a classified document must never travel through them.
NON_CLASSIFIED_CHANNELS = ("edoc", "fax", "mail", "scan", "unknown")


def classified_level(el) -> str | None:
    """The secrecy level a document is marked with (绝密/机密/秘密), or None.

    The parser reads the 密级 in every form documents carry it ("机　密★1年", "密级：机密", "机密★1年 特急",
    OCR's "机密*1年"); the level is read by extractors.secrecy.level_of, as the index and the batch read it.
    """
    return level_of(el.secrecy.text) if el.secrecy else None


@rule("security.classified", "宁波 领导批示件办理工作规程 五（六）；保密法", "error", "涉密公文不得经非涉密渠道传递",
      "涉密公文经普通渠道传递即属泄密隐患；必须转机要部门处理，且不得进入共享检索。",
      "标注“机密★5年”的公文通过电子公文系统发来", "涉密公文通过机要渠道传递；本件已转机要室，未进入检索")
def classified(ctx):
    level = classified_level(ctx.el)
    if level and ctx.channel in NON_CLASSIFIED_CHANNELS:
        yield Hit(f"本件标注密级“{level}”，却经非涉密渠道（{CHANNEL_ZH.get(ctx.channel, ctx.channel)}）传来；应转机要室处理，正文不得进入共享检索。"
                  f"请来文单位今后通过机要渠道报送涉密公文", page=ctx.el.secrecy.page, evidence=ctx.el.secrecy.quote,
                  expected="涉密公文经机要渠道传递")
    elif not level and ctx.el.secrecy_unreadable is not None and ctx.channel in NON_CLASSIFIED_CHANNELS:
        # a 密级 mark is there but its level cannot be read: treated as classified until the 机要员 has read it
        found = ctx.el.secrecy_unreadable
        yield Hit(f"本件版头有密级标志（“{found.quote}”），但密级无法辨认；按涉密公文转机要员核对，正文不进入共享检索",
                  page=found.page, evidence=found.quote, expected="密级清晰可辨（绝密/机密/秘密）")
