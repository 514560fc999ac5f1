"""The `shouwen` command as a clerk uses it: exit codes, Chinese and English help, JSON Lines valid against the schema."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .. import builder

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, timeout=600):  # generous: a CLI start on a shared machine at load 20 takes minutes
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    return {
        "ok": builder.write_docx(builder.conformant_notice(), d / "ok.docx"),
        "ok_pdf": builder.write_named_font_pdf(builder.conformant_request(), d / "ok.pdf", d / "fonts"),
        "ok_txt": builder.write_text(builder.conformant_report(), d / "ok.txt"),
        "bad": builder.write_docx(builder.conformant_request(signer=None, addressee="张市长："), d / "bad.docx"),
        # every error it has rests on what was read (a 主送 to a person, a 发文字号 with 【】): a sure 退文
        "sure_bad": builder.write_docx(builder.conformant_request(addressee="张市长：", doc_number="筑教呈【2026】5号"),
                                       d / "sure_bad.docx"),
        "empty": (d / "empty.pdf").write_bytes(b"") or d / "empty.pdf",
    }


def test_exit_0_when_every_file_is_accepted(docs):
    result = _cli("validate", docs["ok"], docs["ok_pdf"], docs["ok_txt"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("通过初审") == 3


def test_exit_1_when_any_is_returned_and_the_report_says_what_to_fix(docs):
    result = _cli("validate", docs["ok"], docs["sure_bad"])
    assert result.returncode == 1, result.stdout
    assert "初审结论：退文" in result.stdout
    assert "element.doc-number" in result.stdout and "六角括号" in result.stdout
    assert "drafting.no-personal-addressee" in result.stdout


def test_exit_3_when_a_return_rests_on_an_absence_and_the_report_says_why(docs):
    """issue 24 §1: "未见签发人" is an absence — the 退文 waits for the clerk (待复核), exit 3; a sure 退文 beside it
    is exit 1 (the gravest wins); the help says what 3 means."""
    result = _cli("validate", docs["ok"], docs["bad"])
    assert result.returncode == 3, result.stdout
    assert "待复核" in result.stdout and "element.signer" in result.stdout and "未见签发人" in result.stdout
    assert "drafting.no-personal-addressee" in result.stdout
    assert "待复核 1 件" in result.stderr
    assert _cli("validate", docs["bad"], docs["sure_bad"]).returncode == 1
    help_text = _cli("validate", "--help").stdout
    assert "3 有待复核" in help_text and "3 any held for review" in help_text


def test_exit_2_for_unusable_input_and_usage(docs):
    assert _cli("validate", docs["empty"]).returncode == 2
    assert _cli("validate", docs["ok"], "/no/such/file.docx").returncode == 2
    result = _cli("validate", docs["ok"], "--profile", "no-such-profile")
    assert result.returncode == 2 and "审核配置" in result.stderr
    result = _cli("validate")
    assert result.returncode == 2 and "错误" in result.stderr


def test_json_lines_are_valid_against_the_schema(docs, report_schema):
    result = _cli("validate", "--format", "json", "--channel", "edoc", docs["ok"], docs["ok_pdf"], docs["ok_txt"], docs["bad"])
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in reports] == ["ok.docx", "ok.pdf", "ok.txt", "bad.docx"]
    for report in reports:
        jsonschema.validate(report, report_schema)
    bad = reports[-1]
    assert bad["verdict"] == "return" and bad["outcome"] == "review_held" and bad["doubt"]["sure"] is False
    assert bad["document"]["readings"]["signer"] == {"how": "absent", "confidence": 0.0}
    assert next(f for f in bad["findings"] if f["rule"] == "element.signer")["rests_on"] == ["doc_type", "signer"]
    assert bad["document"]["doc_type"] == "请示" and bad["document"]["addressees"] == ["张市长"]
    assert {f["rule"] for f in bad["findings"]} >= {"element.signer", "drafting.no-personal-addressee"}
    txt = reports[2]
    assert txt["format"] == "txt" and any("layout" in n for n in txt["notes"])
    assert all(r.startswith("layout.") for r in txt["skipped_rules"]) and len(txt["skipped_rules"]) == 12
    assert reports[1]["document"]["contact"] == {"name": "王明", "phone": "0851-85551234"}


def test_help_is_in_chinese_and_english():
    for args in (["--help"], ["validate", "--help"], ["rules", "--help"], ["extract", "--help"]):
        result = _cli(*args)
        assert result.returncode == 0
        assert "用法" in result.stdout and "usage" in result.stdout
        assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout)


def test_rules_catalog_is_generated_from_the_rules():
    from validators import all_rules

    result = _cli("rules", "--format", "json")
    entries = json.loads(result.stdout)
    assert [e["id"] for e in entries] == list(all_rules())
    for e in entries:
        assert e["clause"] and e["title"] and e["why"] and e["bad"] and e["good"]
    text = _cli("rules").stdout
    assert "【版式规则】" in text and "security.classified" in text


def test_extract_shows_text_and_layout(docs):
    result = _cli("extract", docs["ok_pdf"])
    assert "贵阳市教育局关于拨付2026年校舍维修专项资金的请示" in result.stdout.replace("\n", "")
    layout = json.loads(_cli("extract", "--format", "json", docs["ok_pdf"]).stdout)
    first = layout["pages"][0]
    assert abs(first["width_mm"] - 210) < 1 and first["lines"][0]["runs"][0]["family"] == "xiaobiaosong"


def test_a_register_export_to_a_folder_that_is_not_there_is_one_chinese_line(tmp_path):
    """Found trying `shouwen ledger --xlsx`: a path in a missing folder printed the internal-error line and then
    openpyxl's and lxml's tracebacks ("Exception ignored in … LxmlSyntaxError"). Expected: one Chinese line
    naming the file and why, exit 2, and nothing left behind; a good path still writes the workbook."""
    from pipelines.config import load
    from pipelines.office import Office

    root = tmp_path / "office"
    root.mkdir()
    with Office.open(root, load(root, environ={})):
        pass  # an office whose ledger exists (empty)
    missing = tmp_path / "没有的文件夹" / "登记簿.xlsx"
    result = _cli("ledger", "--xlsx", missing, "--root", root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert result.stderr.strip() == f"shouwen: 无法写入“{missing}”：文件夹“{missing.parent}”不存在", result.stderr
    assert not missing.parent.exists()
    good = tmp_path / "登记簿.xlsx"
    result = _cli("ledger", "--xlsx", good, "--root", root)
    assert result.returncode == 0 and good.read_bytes()[:2] == b"PK", result.stderr
