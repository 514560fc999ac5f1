"""The same 来文 twice (pipelines/same_document.py) and OFD electronic seals in the ledger, through the real batch.

A fax made from a builder 公文 (rendered, degraded as a fax machine does, read back by real OCR) followed by the
same 公文 as docx; a corrected docx; a resubmission after 退文; documents with no 发文字号. Expected statuses,
links and search hits are written by hand from what each case sends.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index import open_index
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger
from pipelines.same_document import number_key, plain, similarity

from .. import builder, ofd_builder, scans

ROOT = Path(__file__).resolve().parents[2]
TITLE = "贵阳市教育局关于做好2026年冬季学校安全工作的通知"


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")


def _cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _rows(office: Path) -> dict[str, dict]:
    return {r["file"]: r for r in SQLiteLedger(office / "ledger.sqlite3").rows()}


def _send(office: Path, channel: str, name: str, source: Path) -> None:
    folder = office / "inbox" / channel
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(source.read_bytes())


# --- the keys ----------------------------------------------------------------------------------------------------

def test_document_numbers_in_every_bracket_and_width_give_one_key():
    for written in ("筑教发〔2026〕12号", "筑教发[2026]12号", "筑教发【2026】12号", "筑教发(2026)12号",
                    "筑教发（２０２６）１２号", "筑教发 〔2026〕 012 号", "筑教发［2026］12号"):
        assert number_key(written) == "筑教发〔2026〕12号", written
    assert number_key("筑教发〔2026〕21号") != number_key("筑教发〔2026〕12号")
    assert number_key(None) is None and number_key("") is None and number_key("筑教发") is None


def test_ocr_noise_is_the_same_text_a_corrected_paragraph_is_not():
    clean = plain("各单位要把安全工作摆在突出位置，落实主体责任，层层签订责任书，确保责任到人。"
                  "各单位要严格执行领导带班和24小时值班制度，遇有突发事件及时报告。")
    # what a fax reading typically gets wrong: a look-alike character, a lost comma, a line break
    noisy = plain("各单位要把安全工作摆在突出位置，落实主休责任，层层签\n订责任书确保责任到人。"
                  "各单位要严格执行领导带班和24小时值班制度，遇有突发事件及时报吿。")
    assert similarity(clean, noisy) >= 0.9
    corrected = plain("各单位要把安全工作摆在突出位置，落实主体责任。"
                      "各单位要在12月1日前完成全部校舍的安全隐患排查整改，并将整改报告报市教育局备案。")
    assert similarity(clean, corrected) < 0.9


# --- through the batch -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    d = tmp_path_factory.mktemp("same")
    spec = builder.conformant_notice()
    pdf = builder.write_named_font_pdf(spec, d / "n.pdf", d / "fonts")
    corrected = builder.conformant_notice(body=[
        "为切实做好今冬明春学校安全工作，现将有关事项补充通知如下。",
        "一、排查时限",
        "各单位须于2026年12月1日前完成全部校舍、食堂、宿舍的安全隐患排查整改，整改报告报市教育局备案。",
        "二、责任追究",
        "对排查不力、整改不到位造成安全事故的，依法依规追究有关单位和人员的责任。",
    ])
    return {
        "fax": scans.save_tiff([scans.fax(p, 300, seed=2) for p in scans.render_pdf(pdf, 300)], d / "fax.tif"),
        "docx": builder.write_docx(spec, d / "notice.docx"),
        "corrected": builder.write_docx(corrected, d / "corrected.docx"),
    }


def test_a_fax_then_the_same_document_as_docx_is_linked_routed_and_indexed_once(tmp_path, paper):
    office = tmp_path / "office"
    _send(office, "fax", "传真-安全工作通知.tif", paper["fax"])
    run_batch(office)
    _send(office, "edoc", "安全工作通知.docx", paper["docx"])
    summary = run_batch(office)
    rows = _rows(office)
    fax, edoc = rows["传真-安全工作通知.tif"], rows["安全工作通知.docx"]
    assert fax["status"] == "indexed" and fax["department"]
    assert edoc["status"] == "linked" and edoc["linked_to"] == fax["id"]
    assert edoc["department"] is None and edoc["doc_number"] == "筑教发〔2026〕12号" and edoc["title"] == TITLE
    # both originals kept
    assert (office / fax["archive_path"]).read_bytes() == paper["fax"].read_bytes()
    assert (office / edoc["archive_path"]).read_bytes() == paper["docx"].read_bytes()
    # search finds the 来文 once
    index = open_index(office)
    assert index.count() == 1 and [h.number for h in index.search("冬季学校安全")] == [fax["number"]]
    # the clerk is told, in the batch output and in the ledger
    lines = "\n".join(summary.lines())
    assert "同一来文已关联 1 件" in lines and f"{edoc['number']} 与 {fax['number']} 为同一来文" in lines
    shown = _cli("ledger", "--root", office).stdout
    assert f"同 {fax['number']}" in next(line for line in shown.splitlines() if line.startswith(edoc["number"]))
    as_json = {j["number"]: j for j in map(json.loads, _cli("ledger", "--root", office, "--json").stdout.splitlines())}
    assert as_json[edoc["number"]]["linked_to"] == fax["number"] and as_json[edoc["number"]]["status"] == "linked"
    assert f"另收同件 {edoc['number']}" in next(line for line in shown.splitlines() if line.startswith(fax["number"]))
    assert as_json[fax["number"]]["linked_copies"] == [edoc["number"]]
    notes = [h["note"] for h in SQLiteLedger(office / "ledger.sqlite3").history(edoc["id"])]
    assert notes[-1].startswith(f"{edoc['number']} 与 {fax['number']} 为同一来文")
    # a later batch does not take the linked one up again (final)
    assert run_batch(office).outcomes == []


def test_a_corrected_version_is_a_new_version_both_searchable_and_the_clerk_is_told(tmp_path, paper):
    office = tmp_path / "office"
    _send(office, "edoc", "安全工作通知.docx", paper["docx"])
    run_batch(office)
    _send(office, "mail", "安全工作通知（更正）.docx", paper["corrected"])
    summary = run_batch(office)
    rows = _rows(office)
    first, second = rows["安全工作通知.docx"], rows["安全工作通知（更正）.docx"]
    assert second["status"] == "indexed" and second["revision_of"] == first["id"] and second["revision"] == 2
    assert second["linked_to"] is None and second["similarity"] < 0.9
    assert first["status"] == "indexed" and first["revision_of"] is None
    index = open_index(office)
    assert [h.number for h in index.search("责任追究")] == [second["number"]]  # only in the corrected text
    assert [h.number for h in index.search("层层签订责任书")] == [first["number"]]  # only in the first
    assert f"{second['number']} 为 {first['number']} 的第 2 版" in "\n".join(summary.lines())
    shown = _cli("ledger", "--root", office).stdout.splitlines()
    assert f"第2版（前版 {first['number']}）" in next(line for line in shown if line.startswith(second["number"]))
    assert f"已有新版 {second['number']}" in next(line for line in shown if line.startswith(first["number"]))
    found = _cli("search", "冬季学校安全工作", "--root", office).stdout
    assert f"{second['number']}  {TITLE}（第2版，前版 {first['number']}）" in found
    assert f"{first['number']}  {TITLE}（已有新版 {second['number']}）" in found


def test_a_resubmission_after_a_return_is_a_new_version_not_a_link(tmp_path, paper):
    office = tmp_path / "office"
    broken = builder.write_docx(builder.conformant_notice(margin_top=25.0), tmp_path / "broken.docx")
    _send(office, "edoc", "安全工作通知.docx", broken)
    run_batch(office)
    assert _rows(office)["安全工作通知.docx"]["status"] == "returned"
    _send(office, "edoc", "安全工作通知（重报）.docx", paper["docx"])  # the same text, the 版心 now right
    run_batch(office)
    rows = _rows(office)
    first, second = rows["安全工作通知.docx"], rows["安全工作通知（重报）.docx"]
    assert second["status"] == "indexed" and second["revision_of"] == first["id"] and second["revision"] == 2
    assert first["status"] == "returned"


def test_no_document_number_is_never_linked_by_title(tmp_path):
    office = tmp_path / "office"
    spec = builder.conformant_notice(doc_number=None)
    _send(office, "edoc", "无文号通知.docx", builder.write_docx(spec, tmp_path / "a.docx"))
    run_batch(office)
    _send(office, "mail", "无文号通知-邮件.txt", builder.write_text(spec, tmp_path / "b.txt"))
    run_batch(office)
    rows = _rows(office)
    assert len(rows) == 2
    for row in rows.values():
        assert row["title"] == TITLE and row["doc_number"] is None
        assert row["linked_to"] is None and row["revision_of"] is None and row["status"] != "linked"


def test_a_sealed_ofd_is_recorded_with_its_seal_and_a_changed_one_as_changed(tmp_path):
    office = tmp_path / "office"
    fonts = tmp_path / "fonts"
    spec = builder.conformant_notice()
    changed = builder.conformant_request()
    builder.prepare_fonts("".join(b.text for s in (spec, changed) for b in builder.blocks(s)), fonts)
    _send(office, "edoc", "盖章.ofd", ofd_builder.write_ofd(spec, tmp_path / "s.ofd", fonts, seal=True))
    _send(office, "edoc", "改动.ofd", ofd_builder.write_ofd(changed, tmp_path / "t.ofd", fonts, seal=True, tamper=True))
    _send(office, "edoc", "无章.docx", builder.write_docx(builder.conformant_report(), tmp_path / "r.docx"))
    summary = run_batch(office)
    rows = _rows(office)
    # the changed one is told in the batch's summary and its history, not only in the ledger's marks
    told = [line for line in summary.lines() if "电子印章校验未通过" in line]
    assert len(told) == 1 and rows["改动.ofd"]["number"] in told[0]
    from pipelines.process import SEAL_CHANGED
    assert SEAL_CHANGED in [h["note"] for h in SQLiteLedger(office / "ledger.sqlite3").history(rows["改动.ofd"]["id"])]
    assert SEAL_CHANGED not in [h["note"] for h in SQLiteLedger(office / "ledger.sqlite3").history(rows["盖章.ofd"]["id"])]
    assert (rows["盖章.ofd"]["seals"], rows["盖章.ofd"]["seals_unchanged"]) == (1, 1)
    assert (rows["改动.ofd"]["seals"], rows["改动.ofd"]["seals_unchanged"]) == (1, 0)
    assert (rows["无章.docx"]["seals"], rows["无章.docx"]["seals_unchanged"]) == (None, None)
    as_json = {j["file"]: j for j in map(json.loads, _cli("ledger", "--root", office, "--json").stdout.splitlines())}
    assert (as_json["盖章.ofd"]["seals"], as_json["盖章.ofd"]["seals_unchanged"]) == (1, True)
    assert as_json["改动.ofd"]["seals_unchanged"] is False and as_json["无章.docx"]["seals"] is None
    shown = _cli("ledger", "--root", office).stdout
    assert "电子签章 1 个（签名文件未改动）" in shown and "电子签章 1 个（签名文件已改动或缺失）" in shown


def test_one_document_by_two_channels_in_one_batch_is_registered_twice_and_linked_once(tmp_path, paper):
    office = tmp_path / "office"
    _send(office, "edoc", "安全工作通知.docx", paper["docx"])
    _send(office, "mail", "安全工作通知.txt", builder.write_text(builder.conformant_notice(), tmp_path / "n.txt"))
    summary = run_batch(office)
    rows = list(_rows(office).values())
    assert summary.received == 2 and len(rows) == 2
    assert sorted(r["status"] for r in rows) == ["indexed", "linked"]
    first = next(r for r in rows if r["status"] == "indexed")
    assert next(r for r in rows if r["status"] == "linked")["linked_to"] == first["id"]
    assert open_index(office).count() == 1


def test_a_copy_that_fails_its_own_review_is_returned_not_hidden_behind_the_link(tmp_path):
    """The same text as an indexed document, but laid out against GB/T 9704-2012 5.2.1 (天头 20 mm): linking it
    would hide its own 初审 from the sender, so it is returned as any document that fails."""
    office = tmp_path / "office"
    _send(office, "edoc", "通知.txt", builder.write_text(builder.conformant_notice(), tmp_path / "a.txt"))
    run_batch(office)
    _send(office, "edoc", "通知-正式件.docx",
          builder.write_docx(builder.conformant_notice(margin_top=20.0), tmp_path / "b.docx"))
    run_batch(office)
    rows = _rows(office)
    assert rows["通知.txt"]["status"] == "indexed"
    formal = rows["通知-正式件.docx"]
    assert formal["status"] == "returned" and formal["verdict"] == "return"
    assert list((office / "outbox").rglob(f"{formal['number']}-*.docx"))


def _two_copies(tmp_path, second_received_at):
    """The same 来文 registered twice; the first returned (退文) before the second is matched."""
    from pipelines.same_document import match

    ledger = SQLiteLedger(tmp_path / "ledger.sqlite3")
    document = {"issuer": "贵阳市教育局", "doc_number": "筑教发〔2026〕12号", "title": TITLE}
    first = ledger.register(sha256="a" * 64, file="a.docx", channel="edoc", archive_path="x",
                            received_at="2026-01-05T09:00:00+08:00")
    assert match(ledger, ledger.get(first.id), document, "正文" * 50) is None  # the first claims the key
    ledger.set_status(first.id, "returned", "退文", **document)  # returned now (2026-11-30 or later)
    second = ledger.register(sha256="b" * 64, file="b.docx", channel="fax", archive_path="y",
                             received_at=second_received_at)
    return match(ledger, ledger.get(second.id), document, "正文" * 50), second.number


def test_a_copy_received_before_the_first_was_returned_is_not_called_a_resubmission(tmp_path):
    found, number = _two_copies(tmp_path, "2026-01-05T09:00:05+08:00")  # arrived with the first, in one batch
    assert found.kind == "revision" and not found.resubmitted
    assert "系退文后重报" not in found.line(number) and "本件收于退文之前" in found.line(number)


def test_a_copy_received_after_the_return_is_a_resubmission(tmp_path):
    found, number = _two_copies(tmp_path, "2099-01-01T09:00:00+08:00")
    assert found.kind == "revision" and found.resubmitted
    assert "系退文后重报" in found.line(number)


# --- issue 24, 2.11: say what changed, one true account ----------------------------------------------------------

REQUEST_BODY = ("我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂等问题较为突出，存在安全隐患。"
                "为保障师生安全，恳请市人民政府从2026年市级教育专项资金中拨付上述维修资金。妥否，请批示。")
FAX_BODY = "我局所属学校部分校舍使用年限较长，屋面渗漏、墙体开裂等问题较为突出，存在安全隐患。妥否，请批示。"


def _versions(tmp_path, first_doc, first_body, second_doc, second_body, first_status="indexed"):
    from pipelines.same_document import match

    ledger = SQLiteLedger(tmp_path / "ledger.sqlite3")
    first = ledger.register(sha256="a" * 64, file="a.pdf", channel="edoc", archive_path="x",
                            received_at="2026-01-05T09:00:00+08:00")
    assert match(ledger, ledger.get(first.id), first_doc, first_body) is None
    ledger.set_status(first.id, first_status, "初审", **{k: first_doc[k] for k in ("issuer", "doc_number", "title")})
    second = ledger.register(sha256="b" * 64, file="b.tif", channel="fax", archive_path="y",
                             received_at="2026-01-05T09:00:05+08:00")
    return match(ledger, ledger.get(second.id), second_doc, second_body), first.number, second.number


REQUEST = {"issuer": "贵阳市教育局", "doc_number": "筑教呈〔2026〕5号", "title": "贵阳市教育局关于拨付2026年校舍维修专项资金的请示",
           "addressees": ["贵阳市人民政府"], "attachments": ["校舍维修项目资金测算表"], "cc": ["市委办公厅"]}


def test_a_shorter_fax_is_a_version_and_the_clerk_is_told_what_it_lacks(tmp_path):
    """The sample's case: the fax lacks the request sentence, the 附件说明 and the 版记 of the PDF."""
    fax = {**REQUEST, "attachments": [], "cc": []}
    found, first, second = _versions(tmp_path, REQUEST, REQUEST_BODY, fax, FAX_BODY)
    assert found.kind == "revision"
    line = found.line(second)
    assert "缺少“为保障师生安全恳请市人民政府从2026年市级教育…”" in line
    assert "缺少附件说明（前件列 1 个附件）" in line and "缺少版记（抄送）" in line
    assert "两版均可检索" in line  # both are: the first is indexed, this one is routed


def test_the_same_text_to_two_addressees_is_not_called_the_same_without_saying_so(tmp_path):
    two = {**REQUEST, "addressees": ["贵阳市人民政府", "贵阳市财政局"]}
    found, first, second = _versions(tmp_path, REQUEST, REQUEST_BODY, two, REQUEST_BODY)
    assert found.kind == "linked"
    assert "主送机关不同（本件：贵阳市人民政府、贵阳市财政局；前件：贵阳市人民政府）" in found.line(second)
    returned = found.line(second, "returned")  # the batch returns a copy that fails its own 初审: not linked
    assert "已关联" not in returned and "未关联" in returned and "本件未入检索" in returned


def test_a_returned_first_version_is_not_said_to_be_searchable(tmp_path):
    found, first, second = _versions(tmp_path, REQUEST, REQUEST_BODY, REQUEST, FAX_BODY, first_status="returned")
    line = found.line(second)
    assert "两版均可检索" not in line and f"{first} 未入检索（已退文），本件入检索" in line
