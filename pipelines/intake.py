"""签收 (intake): take each complete file waiting in the inboxes in, keep the original in the archive, register it.

    take_in(office)               the batch's first step: every ready inbox file archived, registered, moved to
                                  received/<channel>/<year>-<seq>-<name>; what is refused goes to quarantine/
    copy_in(root, arrival)        one file read once into archive/ab/cd/<sha256><ext> (read-only)
    receive(root, ledger, channel, path)   签收 and 登记 of one file outside the batch (tests, tools)
    write_sidecar(root, row)      registrations/<year>/<seq>.json: the number, recoverable without the ledger

The original is copied into the archive — written to a temporary name, flushed, then renamed — before anything
else happens, and an archived file is never changed or deleted. What waits in the inboxes, and what of it is
refused unread, is found by pipelines/inbox.py; the folders and the atomic writers are pipelines/dataroot.py's.
Each file is taken on its own: what fails for one file quarantines that file, and the batch goes on; a fault
of the disk or the ledger stops the batch.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from .dataroot import (
    NAME_MAX,
    SECURE_FILE_MODE,
    TEMP_PREFIX,
    DataRoot,
    channel_zh,
    numbered,
    safe_name,
    suffix_of,
    write_json_atomically,
    write_read_only,
)
from .faults import is_root_fault
from .inbox import (
    REASON_HARDLINK,
    REASON_OUTSIDE,
    REASON_SYMLINK,
    Arrival,
    Refused,
    _kind,
    arriving,
    display_name,
    scan,
    settled,
    stray,
)
from .ledger import Ledger, Registration
from .secrecy import is_confidential, name_shown, named_by_sender
from .steps import step
from .summary import Summary
from .terminal import shown

WITHHELD_NAME = "（涉密公文，文件名不予显示）"


@step("签收登记 take-in")  # a file still being written waits for the next batch; no retry: each file on its own
def take_in(office, summary: Optional[Summary] = None, clock: Callable[[], float] = time.time) -> Summary:
    """签收 every complete regular file in the inboxes, each on its own: archive, register, then move it out of
    the inbox into received/. Links, devices, FIFOs and folders go to quarantine unread; files still being
    written wait for the next batch, and so does a file structurally incomplete (cut off: a PDF without its
    end…) for [intake] incomplete_grace_seconds after its last write (inbox.arriving, judged at `clock()`,
    epoch seconds); a file that fails alone is quarantined with its reason; a writer's temporaries (.name,
    ~$name, name.part) are left and said. A fault of the disk or the ledger (磁盘已满, 只读, 登记簿损坏) stops
    the batch instead. Returns the summary (new `summary` when none is given) with the newly registered, the
    duplicates, the refused, the waiting and the left files. Call with the batch lock held (batch_lock.py)."""
    started = time.time()
    DataRoot(office.root).clean_temporaries(before=started)  # what a killed intake left (we hold the lock: none is live)
    summary = summary if summary is not None else Summary()
    letter_folders = tuple(office.config.settings.letters.folders) if office.config else ()
    for folder in letter_folders:  # the office's letter channels (shouwen.toml [letters] folders): made where missing
        if not DataRoot(office.root).inbox().is_symlink():
            DataRoot(office.root).inbox(folder).mkdir(parents=True, exist_ok=True)
    files, strange = scan(office.root, summary.left, letter_folders)
    summary.stray.extend(stray(office.root, letter_folders))  # inbox/ itself is no channel: said, left in place
    for arrival, reason in strange:
        summary.refused.append(_refuse(office, arrival, reason))
    ready, waiting = settled(files)
    summary.waiting += len(waiting)
    ready, cut = arriving(ready, office.config.settings.intake.incomplete_grace_seconds, clock())
    summary.waiting += len(cut)
    summary.arriving.extend((arrival.channel, arrival.name, why) for arrival, why in cut)
    new = duplicates = 0
    for arrival in ready:
        try:
            created, duplicate, number, confidential = take_one(office, arrival)
        except NotTaken as exc:
            if exc.refused and not exc.move:  # outside the data root: not moved either
                summary.refused.append(Refused(arrival.channel, arrival.name, exc.reason))
            elif exc.refused:
                summary.refused.append(_refuse(office, arrival, exc.reason))
            else:
                summary.waiting += 1
            continue
        except Exception as exc:
            if is_root_fault(exc):
                raise
            if isinstance(exc, FileNotFoundError) and not os.path.lexists(arrival.path):
                continue  # taken away since the scan: nothing to refuse
            code = errno.errorcode.get(getattr(exc, "errno", None) or -1, type(exc).__name__)
            summary.refused.append(_refuse(office, arrival, f"签收失败：读取或移动此文件时出错（{code}）"))
            continue
        new += created
        duplicates += duplicate
        if duplicate:  # a classified one's name is not said (it may be its title)
            summary.duplicate_of.append((WITHHELD_NAME if confidential else arrival.name, number))
    summary.received, summary.duplicates = summary.received + new, summary.duplicates + duplicates
    return summary


def take_one(office, arrival: Arrival, actor: str = "batch") -> tuple[bool, bool, str, bool]:
    """One inbox file: (newly registered, a duplicate of a registered one, its 收文编号, confidential). A file
    registered by a batch that was killed before moving it out of the inbox is resumed (neither new nor a
    duplicate). The 收文 time is the office's clock ([office] timezone), which also decides the year of its
    收文编号. A copy of a classified or held document received again is kept with it in .secure/, under its
    收文编号 only (confidential: True). actor: who registered it (the history's name: the batch, or the account
    that registered a paper document at the counter)."""
    ledger = office.ledger
    sha256, kept = copy_in(office.root, arrival)
    registration = ledger.register(sha256=sha256, file=arrival.name, channel=arrival.channel,
                                   archive_path=str(kept.relative_to(office.root)), file_raw=arrival.raw_hex,
                                   received_at=office.now(), actor=actor)
    row = ledger.get(registration.id)
    write_sidecar(office.root, row)  # the number, recoverable without the ledger
    paths = DataRoot(office.root)
    folder = paths.received(arrival.channel)
    stored = _stored_as(office, arrival, row)
    target = folder / safe_name(numbered(row["year"], row["seq"]), stored)
    kept = paths.secured(row["year"], row["seq"], suffix_of(arrival.name))  # a classified one's first copy
    resumed = (not registration.created and row["file"] == arrival.name and row["channel"] == arrival.channel
               and not target.exists() and not kept.exists())  # registered, then killed before the move: not a copy
    duplicate = not registration.created and not resumed
    # the secrecy decision before the duplicate's: the registration's (classified, held) or this copy's own name
    # (a 密级 in it: named_by_sender, as for a new file) — the same bytes under 秘密-… are not folded in as open
    named = named_by_sender(arrival.name, None) if duplicate else None
    confidential = duplicate and (is_confidential(row) or bool(named))
    if duplicate:  # the same paper sent twice (also under the same name): one registration, the copy kept beside
        target = folder / safe_name(numbered(row["year"], row["seq"]), stored, f"-重复{arrival.st.st_mtime_ns}")
        where = f"{channel_zh(arrival.channel)}收件箱"
        said = (f"{where}：{shown(arrival.name)}" if is_confidential(row) or not named  # the row's readers
                else f"{where}，{name_shown(arrival.name).strip('（）')}")
        ledger.note(row["id"], f"再次收到同一文件（{said}），不重复登记")
    if confidential:  # its name may be its title: beside the first copy, under the 收文编号 only
        folder = paths.secure_folder()
        target = paths.secured(row["year"], row["seq"], suffix_of(arrival.name), f"-重复{arrival.st.st_mtime_ns}")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(arrival.path, target)  # the name itself moves: a link swapped in is moved, not followed
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(arrival.path, target, follow_symlinks=False)  # an inbox on another disk: copy, then remove
        os.unlink(arrival.path)
    if confidential:
        os.chmod(target, SECURE_FILE_MODE)
    if named and not is_confidential(row):
        _hold_for_name(office, row, named, actor)
    return registration.created, duplicate, row["number"], confidential


HOLDABLE = ("registered", "reviewed", "quarantined")  # nobody has acted on its content yet: the 机要员 decides first


def _hold_for_name(office, row: dict, named: str, actor: str) -> None:
    """A copy of open registration `row` came again under a name that says a 密级 (`named`, secrecy's words): the
    sender calls these bytes classified. Where nobody has acted on the registration yet (HOLDABLE: not routed,
    indexed, returned or linked), it is held for the 机要员 as a new file so named would be (disposition.hold:
    out of the shared views, its originals in .secure/); the 机要员 releases it if it is open. Otherwise (already
    given out) the registration stays, and a line in its history asks the 机要员 to look (no file name in it)."""
    from .disposition import hold  # the batch's step (disposition imports the index): only when it is needed

    reason = f"再次收到同一文件，{named}，暂存待机要员核定，不进入检索、不退文、不分办"
    current = office.ledger.get(row["id"]) or row
    if current["status"] in HOLDABLE:
        hold(office, current, reason)  # by the policy (the batch's name in the history), whoever handed it in
    else:
        office.ledger.note(row["id"], f"再次收到同一文件，{named}；副本已存入机要件目录，请机要员核定", actor=actor)


def _refuse(office, arrival: Arrival, reason: str) -> Refused:
    """Move an inbox entry into quarantine/ as it is (a link stays a link, nothing is read), with its reason; a
    linked inbox folder is replaced by an empty real folder. `where` is "" when it could not be moved."""
    folder = DataRoot(office.root).quarantine
    stamp = time.strftime("%Y%m%d%H%M%S")
    base = safe_name(f"拒收-{stamp}-{arrival.channel}-", arrival.name, limit=NAME_MAX - len(".原因.txt".encode()) - 4)
    target, n = folder / base, 1
    while os.path.lexists(target):
        n += 1
        target = folder / f"{base}-{n}"
    try:
        os.rename(arrival.path, target)
        if arrival.folder_link:  # a linked inbox folder: a real, empty one in its place (the link's target untouched)
            os.mkdir(arrival.path)
        (folder / f"{target.name}.原因.txt").write_text(f"{arrival.name}：{reason}\n", encoding="utf-8")
        where = str(target.relative_to(office.root))
    except OSError as exc:
        if is_root_fault(exc):
            raise
        where = ""  # it could not be moved: left where it is, refused again next time
    return Refused(arrival.channel, arrival.name, reason, where)


# ---- the archive ---------------------------------------------------------------------------------------------

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
        paths = DataRoot(root)
        paths.archive.mkdir(parents=True, exist_ok=True)
        tmp_fd, tmp = tempfile.mkstemp(dir=paths.archive, prefix=TEMP_PREFIX)
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
            target = paths.archived(sha256, suffix_of(arrival.name))
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


def archive(root: Path, source: Path, sha256: str) -> Path:
    """Copy `source` to archive/ab/cd/<sha256><suffix> atomically; an existing copy is left untouched."""
    target = DataRoot(root).archived(sha256, suffix_of(source.name))
    if target.exists():
        return target

    def copy(out) -> None:
        with open(source, "rb") as src:
            while block := src.read(1 << 20):
                out.write(block)

    return write_read_only(target, copy)


# ---- registration sidecars: the numbers, recoverable without the ledger ---------------------------------------

def _stored_as(office, arrival: Arrival, row: dict) -> str:
    """The name after <year>-<seq>- in received/: the name it came with, but for a folder the office declares as
    a letter channel ([letters] folders: 12345 …), whose files may be named by a caller's telephone number —
    there its digest (pipelines/letters/files.py; the letter's number once it is registered as one)."""
    if arrival.channel in office.config.settings.letters.folders:
        from .letters.files import stored_name

        return stored_name("", row["sha256"], arrival.name)
    return arrival.name


def sidecar_path(root: Path, year: int, seq: int) -> Path:
    return DataRoot(root).registration(year, seq)


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
