"""Text rules (文字规则): GB/T 15834-2011 punctuation, GB/T 15835-2011 numbers, and citations."""
from __future__ import annotations

import re

from ..registry import Hit, rule

HAN = r"[\u4e00-\u9fff]"


def _checked_lines(el):
    """The lines a sender wrote as running text: title, addressee, body, annotation, attachment note."""
    indexes = list(el.title_lines)
    if el.addressee:
        indexes.append(el.addressee.line)
    indexes += el.body_lines + [f.line for f in el.attachment_note]
    if el.annotation:
        indexes.append(el.annotation.line)
    heading_lines = {h.line: h.label for h in el.headings}
    # lines of one paragraph are joined, so that a mark split by a line break is still seen
    paragraphs: list[tuple[int, str]] = []
    previous = None
    for i in sorted(set(indexes)):
        text = el.lines[i].text.strip()
        label = heading_lines.get(i)
        if label and text.startswith(label):
            text = text[len(label):]  # "1." is a legal heading label, not a stray full stop
        if paragraphs and previous == i - 1 and i not in el.paragraph_starts:
            first, joined = paragraphs[-1]
            paragraphs[-1] = (first, joined + text)
        else:
            paragraphs.append((i, text))
        previous = i
    yield from paragraphs


def _first_match(el, pattern: re.Pattern, skip=None):
    for i, text in _checked_lines(el):
        for m in pattern.finditer(text):
            if skip and skip(m, text):
                continue
            return i, m, text
    return None


def _context(text: str, m, width: int = 8) -> str:
    return text[max(0, m.start() - width): m.end() + width].strip()


def _pattern_hit(ctx, pattern: re.Pattern, message, expected, evidence_is_match=False, skip=None):
    """One finding at the first match of `pattern`; `message` and `expected` are built from the match."""
    hit = _first_match(ctx.el, pattern, skip)
    if hit:
        i, m, text = hit
        yield Hit(message(m), page=ctx.el.pages_of[i], evidence=m.group(0) if evidence_is_match else _context(text, m),
                  expected=expected(m, text))


HALF_PUNCT = re.compile(rf"(?<={HAN})[,;:?!]|[,;:?!](?={HAN})|(?<={HAN})\.(?![\d.])")
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}


@rule("text.punctuation-width", "GB/T 15834-2011", "warning", "中文中使用全角标点",
      "半角标点混在中文里，版面不齐，也不符合标点符号用法。", "“现将有关事项通知如下：”", "“现将有关事项通知如下：”")
def punctuation_width(ctx):
    yield from _pattern_hit(
        ctx, HALF_PUNCT, lambda m: f"中文文字中应使用全角标点“{FULL[m.group(0)]}”，不用半角“{m.group(0)}”",
        lambda m, text: _context(text, m).replace(m.group(0), FULL[m.group(0)]),
        skip=lambda m, t: m.group(0) == "." and m.start() + 1 < len(t) and t[m.start() + 1] == ".")


REPEATED = re.compile(r"([，。；：？！、])\1+|[，、；：][。，]|。[，；]")


@rule("text.repeated-punctuation", "GB/T 15834-2011", "warning", "标点不重复",
      "重复的标点是录入错误。", "“通知如下，，”", "“通知如下，”")
def repeated_punctuation(ctx):
    yield from _pattern_hit(ctx, REPEATED, lambda m: f"标点符号重复：“{m.group(0)}”", lambda m, text: m.group(0)[0])


ELLIPSIS = re.compile(r"\.{3,}|。{3}|…(?!…)|……等|(?<![…])…{3,}")
DASH_RANGE = re.compile(r"\d{1,4}\s*[年月日]\s*-\s*\d{1,4}\s*[年月日]|\d{4}\s*-\s*\d{4}\s*年|\d{1,2}月\d{1,2}日\s*-\s*\d")


@rule("text.ellipsis", "GB/T 15834-2011 4.11, 4.13", "warning", "省略号用“……”且后不加“等”；时间范围用“—”或“～”",
      "标点符号用法规范。", "“学校、医院...”“2025-2026年”", "“学校、医院……”“2025—2026年”")
def ellipsis(ctx):
    hits = list(_pattern_hit(
        ctx, ELLIPSIS,
        lambda m: "省略号“……”后不再加“等”字" if m.group(0).endswith("等") else f"省略号应写作“……”（两个三连点），不写作“{m.group(0)}”",
        lambda m, text: "……"))
    yield from hits or _pattern_hit(ctx, DASH_RANGE, lambda m: "表示时间范围应使用一字线“—”或浪纹线“～”，不用连接号“-”",
                                    lambda m, text: re.sub(r"\s*-\s*", "—", m.group(0)), evidence_is_match=True)


YEAR_ABBREV = re.compile(r"(?<![\d０-９年])[’'‘]?(\d{2})年(?=\d{1,2}月)")


@rule("text.year-abbrev", "GB/T 15835-2011", "warning", "年份写全，不简写",
      "简写年份容易产生歧义。", "“26年3月”", "“2026年3月”")
def year_abbrev(ctx):
    yield from _pattern_hit(ctx, YEAR_ABBREV, lambda m: f"年份应写全 4 位，不应简写为“{m.group(0)}”",
                            lambda m, text: f"20{m.group(1)}年")


FULLWIDTH = re.compile(r"[０-９]+")


@rule("text.fullwidth-digits", "GB/T 15835-2011", "warning", "不用全角数字",
      "全角数字与半角数字混排，宽窄不一，也影响检索。", "“共１２栋”", "“共12栋”")
def fullwidth_digits(ctx):
    yield from _pattern_hit(ctx, FULLWIDTH, lambda m: f"数字应使用半角阿拉伯数字，“{m.group(0)}”为全角",
                            lambda m, text: m.group(0).translate({0xFF10 + k: 0x30 + k for k in range(10)}))


PERCENT_RANGE = re.compile(r"(?<![\d.%])(\d+(?:\.\d+)?)\s*[～~—至\-]\s*(\d+(?:\.\d+)?)\s*[%％]")


@rule("text.number-range", "GB/T 15835-2011", "warning", "百分数范围前后都带百分号",
      "“10～20%”可误读为“10 到 20%”。", "“10～20%”", "“10%～20%”")
def number_range(ctx):
    yield from _pattern_hit(ctx, PERCENT_RANGE, lambda m: f"百分数范围应在前后两个数值后都加百分号，“{m.group(0)}”",
                            lambda m, text: f"{m.group(1)}%～{m.group(2)}%", evidence_is_match=True)


DATE_HAO = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})号")


@rule("text.date-hao", "公文惯用", "warning", "日期用“日”不用“号”",
      "“号”是口语，公文中日期一律用“日”。", "“4月1号”", "“4月1日”")
def date_hao(ctx):
    yield from _pattern_hit(ctx, DATE_HAO, lambda m: f"日期应写“日”不写“号”：“{m.group(0)}”",
                            lambda m, text: m.group(0)[:-1] + "日")


@rule("text.obsolete-basis", "条例 第四十二条", "warning", "不引用已废止的规定作依据",
      "《国家行政机关公文处理办法》等已于 2012 年 7 月 1 日停止执行，引用它作依据无效。",
      "“根据《国家行政机关公文处理办法》”", "“根据《党政机关公文处理工作条例》”")
def obsolete_basis(ctx):
    el = ctx.el
    for label, phrase, line in el.phrases:
        if label == "OBSOLETE_BASIS":
            yield Hit(f"引用的“{phrase}”已废止，应改为现行的《党政机关公文处理工作条例》或 GB/T 9704-2012",
                      page=el.pages_of[line], evidence=el.lines[line].text.strip()[:40], expected="《党政机关公文处理工作条例》")
            return
