"""Placeholders (占位文字) and style names: what a template holds where a 公文's elements go.

A template or an unfilled draft says where each element goes instead of giving it: "〔此处加盖红色印章〕",
"[此处输入文件标题]", "[主送单位]：", "[发文单位]", "[日期]", "XX市XX局", "20XX年X月X日"; a pandoc reference
document holds the names of its styles as text ("Title", "Heading 1", "Body Text"). None of them is content:
the parser never reads them as a 标题, 主送 or 发文机关 (extractors/elements.py blanks them out, one character
for one), and a document whose elements are placeholders is said to be a template (validators/template.py),
never returned as a 公文 with reasons.

    placeholder_spans(text) -> [(start, end)]   every placeholder in a line (normalised text)
    blank_placeholders(text) -> str             the same text, each placeholder's characters set to U+3000
    is_style_name(text) -> bool                 a line that is only a style's name ("Title", "标题 1")
"""
from __future__ import annotations

import re

_OPEN, _CLOSE = "〔\\[【［（(<＜{｛", "〕\\]】］）)>＞}｝"
# an instruction in brackets: "〔此处加盖红色印章〕", "[此处输入文件标题]", "【请输入正文】", "（请填写单位名称）"
INSTRUCTION = re.compile(rf"[{_OPEN}]\s*(?:此处|在此|请在此|请输入|请填写|请填入|点击此处|单击此处|单击或点击此处)[^{_CLOSE}]{{0,24}}[{_CLOSE}]"
                         r"|(?:单击|点击|单击或点击)此处(?:输入|添加)[\u4e00-\u9fff]{0,8}")
# a field's name in square brackets, where a value goes: "[主送单位]", "[发文单位]", "[日期]", "【联系人】", "[手机号]"
# (square brackets and 【】 only: a name in round brackets is ordinary text, "（以下简称…）")
FIELD_WORDS = ("单位|机关|部门|人员|人|日期|时间|地点|名称|电话|手机号?|邮箱|标题|正文|文号|字号|事由|内容|姓名|职务|金额|"
               "数量|期号|年份|月份|文种|地址|邮编|传真|会议|议题|事项|附件")
FIELD = re.compile(rf"[\[【［]\s*(?:[\u4e00-\u9fff]{{0,6}}(?:{FIELD_WORDS})|[Xx×ＸＮN]{{1,4}})\s*[\]】］]")
# letters standing for a name or a number: "XX市XX局", "××县人民政府", "〔20XX〕X号", "20XX年X月X日"
_X = "[XxＸｘ×]"
LETTERS = re.compile(rf"{_X}{{2,}}(?=[\u4e00-\u9fff〕\]）)号年月日])|(?<=[0-9〔\[])[0-9]{{0,2}}{_X}{{1,4}}(?=[〕\]年号])"
                     rf"|(?<=[〕\]]){_X}{{1,4}}(?=号)|(?<=年){_X}{{1,2}}(?=月)|(?<=月){_X}{{1,2}}(?=日)")
# the names of a word processor's styles, as a reference document shows them (pandoc, Word's style gallery)
STYLE_NAME = re.compile(r"^(?:Title|Subtitle|Author|Date|Abstract|Heading\s*[1-9]|Body\s*Text(?:\s*Char)?|First\s*Paragraph|"
                        r"Block\s*Text|Table\s*caption|Image\s*Caption|Figure|Definition(?:\s*Term)?|DefinitionTerm|Compact|"
                        r"Verbatim\s*Char|Hyperlink|Footnote(?:\s*Text)?|Caption|Normal|Bibliography|TOC\s*Heading|"
                        r"标题\s*[1-9]|副标题|正文文本)[.。]?$", re.I)


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every placeholder in `text` (a normalised line), in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    for pattern in (INSTRUCTION, FIELD, LETTERS):
        for m in pattern.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def blank_placeholders(text: str) -> str:
    """`text` with each placeholder's characters replaced by U+3000 (the length kept: offsets stay the original's)."""
    out = list(text)
    for a, b in placeholder_spans(text):
        out[a:b] = "\u3000" * (b - a)
    return "".join(out)


def only_punctuation(text: str) -> bool:
    """Nothing left but blanks and punctuation ("　　　：", "（联系人：　　）"): a line that was all placeholder."""
    return not re.search(r"[\w\u4e00-\u9fff]", re.sub(r"(?:联系人|联系电话|电话|手机|审核|抄送|主送|附件)\s*[:：]", "", text))


def is_style_name(text: str) -> bool:
    """A line that is only the name of a style ("Title", "Heading 1", "Body Text.", "标题 2")."""
    return bool(STYLE_NAME.match(text.strip()))
