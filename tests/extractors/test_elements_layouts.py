"""Elements and formats on docx (python-docx) and on PDFs rendered from them by LibreOffice, where fonts, sizes,
alignment and the red rules are there to use (issue 8, kinds 2 and 3; issue 9 item 1). Expected values by hand.
"""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.convert import convert_files
from extractors.elements import parse_elements
from validators import validate
from validators.report import build_report

from .. import builder
from ..paragraphs_docx import Para, body, mark, title, write

LETTER = [
    mark("示例市水务局", size=22.0),
    Para("", border_bottom=("thickThinSmallGap", "FF0000")),
    Para("示水函〔2026〕3号", align="right"),
    Para(""),
    title("示例市水务局关于商请提供城区排水管网资料的函"),
    Para(""),
    Para("示例市住房和城乡建设局："),
    body("为做好城区排水设施维护工作，请贵局提供城区排水管网竣工资料，以便我局编制维护计划。"),
    body("请予支持为盼。"),
    Para(""),
    Para("示例市水务局", align="right"),
    Para("2026年5月20日", align="right"),
]

WEB_ORDER = [
    title("示例市水务局关于申请防汛物资"),
    title("储备经费的请示"),
    Para(""),
    Para("示水呈〔2026〕8号", align="center"),
    Para(""),
    Para("示例市人民政府："),
    body("为做好今年防汛工作，我局拟储备编织袋、救生衣等防汛物资，所需经费共计120万元。"),
    body("妥否，请批示。"),
    Para(""),
    Para("示例市水务局", align="right"),
    Para("2026年5月20日", align="right"),
]

TITLE_TWO_LINES = [
    mark("示例市水务局文件"),
    Para(""),
    Para("示水发〔2026〕9号", align="center", border_bottom=("single", "FF0000")),
    Para(""),
    title("关于加强城区排水设施维护的"),
    title("通知"),
    Para(""),
    Para("各区水务局："),
    body("为确保汛期城区排水畅通，现就加强排水设施维护有关事项通知如下。"),
    Para(""),
    Para("示例市水务局", align="right"),
    Para("2026年5月20日", align="right"),
]

JOINT = [
    mark("示例市教育局"),
    mark("示例市财政局"),
    mark("文件"),
    Para(""),
    Para("示教发〔2026〕21号", align="center", border_bottom=("single", "FF0000")),
    Para(""),
    title("示例市教育局　示例市财政局关于下达2026年校舍维修资金的通知"),
    Para(""),
    Para("各区教育局、财政局："),
    body("现将2026年校舍维修资金下达给你们，请按规定使用。"),
    Para(""),
    Para("示例市教育局　　　　示例市财政局", align="right"),
    Para("2026年5月20日", align="right"),
]

ORDER = [
    mark("示例市人民政府令"),
    Para(""),
    Para("第12号", align="center", border_bottom=("single", "FF0000")),
    Para(""),
    body("《示例市城市排水管理办法》已经2026年5月10日市人民政府第8次常务会议通过，现予公布，自2026年7月1日起施行。"),
    Para(""),
    Para("市长　张三", align="right"),
    Para("2026年5月20日", align="right"),
]

MINUTES = [
    mark("示例市人民政府常务会议纪要"),
    Para("第3期", align="center"),
    Para("示例市人民政府办公室　　　　　　　　　2026年5月20日", border_bottom=("single", "FF0000")),
    Para(""),
    body("2026年5月18日，市长张三主持召开市人民政府第8次常务会议，研究城区排水设施维护等事项。纪要如下："),
    body("一、原则同意《示例市城区排水设施维护管理办法（试行）》，由市水务局修改完善后印发。"),
    Para(""),
    body("出席：张三、李四、王五"),
    body("请假：赵六"),
    body("列席：市水务局、市财政局负责同志"),
]

DOCS = {"letter": LETTER, "web-order": WEB_ORDER, "title-two-lines": TITLE_TWO_LINES, "joint": JOINT, "order": ORDER,
        "minutes": MINUTES}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    paths = {}
    for name, paras in DOCS.items():
        paths[(name, "docx")] = write(paras, root / f"{name}.docx")
    secret = builder.write_docx(builder.conformant_notice(secrecy="机　密★1年", urgency=None), root / "secret.docx")
    paths[("secret", "docx")] = secret
    docx = [p for (_, fmt), p in paths.items() if fmt == "docx"]
    for pdf in convert_files(docx, "pdf", root / "lo", timeout=600):
        paths[(pdf.stem, "pdf")] = pdf
    return paths


def run(path, profile="gb9704-2012"):
    document = extract(path.read_bytes())
    el = parse_elements(document)
    findings, skipped = validate(document, el, profile, "edoc")
    report = build_report(file=path.name, sha256="0" * 64, channel="edoc", document=document, elements=el,
                          findings=findings, skipped=skipped, profile=profile)
    return el, findings, report


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_letter_format_is_detected_and_not_held_to_the_standard_header(files, fmt):
    el, findings, report = run(files[("letter", fmt)])
    assert el.format == "letter"
    assert el.doc_number.text == "示水函〔2026〕3号"
    assert el.title.text == "示例市水务局关于商请提供城区排水管网资料的函"
    assert el.issuers == ["示例市水务局"]
    got = {f.rule for f in findings}
    # GB/T 9704-2012 10.1: no separator under the number, no page number on the first page, mark 30 mm from the top
    assert not got & {"layout.separator", "layout.page-number", "layout.margin-top"}
    assert {"layout.separator", "layout.page-number"} <= set(report["skipped_rules"])
    assert any("信函格式" in n for n in report["notes"])
    assert report["document"]["format"] == "letter"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_title_before_number_over_two_lines(files, fmt):
    el, findings, _ = run(files[("web-order", fmt)])
    assert el.title.text == "示例市水务局关于申请防汛物资储备经费的请示"
    assert el.doc_type == "请示"
    assert el.doc_number.text == "示水呈〔2026〕8号"
    assert el.addressees == ["示例市人民政府"]
    assert el.issuer_mark is None
    assert el.format == "standard"
    got = {f.rule for f in findings}
    assert {"element.signer", "element.annotation"} <= got
    assert "element.title" not in got


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_lone_doc_type_line_belongs_to_the_title_not_the_addressee(files, fmt):
    el, findings, _ = run(files[("title-two-lines", fmt)])
    assert el.title.text == "关于加强城区排水设施维护的通知"
    assert el.addressee.text == "各区水务局："
    assert el.format == "standard"
    assert "element.title" not in {f.rule for f in findings}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_joint_mark_lists_every_issuer(files, fmt):
    el, _, report = run(files[("joint", fmt)])
    assert el.issuers == ["示例市教育局", "示例市财政局"]
    assert report["document"]["issuer"] == "示例市教育局"
    # a PDF's text layer drops the space between Chinese words
    assert el.title.text.replace("　", "").replace(" ", "") == "示例市教育局示例市财政局关于下达2026年校舍维修资金的通知"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_spaced_secrecy_in_a_docx_is_classified(files, fmt):
    el, findings, _ = run(files[("secret", fmt)])
    assert el.secrecy.text == "机密★1年"
    assert "security.classified" in {f.rule for f in findings}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_order_format_on_paper_layouts(files, fmt):
    el, findings, report = run(files[("order", fmt)])
    assert el.format == "order" and el.doc_type == "令"
    assert el.doc_number.text == "第12号"
    assert el.issuers == ["示例市人民政府"]
    assert el.date_iso == "2026-05-20"
    assert not {f.rule for f in findings} & {"element.title", "element.doc-number", "element.addressee", "element.date"}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_minutes_format_on_paper_layouts(files, fmt):
    el, findings, report = run(files[("minutes", fmt)])
    assert el.format == "minutes" and el.doc_type == "纪要"
    assert el.period.text == "第3期"
    assert el.date_iso == "2026-05-20"
    assert el.issuers == ["示例市人民政府办公室"]
    assert set(el.attendance) == {"出席", "请假", "列席"}
    got = {f.rule for f in findings}
    assert not got & {"element.title", "element.doc-number", "element.addressee", "element.date", "layout.separator"}
