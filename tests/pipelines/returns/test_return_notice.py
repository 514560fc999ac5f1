"""The 退文通知单 as the sender reads it: every item says what is wrong in a way that can be seen on paper."""
from __future__ import annotations

from docx import Document

from pipelines.returns import Office, write_return
from validators.registry import all_rules


def _report(*findings: dict) -> dict:
    return {"file": "来文.docx", "verdict": "returned",
            "document": {"issuer": "贵阳市教育局", "title": "贵阳市教育局关于2026年上半年工作情况的报告",
                         "doc_number": "筑教呈〔2026〕7号"},
            "findings": list(findings)}


def _paragraphs(tmp_path, report) -> list[str]:
    path = write_return(tmp_path, "收〔2026〕5号", "2026-11-30T09:00:00+08:00", report,
                        office=Office(name="贵阳市人民政府办公厅", contact="王敏", phone="0851-12345678"))
    return [p.text for p in Document(str(path)).paragraphs]


def test_a_punctuation_difference_is_quoted_not_trimmed_away(tmp_path):
    # the half-width colon is the fault: trimming trailing punctuation would print the same text twice
    text = _paragraphs(tmp_path, _report({
        "rule": "text.punctuation-width", "severity": "warning", "clause": "GB/T 15834-2011",
        "message": "中文文字中应使用全角标点“：”，不用半角“:”",
        "evidence": "工作情况汇报如下:", "expected": "工作情况汇报如下："}))
    item = next(p for p in text if p.startswith("（1）"))
    assert "现为“工作情况汇报如下:”" in item
    assert "应为“工作情况汇报如下：”" in item


def test_an_ordinary_item_reads_without_a_trailing_stop(tmp_path):
    text = _paragraphs(tmp_path, _report({
        "rule": "element.doc-number", "severity": "error", "clause": "GB/T 9704-2012 7.2.5",
        "message": "发文字号格式不规范", "evidence": "筑教呈[2026]第07号。", "expected": "筑教呈〔2026〕7号"}))
    item = next(p for p in text if p.startswith("1．"))
    assert item == "1．发文字号格式不规范（依据：GB/T 9704-2012 7.2.5；现为：筑教呈[2026]第07号；应为：筑教呈〔2026〕7号）"
    assert "（联系人：王敏，联系电话：0851-12345678）" in text


def test_every_rule_s_bad_example_differs_from_its_good_one():
    # `shouwen rules` shows both side by side: identical strings teach nothing (a half-width colon had
    # been turned full-width in three of them)
    rules = all_rules()
    assert len(rules) > 40  # every rule registered, not an empty table
    same = [r.id for r in rules.values() if r.bad.strip() == r.good.strip()]
    assert same == []


def test_a_missing_date_is_not_answered_with_a_date_of_our_own(tmp_path):
    # "应为：2026年7月1日" beside "未见成文日期" reads as if the office had fixed the sender's date
    from pipelines.review import review_path
    from tests.builder import conformant_notice, write_text

    report = review_path(write_text(conformant_notice(date=None), tmp_path / "无日期.txt"))
    finding = next(f for f in report["findings"] if f["rule"] == "element.date")
    assert finding["evidence"] == "未见成文日期"
    assert finding["expected"].startswith("在发文机关署名之下")


def test_the_signature_and_date_go_over_with_the_last_item_never_alone(tmp_path):
    items = [{"rule": "element.doc-number", "severity": "error", "clause": "GB/T 9704-2012 7.2.5",
              "message": f"第{i}项问题的说明文字" * 6, "evidence": "筑教呈[2026]第07号", "expected": "筑教呈〔2026〕7号"}
             for i in range(1, 9)]
    path = write_return(tmp_path, "收〔2026〕5号", "2026-11-30T09:00:00+08:00", _report(*items),
                        office=Office(name="贵阳市人民政府办公厅", contact="王敏", phone=""))
    paragraphs = Document(str(path)).paragraphs
    texts = [p.text for p in paragraphs]
    last_item, date_line = texts.index(next(t for t in texts if t.startswith("8．"))), texts.index(next(
        t for t in texts if t.endswith("日") and t.startswith("20")))
    assert all(paragraphs[i].paragraph_format.keep_with_next for i in range(last_item, date_line))
    assert not paragraphs[date_line].paragraph_format.keep_with_next


def test_a_wrong_type_is_answered_with_the_title_as_it_should_read():
    # "应改为“报告”" followed by "应为：决议、决定、…、纪要" (all 15 文种) read as a contradiction on the notice
    import tempfile
    from pathlib import Path

    from pipelines.review import review_path
    from tests.builder import conformant_report, write_text

    with tempfile.TemporaryDirectory() as tmp:
        report = review_path(write_text(conformant_report(title="贵阳市教育局关于2026年秋季学期开学工作情况的汇报"),
                                        Path(tmp) / "汇报.txt"))
    finding = next(f for f in report["findings"] if f["rule"] == "drafting.doc-type")
    assert finding["expected"] == "贵阳市教育局关于2026年秋季学期开学工作情况的报告"


def test_a_notice_of_an_unconfigured_office_says_so_on_its_face(tmp_path):
    from pipelines.returns.notice import Signatory

    path = write_return(tmp_path, "收〔2026〕5号", "2026-11-30T09:00:00+08:00", _report(),
                        office=Signatory(name="市人民政府办公厅", configured=False), notice_number="退〔2026〕1号")
    text = [p.text for p in Document(str(path)).paragraphs]
    assert text[0] == "（机关名称未配置）"  # the 版头 names no office that does not exist
    assert any("尚未配置" in t and "勿以本件对外行文" in t for t in text)
    assert "市人民政府办公厅" not in "\n".join(text)
    assert "（联系人：（未配置），联系电话：（未配置））" in text


def test_a_configured_notice_names_its_office_number_date_and_contact(tmp_path):
    from pipelines.returns.notice import Signatory

    who = Signatory(name="某县人民政府办公室", contact="李四", phone="0851-1234567", address="某县府前路2号",
                    postcode="551000", fax="0851-1234568")
    path = write_return(tmp_path, "收〔2026〕9号", "2026-11-30T09:00:00+08:00", _report(), office=who,
                        notice_number="退〔2026〕17号", issued_at="2026-12-03T10:00:00+08:00")
    text = [p.text for p in Document(str(path)).paragraphs]
    assert text.count("某县人民政府办公室") == 2  # 版头 and 落款
    for line in ("退文通知单", "退〔2026〕17号", "贵阳市教育局：", "2026年12月3日", "（联系人：李四，联系电话：0851-1234567）",
                 "（地址：某县府前路2号；邮编：551000；传真：0851-1234568）"):
        assert line in text
    assert not any("尚未配置" in t for t in text)
