"""One message (.eml bytes) → plain data: headers, body text, attachments, the main document (邮件拆解).

Parsing is the standard library's (`email`, BytesParser, policy `default`); this module walks the MIME
tree under the bounds of extractors/limits.py and decides what is body, what is an attachment and which
attachment is the 公文. Formats come from the bytes (extractors/detect.py), never from the name or the
claimed Content-Type.
"""
from __future__ import annotations

import email.message
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from typing import Optional

from .. import formats
from ..detect import FORMAT_NAMES_ZH, detect_format
from ..errors import UnusableInput
from ..limits import (
    MAX_MAIL_ATTACHMENTS,
    MAX_MAIL_BYTES,
    MAX_MAIL_DECODED_BYTES,
    MAX_MAIL_FORWARD_DEPTH,
    MAX_MAIL_HEADER_CHARS,
    MAX_MAIL_MIME_DEPTH,
    MAX_MAIL_PARTS,
)
from . import decode

E_DOCUMENTS = formats.names(kind=formats.EDOC)  # the format registry (extractors/formats.py): ofd, pdf, docx, wps, doc
IMAGES = formats.names(kind=formats.IMAGE)
DOCUMENT_FORMATS = formats.names(is_document=True)
MIN_TEXT_DOCUMENT_CJK = 20  # a text attachment counts as a document only with this many Chinese characters
BODY_NAME = "邮件正文.txt"
MAX_BODY_BYTES = 10 * 1024 * 1024  # one text/plain or text/html body part read as text

# 附件 named as such: 附件1.docx, 附件二 xx.pdf, 附表.xls, 附录…, or "…通知-附件2.pdf".
ANNEX_NAME = re.compile(r"^\s*(?:附件|附表|附录|附图|附\s*[:：\d０-９一二三四五六七八九十])|附件\s*[\d０-９一二三四五六七八九十]+")
# a broken attachment meant as a document: named or typed as an e-document or an image (text is not: any part is)
DOCUMENT_NAME = re.compile("(?i)(?:" + "|".join(re.escape(e) for e in formats.extensions(kind=formats.EDOC)
                                                + formats.extensions(kind=formats.IMAGE)) + ")$")
DOCUMENT_TYPES = formats.mimes(kind=formats.EDOC) + formats.mimes(kind=formats.IMAGE)
SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature")
SEALED_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-encrypted")
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # Outlook's winmail.dat
_CONTAINER_LINE = re.compile(rb"(?im)^content-type:[ \t]*(?:\r?\n[ \t]+)?(?:multipart|message)/")
_BASE64_BROKEN = ("InvalidBase64LengthDefect", "InvalidBase64PaddingDefect")


class _BoundedPolicy(email.policy.EmailPolicy):
    """policy `default`, with each header value cut at MAX_MAIL_HEADER_CHARS (header bombs)."""

    def header_source_parse(self, sourcelines):
        name, value = super().header_source_parse(sourcelines)
        return name, value[:MAX_MAIL_HEADER_CHARS]


POLICY = _BoundedPolicy()


@dataclass(frozen=True)
class Address:
    """One mailbox: display name ('' when absent) and address ('' when unreadable)."""

    name: str
    address: str

    def __str__(self) -> str:
        if self.name and self.address:
            return f"{self.name} <{self.address}>"
        return self.name or self.address

    def to_dict(self) -> dict:
        return {"name": self.name or None, "address": self.address or None}


@dataclass
class Attachment:
    """One attached file as sent: its bytes, and what they are (detected from the bytes).

    `format`: docx, pdf, ofd, doc, wps, tiff, png, jpeg, txt, or None when not recognised.
    `problem`: the Chinese reason the file cannot be used (truncated, unrecognised, over a bound), or None.
    `depth`: 0 for the message itself, 1 inside a forwarded message, and so on.
    """

    name: str
    format: Optional[str]
    data: bytes
    content_type: str  # as the sender claimed it; for information only
    problem: Optional[str] = None
    depth: int = 0
    from_body: bool = False  # True: the message's body text, standing in for a missing document

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_document(self) -> bool:
        """A file that can be the 公文: a document or image format, or a text with Chinese content."""
        if self.format not in DOCUMENT_FORMATS:
            return False
        if self.format == "txt":
            head = decode.decode_bytes(self.data[:65536])
            return decode.cjk_count(head) >= MIN_TEXT_DOCUMENT_CJK and not head.lstrip().upper().startswith("BEGIN:V")
        return True

    @property
    def looks_like_annex(self) -> bool:
        """Named as an 附件 of the 公文 (附件1…, 附表, 附录…)."""
        return bool(ANNEX_NAME.search(self.name))

    @property
    def meant_as_document(self) -> bool:
        """Unreadable (truncated, corrupt), but named or typed as a document: the sender meant a 公文 here."""
        if self.format is not None or not self.problem:
            return False
        return bool(DOCUMENT_NAME.search(self.name)) or self.content_type in DOCUMENT_TYPES

    def describe(self) -> str:
        """Chinese: name, format and size, or why it cannot be used."""
        if self.problem:
            return f"{self.name}（无法使用：{self.problem}）"
        what = FORMAT_NAMES_ZH.get(self.format or "", "未知格式")
        return f"{self.name}（{what}，{_size_zh(self.size)}）"

    def to_dict(self) -> dict:
        return {"name": self.name, "format": self.format, "size": self.size, "sha256": self.sha256,
                "content_type": self.content_type, "depth": self.depth, "problem": self.problem}


@dataclass
class MailMessage:
    """A message read into plain data (no email.message objects kept, so it pickles to a worker).

    `attachments` lists every attachment in message order, those of forwarded messages included;
    `main` is the 公文 (always set after `unpack`: an attachment, or the body text as `邮件正文.txt`);
    `annexes` are the other attachments (its 附件, kept and listed). `date` is aware (the Date header,
    else the newest Received stamp: `date_source` says which). `notes` are Chinese remarks for the report.
    """

    sender: Optional[Address]
    to: list[Address]
    cc: list[Address]
    subject: str
    date: Optional[datetime]
    date_source: str
    message_id: Optional[str]
    body_text: str
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list["MailMessage"] = field(default_factory=list)
    main: Optional[Attachment] = None
    notes: list[str] = field(default_factory=list)

    @property
    def annexes(self) -> list[Attachment]:
        return [a for a in self.attachments if a is not self.main]

    def summary(self) -> dict:
        """JSON-ready (no bytes): for the report's `mail` member and the ledger."""
        return {
            "from": self.sender.to_dict() if self.sender else None,
            "to": [a.to_dict() for a in self.to],
            "cc": [a.to_dict() for a in self.cc],
            "subject": self.subject,
            "date": self.date.isoformat() if self.date else None,
            "date_source": self.date_source or None,
            "message_id": self.message_id,
            "main": ({"name": self.main.name, "format": self.main.format, "size": self.main.size,
                      "from_body": self.main.from_body} if self.main else None),
            "attachments": [a.to_dict() for a in self.attachments],
            "forwarded": [{"from": f.sender.to_dict() if f.sender else None, "subject": f.subject,
                           "date": f.date.isoformat() if f.date else None} for f in self.forwarded],
        }

    def ledger_fields(self) -> dict:
        """What the 登记簿 records of the message (str or None each; `mail_attachments` is JSON text):
        mail_from, mail_from_name, mail_date (ISO 8601 with offset), mail_message_id, mail_subject."""
        import json

        return {
            "mail_from": self.sender.address or None if self.sender else None,
            "mail_from_name": self.sender.name or None if self.sender else None,
            "mail_date": self.date.isoformat() if self.date else None,
            "mail_message_id": self.message_id,
            "mail_subject": self.subject or None,
            "mail_attachments": json.dumps(self.summary()["attachments"], ensure_ascii=False),
        }

    def notes_zh(self) -> list[str]:
        """What the report says about where the document came from (Chinese)."""
        when = self.date.strftime("%Y-%m-%d %H:%M（UTC%z）").replace("UTC+0000", "UTC") if self.date else "不详"
        when = re.sub(r"UTC([+-]\d\d)(\d\d)", r"UTC\1:\2", when)
        lines = [f"本件经邮件报送：发件人 {self.sender or '不详'}，发送时间 {when}，主题“{self.subject or '（无主题）'}”"]
        if self.main and self.main.from_body:
            lines.append("邮件没有公文附件，以邮件正文作为公文初审")
        elif self.main:
            where = "转发邮件中的附件" if self.main.depth else "邮件附件"
            lines.append(f"初审对象为{where}“{self.main.name}”（{FORMAT_NAMES_ZH.get(self.main.format, self.main.format)}）")
        if self.annexes:
            lines.append(f"其余附件 {len(self.annexes)} 个：" + "；".join(a.describe() for a in self.annexes))
        return lines + self.notes


def _size_zh(size: int) -> str:
    return f"{size} 字节" if size < 1024 else (f"{size / 1024:.0f} KB" if size < 1048576 else f"{size / 1048576:.1f} MB")


class _Walk:
    """One traversal: the counters every bound is checked against, shared by forwarded messages."""

    def __init__(self):
        self.parts = 0
        self.decoded = 0
        self.attachments: list[Attachment] = []
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def message(self, msg: email.message.Message, depth: int, mime_depth: int) -> MailMessage:
        senders = decode.addresses(msg, "from") or decode.addresses(msg, "sender") or decode.addresses(msg, "return-path")
        date, date_source = decode.message_date(msg)
        message_id = decode.header_text(decode.raw_header(msg, "message-id"), 300) or None
        mail = MailMessage(
            sender=Address(*senders[0]) if senders else None,
            to=[Address(*a) for a in decode.addresses(msg, "to")],
            cc=[Address(*a) for a in decode.addresses(msg, "cc")],
            subject=decode.header_text(decode.raw_header(msg, "subject")),
            date=date, date_source=date_source, message_id=message_id, body_text="")
        first = len(self.attachments)
        bodies: list[str] = []
        self.part(msg, mail, bodies, depth, mime_depth, related_root=True)
        mail.body_text = decode.tidy_text("\n".join(b for b in bodies if b.strip()))
        mail.attachments = self.attachments[first:]
        return mail

    def part(self, part, mail: MailMessage, bodies: list[str], depth: int, mime_depth: int, related_root: bool) -> None:
        self.parts += 1
        if self.parts > MAX_MAIL_PARTS:
            raise UnusableInput(f"邮件的 MIME 分段超过 {MAX_MAIL_PARTS} 个，疑似恶意构造，未拆解；请来文单位重新发送", "hostile")
        if mime_depth > MAX_MAIL_MIME_DEPTH:
            self.note(f"邮件结构嵌套超过 {MAX_MAIL_MIME_DEPTH} 层，更深的内容未读取")
            return
        ctype = part.get_content_type()
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart" and part.is_multipart():
            self.multipart(part, ctype, mail, bodies, depth, mime_depth)
        elif ctype in ("message/rfc822", "message/global") and part.is_multipart():
            self.forwarded(part, mail, depth, mime_depth)
        elif maintype in ("multipart", "message") and part.is_multipart():
            return  # delivery reports, partial messages: nothing of the 公文's
        else:
            self.leaf(part, ctype, mail, bodies, depth, mime_depth, related_root)

    def multipart(self, part, ctype, mail, bodies, depth, mime_depth) -> None:
        children = [c for c in part.get_payload() if isinstance(c, email.message.Message)]
        if ctype == "multipart/alternative":
            # one body written several ways: text/plain preferred, else the last (richest, RFC 2046 5.1.4).
            # The others are still walked for files (Apple Mail puts attachments in the HTML alternative).
            plain = next((c for c in children if _is_body_leaf(c) and c.get_content_type() == "text/plain"
                          and _text_of(c).strip()), None)
            chosen = plain if plain is not None else (children[-1] if children else None)
            for child in children:
                self.part(child, mail, bodies if child is chosen else [], depth, mime_depth + 1, related_root=True)
            return
        before = len(self.attachments)
        related = ctype == "multipart/related"
        for i, child in enumerate(children):
            self.part(child, mail, bodies, depth, mime_depth + 1, related_root=not related or i == 0)
        if any(type(d).__name__ == "CloseBoundaryNotFoundDefect" for d in part.defects):
            # the message stops before its closing boundary: cut off in transfer, the last file with it
            last = self.attachments[-1] if len(self.attachments) > before else None
            if last is not None and last.problem:
                if "截断" not in last.problem:
                    last.problem += "（邮件在此处中断，附件在传输中被截断）"
            elif last is not None:
                self.note(f"邮件结尾不完整（缺少 MIME 结束分隔线），最后一个附件“{last.name}”可能被截断")

    def forwarded(self, part, mail: MailMessage, depth: int, mime_depth: int) -> None:
        if depth + 1 > MAX_MAIL_FORWARD_DEPTH:
            self.note(f"转发的邮件嵌套超过 {MAX_MAIL_FORWARD_DEPTH} 层，更深的内容未读取")
            return
        inner = part.get_payload(0)
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        if cte in ("base64", "quoted-printable") and isinstance(inner.get_payload(), str):
            # against RFC 2046, but sent: the forwarded message is itself encoded, so the parser saw no headers
            holder = email.message.Message()
            holder["Content-Transfer-Encoding"] = cte
            holder.set_payload(inner.get_payload())
            self.nested_bytes(holder.get_payload(decode=True) or b"", mail, depth, mime_depth)
            return
        mail.forwarded.append(self.message(inner, depth + 1, mime_depth + 1))

    def nested_bytes(self, data: bytes, mail: MailMessage, depth: int, mime_depth: int) -> None:
        if depth + 1 > MAX_MAIL_FORWARD_DEPTH:
            self.note(f"转发的邮件嵌套超过 {MAX_MAIL_FORWARD_DEPTH} 层，更深的内容未读取")
            return
        mail.forwarded.append(self.message(_parse(data), depth + 1, mime_depth + 1))

    def leaf(self, part, ctype, mail, bodies, depth, mime_depth, related_root) -> None:
        disposition = part.get_content_disposition()
        name = decode.file_name(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            text = _text_of(part)
            if len(part.get_payload() or "") > MAX_BODY_BYTES:
                self.note(f"邮件正文超过 {MAX_BODY_BYTES // 1048576} MB，只读取了前 {MAX_BODY_BYTES // 1048576} MB")
            bodies.append(decode.html_to_text(text) if ctype == "text/html" else text)
            return
        if not related_root and disposition != "attachment":
            return  # an image the HTML body shows (signature logo …): part of the body, not a file sent
        if ctype in SIGNATURE_TYPES:
            self.note("邮件带有数字签名（S/MIME 或 PGP），本系统未验证该签名")
            return
        if len(self.attachments) >= MAX_MAIL_ATTACHMENTS:
            raise UnusableInput(f"邮件附件超过 {MAX_MAIL_ATTACHMENTS} 个，疑似恶意构造，未拆解；"
                                "请来文单位将公文和附件分封发送", "hostile")
        data = part.get_payload(decode=True) or b""
        problem, fmt = None, None
        if any(type(d).__name__ in _BASE64_BROKEN for d in part.defects):
            problem = "base64 编码不完整，附件在传输中被截断或损坏"
        elif self.decoded + len(data) > MAX_MAIL_DECODED_BYTES:
            problem = f"邮件附件解码后合计超过 {MAX_MAIL_DECODED_BYTES // 1048576} MB 上限，未读取"
            data = b""
        self.decoded += len(data)
        if problem is None:
            if ctype in SEALED_TYPES:
                problem = "S/MIME 加密或封装的邮件内容，无法读取；请来文单位以普通（不加密）邮件重新发送"
            elif data.startswith(TNEF_MAGIC):
                problem = "Outlook 专用格式（winmail.dat / TNEF），附件无法读取；请来文单位改用 HTML 或纯文本格式重新发送"
            else:
                try:
                    fmt = detect_format(data)
                except UnusableInput as exc:
                    problem = exc.reason
        if fmt == "eml":  # a message attached as a file: a forwarded message
            self.nested_bytes(data, mail, depth, mime_depth)
            return
        name = name or f"未命名附件{len(self.attachments) + 1}{_extension(fmt)}"
        self.attachments.append(Attachment(name=name, format=fmt, data=data, content_type=ctype, problem=problem,
                                           depth=depth))


def _extension(fmt: Optional[str]) -> str:
    return {"jpeg": ".jpg", "tiff": ".tif", None: ""}.get(fmt, f".{fmt}")


def _is_body_leaf(part) -> bool:
    return part.get_content_type() in ("text/plain", "text/html") and not part.is_multipart()


def _text_of(part) -> str:
    """A text part's content, decoded; at most MAX_BODY_BYTES of it (a 公文's text is far smaller)."""
    data = part.get_payload(decode=True) or b""
    return decode.decode_bytes(data[:MAX_BODY_BYTES], part.get_content_charset())


def _parse(data: bytes) -> email.message.Message:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if len(_CONTAINER_LINE.findall(data)) > MAX_MAIL_PARTS:  # before parsing: the parser's cost grows with nesting
        raise UnusableInput(f"邮件中嵌套的分段或转发邮件超过 {MAX_MAIL_PARTS} 个，疑似恶意构造（邮件炸弹），未拆解", "hostile")
    try:
        return BytesParser(policy=POLICY).parsebytes(data)
    except RecursionError as exc:
        raise UnusableInput("邮件嵌套层数过多，疑似恶意构造（邮件炸弹），未拆解", "hostile") from exc


def choose_main(attachments: list[Attachment]) -> Optional[Attachment]:
    """The 公文 among a message's attachments (主件), by this rule, in order:

    1. only documents count: detected (from the bytes) as OFD, PDF, docx, wps, doc, an image, or a
       text with at least MIN_TEXT_DOCUMENT_CJK Chinese characters;
    2. of those not named as an 附件 (附件1…, 附件二, 附表, 附录, 附图, “…-附件2”), the first
       e-document (OFD, PDF, docx, wps, doc) in message order, else the first unreadable one (below),
       else the first image, else the first text;
    3. when every document is named as an 附件, the first document in message order;
    4. no document at all: None (the caller takes the body text as the 公文).
    A file that cannot be read but is named or typed as a document (通知.docx cut off in transfer) still
    counts, so that the report says the 公文 is broken rather than reviewing an 附件 or a photo in its place.
    """
    documents = [a for a in attachments if a.is_document or a.meant_as_document]
    if not documents:
        return None
    named = [a for a in documents if not a.looks_like_annex]
    for kinds in (E_DOCUMENTS, (None,), IMAGES, ("txt",)):
        for a in named:
            if a.format in kinds:
                return a
    return documents[0]


def unpack(data: bytes) -> MailMessage:
    """Read one message (.eml bytes, RFC 5322 / MIME) into a MailMessage; raises UnusableInput (Chinese).

    The main document is chosen by `choose_main`; with none, the body text becomes the 公文
    (`main.from_body`, format txt, UTF-8). Bounds: extractors/limits.py MAX_MAIL_*; an attachment that
    is truncated, unrecognised or over the total size keeps its place with its reason (`problem`).
    """
    if not data.strip():
        raise UnusableInput("邮件为空（0 字节），请来文单位重新发送", "empty")
    if len(data) > MAX_MAIL_BYTES:
        raise UnusableInput(f"邮件过大（{len(data) / 1048576:.0f} MB，上限 {MAX_MAIL_BYTES // 1048576} MB）", "too-large")
    walk = _Walk()
    mail = walk.message(_parse(data), depth=0, mime_depth=0)
    mail.attachments = walk.attachments
    mail.notes = walk.notes
    mail.main = choose_main(mail.attachments)
    if mail.main is None:
        text = mail.body_text or next((f.body_text for f in _all_forwarded(mail) if f.body_text.strip()), "")
        if not text.strip():
            reasons = "；".join(a.describe() for a in mail.attachments)
            raise UnusableInput("邮件中没有可读的公文附件，正文也为空" + (f"（附件：{reasons}）" if reasons else ""), "empty")
        mail.main = Attachment(name=BODY_NAME, format="txt", data=text.encode("utf-8"), content_type="text/plain",
                               from_body=True)
    if re.search(r"超大附件|云附件|大附件下载", mail.body_text):
        mail.notes.append("邮件正文提到超大附件（云附件）下载链接；本系统不联网，无法取得，如为公文请来文单位改以普通附件发送")
    return mail


def _all_forwarded(mail: MailMessage):
    for f in mail.forwarded:
        yield f
        yield from _all_forwarded(f)
