"""Is the embedded index whole? (检索库完整性) Checked before the engine reads a byte of it.

Tantivy writes each file of a segment once and ends it with a footer: a JSON object holding the CRC-32 of
the file's body, its length (u32, little-endian) and the magic number 1337 (u32). It checks only the footer's
shape when it opens a file: a file overwritten in its middle is read as it is, and answers wrongly or makes
the engine panic. So:

    check(path, fields)   before opening: meta.json parses and is the index's own (segments list, our schema's
                          field names, the digest our last commit recorded), every file it names is there with
                          a footer, and every file's body matches its CRC — computed once per file (size and
                          mtime recorded in VERIFIED: files are immutable, so an unchanged file is not read
                          again; a file overwritten since gets a new mtime and is read again). Raises
                          IndexDamaged with the detail (which file, what).
    record(path)          after our own commit (writer lock held): the files new since are verified and recorded,
                          and meta.json's digest kept, so readers never verify what the writer just wrote.

What it costs: a stat per file at opening; a CRC of each new file once (what a writer just wrote, still in the
page cache); an index made before these records is read through once on its first opening (1,000,000 documents:
about 6.4 GB).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zlib
from pathlib import Path
from typing import Callable, Iterable, Optional

from .base import IndexDamaged

MAGIC = 1337  # tantivy's FOOTER_MAGIC_NUMBER
VERIFIED = "shouwen-verified.json"  # {file name: [size, mtime_ns]} of the files whose CRC matched
META_DIGEST = "shouwen-meta.sha256"  # sha256 of meta.json as our last commit left it
SEGMENT_FILES = ("idx", "pos", "term", "store", "fast", "fieldnorm")
_SEGMENT_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
_CHUNK = 1 << 22


def read_meta(path: Path) -> Optional[dict]:
    """meta.json as a dict, None when there is none (a new, empty index); IndexDamaged when it is not the
    shape tantivy writes."""
    try:
        raw = (path / "meta.json").read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexDamaged(f"meta.json: {exc}") from exc
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IndexDamaged(f"meta.json is not JSON ({exc})") from exc
    if not isinstance(meta, dict) or not isinstance(meta.get("segments"), list) or not isinstance(meta.get("schema"), list):
        raise IndexDamaged("meta.json lacks segments or schema")
    for seg in meta["segments"]:
        if (not isinstance(seg, dict) or not _SEGMENT_ID.match(str(seg.get("segment_id", "")))
                or not isinstance(seg.get("max_doc"), int) or seg["max_doc"] < 0):
            raise IndexDamaged(f"meta.json: a segment entry is not tantivy's: {str(seg)[:120]}")
        deletes = seg.get("deletes")
        if deletes is not None and not (isinstance(deletes, dict) and isinstance(deletes.get("opstamp"), int)
                                        and isinstance(deletes.get("num_deleted_docs"), int)):
            raise IndexDamaged(f"meta.json: the deletes of segment {seg['segment_id']} are not tantivy's")
    return meta


def files_of(meta: dict) -> list[str]:
    """The file names every segment of meta.json needs (the deletes file where it has deletes)."""
    out = []
    for seg in meta["segments"]:
        sid = str(seg["segment_id"]).replace("-", "")
        out += [f"{sid}.{ext}" for ext in SEGMENT_FILES]
        if seg.get("deletes"):
            out.append(f"{sid}.{seg['deletes']['opstamp']}.del")
    return out


def crc_matches(file: Path) -> Optional[str]:
    """None when the file's body matches the CRC its footer holds, else what is wrong (English, for .detail)."""
    try:
        with open(file, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < 8:
                return f"{file.name}: {size} bytes, shorter than a footer"
            f.seek(size - 8)
            length, magic = struct.unpack("<II", f.read(8))
            if magic != MAGIC or length + 8 > size:
                return f"{file.name}: no footer (magic {magic})"
            f.seek(size - 8 - length)
            try:
                expected = int(json.loads(f.read(length).decode("utf-8"))["crc"])
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                return f"{file.name}: footer unreadable"
            f.seek(0)
            left, crc = size - 8 - length, 0
            while left:
                chunk = f.read(min(_CHUNK, left))
                if not chunk:
                    return f"{file.name}: shorter than its footer says"
                crc = zlib.crc32(chunk, crc)
                left -= len(chunk)
    except OSError as exc:
        return f"{file.name}: {exc.strerror or exc}"
    return None if crc == expected else f"{file.name}: CRC {crc} ≠ {expected} (overwritten)"


def _load_verified(path: Path) -> dict:
    try:
        data = json.loads((path / VERIFIED).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(path: Path, name: str, text: str) -> None:
    """Written beside, then renamed: readers see the old or the new; a read-only root keeps nothing (and verifies
    again next time)."""
    tmp = path / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path / name)
    except OSError:
        tmp.unlink(missing_ok=True) if tmp.exists() else None


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


def _verify(path: Path, names: Iterable[str], verified: dict) -> bool:
    """Verify the files not recorded as they are now; IndexDamaged on the first that fails. True when the record
    changed."""
    changed = False
    for name in names:
        try:
            st = (path / name).stat()
        except FileNotFoundError:
            raise IndexDamaged(f"{name} is missing") from None
        except OSError as exc:
            raise IndexDamaged(f"{name}: {exc.strerror or exc}") from exc
        if verified.get(name) == _stamp(st):
            continue
        wrong = crc_matches(path / name)
        if wrong:
            raise IndexDamaged(wrong)
        verified[name] = _stamp(st)
        changed = True
    return changed


def _recorded(path: Path) -> Optional[str]:
    try:
        return (path / META_DIGEST).read_text().strip() or None
    except OSError:
        return None


def _digest(path: Path) -> Optional[str]:
    try:
        return hashlib.sha256((path / "meta.json").read_bytes()).hexdigest()
    except OSError:
        return None


def check(path: Path, fields: Optional[Iterable[str]], writing: Callable[[], bool] = lambda: False) -> None:
    """IndexDamaged unless the index in `path` is whole (see the module's text); nothing for an empty folder.
    fields: the schema's field names, which meta.json must list (None: any). writing(): True while a writer of ours holds
    the index (its commit may be newer than the digest it is about to record: not a damage)."""
    meta = read_meta(path)
    if meta is None:
        if any(p.suffix in {f".{e}" for e in SEGMENT_FILES} for p in path.glob("*.*")):
            raise IndexDamaged("meta.json is missing but segment files are there")
        return
    names = sorted(str(f.get("name")) for f in meta["schema"] if isinstance(f, dict))
    if fields is not None and names != sorted(fields):
        raise IndexDamaged(f"meta.json lists fields {names[:12]}, not this index's")
    recorded = _recorded(path)
    if recorded and recorded != _digest(path) and not writing():
        recorded = _recorded(path)  # a commit of ours between the two reads: both are new now
        if recorded != _digest(path):
            raise IndexDamaged("meta.json is not what the last commit wrote")
        meta = read_meta(path)
    verified = _load_verified(path)
    if _verify(path, files_of(meta), verified):
        _save(path, VERIFIED, json.dumps(verified))
    if not recorded:
        _save(path, META_DIGEST, _digest(path) or "")


def record(path: Path) -> None:
    """After a commit of ours (the writer lock held): verify and record the files meta.json now names (only the
    new ones are read), forget the files no longer in it, keep meta.json's digest. IndexDamaged when a file
    just written does not match its own CRC (a failing disk)."""
    meta = read_meta(path)
    if meta is None:
        return
    names = files_of(meta)
    verified = {k: v for k, v in _load_verified(path).items() if k in names}
    _verify(path, names, verified)
    _save(path, VERIFIED, json.dumps(verified))
    _save(path, META_DIGEST, _digest(path) or "")
