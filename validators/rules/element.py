"""Element rules (要素规则): GB/T 9704-2012 chapter 7 and 条例 第九条, on text alone (every channel)."""
from __future__ import annotations

import re

from extractors.elements import (
    ATTACHMENT_ITEM,
    ATTACHMENT_NOTE,
    CC,
    DATE,
    DOC_NUMBER,
    DOC_TYPES,
    OLD_DOC_NUMBER,
    ORDER_NUMBER,
    PRINT_LINE,
    SIGNER,
    doc_type_of,
)
from extractors.secrecy import LEVELS, read_secrecy

from ..boxes import found_box, lines_box
from ..formats import requires
from ..registry import Hit, rule


@rule("element.copy-number", "GB/T 9704-2012 7.2.1", "warning", "份号为 6 位阿拉伯数字",
      "份号用于涉密公文的分发登记，位数统一便于核对。", "份号“12”", "份号写作“000012”")
def copy_number(ctx):
    found = ctx.el.copy_number
    if found and not re.fullmatch(r"\d{6}", found.text):
        yield Hit(f"份号应为 6 位阿拉伯数字（不足 6 位前面补 0），实为“{found.quote}”", page=found.page,
                  evidence=found.quote, expected=found.text.zfill(6)[-6:])


@rule("element.secrecy", "GB/T 9704-2012 7.2.2", "error", "密级为绝密、机密或秘密，保密期限写作“★N年”",
      "密级和保密期限决定公文的保管与传递方式，必须规范。", "“秘密★一年”或“内部”", "“秘密★1年”")
def secrecy(ctx):
    """The level and the 保密期限 as read by extractors.secrecy.read_secrecy (spacing and labels tolerated).

    On OCR'd pages a ★ read as * or ☆, or lost, is the scan's fault, not the sender's: only the level and
    the numerals of the period are judged there.
    """
    found = ctx.el.secrecy
    if not found:
        return
    reading = read_secrecy(found.text) or {"level": found.text, "star": None, "period": None}
    level = reading["level"]
    if level not in LEVELS:
        yield Hit(f"密级应为“绝密”“机密”或“秘密”，“{level}”不是法定密级", page=found.page, evidence=found.quote,
                  expected="绝密/机密/秘密")
        return
    star, period = reading["star"], reading["period"]
    if not star and not period:
        return
    star_ok = star == "★" or ctx.document.ocr
    period_ok = period is not None and re.fullmatch(r"\d+(?:年|个月)|长期", period)
    if not (star_ok and period_ok):
        rest = (star or "") + (period or "")
        yield Hit(f"保密期限应写作“★”加阿拉伯数字和“年”（如“★1年”），实为“{rest}”", page=found.page, evidence=found.quote,
                  expected=f"{level}★1年")


@rule("element.urgency", "GB/T 9704-2012 7.2.3", "warning", "紧急程度为“特急”或“加急”",
      "紧急程度只分两级，其他写法无法据以办理。", "“急件”", "“特急”或“加急”")
def urgency(ctx):
    found = ctx.el.urgency
    if found and found.text not in ("特急", "加急"):
        yield Hit(f"紧急程度应标注为“特急”或“加急”，实为“{found.quote}”", page=found.page, evidence=found.quote,
                  expected="特急/加急")


@rule("element.doc-number", "GB/T 9704-2012 7.2.5", "error", "发文字号 = 机关代字 + 〔年份〕 + 序号“号”",
      "发文字号是公文的唯一标识，格式统一才能登记、检索和引用。", "“筑府发[2026]第05号”", "“筑府发〔2026〕5号”")
def doc_number(ctx):
    el = ctx.el
    found = el.doc_number
    if not found:
        if el.issuer_mark and requires(el.format, "doc_number"):
            yield Hit("有发文机关标志的公文应标注发文字号", page=el.issuer_mark.page, evidence="未见发文字号",
                      expected="机关代字〔年份〕序号号")
        return
    order = ORDER_NUMBER.match(found.text)
    if order:  # 命令（令）格式 (GB/T 9704-2012 10.2): "第12号", no 虚位
        if order.group("num").startswith("0"):
            yield Hit(f"令的发文字号序号不编虚位（不加前导 0），实为“{found.quote}”", page=found.page, evidence=found.quote,
                      expected=f"第{int(order.group('num'))}号")
        return
    m = DOC_NUMBER.search(found.text)
    old = OLD_DOC_NUMBER.fullmatch(found.text.strip()) if not m else None
    if old:  # "（78）交公路字412号": the year before the 机关代字 (the form before GB/T 9704-1999)
        year = old.group("year")
        year = year if len(year) == 4 else ("19" if int(year) > 50 else "20") + year
        yield Hit(f"发文字号格式不规范：年份应在机关代字之后用六角括号“〔〕”括入并写全 4 位，实为“{found.quote}”",
                  page=found.page, evidence=found.quote, expected=f"{old.group('prefix')}〔{year}〕{int(old.group('num'))}号",
                  box=found_box(el, found))
        return
    if not m:
        return
    problems = []
    if m.group("lb") != "〔" or m.group("rb") != "〕":
        problems.append(f"年份应用六角括号“〔〕”括入，不能用“{m.group('lb')}{m.group('rb')}”")
    year = m.group("year")
    if not re.fullmatch(r"\d{4}", year):
        problems.append(f"年份应写全 4 位阿拉伯数字，实为“{year}”")
    if m.group("di") and el.format != "order":  # a 令号 is "第N号" (GB/T 9704-2012 10.2)
        problems.append("序号前不加“第”字")
    num = m.group("num")
    if num.startswith("0"):
        problems.append(f"序号不编虚位（不加前导 0），实为“{num}”")
    if problems:
        fixed = f"{m.group('prefix')}〔{year if len(year) == 4 else '20' + year[-2:]}〕{int(num)}号"
        yield Hit("发文字号格式不规范：" + "；".join(problems), page=found.page, evidence=found.quote, expected=fixed,
                  box=found_box(el, found))


@rule("element.signer", "GB/T 9704-2012 7.2.6；条例 第九条（六）", "error", "上行文标注“签发人：姓名”（全角冒号）",
      "上行文须由机关主要负责人签发，标注签发人以示负责。", "请示没有签发人，或写作“签发人:张三”（半角冒号）", "在发文字号右侧标注“签发人：张三”")
def signer(ctx):
    el = ctx.el
    if not el.upward:
        return
    if not el.signer:
        yield Hit(f"上行文（{el.doc_type or '请示、报告'}）应在发文字号右侧标注“签发人：姓名”",
                  page=el.doc_number.page if el.doc_number else 1, evidence="未见签发人", expected="签发人：姓名")
        return
    m = SIGNER.search(el.signer.text)
    if not m.group("colon") or m.group("colon") != "：":
        yield Hit("“签发人”后应用全角冒号“：”", page=el.signer.page, evidence=el.signer.quote, expected="签发人：姓名")
    if not (m.group("names") or "").strip():
        yield Hit("签发人后应写明签发人姓名", page=el.signer.page, evidence=el.signer.quote, expected="签发人：姓名")


@rule("element.title", "条例 第九条（七）", "error", "有标题，且标题以法定文种结尾",
      "标题应准确概括内容并标明文种，收文机关据此判断如何办理。", "“关于校舍维修资金的事”", "“贵阳市教育局关于拨付校舍维修资金的请示”")
def title(ctx):
    el = ctx.el
    if not el.title:
        if requires(el.format, "title"):  # a 命令 or a 纪要 may carry none (GB/T 9704-2012 10.2, 10.3)
            yield Hit("公文应有标题（发文机关名称 + 事由 + 文种）", evidence="未识别到标题", expected="××关于××的（文种）")
        return
    if re.search(r"[。.，,；;！!]$", el.title.text):
        yield Hit(f"标题末尾不加标点符号，实为“{el.title.quote}”", page=el.title.page, evidence=el.title.quote,
                  expected=el.title.text.rstrip("。.，,；;！!"), severity="warning")
    if doc_type_of(el.title.text) is None:
        yield Hit(f"标题应以文种结尾（如“通知”“请示”“报告”），“{el.title.quote}”未标明文种", page=el.title.page,
                  evidence=el.title.quote, expected="××关于××的" + "/".join(DOC_TYPES[7:11]), box=lines_box(el, el.title_lines))


ADDRESSEE_REQUIRED = ("请示", "报告", "批复", "函", "通知", "通报", "议案")


@rule("element.addressee", "GB/T 9704-2012 7.3.2", "warning", "需要主送的公文标注主送机关，最后一个机关名称后用全角冒号",
      "主送机关是负责受理和答复的机关。", "请示没有主送机关；或“市人民政府:”用半角冒号", "“贵阳市人民政府：”")
def addressee(ctx):
    el = ctx.el
    if not el.addressee:
        if el.doc_type in ADDRESSEE_REQUIRED:
            yield Hit(f"{el.doc_type}应标注主送机关（标题下空一行居左顶格，末尾用全角冒号）",
                      page=el.title.page if el.title else 1, evidence="未见主送机关", expected="××××：")
        return
    if el.addressee.text.endswith(":"):
        yield Hit("主送机关最后一个名称后应用全角冒号“：”", page=el.addressee.page, evidence=el.addressee.quote,
                  expected=el.addressee.text[:-1] + "：")


@rule("element.heading-sequence", "GB/T 9704-2012 7.3.3", "warning", "结构层次序数依次为“一、”“（一）”“1.”“（1）”，不跳号、不重号、不越级",
      "层次序数错乱，读者无法把握结构。", "“一、”之后直接出现“1.”，或“（一）”“（三）”跳号", "按“一、”“（一）”“1.”“（1）”逐级编号")
def heading_sequence(ctx):
    el = ctx.el
    expected_next = {1: 1}
    seen_levels: set[int] = set()
    for h in el.headings:
        if h.level > 1 and (h.level - 1) not in seen_levels:
            level_names = {2: "（一）", 3: "1.", 4: "(1)"}
            yield Hit(f"结构层次越级：“{h.label}”之前没有上一层序数", page=h.page, evidence=el.lines[h.line].text.strip()[:20],
                      expected=f"先用上一层序数，再用“{level_names[h.level]}”")
            return
        want = expected_next.get(h.level, 1)
        if h.number != want:
            kind = "重号" if h.number < want else "跳号"
            yield Hit(f"结构层次序数{kind}：此处应为第 {want} 项，实为“{h.label}”", page=h.page,
                      evidence=el.lines[h.line].text.strip()[:20], expected=_label(h.level, want))
            return
        if h.level in (2, 4) and ("(" in h.label or ")" in h.label):
            yield Hit(f"序数“{h.label}”应使用全角括号", page=h.page, evidence=h.label, expected=_label(h.level, h.number))
            return
        if h.level == 1 and not h.label.endswith("、"):
            yield Hit(f"第一层序数应写作“{_label(1, h.number)}”，实为“{h.label}”", page=h.page, evidence=h.label,
                      expected=_label(1, h.number))
            return
        seen_levels.add(h.level)
        expected_next[h.level] = h.number + 1
        for deeper in range(h.level + 1, 5):  # a new parent restarts the numbering below it
            expected_next[deeper] = 1
            seen_levels.discard(deeper)


def _label(level: int, n: int) -> str:
    zh = "零一二三四五六七八九十"
    cn = zh[n] if n <= 10 else ("十" + zh[n - 10] if n < 20 else f"{zh[n // 10]}十{zh[n % 10] if n % 10 else ''}")
    return {1: f"{cn}、", 2: f"（{cn}）", 3: f"{n}.", 4: f"（{n}）"}[level]


@rule("element.attachment-note", "GB/T 9704-2012 7.3.4, 7.3.7", "warning", "附件说明“附件：名称”；多个附件编序号；名称后不加标点；与附件一致",
      "附件说明与附件不符，收文机关无法核对附件是否齐全。", "“附件：1、排查表。”", "“附件：1．学校安全隐患排查表”")
def attachment_note(ctx):
    el = ctx.el
    if not el.attachment_note:
        if el.attachment_pages:
            label, _ = el.attachment_pages[0]
            yield Hit("公文附有附件，但正文之后没有附件说明", page=label.page, evidence=label.quote, expected="附件：附件名称")
        return
    first = el.attachment_note[0]
    m = ATTACHMENT_NOTE.match(first.text)
    if m.group("colon") != "：":
        yield Hit("“附件”后应用全角冒号“：”", page=first.page, evidence=first.quote, expected="附件：名称")
    names = el.attachments
    texts = [f.text for f in el.attachment_note]
    if len(names) > 1:
        rest = [m.group("rest")] + texts[1:]
        numbers = [ATTACHMENT_ITEM.match(t.strip()) for t in rest]
        numbered = [n for n in numbers if n and n.group("dot") in (".", "．")]
        if len(numbered) < len(names) or [int(n.group("n")) for n in numbered] != list(range(1, len(numbered) + 1)):
            yield Hit("有多个附件时，应用阿拉伯数字依次标注序号（如“1．”“2．”）", page=first.page, evidence=" ".join(texts)[:60],
                      expected="附件：1．名称 / 2．名称")
    for name in names:
        if re.search(r"[。，；、,.;：:！!？?]$", name):
            yield Hit(f"附件名称后不加标点符号：“{name}”", page=first.page, evidence=name, expected=name.rstrip("。，；、,.;：:！!？?"))
            break
    if el.attachment_pages:
        titles = [(t.text if t else "") for _, t in el.attachment_pages]
        clean = [re.sub(r"\s", "", n).rstrip("。，；、,.;") for n in names]
        if len(titles) != len(names):
            yield Hit(f"附件说明列出 {len(names)} 个附件，实际附有 {len(titles)} 个", page=first.page,
                      evidence=f"说明 {len(names)} 个，附件 {len(titles)} 个", expected="附件说明与附件一一对应")
        else:
            for n, t in zip(clean, titles):
                if re.sub(r"\s", "", t) != n:
                    yield Hit(f"附件说明中的名称“{n}”与附件标题“{t}”不一致", page=first.page, evidence=t, expected=n)
                    break


@rule("element.date", "GB/T 9704-2012 7.3.5.4", "error", "成文日期用阿拉伯数字将年、月、日标全，月日不编虚位",
      "成文日期是公文生效的时间，写法统一才能准确登记。", "“二〇二六年十一月二十日”或“2026年07月01日”", "“2026年7月1日”",
      allow_chinese_numerals=False)
def date(ctx):
    """GB/T 9704-2012 7.3.5.4: 成文日期 in Arabic numerals, the year in full, no 虚位 in month or day.

    With `allow_chinese_numerals` (the gb9704-1999 profile) a date in Chinese numerals is accepted as
    GB/T 9704-1999 7.3.5 wrote it: 成文时间 "用汉字将年、月、日标全；‘零’写为‘〇’" (二〇〇九年三月二日). So there
    〇 (U+3007, and its look-alike ○ U+25CB) is the zero; 零, a Latin "O" or a digit "0" is not.
    A 纪要 need not carry a date line (GB/T 9704-2012 10.3; see validators/formats.py).
    """
    el = ctx.el
    if not el.date:
        if requires(el.format, "date"):
            yield Hit("公文应标注成文日期（署名之下，用阿拉伯数字）", evidence="未见成文日期",
                      expected="在发文机关署名之下用阿拉伯数字标注成文日期，例如“2026年7月1日”")
        return
    text = re.sub(r"\s", "", el.date.text)
    quote = re.sub(r"\s", "", el.date.quote)
    if re.fullmatch(r"[1-9]\d{3}年[1-9]\d?月[1-9]\d?日", text):
        return
    chinese = re.fullmatch(r"(?P<y>[〇○零ＯOoΟ0◯一二三四五六七八九]{4})年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日", text)
    if ctx.params["allow_chinese_numerals"] and chinese:
        wrong_zero = sorted(set(chinese.group("y")) & set("零ＯOoΟ0◯"))
        if not wrong_zero:
            return
        yield Hit(f"按 GB/T 9704-1999 7.3.5，成文日期中的“零”应写为“〇”，不写作“{'”“'.join(wrong_zero)}”，实为“{quote}”",
                  page=el.date.page, evidence=quote, expected=re.sub("[零ＯOoΟ0◯]", "〇", text))
        return
    yield Hit(f"成文日期应用阿拉伯数字将年、月、日标全，月、日不编虚位，实为“{quote}”", page=el.date.page, evidence=quote,
              expected=_iso_to_zh(el.date_iso) or "2026年7月1日", box=found_box(el, el.date))


def _iso_to_zh(iso) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


@rule("element.annotation", "GB/T 9704-2012 7.3.6；本地规定", "error", "附注用圆括号括入；请示在附注中注明联系人和电话",
      "请示需要上级答复，收文机关要能联系到经办人。", "请示没有附注", "成文日期下一行：“（联系人：王明，电话：0851-85551234）”")
def annotation(ctx):
    el = ctx.el
    is_request = el.doc_type == "请示"
    severity = "error" if is_request else "warning"
    if el.annotation:
        text = el.annotation.text.strip()
        if not (text.startswith("（") and text.endswith("）")):
            yield Hit("附注应用全角圆括号括入", page=el.annotation.page, evidence=text, expected=f"（{text.strip('()（）')}）",
                      severity=severity)
    if is_request and (not el.contact_name or not el.contact_phone):
        missing = "、".join(x for x, ok in (("联系人", el.contact_name), ("联系电话", el.contact_phone)) if not ok)
        yield Hit(f"请示应在附注中注明{missing}", page=el.annotation.page if el.annotation else (el.date.page if el.date else None),
                  evidence=el.annotation.text if el.annotation else "未见附注", expected="（联系人：姓名，电话：号码）", severity="error")


@rule("element.cc", "GB/T 9704-2012 7.4.2", "warning", "抄送机关“抄送：”后列名称，末尾用句号",
      "抄送格式统一，便于核对分发范围。", "“抄送：市委办公厅，市政府办公厅”", "“抄送：市委办公厅，市政府办公厅。”")
def cc(ctx):
    found = ctx.el.cc
    if not found:
        return
    m = CC.match(found.text)
    if m.group("colon") != "：":
        yield Hit("“抄送”后应用全角冒号“：”", page=found.page, evidence=found.quote, expected="抄送：机关名称。")
    rest = m.group("rest").strip()
    if not rest:
        yield Hit("“抄送：”后应列出抄送机关名称", page=found.page, evidence=found.quote, expected="抄送：机关名称。")
    elif not rest.endswith("。"):
        yield Hit("抄送机关名称最后应标句号“。”", page=found.page, evidence=found.quote, expected=found.text.rstrip(".，,;；") + "。")


@rule("element.print-line", "GB/T 9704-2012 7.4.3", "warning", "印发机关和印发日期“2026年7月1日印发”，阿拉伯数字，不编虚位",
      "印发日期写法统一，便于登记。", "“二〇二六年七月一日印发”或“2026年07月01日印发”", "“贵阳市教育局办公室　　2026年7月1日印发”")
def print_line(ctx):
    found = ctx.el.print_line
    if not found:
        return
    m = PRINT_LINE.match(found.text)
    if not m:
        return
    date_text = re.sub(r"\s", "", m.group("date"))
    if not m.group("issuer").strip():
        yield Hit("印发日期前应写明印发机关", page=found.page, evidence=found.quote, expected="××办公室　　2026年7月1日印发")
    if not re.fullmatch(r"[1-9]\d{3}年[1-9]\d?月[1-9]\d?日", date_text):
        yield Hit(f"印发日期应用阿拉伯数字标全年、月、日，不编虚位，实为“{date_text}”", page=found.page, evidence=found.quote,
                  expected="2026年7月1日印发")


__all__ = ["DATE"]
