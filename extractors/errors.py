"""The one error an extractor raises for input it cannot use (无法处理的文件), and the one guard that makes
every other exception inside a reader into it."""
from __future__ import annotations

import contextlib
import logging
import zipfile
from typing import Optional

log = logging.getLogger("shouwen.extract")
# a library's logger: without a handler of its own Python's last-resort handler would print our tracebacks on the
# clerk's terminal (in the batch's worker processes); the CLI adds a real handler under --debug
logging.getLogger("shouwen").addHandler(logging.NullHandler())


class UnusableInput(Exception):
    """A file that cannot be read: its reason is Chinese only, for the clerk and the sender.

    `code` is a short stable English key (empty, encrypted, corrupt, too-large, hostile, unsupported,
    timeout, unreadable) for logs, tests and quarantine statistics. `detail` is the technical cause (the
    library's exception: technical(exc)) for the log and the quarantine record (.原因.txt), never in `reason`.
    """

    def __init__(self, reason: str, code: str = "corrupt", detail: Optional[str] = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.detail = detail


def technical(exc: BaseException) -> str:
    """An exception as the administrator reads it ("BadZipFile: File is not a zip file"), at most 300 characters;
    the detail of an UnusableInput it caused (the clerk's reason stays Chinese)."""
    return f"{type(exc).__name__}: {exc}"[:300]


def as_unusable(exc: BaseException, what: str) -> UnusableInput:
    """A Chinese reason for an exception a reader raised on a file (`what`: 文件 kind, e.g. "Word 文档（docx）").

    Known kinds of damage get their own words (a zip member failing its CRC, a member encrypted with a
    password, memory or recursion exhausted by a crafted file); anything else is said as "cannot be read", its
    type and text kept as the detail (technical), the traceback in the log (`shouwen … --debug` shows it).
    """
    text, detail = str(exc), technical(exc)
    if isinstance(exc, UnusableInput):
        return exc
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in text:
        return UnusableInput(f"{what}已损坏：其中的压缩成员校验失败（CRC 错误），请来文单位重新导出后报送", "corrupt", detail)
    if isinstance(exc, RuntimeError) and "encrypted" in text:
        return UnusableInput(f"{what}中有加密的部分（需要密码才能读取），请来文单位去除密码后重新报送", "encrypted", detail)
    if isinstance(exc, zipfile.BadZipFile):
        return UnusableInput(f"{what}已损坏，压缩结构无法读取，请来文单位重新导出后报送", "corrupt", detail)
    if isinstance(exc, MemoryError):
        return UnusableInput(f"{what}读取所需内存超出处理上限，文件过大或被恶意构造", "too-large", detail)
    if isinstance(exc, RecursionError):
        return UnusableInput(f"{what}结构嵌套过深，超出处理上限，疑似恶意构造", "hostile", detail)
    if isinstance(exc, (UnicodeDecodeError, ValueError, KeyError, IndexError, EOFError, OSError, TypeError,
                        AttributeError, AssertionError, LookupError, ArithmeticError)):
        return UnusableInput(f"{what}内容损坏或结构异常，无法读取，请来文单位核对后重新报送", "unreadable", detail)
    return UnusableInput(f"读取{what}时出错，文件可能已损坏；详细信息已记入日志", "unreadable", detail)


@contextlib.contextmanager
def guarded(what: str):
    """Every exception in the block leaves it as UnusableInput with a Chinese reason (see `as_unusable`).

    The traceback of anything that was not already an UnusableInput is logged (logger shouwen.extract,
    level WARNING): a fault of ours in a reader stays visible to whoever runs with --debug or reads the log.
    KeyboardInterrupt and SystemExit pass through.
    """
    try:
        yield
    except UnusableInput:
        raise
    except Exception as exc:
        log.warning("reader failed on %s: %s: %s", what, type(exc).__name__, exc, exc_info=True)
        raise as_unusable(exc, what) from exc
