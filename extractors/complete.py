"""Is this file whole? (传输完整性) The structure's own end, looked for without reading the document.

A file written in two goes — half of it written and closed, the rest some seconds later — looks settled in
between (its size and mtime stand still, nobody holds it open). What tells it apart from a finished file is
its structure: every format the office receives says where it ends.

    incomplete(path) -> str | None      the Chinese reason the file is not whole yet, or None

    PDF          %%EOF in its last 2 KiB (ISO 32000-1 7.5.5; also what pdf_reader.check_complete asks)
    zip          the end-of-central-directory record (APPNOTE 4.3.16): docx, OFD (GB/T 33190), any zip
    PNG          the IEND chunk (ISO/IEC 15948 11.2.5)
    JPEG         the EOI marker FF D9 (ITU-T T.81 B.2.1) in its last 4 KiB
    TIFF         every IFD and every strip or tile it points at inside the file (TIFF 6.0 section 2)
    mail         a multipart message's closing delimiter --boundary-- (RFC 2046 5.1.1)

Only the head, the tail and (TIFF) the directories are read, whatever the size. Anything else — text, doc,
wps, a format not recognised — is whole as far as this can tell (None): the readers judge it. The judgement
is structural only: a file that is whole here may still be damaged inside (the readers say so).
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Optional

HEAD = 64 * 1024
PDF_TAIL = 2048
JPEG_TAIL = 4096
MAIL_TAIL = 64 * 1024
MAX_TIFF_PAGES = 1000  # limits.MAX_PAGES: past this the reader refuses it anyway

PDF_END = "PDF 文件尚不完整（缺少文件结束标记 %%EOF）"
ZIP_END = "压缩包（docx/OFD）尚不完整（缺少中央目录结尾记录）"
PNG_END = "PNG 图像尚不完整（缺少结束块 IEND）"
JPEG_END = "JPEG 图像尚不完整（缺少结束标记 EOI）"
TIFF_END = "TIFF 图像尚不完整（图像目录或图像数据超出文件末尾）"
MAIL_END = "邮件尚不完整（缺少 MIME 结束分隔线）"


def pdf_ends(tail: bytes) -> bool:
    """Whether the last bytes of a PDF hold its end-of-file marker (%%EOF within the last PDF_TAIL bytes)."""
    return b"%%EOF" in tail[-PDF_TAIL:]


def incomplete(path: Path | str | bytes) -> Optional[str]:
    """The Chinese reason `path` is structurally incomplete (cut off: its end not written yet), else None.
    Reads the head (64 KiB), the tail and, for TIFF, its directories. OSError passes through."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(HEAD)
        if not head:
            return None  # empty: the readers say 文件为空
        if b"%PDF-" in head[:1024]:
            return None if pdf_ends(_tail(f, size, PDF_TAIL)) else PDF_END
        if head.startswith(b"PK\x03\x04"):
            f.seek(0)
            return None if zipfile.is_zipfile(f) else ZIP_END
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return None if b"IEND" in _tail(f, size, 64) else PNG_END
        if head.startswith(b"\xff\xd8\xff"):
            return None if b"\xff\xd9" in _tail(f, size, JPEG_TAIL) else JPEG_END
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return None if _tiff_whole(f, size, head[:2] == b"II") else TIFF_END
        boundary = _mail_boundary(head)
        if boundary:
            closing = b"--" + boundary + b"--"
            return None if closing in _tail(f, size, MAIL_TAIL + len(closing)) else MAIL_END
    return None


def _tail(f, size: int, n: int) -> bytes:
    f.seek(max(0, size - n))
    return f.read(n)


def _tiff_whole(f, size: int, little: bool) -> bool:
    """Every IFD of the chain, and the strips or tiles each points at, lie inside the file (TIFF 6.0: the
    header's offset, 2-byte entry count, 12-byte entries, 4-byte next offset; tags 273/279 StripOffsets/
    StripByteCounts, 324/325 TileOffsets/TileByteCounts)."""
    order = "little" if little else "big"
    types = {3: 2, 4: 4, 16: 8}  # SHORT, LONG, LONG8: the types offsets and counts come in

    def read(offset: int, n: int) -> Optional[bytes]:
        if offset < 0 or offset + n > size:
            return None
        f.seek(offset)
        data = f.read(n)
        return data if len(data) == n else None

    def values(entry: bytes) -> Optional[list[int]]:
        kind, count = int.from_bytes(entry[2:4], order), int.from_bytes(entry[4:8], order)
        width = types.get(kind)
        if width is None:
            return []
        raw = entry[8:8 + count * width] if count * width <= 4 else read(int.from_bytes(entry[8:12], order), count * width)
        if raw is None:
            return None
        return [int.from_bytes(raw[i:i + width], order) for i in range(0, count * width, width)]

    header = read(4, 4)
    if header is None:
        return False
    offset, seen = int.from_bytes(header, order), set()
    while offset and len(seen) < MAX_TIFF_PAGES:
        if offset in seen:
            return True  # a loop: the reader refuses it; not a matter of transfer
        seen.add(offset)
        count_bytes = read(offset, 2)
        if count_bytes is None:
            return False
        count = int.from_bytes(count_bytes, order)
        entries = read(offset + 2, count * 12 + 4)
        if entries is None:
            return False
        tags = {int.from_bytes(entries[i:i + 2], order): entries[i:i + 12] for i in range(0, count * 12, 12)}
        for starts_tag, counts_tag in ((273, 279), (324, 325)):
            if starts_tag in tags and counts_tag in tags:
                starts, lengths = values(tags[starts_tag]), values(tags[counts_tag])
                if starts is None or lengths is None:
                    return False
                if any(s + n > size for s, n in zip(starts, lengths)):
                    return False
        offset = int.from_bytes(entries[count * 12:count * 12 + 4], order)
    return True


_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))', re.IGNORECASE)


def _mail_boundary(head: bytes) -> Optional[bytes]:
    """The top-level boundary of a multipart mail message (its header block, folded lines joined), else None."""
    from .mail.sniff import looks_like_message

    if not looks_like_message(head):
        return None
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    unfolded = re.sub(rb"\r?\n[ \t]+", b" ", block)
    for line in unfolded.split(b"\n"):
        if line.lower().startswith(b"content-type:") and b"multipart/" in line.lower():
            found = _BOUNDARY.search(line)
            if found:
                return found.group(1) or found.group(2)
    return None
