"""Text rules (文字规则): GB/T 15834-2011 punctuation, GB/T 15835-2011 numbers, and citations."""
from __future__ import annotations

import re

from ..registry import Hit, rule

HAN = r"[\u4e00-\u9fff]"


def _checked_lines(el, extra=()):
    """The lines a sender wrote as running text: title, addressee, body, annotation, attachment note.

    Yields (first line index, normalised text, text as written) per paragraph; the two texts have the same
    length (extractors/normalise.py maps one code point for one), so a match in one is quoted from the other.
    """
    indexes = list(el.title_lines) + [i for i in extra if i is not None]
    if el.addressee:
        indexes.append(el.addressee.line)
    indexes += el.body_lines + [f.line for f in el.attachment_note]
    if el.annotation:
        indexes.append(el.annotation.line)
    heading_lines = {h.line: h.label for h in el.headings}
    # lines of one paragraph are joined, so that a mark split by a line break is still seen
    paragraphs: list[tuple[int, str, str]] = []
    previous = None
    for i in sorted(set(indexes)):
        raw = el.lines[i].text
        norm = el.norm[i] if len(getattr(el, "norm", [])) > i and len(el.norm[i]) == len(raw) else raw
        text, original = norm.strip(), raw.strip()
        label = heading_lines.get(i)
        if label and text.startswith(label):
            text, original = text[len(label):], original[len(label):]  # "1." is a legal heading label, not a stray full stop
        if paragraphs and previous == i - 1 and i not in el.paragraph_starts:
            first, joined, joined_original = paragraphs[-1]
            paragraphs[-1] = (first, joined + text, joined_original + original)
        else:
            paragraphs.append((i, text, original))
        previous = i
    yield from paragraphs


def _first_match(el, pattern: re.Pattern, skip=None, on_original=False, extra=()):
    """The first match of `pattern` in the checked paragraphs: (line, match, text matched, text as written)."""
    for i, text, original in _checked_lines(el, extra):
        subject = original if on_original else text
        for m in pattern.finditer(subject):
            if skip and skip(m, subject):
                continue
            return i, m, subject, original
    return None


def _context(text: str, m, width: int = 8) -> str:
    return text[max(0, m.start() - width): m.end() + width].strip()


def _pattern_hit(ctx, pattern: re.Pattern, message, expected, evidence_is_match=False, skip=None, on_original=False,
                 extra=()):
    """One finding at the first match of `pattern` (on the normalised text unless `on_original`); `message` and
    `expected` are built from the match, the evidence quotes the document as written."""
    hit = _first_match(ctx.el, pattern, skip, on_original, extra)
    if hit:
        i, m, text, original = hit
        evidence = original[m.start():m.end()] if evidence_is_match else _context(original, m)
        yield Hit(message(m), page=ctx.el.pages_of[i], evidence=evidence, expected=expected(m, text))


HALF_PUNCT = re.compile(rf"(?<={HAN})[,;:?!]|[,;:?!](?={HAN})|(?<={HAN})\.(?![\d.])")
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}


@rule("text.punctuation-width", "GB/T 15834-2011", "warning", "中文中使用全角标点",
      "半角标点混在中文里，版面不齐，也不符合标点符号用法。", "“现将有关事项通知如下:”（半角冒号）", "“现将有关事项通知如下：”")
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


YEAR_ABBREV = re.compile(r"(?<![\d年第★☆*＊.．])[’'‘]?(\d{2})年")
# what follows a year that is a point in time: a month, 底/初/末, 度, a half or a quarter, a season
_CALENDAR_AFTER = re.compile(r"^(?:\d{1,2}月|[一二三四五六七八九十]{1,2}月|底|初|末|年底|年初|度|上半年|下半年|第?[一二三四1-4]季度|[春夏秋冬]季?)")
# what follows a number of years, a duration: 25年来, 25年间, 25年以上, 25年前 …
_DURATION_AFTER = re.compile(r"^(?:来|间|里|内|以上|以下|以内|左右|多|余|之久|之内|前|后|的时间|时间|期间|工龄|党龄|教龄|周年|一贯|制)")
# what precedes a duration: 近25年, 满25年, 历时25年 …
_DURATION_BEFORE = re.compile(r"(?:近|满|逾|超过|超|达|长达|历时|连续|已有|有|用|经过|这|那|过去|未来|每|几|多|工作|服务|任职|坚持|持续|共|约|大约|将近|不到|不足)$")
# what precedes a point in time: 截至25年底, 到26年, 于25年 …
_POINT_BEFORE = re.compile(r"(?:截至|截止到|截止|直到|到|至|于|在|从|自|是|定于|预计|计划|力争|确保|争取)$")


def _not_abbreviated_year(m: re.Match, text: str) -> bool:
    """GB/T 15835-2011: a year is written in full ("2026年", not "26年"); a number of years is not a year.

    "截至25年底" "26年拟新建" "于26年1月" are years; "近25年来" "25年间" "工作满25年" are durations.
    """
    before, after = text[:m.start()], text[m.end():]
    if _DURATION_AFTER.match(after):
        return True
    if _CALENDAR_AFTER.match(after):
        return False
    if _DURATION_BEFORE.search(before):
        return True
    if _POINT_BEFORE.search(before):
        return False
    # at the head of a clause, followed by what the year does: "26年拟…", "25年我市…"
    clause_start = not before or before[-1] in "，。；：、（(“\"　 "
    return not (clause_start and after[:1] and "\u4e00" <= after[0] <= "\u9fff" and after[0] not in "的")


@rule("text.year-abbrev", "GB/T 15835-2011", "warning", "年份写全，不简写",
      "简写年份容易产生歧义。", "“26年3月”“截至25年底”“26年拟新建”", "“2026年3月”“截至2025年底”“2026年拟新建”")
def year_abbrev(ctx):
    yield from _pattern_hit(ctx, YEAR_ABBREV, lambda m: f"年份应写全 4 位，不应简写为“{m.group(0)}”",
                            lambda m, text: f"20{m.group(1)}年", skip=_not_abbreviated_year)


FULLWIDTH = re.compile(r"[０-９]+")


@rule("text.fullwidth-digits", "GB/T 15835-2011", "warning", "不用全角数字",
      "全角数字与半角数字混排，宽窄不一，也影响检索。", "“共１２栋”", "“共12栋”")
def fullwidth_digits(ctx):
    """Seen on the text as written, in the running text and in the 发文字号, 成文日期, 份号 and 印发 lines too."""
    el = ctx.el
    extra = [f.line if f else None for f in (el.doc_number, el.date, el.copy_number, el.print_line, el.signer)]
    yield from _pattern_hit(ctx, FULLWIDTH, lambda m: f"数字应使用半角阿拉伯数字，“{m.group(0)}”为全角",
                            lambda m, text: m.group(0).translate({0xFF10 + k: 0x30 + k for k in range(10)}),
                            on_original=True, extra=extra)


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
