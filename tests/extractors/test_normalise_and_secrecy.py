"""Characters normalised before parsing (issue 8, kind 4), rules that missed their own cases (kind 8), and the
密级 in every form a document carries it (issue 9, item 1, the parser's side). Inputs written here; expected
values by hand from the texts, GB/T 9704-2012, GB/T 9704-1999 and GB/T 15835-2011.
"""
from __future__ import annotations

import pytest

from extractors.elements import read_secrecy
from extractors.normalise import normalise
from pipelines.review import review_document

from ..extractors.test_elements_order import check, rules

NOTICE = """示例市教育局文件
{number}
示例市教育局关于做好2024年校舍安全检查的通知
各区教育局：
　　{body}
示例市教育局
{date}
"""


def notice(number="示教发〔2024〕21号", body="为做好校舍安全工作，现将有关事项通知如下。", date="2024年5月20日", head=""):
    return head + NOTICE.format(number=number, body=body, date=date)


# kind 4: normalisation ---------------------------------------------------------------------------

def test_normalise_maps_one_for_one_and_leaves_punctuation():
    original = "２０２４年5⽉20⽇，⽰例市⼈民政府（Ｈ）：〔〕　“”"
    result = normalise(original)
    assert result == "2024年5月20日，⽰例市人民政府（H）：〔〕　“”".replace("⽰", "示")
    assert len(result) == len(original)
    assert normalise("⻓⻔⻢") == "长门马"  # CJK radicals supplement, by table
    assert normalise("\uf90a") == "金"  # a CJK compatibility ideograph


def test_kangxi_radicals_in_a_date_line_still_make_a_date():
    el, findings, report = check(notice(date="2024年5⽉20⽇"))
    assert el.date_iso == "2024-05-20"
    assert "element.date" not in rules(findings)
    assert report["document"]["date"] == "2024-05-20"


def test_kangxi_radicals_in_the_title_and_issuer_are_read_as_ordinary_characters():
    text = notice().replace("示例市教育局关于", "⽰例市教育局关于").replace("示例市教育局\n2024", "⽰例市教育局\n2024")
    el, findings, report = check(text)
    assert report["document"]["title"] == "示例市教育局关于做好2024年校舍安全检查的通知"
    assert report["document"]["issuer"] == "示例市教育局"
    assert el.title.original.startswith("⽰例市")  # the original is kept for quoting


def test_fullwidth_digits_give_no_false_zero_reasons_and_are_named():
    el, findings, report = check(notice(number="示教发〔２０２４〕２１号", date="２０２４年５月２０日"))
    assert el.doc_number.text == "示教发〔2024〕21号"
    assert el.date_iso == "2024-05-20"
    assert not rules(findings) & {"element.doc-number", "element.date"}
    hit = next(f for f in findings if f.rule == "text.fullwidth-digits")
    assert "２０２４" in hit.evidence  # evidence quotes the document as written
    assert hit.expected == "2024"
    assert report["verdict"] == "accept"  # a warning, not a return


def test_fullwidth_digits_in_the_date_alone_are_named():
    _, findings, _ = check(notice(date="２０２４年５月２０日"))
    hit = next(f for f in findings if f.rule == "text.fullwidth-digits")
    assert hit.evidence == "２０２４年５月２０日" and hit.expected == "2024"


@pytest.mark.parametrize("written", ["二O二四年五月二十日", "二0二四年五月二十日", "二〇二四年五月二十日", "二零二四年五月二十日"])
def test_chinese_numeral_dates_with_any_zero_are_dates_told_to_use_arabic_numerals(written):
    el, findings, _ = check(notice(date=written))
    assert el.date_iso == "2024-05-20"
    hit = next(f for f in findings if f.rule == "element.date")
    assert hit.evidence == written and hit.expected == "2024年5月20日"
    assert "阿拉伯数字" in hit.message


def test_1999_profile_wants_the_zero_written_as_ling_circle():
    _, findings, _ = check(notice(date="二〇二四年五月二十日"), profile="gb9704-1999")
    assert "element.date" not in rules(findings)
    _, findings, _ = check(notice(date="二○二四年五月二十日"), profile="gb9704-1999")  # U+25CB, the common look-alike
    assert "element.date" not in rules(findings)
    _, findings, _ = check(notice(date="二O二四年五月二十日"), profile="gb9704-1999")
    hit = next(f for f in findings if f.rule == "element.date")
    assert "〇" in hit.message and "7.3.5" in hit.message
    assert hit.expected == "二〇二四年五月二十日"


def test_review_stores_the_normalised_text_for_routing_and_search():
    review = review_document(notice(body="请于２０２４年６⽉１⽇前报送。").encode("utf-8"), "t.txt", "edoc")
    assert "2024年6月1日" in review.body
    assert "2024年6月1日" in review.text
    assert "⽉" not in review.text


# kind 8: year abbreviations --------------------------------------------------------------------

@pytest.mark.parametrize("sentence,quoted", [
    ("截至25年底，全市已完成校舍加固30栋。", "25年"),
    ("26年拟新建学校3所。", "26年"),
    ("各校于26年1月底前完成自查。", "26年"),
    ("全市25年度教育经费已全部拨付。", "25年"),
])
def test_year_abbreviations_are_found(sentence, quoted):
    _, findings, _ = check(notice(body=sentence))
    hit = next(f for f in findings if f.rule == "text.year-abbrev")
    assert quoted in hit.message
    assert hit.expected == "20" + quoted


@pytest.mark.parametrize("sentence", [
    "近25年来，全市校舍面貌明显改善。",
    "25年来，我市教育事业发展迅速。",
    "该校舍已使用满25年，需要加固。",
    "这项工程历时12年，于今年完工。",
    "25年间，全市新建学校120所。",
])
def test_durations_in_years_are_not_abbreviated_years(sentence):
    _, findings, _ = check(notice(body=sentence))
    assert "text.year-abbrev" not in rules(findings)


# issue 9 item 1: 密级 in every form ---------------------------------------------------------------

@pytest.mark.parametrize("line,level,urgency", [
    ("机密★1年", "机密", None),
    ("机　密★1年", "机密", None),
    ("机 密 ★ 1 年", "机密", None),
    ("密级：机密", "机密", None),
    ("密级:秘密★6个月", "秘密", None),
    ("机密★1年 特急", "机密", "特急"),
    ("机密★1年　加急", "机密", "加急"),
    ("密级：机密　紧急程度：特急", "机密", "特急"),
    ("特急　机密★1年", "机密", "特急"),
    ("机密*1年", "机密", None),
    ("机密☆1年", "机密", None),
    ("机密 1年", "机密", None),
    ("绝密★长期", "绝密", None),
    ("秘　密", "秘密", None),
    ("000123 机密★1年", "机密", None),
])
def test_secrecy_variants_are_classified(line, level, urgency):
    el, findings, report = check(notice(head=line + "\n"))
    assert el.secrecy is not None and el.secrecy.text.startswith(level)
    assert el.secrecy.original == line.strip()
    assert el.urgency is None if urgency is None else el.urgency.text == urgency
    hit = next(f for f in findings if f.rule == "security.classified")
    assert level in hit.message and hit.evidence == line.strip()
    assert report["verdict"] == "return"
    assert el.secrecy_unreadable is None


def test_spaced_and_ocr_stars_are_not_told_to_the_sender_as_wrong_periods():
    _, findings, _ = check(notice(head="机　密★1年\n"))
    assert "element.secrecy" not in rules(findings)
    _, findings, _ = check(notice(head="机密★一年\n"))
    assert "element.secrecy" in rules(findings)


@pytest.mark.parametrize("line", ["密级：■■", "密级：", "杌宓★1年", "■■★1年"])
def test_a_secrecy_mark_whose_level_cannot_be_read_is_held(line):
    el, findings, _ = check(notice(head=line + "\n"))
    assert el.secrecy is None
    assert el.secrecy_unreadable is not None and el.secrecy_unreadable.original == line
    hit = next(f for f in findings if f.rule == "security.classified")
    assert "无法辨认" in hit.message


@pytest.mark.parametrize("text", [
    notice(body="各单位要加强秘密载体管理，严防失泄密，机密文件一律存放在保密柜。"),
    notice().replace("做好2024年校舍安全检查的通知", "加强机密文件管理的通知"),
    notice(body="秘密"),
])
def test_ordinary_text_mentioning_secrets_is_not_classified(text):
    el, findings, _ = check(text)
    assert el.secrecy is None and el.secrecy_unreadable is None
    assert "security.classified" not in rules(findings)


def test_read_secrecy_refuses_sentences():
    assert read_secrecy("做好秘密载体管理") is None
    assert read_secrecy("机密文件管理规定") is None
    assert read_secrecy("机　密★1年")["level"] == "机密"


def test_the_batch_sees_an_unreadable_mark_and_holds_the_document():
    review = review_document(notice(head="密级：■■★1年\n").encode("utf-8"), "t.txt", "mail")
    assert review.elements.secrecy_unreadable.original == "密级：■■★1年"
    # the batch sends a document with security.classified to the 机要室 and never indexes it
    assert any(f["rule"] == "security.classified" for f in review.report["findings"])
