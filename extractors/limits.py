"""Bounds on what one input may cost (资源上限). Every parser runs inside them."""
from __future__ import annotations

import contextlib
import signal
import threading

from .errors import UnusableInput

MAX_FILE_BYTES = 200 * 1024 * 1024  # a 300-page fax PDF is well under this
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_TOTAL_BYTES = 300 * 1024 * 1024  # uncompressed, all members together
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per member: zip bombs reach thousands
MAX_XML_PART_BYTES = 100 * 1024 * 1024
MAX_PAGES = 1000
PARSE_SECONDS = 60  # wall-clock bound on reading one file (text layers)
OCR_SECONDS_PER_PAGE = 60  # wall-clock bound on recognising one scanned page
MAX_IMAGE_PIXELS = 100_000_000  # an A4 page at 600 dpi has 35 million; beyond this is a decompression bomb
# Characters of text one document may hold: a long 公文 with its attachments is a few hundred thousand; the
# rules and the language pipeline (spaCy, chunked under its max_length) are linear in it.
MAX_TEXT_CHARS = 3_000_000


def check_zip_members(infos, what: str, xml_suffixes: tuple[str, ...] = (".xml",)) -> None:
    """Refuse a zip container (docx, OFD) that is a bomb or climbs out: more than MAX_ZIP_MEMBERS members, more
    than MAX_ZIP_TOTAL_BYTES uncompressed, a member name absolute or with "..", "\\" or a drive, a member
    compressed past MAX_ZIP_RATIO, an XML part over MAX_XML_PART_BYTES. `what` names the format in the reason."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnusableInput(f"{what} 内部文件数异常（{len(infos)} 个），疑似恶意构造", "hostile")
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise UnusableInput(f"{what} 解压后过大（{total / 1048576:.0f} MB），疑似压缩炸弹", "hostile")
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise UnusableInput(f"{what} 内含非法路径“{info.filename}”，疑似恶意构造", "hostile")
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO and info.file_size > 1048576:
            raise UnusableInput(f"{what} 内部文件“{info.filename}”压缩比异常，疑似压缩炸弹", "hostile")
        if name.lower().endswith(xml_suffixes) and info.file_size > MAX_XML_PART_BYTES:
            raise UnusableInput(f"{what} 内部文件“{info.filename}”过大", "hostile")


def check_text_size(document) -> None:
    """Refuse a document whose text exceeds MAX_TEXT_CHARS (超出处理上限), in Chinese."""
    total = sum(len(run.text) for page in document.pages for line in page.lines for run in line.runs)
    if total > MAX_TEXT_CHARS:
        raise UnusableInput(f"文字量超出处理上限（约 {total / 10000:.0f} 万字，上限 {MAX_TEXT_CHARS // 10000} 万字），"
                            "不像一件公文；请来文单位核对后报送", "too-large")

# Mail (邮件, extractors/mail): a mail system caps a message near 50 MB; a 公文 has a main document and a few 附件.
MAX_MAIL_BYTES = 100 * 1024 * 1024  # one .eml as received
MAX_MAIL_DECODED_BYTES = 150 * 1024 * 1024  # every attachment decoded, forwarded messages included
MAX_MAIL_ATTACHMENTS = 100
MAX_MAIL_PARTS = 500  # MIME parts of every kind, containers included: message bombs reach thousands
MAX_MAIL_FORWARD_DEPTH = 8  # message/rfc822 inside message/rfc822 …
MAX_MAIL_MIME_DEPTH = 32  # multipart inside multipart, all forwarded levels together
MAX_MAIL_HEADER_CHARS = 64 * 1024  # one header field's value; longer ones are cut (header bombs)


@contextlib.contextmanager
def time_limit(seconds: float = PARSE_SECONDS, what: str = "解析"):
    """Raise UnusableInput when the block runs longer than `seconds`.

    Uses SIGALRM, so it bounds Python code (pdfplumber's loops on cyclic /Contents); it is a no-op
    off the main thread, where the batch's own worker timeout applies instead.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise UnusableInput(f"{what}超时（超过 {seconds:g} 秒），文件可能损坏或被恶意构造", "timeout")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
