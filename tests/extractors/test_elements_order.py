"""Elements found by what they are, not by their order (issue 8, kind 2), and the formats of GB/T 9704-2012
chapter 10 with 联合行文 (kind 3), on plain texts written here; the expected values are written by hand from
the texts and the standard.
"""
from __future__ import annotations

from extractors import extract
from extractors.elements import parse_elements
from validators import validate
from validators.formats import applies, requires
from validators.report import build_report


def parse(text: str):
    document = extract(text.encode("utf-8"))
    return document, parse_elements(document)


def check(text: str, profile: str = "gb9704-2012", channel: str = "edoc"):
    document, el = parse(text)
    findings, skipped = validate(document, el, profile, channel)
    report = build_report(file="t.txt", sha256="0" * 64, channel=channel, document=document, elements=el,
                          findings=findings, skipped=skipped, profile=profile)
    return el, findings, report


def rules(findings) -> set[str]:
    return {f.rule for f in findings}


# kind 2: order and multi-line titles ---------------------------------------------------------------

WEB_REQUEST = """示例市水务局关于申请防汛物资储备经费的请示
示水呈〔2026〕8号
示例市人民政府：
　　为做好今年防汛工作，我局拟储备编织袋、救生衣等防汛物资，所需经费共计120万元。恳请市人民政府从市级防汛专项资金中安排。妥否，请批示。
示例市水务局
2026年5月20日
"""


def test_title_before_the_number_as_web_pages_print_it():
    el, findings, report = check(WEB_REQUEST)
    assert el.doc_type == "请示"
    assert el.title.text == "示例市水务局关于申请防汛物资储备经费的请示"
    assert el.doc_number.text == "示水呈〔2026〕8号"
    assert el.issuer_mark is None  # the title is not taken for a 发文机关标志
    assert el.addressees == ["示例市人民政府"]
    assert el.signature.text == "示例市水务局" and el.date_iso == "2026-05-20"
    assert el.body_lines and el.lines[el.body_lines[0]].text.strip().startswith("为做好今年防汛工作")
    found = rules(findings)
    # checked like any 请示: no 签发人, no 附注 with a contact
    assert {"element.signer", "element.annotation"} <= found
    assert not found & {"element.title", "element.doc-number", "element.addressee", "drafting.closing-phrase"}
    assert report["document"]["issuer"] == "示例市水务局"


def test_a_title_broken_before_its_doc_type_is_one_title_and_the_addressee_stays_apart():
    text = """示例市水务局文件
示水发〔2026〕9号
关于加强城区排水设施维护的
通知
各区水务局：
　　为确保汛期城区排水畅通，现就加强排水设施维护有关事项通知如下。
示例市水务局
2026年5月20日
"""
    el, findings, _ = check(text)
    assert el.title.text == "关于加强城区排水设施维护的通知"
    assert el.doc_type == "通知"
    assert el.addressee.text == "各区水务局："
    assert el.addressees == ["各区水务局"]
    assert "element.title" not in rules(findings)


def test_a_title_over_three_lines_web_order():
    text = """示例市人民政府办公室关于印发
示例市城区排水设施维护管理办法（试行）的
通知
示府办发〔2026〕15号
各区人民政府，市政府各部门：
　　《示例市城区排水设施维护管理办法（试行）》已经市人民政府同意，现印发给你们，请认真贯彻执行。
示例市人民政府办公室
2026年6月3日
"""
    el, _, _ = check(text)
    assert el.title.text == "示例市人民政府办公室关于印发示例市城区排水设施维护管理办法（试行）的通知"
    assert el.title_lines == [0, 1, 2]
    assert el.doc_number.text == "示府办发〔2026〕15号"
    assert el.addressees == ["各区人民政府", "市政府各部门"]


def test_a_title_without_doc_type_is_not_glued_to_the_first_heading():
    text = """示例市水务局关于城区排水设施维护工作的安排
各区水务局：
　　为确保汛期城区排水畅通，现将有关工作安排如下。
示例市水务局
2026年5月20日
"""
    el, findings, _ = check(text)
    assert el.title.text == "示例市水务局关于城区排水设施维护工作的安排"
    assert el.addressee.text == "各区水务局："
    assert "element.title" in rules(findings)


def test_a_number_cited_in_the_body_is_not_the_doc_number():
    text = """示例市人民政府关于做好防汛工作的通知
各区人民政府：
　　根据《示例省人民政府关于做好2026年防汛工作的通知》（示省政发〔2026〕3号）要求，现将有关事项通知如下。
示例市人民政府
2026年5月20日
"""
    el, _, _ = check(text)
    assert el.doc_number is None
    assert el.title.text == "示例市人民政府关于做好防汛工作的通知"


# kind 3: formats of chapter 10 and 联合行文 ---------------------------------------------------------

ORDER = """示例市人民政府令
第12号
　　《示例市城市排水管理办法》已经2026年5月10日市人民政府第8次常务会议通过，现予公布，自2026年7月1日起施行。
市长　张三
2026年5月20日
"""


def test_order_format_issuer_is_the_body_in_the_mark_not_the_official():
    el, findings, report = check(ORDER)
    assert el.format == "order"
    assert el.doc_type == "令"
    assert el.doc_number.text == "第12号"
    assert el.issuers == ["示例市人民政府"]
    assert el.signature.text == "市长　张三"
    assert el.date_iso == "2026-05-20"
    assert report["document"]["issuer"] == "示例市人民政府"
    assert report["document"]["format"] == "order"
    # a 令 needs no title, no 主送机关, and its number is "第N号" (GB/T 9704-2012 10.2)
    assert not rules(findings) & {"element.title", "element.doc-number", "element.addressee", "element.date"}
    assert report["verdict"] == "accept", findings


def test_order_number_with_a_leading_zero_is_found():
    el, findings, _ = check(ORDER.replace("第12号", "第012号"))
    hit = next(f for f in findings if f.rule == "element.doc-number")
    assert hit.expected == "第12号"


MINUTES = """示例市人民政府常务会议纪要
第3期
示例市人民政府办公室　　　　　　　　2026年5月20日
　　2026年5月18日，市长张三主持召开市人民政府第8次常务会议，研究城区排水设施维护等事项。纪要如下：
　　一、原则同意《示例市城区排水设施维护管理办法（试行）》，由市水务局修改完善后印发。
出席：张三、李四、王五
请假：赵六
列席：市水务局、市财政局负责同志
"""


def test_minutes_format_office_and_date_under_the_mark_no_addressee_no_signature():
    el, findings, report = check(MINUTES)
    assert el.format == "minutes"
    assert el.doc_type == "纪要"
    assert el.period.text == "第3期"
    assert el.date_iso == "2026-05-20"
    assert el.issuers == ["示例市人民政府办公室"]
    assert el.addressee is None
    assert set(el.attendance) == {"出席", "请假", "列席"}
    assert el.attendance["出席"].text == "出席：张三、李四、王五"
    assert all(not el.lines[i].text.startswith(("出席", "请假", "列席")) for i in el.body_lines)
    assert not rules(findings) & {"element.title", "element.doc-number", "element.addressee", "element.date"}
    assert report["verdict"] == "accept", findings
    assert any("纪要格式" in n for n in report["notes"])


def test_minutes_without_a_date_line_is_not_told_it_lacks_a_date():
    text = MINUTES.replace("示例市人民政府办公室　　　　　　　　2026年5月20日\n", "")
    el, findings, _ = check(text)
    assert el.format == "minutes" and el.date is None
    assert "element.date" not in rules(findings)


def test_a_standard_document_without_date_is_still_told():
    _, findings, _ = check(WEB_REQUEST.replace("2026年5月20日\n", ""))
    assert any(f.rule == "element.date" and f.evidence == "未见成文日期" for f in findings)


def test_joint_document_mark_stacked_and_signatures_on_one_line():
    text = """示例市教育局
示例市财政局
文件
示教发〔2026〕21号
示例市教育局　示例市财政局关于下达2026年校舍维修资金的通知
各区教育局、财政局：
　　现将2026年校舍维修资金下达给你们，请按规定使用。
示例市教育局　　　　示例市财政局
2026年5月20日
"""
    el, _, report = check(text)
    assert el.issuers == ["示例市教育局", "示例市财政局"]
    assert el.joint
    assert report["document"]["issuer"] == "示例市教育局"  # 主办机关
    assert report["document"]["issuers"] == ["示例市教育局", "示例市财政局"]
    assert any("联合行文" in n and "主办机关：示例市教育局" in n for n in report["notes"])


def test_joint_document_mark_on_one_line_and_signatures_stacked():
    text = """示例市水务局　示例市住房和城乡建设局　示例市财政局文件
示水发〔2026〕10号
关于联合开展城区排水设施检查的通知
各区水务局：
　　为确保汛期城区排水畅通，决定联合开展排水设施检查。
示例市水务局
示例市住房和城乡建设局
示例市财政局
2026年5月20日
"""
    el, _, _ = check(text)
    assert el.issuers == ["示例市水务局", "示例市住房和城乡建设局", "示例市财政局"]
    assert el.signature_lines == [5, 6, 7]
    assert el.body_lines == [4]


def test_format_applicability_is_one_table():
    assert not applies("layout.separator", "letter")
    assert not applies("layout.page-number", "letter")
    assert applies("layout.separator", "standard") and applies("layout.separator", "order")
    assert applies("element.date", "minutes")
    assert not requires("minutes", "date") and requires("standard", "date") and requires("order", "date")
    assert not requires("order", "title")


# texts as they really arrive: copied from a web page, forwarded in a mail ------------------------------

def test_a_web_page_copy_keeps_its_navigation_and_repeats_out_of_the_elements():
    text = """当前位置：首页 > 政务公开 > 政府文件
示例市人民政府办公室关于做好汛期安全工作的通知
来源：示例市人民政府办公室　发布日期：2026-05-21　浏览次数：
示府办发〔2026〕16号
示府办发〔2026〕16号
示例市人民政府办公室关于做好汛期安全工作的通知
各区人民政府，市政府各部门：
　　为做好汛期安全工作，现将有关事项通知如下。
示例市人民政府办公室
2026年5月20日
"""
    el, findings, report = check(text)
    assert el.title.text == "示例市人民政府办公室关于做好汛期安全工作的通知"
    assert el.doc_number.text == "示府办发〔2026〕16号"
    assert el.addressees == ["各区人民政府", "市政府各部门"]
    assert [el.lines[i].text.strip() for i in el.body_lines] == ["为做好汛期安全工作，现将有关事项通知如下。"]
    assert report["verdict"] == "accept", findings


def test_an_information_table_gives_title_and_number():
    text = """索引号 | 11520100/2026-00016 | 主题分类 | 城乡建设 |
发文字号 | 示府发〔2026〕3号 | 发布机构 | 示例市人民政府 |
标 题 | 示例市人民政府关于加强城区排水管理的通知 |
各区人民政府：
　　为加强城区排水管理，现将有关事项通知如下。
示例市人民政府
2026年5月20日
"""
    el, findings, _ = check(text)
    assert el.title.text == "示例市人民政府关于加强城区排水管理的通知"
    assert el.doc_number.text == "示府发〔2026〕3号"
    assert el.addressees == ["各区人民政府"]
    assert not rules(findings) & {"element.title", "element.doc-number"}


def test_a_forwarded_mail_order_the_mail_greeting_is_not_an_addressee():
    text = """李科长：
转发如下，请查收。
-------- 转发的邮件 --------
发件人：市政府办公室
主题：转发：示例市人民政府令第12号
""" + ORDER
    el, findings, _ = check(text)
    assert el.format == "order"
    assert el.addressee is None and el.addressees == []
    assert el.issuers == ["示例市人民政府"]
    assert el.doc_number.text == "第12号"


def test_an_order_mark_and_number_on_one_line_under_a_web_heading():
    text = """示例市人民政府关于修改《示例市城市排水管理办法》的决定
示例市人民政府令第13号
　　《示例市人民政府关于修改〈示例市城市排水管理办法〉的决定》已经市人民政府常务会议通过，现予公布，自公布之日起施行。
市长　张三
2026年6月1日
"""
    el, findings, report = check(text)
    assert el.format == "order" and el.doc_type == "令"
    assert el.doc_number.text == "第13号"
    assert el.issuers == ["示例市人民政府"]
    assert el.date_iso == "2026-06-01"
    assert report["verdict"] == "accept", findings


def test_the_issuer_named_by_the_title_when_nothing_else_names_it():
    text = """示例市水务局关于城区排水设施汛前检查情况的报告
示例市人民政府：
　　现将城区排水设施汛前检查情况报告如下。特此报告。
"""
    el, _, report = check(text)
    assert el.issuers == ["示例市水务局"]
    assert report["document"]["issuer"] == "示例市水务局"


def test_the_issue_examples_exactly():
    el, findings, _ = check("示例市水务局关于申请防汛物资储备经费的请示\n示水呈〔2026〕8号\n示例市人民政府：\n"
                            "为做好今年防汛工作，……妥否，请批示。\n")
    assert (el.doc_type, el.title.text, el.doc_number.text) == ("请示", "示例市水务局关于申请防汛物资储备经费的请示", "示水呈〔2026〕8号")
    assert {"element.signer", "element.annotation"} <= rules(findings)
    el, _, _ = check("关于加强城区排水设施维护的\n通知\n各区水务局：\n为做好今年防汛工作，请各区水务局加强巡查。\n")
    assert el.title.text == "关于加强城区排水设施维护的通知"
    assert el.addressees == ["各区水务局"]


def test_a_labelled_number_line_is_the_doc_number():
    el, _, _ = check("示例市水务局关于加强排水设施巡查的通知\n文号：示水发〔2026〕11号\n各区水务局：\n　　请加强巡查。\n")
    assert el.doc_number.text == "示水发〔2026〕11号"
    assert el.addressees == ["各区水务局"]


# shapes of the held-out corpus (h18, h19), on texts written here ------------------------------------------

RESOLUTION = """示例市第五届人民代表大会第二次会议关于计划执行情况的决议
（2026年1月18日示例市第五届人民代表大会第二次会议通过）
示例市第五届人民代表大会第二次会议审查了市人民政府提出的计划执行情况的报告，决定批准这个报告。
"""


def test_a_resolution_s_date_in_brackets_under_its_title_is_its_date():
    el, findings, _ = check(RESOLUTION)
    assert el.title.text == "示例市第五届人民代表大会第二次会议关于计划执行情况的决议"
    assert el.date.text == "2026年1月18日" and el.date_iso == "2026-01-18"
    assert el.body_lines[0] == 2  # the 题注 is not the first line of the 正文
    assert "element.date" not in rules(findings)


def test_a_bracketed_line_without_a_date_under_the_title_is_not_a_date():
    el, _, _ = check(RESOLUTION.replace("（2026年1月18日示例市第五届人民代表大会第二次会议通过）", "（征求意见稿）"))
    assert el.date is None


NOTICE_WITHOUT_TITLE = """经研究，决定自2026年6月1日起调整示例市政务服务大厅的办公时间，工作日上午9时至下午5时。
特此公告。
示例市政务服务管理
委员会办公室
2026年5月20日
"""


def test_a_signature_broken_over_two_lines_is_one_issuer_and_the_closing_formula_names_the_type():
    el, _, _ = check(NOTICE_WITHOUT_TITLE)
    assert el.issuers == ["示例市政务服务管理委员会办公室"]
    assert el.signature_lines == [2, 3]
    assert el.doc_type == "公告"  # no title: "特此公告。" names the 文种


def test_a_closing_formula_above_a_signature_is_not_part_of_the_issuer_s_name():
    el, _, _ = check(NOTICE_WITHOUT_TITLE.replace("示例市政务服务管理\n委员会办公室", "此告\n示例市政务服务管理委员会办公室"))
    assert el.issuers == ["示例市政务服务管理委员会办公室"]


def test_two_stacked_organs_stay_two_issuers():
    el, _, _ = check(NOTICE_WITHOUT_TITLE.replace("示例市政务服务管理\n委员会办公室", "示例市发展和改革委员会\n示例市财政局"))
    assert el.issuers == ["示例市发展和改革委员会", "示例市财政局"]


JOINT_TITLE_FIRST = """示例市教育局、示例市财政局
关于做好2026年学生资助资金
管理工作的通知
示教发〔2026〕9号
甲县、乙县、丙县、丁县、戊县、己县、庚县、辛县、壬县、癸县、子区、丑区、寅区、卯区、辰区、巳区、午区、未区人民政府，市直各学校，各民办学校，市教育局各直属单位：
　　为规范学生资助资金管理，现就有关事项通知如下。
示例市教育局　　示例市财政局
2026年3月2日
"""


def test_a_joint_title_whose_first_line_names_both_organs_is_the_title_not_a_mark():
    el, _, _ = check(JOINT_TITLE_FIRST)
    assert el.title.text == "示例市教育局、示例市财政局关于做好2026年学生资助资金管理工作的通知"
    assert el.issuer_mark is None
    assert el.doc_number.text == "示教发〔2026〕9号"


def test_a_long_list_of_addressees_is_the_main_addressee():
    el, _, _ = check(JOINT_TITLE_FIRST)
    assert el.addressees[0] == "甲县" and el.addressees[-1] == "市教育局各直属单位"
    assert len(el.addressees) == 21
    assert el.body_lines[0] == 5


def test_a_long_sentence_ending_with_a_colon_is_not_an_addressee():
    long_sentence = ("根据市委、市政府安排，经研究，决定在甲县、乙县、丙县、丁县、戊县、己县、庚县开展学生资助资金专项检查。"
                     "检查由市教育局牵头，市财政局、市审计局配合，重点检查资金拨付、发放、管理和使用情况，具体安排如下：")
    el, _, _ = check(JOINT_TITLE_FIRST.replace(JOINT_TITLE_FIRST.splitlines()[4], long_sentence))
    assert el.addressee is None


WIKI_PAGE = """示例市人民政府关于同意设立示例经济开发区的批复
外观
示例市人民政府关于同意设立示例经济开发区的批复 示府函〔2026〕38号 示例市人民政府 2026年5月31日 |
|
示例县人民政府：
　　你县《关于设立示例经济开发区的请示》收悉。经研究，同意设立示例经济开发区。
示例市人民政府
2026年5月31日
"""


def test_a_page_s_menu_word_and_header_line_before_the_addressee_are_page_lines():
    el, _, _ = check(WIKI_PAGE)
    assert el.title.text == "示例市人民政府关于同意设立示例经济开发区的批复"
    assert el.doc_number.text == "示府函〔2026〕38号"  # from the header line that repeats the title
    assert el.addressees == ["示例县人民政府"]
    assert el.body_lines[0] == 5


BRIEF_PAGE = """关于2026年上半年重点工作落实情况的通报
发布时间:2026-08-23 14:52信息来源:示例县人民政府
示例县政务督查
第20期
示例县人民政府督查室　　　　2026年8月19日
关于2026年上半年重点工作
落实情况的通报
各乡镇人民政府，县政府各部门：
　　根据县政府工作安排，县政府督查室对上半年重点工作落实情况进行了专项督查，现将有关情况通报如下。
"""


def test_a_brief_s_header_gives_its_issuer_and_the_title_printed_again_keeps_its_first_line():
    el, _, _ = check(BRIEF_PAGE)
    assert el.title.text == "关于2026年上半年重点工作落实情况的通报"
    assert el.issuers == ["示例县人民政府督查室"]
    assert el.addressees == ["各乡镇人民政府", "县政府各部门"]
    assert el.body_lines[0] == 8


def test_short_body_lines_after_a_title_are_not_skipped_without_an_addressee_or_the_title_ahead():
    el, _, _ = check("示例市人民政府关于调整办公时间的公告\n自6月1日起\n办公时间调整\n为上午9时至下午5时。\n特此公告。\n示例市人民政府\n2026年5月20日\n")
    assert el.body_lines[0] == 1


REPOSTED_NOTICE = """示例市公安局交通警察支队
关于开展交通安全演练的通告
为提升道路交通应急处置能力，示例市公安局交通警察支队拟于近期开展演练。现将有关事项通告如下：
一、演练时间：2026年4月28日。
特此通告
示例市公安局交通警察支队
2026年4月27日
"""


def test_an_organ_line_over_a_title_starting_with_guanyu_is_the_title_s_first_line_not_a_mark():
    # taken for a 版头, it had returned a published 通告 for lacking a 发文字号 (a false 退文)
    el, findings, report = check(REPOSTED_NOTICE)
    assert el.issuer_mark is None
    assert el.title.text == "示例市公安局交通警察支队关于开展交通安全演练的通告"
    assert "element.doc-number" not in rules(findings)
    assert report["verdict"] == "accept"


def test_a_letter_spaced_last_title_line_closes_up():
    el, _, _ = check("示例市人民政府关于农田水利建设\n几 个 问 题 的 通 知\n示政发〔2026〕3号\n各县人民政府：\n"
                     "　　现就有关问题通知如下。\n示例市人民政府\n2026年3月1日\n")
    assert el.title.text == "示例市人民政府关于农田水利建设几个问题的通知" and el.doc_type == "通知"


def test_without_a_title_the_type_the_text_announces_wins_over_a_slipped_closing_formula():
    el, _, _ = check("朗读\n　　为保障考试安静，现将有关事宜通告如下：\n一、禁止燃放时间：6月6日至6月10日。\n特此公告\n"
                     "示例县公安局\n2026年6月6日\n")
    assert el.title is None and el.doc_type == "通告"
    assert el.issuers == ["示例县公安局"]


def test_a_site_s_column_heading_and_bulleted_page_labels_are_page_lines():
    el, _, _ = check("政务服务丨示例市人民政府关于深化审批改革的实施意见\n- 发布日期:2026-07-19\n- 浏览次数:\n示例市人民政府\n"
                     "关于深化审批改革的实施意见\n示政字〔2026〕30号\n各县（市、区）人民政府，市政府各部门：\n"
                     "　　为深化审批改革，制定本意见。\n")
    assert el.title.text == "示例市人民政府关于深化审批改革的实施意见"
    assert el.doc_number.text == "示政字〔2026〕30号" and el.addressees == ["各县（市、区）人民政府", "市政府各部门"]
