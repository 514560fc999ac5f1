"""Layout rules (版式规则): GB/T 9704-2012 chapters 5 and 7, measured on the layout model.

docx declares its geometry (section page size and margins, fonts by style); PDF and OCR are measured
from the ink. Ink sits inside line boxes and text need not reach every edge of the 版心, so measured
checks allow for that and say so in their evidence.
"""
from __future__ import annotations

import re
import statistics

from extractors.fonts import FAMILY_NAMES_ZH, looks_substituted, size_name, stands_in_for
from extractors.geometry import block_edges, line_end
from extractors.layout import is_red

from ..boxes import declared_block, found_box, lines_box, rule_box
from ..registry import Hit, rule

CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT_BLOCK_W, TEXT_BLOCK_H = 156.0, 225.0


def _mm(value: float) -> str:
    return f"{value:.1f}mm"


def _pages(ctx):
    return [p for p in ctx.document.pages if p.width_mm]


def _measured(ctx) -> bool:
    return any(p.margins_measured for p in ctx.document.pages)


def _edges(ctx):
    """The measured 版心 edges over every page's body lines (extractors/geometry.py: robust, not one glyph)."""
    return block_edges(ln for page in _pages(ctx) for ln in page.lines if ln.zone == "body")


def _block_left(ctx) -> float | None:
    """The 版心's left edge: declared (docx) or the start most body lines share (PDF, OCR)."""
    if not _measured(ctx):
        page = ctx.document.pages[0]
        return page.margin_left_mm
    return _edges(ctx).left


def _block_right(ctx) -> float | None:
    """The 版心's right edge: declared (docx) or the end most full lines share, hanging punctuation left out."""
    if not _measured(ctx):
        page = ctx.document.pages[0]
        return page.width_mm - page.margin_right_mm if page.width_mm and page.margin_right_mm is not None else None
    return _edges(ctx).right


def _page_of_start(ctx, x: float) -> int:
    return next((page.number for page in _pages(ctx) for ln in page.lines
                 if ln.zone == "body" and ln.x0 is not None and abs(ln.x0 - x) <= 1.0), 1)


def _font_name(run) -> str:
    name = run.font or "未知字体"  # the readers already drop a PDF subset's "ABCDEF+" prefix
    return f"{name}({FAMILY_NAMES_ZH.get(run.family or 'other', '其他字体')})"


def _substitution_note(ctx, runs) -> str:
    if ctx.document.format == "pdf" and any(looks_substituted(r.font) for r in runs):
        return ";PDF 中的字体疑似被替换，来文单位电脑可能缺少公文标准字体，请安装后重新生成 PDF"
    return ""


@rule("layout.paper-size", "GB/T 9704-2012 5.1", "error", "纸张为 A4(210mm×297mm)",
      "公文用纸统一为 A4 幅面，便于印制、装订和归档。", "页面 216mm×279mm(Letter)", "页面设置为 A4 纵向 210mm×297mm",
      needs_geometry=True, width=210.0, height=297.0, tolerance=1.0, ocr_tolerance=6.0)
def paper_size(ctx):
    p = ctx.params
    for page in _pages(ctx):
        if abs(page.width_mm - p["width"]) > p["tolerance"] or abs(page.height_mm - p["height"]) > p["tolerance"]:
            yield Hit(f"纸张应为 A4(210mm×297mm)，第 {page.number} 页为 {page.width_mm:.0f}mm×{page.height_mm:.0f}mm，请在页面设置中改为 A4",
                      page=page.number, evidence=f"{page.width_mm:.1f}mm×{page.height_mm:.1f}mm",
                      expected=f"{p['width']:g}mm×{p['height']:g}mm(±{p['tolerance']:g}mm)", aspect="size",
                      box=(0.0, 0.0, page.width_mm, page.height_mm))
            return


def _declared_margin(ctx, attr, expected, tol, label, what):
    for page in _pages(ctx):
        value = getattr(page, attr)
        if value is not None and abs(value - expected) > tol:
            yield Hit(f"{label}应为 {expected:g}mm，实为 {value:.1f}mm，请在页面设置中调整{what}",
                      page=page.number, evidence=_mm(value), expected=f"{expected:g}mm(±{tol:g}mm)", aspect="position",
                      box=declared_block(page))
            return


@rule("layout.margin-top", "GB/T 9704-2012 5.2.1", "error", "天头（上页边距）37mm",
      "版心位置统一，公文才整齐划一、便于装订。", "上边距 25.4mm（Word 默认）", "上边距设为 37mm",
      needs_geometry=True, expected=37.0, tolerance=1.0, ocr_tolerance=3.0, line_pitch=10.2, issuer_gap=35.0)
def margin_top(ctx):
    p = ctx.params
    if not _measured(ctx):
        yield from _declared_margin(ctx, "margin_top_mm", p["expected"], p["tolerance"], "天头（上页边距）", "上边距")
        return
    # Measured: the first line's glyphs sit somewhere inside its line box, so the ink top may lie up to one
    # line pitch below the 版心 top; a page may also begin with empty lines. The page whose text starts
    # highest is the measure; a 发文机关标志 may stand 35mm below the 版心 top (GB/T 9704 7.2.4).
    # A 信函's first page is laid out from its mark down (GB/T 9704-2012 10.1), not from the 版心's top: the
    # following pages are measured.
    letter_page = ctx.el.issuer_mark.page if _letter_mark(ctx) is not None else None
    tops = [(min(ln.top for ln in page.lines if ln.zone == "body" and ln.top is not None), page.number)
            for page in _pages(ctx) if page.number != letter_page
            and any(ln.zone == "body" and ln.top is not None for ln in page.lines)]
    if not tops:
        return
    top, page_no = min(tops)
    first = min((ln for page in _pages(ctx) if page.number == page_no for ln in page.lines
                 if ln.zone == "body" and ln.top is not None), key=lambda ln: ln.top)
    low, high = p["expected"] - p["tolerance"], p["expected"] + p["line_pitch"] + p["tolerance"]
    ok = low <= top <= high or (len(tops) == 1 and ctx.el.issuer_mark and low <= top - p["issuer_gap"] <= high)
    if not ok:
        yield Hit(f"天头（上页边距）应为 {p['expected']:g}mm，正文顶端实测在 {top:.1f}mm，请调整上边距",
                  page=page_no, evidence=f"{_mm(top)}（按墨迹测量）",
                  expected=f"{low:g}–{high:.1f}mm（37mm 加首行行距内的字形位置）", aspect="position",
                  box=(first.x0, first.top, first.x1, first.bottom) if first.x0 is not None else None)


def _letter_mark(ctx):
    """The 发文机关标志 of a 信函 (GB/T 9704-2012 10.1) on a measured page: above the 版心 (its top 30 mm from the
    page's edge) with a red rule under it. It stands outside the 版心, so margins are measured without it."""
    el = ctx.el
    if not el.issuer_mark or not _measured(ctx):
        return None
    line = el.lines[el.issuer_mark.line]
    page = next((pg for pg in _pages(ctx) if pg.number == el.issuer_mark.page), None)
    if page is None or line.top is None or line.top >= 37.0 - 1.0:
        return None
    if any(is_red(r.color) and -2.0 <= r.top - line.bottom <= 12 for r in page.rules):
        return line
    return None


@rule("layout.margin-left", "GB/T 9704-2012 5.2.1", "error", "订口（左页边距）28mm",
      "订口留足装订位置，版心统一。", "左边距 31.8mm（Word 默认）", "左边距设为 28mm",
      needs_geometry=True, expected=28.0, tolerance=1.0, ocr_tolerance=3.0)
def margin_left(ctx):
    p = ctx.params
    if not _measured(ctx):
        yield from _declared_margin(ctx, "margin_left_mm", p["expected"], p["tolerance"], "订口（左页边距）", "左边距")
        return
    edges = _edges(ctx)
    if edges.left is None:
        return
    left = edges.left
    if abs(left - p["expected"]) > p["tolerance"]:
        page_no = _page_of_start(ctx, left)
        starts = [ln for page in _pages(ctx) if page.number == page_no for ln in page.lines
                  if ln.zone == "body" and ln.x0 is not None and abs(ln.x0 - left) <= 1.0]
        yield Hit(f"订口（左页边距）应为 {p['expected']:g}mm，实测正文左缘在 {left:.1f}mm，请调整左边距",
                  page=page_no, box=(left, min(ln.top for ln in starts), max(ln.x1 for ln in starts),
                                     max(ln.bottom for ln in starts)) if starts else None,
                  evidence=f"{_mm(left)}（按墨迹测量：{edges.left_support} 行的行首）",
                  expected=f"{p['expected']:g}mm(±{p['tolerance']:g}mm)", aspect="position")


@rule("layout.text-block", "GB/T 9704-2012 5.2.1", "error", "版心 156mm×225mm",
      "版心尺寸统一，每页 22 行、每行 28 字才能排得下。", "右边距 31.8mm，版心宽 150mm", "左 28mm、右 26mm、上 37mm、下 35mm",
      needs_geometry=True, width=TEXT_BLOCK_W, height=TEXT_BLOCK_H, left=28.0, top=37.0, tolerance=1.0,
      ocr_tolerance=3.0)
def text_block(ctx):
    p = ctx.params
    tol = p["tolerance"]
    if not _measured(ctx):
        for page in _pages(ctx):
            if None in (page.margin_left_mm, page.margin_right_mm, page.margin_top_mm, page.margin_bottom_mm):
                continue
            w = page.width_mm - page.margin_left_mm - page.margin_right_mm
            h = page.height_mm - page.margin_top_mm - page.margin_bottom_mm
            if abs(w - p["width"]) > tol or abs(h - p["height"]) > tol:
                yield Hit(f"版心应为 {p['width']:g}mm×{p['height']:g}mm，实为 {w:.1f}mm×{h:.1f}mm；"
                          f"请将页边距设为上 37mm、下 35mm、左 28mm、右 26mm",
                          page=page.number, evidence=f"{_mm(w)}×{_mm(h)}", expected=f"{p['width']:g}mm×{p['height']:g}mm(±{tol:g}mm)",
                          aspect="position", box=declared_block(page))
                return
        return
    # Measured: the right edge is the end that most full lines share, a closing mark hanging past the margin
    # left out (extractors/geometry.py); it must lie within one character inside the 版心's right edge. The
    # width is taken from the measured left edge, so a block that is only shifted is left to the margin rules.
    # With fewer than two full lines there is nothing to measure the width by, and no finding.
    edges = _edges(ctx)
    lines = [(ln, page) for page in _pages(ctx) for ln in page.lines if ln.zone == "body" and ln.x1 is not None]
    if not lines or edges.right is None:
        return
    left = edges.left if edges.left is not None else p["left"]
    right_edge, bottom_edge = left + p["width"], p["top"] + p["height"]
    # A full line that is not justified stops short of the edge by less than one character: the allowance is
    # the body's measured character pitch (a grid squeezed into a narrower 版心 has a smaller pitch), plus the
    # OCR tolerance on scans.
    char_mm = _char_pitch(ctx) or statistics.median([r.size_pt or 16 for ln, _ in lines for r in ln.runs] or [16]) * 25.4 / 72
    slack = char_mm + (tol if ctx.document.ocr else 0.0)
    right = edges.right
    too_wide = right > right_edge + tol and edges.right_support >= 2
    too_narrow = right < right_edge - slack and edges.right_support >= 2
    low = sorted((ln.bottom, page.number) for ln, page in lines)
    if too_wide or too_narrow:
        width = right - left
        page = next((pg for ln, pg in lines if abs(line_end(ln, None, right_edge) - right) <= 1.0), lines[0][1])
        on_page = [ln for ln, pg in lines if pg.number == page.number and ln.top is not None]
        box = (left, min(ln.top for ln in on_page), right, max(ln.bottom for ln in on_page)) if on_page else None
        yield Hit(f"版心宽应为 {p['width']:g}mm，实测正文宽 {width:.1f}mm，请调整左右边距（左 28mm、右 26mm）",
                  page=page.number,
                  evidence=f"{_mm(width)}（按墨迹测量：{edges.right_support} 行的行尾，行末悬挂标点不计）",
                  expected=f"{p['width'] - slack:.1f}–{p['width'] + tol:g}mm（未两端对齐的行可短一字）", aspect="position",
                  box=box)
    elif low[-1][0] > bottom_edge + tol:
        lowest, low_page = low[-1]
        yield Hit(f"版心高应为 {p['height']:g}mm（下缘在 {bottom_edge:g}mm 处），第 {low_page} 页正文下缘在 {lowest:.1f}mm，请调整下边距为 35mm",
                  page=low_page, evidence=f"下缘 {_mm(lowest)}（按墨迹测量）", expected=f"≤ {bottom_edge + tol:g}mm",
                  aspect="position")


def _body_runs(ctx, include_headings=False):
    el = ctx.el
    heading_lines = {h.line for h in el.headings}
    for i in el.body_lines:
        if not include_headings and i in heading_lines:
            continue
        for run in el.lines[i].runs:
            if CJK.search(run.text):
                yield i, run


@rule("layout.body-font", "GB/T 9704-2012 5.2.2, 7.3.3", "error", "正文用 3 号仿宋体字",
      "正文统一用 3 号仿宋，清晰易读，版面统一。", "正文用宋体小四号（12pt）", "正文改为仿宋_GB2312 三号（16pt）",
      needs_geometry=True, family="fangsong", size=16.0, tolerance=0.3, ocr_tolerance=3.0, min_share=5)
def body_font(ctx):
    p = ctx.params
    runs = list(_body_runs(ctx))
    if not runs:
        return
    bad_family = [(i, r) for i, r in runs if r.family and r.family != p["family"]]
    bad_size = [(i, r) for i, r in runs if r.size_pt and abs(r.size_pt - p["size"]) > p["tolerance"]]
    if ctx.document.ocr:  # sizes estimated from OCR boxes scatter line by line: judge the body's median size
        sizes = [r.size_pt for _, r in runs if r.size_pt]
        median = statistics.median(sizes) if sizes else None
        bad_size = [(i, r) for i, r in runs if median is not None and r.size_pt == median] \
            if median is not None and abs(median - p["size"]) > p["tolerance"] else []
    # Shares by characters: a glyph or two that the sender's font lacked (drawn from a fallback font) is not a
    # body in another font; below min_share of the body's characters the body is judged by its main font.
    total = sum(len(r.text) for _, r in runs)
    wrong = sum(len(r.text) for _, r in bad_family)
    if bad_family and wrong * 100 >= p["min_share"] * total:
        by_font: dict[str, int] = {}
        for _, r in runs:
            by_font[_font_name(r)] = by_font.get(_font_name(r), 0) + len(r.text)
        measured = "，".join(f"{name} {n * 100 // max(1, total)}%" for name, n in sorted(by_font.items(), key=lambda t: -t[1])[:3])
        i, r = max(bad_family, key=lambda t: len(t[1].text))
        yield Hit(f"正文应使用仿宋体（仿宋_GB2312），实际使用 {_font_name(r)}，约占正文 {wrong * 100 // max(1, total)}%"
                  + _substitution_note(ctx, [x for _, x in bad_family]),
                  page=ctx.el.pages_of[i], evidence=f"正文 {total} 字：{measured}；例“{r.text[:20]}”",
                  expected="仿宋（仿宋_GB2312、FangSong 等）", aspect="font", box=lines_box(ctx.el, [i]))
    if bad_size:
        i, r = bad_size[0]
        yield Hit(f"正文应为 3 号字（16pt），实际为 {size_name(r.size_pt)}", page=ctx.el.pages_of[i],
                  evidence=f"{size_name(r.size_pt)}：“{r.text[:20]}”", expected=f"三号（16pt，±{p['tolerance']:g}pt）", aspect="size",
                  box=lines_box(ctx.el, [i]))


@rule("layout.grid", "GB/T 9704-2012 5.2.3", "warning", "每页 22 行，每行 28 字",
      "行数字数统一，版面疏密一致。", "行距固定值 20 磅（每页 32 行）", "行距固定值约 28.95 磅，文档网格每页 22 行、每行 28 字",
      needs_geometry=True, lines=22, chars=28, line_tolerance=1, char_tolerance=1, block_height=TEXT_BLOCK_H, block_width=TEXT_BLOCK_W)
def grid(ctx):
    p = ctx.params
    lines_per_page, chars_per_line, how = _grid(ctx, p)
    if lines_per_page is not None and abs(lines_per_page - p["lines"]) > p["line_tolerance"]:
        yield Hit(f"每页应排 22 行，实为约 {lines_per_page} 行；请将行距设为固定值约 28.95 磅或在文档网格中设为每页 22 行",
                  evidence=f"{lines_per_page} 行/页（{how}）", expected=f"{p['lines']} 行/页（±{p['line_tolerance']}）", aspect="position")
    if chars_per_line is not None and abs(chars_per_line - p["chars"]) > p["char_tolerance"]:
        yield Hit(f"每行应排 28 字，实为约 {chars_per_line} 字；请在文档网格中设为每行 28 字",
                  evidence=f"{chars_per_line} 字/行（{how}）", expected=f"{p['chars']} 字/行（±{p['char_tolerance']}）", aspect="position")


def _char_pitches(lines) -> list[float]:
    """Character pitch (mm) of each pure-Chinese line of ten characters or more, a trailing closing mark left out."""
    pitches = []
    for ln in lines:
        # Latin letters and digits get extra space around them in CJK typesetting: measure pure-Chinese lines
        if ln.x1 is not None and len(ln.text) >= 10 and not re.search(r"[\x21-\x7e]", ln.text):
            text = ln.text.replace(" ", "")
            if line_end(ln) != ln.x1:  # a trailing closing mark: measure the characters before it
                text = text[:-1]
            pitches.append((line_end(ln) - ln.x0) / len(text))
    return pitches


def _char_pitch(ctx) -> float | None:
    pitches = _char_pitches(ln for page in _pages(ctx) for ln in page.lines if ln.zone == "body")
    return statistics.median(pitches) if len(pitches) >= 3 else None


def _grid(ctx, p):
    el = ctx.el
    if not _measured(ctx):
        page = ctx.document.pages[0]
        pitches = [el.lines[i].line_pitch_pt for i in el.body_lines if el.lines[i].line_pitch_pt]
        lines = None
        if pitches:
            lines = round(p["block_height"] / (statistics.median(pitches) * 25.4 / 72))
        elif page.grid_lines:
            lines = page.grid_lines
        return lines, page.grid_chars, "按文档设置"
    # Measured: median distance between consecutive body lines on a page, and the character pitch.
    gaps, pitches = [], []
    for a, b in zip(el.body_lines, el.body_lines[1:]):
        la, lb = el.lines[a], el.lines[b]
        if el.pages_of[a] == el.pages_of[b] and la.top is not None and lb.top is not None and b == a + 1:
            gap = lb.top - la.top
            if 0 < gap < 20:
                gaps.append(gap)
    pitches = _char_pitches(el.lines[i] for i in el.body_lines)
    lines = round(p["block_height"] / statistics.median(gaps)) if len(gaps) >= 3 else None
    chars = int(p["block_width"] / statistics.median(pitches) + 0.3) if len(pitches) >= 3 else None
    return lines, chars, "按墨迹测量"


@rule("layout.text-color", "GB/T 9704-2012 5.2.4", "warning", "文字颜色为黑色（发文机关标志和分隔线为红色）",
      "除版头红色要素外，公文文字一律用黑色。", "正文中的强调文字用蓝色", "正文文字改为黑色",
      needs_geometry=True, dark_limit=80)
def text_color(ctx):
    el = ctx.el
    mark_line = el.issuer_mark.line if el.issuer_mark else None
    for i, line in enumerate(el.lines):
        if i == mark_line:
            continue
        for run in line.runs:
            if run.color and not _dark(run.color, ctx.params["dark_limit"]) and run.text.strip():
                yield Hit(f"除发文机关标志外，公文文字应为黑色；“{run.text.strip()[:16]}”为 #{run.color}",
                          page=el.pages_of[i], evidence=f"#{run.color}：“{run.text.strip()[:20]}”", expected="黑色", aspect="colour",
                          box=(run.x0, run.top, run.x1, run.bottom) if run.x0 is not None else lines_box(el, [i]))
                return


def _dark(color: str, limit: int) -> bool:
    return all(int(color[k:k + 2], 16) <= limit for k in (0, 2, 4))


@rule("layout.issuer-mark", "GB/T 9704-2012 7.2.4", "warning", "发文机关标志居中、红色，推荐小标宋体字",
      "红色居中的发文机关标志是公文版头的标识。", "发文机关标志为黑色、左对齐", "发文机关标志居中排布，红色，使用方正小标宋简体",
      needs_geometry=True, family="xiaobiaosong")
def issuer_mark(ctx):
    el = ctx.el
    if not el.issuer_mark:
        return
    line = el.lines[el.issuer_mark.line]
    page = el.issuer_mark.page
    box = found_box(el, el.issuer_mark)
    if not _centred(ctx, line):
        yield Hit("发文机关标志应居中排布", page=page, evidence=f"“{line.text.strip()}”未居中", expected="居中", aspect="position",
                  box=box)
    if ctx.document.colour and not any(is_red(r.color) for r in line.runs):
        colour = next((r.color for r in line.runs if r.color), None)
        yield Hit("发文机关标志应为红色", page=page, evidence=f"颜色 #{colour or '000000'}", expected="红色", aspect="colour",
                  box=box)
    fam = line.runs[0].family if line.runs else None
    if fam and fam != ctx.params["family"] and not stands_in_for(line.runs[0].font, ctx.params["family"]):
        yield Hit(f"发文机关标志推荐使用小标宋体字，实际为 {_font_name(line.runs[0])}" + _substitution_note(ctx, line.runs),
                  page=page, evidence=_font_name(line.runs[0]), expected="小标宋（方正小标宋简体）", aspect="font", box=box)


def _centred(ctx, line) -> bool:
    if line.align is not None and line.x0 is None:
        return line.align == "center"
    if line.x0 is None:
        return True
    left, right = _block_left(ctx), _block_right(ctx)
    centre = (left + right) / 2 if left is not None and right is not None else 28.0 + TEXT_BLOCK_W / 2
    return abs((line.x0 + line.x1) / 2 - centre) <= 3.0 or line.align == "center"


@rule("layout.separator", "GB/T 9704-2012 7.2.7", "warning", "发文字号之下 4mm 处有与版心等宽的红色分隔线",
      "红色分隔线把版头与主体分开。", "没有分隔线，或分隔线为黑色", "在发文字号下 4mm 处加一条与版心等宽（156mm）的红色线",
      needs_geometry=True, width=TEXT_BLOCK_W, width_tolerance=3.0, min_gap=1.0, max_gap=10.0)
def separator(ctx):
    el = ctx.el
    if not el.doc_number:
        return
    p = ctx.params
    number_line = el.lines[el.doc_number.line]
    if not _measured(ctx):
        window = el.lines[el.doc_number.line: el.doc_number.line + 3]
        colours = [ln.border_bottom_color for ln in window if ln.border_bottom_color]
        if not colours:
            yield Hit("发文字号之下应有一条红色分隔线", page=el.doc_number.page, evidence="未见分隔线",
                      expected="发文字号下 4mm、与版心等宽的红色线", aspect="position")
        elif not any(is_red(c) for c in colours):
            yield Hit("版头分隔线应为红色", page=el.doc_number.page, evidence=f"颜色 #{colours[0]}", expected="红色", aspect="colour")
        return
    page = next(pg for pg in ctx.document.pages if pg.number == el.doc_number.page)
    below = [r for r in page.rules if r.top >= number_line.bottom - 0.5 and r.top - number_line.bottom <= 25]
    if not below:
        yield Hit("发文字号之下应有一条红色分隔线", page=page.number, evidence="未见分隔线",
                  expected="发文字号下 4mm、与版心等宽的红色线", aspect="position", box=found_box(el, el.doc_number))
        return
    rule_ = min(below, key=lambda r: r.top)
    gap = rule_.top - number_line.bottom
    length = _joined_length(rule_, page.rules)
    box = rule_box(rule_, length)
    if ctx.document.colour and not is_red(rule_.color):  # a fax or grey scan keeps the line, not its colour
        yield Hit("版头分隔线应为红色", page=page.number, evidence=f"颜色 #{rule_.color}", expected="红色", aspect="colour",
                  box=box)
    # "as wide as the 版心": the measured block, whose own size is layout.text-block's business
    block = (_block_right(ctx) - _block_left(ctx)) if _block_left(ctx) is not None else p["width"]
    if abs(length - block) > p["width_tolerance"]:
        yield Hit(f"版头分隔线应与版心等宽（{block:.0f}mm），实测 {length:.1f}mm", page=page.number,
                  evidence=_mm(length), expected=f"{block:.0f}mm(±{p['width_tolerance']:g}mm)", aspect="size", box=box)
    if not p["min_gap"] <= gap <= p["max_gap"]:
        yield Hit(f"版头分隔线应在发文字号之下约 4mm，实测 {gap:.1f}mm", page=page.number,
                  evidence=f"{_mm(gap)}（字形下缘至线）", expected=f"{p['min_gap']:g}–{p['max_gap']:g}mm", aspect="position",
                  box=box)


def _joined_length(rule_, rules) -> float:
    """Length of a horizontal rule with the pieces that continue it on the same height (mm).

    A 版头 laid out in a table draws its separator as each cell's bottom border: pieces end to end, one line
    to the eye. Pieces join when they lie within 0.8 mm in height and leave less than 3 mm between them.
    """
    pieces = sorted((r for r in rules if abs(r.top - rule_.top) <= 0.8 and r.bottom - r.top < 3), key=lambda r: r.x0)
    x0, x1 = rule_.x0, rule_.x1
    grown = True
    while grown:
        grown = False
        for r in pieces:
            if r.x0 <= x1 + 3.0 and r.x1 >= x0 - 3.0 and (r.x0 < x0 or r.x1 > x1):
                x0, x1, grown = min(x0, r.x0), max(x1, r.x1), True
    return max(x1 - x0, rule_.length_mm)


@rule("layout.title-font", "GB/T 9704-2012 7.3.1", "error", "标题用 2 号小标宋体字，居中",
      "标题醒目、统一。", "标题用黑体三号、左对齐", "标题改为方正小标宋简体二号（22pt），居中排布",
      needs_geometry=True, family="xiaobiaosong", size=22.0, tolerance=0.3, ocr_tolerance=3.0)
def title_font(ctx):
    el, p = ctx.el, ctx.params
    if not el.title:
        return
    runs = [r for i in el.title_lines for r in el.lines[i].runs if r.text.strip()]
    box = lines_box(el, el.title_lines)  # measured on the title's own lines
    cjk = [r for r in runs if CJK.search(r.text)] or runs
    wrong = [r for r in cjk if r.family and r.family != p["family"] and not stands_in_for(r.font, p["family"])]
    if cjk and cjk[0].family and wrong:
        r = wrong[0]
        yield Hit(f"标题应使用小标宋体字（方正小标宋简体），实际为 {_font_name(r)}" + _substitution_note(ctx, cjk),
                  page=el.title.page, evidence=_font_name(r), expected="小标宋", aspect="font", box=box)
    sizes = [r for r in cjk if r.size_pt and abs(r.size_pt - p["size"]) > p["tolerance"]]
    if ctx.document.ocr:  # judge the title's median estimated size, not each OCR line's
        estimates = sorted(r.size_pt for r in cjk if r.size_pt)
        median = statistics.median(estimates) if estimates else p["size"]
        sizes = [r for r in cjk if r.size_pt == median] if abs(median - p["size"]) > p["tolerance"] else []
    if sizes:
        yield Hit(f"标题应为 2 号字（22pt），实际为 {size_name(sizes[0].size_pt)}", page=el.title.page,
                  evidence=size_name(sizes[0].size_pt), expected="二号（22pt）", aspect="size", box=box)
    last = el.lines[el.title_lines[-1]]
    if not _centred(ctx, last):
        yield Hit("标题应居中排布", page=el.title.page, evidence="标题未居中", expected="居中", aspect="position", box=box,
                  rests_on=("title", "block"))  # centred within the measured 版心


HEADING_FAMILIES = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}


@rule("layout.heading-fonts", "GB/T 9704-2012 7.3.3", "warning", "一级标题黑体，二级楷体，三级、四级仿宋",
      "层次分明，一目了然。", "“一、”用仿宋", "“一、”用黑体，“（一）”用楷体，“1.”“（1）”用仿宋", needs_geometry=True)
def heading_fonts(ctx):
    el = ctx.el
    wrong: dict[int, list] = {}
    for h in el.headings:
        line = el.lines[h.line]
        run = next((r for r in line.runs if CJK.search(r.text)), None)
        if run and run.family and run.family != HEADING_FAMILIES[h.level]:
            wrong.setdefault(h.level, []).append((h, run, line))
    for level, items in sorted(wrong.items()):  # one finding per level, however many headings share the fault
        h, run, line = items[0]
        want = HEADING_FAMILIES[level]
        more = f"（共 {len(items)} 处）" if len(items) > 1 else ""
        yield Hit(f"第{'一二三四'[level - 1]}层标题“{h.label}”应使用{FAMILY_NAMES_ZH[want]}，实际为 {_font_name(run)}{more}"
                  + _substitution_note(ctx, [run]),
                  page=h.page, evidence=f"{_font_name(run)}：“{line.text.strip()[:16]}”", expected=FAMILY_NAMES_ZH[want], aspect="font",
                  box=lines_box(el, [h.line]))


PAGE_NUMBER_FORMAT = re.compile(r"^—\s?\d+\s?—$")
# OCR cannot tell 一字线 from a hyphen or the character 一: on scans only the form "dash, number, dash" is checked
PAGE_NUMBER_FORMAT_OCR = re.compile(r"^[—–\-－一]\s?\d+\s?[—–\-－一]$")


@rule("layout.page-number", "GB/T 9704-2012 7.5", "warning", "页码 4 号半角宋体阿拉伯数字，两侧一字线，单页居右、双页居左",
      "页码格式统一，便于装订后翻阅。", "页码为“第 1 页 共 3 页”，居中", "页码写作“— 1 —”，4 号宋体，单页码居右空一字，双页码居左空一字",
      needs_geometry=True, family="songti", size=14.0, tolerance=0.3, ocr_tolerance=2.0)
def page_number(ctx):
    doc, p = ctx.document, ctx.params
    if not _measured(ctx):
        footers = doc.page_number_footers
        if not footers:
            yield Hit("公文应标注页码（4 号宋体“— 1 —”）", evidence="页脚中没有页码域", expected="— 1 —", aspect="content")
            return
        entries = [(f["kind"], f["text"].strip(), f["align"], f.get("family"), f.get("size_pt"), f.get("font")) for f in footers]
        if len(doc.pages) > 1 and not any(k == "even" for k, *_ in entries):
            yield Hit("单页码应居右、双页码应居左：请在页面设置中勾选“奇偶页不同”并分别设置页码位置",
                      evidence="奇偶页页码相同", expected="单页居右，双页居左", aspect="position")
        for kind, text, align, family, size, font in entries:
            yield from _page_number_hits(text, family, size, font, align, kind == "even", None, p)
        return
    letter = _letter_mark(ctx)
    for page in doc.pages:
        footer = [ln for ln in page.lines if ln.zone == "footer"]
        if not footer:
            if letter is not None and page.number == ctx.el.issuer_mark.page:
                continue  # 信函格式: 首页不显示页码 (GB/T 9704-2012 10.1)
            if len(doc.pages) > 1:
                yield Hit(f"第 {page.number} 页没有页码", page=page.number, evidence="未见页码", expected="— N —", aspect="content")
                return
            continue
        ln = footer[0]
        run = ln.runs[0]
        centre = (ln.x0 + ln.x1) / 2
        side = "right" if centre > page.width_mm / 2 + 20 else ("left" if centre < page.width_mm / 2 - 20 else "center")
        hits = list(_page_number_hits(ln.text.strip(), run.family, run.size_pt, run.font, side, page.number % 2 == 0, page.number, p,
                                      PAGE_NUMBER_FORMAT_OCR if doc.ocr else PAGE_NUMBER_FORMAT))
        if hits:
            for hit in hits:
                yield Hit(**{**hit.__dict__, "box": (ln.x0, ln.top, ln.x1, ln.bottom)})  # the page number as printed
            return


def _page_number_hits(text, family, size, font, align, even, page, p, form=PAGE_NUMBER_FORMAT):
    if not form.match(text):
        yield Hit(f"页码应写作“— 1 —”（阿拉伯数字两侧各一条一字线），实为“{text}”", page=page, evidence=text,
                  expected="— 1 —", aspect="content")
    if family and family != p["family"]:
        yield Hit(f"页码应使用宋体，实际为 {font or '未知字体'}", page=page, evidence=font,
                  expected="宋体", aspect="font")
    if size and abs(size - p["size"]) > p["tolerance"] and form is PAGE_NUMBER_FORMAT:  # digits alone mislead OCR size estimates
        yield Hit(f"页码应为 4 号字（14pt），实为 {size_name(size)}", page=page, evidence=size_name(size), expected="四号（14pt）",
                  aspect="size")
    want = "left" if even else "right"
    if align and align != want:
        where = "双页码居左" if even else "单页码居右"
        yield Hit(f"页码位置不对：{where}", page=page, evidence={"left": "居左", "right": "居右", "center": "居中"}.get(align, align),
                  expected="居左空一字" if even else "居右空一字", aspect="position")
