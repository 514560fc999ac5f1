"""Per-rule fixtures: for every rule, documents that break it (and nothing else), in the formats it can be seen in.

A case names the rule it breaks, the spec (a conformant document with one change), the formats to
check and any rule that the same change legitimately breaks too (`also`).
Formats: docx; pdf (the docx rendered by LibreOffice, fonts substituted); named (typeset by reportlab
with the standard font names); txt (plain text, no geometry).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .builder import (
    FANGSONG,
    HEI,
    KAI,
    Spec,
    conformant_notice,
    conformant_report,
    conformant_request,
)

ALL = ("docx", "pdf", "named", "txt")
GEOMETRY = ("docx", "pdf", "named")
FONT_ONLY = ("docx", "named")  # LibreOffice substitutes every font: font breaches are seen in docx and named PDFs
TEXTUAL = ("docx", "pdf", "txt")


@dataclass
class Case:
    rule: str
    name: str
    spec: Spec
    formats: tuple = ALL
    also: frozenset = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"


NOTICE_BODY = conformant_notice().body
REQUEST_BODY = conformant_request().body
REPORT_BODY = conformant_report().body


def _with_body(base, index: int, text: str):
    body = list(base.body)
    body[index] = text
    return body


CONFORMANT = {
    "notice": conformant_notice(),
    "request": conformant_request(),
    "report": conformant_report(),
    "notice-secret-free-multi-attachments": conformant_notice(
        copy_number="000123", urgency="特急", attachments=["学校安全隐患排查表", "学校安全责任人名单"]),
}

CASES = [
    # layout ---------------------------------------------------------------------------------------
    Case("layout.paper-size", "letter", conformant_notice(page_w=216.0, page_h=279.0, margin_bottom=17.0,
                                                          margin_right=32.0), GEOMETRY),
    Case("layout.margin-top", "top-25", conformant_notice(margin_top=25.0, margin_bottom=47.0), GEOMETRY),
    Case("layout.margin-left", "left-35", conformant_notice(margin_left=35.0, margin_right=19.0), GEOMETRY),
    Case("layout.text-block", "right-40", conformant_notice(margin_right=40.0, chars_per_line=25), GEOMETRY,
         also=frozenset({"layout.grid"})),
    Case("layout.body-font", "songti", conformant_notice(body_font="宋体"), FONT_ONLY),
    Case("layout.body-font", "size-14", conformant_request(body_size=14.0), ("docx", "named"),
         also=frozenset({"layout.grid", "layout.page-number"})),
    Case("layout.grid", "pitch-20", conformant_notice(line_pitch_pt=20.0), GEOMETRY),
    Case("layout.text-color", "blue", conformant_notice(text_color="0000FF"), GEOMETRY),
    Case("layout.issuer-mark", "black", conformant_notice(issuer_color="000000"), GEOMETRY,
         also=frozenset()),
    Case("layout.issuer-mark", "left", conformant_request(issuer_align="left"), GEOMETRY),
    Case("layout.separator", "missing", conformant_notice(separator_color=None), GEOMETRY),
    Case("layout.separator", "black", conformant_request(separator_color="000000"), GEOMETRY),
    Case("layout.title-font", "heiti", conformant_notice(title_font=HEI), FONT_ONLY),
    Case("layout.title-font", "left", conformant_request(title_align="left"), GEOMETRY),
    Case("layout.heading-fonts", "fangsong-level1", conformant_notice(heading_fonts=(FANGSONG, KAI, FANGSONG, FANGSONG)),
         FONT_ONLY),
    Case("layout.page-number", "format", conformant_notice(page_number_format="第{}页"), GEOMETRY),
    Case("layout.page-number", "not-odd-even", conformant_notice(page_number_odd_even=False), GEOMETRY),
    # element --------------------------------------------------------------------------------------
    Case("element.copy-number", "two-digits", conformant_notice(copy_number="12")),
    Case("element.secrecy", "chinese-period", conformant_notice(secrecy="秘密★一年"), also=frozenset({"security.classified"})),
    Case("element.secrecy", "not-a-level", conformant_notice(secrecy="内部")),
    Case("element.urgency", "jijian", conformant_notice(urgency="急件")),
    Case("element.doc-number", "brackets-di-zero", conformant_notice(doc_number="筑教发[2026]第05号")),
    Case("element.doc-number", "short-year", conformant_notice(doc_number="筑教发〔26〕12号")),
    Case("element.signer", "missing", conformant_request(signer=None)),
    Case("element.signer", "half-width-colon", conformant_report(signer="签发人:张建国")),
    Case("element.title", "no-doc-type", conformant_notice(title="贵阳市教育局关于冬季学校安全工作的安排")),
    Case("element.addressee", "missing", conformant_request(addressee=None)),
    Case("element.addressee", "half-width-colon", conformant_report(addressee="贵阳市人民政府:"),
         also=frozenset({"text.punctuation-width"})),
    Case("element.heading-sequence", "skip", conformant_notice(body=_with_body(conformant_notice(), 3, "三、开展安全隐患排查")),
         also=frozenset()),
    Case("element.heading-sequence", "level-skipped", conformant_notice(body=_with_body(conformant_notice(), 4, "1．校舍安全排查。对教学楼、宿舍、食堂等重点场所进行全面检查。"))),
    Case("element.attachment-note", "punctuation", conformant_notice(attachment_line="附件：学校安全隐患排查表。")),
    Case("element.attachment-note", "name-mismatch", conformant_notice(attachment_line="附件：学校安全检查表")),
    Case("element.attachment-note", "unnumbered", conformant_notice(
        attachments=["学校安全隐患排查表", "学校安全责任人名单"], attachment_line="附件：学校安全隐患排查表\n　　　学校安全责任人名单")),
    Case("element.date", "leading-zero", conformant_notice(date="2026年07月01日", print_line=None)),
    Case("element.date", "chinese-numerals", conformant_notice(date="二〇二六年十一月二十日")),
    Case("element.annotation", "request-without-contact", conformant_request(annotation=None)),
    Case("element.annotation", "request-without-phone", conformant_request(annotation="（联系人：王明）")),
    Case("element.cc", "half-colon-no-stop", conformant_notice(cc="抄送:市委办公厅，市政府办公厅")),
    Case("element.print-line", "leading-zero", conformant_notice(print_line="贵阳市教育局办公室　　　　　　2026年07月01日印发")),
    # drafting -------------------------------------------------------------------------------------
    Case("drafting.doc-type", "huibao", conformant_report(title="贵阳市教育局关于2026年秋季学期开学工作情况的汇报",
                                                          body=REPORT_BODY[:-1])),
    Case("drafting.one-matter", "two-requests", conformant_request(body=REQUEST_BODY[:3] + [
        "同时，因新建学校投入使用，恳请增加我局事业编制30名。", "妥否，请批示。"])),
    Case("drafting.single-addressee", "two-bodies", conformant_request(addressee="贵阳市人民政府、贵阳市财政局：")),
    Case("drafting.report-no-request", "asks", conformant_report(body=REPORT_BODY[:-1] + ["以上事项，请审批。", "特此报告。"])),
    Case("drafting.no-personal-addressee", "mayor", conformant_request(addressee="张市长：")),
    Case("drafting.no-cc-subordinate", "districts", conformant_report(cc="抄送：各区（市、县）教育局。")),
    Case("drafting.closing-phrase", "request-no-close", conformant_request(body=REQUEST_BODY[:-1])),
    Case("drafting.closing-phrase", "order-upward", conformant_report(body=REPORT_BODY[:-1] + ["请遵照执行。"])),
    Case("drafting.length", "long-request", conformant_request(body=REQUEST_BODY[:1] + [
        "为保障师生安全，我局对全市校舍进行了逐栋排查，重点检查屋面、墙体、门窗、消防通道和用电线路等部位，"
        "发现的问题均已登记造册并明确整改责任人和完成时限。" * 25] + REQUEST_BODY[1:])),
    # text -----------------------------------------------------------------------------------------
    Case("text.punctuation-width", "half-colon", conformant_notice(body=_with_body(conformant_notice(), 0,
         "为切实做好今冬明春学校安全工作，保障师生生命财产安全，现将有关事项通知如下:"))),
    Case("text.repeated-punctuation", "double-stop", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，落实主体责任，确保责任到人。。"))),
    Case("text.ellipsis", "three-dots", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，对教学楼、宿舍、食堂...进行检查，确保责任到人。"))),
    Case("text.year-abbrev", "26", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，于26年1月底前完成自查，确保责任到人。"))),
    Case("text.fullwidth-digits", "fullwidth", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，全市共有学校１２６所，确保责任到人。"))),
    Case("text.number-range", "percent", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，安全投入同比增长10～20%，确保责任到人。"))),
    Case("text.date-hao", "hao", conformant_notice(body=_with_body(conformant_notice(), 2,
         "各单位要把安全工作摆在突出位置，于12月1号前报送自查情况，确保责任到人。"))),
    Case("text.obsolete-basis", "old-rules", conformant_notice(body=_with_body(conformant_notice(), 0,
         "根据《国家行政机关公文处理办法》有关规定，为切实做好学校安全工作，现将有关事项通知如下。"))),
    # security -------------------------------------------------------------------------------------
    Case("security.classified", "jimi", conformant_notice(secrecy="机密★5年")),
]


# One-page documents for the scan and fax tests (a JPEG holds one page).
OCR_CONFORMANT = conformant_request(body=REQUEST_BODY[:2] + REQUEST_BODY[3:], attachments=[], print_line=None)
OCR_BROKEN = conformant_request(
    doc_number="筑教呈[2026]第05号", addressee="张市长：", title="贵阳市教育局关于2026年上半年校舍维修工作的汇报",
    body=["现将我局上半年校舍维修工作情况汇报如下。", "全市共维修校舍12栋，总面积约3.6万平方米，完成投资860万元。",
          "下半年维修资金缺口较大，恳请给予支持。", "以上汇报妥否，请批示。"],
    attachments=[], print_line=None, date="2026年07月01日")
