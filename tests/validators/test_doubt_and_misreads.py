"""Issue 24: doubt (a 退文 only on sure readings, else 待复核), the misreads of §2 and §3 — each kind on inputs written
here, the right values written by hand from the texts and GB/T 9704-2012 — and where findings were measured (box).
"""
from __future__ import annotations

import json

import jsonschema
import pytest

from extractors import extract
from extractors.elements import parse_elements
from pipelines.review import review_document
from validators import validate
from validators.doubt import decide_doubt
from validators.registry import all_rules
from validators.report import build_report

from .. import builder, thirdparty_docx
from ..conftest import SCHEMA_COPY


def report_of(text: str, channel: str = "edoc") -> dict:
    return review_document(text.encode("utf-8"), "t.txt", channel).report


def elements_of(text: str):
    return parse_elements(extract(text.encode("utf-8")))


def errors(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"] if f["severity"] == "error"}


BODY = "　　为切实做好森林防火工作，保障人民群众生命财产安全，现将有关事项通知如下。\n"


# ---- §1 doubt ------------------------------------------------------------------------------------------------

def test_every_element_carries_how_it_was_read_and_how_sure():
    report = report_of("示例市人民政府关于做好森林防火工作的通知\n示政发〔2023〕12号\n各区县人民政府：\n" + BODY
                       + "示例市人民政府\n2023年3月15日\n")
    readings = report["document"]["readings"]
    assert readings["title"] == {"how": "pattern", "confidence": 0.85}
    assert readings["doc_number"]["how"] == "pattern" and readings["date"]["how"] == "pattern"
    assert readings["signer"] == {"how": "absent", "confidence": 0.0}
    assert report["outcome"] == "accept" and report["doubt"] == {"sure": True, "reasons": []}
    jsonschema.validate(report, json.loads(SCHEMA_COPY.read_text(encoding="utf-8")))


def test_a_return_on_a_sure_reading_goes_out():
    """A date written in Chinese numerals, read by its pattern in a clean text: a sure 退文 (element.date)."""
    report = report_of("示例市人民政府关于做好森林防火工作的通知\n示政发〔2023〕12号\n各区县人民政府：\n" + BODY
                       + "示例市人民政府\n二〇二三年三月十五日\n")
    assert errors(report) == {"element.date"}
    assert report["outcome"] == "return" and decide_doubt(report).sure


def test_a_return_resting_on_an_absence_is_held_for_the_clerk():
    report = report_of("示例市人民政府关于做好森林防火工作的通知\n示政发〔2023〕12号\n各区县人民政府：\n" + BODY + "示例市人民政府\n")
    assert errors(report) == {"element.date"} and report["verdict"] == "return"
    doubt = decide_doubt(report)
    assert not doubt.sure and report["outcome"] == "review_held"
    # the rule's Chinese name first, its id beside it (never the bare id: review, desk27)
    title = all_rules()["element.date"].title
    assert doubt.reasons == [f"{title}（element.date）：依据是“未见成文日期”，可能是未能识别，而非原文没有"]


def test_a_return_resting_on_a_title_read_among_a_sites_chrome_is_held():
    """A page's lines around the head lower the title's confidence (0.85 × 0.8 = 0.68 < 0.7): a title without
    文种 there is not returned on."""
    report = report_of("首页 > 政务公开 > 文件\n来源：示例市政府办公室\n示例市人民政府关于做好森林防火工作\n示政发〔2023〕12号\n"
                       "各区县人民政府：\n" + BODY + "示例市人民政府\n2023年3月15日\n")
    assert "element.title" in errors(report)
    assert report["document"]["readings"]["title"]["confidence"] < 0.7
    assert report["outcome"] == "review_held"


def test_an_old_report_without_readings_is_taken_as_it_is():
    assert decide_doubt({"verdict": "return", "document": {}, "findings": [
        {"rule": "element.date", "severity": "error"}]}).sure
    assert decide_doubt({"verdict": "accept", "findings": []}).sure


def test_a_template_full_of_placeholders_is_said_to_be_one_not_returned_with_twenty_reasons(tmp_path):
    path = thirdparty_docx.template(tmp_path / "template.docx")
    report = review_document(path.read_bytes(), path.name).report
    assert report["outcome"] == "template" and report["template"].startswith("含 5 处模板占位文字")
    assert report["document"]["placeholders"][:2] == ["[此处输入文件标题]", "[此处输入主送机关]："]
    assert report["doubt"]["reasons"][0].startswith("本件含 5 处模板占位文字")
    assert "〔此处加盖红色印章〕" not in (report["document"]["issuer"] or "")


# ---- §2 misreads in texts ------------------------------------------------------------------------------------

def test_a_pages_header_block_corroborates_and_never_hides_the_documents_own_date():
    text = ("标　　题：示例省人民政府关于加强森林防火工作的通知\n发文字号：示政发〔2023〕12号\n发布日期：2023-03-20\n"
            "发布机关：示例省人民政府\n示例省人民政府关于加强森林防火工作的通知\n各市、县人民政府，省政府各部门：\n" + BODY
            + "示例省人民政府\n二〇二三年三月十五日\n")
    report = report_of(text)
    doc = report["document"]
    assert doc["title"] == "示例省人民政府关于加强森林防火工作的通知"
    assert doc["addressees"] == ["各市", "县人民政府", "省政府各部门"]
    assert doc["date"] == "2023-03-15" and "element.date" in errors(report)


def test_site_clutter_stays_out_of_the_title():
    text = ("示例市人民政府门户网站\n2023年07月14日 星期五 10:22:31\n无障碍\n简体\n繁体\n跳转到内容\n"
            "示例市人民政府关于印发示例市防汛应急预案的通知——示例市人民政府网\n示例市人民政府关于印发示例市防汛应急预案的通知\n"
            "示政发〔2023〕8号\n各区县人民政府，市政府各部门：\n　　现将《示例市防汛应急预案》印发给你们，请认真贯彻执行。\n"
            "示例市人民政府\n2023年7月12日\n")
    el = elements_of(text)
    assert el.title.text == "示例市人民政府关于印发示例市防汛应急预案的通知"
    assert el.doc_number.text == "示政发〔2023〕8号" and el.addressees == ["各区县人民政府", "市政府各部门"]


def test_a_section_heading_and_database_lines_are_not_the_title():
    text = ("公文批复\n第一篇：示例县人民政府关于同意设立示例镇的批复\n时效性：现行有效\n效力级别：地方规范性文件\n"
            "示例县人民政府关于同意设立示例镇的批复\n示县政复〔2021〕3号\n示例乡人民政府：\n"
            "　　你乡《关于撤乡设镇的请示》收悉。经研究，同意撤销示例乡，设立示例镇。\n　　此复。\n示例县人民政府\n2021年4月2日\n")
    el = elements_of(text)
    assert el.title.text == "示例县人民政府关于同意设立示例镇的批复" and el.doc_type == "批复"


def test_a_label_alone_on_its_line_gives_its_value_and_a_label_never_stays_in_one():
    el = elements_of("标题\n示例省人民政府关于设立示例开发区的批复\n发文字号\n国函〔2008〕2号\n"
                     "示例省人民政府关于设立示例开发区的批复\n示例省人民政府：\n　　你省《关于设立示例开发区的请示》收悉。同意设立。\n"
                     "国务院\n2008年1月9日\n")
    assert el.doc_number.text == "国函〔2008〕2号"
    assert el.title.text == "示例省人民政府关于设立示例开发区的批复"
    el = elements_of("发文字号：国函〔2008〕2号\n示例省人民政府关于设立示例开发区的批复\n示例省人民政府：\n"
                     "　　你省《关于设立示例开发区的请示》收悉。同意设立。\n国务院\n2008年1月9日\n")
    assert el.doc_number.text == "国函〔2008〕2号"


@pytest.mark.parametrize("addressee_line,body_first", [
    ("　　各区财政局：", "　　现将2023年专项资金下达给你们，请按规定使用。"),  # indented like the body
    ("各区财政局：现将2023年专项资金下达给你们，请按规定使用。", None),  # sharing its line with the first sentence
    ("各区财政局，各县财政局", "　　现将2023年专项资金下达给你们，请按规定使用。"),  # its colon lost
])
def test_addressee_variants_are_found(addressee_line, body_first):
    text = "示例市财政局关于下达2023年专项资金的通知\n示财发〔2023〕5号\n" + addressee_line + "\n" \
        + (body_first + "\n" if body_first else "") + "示例市财政局\n2023年6月1日\n"
    el = elements_of(text)
    assert el.addressees[0] == "各区财政局"
    assert "现将2023年专项资金下达给你们" in el.body_text


def test_a_personal_addressee_is_caught():
    report = report_of("示例县体育局关于举办全县农民运动会的请示\n示体呈〔2023〕2号　签发人：李某\n尊敬的某某县长：\n"
                       "　　我局拟举办全县农民运动会，恳请县长拨冗出席。妥否，请批示。\n某某县体育局\n2023年5月6日\n"
                       "（联系人：王明，电话：0851-85551234）\n")
    # the 主送 is the person addressed, without the salutation (as h51's hand-written "唐军县长"); still a person
    assert report["document"]["addressees"] == ["某某县长"]
    assert "drafting.no-personal-addressee" in errors(report)


@pytest.mark.parametrize("text", [
    "示例市人民政府关于表彰2022年度安全生产先进单位的决定 示政发〔2023〕3号 各区县人民政府，市政府各部门： 2022年，全市安全生产形势"
    "总体平稳。经研究，决定对示例区等10个单位予以表彰。 示例市人民政府 2023年2月10日\n",
    "首页 > 政务公开\n示例市人民政府关于表彰2022年度安全生产先进单位的决定示政发〔2023〕3号各区县人民政府，市政府各部门：2022年，"
    "全市安全生产形势总体平稳。经研究，决定对示例区等10个单位予以表彰。希望受表彰的单位再接再厉。示例市人民政府2023年2月10日\n"
    "打印\n关闭\n",
])
def test_a_text_flattened_onto_one_line_is_read_and_held_if_it_would_be_returned(text):
    report = report_of(text)
    doc = report["document"]
    assert doc["title"] == "示例市人民政府关于表彰2022年度安全生产先进单位的决定"
    assert doc["doc_number"] == "示政发〔2023〕3号" and doc["addressees"] == ["各区县人民政府", "市政府各部门"]
    assert doc["issuer"] == "示例市人民政府" and doc["date"] == "2023-02-10"
    assert doc["readings"]["title"]["confidence"] < 0.7  # flattened: nothing cut out of one line is sure


def test_a_date_glued_to_the_signature():
    el = elements_of("示例市人民政府关于表彰2022年度安全生产先进单位的决定\n示政发〔2023〕3号\n各区县人民政府：\n"
                     "　　经研究，决定对示例区等10个单位予以表彰。\n示例市人民政府2023年2月10日\n")
    assert el.date_iso == "2023-02-10" and el.signature.text == "示例市人民政府" and el.issuers == ["示例市人民政府"]


def test_traditional_characters_are_parsed_simplified_and_quoted_as_written():
    text = ("發文字號：鄂政發〔2018〕26號\n湖北省人民政府關於進一步優化營商環境的若干意見\n各市、州、縣人民政府，省政府各部門：\n"
            "　　為深入貫徹落實黨中央、國務院決策部署，現就進一步優化營商環境提出如下意見。\n湖北省人民政府\n2018年12月1日\n")
    review = review_document(text.encode("utf-8"), "t.txt")
    doc = review.report["document"]
    assert doc["doc_type"] == "意见" and doc["title"] == "湖北省人民政府关于进一步优化营商环境的若干意见"
    assert doc["doc_number"] == "鄂政发〔2018〕26号" and doc["addressees"][-1] == "省政府各部门"
    assert review.elements.title.quote == "湖北省人民政府關於進一步優化營商環境的若干意見"
    assert any("繁体" in n for n in review.report["notes"])
    assert "鄂政發〔2018〕26號" in review.text and "鄂政发〔2018〕26号" in review.text  # the index finds both forms


def test_an_order_is_not_signed_by_its_issuer_and_keeps_its_number():
    report = report_of("示例省安全生产条例实施办法\n政府令〔2023〕第82号\n"
                       "　　《示例省安全生产条例实施办法》已经省人民政府常务会议通过，现予公布，自2023年7月1日起施行。\n省长\n2023年5月20日\n")
    doc = report["document"]
    assert doc["format"] == "order" and doc["doc_type"] == "令" and doc["doc_number"] == "政府令〔2023〕第82号"
    assert doc["issuer"] != "省长" and doc["title"] is None
    assert not errors(report)  # a 令 has no title, and its 令号 is 第N号


def test_the_banner_names_the_issuer():
    el = elements_of("示例省国土资源厅文件\n示国土资发〔2012〕15号\n关于做好2012年土地整治工作的通知\n各市、县国土资源局：\n"
                     "　　为做好2012年土地整治工作，现将有关事项通知如下。\n2012年3月5日\n")
    assert el.issuers == ["示例省国土资源厅"]


def test_a_title_ending_with_a_full_stop_is_a_title_with_a_finding():
    report = report_of("示例市人民政府关于做好春节期间安全工作的通知。\n示政发〔2024〕2号\n各区县人民政府：\n"
                       "　　春节将至，现就安全工作通知如下。\n示例市人民政府\n2024年1月20日\n")
    assert report["document"]["title"] == "示例市人民政府关于做好春节期间安全工作的通知。"
    assert report["document"]["doc_type"] == "通知"
    title = [f for f in report["findings"] if f["rule"] == "element.title"]
    assert [f["severity"] for f in title] == ["warning"] and "不加标点" in title[0]["message"]


def test_a_doubled_colon_and_a_sentence_starting_with_attachment():
    el = elements_of("示例市人民政府关于做好春节期间安全工作的通知\n示政发〔2024〕2号\n各有关单位：:\n"
                     "　　春节将至，现就安全工作通知如下。\n附件是各单位值班表，请查收。\n示例市人民政府\n2024年1月20日\n")
    assert el.addressees == ["各有关单位"]
    assert el.attachment_note == [] and el.attachments == []


# ---- §3 files made by other tools ----------------------------------------------------------------------------

def test_a_text_box_is_read_once_its_centred_mark_is_centred_and_a_border_rule_is_seen(tmp_path):
    path = thirdparty_docx.notice_with_text_box_mark(tmp_path / "box.docx")
    document = extract(path.read_bytes())
    texts = [ln.text for ln in document.pages[0].lines if ln.text.strip()]
    assert texts[0] == "示例市教育局文件" and "示例市教育局文件示例市教育局文件" not in "".join(texts)
    el = parse_elements(document)
    assert el.issuer_mark.text == "示例市教育局文件" and el.issuers == ["示例市教育局"]
    findings, _ = validate(document, el)
    rules = {f.rule for f in findings}
    assert "layout.issuer-mark" not in rules  # centred by its anchor, red, 小标宋
    assert "layout.separator" not in rules  # the empty paragraph's red bottom border under the 发文字号


def test_a_minutes_period_line_is_not_glued_to_its_title_and_its_date_in_the_header_is_read(tmp_path):
    path = thirdparty_docx.minutes_with_date_in_header(tmp_path / "minutes.docx")
    report = review_document(path.read_bytes(), path.name).report
    doc = report["document"]
    assert doc["format"] == "minutes" and doc["title"] == "关于研究城区排水设施改造工作的会议纪要"
    assert doc["date"] == "2026-03-06"
    rules = {f["rule"] for f in report["findings"]}
    assert "layout.title-font" not in rules and "element.date" not in rules  # measured on the title's own line


def test_an_order_with_a_blank_number_is_an_order(tmp_path):
    path = thirdparty_docx.order_with_blank_number(tmp_path / "order.docx")
    report = review_document(path.read_bytes(), path.name).report
    assert report["document"]["format"] == "order" and report["document"]["title"] is None
    assert not {"element.title", "layout.body-font"} & {f["rule"] for f in report["findings"]}


# ---- §4 boxes ------------------------------------------------------------------------------------------------

def test_a_declared_text_block_too_wide_is_boxed_at_the_declared_block(tmp_path):
    """Word's default right margin 31.8 mm on A4: the 版心 is [28, 37] to [210 − 31.8, 297 − 35] = [178.2, 262]."""
    path = builder.write_docx(builder.conformant_notice(margin_right=31.8), tmp_path / "narrow.docx")
    report = review_document(path.read_bytes(), path.name).report
    block = next(f for f in report["findings"] if f["rule"] == "layout.text-block")
    assert block["box"] == [28.0, 37.0, 178.2, 262.0] and block["page"] == 1


def test_a_title_in_the_wrong_font_is_boxed_on_the_title_in_a_pdf(tmp_path):
    """The title, centred in the 版心 (28 + 156 / 2 = 106 mm), set under the 发文字号 in the upper third."""
    pdf = builder.write_named_font_pdf(builder.conformant_notice(title_font=builder.HEI), tmp_path / "t.pdf",
                                       tmp_path / "fonts")
    report = review_document(pdf.read_bytes(), pdf.name).report
    font = next(f for f in report["findings"] if f["rule"] == "layout.title-font")
    x0, y0, x1, y1 = font["box"]
    assert abs((x0 + x1) / 2 - 106) <= 3 and 37 <= y0 < y1 <= 120 and y1 - y0 <= 25


def test_a_separator_box_lies_under_the_number_and_across_the_block(tmp_path):
    """A PDF whose red rule is black: the rule runs from the left margin (28 mm) to 210 − 26 = 184 mm."""
    pdf = builder.write_named_font_pdf(builder.conformant_notice(separator_color="000000"), tmp_path / "s.pdf",
                                       tmp_path / "fonts")
    report = review_document(pdf.read_bytes(), pdf.name).report
    colour = next(f for f in report["findings"] if f["rule"] == "layout.separator")
    x0, y0, x1, y1 = colour["box"]
    assert abs(x0 - 28) <= 0.5 and abs(x1 - 184) <= 0.5 and 37 < y0 <= y1 < 100


def test_report_with_boxes_and_readings_is_valid_against_the_schema(tmp_path):
    path = builder.write_docx(builder.conformant_notice(margin_right=31.8), tmp_path / "narrow.docx")
    document = extract(path.read_bytes())
    el = parse_elements(document)
    findings, skipped = validate(document, el)
    report = build_report(file="narrow.docx", sha256="0" * 64, channel="edoc", document=document, elements=el,
                          findings=findings, skipped=skipped, profile="gb9704-2012")
    jsonschema.validate(report, json.loads(SCHEMA_COPY.read_text(encoding="utf-8")))


# ---- §3.1 the line under the 版头 stays out of the title; typography is measured on the title -------------------

REQUEST_TAIL = [("示例市人民政府：", "left"), ("我局拟对部分校舍进行维修，所需资金860万元。恳请市人民政府予以支持。", "body"),
                ("妥否，请批示。", "body"), ("示例市教育局", "right"), ("2026年11月20日", "right"),
                ("（联系人：王明，电话：0851-85551234）", "body")]


def _request_docx(path, head_lines):
    from ..paragraphs_docx import Para, body, mark, title, write

    tail = [body(t) if how == "body" else Para(t, align=how) for t, how in REQUEST_TAIL]
    return write([mark("示例市教育局")] + [Para(t, align=a) for t, a in head_lines]
                 + [title("示例市教育局关于拨付校舍维修资金的请示")] + tail, path)


@pytest.mark.parametrize("head_lines,signers", [
    ([("示教呈〔2026〕5号　　签发人：张三", "center"), ("李四　王五", "center")], "张三 李四 王五"),  # a second line of signers
    ([("示教呈〔2026〕5号", "left"), ("签发人：", "right"), ("张三", "right")], "张三"),  # the label and the name in two cells
])
def test_the_signers_lines_under_the_number_are_not_the_titles_first_line(tmp_path, head_lines, signers):
    path = _request_docx(tmp_path / "r.docx", head_lines)
    report = review_document(path.read_bytes(), path.name).report
    doc = report["document"]
    assert doc["title"] == "示例市教育局关于拨付校舍维修资金的请示" and doc["doc_type"] == "请示"
    assert doc["signer"].split() == signers.split()
    assert report["verdict"] == "accept", report["findings"]


def test_a_minutes_title_in_a_libreoffice_pdf_is_measured_on_the_title(tmp_path):
    """The 纪要 of §3 rendered by LibreOffice: its 二号 小标宋 title is not reported as 三号 仿宋 (the "〔2026〕第5次"
    line under the mark is not its first line)."""
    from extractors.convert import convert_files

    docx_path = thirdparty_docx.minutes_with_date_in_header(tmp_path / "minutes.docx")
    pdf = convert_files([docx_path], "pdf", tmp_path / "pdf", timeout=600)[0]
    report = review_document(pdf.read_bytes(), pdf.name).report
    assert report["document"]["title"] == "关于研究城区排水设施改造工作的会议纪要"
    assert report["document"]["format"] == "minutes"
    title = [f["message"] for f in report["findings"] if f["rule"] == "layout.title-font"]
    assert not any("小标宋" in m or "2 号字" in m for m in title), title  # its font and size are the title's own
    # a one-page 纪要 of a few short lines: the 版心 measured from its ink is not sure, nor what rests on it
    block = report["document"]["readings"]["block"]
    assert block["confidence"] < 0.7 and "行首、行尾" in block["why"][0]
    assert report["outcome"] != "return"


def test_a_letter_size_page_is_boxed_whole_and_a_left_margin_at_the_text_start(tmp_path):
    """US Letter is 215.9 mm × 279.4 mm: the whole page is the place. A PDF set with a 31.8 mm left margin: the
    lines that start there, at x0 = 31.8 mm."""
    path = builder.write_docx(builder.conformant_notice(page_w=215.9, page_h=279.4), tmp_path / "letter.docx")
    report = review_document(path.read_bytes(), path.name).report
    paper = next(f for f in report["findings"] if f["rule"] == "layout.paper-size")
    assert paper["box"] == [0.0, 0.0, 215.9, 279.4]
    pdf = builder.write_named_font_pdf(builder.conformant_notice(margin_left=31.8), tmp_path / "left.pdf", tmp_path / "fonts")
    report = review_document(pdf.read_bytes(), pdf.name).report
    left = next(f for f in report["findings"] if f["rule"] == "layout.margin-left")
    x0, y0, x1, y1 = left["box"]
    assert abs(x0 - 31.8) <= 0.5 and 37 <= y0 < y1 and x1 > x0


def test_a_text_box_in_a_table_cell_and_in_the_header_is_read_once(tmp_path):
    """The same text box (Choice and Fallback) anchored in a 版头 table's cell, and in the page header (a 信函
    mark): one line each."""
    import docx
    from lxml import etree

    path = thirdparty_docx.notice_with_text_box_mark(tmp_path / "box.docx", mark="示例市教育局")
    document = docx.Document(str(path))
    cell = document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0]
    cell._p.append(etree.fromstring(thirdparty_docx.text_box_run("抄送：市委办公厅。", size_pt=14, color="000000")))
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0]._p.append(etree.fromstring(thirdparty_docx.text_box_run("示例市教育局函")))
    document.save(str(path))
    texts = [ln.text for page in extract(path.read_bytes()).pages for ln in page.lines]
    assert texts.count("示例市教育局函") == 1 and texts.count("抄送：市委办公厅。") == 1
    assert texts.count("示例市教育局") == 2  # the mark in its text box, once, and the 署名


def test_a_number_only_in_a_pages_table_after_the_document_is_read_as_a_guess():
    report = report_of("关于对2010年度农村公路竞赛活动进行表彰的决定\n　　经综合检查评定，市政府决定对新野县人民政府等单位进行表彰。\n"
                       "2011年2月23日\n主题词：农村公路 表彰 决定\n索  引  号 文       号 发布机构 发布日期\n"
                       "N001-2011-000627 宛政[2011]7号\n南阳市人民政府办公室 2011-03-04\n")
    doc = report["document"]
    assert doc["doc_number"] == "宛政[2011]7号" and doc["readings"]["doc_number"]["how"] == "guess"
    assert "element.doc-number" in errors(report)  # its brackets are wrong — but it is a guess: held, not returned
    assert report["outcome"] == "review_held"
