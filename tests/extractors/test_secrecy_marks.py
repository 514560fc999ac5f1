"""Every 密级 form the parser knows, fed to every matcher: they all give the same answer (issue 16 strain 1, seam S7).

Forms collected from the tests (test_normalise_and_secrecy, test_marks_and_confidential_desk, test_secrecy_ocr), tests/data/tryout-findings/
(make_inputs.py's cls-*.txt, FINDINGS F19's zero-width space), the README and GB/T 9704-2012 7.2.1/7.2.2 (份号 of
6 digits above the 密级; 密级 and 保密期限 as "机密★1年"; 1999's spaced "机　密"). The expected answer of each
form is written by hand: the level a 机要员 reads in it, "held" for a mark whose level cannot be read, None for a
field that says the document is open or a line that is no mark at all.

Matchers: extractors.secrecy.level_of / is_mark_line / read_secrecy (the line readers), index.base.is_classified
(the index's last refusal), the element parser (Elements.secrecy / secrecy_unreadable), the security.classified
rule (validators), extractors.secrecy.secrecy_decision (a mail's 附件) and pipelines.secrecy.index_decision (the
batch).
"""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.elements import parse_elements
from extractors.secrecy import CLASSIFIED, HELD, LEVELS, OPEN, is_mark_line, level_of, read_secrecy, secrecy_decision
from index.base import is_classified
from pipelines.review import review_document
from pipelines.secrecy import index_decision
from tests import builder

# form -> the level read in it, "held" (a mark, its level unreadable), or None (open)
FORMS = {
    # GB/T 9704-2012 7.2.2 and its variants as offices write them
    "机密★1年": "机密", "秘密★6个月": "秘密", "绝密★长期": "绝密", "机密★长期": "机密", "秘密": "秘密", "绝密★10年": "绝密",
    # the 1999 layout and OCR spacing
    "机　密★1年": "机密", "机 密 ★ 1 年": "机密", "秘　密": "秘密", "机\u00a0密★1年": "机密",
    # a zero-width space inside the level (tryout2 F19: it was held, the level is plain once it is taken out)
    "机\u200b密★1年": "机密",
    # labelled
    "密级：机密": "机密", "密级:秘密★6个月": "秘密", "密级:绝密": "绝密", "密级 机密": "机密",
    # with 紧急程度 on the line
    "机密★1年 特急": "机密", "机密★1年　加急": "机密", "密级：机密　紧急程度：特急": "机密", "特急　机密★1年": "机密",
    "秘密 特急": "秘密",
    # OCR's stars
    "机密*1年": "机密", "机密☆1年": "机密", "机密 1年": "机密", "机密＊1年": "机密", "机密▲1年": "机密",
    "机密 ★ 一年": "机密",
    # a 份号 (7.2.1) before it on the same line, in half- and full-width digits
    "000123 机密★1年": "机密", "000123　秘密★1年": "秘密", "份号：000123　密级：机密": "机密",
    "份号 000123 密级 机密": "机密", "０００１２３ 机密★１年": "机密",
    # brackets and other shapes
    "【机密】": "机密", "[秘密]": "秘密", "（绝密★10年）": "绝密", "★机密": "机密", "机密级": "机密", "机密，1年": "机密",
    # a mark whose level cannot be read: held for the 机要员
    "密级：■■": "held", "密级：": "held", "杌宓★1年": "held", "■■★1年": "held", "密级：■■★1年": "held",
    "密级:▇▇": "held",
    # fields that say the document is open
    "密级：无": None, "密级：非密": None, "密级：公开": None, "密级：一般": None, "份号：000123　密级：无": None,
    "密级：无密级": None, "密级：内部公开": None, "密级：不涉密": None,
    # sentences and titles that mention secrets (issue 19 point 2: a wrapped 正文 line beginning with 密级)
    "做好秘密载体管理": None, "机密文件管理规定": None, "密级，并由专人报送。": None, "秘密载体不得擅自复制。": None,
    "密级和保密期限的标注": None, "秘 密 级 文 件 管 理 办 法": None,
}

NOTICE = builder.to_text(builder.conformant_notice(doc_number="筑公发〔2026〕41号"))


def _answer_of_decision(decision) -> object:
    return decision.level if decision.kind == CLASSIFIED else ("held" if decision.kind == HELD else None)


@pytest.fixture(scope="module")
def reviews():
    """Each form as the first line of a conformant notice, reviewed once (parser, rules, decision)."""
    return {form: review_document((form + "\n" + NOTICE).encode("utf-8"), "通知.txt", channel="edoc") for form in FORMS}


@pytest.mark.parametrize("form,expected", FORMS.items(), ids=list(FORMS))
def test_the_line_readers_agree(form, expected):
    level = expected if expected in LEVELS else None
    assert level_of(form) == level
    assert is_classified(form) is (level is not None)
    reading = read_secrecy(form)
    assert (reading["level"] if reading and reading["level"] in LEVELS else None) == level
    assert is_mark_line(form) is (expected is not None)


@pytest.mark.parametrize("form,expected", FORMS.items(), ids=list(FORMS))
def test_the_document_readers_agree(form, expected, reviews):
    review = reviews[form]
    el = review.elements
    # the element parser
    parsed = level_of(el.secrecy.text) if el.secrecy is not None else None
    assert (parsed or ("held" if el.secrecy_unreadable is not None else None)) == expected
    # the security.classified rule
    hits = [f for f in review.report["findings"] if f["rule"] == "security.classified"]
    if expected in LEVELS:
        assert len(hits) == 1 and f"“{expected}”" in hits[0]["message"]
    elif expected == "held":
        assert len(hits) == 1 and "无法辨认" in hits[0]["message"]
    else:
        assert hits == []
    # the report's 密级 as the index's last refusal reads it
    assert is_classified(review.report["document"]["secrecy"]) is (expected in LEVELS)
    # a mail 附件's decision, and the batch's
    assert _answer_of_decision(secrecy_decision(el)) == expected
    assert _answer_of_decision(index_decision(review)) == expected


MARKS = [f for f, e in FORMS.items() if e is not None]


@pytest.mark.parametrize("form", MARKS, ids=MARKS)
def test_a_mark_among_the_body_lines_is_not_a_mark(form):
    """A mark-like line among the 正文's paragraphs (after the title and the 主送机关) is not where GB/T 9704 7.2.2
    puts a 密级: the document is open (issue 19 point 2)."""
    spec = builder.conformant_notice()
    spec = builder.conformant_notice(body=spec.body[:1] + [form] + spec.body[1:])
    el = parse_elements(extract(builder.to_text(spec).encode("utf-8"), "txt"))
    assert el.title is not None and el.title.text == spec.title
    assert el.secrecy is None and el.secrecy_unreadable is None
    assert secrecy_decision(el).kind == OPEN
