"""签收 (intake): find new files in the inboxes, keep the original in the archive, register it.

The office's data root holds one inbox per channel (inbox/fax, inbox/edoc, inbox/scan, inbox/mail), the
content-addressed archive, the ledger database, the outbox for returns and the quarantine. The original is
copied into the archive — written to a temporary name, flushed, then renamed — before anything else happens,
and an archived file is never changed or deleted.

What the inbox may hold is not trusted:
  * only regular files are read. A symbolic link (to /etc/passwd or anywhere), a hard link (the same file under
    another name, perhaps outside the data root), a FIFO, a device or a folder is moved to quarantine/ as it
    is, with a Chinese reason; its target is never opened. Files are opened with O_NOFOLLOW and checked again
    with fstat after opening, so a link swapped in after the scan is not followed either.
  * a file still being written waits: it is taken only when its size and mtime stay the same over the settle
    time ($SHOUWEN_SETTLE_SECONDS, default 2 s) and no process holds it open for writing (/proc/*/fdinfo).
  * names are bytes: a name that is not UTF-8 (a GBK name from a Windows share) is shown decoded as GB18030
    where it can be, and kept losslessly in the ledger as hex; copies get names cut safely under 255 bytes.
  * each file is taken on its own: what fails for one file quarantines that file, and the batch goes on.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .ledger import Ledger, Registration

CHANNELS = ("fax", "edoc", "scan", "mail")
DEFAULT_ROOT = Path("shouwen-data")
NAME_MAX = 255  # bytes in one file name (ext4, xfs, tmpfs)
TEMP_PREFIX = ".incoming-"
DEFAULT_SETTLE_SECONDS = 2.0


def data_root(explicit: Optional[str | Path] = None) -> Path:
    """--root, else $SHOUWEN_ROOT, else ./shouwen-data."""
    return Path(explicit or os.environ.get("SHOUWEN_ROOT") or DEFAULT_ROOT)


def prepare(root: Path) -> None:
    """Make the inbox, archive, outbox and quarantine folders. A folder on the inbox path that is a symbolic link
    is left as it is (nothing is made through it, where it points): the batch refuses it (scan)."""
    inbox = root / "inbox"
    for channel in CHANNELS:
        if inbox.is_symlink() or (inbox / channel).is_symlink():
            continue
        (inbox / channel).mkdir(parents=True, exist_ok=True)
    for folder in ("archive", "outbox", "quarantine"):
        (root / folder).mkdir(parents=True, exist_ok=True)


def settle_seconds() -> float:
    """How long a file's size and mtime must stay unchanged before it is taken in ($SHOUWEN_SETTLE_SECONDS)."""
    try:
        return max(0.0, float(os.environ.get("SHOUWEN_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS)))
    except ValueError:
        return DEFAULT_SETTLE_SECONDS


# ---- names ---------------------------------------------------------------------------------------------------

def display_name(raw: bytes) -> tuple[str, Optional[str]]:
    """(the name as shown, the original bytes in hex or None): UTF-8 as is; otherwise GB18030 where the bytes
    decode as such (Windows shares), else UTF-8 with the bad bytes as \\xNN. Lossless through the hex.
    Short GBK names can also be valid UTF-8 by chance (通知 → ֪ͨ): where the UTF-8 reading has letters
    of U+0300–U+07FF (combining marks, Greek, Cyrillic, Hebrew, Arabic) and the GB18030 reading is all Chinese
    and ASCII, GB18030 is taken."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    try:
        gbk = raw.decode("gb18030")
    except UnicodeDecodeError:
        gbk = None
    if text is not None and not (gbk and _garbled(text) and _CHINESE.fullmatch(gbk)):
        return text, None
    if gbk is not None:
        return gbk, raw.hex()
    return raw.decode("utf-8", "backslashreplace"), raw.hex()


def _garbled(text: str) -> bool:
    import unicodedata

    scripts = {(ord(c) - 0x370) // 0x100 for c in text if 0x370 <= ord(c) <= 0x7FF}
    return any(unicodedata.combining(c) for c in text) or len(scripts) > 1


_CHINESE = re.compile(r"[\x20-\x7e\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def safe_name(prefix: str, name: str, tail: str = "", limit: int = NAME_MAX) -> str:
    """prefix + name, with `tail` before the extension, cut to at most `limit` bytes (UTF-8) on a character
    boundary; the extension is kept (when it is a short one) and a cut is marked with …"""
    name = name.replace("/", "_").replace("\0", "_")
    stem, ext = os.path.splitext(name)
    if len(ext.encode()) > 16:
        stem, ext = name, ""
    fixed = len((prefix + tail + ext).encode())
    if fixed + len(stem.encode()) <= limit:
        return prefix + stem + tail + ext
    room = max(0, limit - fixed - len("…".encode()))
    return prefix + stem.encode("utf-8")[:room].decode("utf-8", "ignore") + "…" + tail + ext


# ---- what waits in the inboxes -------------------------------------------------------------------------------

@dataclass
class Arrival:
    """A file in an inbox: its channel, path (bytes), display name, original name bytes (hex) and lstat."""
    channel: str
    path: bytes
    name: str
    raw_hex: Optional[str]
    st: os.stat_result
    folder_link: bool = False  # a folder of the inbox (inbox/, inbox/edoc, a maildir's new/) that is a link


@dataclass
class Refused:
    """Something in an inbox that is not taken in (never read): moved to quarantine with its reason."""
    channel: str
    name: str
    reason: str
    where: str = ""  # where it went, relative to the root


REASON_SYMLINK = "这是一个符号链接（快捷方式），指向的文件未读取，链接本身已移入隔离区；如需收文，请把文件本身放入收件箱"
REASON_HARDLINK = "这是一个硬链接（同一文件另有名字，可能在数据目录以外），未读取，已移入隔离区；如需收文，请放入文件的副本"
REASON_SPECIAL = "这不是普通文件（{kind}），未读取，已移入隔离区"
REASON_FOLDER = "收件箱中的文件夹不受理，已移入隔离区；请把其中的文件逐个放入收件箱"
REASON_FOLDER_LINK = ("这个收件箱文件夹是符号链接（快捷方式），所指文件夹中的文件均未读取、未移动；链接本身已移入隔离区，"
                      "原处重建为空文件夹；请把来文直接放入收件箱")
REASON_OUTSIDE = "此文件实际位于数据目录以外（路径中的文件夹是符号链接），未读取、未移动"


def _skipped(raw: bytes) -> bool:
    return raw.startswith((b".", "~$".encode())) or raw.endswith(b".part")


def _kind(mode: int) -> Optional[str]:
    """None for a regular file, else why it is refused."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return REASON_SYMLINK
    if stat.S_ISDIR(mode):
        return REASON_FOLDER
    kind = "命名管道" if stat.S_ISFIFO(mode) else "设备文件" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "套接字"
    return REASON_SPECIAL.format(kind=kind)


def scan(root: Path) -> tuple[list[Arrival], list[tuple[Arrival, str]]]:
    """Every entry waiting in the inboxes, oldest first: (regular files, other things with the reason they are
    refused). Hidden, ~$ and .part names are left alone (they are still arriving). A maildir folder in
    inbox/mail/ gives its messages (pipelines/mail_intake.py). A folder on the way that is a symbolic link
    (inbox/ itself, inbox/edoc, a maildir's new/ or cur/) is refused as one entry and not looked into: nothing
    outside the data root is read or moved."""
    from .mail_intake import is_maildir_entry, maildir_arrivals

    files, refused = [], []
    inbox = os.fsencode(root / "inbox")
    if os.path.islink(inbox):
        return [], [(Arrival("数据目录", inbox, "inbox", None, os.lstat(inbox), folder_link=True), REASON_FOLDER_LINK)]
    for channel in CHANNELS:
        folder = os.path.join(inbox, os.fsencode(channel))
        if os.path.islink(folder):
            refused.append((Arrival("inbox", folder, channel, None, os.lstat(folder), folder_link=True),
                            REASON_FOLDER_LINK))
            continue
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if _skipped(entry.name):
                continue
            try:
                st = os.lstat(entry.path)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode) and is_maildir_entry(channel, entry.path):  # mail_intake.py: message by message
                messages, links = maildir_arrivals(channel, entry.path)
                files.extend(messages)
                refused.extend(links)
                continue
            name, raw_hex = display_name(entry.name)
            arrival = Arrival(channel, entry.path, name, raw_hex, st)
            why = _kind(st.st_mode) or (REASON_HARDLINK if st.st_nlink > 1 else None)
            (refused.append((arrival, why)) if why else files.append(arrival))
    files.sort(key=lambda a: (a.st.st_mtime_ns, a.path))
    return files, refused


def inbox_files(root: Path) -> list[tuple[str, Path]]:
    """(channel, path) of every regular file waiting in the inboxes, oldest first; hidden and partial files skipped."""
    return [(a.channel, Path(os.fsdecode(a.path))) for a in scan(root)[0]]


def open_for_writing() -> set[tuple[int, int]]:
    """(st_dev, st_ino) of every file some process holds open for writing, as far as /proc lets us see
    (Linux; all processes as root, our own user's otherwise). Empty where there is no /proc."""
    found: set[tuple[int, int]] = set()
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}", "rb") as info:
                    flags = next(int(line.split()[1], 8) for line in info if line.startswith(b"flags:"))
                if flags & (os.O_WRONLY | os.O_RDWR):
                    st = os.stat(f"/proc/{pid}/fd/{fd}")
                    if stat.S_ISREG(st.st_mode):
                        found.add((st.st_dev, st.st_ino))
            except (OSError, StopIteration, ValueError, IndexError):
                continue
    return found


def settled(arrivals: list[Arrival], settle: Optional[float] = None,
            sleep: Callable[[float], None] = time.sleep) -> tuple[list[Arrival], list[Arrival]]:
    """(complete files, files still being written). A file is complete when its size and mtime have not
    changed for `settle` seconds (a young file is looked at again after waiting) and no process holds it
    open for writing."""
    settle = settle_seconds() if settle is None else settle
    if not arrivals:
        return [], []
    youngest = max(a.st.st_mtime for a in arrivals)
    wait = min(settle, settle - (time.time() - youngest))
    if wait > 0:
        sleep(wait)
    writers = open_for_writing()
    ready, waiting = [], []
    for a in arrivals:
        try:
            now = os.lstat(a.path)
        except FileNotFoundError:
            continue  # taken away meanwhile
        same = (now.st_size, now.st_mtime_ns, now.st_ino) == (a.st.st_size, a.st.st_mtime_ns, a.st.st_ino)
        if not same or (now.st_dev, now.st_ino) in writers or 0 <= time.time() - now.st_mtime < settle:
            waiting.append(a)
        else:
            ready.append(a)
    return ready, waiting


# ---- the archive ---------------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _suffix(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if ext[1:].isascii() and ext[1:].isalnum() and len(ext) <= 10 else ""


class NotTaken(Exception):
    """The file could not be taken as it is now: `refused` (not a regular file: quarantine without reading)
    or still changing (it waits for the next batch)."""

    def __init__(self, reason: str, refused: bool, move: bool = True):
        super().__init__(reason)
        self.reason, self.refused, self.move = reason, refused, move  # move False: left where it is (outside the root)


def copy_in(root: Path, arrival: Arrival) -> tuple[str, Path]:
    """Read the inbox file once — opened with O_NOFOLLOW, checked with fstat to be the regular file the scan
    saw — into the archive: archive/ab/cd/<sha256><ext>, written to a temporary, fsynced, made read-only and
    renamed into place (an existing copy is left untouched). Returns (sha256, archived path)."""
    try:
        fd = os.open(arrival.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link put in its place after the scan
            raise NotTaken(REASON_SYMLINK, refused=True) from None
        raise
    try:
        if _outside(root, fd):
            raise NotTaken(REASON_OUTSIDE, refused=True, move=False)
        st = os.fstat(fd)
        why = _kind(st.st_mode) or (REASON_HARDLINK if st.st_nlink > 1 else None)
        if why:
            raise NotTaken(why, refused=True)
        if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != (arrival.st.st_dev, arrival.st.st_ino,
                                                                   arrival.st.st_size, arrival.st.st_mtime_ns):
            raise NotTaken("文件在签收时发生了变化（可能仍在传入），下批再收", refused=False)
        (root / "archive").mkdir(parents=True, exist_ok=True)
        tmp_fd, tmp = tempfile.mkstemp(dir=root / "archive", prefix=TEMP_PREFIX)
        try:
            digest = hashlib.sha256()
            with os.fdopen(tmp_fd, "wb") as out:
                while block := os.read(fd, 1 << 20):
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            if os.fstat(fd).st_size != st.st_size:
                raise NotTaken("文件在签收时发生了变化（可能仍在传入），下批再收", refused=False)
            target = root / "archive" / sha256[:2] / sha256[2:4] / f"{sha256}{_suffix(arrival.name)}"
            if target.exists():
                os.unlink(tmp)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)  # the archive is read-only: originals are evidence
                os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256, target
    finally:
        os.close(fd)


def _outside(root: Path, fd: int) -> bool:
    """Whether the file open as `fd` lies outside the data root — a folder on its path was swapped for a link
    after the scan (Linux: /proc/self/fd names the file really opened; False where there is no /proc)."""
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return not opened.startswith(os.path.realpath(root).rstrip("/") + "/")


def write_read_only(target: Path, write) -> Path:
    """Write an archived original atomically: `write(out)` fills a temporary beside `target`, which is fsynced,
    made read-only (originals are evidence) and renamed into place; a failure leaves no temporary."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def archive(root: Path, source: Path, sha256: str) -> Path:
    """Copy `source` to archive/ab/cd/<sha256><suffix> atomically; an existing copy is left untouched."""
    target = root / "archive" / sha256[:2] / sha256[2:4] / f"{sha256}{_suffix(source.name)}"
    if target.exists():
        return target

    def copy(out) -> None:
        with open(source, "rb") as src:
            while block := src.read(1 << 20):
                out.write(block)

    return write_read_only(target, copy)


def clean_temporaries(root: Path, before: float) -> list[Path]:
    """Remove the .incoming-* temporaries of archive/ and registrations/ older than `before` (epoch seconds):
    what an intake killed mid-copy or mid-sidecar left. Run while holding the batch lock, so none of them belongs
    to a running batch."""
    removed = []
    found = [p for folder in ("archive", "registrations") for p in (root / folder).rglob(f"{TEMP_PREFIX}*")]
    for path in found:
        try:
            if path.is_file() and not path.is_symlink() and path.lstat().st_mtime < before:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            pass
    return removed


# ---- registration sidecars: the numbers, recoverable without the ledger ---------------------------------------

def sidecar_path(root: Path, year: int, seq: int) -> Path:
    return root / "registrations" / str(year) / f"{seq:06d}.json"


def write_sidecar(root: Path, row: dict) -> Path:
    """registrations/<year>/<seq>.json: the registration (id, 收文编号, sha256, name, channel, time), written
    atomically so that `shouwen rebuild-ledger` can restore the ledger with its numbers."""
    path = sidecar_path(root, row["year"], row["seq"])
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {k: row.get(k) for k in ("id", "number", "year", "seq", "received_at", "channel", "file", "file_raw",
                                      "sha256", "archive_path")}
    return write_json_atomically(path, record)


def write_json_atomically(path: Path, record: dict) -> Path:
    """`record` as JSON at `path`, whole or not at all: a temporary file beside it (TEMP_PREFIX, removed by the
    next batch if a kill leaves it), fsync, rename. OSError passes through."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def receive(root: Path, ledger: Ledger, channel: str, path: Path) -> Registration:
    """签收 and 登记 one file: archive first, then register (a file received before keeps its number)."""
    raw = os.fsencode(path)
    name, raw_hex = display_name(os.path.basename(raw))
    arrival = Arrival(channel, raw, name, raw_hex, os.lstat(raw))
    sha256, kept = copy_in(root, arrival)
    registration = ledger.register(sha256=sha256, file=name, channel=channel, archive_path=str(kept.relative_to(root)),
                                   file_raw=raw_hex)
    write_sidecar(root, ledger.get(registration.id))
    return registration
