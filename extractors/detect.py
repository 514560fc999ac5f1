"""Format detection from content, never from the file name (格式识别).

Magic bytes first, then zip members (docx vs OFD) and OLE streams (doc vs wps); what is neither
binary nor a known container is tried as UTF-8 or GB18030 text.
"""
from __future__ import annotations

import io
import re
import zipfile

from .errors import UnusableInput
from .limits import MAX_FILE_BYTES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

FORMAT_NAMES_ZH = {
    "docx": "Word 文档（docx）", "doc": "Word 97-2003 文档（doc）", "wps": "WPS 文字文档（wps）",
    "pdf": "PDF 文件", "ofd": "OFD 版式文件", "tiff": "TIFF 图像", "png": "PNG 图像",
    "jpeg": "JPEG 图像", "txt": "纯文本",
}
FORMAT_NAMES_ZH["eml"] = "电子邮件（eml）"


def detect_format(data: bytes) -> str:
    """Return one of docx, doc, wps, pdf, ofd, tiff, png, jpeg, eml, txt; raise UnusableInput otherwise."""
    if not data:
        raise UnusableInput("文件为空（0 字节），请来文单位重新发送", "empty")
    if len(data) > MAX_FILE_BYTES:
        raise UnusableInput(f"文件过大（{len(data) / 1048576:.0f} MB，上限 {MAX_FILE_BYTES // 1048576} MB）", "too-large")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data)
    if data.startswith(OLE_MAGIC):
        return _ole_format(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    from .mail.sniff import looks_like_message

    if looks_like_message(data):
        return "eml"  # a mail message (RFC 5322 headers first): extractors/mail
    if _decode_text(data) is not None:
        return "txt"
    raise UnusableInput("无法识别的文件格式：不是 docx、doc、wps、PDF、OFD、图像或文本文件", "unsupported")


def _zip_format(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnusableInput(f"压缩包结构损坏，无法打开（{type(exc).__name__}）", "corrupt") from exc
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise UnusableInput("这是电子表格或演示文稿，不是公文正文；请以 docx、PDF 或 OFD 报送", "unsupported")
    raise UnusableInput("压缩包中没有 Word 或 OFD 文档", "unsupported")


def _ole_format(data: bytes) -> str:
    # WPS Writer files are OLE containers like .doc; Kingsoft writes its name into them.
    if b"K\x00i\x00n\x00g\x00s\x00o\x00f\x00t" in data or b"WpsCustomData" in data or b"W\x00p\x00s\x00" in data:
        return "wps"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise UnusableInput("文档已加密（设置了打开密码），无法读取；请来文单位去除密码后重新报送", "encrypted")
    raise UnusableInput("无法识别的 OLE 复合文档（不是 doc 或 wps）", "unsupported")


def decode_text(data: bytes) -> str:
    """The text of a plain-text file, terminal escape sequences and other control characters removed.

    Encodings, as offices' tools write them: UTF-16 with a byte-order mark (Notepad's "Unicode"), UTF-8 with
    or without BOM, GB18030 (which includes GBK and GB2312). Raises UnusableInput when none fits.
    """
    return read_plain_text(data)[0]


def read_plain_text(data: bytes) -> tuple[str, bool]:
    """(text, whether escape sequences or control characters were removed); as `decode_text`."""
    text = _decode_text(data)
    if text is None:
        raise UnusableInput("文本文件编码无法识别（应为 UTF-8、UTF-16 或 GB18030）", "corrupt")
    clean = strip_controls(text)
    return clean, len(clean) != len(text)


# ECMA-48 sequences a terminal acts on: CSI (colours, cursor moves), OSC (window title, hyperlinks), and
# the two-character escapes; then every other C0/C1 control but tab, newline, carriage return, form feed.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                      r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences and control characters (tab, newlines, form feed kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"))


def _decode_text(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _plausible(data[len(bom):].decode(encoding))
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:65536]:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text) is not None:
            return text
    return None


def _plausible(text: str) -> str | None:
    """The text, unless it is more than 1 % stray control characters once escape sequences are taken out
    (then it is binary data that happened to decode, not a text with some terminal colouring in it)."""
    sample = _ESCAPES.sub("", text[:8192])
    stray = len(_CONTROLS.findall(sample))
    return text if stray <= len(sample) // 100 else None
