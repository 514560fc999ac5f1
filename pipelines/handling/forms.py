"""Forms and reports that open in WPS and Word (docx, XLSX), from templates the office can edit.

    processing_form(office, key, out, *, actor, include_confidential=False)        -> Path  收文处理单 (阅办单)
    monthly_report(office, month, out_dir, *, actor, department=None, include_confidential=False)
                                                                                      -> Rendered(docx, xlsx, chart)
    monthly_reports(office, month, out_dir, *, actor, include_confidential=False)   -> [Rendered] whole + each department
    render_notice(office, department, day, items, out)                               -> Path  催办通知 (remind.py)

Templates: docxtpl (Jinja2 in a .docx) for 收文处理单.docx, 督查专报.docx, 催办通知.docx; openpyxl for 督查专报.xlsx
(its {{ … }} cells filled, the tables written under their header rows, a native bar chart added). The shipped
ones are in pipelines/handling/templates/ (scripts/make_handling_templates.py); a file of the same name in
<data root>/<[handling] templates_dir>/ replaces one. The month's chart for the docx is drawn by pygal and
rasterised by CairoSVG (no matplotlib), in the CJK font the machine has (fonts-noto-cjk).
Classified documents appear only with include_confidential (the 机要员's; pipelines/access.py decides who that
is once it is on main). Errors: HandlingRefusal (not_found, bad_month, bad_template — a template the office
edited that no longer renders, said in Chinese with the file).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import ops
from .report import Monthly, monthly

SHIPPED = Path(__file__).with_name("templates")
CHART_FONT = "Noto Sans CJK SC"


def template(office, name: str) -> Path:
    """The office's template `name` (<root>/<templates_dir>/name) where it exists, else the shipped one."""
    folder = Path(office.config.settings.handling.templates_dir)
    folder = folder if folder.is_absolute() else office.root / folder
    own = folder / name
    return own if own.is_file() else SHIPPED / name


def _render_docx(office, name: str, context: dict, out: Path, images: Optional[dict] = None) -> Path:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = template(office, name)
    try:
        doc = DocxTemplate(str(path))
        for key, (picture, width_mm) in (images or {}).items():
            context[key] = InlineImage(doc, str(picture), width=Mm(width_mm))
        doc.render(context, autoescape=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.part")
        doc.save(str(tmp))
        tmp.replace(out)
    except Exception as exc:  # jinja2's TemplateSyntaxError, a damaged docx the office saved …
        if path.parent == SHIPPED:
            raise
        raise ops.HandlingRefusal("bad_template", f"模板 {path} 无法套用：{type(exc).__name__}: {exc}"
                                  "（请检查 {{ }} 字段是否被拆开或改名，或删去该文件以使用默认模板）") from exc
    return out


def _lines(items: list[str]) -> object:
    from docxtpl import Listing

    return Listing("\n".join(items)) if items else "—"


# -- 收文处理单 ---------------------------------------------------------------------------------------------------

def processing_form(office, key: str, out: Path, *, actor, include_confidential: bool = False) -> Path:
    """The 收文处理单 of document `key`: registration header, 拟办意见, 领导批示 (each with its leader, date, and
    who typed it), 承办结果, 传阅, 备注 (改办, 退回, 延期, 催办). out: the .docx to write."""
    rec = ops.record(office, key, actor=actor, include_confidential=include_confidential)
    row = rec.row
    proposals, instructions, notes, circulation = [], [], [], []
    for e in rec.events:
        when = e.at[:10]
        if e.kind == "proposed":
            proposals.append(f"{e.words}（{e.actor}　{when}）")
        elif e.kind == "instructed":
            leader = e.data.get("leader") or e.actor
            typed = f"，{e.actor}代录" if e.on_behalf_of else ""
            instructions.append(f"{e.words}\n　　　　　　　　　　　　{leader}　{when}{typed}")
        elif e.kind == "rerouted":
            notes.append(f"{when} 改办：由{e.data.get('from') or '—'}改送{e.department}" + (f"（{e.words}）" if e.words else ""))
        elif e.kind == "returned":
            notes.append(f"{when} {e.department}退回：{e.words}")
        elif e.kind == "extended":
            notes.append(f"{when} 延期至 {e.data.get('due')}，{e.data.get('approved_by')}批准" + (f"（{e.words}）" if e.words else ""))
        elif e.kind == "reminded":
            notes.append(f"{when} 催办{e.department or ''}")
        elif e.kind == "classified":
            notes.append(f"{when} 改定为{e.data.get('kind')}（{e.actor}）")
        elif e.kind == "archived":
            notes.append(f"{when} 归档（{e.actor}）")
        elif e.kind == "read":
            circulation.append(f"{e.data.get('reader')} {e.at[:16].replace('T', ' ')} 已阅")
    if rec.readers:
        pending = [r for r in rec.readers if r not in rec.read_by]
        circulation = ["传阅顺序：" + " → ".join(rec.readers)] + circulation + ([f"待阅：{'、'.join(pending)}"] if pending else [])
    result = "—"
    done = [e for e in rec.events if e.kind in ("done", "answered")]
    if done:
        result_lines = [f"{'答复' if e.kind == 'answered' else '办结'}：{e.words or '（阅件，无需办理结果）'}（{e.actor}　{e.at[:10]}）"
                        for e in done]
        progress = [f"{e.at[:10]} {e.words}" for e in rec.events if e.kind == "progress"]
        result = _lines(progress + result_lines)
    elif rec.state == "done":
        result = "传阅完毕（阅件，无需办理结果）"
    context = {
        "office": office.config.office.name, "number": rec.number, "printed": ops.context(office).today().isoformat(),
        "received": (row.get("received_at") or "")[:10], "channel": _channel(row.get("channel")),
        "issuer": row.get("issuer") or "—", "doc_number": row.get("doc_number") or "—",
        "urgency": row.get("urgency") or "—", "secrecy": row.get("secrecy") or "—", "title": rec.title or "—",
        "department": rec.department or "—", "kind": rec.kind + (f"（{rec.category}）" if rec.category else ""),
        "due": rec.due or ("—" if not rec.due_unknown else "期限无法计算（节假日安排未收录）"), "state": rec.state_zh,
        "proposals": _lines(proposals), "instructions": _lines(instructions), "result": result,
        "circulation": _lines(circulation), "notes": _lines(notes),
    }
    return _render_docx(office, "收文处理单.docx", context, Path(out))


def _channel(channel: Optional[str]) -> str:
    return {"edoc": "电子公文", "fax": "传真", "scan": "纸质扫描", "mail": "电子邮件"}.get(channel or "", channel or "—")


# -- 督查专报 ----------------------------------------------------------------------------------------------------

@dataclass
class Rendered:
    docx: Path
    xlsx: Path
    chart: Path  # the month's chart picture (PNG) put in the docx
    report: Monthly


def _cells(line) -> dict:
    avg = line.avg_days
    return {"department": line.department, "received": line.received, "done": line.done, "on_time": line.on_time,
            "late": line.late, "overdue": line.overdue, "avg_days": "—" if avg is None else f"{avg:.1f}"}


def _summary(m: Monthly) -> str:
    t = m.total
    avg = "—" if t.avg_days is None else f"{t.avg_days:.1f}"
    rate = f"{t.on_time * 100 / (t.on_time + t.late):.1f}%" if (t.on_time + t.late) else "—"
    text = (f"{_month_zh(m.month)}，{m.scope}共收件{t.received}件，办结{t.done}件，其中按期办结{t.on_time}件、超期办结{t.late}件"
            f"（按期办结率{rate}）；截至{_day_zh(m.as_of)}，超期未办结{t.overdue}件；办结件平均办理{avg}个工作日。")
    if m.unknown:
        text += f"另有{len(m.unknown)}件因节假日安排未收录，期限无法计算。"
    if m.letters is not None:  # 来信 (issue 22): counts only, never a writer's name or telephone
        s = m.letters
        kinds = "、".join(f"{k}{v}件" for k, v in sorted(s.by_category.items(), key=lambda kv: -kv[1]))
        days = "—" if s.average_working_days is None else f"{s.average_working_days:.1f}"
        text += (f"本月受理群众来信{s.total}件（{kinds}），已答复{s.answered}件，其中按期答复{s.answered_on_time}件，"
                 f"平均答复用时{days}个工作日。")
    return text


def _month_zh(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}年{int(mon)}月"


def _day_zh(day: str) -> str:
    y, m, d = day.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def chart(m: Monthly, out: Path) -> Path:
    """The month's bar chart per department (收件, 按期办结, 超期办结, 超期未办结) as a PNG (pygal → CairoSVG)."""
    import pygal
    from pygal.style import Style

    style = Style(font_family=CHART_FONT, background="white", plot_background="white", title_font_size=18,
                  label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12,
                  colors=("#5b7fb5", "#3c9d5d", "#e0a030", "#c0392b"))
    lines = m.lines or [m.total]
    top = max([1] + [max(l.received, l.done, l.overdue) for l in lines])
    bar = pygal.Bar(style=style, width=900, height=420, title=f"{_month_zh(m.month)}各承办部门办理情况",
                    legend_at_bottom=True, legend_at_bottom_columns=4, print_values=True, print_zeroes=False,
                    y_labels=list(range(0, top + 2, max(1, (top + 1) // 8))), truncate_label=-1)
    bar.x_labels = [l.department for l in lines]
    bar.add("本月收件", [l.received for l in lines])
    bar.add("按期办结", [l.on_time for l in lines])
    bar.add("超期办结", [l.late for l in lines])
    bar.add("超期未办结", [l.overdue for l in lines])
    out.parent.mkdir(parents=True, exist_ok=True)
    bar.render_to_png(str(out), dpi=150)
    return out


def monthly_report(office, month: str, out_dir: Path, *, actor, department: Optional[str] = None,
                   include_confidential: bool = False) -> Rendered:
    """The month's 督查专报 as docx and XLSX (and its chart) in out_dir: 督查专报-2026-03[-部门].docx/.xlsx."""
    m = monthly(office, month, actor=actor, department=department, include_confidential=include_confidential)
    out_dir = Path(out_dir)
    stem = f"督查专报-{month}" + (f"-{_safe(department)}" if department else "")
    picture = chart(m, out_dir / f"{stem}-图.png")
    context = _report_context(office, m)
    docx = _render_docx(office, "督查专报.docx", context, out_dir / f"{stem}.docx", images={"chart": (picture, 160)})
    xlsx = _render_xlsx(office, m, context, out_dir / f"{stem}.xlsx")
    return Rendered(docx, xlsx, picture, m)


def monthly_reports(office, month: str, out_dir: Path, *, actor, include_confidential: bool = False) -> list[Rendered]:
    """The whole office's report, then one per department that had anything that month (its own files)."""
    whole = monthly_report(office, month, out_dir, actor=actor, include_confidential=include_confidential)
    return [whole] + [monthly_report(office, month, out_dir, actor=actor, department=line.department,
                                     include_confidential=include_confidential) for line in whole.report.lines]


def _report_context(office, m: Monthly) -> dict:
    heading = f"{_month_zh(m.month)}{'' if m.scope == office.config.office.name else m.scope}领导批示件及收文办理情况"
    return {
        "office": office.config.office.name, "issue": f"{_month_zh(m.month)}　第{int(m.month[5:])}期",
        "made_on": _day_zh(ops.context(office).today().isoformat()), "heading": heading, "summary": _summary(m),
        "as_of": m.as_of, "departments": [_cells(l) for l in m.lines], "total": _cells(m.total),
        "overdue": [o.__dict__ for o in m.overdue],
        "overdue_note": "（本月无超期未办结事项）" if not m.overdue else f"以上{len(m.overdue)}件，请各承办部门抓紧办理。",
    }


def _render_xlsx(office, m: Monthly, context: dict, out: Path) -> Path:
    from copy import copy

    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    path = template(office, "督查专报.xlsx")
    try:
        wb = load_workbook(path)
        summary, overdue = wb["汇总"], wb["超期清单"]
    except Exception as exc:
        raise ops.HandlingRefusal("bad_template", f"模板 {path} 无法套用：{type(exc).__name__}: {exc}"
                                  "（应有工作表“汇总”和“超期清单”）") from exc
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    cell.value = _fill(cell.value, context)
    head = _header_row(summary, "承办部门")
    rows = [[l.department, l.received, l.done, l.on_time, l.late, l.overdue, l.avg_days] for l in m.lines]
    total = m.total
    for i, values in enumerate(rows + [["合计", total.received, total.done, total.on_time, total.late, total.overdue,
                                          total.avg_days]], start=head + 1):
        for j, value in enumerate(values, start=1):
            cell = summary.cell(row=i, column=j, value=value)
            cell.border = copy(summary.cell(row=head, column=j).border)
            if j == 7:
                cell.number_format = "0.0"
    if rows:
        bar = BarChart()
        bar.type, bar.grouping = "col", "clustered"
        bar.title = f"{_month_zh(m.month)}各承办部门办理情况"
        bar.y_axis.title, bar.x_axis.title = "件数", "承办部门"
        bar.y_axis.majorUnit = 1
        data = Reference(summary, min_col=2, max_col=6, min_row=head, max_row=head + len(rows))
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(Reference(summary, min_col=1, min_row=head + 1, max_row=head + len(rows)))
        bar.height, bar.width = 9, 18
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        summary.add_chart(bar, f"A{head + len(rows) + 4}")
    ohead = _header_row(overdue, "收文编号")
    for i, o in enumerate(m.overdue, start=ohead + 1):
        for j, value in enumerate((o.number, o.title, o.department, o.leader, o.due, o.overdue_days), start=1):
            overdue.cell(row=i, column=j, value=value).border = copy(overdue.cell(row=ohead, column=j).border)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _fill(text: str, context: dict) -> str:
    import re

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda mt: str(context.get(mt[1], mt[0])), text)


def _header_row(ws, first: str) -> int:
    for cells in ws.iter_rows(min_col=1, max_col=1):
        if cells[0].value == first:
            return cells[0].row
    raise ops.HandlingRefusal("bad_template", f"模板工作表“{ws.title}”中找不到首列为“{first}”的表头行")


def _safe(name: str) -> str:
    return "".join(c if c.isprintable() and c not in '/\\:*?"<>|' else "_" for c in name)[:60] or "_"


# -- 催办通知 ----------------------------------------------------------------------------------------------------

def render_notice(office, department: str, day: str, items: list[dict], out: Path) -> Path:
    overdue = sum(1 for i in items if i["overdue_days"])
    lead = (f"共{len(items)}件，其中{overdue}件已超过办理期限" if overdue else f"共{len(items)}件，即将到期")
    context = {"office": office.config.office.name, "department": department, "day": _day_zh(day), "lead": lead,
               "items": [{**i, "overdue_days": i["overdue_days"] or "—"} for i in items]}
    return _render_docx(office, "催办通知.docx", context, Path(out))
