"""Bounds on what one input may cost (资源上限). Every parser runs inside them.

Time is bounded by the CPU time a file makes this process spend (ITIMER_PROF: user and system time of every
thread, the OCR runtime's own threads included), not by the clock on the wall: on a loaded server an honest
scan waits for a CPU and must not be quarantined for it, while a hostile file that loops still burns CPU and
is stopped. A far larger wall-clock backstop (ITIMER_REAL) stops a reader blocked without using CPU.
"""
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
PARSE_SECONDS = 60  # CPU seconds reading one file (text layers) may cost: an honest 公文 takes well under 5
OCR_SECONDS_PER_PAGE = 120  # CPU seconds (both OCR threads together) one scanned page may cost: ~3–10 when honest
# The wall-clock backstop, a multiple of the CPU bound (at least WALL_BACKSTOP_MIN seconds): only a reader that
# waits without computing (a blocked read) meets it; at load 20 on 2 cores an honest page needs ~10× its CPU time.
WALL_BACKSTOP_FACTOR = 20
WALL_BACKSTOP_MIN = 600
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
    """Raise UnusableInput ("timeout") when the block makes this process spend more than `seconds` of CPU
    time (ITIMER_PROF, all threads), or runs longer than the wall-clock backstop
    (max(WALL_BACKSTOP_FACTOR × seconds, WALL_BACKSTOP_MIN), ITIMER_REAL).

    Signals, so it bounds Python code (pdfplumber's loops on cyclic /Contents) and is noticed when a C call
    returns; a no-op off the main thread, where the batch's own worker timeout applies instead. Nested:
    an enclosing limit pauses while an inner one runs (the inner block has its own budget, e.g. a page's
    OCR inside a document's reading) and resumes with what it had left on leaving.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    wall = max(seconds * WALL_BACKSTOP_FACTOR, WALL_BACKSTOP_MIN)

    fired: list[str] = []

    def stop(reason: str):
        fired.append(reason)
        raise UnusableInput(reason, "timeout")

    def on_cpu(signum, frame):
        stop(f"{what}超时（计算时间超过 {seconds:g} 秒），文件可能损坏或被恶意构造")

    def on_wall(signum, frame):
        stop(f"{what}超时（等待超过 {wall:g} 秒仍未完成），文件可能损坏或被恶意构造")

    previous = signal.signal(signal.SIGPROF, on_cpu), signal.signal(signal.SIGALRM, on_wall)
    outer = signal.setitimer(signal.ITIMER_PROF, seconds)[0], signal.setitimer(signal.ITIMER_REAL, wall)[0]
    try:
        yield
    except Exception as exc:
        if fired and not isinstance(exc, UnusableInput):  # a library wrapped our timeout (rapidocr: OpenVINOError)
            raise UnusableInput(fired[0], "timeout") from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])
        for which, left in ((signal.ITIMER_PROF, outer[0]), (signal.ITIMER_REAL, outer[1])):
            if left > 0:  # an enclosing limit, paused meanwhile: what it had left
                signal.setitimer(which, left)
