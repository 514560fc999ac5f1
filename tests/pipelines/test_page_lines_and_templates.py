"""Issue 24, round 2: the kinds behind the held-out misreads of h41–h70 and the producers' files, each on inputs
written here (never the real text alone), the right values written by hand from the texts and GB/T 9704-2012.

Kinds: a page's lines around a 公文 (crumbs, site links, clocks, a 范文 site's series heading, a gazette's bare
section name, a page's label lines such as "请选择年份：") are never its 标题 or 主送; a mirror's pinyin glosses and
"?" standing for lost blanks are taken out; the 文种 the 正文 names (本决定, 现批复如下, 特具请示); a 主送 ending in
the ratio sign "∶"; a label with a qualifier ("文件标题：", "发布文号："); a personal 主送 without its salutation;
a document's name cited in 《》 is not its own request; placeholders and templates (a .dotx made by LibreOffice,
a draft whose elements are "[主送单位]" and "[发文单位]", a sample in Latin letters) are said to be templates.
"""
from __future__ import annotations

import json
import subprocess
import zipfile

import docx
import jsonschema
import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.nlp import in_cited_name
from extractors.normalise import blank_lost_marks, has_glosses, has_lost_marks, normalise, strip_glosses
from extractors.placeholders import blank_placeholders, is_style_name, placeholder_spans
from pipelines.review import review_document

from ..conftest import SCHEMA_COPY

BODY = "　　为切实做好森林防火工作，保障人民群众生命财产安全，现将有关事项通知如下。\n"
TITLE = "示例市人民政府关于做好森林防火工作的通知"
NOTICE = TITLE + "\n示政发〔2023〕12号\n各区县人民政府：\n" + BODY + "示例市人民政府\n2023年3月15日\n"


def elements_of(text: str):
    return parse_elements(extract(text.encode("utf-8")))


def report_of(data: bytes | str, name: str = "t.txt") -> dict:
    return review_document(data.encode("utf-8") if isinstance(data, str) else data, name, "edoc").report


def errors(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"] if f["severity"] == "error"}


# ---- a page's lines around the document ------------------------------------------------------------------------

@pytest.mark.parametrize("chrome", [
    "您当前的位置：首页 > 政务公开 > 通知公告\n",                      # a breadcrumb with its label
    "首页 >> 政务公开 >> 文件通知\n",                                # a breadcrumb without
    "范文大全 > 「通知」示例市人民政府关于做好森林防火工作的通知\n",   # a crumb whose last part names the document
    "中国政府网 示例省政府网 示例市政府网 繁体中文\n",                  # a site's links and switches
    "无障碍 简体| 繁体\n收藏本站| 设为首页| 首页\n",
    "今天是：2023年03月20日\n",                                      # a page's clock
    "示例市人民政府 2023年3月20日星期一\n",
    "森林防火工作通知范文 篇1\n",                                      # a 范文 site's series heading
    "市政府文件\n",                                                  # a gazette's bare section name
    "请选择年份：\n请选择期数：\n",                                    # a gazette's selectors, not a 主送
    "时限：\n",                                                      # a page's label line
])
def test_a_pages_lines_are_neither_title_nor_addressee(chrome):
    el = elements_of(chrome + NOTICE)
    assert el.title.text == TITLE
    assert el.addressees == ["各区县人民政府"]
    assert el.doc_number.text == "示政发〔2023〕12号"
    assert el.issuers == ["示例市人民政府"]


def test_a_sites_menu_of_many_short_words_is_skipped():
    menu = "".join(f"{w}\n" for w in ("首页", "政务公开", "政策文件", "科技发展", "农机研发", "互动交流", "办事服务",
                                      "数据开放", "专题专栏", "机构设置", "领导信息", "通知公告", "部门文件", "政策解读"))
    el = elements_of(menu + NOTICE)
    assert (el.title.text, el.addressees, el.date_iso) == (TITLE, ["各区县人民政府"], "2023-03-15")


def test_a_label_with_a_qualifier_is_a_pages_label_and_its_values_corroborate():
    text = ("文件标题：示例市人民政府关于做好森林防火工作的通知\n发布文号：示政发〔2023〕12号\n" + TITLE + "\n各区县人民政府：\n"
            + BODY + "示例市人民政府\n2023年3月15日\n")
    el = elements_of(text)
    assert el.title.text == TITLE and el.addressees == ["各区县人民政府"]
    assert el.doc_number.text == "示政发〔2023〕12号"  # from the page's label, the document giving none of its own


def test_an_info_table_of_bars_gives_the_title_where_the_text_has_none():
    text = ("索引号: | 1134160200/2023-00012 | 信息分类: | 通知 |\n发布机构: | 示例市人民政府 | 主题分类: | 综合政务 |\n"
            "发文字号: | 示政发〔2023〕12号 | 有 效 性: | 有效 |\n标 题: | " + TITLE + " | |\n各区县人民政府：\n" + BODY
            + "示例市人民政府\n2023年3月15日\n")
    el = elements_of(text)
    assert el.doc_type == "通知" and el.title.text == TITLE
    assert el.doc_number.text == "示政发〔2023〕12号" and el.issuers == ["示例市人民政府"]


# ---- glosses, lost characters, look-alike colons -------------------------------------------------------------

def test_pinyin_glosses_are_taken_out_before_reading():
    glossed = "清遠(yuǎn)市人民政府關於(yú)做好森林防火工作的通知"
    assert has_glosses(glossed + "批復(fù)")
    assert strip_glosses(glossed) == "清遠市人民政府關於做好森林防火工作的通知"
    assert not has_glosses("示例市（试行）办法(2023)")  # a bracket of ordinary text is no gloss
    text = ("清遠(yuǎn)市人民政府關(guān)於(yú)做好森林防火工作的通知\n各區(qū)縣人民政府：\n"
            "　　為切實做好森林防火工作，現將有關事項通知如下。\n清遠(yuǎn)市人民政府\n2023年3月15日\n")
    report = report_of(text)
    doc = report["document"]
    assert doc["title"] == "清远市人民政府关于做好森林防火工作的通知"
    assert doc["issuers"] == ["清远市人民政府"] and doc["addressees"] == ["各区县人民政府"]
    assert any("拼音注音" in n for n in report["notes"])


def test_question_marks_standing_for_lost_blanks_are_blanks():
    assert has_lost_marks("示政发〔2023〕12号?\n各区县人民政府：?\n2023年3月15日????")
    assert not has_lost_marks("是否可行?请批示。")  # one question mark is a question mark
    assert blank_lost_marks("2023年3月15日????") == "2023年3月15日\u3000\u3000\u3000\u3000"
    text = (TITLE + "\n示政发〔2023〕12号?\n各区县人民政府：\n" + BODY + "示例市人民政府\n2023年3月15日????????\n")
    report = report_of(text)
    assert report["document"]["date"] == "2023-03-15" and report["document"]["doc_number"] == "示政发〔2023〕12号"
    assert any("“?”" in n for n in report["notes"])


def test_a_ratio_sign_for_a_colon_still_ends_the_addressee():
    assert normalise("各区县人民政府∶") == "各区县人民政府："
    el = elements_of(TITLE + "\n示政发〔2023〕12号\n各区县人民政府，市政府各部门∶\n" + BODY + "示例市人民政府\n2023年3月15日\n")
    assert el.addressees == ["各区县人民政府", "市政府各部门"]


# ---- the 文种 the 正文 names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, kind", [
    ("　　经研究，现批复如下：同意你局所请。\n", "批复"),
    ("　　为加强森林防火工作，市政府研究决定如下。本决定自印发之日起施行。\n", "决定"),
    ("　　我局拟举办全县农民运动会，特具请示。以上请示当否，请批示。\n", "请示"),
])
def test_the_kind_named_by_the_body_of_a_text_without_title(body, kind):
    el = elements_of("示政发〔2023〕12号\n各区县人民政府：\n" + body + "示例市人民政府\n2023年3月15日\n")
    assert el.title is None and el.doc_type == kind


def test_a_cited_documents_name_is_not_this_documents_request():
    text = "你局《关于申请批复森林防火经费的请示》收悉。"
    assert in_cited_name(text, text.index("请示"))
    assert not in_cited_name("特此请示，请批复。", 5)


def test_a_personal_addressee_is_read_without_its_salutation_and_still_caught():
    report = report_of("示例县体育局关于举办全县农民运动会的请示\n示体呈〔2023〕2号　签发人：李明\n尊敬的王刚县长：\n"
                       "　　我局拟举办全县农民运动会，恳请县长拨冗出席。妥否，请批示。\n示例县体育局\n2023年5月6日\n"
                       "（联系人：王明，电话：0851-85551234）\n")
    assert report["document"]["addressees"] == ["王刚县长"]
    assert "drafting.no-personal-addressee" in errors(report)


# ---- placeholders and templates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, spans", [
    ("[主送单位]：", ["[主送单位]"]),
    ("【联系人】，电话：[手机号]", ["【联系人】", "[手机号]"]),
    ("XX市XX局关于XX的通知", ["XX", "XX", "XX"]),
    ("示X发〔20XX〕X号", ["XX", "X"]),
    ("20XX年X月X日", ["XX", "X", "X"]),
])
def test_placeholders_are_found(text, spans):
    assert [text[a:b][-len(s):] for (a, b), s in zip(placeholder_spans(text), spans)] == spans
    assert len(blank_placeholders(text)) == len(text)


@pytest.mark.parametrize("text", ["各单位（以下简称“单位”）：", "X光机采购项目", "第[1]条", "2023年3月15日", "示政发〔2023〕12号"])
def test_ordinary_text_holds_no_placeholder(text):
    assert placeholder_spans(text) == []


def test_style_names_are_placeholders_of_a_reference_document():
    assert all(is_style_name(t) for t in ("Title", "Heading 1", "Body Text", "标题 2", "Subtitle."))
    assert not any(is_style_name(t) for t in ("标题", TITLE, "Titles of nobility"))


def _draft_docx(path, lines):
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)
    return path


def test_a_draft_whose_elements_are_placeholders_is_a_template_not_a_return(tmp_path):
    path = _draft_docx(tmp_path / "draft.docx", [TITLE, "[主送单位]：", BODY.strip(), "[发文单位]", "[日期]"])
    report = report_of(path.read_bytes(), path.name)
    assert report["outcome"] == "template"
    assert report["template"].startswith("含 3 处模板占位文字（如“[主送单位]：”")
    # "[主送单位]" and "[发文单位]" are read as nothing; the issuer is the one the title names
    assert report["document"]["addressees"] == [] and report["document"]["issuer"] == "示例市人民政府"
    assert report["notes"][0].startswith("本件是模板或未填写完的样稿，不是公文")
    jsonschema.validate(report, json.loads(SCHEMA_COPY.read_text(encoding="utf-8")))


def test_a_filled_document_with_one_bracketed_word_is_no_template(tmp_path):
    path = _draft_docx(tmp_path / "filled.docx", [TITLE, "示政发〔2023〕12号", "各区县人民政府：", BODY.strip() + "[附件]",
                                                  "示例市人民政府", "2023年3月15日"])
    report = report_of(path.read_bytes(), path.name)
    assert report["outcome"] != "template" and "template" not in report


def test_a_word_template_made_by_libreoffice_is_read_and_said_to_be_one(tmp_path):
    source = _draft_docx(tmp_path / "form.docx", [TITLE, "各区县人民政府：", BODY.strip(), "示例市人民政府"])
    subprocess.run(["soffice", "--headless", "--convert-to", "dotx:MS Word 2007 XML Template", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=300)
    dotx = tmp_path / "form.dotx"
    types = zipfile.ZipFile(dotx).read("[Content_Types].xml").decode()
    assert "wordprocessingml.template.main+xml" in types  # a real template, by its package's content type
    document = extract(dotx.read_bytes())
    assert document.template and document.format == "docx"
    assert TITLE in [ln.text.strip() for ln in document.lines]
    report = report_of(dotx.read_bytes(), dotx.name)
    assert report["outcome"] == "template" and report["template"].startswith("原件是 Word 模板文件")


def test_a_sample_in_latin_letters_is_no_issuer_mark_and_no_title(tmp_path):
    d = docx.Document()
    for _ in range(2):
        run = d.add_paragraph().add_run("Jose AI")
        run.font.size = docx.shared.Pt(26)
        run.font.color.rgb = docx.shared.RGBColor(0xFF, 0, 0)
    d.save(tmp_path / "sample.docx")
    el = parse_elements(extract((tmp_path / "sample.docx").read_bytes()))
    assert el.issuers == [] and el.issuer_mark is None and el.title is None


def test_the_desk_leaves_a_template_for_the_clerk_never_returns_it(tmp_path):
    """validate (desk and CLI): a template counts with the held (exit 3), never as a 退文 (exit 1)."""
    from pipelines import desk
    from validators import DEFAULT_PROFILE

    path = _draft_docx(tmp_path / "draft.docx", [TITLE, "[主送单位]：", BODY.strip(), "[发文单位]", "[日期]"])
    [done] = list(desk.validate([str(path)], profile=DEFAULT_PROFILE))
    assert (done.outcome, done.held, done.returned) == ("template", True, False)


def test_a_literature_databases_record_gives_way_to_the_documents_own_text():
    """编号 / 文献题名 / 关键词 (one a line) / 文摘内容 over the 主送 sharing its line with the 正文 (a database's record)."""
    text = ("编号\nzgly0000000001\n文献类型\n期刊论文\n文献题名\n" + TITLE + "\n作者单位\n示例市人民政府\n关键词\n森林防火\n"
            "人民政府\n林业局\n示例市\n文摘内容\n各区县人民政府，市政府各部门：为切实做好森林防火工作，保障人民群众生命财产安全，"
            "现将有关事项通知如下。\n示例市人民政府\n2023年3月15日\n")
    el = elements_of(text)
    assert el.title.text == TITLE and el.addressees == ["各区县人民政府", "市政府各部门"]
    assert "为切实做好森林防火工作" in el.body_text


def test_a_lost_mark_after_the_addressees_colon_is_a_blank():
    text = ("发布文号: 示政发[2023]12号?\n各区县人民政府，市政府各部门： ?\n" + BODY.strip() + "\n一等奖：示例区?\n二等奖：示例县?\n"
            "示例市人民政府\n2023年3月15日\n")
    el = elements_of(text)
    assert el.lost_marks and el.addressees == ["各区县人民政府", "市政府各部门"]


def test_a_pages_raw_html_left_in_a_text_is_set_to_lines():
    text = ("文号 :示政发〔2023〕12号\n<p>各区县人民政府，市政府各部门：</p><p> 为切实做好森林防火工作，保障人民群众生命财产安全，"
            "现将有关事项通知如下。</p><p style=\"text-align: right;\"> 示例市人民政府</p>"
            "<p style=\"text-align: right;\"> 2023年3月15日</p><p><br/></p><p><strong>附&nbsp;件</strong></p>\n")
    report = report_of(text)
    doc = report["document"]
    assert doc["addressees"] == ["各区县人民政府", "市政府各部门"] and doc["date"] == "2023-03-15"
    assert doc["issuers"] == ["示例市人民政府"]
    assert any("HTML" in n for n in report["notes"])
    plain = "示例：正文里写到<p>标记一次，不是网页。\n"  # one tag quoted in a text is left as it is
    assert extract(plain.encode("utf-8")).lines[0].text == plain.strip()


def test_an_organ_alone_on_the_last_line_is_the_signature_when_the_date_was_cut():
    el = elements_of(TITLE + "\n各区县人民政府：\n" + BODY + "示例市林业局\n")
    # the 署名 names who issued it (a title may name the body that forwards it); read off a lone line: a guess
    assert el.signature.text == "示例市林业局" and el.issuers == ["示例市林业局"]
    assert el.readings["signature"].how == "guess"
    el = elements_of("关于做好森林防火工作的通知\n各区县人民政府：\n" + BODY + "示例市林业局\n")
    assert el.issuers == ["示例市林业局"] and el.date is None
    el = elements_of("关于做好森林防火工作的通知\n各区县人民政府：\n" + BODY + "一、加强领导\n")  # a heading is no 署名
    assert el.signature is None and el.issuers == []


def test_a_date_glued_to_the_end_of_the_last_paragraph_is_read_as_a_guess():
    el = elements_of(TITLE + "\n各区县人民政府：\n" + BODY + "　　希望各地认真落实。 2023年3月15日\n")
    assert el.date_iso == "2023-03-15" and el.readings["date"].how == "guess"
    el = elements_of(TITLE + "\n各区县人民政府：\n　　2023年3月15日起，各地要认真落实。\n")  # a date the 正文 speaks of
    assert el.date is None
