"""A citizen's 居民身份证号码 and a home address written in running text ("住在……") are personal information
(个人信息保护法 第二十八条: 身份证号码 is sensitive personal information): the text the search index, its snippets,
the letter's 事由 and the leader's page hold must not carry them. Found by the tryout of 2026-12-06: a 12345
letter's ID number showed in the leader's 来信登记簿 (事由) and search results. Right values written by hand."""
from __future__ import annotations

from pipelines.letters.fields import read_fields, redact

LETTER = """市长您好：
我叫王小红，身份证号520102198805061234，住在云岩区中华北路88号3单元502室，电话13908512345。
我家楼下的烧烤店每天晚上营业到凌晨两点，噪音和油烟严重影响休息，多次反映无果，恳请政府帮忙解决。
王小红
2026年12月1日
"""


def test_an_id_number_and_a_running_text_address_are_taken_out():
    out = redact(LETTER, read_fields(LETTER))
    assert "520102198805061234" not in out
    assert "中华北路" not in out and "502室" not in out
    assert "13908512345" not in out and "王小红" not in out
    # the matter itself stays readable
    assert "烧烤店每天晚上营业到凌晨两点" in out
    assert "2026年12月1日" in out


def test_an_id_number_ending_in_x_and_an_old_15_digit_one_are_taken_out():
    text = "本人身份证52010219900101123X，老证号520102900101123，家住观山湖区金阳南路6号。"
    out = redact(text, read_fields(text))
    assert "52010219900101123X" not in out and "520102900101123" not in out
    assert "金阳南路" not in out


def test_the_subject_taken_from_the_first_sentence_carries_no_id_number():
    fields = read_fields(LETTER)
    assert "520102198805061234" not in redact(fields.subject or "", fields)


def test_a_sum_of_money_or_a_document_number_is_not_taken_for_an_id_number():
    text = "我单位欠薪共计12000元，依据筑府办发〔2013〕33号文件，住在这里的人很多。"
    assert redact(text, read_fields(text)) == text


def test_a_closing_formula_is_not_taken_for_the_writer_and_an_address_starts_at_the_place():
    """此致 / 敬礼 alone on the last lines look like a name (two characters on a line of their own): the leader read
    "此致 ＊＊". And 我家住在…: the address is the place, not "在…". Found by the fresh-user tryout of 2026-12-07."""
    text = "市长您好：\n我家住在云岩区某小区，楼下餐馆油烟扰民，恳请处理。\n此致\n敬礼\n"
    fields = read_fields(text)
    assert fields.writer is None
    assert fields.address == "云岩区某小区"
    out = redact(text, fields)
    assert out.endswith("此致\n敬礼\n")
    assert "云岩区某小区" not in out


def test_a_name_below_the_closing_formula_is_still_the_writer():
    text = "市长您好：\n小区门口道路破损多年，恳请修缮。\n此致\n敬礼！\n李建国\n2026年12月2日\n"
    fields = read_fields(text)
    assert fields.writer == "李建国"
    assert "李建国" not in redact(text, fields) and "敬礼" in redact(text, fields)
