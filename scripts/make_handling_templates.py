"""Make the shipped templates of pipelines/handling/templates/ (run once; the files are committed):

    收文处理单.docx   the 阅办单 of one document (docxtpl: {{ … }} fields, {%tr for %} rows)
    督查专报.docx     the monthly report (docxtpl; {{ chart }} is the month's chart picture)
    催办通知.docx     the notice of the reminder step, one per department
    督查专报.xlsx     the monthly report's workbook: {{ … }} placeholders in cells; the department table is written
                     under the header row whose first cell is 承办部门, the overdue list under 收文编号

An office changes its letterhead, wording or layout by copying one into <data root>/templates/ and editing it
in WPS or Word; the field names are listed in docs/manual/handling.md.

    .venv/bin/python scripts/make_handling_templates.py
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "pipelines" / "handling" / "templates"
SONG, FANG, HEI = "宋体", "仿宋_GB2312", "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)


def font(run, name: str, size: float, bold: bool = False, color=None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def para(doc_or_cell, text: str, name=FANG, size=14, bold=False, align=None, color=None, space_after=0):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    font(p.add_run(text), name, size, bold, color)
    return p


def widths(table, cm: tuple) -> None:
    """Column widths (Word and LibreOffice read the cells' widths, not the grid's alone)."""
    table.autofit = False
    for column, width in zip(table.columns, cm):  # the grid (LibreOffice reads it)
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, cm):
            cell.width = Cm(width)


def cell_text(cell, text: str, name=SONG, size=12, bold=False, align=None) -> None:
    cell.paragraphs[0].text = ""
    if align is not None:
        cell.paragraphs[0].alignment = align
    font(cell.paragraphs[0].add_run(text), name, size, bold)


def a4(doc, landscape: bool = False) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(2.5), Cm(2.2), Cm(2.6), Cm(2.4)
    normal = doc.styles["Normal"]
    normal.font.name = SONG
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), SONG)


def processing_form() -> Document:
    doc = Document()
    a4(doc)
    para(doc, "{{ office }}", SONG, 16, True, WD_ALIGN_PARAGRAPH.CENTER, RED)
    para(doc, "收 文 处 理 单", SONG, 22, True, WD_ALIGN_PARAGRAPH.CENTER, RED, 6)
    para(doc, "收文编号：{{ number }}　　　　　　　　　　　　打印日期：{{ printed }}", SONG, 10.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(2.8), Cm(5.2), Cm(2.8), Cm(5.2))

    def row(*cells, merge=False, height=None):
        r = table.add_row()
        if height:
            r.height = height
        for i, w in enumerate(widths):
            r.cells[i].width = w
        if merge:
            label, value = cells
            merged = r.cells[1].merge(r.cells[3])
            cell_text(r.cells[0], label, HEI, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
            cell_text(merged, value, SONG, 12)
            return r
        for i, text in enumerate(cells):
            cell_text(r.cells[i], text, HEI if i % 2 == 0 else SONG, 12,
                      align=WD_ALIGN_PARAGRAPH.CENTER if i % 2 == 0 else None)
        return r

    for column, width in zip(table.columns, widths):
        column.width = width
    row("收文日期", "{{ received }}", "来文渠道", "{{ channel }}")
    row("来文单位", "{{ issuer }}", "来文字号", "{{ doc_number }}")
    row("紧急程度", "{{ urgency }}", "密　　级", "{{ secrecy }}")
    row("标　　题", "{{ title }}", merge=True, height=Cm(1.4))
    row("承办部门", "{{ department }}", "办理期限", "{{ due }}")
    row("类　　别", "{{ kind }}", "办理状态", "{{ state }}")
    row("拟办意见", "{{ proposals }}", merge=True, height=Cm(3.0))
    row("领导批示", "{{ instructions }}", merge=True, height=Cm(4.5))
    row("承办结果", "{{ result }}", merge=True, height=Cm(3.0))
    row("传　　阅", "{{ circulation }}", merge=True, height=Cm(1.2))
    row("备　　注", "{{ notes }}", merge=True, height=Cm(2.0))
    para(doc, "注：本单随文运转，办结后随文归档。", SONG, 10.5, space_after=0)
    return doc


def monthly_report() -> Document:
    doc = Document()
    a4(doc)
    para(doc, "督 查 专 报", SONG, 26, True, WD_ALIGN_PARAGRAPH.CENTER, RED)
    para(doc, "{{ issue }}", FANG, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = para(doc, "{{ office }}督查室", FANG, 14, space_after=4)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(15.9), alignment=2)  # right-aligned date at the margin
    font(p.add_run("\t{{ made_on }}"), FANG, 14)
    para(doc, "{{ heading }}", SONG, 18, True, WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    para(doc, "　　{{ summary }}", FANG, 16, space_after=6)
    para(doc, "一、各承办单位办理情况", HEI, 16, space_after=4)
    t = doc.add_table(rows=3, cols=7)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ("承办部门", "本月收件", "本月办结", "按期办结", "超期办结", "超期未办结", "平均办理工作日")
    fields = ("d.department", "d.received", "d.done", "d.on_time", "d.late", "d.overdue", "d.avg_days")
    for i, h in enumerate(heads):
        cell_text(t.rows[0].cells[i], h, HEI, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    cell_text(t.rows[1].cells[0], "{%tr for d in departments %}", SONG, 11)
    for i, f in enumerate(fields):
        cell_text(t.rows[2].cells[i], "{{ " + f + " }}", SONG, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    end = t.add_row()
    cell_text(end.cells[0], "{%tr endfor %}", SONG, 11)
    tot = t.add_row()
    for i, f in enumerate(("total.department", "total.received", "total.done", "total.on_time", "total.late",
                           "total.overdue", "total.avg_days")):
        cell_text(tot.cells[i], "{{ " + f + " }}", HEI, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    widths(t, (2.6, 2.0, 2.0, 2.0, 2.0, 2.4, 3.0))
    para(doc, "", FANG, 8)
    para(doc, "{{ chart }}", FANG, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "二、超期未办结事项", HEI, 16, space_after=4)
    o = doc.add_table(rows=3, cols=6)
    o.style = "Table Grid"
    o.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(("收文编号", "标题", "承办部门", "批示领导", "办理期限", "超期工作日")):
        cell_text(o.rows[0].cells[i], h, HEI, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    cell_text(o.rows[1].cells[0], "{%tr for x in overdue %}", SONG, 11)
    for i, f in enumerate(("x.number", "x.title", "x.department", "x.leader", "x.due", "x.overdue_days")):
        cell_text(o.rows[2].cells[i], "{{ " + f + " }}", SONG, 10.5)
    end = o.add_row()
    cell_text(end.cells[0], "{%tr endfor %}", SONG, 11)
    widths(o, (3.3, 5.1, 2.2, 1.8, 2.2, 1.4))
    para(doc, "{{ overdue_note }}", FANG, 14)
    para(doc, "", FANG, 8)
    para(doc, "报：市政府领导", FANG, 14)
    para(doc, "送：各承办部门", FANG, 14)
    return doc


def reminder_notice() -> Document:
    doc = Document()
    a4(doc)
    para(doc, "{{ office }}", SONG, 16, True, WD_ALIGN_PARAGRAPH.CENTER, RED)
    para(doc, "催 办 通 知", SONG, 22, True, WD_ALIGN_PARAGRAPH.CENTER, RED, 8)
    para(doc, "{{ department }}：", FANG, 16, space_after=4)
    para(doc, "　　下列交由你单位承办的公文{{ lead }}，请抓紧办理，并于期限内将办理结果报{{ office }}。", FANG, 16, space_after=6)
    t = doc.add_table(rows=3, cols=5)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(("收文编号", "标题", "办理期限", "状态", "超期工作日")):
        cell_text(t.rows[0].cells[i], h, HEI, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    cell_text(t.rows[1].cells[0], "{%tr for x in items %}", SONG, 11)
    for i, f in enumerate(("x.number", "x.title", "x.due", "x.state", "x.overdue_days")):
        cell_text(t.rows[2].cells[i], "{{ " + f + " }}", SONG, 10.5)
    end = t.add_row()
    cell_text(end.cells[0], "{%tr endfor %}", SONG, 11)
    widths(t, (3.3, 5.9, 2.4, 2.0, 2.4))
    para(doc, "", FANG, 8)
    para(doc, "{{ office }}督查室", FANG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ day }}", FANG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def monthly_workbook(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = "{{ office }}督查专报"
    ws["A1"].font = Font(name="宋体", size=16, bold=True, color="C00000")
    ws["A2"] = "{{ heading }}"
    ws["A2"].font = Font(name="宋体", size=13, bold=True)
    ws["A3"] = "统计截至 {{ as_of }}；{{ summary }}"
    heads = ("承办部门", "本月收件", "本月办结", "按期办结", "超期办结", "超期未办结", "平均办理工作日")
    for i, h in enumerate(heads, start=1):
        c = ws.cell(row=5, column=i, value=h)
        c.font, c.border = Font(name="黑体", bold=True), box
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(horizontal="center")
    for col, width in zip("ABCDEFG", (18, 10, 10, 10, 10, 12, 16)):
        ws.column_dimensions[col].width = width
    over = wb.create_sheet("超期清单")
    over["A1"] = "{{ heading }}：超期未办结事项（截至 {{ as_of }}）"
    over["A1"].font = Font(name="宋体", size=13, bold=True)
    for i, h in enumerate(("收文编号", "标题", "承办部门", "批示领导", "办理期限", "超期工作日"), start=1):
        c = over.cell(row=3, column=i, value=h)
        c.font, c.border = Font(name="黑体", bold=True), box
        c.fill = PatternFill("solid", fgColor="FCE4D6")
    for col, width in zip("ABCDEF", (16, 48, 14, 12, 12, 12)):
        over.column_dimensions[col].width = width
    for sheet in (ws, over):  # one page wide, landscape: it prints as it shows
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    wb.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    processing_form().save(OUT / "收文处理单.docx")
    monthly_report().save(OUT / "督查专报.docx")
    reminder_notice().save(OUT / "催办通知.docx")
    monthly_workbook(OUT / "督查专报.xlsx")
    print(f"templates written to {OUT}")


if __name__ == "__main__":
    main()
