"""Format detection from content, never from the file name (格式识别).

What identifies each format is registered in extractors/formats.py: magic bytes first, then zip members (docx vs
OFD) and OLE markers (doc vs wps), then the content sniffers: a mail's headers, and UTF-8 or GB18030 text.
"""
from __future__ import annotations

import io
import re
import zipfile

from . import formats
from .errors import UnusableInput, technical
from .limits import MAX_FILE_BYTES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

FORMAT_NAMES_ZH = formats.NAMES_ZH  # the registry's Chinese names (extractors/formats.py)


def detect_format(data: bytes) -> str:
    """Return the name of a registered format (extractors/formats.py: docx, doc, wps, pdf, ofd, tiff, png, jpeg,
    eml, txt); raise UnusableInput otherwise. In order: a magic that may begin a little into the file (PDF), a zip
    container (by its member), an OLE container (by its markers), the other magic prefixes, then the content
    sniffers (a mail's headers, plain text)."""
    if not data:
        raise UnusableInput("文件为空（0 字节），请来文单位重新发送", "empty")
    if len(data) > MAX_FILE_BYTES:
        raise UnusableInput(f"文件过大（{len(data) / 1048576:.1f} MB，上限 {MAX_FILE_BYTES // 1048576} MB）", "too-large")
    registered = list(formats.FORMATS.values())
    for fmt in registered:
        if fmt.magic_within and any(m in data[:fmt.magic_within] for m in fmt.magic):
            return fmt.name
    if data.startswith(ZIP_MAGIC):
        return _zip_format(data)
    if data.startswith(OLE_MAGIC):
        return _ole_format(data)
    for fmt in registered:
        if not fmt.magic_within and any(data.startswith(m) for m in fmt.magic):
            return fmt.name
    for fmt in registered:
        if fmt.sniff and fmt.sniff_function()(data):
            return fmt.name
    raise UnusableInput("无法识别的文件格式：不是 docx、doc、wps、PDF、OFD、图像或文本文件", "unsupported")


def looks_like_text(data: bytes) -> bool:
    """Plain text in an encoding offices use (the txt format's sniffer)."""
    return _decode_text(data) is not None


def _zip_format(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnusableInput("压缩包结构损坏，无法打开", "corrupt", technical(exc)) from exc
    for fmt in formats.FORMATS.values():
        if fmt.zip_member and fmt.zip_member in names:
            return fmt.name
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise UnusableInput("这是电子表格或演示文稿，不是公文正文；请以 docx、PDF 或 OFD 报送", "unsupported")
    containers = "或".join(f.zh for f in formats.FORMATS.values() if f.zip_member)
    raise UnusableInput(f"压缩包中没有{containers}", "unsupported")


def _ole_format(data: bytes) -> str:
    for fmt in formats.FORMATS.values():  # WPS before doc: Kingsoft writes its name into its OLE files
        if any(marker in data for marker in fmt.ole_markers):
            return fmt.name
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


# Formats one another's extension may carry without remark: WPS 文字 writes .wps files in the doc container, and
# Word opens each as the other.
INTERCHANGEABLE = ({"doc", "wps"},)


def _short_zh(fmt: formats.Format) -> str:
    """"PDF 文件" → " PDF", "纯文本" → "纯文本": as a sentence names it (a blank before a Latin name)."""
    name = fmt.zh.removesuffix(" 文件")
    return f" {name}" if name[:1].isascii() else name


def extension_mismatch(name: str, fmt: str) -> str | None:
    """The clerk's note when the file name's extension claims a registered format that the content is not:
    文件扩展名为 .pdf，但内容不是 PDF（实为纯文本）. None when the extension fits `fmt` (the format detected from the
    content, detect_format), names no registered format, or is absent (a maildir message has none)."""
    from pathlib import PurePath

    suffix = PurePath(name or "").suffix
    claimed = formats.by_extension(suffix) if suffix else None
    if claimed is None or claimed.name == fmt or any({claimed.name, fmt} <= pair for pair in INTERCHANGEABLE):
        return None
    actual = formats.FORMATS.get(fmt)
    return f"文件扩展名为 {suffix}，但内容不是{_short_zh(claimed)}（实为{_short_zh(actual) if actual else fmt}）"


# Chinese characters (CJK Unified Ideographs and Extension A): a 公文's text has them
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _claimed_kind(name: str) -> tuple[str, bool] | None:
    """What a file name's extension says the file is, when that is not text: (how a sentence names it, whether
    it is one of our formats). A registered format other than txt (.docx → Word 文档（docx）, True); any other
    extension the standard table (Python's built-in mimetypes, not the machine's) gives a type other than text
    or mail (.exe, .zip → 程序或其他文件, False). None: no extension, .txt, a text type, or one nobody registered
    (a maildir message's .mailhost, a title with a dot in it)."""
    import mimetypes
    from pathlib import PurePath

    suffix = PurePath(name or "").suffix
    if not suffix:
        return None
    claimed = formats.by_extension(suffix)
    if claimed is not None:
        return None if claimed.kind == formats.TEXT else (_short_zh(claimed), True)
    mime = mimetypes.MimeTypes().guess_type("x" + suffix.lower(), strict=False)[0]
    if mime is None or mime.startswith(("text/", "message/")):
        return None
    return (suffix, False)


def check_claim(name: str, fmt: str, data: bytes) -> None:
    """Raise UnusableInput when the content was told only as plain text (`fmt` "txt", the weakest test: any few
    bytes of ASCII pass it) but the name says another kind of file, and the text is no 公文 text either:
    a .docx holding "not a zip", a .doc holding "xx" is a damaged file (code "corrupt"), never a 公文 without
    标题 or 成文日期 to be returned. A type we do not take (.exe, .zip) is refused whatever text it holds (code
    "unsupported"). A text with Chinese in it under a format's name (a notice saved as .pdf) is read as text,
    and the clerk told (extension_mismatch). Any other `fmt`, or a name that claims nothing, passes."""
    if fmt != "txt":
        return
    claim = _claimed_kind(name)
    if claim is None:
        return
    from pathlib import PurePath

    said, ours = claim
    suffix = PurePath(name).suffix
    if not ours:
        raise UnusableInput(f"不受理的文件类型（{suffix}）：只受理 docx、doc、wps、PDF、OFD、图像、文本和邮件形式的公文；"
                            "未作为公文处理，请来文单位以公文格式重新报送", "unsupported")
    if not _HAN.search(decode_text(data)):
        raise UnusableInput(f"文件扩展名为 {suffix}，但内容不是{said}，也不是公文文本（{len(data)} 字节，无汉字）："
                            "文件已损坏或不是公文，请来文单位重新报送", "corrupt")


def unusable_with_extension(name: str, exc: UnusableInput) -> UnusableInput:
    """`exc` (content that is no registered format: code "unsupported") with what the name claimed said first:
    文件扩展名为 .pdf，但内容不是 PDF：无法识别的文件格式…; any other `exc` as it is."""
    from pathlib import PurePath

    suffix = PurePath(name or "").suffix
    claimed = formats.by_extension(suffix) if suffix else None
    if exc.code != "unsupported" or claimed is None or exc.reason.startswith("文件扩展名为"):
        return exc
    said = UnusableInput(f"文件扩展名为 {suffix}，但内容不是{_short_zh(claimed)}：{exc.reason}", exc.code, exc.detail)
    said.__cause__ = exc
    return said
