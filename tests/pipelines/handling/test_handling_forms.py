"""The monthly 督查专报 and the 收文处理单 (pipelines/handling/report.py, forms.py), their numbers tested against a
ledger built for the test. March 2026, each date and count worked out by hand on the official calendar:

  R1 财政局  routed Mon 3/2, 一般办件 15 wd → due 3/23; signed 3/3, 办结 3/20: on time, 14 working days (3/3–3/20)
  R2 财政局  routed 3/2, 张伟（市长）批办 3/2 → 10 wd → due 3/16; 办结 3/18: late, 12 working days
  R3 水务局  routed Thu 3/5, 特急 2 wd → due 3/9 (3/6, 3/9); signed, still open on 3/31: overdue by 16 working days
             (3/10–13 4, 3/16–20 9, 3/23–27 14, 3/30 3/31 16)
  R4 水务局  routed 3/10, 阅件 (李强 阅知), circulated to two readers who read it on 3/12: closed, 2 working days,
             neither on time nor late (a 阅件 has no deadline)
  R5 财政局  routed Tue 2/24 (February), 15 wd → due 3/16 (2/25 2/26 2/27, 2/28 上班 4, 3/2–6 9, 3/9–13 14, 3/16 15);
             办结 4/2: at 3/31 still open and overdue by 11 working days (3/17–20 4, 3/23–27 9, 3/30 3/31 11)
  R6 机要室  classified, routed 3/3, 15 wd → due 3/24; open at 3/31: overdue by 5 (3/25 3/26 3/27 3/30 3/31) —
             counted only in the 机要员's report
  R7 水务局  routed 4/1: not in March at all
Expected, without R6: 财政局 received 2, done 2, on time 1, late 1, overdue 1, average 13.0; 水务局 received 2,
done 1, on time 0, late 0, overdue 1, average 2.0; total received 4, done 3, on time 1, late 1, overdue 2, average
(14 + 12 + 2) / 3 = 9.3; overdue list R3 (16), R5 (11). With R6: 机要室 received 1, overdue 1; total received 5,
overdue 3.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from pipelines.handling import forms, ops
from pipelines.handling.report import monthly

from ...handling_ledger import Clock, make_office, route

CLERK, STAFF = "cli:wang", "staff"


@pytest.fixture(scope="module")
def march(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    clock = Clock("2026-02-24")
    office = make_office(tmp_path_factory.mktemp("march") / "office", mp, clock, '[handling]\nleaders = ["张伟 市长", "李强 副市长"]\n')
    n = {}
    n["R5"] = route(office, clock, "关于财政预算执行情况的报告", "财政局")["number"]
    ops.sign(office, n["R5"], actor=STAFF)
    clock.at("2026-03-02")
    n["R1"] = route(office, clock, "关于校舍维修资金的请示", "财政局")["number"]
    n["R2"] = route(office, clock, "关于老旧小区改造资金的请示", "财政局")["number"]
    ops.instruct(office, n["R2"], "请财政局阅处", actor=CLERK, by="张伟")
    clock.at("2026-03-03")
    ops.sign(office, n["R1"], actor=STAFF)
    ops.sign(office, n["R2"], actor=STAFF)
    n["R6"] = route(office, clock, "关于某涉密事项的通知", "机要室", classified=True)["number"]
    clock.at("2026-03-05")
    n["R3"] = route(office, clock, "关于春季防汛工作的紧急通知", "水务局", urgency="特急")["number"]
    ops.sign(office, n["R3"], actor=STAFF)
    clock.at("2026-03-10")
    n["R4"] = route(office, clock, "关于印发学习材料的函", "水务局")["number"]
    ops.instruct(office, n["R4"], "阅知", actor=CLERK, by="李强")
    ops.circulate(office, n["R4"], ["王秘书长", "赵主任"], actor=CLERK)
    clock.at("2026-03-12")
    ops.read(office, n["R4"], actor=CLERK, reader="王秘书长")
    ops.read(office, n["R4"], actor=CLERK, reader="赵主任")
    clock.at("2026-03-18")
    ops.done(office, n["R2"], actor=STAFF, result="资金已拨付")
    clock.at("2026-03-20")
    ops.done(office, n["R1"], actor=STAFF, result="维修资金已下达")
    clock.at("2026-04-01")
    n["R7"] = route(office, clock, "关于四月工作安排的通知", "水务局")["number"]
    clock.at("2026-04-02")
    ops.done(office, n["R5"], actor=STAFF, result="报告已审阅并反馈")
    clock.at("2026-04-05")
    yield office, n, clock
    office.close()
    mp.undo()


def line(report, department):
    found = [l for l in report.lines if l.department == department]
    assert len(found) == 1, [l.department for l in report.lines]
    l = found[0]
    return (l.received, l.done, l.on_time, l.late, l.overdue, l.avg_days)


def test_the_month_per_department_and_for_the_whole_office(march):
    office, n, _ = march
    report = monthly(office, "2026-03", actor=CLERK)
    assert report.as_of == "2026-03-31"
    assert [l.department for l in report.lines] == ["水务局", "财政局"] or [l.department for l in report.lines] == ["财政局", "水务局"]
    assert line(report, "财政局") == (2, 2, 1, 1, 1, 13.0)
    assert line(report, "水务局") == (2, 1, 0, 0, 1, 2.0)
    t = report.total
    assert (t.received, t.done, t.on_time, t.late, t.overdue, t.avg_days) == (4, 3, 1, 1, 2, 9.3)
    assert [(o.number, o.overdue_days) for o in report.overdue] == [(n["R3"], 16), (n["R5"], 11)]
    assert report.overdue[0].department == "水务局" and report.overdue[0].title == "关于春季防汛工作的紧急通知"


def test_one_department_and_the_confidential_view(march):
    office, n, _ = march
    water = monthly(office, "2026-03", actor=CLERK, department="水务局")
    assert [l.department for l in water.lines] == ["水务局"] and water.total.received == 2 and water.scope == "水务局"
    secret = monthly(office, "2026-03", actor="jiyao", include_confidential=True)
    assert line(secret, "机要室") == (1, 0, 0, 0, 1, None)
    assert (secret.total.received, secret.total.overdue) == (5, 3)
    assert (n["R6"], 5) in [(o.number, o.overdue_days) for o in secret.overdue]
    april = monthly(office, "2026-04", actor=CLERK)  # as of the clock, 4/5: R5 办结 4/2 late, R7 received
    assert (april.total.received, april.total.done, april.total.late) == (1, 1, 1)


def test_the_report_renders_as_docx_and_xlsx_with_its_numbers(march, tmp_path):
    office, n, _ = march
    done = forms.monthly_report(office, "2026-03", tmp_path, actor=CLERK)
    doc = Document(done.docx)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "共收件4件，办结3件，其中按期办结1件、超期办结1件（按期办结率50.0%）" in text
    assert "超期未办结2件" in text and "平均办理9.3个工作日" in text
    table = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert ["财政局", "2", "2", "1", "1", "1", "13.0"] in table and ["合计", "4", "3", "1", "1", "2", "9.3"] in table
    overdue = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert overdue[1][0] == n["R3"] and overdue[1][5] == "16" and overdue[2][0] == n["R5"]
    assert len(doc.inline_shapes) == 1 and done.chart.stat().st_size > 10_000  # the month's chart
    assert "机要" not in text and "涉密" not in "".join(c for r in overdue for c in r)
    wb = load_workbook(done.xlsx)
    rows = [[c.value for c in r] for r in wb["汇总"].iter_rows(min_row=6, max_col=7)]
    assert ["财政局", 2, 2, 1, 1, 1, 13.0] in rows and ["合计", 4, 3, 1, 1, 2, 9.3] in rows
    assert len(wb["汇总"]._charts) == 1
    assert [r[0].value for r in wb["超期清单"].iter_rows(min_row=4, max_col=1)][:2] == [n["R3"], n["R5"]]
    assert wb["汇总"]["A1"].value == "某市人民政府办公厅督查专报"


def form_cells(path) -> dict:
    """label → value of the form's table (two pairs a row, or one label with a merged value)."""
    out = {}
    for r in Document(path).tables[0].rows:
        texts = [c.text for c in r.cells]
        pairs = [(texts[0], texts[1]), (texts[2], texts[3])] if texts[1] != texts[3] else [(texts[0], texts[1])]
        out.update(pairs)
    return out


def test_the_processing_form_carries_the_steps(march, tmp_path):
    office, n, _ = march
    cells = form_cells(forms.processing_form(office, n["R2"], tmp_path / "处理单.docx", actor=CLERK))
    assert cells["领导批示"].startswith("请财政局阅处") and "张伟" in cells["领导批示"] and "cli:wang代录" in cells["领导批示"]
    assert "资金已拨付" in cells["承办结果"] and cells["承办部门"] == "财政局" and cells["办理期限"] == "2026-03-16"
    assert (cells["收文日期"], cells["来文单位"], cells["办理状态"]) == ("2026-03-02", "市教育局", "已办结")
    cells = form_cells(forms.processing_form(office, n["R4"], tmp_path / "阅件.docx", actor=CLERK))
    assert "传阅顺序：王秘书长 → 赵主任" in cells["传　　阅"] and "赵主任 2026-03-12" in cells["传　　阅"]
    assert cells["承办结果"] == "传阅完毕（阅件，无需办理结果）"
    with pytest.raises(ops.HandlingRefusal):
        forms.processing_form(office, n["R6"], tmp_path / "x.docx", actor=CLERK)  # classified: not found


def test_an_office_template_replaces_the_shipped_one_and_a_broken_one_is_said(march, tmp_path):
    office, n, _ = march
    own = office.root / "templates"
    own.mkdir(exist_ok=True)
    doc = Document(forms.SHIPPED / "收文处理单.docx")
    doc.paragraphs[0].runs[0].text = "{{ office }}（本机关自定）"
    doc.save(own / "收文处理单.docx")
    out = forms.processing_form(office, n["R1"], tmp_path / "own.docx", actor=CLERK)
    assert Document(out).paragraphs[0].text == "某市人民政府办公厅（本机关自定）"
    doc.paragraphs[0].runs[0].text = "{{ office "
    doc.save(own / "收文处理单.docx")
    with pytest.raises(ops.HandlingRefusal) as refused:
        forms.processing_form(office, n["R1"], tmp_path / "bad.docx", actor=CLERK)
    assert refused.value.code == "bad_template" and "收文处理单.docx" in str(refused.value)
    (own / "收文处理单.docx").unlink()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing (scripts/setup.sh)")
def test_the_forms_render_through_libreoffice(march, tmp_path):
    from extractors.convert import convert_files

    office, n, _ = march
    done = forms.monthly_report(office, "2026-03", tmp_path / "report", actor=CLERK)
    form = forms.processing_form(office, n["R2"], tmp_path / "form" / "处理单.docx", actor=CLERK)
    pdfs = convert_files([done.docx, form], "pdf", tmp_path / "pdf", timeout=600)
    assert [p.stem for p in pdfs] == ["督查专报-2026-03", "处理单"]
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                       check=True, timeout=600)
        assert pdf.with_name(pdf.stem + "-1.png").stat().st_size > 5_000
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, timeout=600).stdout
    flat = "".join(text.split())
    assert "共收件4件，办结3件" in flat and "2026-03-09" in flat and "超期工作日" in flat
