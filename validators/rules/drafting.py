"""Drafting rules (行文规则): 条例 第八条、第十五条 and the local rules of the seed documents."""
from __future__ import annotations

import re

from extractors.elements import DOC_TYPES, NON_LEGAL_TYPES

from ..registry import Hit, rule

# what a non-legal document name should become
TYPE_FIX = {"汇报": "报告", "报告书": "报告", "总结": "报告", "请求": "请示", "申请": "请示", "建议": "意见",
            "答复": "函或批复", "要点": "通知（印发）", "规划": "通知（印发）", "方案": "通知（印发）", "计划": "通知（印发）",
            "简报": "通报", "讲话": "通知（印发）", "说明": "函"}


@rule("drafting.doc-type", "条例 第八条", "error", "文种为 15 种法定文种之一",
      "文种决定收文机关如何办理，非法定文种无法确定办理方式。", "“关于上半年工作情况的汇报”", "“关于上半年工作情况的报告”")
def doc_type(ctx):
    el = ctx.el
    if el.title and el.doc_type in NON_LEGAL_TYPES:
        fix = TYPE_FIX.get(el.doc_type)
        # the title as it should read where the right 文种 is known, else the legal 文种 to choose from (条例 第八条)
        expected = (el.title.text[: -len(el.doc_type)] + fix if fix in DOC_TYPES and el.title.text.endswith(el.doc_type)
                    else "、".join(t for t in DOC_TYPES if t != "令"))
        yield Hit(f"“{el.doc_type}”不是法定文种，应改为“{fix or '法定文种'}”", page=el.title.page,
                  evidence=el.title.text, expected=expected)


REQUEST_VERBS = re.compile(r"恳请|请求|拟请|特请|请予|请批准|请审批|请同意|申请")


@rule("drafting.one-matter", "条例 第十五条（四）", "warning", "请示一文一事",
      "一文多事难以批复，也不便分送承办。", "一份请示同时请求拨付资金和增加编制", "每个请示事项单独行文")
def one_matter(ctx):
    el = ctx.el
    if el.doc_type != "请示":
        return
    requests = [i for i in el.body_lines if REQUEST_VERBS.search(el.lines[i].text)]
    paragraphs = {_paragraph_of(el, i) for i in requests}
    title_joins = el.title and re.search(r"关于.+(?:和|及|以及|、|并).+的请示", el.title.text)
    if len(paragraphs) >= 2 or title_joins:
        evidence = el.title.text if title_joins else "；".join(el.lines[i].text.strip()[:20] for i in requests[:3])
        yield Hit("请示应一文一事；本请示似提出了多个请求事项，请分别行文", page=el.title.page if el.title else None,
                  evidence=evidence, expected="一份请示只请求一个事项")


def _paragraph_of(el, i: int) -> int:
    while i > 0 and i not in el.paragraph_starts:
        i -= 1
    return i


@rule("drafting.single-addressee", "条例 第十五条（一）", "error", "上行文原则上主送一个上级机关，请示不得多头主送",
      "多头主送会造成推诿或重复批复。", "请示主送“市人民政府、市财政局”", "只主送一个上级机关，其他机关需要时抄送")
def single_addressee(ctx):
    el = ctx.el
    if el.upward and len(el.addressees) > 1:
        yield Hit(f"上行文原则上只主送一个上级机关，本文主送了 {len(el.addressees)} 个：{'、'.join(el.addressees)}"
                  + ("；请示不得多头主送" if el.doc_type == "请示" else ""),
                  page=el.addressee.page, evidence=el.addressee.text, expected="一个主送机关",
                  severity="error" if el.doc_type == "请示" else "warning")


@rule("drafting.report-no-request", "条例 第十五条（四）；筑府办发〔2013〕33号", "error", "报告（及请示以外的公文）不得夹带请示事项",
      "报告不需要答复，夹带的请示事项得不到办理。", "报告结尾“以上报告妥否，请批示”", "删去请示事项；需要批准的事项另行请示")
def report_no_request(ctx):
    el = ctx.el
    if el.doc_type in (None, "请示"):
        return
    for label, phrase, line in el.phrases:
        if label == "REQUEST":
            yield Hit(f"{el.doc_type}中不得夹带请示事项（“{phrase}”）；需要上级批准的事项应另行请示", page=el.pages_of[line],
                      evidence=el.lines[line].text.strip()[:40], expected="不含“请批示”“请审批”等请示用语")
            return


PERSONAL = re.compile(r"(?:市长|副市长|省长|副省长|区长|县长|书记|副书记|主任|局长|秘书长|部长|厅长|同志|领导)$")


@rule("drafting.no-personal-addressee", "条例 第十五条（五）", "error", "不得主送领导者个人",
      "公文主送机关，不主送个人；除领导交办事项外，不得直接报送领导者个人。", "主送“张市长：”", "主送“贵阳市人民政府：”")
def no_personal_addressee(ctx):
    el = ctx.el
    for name in el.addressees:
        if PERSONAL.search(name) or "同志" in name:
            yield Hit(f"公文不得主送领导者个人（“{name}”），应主送机关", page=el.addressee.page, evidence=el.addressee.text,
                      expected="××机关：")
            return


SUBORDINATE = re.compile(r"^各|所属|下属|直属各")


@rule("drafting.no-cc-subordinate", "条例 第十五条（一）", "warning", "上行文不抄送下级机关",
      "请示、报告抄送下级，会把未经批准的事项提前扩散。", "请示抄送“各区教育局”", "删去下级机关；需要下级知道的，批准后另行发文")
def no_cc_subordinate(ctx):
    el = ctx.el
    if el.doc_type not in ("请示", "报告"):
        return
    for name in el.cc_list:
        if SUBORDINATE.search(name):
            yield Hit(f"{el.doc_type}不应抄送下级机关（“{name}”）", page=el.cc.page, evidence=el.cc.text, expected="只抄送同级或上级机关")
            return


@rule("drafting.closing-phrase", "条例 第十五条；公文惯用", "warning", "结束语与文种和行文方向相符",
      "结束语表明行文目的：请示请求批复，报告陈述情况，上行文不对上级下命令。",
      "请示结尾“请遵照执行”；报告没有“特此报告”", "请示：“妥否，请批示。”；报告：“特此报告。”")
def closing_phrase(ctx):
    el = ctx.el
    if not el.body_lines:
        return
    labels = {label for label, _, line in el.phrases if line in el.body_lines}
    last = el.body_lines[-1]
    page = el.pages_of[last]
    tail = el.lines[last].text.strip()[-30:]
    if el.upward and "ORDER" in labels:
        phrase = next(p for label, p, _ in el.phrases if label == "ORDER")
        yield Hit(f"上行文不应使用下行文的结束语“{phrase}”", page=page, evidence=phrase, expected="请示：妥否，请批示；报告：特此报告")
    elif el.doc_type == "请示" and "REQUEST_CLOSE" not in labels:
        yield Hit("请示应以“妥否，请批示。”或“当否，请批复。”等请求批复的用语结束", page=page, evidence=tail, expected="妥否，请批示。")
    elif el.doc_type == "报告" and "REPORT_CLOSE" not in labels:
        yield Hit("报告宜以“特此报告。”结束", page=page, evidence=tail, expected="特此报告。")


LENGTH_KINDS = (  # (kind, how to recognise it) in order
    ("调研报告", lambda el: el.title and re.search(r"调研报告|调查报告", el.title.text)),
    ("专题报告", lambda el: el.title and "专题报告" in el.title.text),
    ("代拟稿", lambda el: el.title and "代拟" in el.title.text),
    ("简报", lambda el: el.title and "简报" in el.title.text),
    ("请示", lambda el: el.doc_type == "请示"),
    ("报告", lambda el: el.doc_type == "报告"),
    ("普发性文件", lambda el: el.doc_type in ("通知", "意见", "决定", "通报") and any(a.startswith("各") for a in el.addressees)),
)


@rule("drafting.length", "筑府办发〔2013〕33号", "warning", "正文字数限制（请示、报告 1500 字，简报 1000 字，代拟稿、普发性文件、调研报告 3000 字）",
      "精简文件，短小精悍，便于领导阅批。", "2300 字的请示", "压缩到 1500 字以内，详细材料作为附件",
      limits={"请示": 1500, "报告": 1500, "代拟稿": 3000, "普发性文件": 3000, "简报": 1000, "调研报告": 3000, "专题报告": 3000})
def length(ctx):
    el = ctx.el
    limits = ctx.params["limits"]
    kind = next((k for k, test in LENGTH_KINDS if test(el)), None)
    if kind is None or kind not in limits:
        return
    n = el.body_chars
    if n > limits[kind]:
        first = el.body_lines[0] if el.body_lines else 0
        yield Hit(f"{kind}正文不应超过 {limits[kind]} 字，本文正文 {n} 字（不含标题、主送、附件、署名、日期、附注），请精简",
                  page=el.pages_of[first] if el.pages_of else None, evidence=f"{n} 字", expected=f"≤ {limits[kind]} 字")
