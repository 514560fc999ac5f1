"""来信 or 公文? (issue 22, point 1) — by channel and by content, on the text as read; no GB/T 9704 check is made.

    tell(text, letter_channel, mail_subject=None) -> Telling(kind, reasons, document_signs, letter_signs)

kind: LETTER — a citizen's letter (never checked against GB/T 9704, never returned); DOCUMENT — a 公文 (初审 as
always); UNSURE — the clerk decides (待复核 with the choice 是来信 / 是公文).

What a 公文 shows: hard signs, any one of which makes it a 公文 wherever it arrived (the citizens' mailbox too):
a 发文字号 (`〔2026〕12号`, `[1999]016号`), a 版头 `……文件`, a 令号 (`第82号`, `政府令第103号`). Title signs: a 公文
title (`关于……的通知/请示/报告/函…`) or a short line ending with a 文种. Weak signs: a 主送 line naming organs
(`各……：`, `……人民政府：`), an organ's signature line (`……人民政府`, `……局` …) with a 成文日期.
What a letter shows: a greeting to a person (`市长您好`, `尊敬的……：`), the first person (我 / 我们 / 本人 /
我家), a person's signature (`王先生`, `姓名：`), a telephone (`电话：138…`), a request (`希望` / `恳请` /
`反映`). A letter channel ([letters] folders / mailboxes) counts as a letter sign itself.

Decision (thresholds in SCORE): a hard sign → DOCUMENT. A title or weak sign → UNSURE where the letter signs reach
SCORE["letter"] points (a letter titled like a 公文, a 公文 written to a person), else DOCUMENT. No 公文 sign at all:
in a letter channel LETTER with SCORE["channel_sure"] points, else UNSURE (the clerk looks); elsewhere LETTER with
SCORE["letter"] points, UNSURE with SCORE["unsure"], else DOCUMENT. A 公文 is never taken for a letter on the
channel alone (measured on the real corpora, on both channels: bench/letters_bench.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LETTER, DOCUMENT, UNSURE = "letter", "document", "unsure"
KIND_ZH = {LETTER: "来信", DOCUMENT: "公文", UNSURE: "来信还是公文待文秘确定"}
SCORE = {"letter": 5, "unsure": 3, "channel_sure": 3}

DOC_NUMBER = re.compile(r"[〔\[［【(（]\s*(19|20)\d{2}\s*[〕\]］】)）]\s*(第\s*)?\d{1,5}\s*号")
ISSUER_MARK = re.compile(r"^\s*\S{2,40}文\s*件\s*$", re.M)
DOC_TITLE = re.compile(r"关于[^\n。！？]{2,80}的(通知|通报|请示|报告|批复|复函|函|意见|决定|纪要|公告|通告|议案|命令|决议|公报|规定|办法|方案)")
ORDER_NUMBER = re.compile(r"^\s*第\s*\d+\s*号\s*$", re.M)
ORDER = re.compile(r"(主席|政府|国务院|部|委员会|省长|市长)令\s*[（(]?\s*第\s*[\d一二三四五六七八九十百零〇]+\s*号")
DOC_TYPES = "决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|复函|纪要|备忘录|规定|办法|细则|条例|规则|方案|答复"
TITLE_LINE = re.compile(rf"^\s*\S[^。！？!?：:，,]{{2,60}}({DOC_TYPES})\s*[（(]?[^）)]{{0,20}}[）)]?\s*$")
ADDRESSEE = re.compile(r"^\s*(各[^\n：:]{1,40}|[^\n：:]{2,30}(人民政府|委员会|办公厅|办公室|厅|局|委|部|中心|学校|公司))[：:]", re.M)
ORGAN_SIGNATURE = re.compile(r"^\s*\S{2,30}(人民政府|委员会|办公厅|办公室|厅|局|委|部|中心|学校|公司|街道办事处)\s*"
                             r"((19|20)\d{2}|[一二〇○零]{4})\s*年", re.M)
ORGAN_LINE = re.compile(r"^\s*\S{2,30}(人民政府|委员会|办公厅|办公室|局|街道办事处)\s*$", re.M)
# the same signature run into the text (a page flattened onto one line): after a space or a sentence's end, and
# followed only by its date at the very end — never a 机关 named inside a citizen's sentence
ORGAN_SIGNATURE_RUN_IN = re.compile(r"(^|[\s。；;！!])\S{2,30}(人民政府|委员会|办公厅|办公室|局|街道办事处)\s*"
                                    r"(19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[\s|｜]*$")
DATE_LINE = re.compile(r"^\s*((19|20)\d{2}|[一二〇○零]{4})\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$", re.M)

GREETING = re.compile(r"^\s*(尊敬的[^\n：:，,]{1,20}[：:，,]|[^\n：:，,]{0,12}(市长|书记|县长|区长|领导|同志|工作人员|政府)?\s*(您好|你好)[：:，,！!。]?)", re.M)
FIRST_PERSON = re.compile(r"我们|我家|本人|我|俺")
PERSON_SIGNATURE = re.compile(r"(^|[\s，,：:])[\u4e00-\u9fff]{1,3}(先生|女士|老师|师傅|大爷|阿姨)(?![\u4e00-\u9fff]{2})|(姓名|联系人|来信人|反映人)[：:]\s*\S|(市民|居民|村民|业主|群众)[\u4e00-\u9fff]{0,3}\s*$", re.M)
PHONE = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(电话|手机|联系方式|联系电话)[：:]\s*[\d\-\s]{7,}")
REQUEST = re.compile(r"希望|恳请|请求|盼|反映|投诉|咨询|请问|建议|麻烦|谢谢")


@dataclass(frozen=True)
class Telling:
    kind: str  # LETTER, DOCUMENT or UNSURE
    reasons: list[str] = field(default_factory=list)  # Chinese: the signs that decided it
    document_signs: tuple[str, ...] = ()
    letter_signs: tuple[str, ...] = ()
    letter_points: int = 0

    @property
    def zh(self) -> str:
        return KIND_ZH[self.kind]

    def line(self) -> str:
        return f"{self.zh}：" + "；".join(self.reasons)


def _signs(text: str, mail_subject: str | None) -> tuple[list[str], list[str], list[str], list[tuple[str, int]]]:
    """(hard 公文 signs, title signs, weak 公文 signs, letter signs with their points)."""
    head = text[:3000]
    hard = []
    if DOC_NUMBER.search(head):
        hard.append("有发文字号")
    if ISSUER_MARK.search(head[:400]):
        hard.append("有版头（……文件）")
    if ORDER_NUMBER.search(head[:400]) or ORDER.search(head[:400]):
        hard.append("有令号")
    titled = []
    if DOC_TITLE.search(head[:600]) or (mail_subject and DOC_TITLE.search(mail_subject)):
        titled.append("标题为公文标题（关于……的＋文种）")
    elif any(TITLE_LINE.match(line) for line in head.splitlines()[:10]):
        titled.append("有以文种结尾的标题行")
    weak = []
    if ADDRESSEE.search(head[:800]) and not GREETING.search(head[:300]):
        weak.append("有主送机关")
    tail = text[-600:]
    if (ORGAN_SIGNATURE.search(tail) or (ORGAN_LINE.search(tail) and DATE_LINE.search(tail))
            or ORGAN_SIGNATURE_RUN_IN.search(tail)):
        weak.append("有机关署名和成文日期")
    letter: list[tuple[str, int]] = []
    if GREETING.search(head[:400]):
        letter.append(("称呼问候（您好／尊敬的……）", 2))
    persons = len(FIRST_PERSON.findall(head))
    if persons >= 3:
        letter.append((f"第一人称（{persons} 处）", 2))
    elif persons:
        letter.append(("第一人称", 1))
    if PERSON_SIGNATURE.search(text):
        letter.append(("个人署名", 2))
    if PHONE.search(text):
        letter.append(("留有个人电话", 1))
    if REQUEST.search(head):
        letter.append(("诉求用语", 1))
    return hard, titled, weak, letter


def tell(text: str, letter_channel: str | None = None, mail_subject: str | None = None) -> Telling:
    """来信, 公文 or unsure for one text (everything read, in reading order). letter_channel: the declared letter
    channel it came by (市长信箱, 12345 …), None for the office's ordinary channels."""
    hard, titled, weak, letter = _signs(text or "", mail_subject)
    points = sum(p for _, p in letter)
    letter_words = tuple(w for w, _ in letter)
    signs = tuple(hard + titled + weak)
    if letter_channel:
        letter_words = (f"来自{letter_channel}",) + letter_words
    if hard:  # a 发文字号, a 版头, a 令号: a 公文 wherever it arrived
        return Telling(DOCUMENT, hard + ([f"虽来自{letter_channel}，仍按公文办理"] if letter_channel else []),
                       signs, letter_words, points)
    if titled or weak:
        if points >= SCORE["letter"]:  # a letter titled like a 公文, or a 公文 written to a person: the clerk
            return Telling(UNSURE, list(letter_words) + titled + weak, signs, letter_words, points)
        return Telling(DOCUMENT, titled + weak + ([f"虽来自{letter_channel}，仍按公文办理"] if letter_channel else []),
                       signs, letter_words, points)
    if letter_channel:  # nothing of a 公文: a letter when it reads like one at all, else the clerk looks
        if points >= SCORE["channel_sure"]:
            return Telling(LETTER, list(letter_words), signs, letter_words, points)
        return Telling(UNSURE, list(letter_words) + ["来信特征不足"], signs, letter_words, points)
    if points >= SCORE["letter"]:
        return Telling(LETTER, list(letter_words), signs, letter_words, points)
    if points >= SCORE["unsure"]:
        return Telling(UNSURE, list(letter_words), signs, letter_words, points)
    return Telling(DOCUMENT, ["无来信特征"], signs, letter_words, points)
