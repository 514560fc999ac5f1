"""What a 来信 says about its writer and its matter, read from its text (and a mail's header), and the same text
with the writer's personal information taken out (for the search index and anyone who may not see it).

    read_fields(text, mail_from=None, mail_from_name=None, mail_subject=None) -> LetterFields
    redact(text, fields) -> str       name, telephone, 身份证号, address, mail address replaced by ＊ (个人信息保护法)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .tell import GREETING

PHONE = re.compile(r"(?<![\d])(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8}|\d{7,8})(?![\d])")
NAMED = re.compile(r"(?:姓名|联系人|来信人|反映人|署名)[：:]\s*([\u4e00-\u9fff]{2,4})")
TITLED = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{1,2}(?:先生|女士|老师|师傅))")
RESIDENT = re.compile(r"^\s*((?:市民|居民|村民|业主|群众)?[\u4e00-\u9fff]{2,4})\s*(?:电话|手机|联系电话|$)", re.M)
ADDRESS = re.compile(r"(?:住址|地址|家庭住址|联系地址)[：:]\s*([^\n，,；;]{2,60})")
# 居民身份证号码 (GB 11643-1999: 18 characters, the last a digit or X; the old 15-digit number): sensitive personal
# information (个人信息保护法 第二十八条)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# a home address in running text: 住在云岩区中华北路88号3单元502室 / 家住…… — only when it names a place
LIVES = re.compile(r"(?:家住在|家住|居住在|住在|住址是|地址是)\s*([^\n，,。；;！!？?]{2,60})")
PLACE = re.compile(r"[路街道巷弄号村组栋幢楼单元室苑园区县镇乡]")
MAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
SUBJECT_LINE = re.compile(r"^\s*(?:标题|主题|事由)[：:]\s*(.{2,60})$", re.M)
LABEL = re.compile(r"^(电话|手机|联系电话|姓名|联系人|地址|住址)")
# a letter's closing formula on a line of its own (此致 / 敬礼 / 顺祝…): two to four characters alone near the end, as a
# name is, but never the writer
CLOSING = re.compile(r"^\s*(此致|敬礼|致礼|致敬|此致敬礼|顺祝|祝好|谢谢|感谢|多谢|盼复|盼回复|期盼回复|静候回复)[！!。.]?\s*$")


@dataclass(frozen=True)
class LetterFields:
    writer: Optional[str]  # 来信人: a name or 王先生
    contact: Optional[str]  # telephone(s) and / or the mail address
    address: Optional[str]
    subject: Optional[str]  # 来信事由: a mail's subject, a 标题 line, else the first sentence after the greeting


def _subject(text: str, mail_subject: Optional[str]) -> Optional[str]:
    if mail_subject and mail_subject.strip():
        return mail_subject.strip()[:60]
    m = SUBJECT_LINE.search(text)
    if m:
        return m[1].strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and len(lines[0]) <= 40 and not GREETING.match(lines[0]) and not lines[0].endswith(("。", "！", "？")):
        return lines[0]
    body = text.strip()
    for _ in range(3):  # 尊敬的市领导： / 您好！ — each greeting on its own or run together
        body = GREETING.sub("", body, count=1).strip()
        body = re.sub(r"^(您好|你好)[：:，,！!。]?", "", body).strip()
    sentence = re.split(r"[。！？!?\n]", body, maxsplit=1)[0].strip("，, 　")
    return sentence[:40] or None


def read_fields(text: str, mail_from: Optional[str] = None, mail_from_name: Optional[str] = None,
                mail_subject: Optional[str] = None) -> LetterFields:
    """The writer, contact, address and subject of a letter (None where the letter does not say)."""
    text = text or ""
    tail = text[-400:]
    writer = None
    for pattern in (NAMED, TITLED):
        m = pattern.search(tail) or pattern.search(text)
        if m:
            writer = m[1]
            break
    if writer is None:
        for line in reversed(tail.splitlines()):
            m = RESIDENT.match(line)
            if m and not LABEL.match(m[1]) and not GREETING.match(line) and not CLOSING.match(line):
                writer = m[1]
                break
    if writer is None and mail_from_name:
        writer = mail_from_name.strip() or None
    phones = []
    for m in PHONE.finditer(text):
        if m[1] not in phones and not re.search(r"(19|20)\d{2}年?$", text[max(0, m.start() - 4):m.start()]):
            phones.append(m[1])
    contact = "、".join(phones + ([mail_from] if mail_from else [])) or None
    m = ADDRESS.search(text)
    address = m[1].strip() if m else next((x[1].strip() for x in LIVES.finditer(text) if PLACE.search(x[1])), None)
    return LetterFields(writer, contact, address, _subject(text, mail_subject))


def redact(text: str, fields: LetterFields) -> str:
    """`text` without the writer's personal information: 身份证号, telephones, mail addresses, the address (a
    住址： line or 住在…… in running text), the name
    (王先生 → 王＊＊; a full name → ＊＊＊) — what the search index and its snippets hold."""
    out = ID_NUMBER.sub(lambda m: "＊" * len(m[1]), text)
    out = PHONE.sub(lambda m: "＊" * len(m[1]), out)
    out = MAIL.sub("＊＊＊@＊＊＊", out)
    if fields.address:
        out = out.replace(fields.address, "＊＊＊")
    out = ADDRESS.sub(lambda m: m[0].replace(m[1], "＊＊＊"), out)
    out = LIVES.sub(lambda m: m[0].replace(m[1], "＊＊＊") if PLACE.search(m[1]) else m[0], out)
    if fields.writer:
        if fields.writer.endswith(("先生", "女士", "老师", "师傅")):
            out = out.replace(fields.writer, "＊" + fields.writer[-2:])
        else:
            out = out.replace(fields.writer, "＊" * len(fields.writer))
    out = NAMED.sub(lambda m: m[0].replace(m[1], "＊" * len(m[1])), out)
    return out
