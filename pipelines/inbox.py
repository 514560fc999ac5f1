"""What waits in the inboxes (收件箱): the files of inbox/<channel>/ and the messages of its maildir folders,
found, named and checked before anything is read.

What the inbox may hold is not trusted:
  * only regular files are taken. A symbolic link (to /etc/passwd or anywhere), a hard link (the same file under
    another name, perhaps outside the data root), a FIFO, a device or a folder is refused with a Chinese reason
    (the batch moves it to quarantine/ as it is, pipelines/intake.py); its target is never opened.
  * a file still being written waits: it is taken only when its size and mtime stay the same over the settle
    time ($SHOUWEN_SETTLE_SECONDS, default 2 s) and no process holds it open for writing (/proc/*/fdinfo).
  * names are bytes: a name that is not UTF-8 (a GBK name from a Windows share) is shown decoded as GB18030
    where it can be, and kept losslessly in the ledger as hex (display_name).
  * a maildir folder (cur/, new/, tmp/) in inbox/mail/ gives one arrival per message in new/ and cur/ (tmp/,
    messages still being written, is never read); the folder stays, so the mail fetcher keeps delivering into it.

  * a file written in two goes (half written and closed, the rest later) looks settled in between: one that is
    structurally incomplete (extractors/complete.py: a PDF without %%EOF, a zip without its central directory,
    a cut image or mail) waits while it is younger than the grace period ([intake] incomplete_grace_seconds),
    then is taken as it is (and quarantined by its reader, as any damaged file).
  * names beginning with a dot, ~$ (an editor's lock file) or ending in .part are a writer's temporaries: left
    where they are, and said (left_alone).

    scan(root)        -> (arrivals, [(arrival, why refused)])
    settled(arrivals) -> (complete, still being written)
    arriving(arrivals, grace, now) -> (whole or too old to wait for, [(still arriving, why)])
"""
from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .dataroot import CHANNELS, DataRoot

DEFAULT_SETTLE_SECONDS = 2.0


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


REASON_HIDDEN = ("文件名以“.”开头（隐藏文件，通常是传输软件写入中的临时文件），未收，留在收件箱；"
                 "如是来文，请去掉文件名开头的“.”")
REASON_LOCK = "文件名以“~$”开头（文字处理软件的锁定文件），未收，留在收件箱"
REASON_PART = "文件名以 .part 结尾（下载或传输中的临时文件），未收，留在收件箱；传完后应改为正式文件名"


def _skipped(raw: bytes) -> Optional[str]:
    """Why an inbox name is a writer's temporary, left where it is (None: an arrival)."""
    if raw.startswith(b"."):
        return REASON_HIDDEN
    if raw.startswith("~$".encode()):
        return REASON_LOCK
    return REASON_PART if raw.endswith(b".part") else None


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


def scan(root: Path, left: Optional[list] = None,
         letter_folders: tuple[str, ...] = ()) -> tuple[list[Arrival], list[tuple[Arrival, str]]]:
    """Every entry waiting in the inboxes, oldest first: (regular files, other things with the reason they are
    refused). Hidden, ~$ and .part names are left alone (a writer's temporaries); `left`, when given, gets
    (channel, name as shown, why) for each of them. A maildir folder in
    inbox/mail/ gives its messages (maildir_arrivals). A folder on the way that is a symbolic link
    (inbox/ itself, inbox/edoc, a maildir's new/ or cur/) is refused as one entry and not looked into: nothing
    outside the data root is read or moved. letter_folders: the inbox folders the office declared as letter
    channels ([letters] folders: inbox/12345/ …), scanned as channels of that name."""
    files, refused = [], []
    inbox = os.fsencode(DataRoot(root).inbox())
    if os.path.islink(inbox):
        return [], [(Arrival("数据目录", inbox, "inbox", None, os.lstat(inbox), folder_link=True), REASON_FOLDER_LINK)]
    for channel in CHANNELS + tuple(c for c in letter_folders if c not in CHANNELS):
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
            why_left = _skipped(entry.name)
            if why_left:
                if left is not None:
                    left.append((channel, display_name(entry.name)[0], why_left))
                continue
            try:
                st = os.lstat(entry.path)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(st.st_mode) and is_maildir_entry(channel, entry.path):  # message by message (below)
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


def stray(root: Path, letter_folders: tuple[str, ...] = ()) -> list[str]:
    """The names (as shown) of what lies directly in inbox/ beside the channel folders: files put there are never
    taken in (a channel is its folder), so the batch says them, and leaves them in place. A writer's temporaries
    and the channel and letter folders themselves are not listed; an inbox/ that is a link is the scan's to refuse."""
    inbox = DataRoot(root).inbox()
    if inbox.is_symlink():
        return []
    folders = {os.fsencode(c) for c in CHANNELS + tuple(letter_folders)}
    try:
        entries = sorted(os.scandir(os.fsencode(inbox)), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    return [display_name(e.name)[0] + ("/" if e.is_dir(follow_symlinks=False) else "") for e in entries
            if e.name not in folders and not _skipped(e.name)]


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


def arriving(arrivals: list[Arrival], grace: float, now: float) -> tuple[list[Arrival], list[tuple[Arrival, str]]]:
    """(to take, [(still arriving, why)]): a file structurally incomplete (extractors/complete.py) whose last
    write is less than `grace` seconds before `now` (epoch seconds: the caller's clock) is still arriving; a
    whole one, or one that stayed incomplete longer than that, is taken (its reader quarantines a cut one)."""
    from extractors.complete import incomplete

    ready, waiting = [], []
    for a in arrivals:
        age = now - a.st.st_mtime
        why = None
        if age < grace:
            try:
                why = incomplete(a.path)
            except OSError:
                why = None  # gone or unreadable: take_one says what it finds
        if why:
            waiting.append((a, f"{why}，可能仍在传入；最后写入后 {_span(grace)}内等待传完，仍不完整则隔离"))
        else:
            ready.append(a)
    return ready, waiting


def _span(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} 分钟" if minutes and not rest else f"{int(seconds)} 秒"


# ---- maildir folders in inbox/mail/ ----------------------------------------------------------------------------

def maildir_arrivals(channel: str, folder: bytes) -> tuple[list[Arrival], list[tuple[Arrival, str]]]:
    """The messages of the maildir at `folder` (bytes path, in inbox/mail/) as arrivals, oldest first by
    their maildir name; each arrival's name is "<maildir>-<message key>.eml" (what the ledger shows as the
    file). Hidden files are skipped. Returns (arrivals, refused): symbolic links are refused unread with their
    reason — a message file that is a link, and a new/ or cur/ that is a link (nothing in it is read:
    it may be outside the data root) — so the batch quarantines them and says so (extractors.mail.list_maildir)."""
    from extractors.mail import list_maildir

    out, refused = [], []
    box, _ = display_name(os.path.basename(folder))
    links: list[Path] = []
    for message in list_maildir(Path(os.fsdecode(folder)), links):
        try:
            st = os.lstat(message.path)
        except FileNotFoundError:
            continue
        key, raw_hex = display_name(os.fsencode(message.key))
        out.append(Arrival(channel, os.fsencode(message.path), f"{box}-{key}.eml", raw_hex, st))
    for link in links:
        try:
            st = os.lstat(link)
        except FileNotFoundError:
            continue
        is_folder = link.parent == Path(os.fsdecode(folder))  # new/ or cur/ itself
        shown = display_name(os.fsencode(link.name))[0]
        name = f"{box}/{shown}" if is_folder else f"{box}/{link.parent.name}/{shown}"
        refused.append((Arrival(channel, os.fsencode(link), name, None, st, folder_link=is_folder),
                        REASON_FOLDER_LINK if is_folder else REASON_SYMLINK))
    return out, refused


def is_maildir_entry(channel: str, path: bytes) -> bool:
    """A folder in inbox/mail/ that is a maildir (taken message by message, not quarantined as a folder)."""
    if channel != "mail":
        return False
    from extractors.mail import is_maildir

    return is_maildir(Path(os.fsdecode(path)))
