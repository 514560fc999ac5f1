"""What may reach a person's screen (终端显示): names and texts made harmless to show.

A file name is chosen by whoever sent the file. On a POSIX file system it may hold a newline (which forges a
progress line), an escape sequence (`\\x1b[31m` colours the clerk's terminal, `\\x1b]…` sets its title), a
right-to-left override (U+202E turns `txt.exe` round) or bytes that are not UTF-8 (a GBK name from a Windows
share). `shown()` is the one place such a name becomes text for a person: every control character, escape
and bidi control is written out visibly (`\\n`, `\\x1b`, `\\u202e`), and bytes that are not UTF-8 are decoded
as GB18030 where they decode, else written as `\\xNN`. The result is always valid UTF-8 and one line.

`shown_text()` does the same for multi-line text (a report, an extracted page): newlines and tabs stay.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import PurePath

# Bidirectional controls (Unicode TR9): embeddings, overrides, isolates, marks; and line/paragraph separators.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
# C0 and C1 controls, DEL, bidi controls, separators, lone surrogates (from undecodable bytes).
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}\ud800-\udfff]")
_UNSAFE_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _decode(raw: bytes) -> str:
    """Bytes of a name as text: UTF-8, else GB18030 (Windows shares in China), else UTF-8 with \\xNN escapes."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


def _as_text(value: str | bytes | PurePath) -> str:
    if isinstance(value, PurePath):
        value = str(value)
    if isinstance(value, bytes):
        return _decode(value)
    if re.search("[\ud800-\udfff]", value):  # a name Python read with surrogateescape: get its bytes back
        try:
            return _decode(os.fsencode(value))
        except UnicodeEncodeError:
            return value.encode("utf-8", errors="backslashreplace").decode("ascii")
    return value


def shown(name: str | bytes | PurePath | None) -> str:
    """A file name (or any short text) as one safe line for a terminal, a log or a notice.

    str, bytes or a path → str: valid UTF-8, no control characters, no escapes, no bidi controls (each
    written out as `\\n`, `\\x1b`, `\\u202e`); non-UTF-8 bytes decoded as GB18030 where possible, else `\\xNN`.
    None → "".
    """
    if name is None:
        return ""
    return _UNSAFE.sub(_visible, _as_text(name))


def shown_text(text: str | None) -> str:
    """Multi-line text for a person: as `shown()`, but newlines and tabs kept."""
    if not text:
        return ""
    return _UNSAFE_KEEP_LINES.sub(_visible, _as_text(text).replace("\r\n", "\n"))


def safe_streams() -> None:
    """Make stdout and stderr write UTF-8 and never fail on what slipped through (lone surrogates are written
    as `\\udcNN`): whatever is printed, the output stays valid UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (AttributeError, ValueError):  # replaced by a test harness or already closed
            pass
