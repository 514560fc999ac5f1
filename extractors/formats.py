"""The one registry of input formats (文件格式登记): what each format is called, how it is recognised, which reader
reads it into the layout model, and what the rest of the system may do with it. Seam S6.

    FORMATS: dict[str, Format]             every format, by name (docx, doc, wps, pdf, ofd, tiff, png, jpeg, txt, eml)
    get(name) -> Format                    KeyError for an unknown name
    by_extension(".PDF" | "pdf") -> Format | None
    names(**flags) -> tuple[str, ...]      the names whose flags match: names(is_document=True), names(kind="image")
    NAMES_ZH: dict[str, str]               the Chinese names, for messages

Every caller asks here: detection (detect.py: magic bytes, zip members, OLE markers), extract (the reader), the
report's format field (validators/report.FORMATS, held against the schema's enum by tests/extractors/test_formats.py), a
mail's choice of its 主件 and of what an attachment is (extractors/mail/parse.py), the workers' OCR queue
(pipelines/workers.py) and the 附件 read for a 密级 (pipelines/review.py). Adding a format is an entry here and
its reader (a function `read(data: bytes, fmt: str, ocr: bool) -> Document` in its own module); the report schema's format
enum is a published contract and changes with it (the test says so when it is forgotten).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Optional

from .layout import Document

EDOC, IMAGE, TEXT, CONTAINER = "edoc", "image", "text", "container"  # Format.kind


@dataclass(frozen=True)
class Format:
    """One input format.

    name: the id the report, the ledger and the mail summary use; zh: the Chinese name in messages;
    extensions: the names senders give such files (lower case, with the dot; detection never trusts them, a mail
    uses them to tell that a broken attachment was meant as a document); mime: the content types senders declare;
    reader: "module:function" under extractors/, called as function(data, name, ocr) -> Document (`ocr` False: the
    text layer only, see extractors.extract);
    needs_ocr: its text is read by OCR (the workers' OCR queue); is_document: a 公文 can come in it (a report's
    format; eml is a container of documents, not one); annex_readable: a mail's 附件 in this format is read for a
    密级 mark (pipelines/review.annex_secrecy; doc/wps would need a LibreOffice conversion per 附件);
    kind: edoc (an electronic document), image (a scan or photo), text, container (a mail);
    magic: byte prefixes at the start of the file (magic_within: anywhere in that many first bytes); zip_member:
    the member naming a zip container's format; ole_markers: byte strings naming an OLE container's format;
    sniff: a content test for formats without magic. Detection (extractors/detect.py) tries them in registry
    order: the order of FORMATS matters only there (eml before txt: a mail is text too).
    """

    name: str
    zh: str
    extensions: tuple[str, ...]
    mime: tuple[str, ...]
    reader: str
    needs_ocr: bool
    is_document: bool
    annex_readable: bool
    kind: str
    magic: tuple[bytes, ...] = ()
    magic_within: int = 0  # > 0: the magic may begin anywhere in the first bytes (a PDF after a stray header)
    zip_member: Optional[str] = None
    ole_markers: tuple[bytes, ...] = ()
    sniff: Optional[str] = None  # "module:function"(data) -> bool for formats told by content (mail, text)

    def read(self, data: bytes, ocr: bool = True) -> Document:
        """The format's reader on `data` (raises UnusableInput, as extractors.extract guards it)."""
        return self.read_function()(data, self.name, ocr)

    def sniff_function(self) -> Callable[[bytes], bool]:
        module, _, function = (self.sniff or "").partition(":")
        return getattr(importlib.import_module(module, __package__), function)

    def read_function(self) -> Callable[[bytes, str, bool], Document]:
        module, _, function = self.reader.partition(":")
        return getattr(importlib.import_module(module, __package__), function)


_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_WORD_KIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template",
             "application/vnd.ms-word.template.macroEnabled.12", "application/vnd.ms-word.document.macroEnabled.12")

FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ofd", "OFD 版式文件", (".ofd",), ("application/ofd",), ".ofd_reader:read", False, True, True, EDOC,
           zip_member="OFD.xml"),
    Format("pdf", "PDF 文件", (".pdf",), ("application/pdf",), ".pdf_reader:read", False, True, True, EDOC,
           magic=(b"%PDF-",), magic_within=1024),
    # (a Word template .dotx/.dotm and a macro-enabled .docm are read as a docx; a template is said to be one:
    # extractors/docx_reader.as_document_package, validators/template.py)
    Format("docx", "Word 文档（docx）", (".docx", ".dotx", ".dotm", ".docm"), (_WORD,) + _WORD_KIN, ".docx_reader:read",
           False, True, True, EDOC, zip_member="word/document.xml"),
    # WPS Writer files are OLE containers like .doc; Kingsoft writes its name into them (tried before doc)
    Format("wps", "WPS 文字文档（wps）", (".wps",), ("application/vnd.ms-works", "application/kswps", "application/wps-office.wps"),
           ".convert:read", False, True, False, EDOC,
           ole_markers=("Kingsoft".encode("utf-16-le"), b"WpsCustomData", "Wps".encode("utf-16-le"))),
    Format("doc", "Word 97-2003 文档（doc）", (".doc",), ("application/msword",), ".convert:read", False, True, False, EDOC,
           ole_markers=("WordDocument".encode("utf-16-le"),)),
    Format("tiff", "TIFF 图像", (".tif", ".tiff"), ("image/tiff",), ".image_reader:read", True, True, True, IMAGE,
           magic=(b"II*\x00", b"MM\x00*")),
    Format("png", "PNG 图像", (".png",), ("image/png",), ".image_reader:read", True, True, True, IMAGE,
           magic=(b"\x89PNG\r\n\x1a\n",)),
    Format("jpeg", "JPEG 图像", (".jpg", ".jpeg"), ("image/jpeg",), ".image_reader:read", True, True, True, IMAGE,
           magic=(b"\xff\xd8\xff",)),
    Format("eml", "电子邮件（eml）", (".eml",), ("message/rfc822",), ".mail:read", False, False, False, CONTAINER,
           sniff=".mail.sniff:looks_like_message"),
    Format("txt", "纯文本", (".txt",), ("text/plain",), ".text_reader:read", False, True, True, TEXT,
           sniff=".detect:looks_like_text"),
)}

NAMES_ZH: dict[str, str] = {f.name: f.zh for f in FORMATS.values()}


def get(name: str) -> Format:
    """The format called `name`; KeyError for one not registered."""
    return FORMATS[name]


def by_extension(extension: str) -> Optional[Format]:
    """The format whose files end in `extension` (".PDF", "pdf", "附件1.JPG"), or None."""
    ext = extension.lower()
    ext = ext if ext.startswith(".") else "." + ext.rsplit(".", 1)[-1]
    return next((f for f in FORMATS.values() if ext in f.extensions), None)


def names(**flags) -> tuple[str, ...]:
    """The names of the formats whose attributes equal `flags`, in registry order: names(needs_ocr=True)."""
    return tuple(f.name for f in FORMATS.values() if all(getattr(f, k) == v for k, v in flags.items()))


def mimes(**flags) -> tuple[str, ...]:
    """The content types of the formats matching `flags` (as names())."""
    return tuple(m for name in names(**flags) for m in FORMATS[name].mime)


def extensions(**flags) -> tuple[str, ...]:
    """The file-name endings of the formats matching `flags` (as names())."""
    return tuple(e for name in names(**flags) for e in FORMATS[name].extensions)
