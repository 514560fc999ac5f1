"""The data root (数据目录): every folder and file the office keeps under it, named here and nowhere else, and
the writers that put files there whole or not at all.

    paths = DataRoot(root)              # office.paths is one
    paths.inbox("edoc")                 inbox/edoc/            what arrives, per channel (CHANNELS; CHANNEL_ZH names them)
    paths.received("mail")              received/mail/         inbox files once taken in, <year>-<seq>-<name>
    paths.counter                       inbox/.counter/        a paper document's upload at the counter (窗口收文),
                                                               for the instant it is taken in (not a channel)
    paths.archive                       archive/               originals, content-addressed, read-only (0444)
    paths.archived(sha256, ".pdf")      archive/ab/cd/<sha256>.pdf
    paths.outbox                        outbox/<来文单位>/      退文通知单 and 审核意见.json (paths.sender(issuer))
    paths.withdrawn                     withdrawn/<来文单位>/   withdrawn returns, kept
    paths.quarantine                    quarantine/            what could not be read or taken in, with .原因.txt
    paths.registrations                 registrations/<year>/  the registration and 机要 records (rebuild-ledger)
    paths.cache                         cache/                 rendered page images and such: rebuildable
    paths.cache_folder(confidential)    cache/ or .secure/cache/  (a classified or held document's)
    paths.secure                        .secure/               classified and held originals under their 收文编号
                                                               only, for the service account alone (0700 / 0400)
    paths.handling_files(confidential)   handling-files/       files attached to a 办理情况 (.secure/… if classified)
    paths.reminders(day)                reminders/<day>/       催办通知 written by the reminder step
    paths.prefect, paths.ledger_file, paths.rules_file, paths.lock_file, paths.events

Writers: write_json_atomically, write_bytes_atomically, write_read_only (temporary beside the target, fsync,
rename; a kill leaves only a TEMP_PREFIX temporary, which clean_temporaries removes under the batch lock).
Names: safe_name (cut under NAME_MAX bytes), suffix_of, numbered (<year>-<seq>-), sender_folder.
This module imports nothing of pipelines/: everything under the root can use it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Optional

CHANNELS = ("fax", "edoc", "scan", "mail")
# 来文渠道 as the office names them: the one place (the 登记簿, the pages, the history lines, the filters' menus); a
# letter channel (an inbox folder of [letters], 12345, 市长信箱 …) is named by its folder and shown as it is
CHANNEL_ZH = {"edoc": "电子公文", "fax": "传真", "scan": "纸质扫描", "mail": "电子邮件"}


def channel_zh(channel: Optional[str]) -> str:
    """来文渠道 in Chinese: 电子公文, 传真, 纸质扫描, 电子邮件; a letter channel's folder (12345) as it is; "—" for none."""
    return CHANNEL_ZH.get(channel or "", channel or "—")


def channel_code(value: Optional[str]) -> Optional[str]:
    """The channel a filter names, by its code or its Chinese name (传真 → fax); anything else (a letter channel's
    folder, an unknown value for the caller to refuse) as it is."""
    return {zh: code for code, zh in CHANNEL_ZH.items()}.get(value, value) if value is not None else None


DEFAULT_ROOT = Path("shouwen-data")
NAME_MAX = 255  # bytes in one file name (ext4, xfs, tmpfs)
TEMP_PREFIX = ".incoming-"
SECURE_FOLDER_MODE, SECURE_FILE_MODE = 0o700, 0o400  # the service account alone; originals stay read-only


def data_root(explicit: Optional[str | Path] = None) -> Path:
    """--root, else $SHOUWEN_ROOT, else ./shouwen-data."""
    return Path(explicit or os.environ.get("SHOUWEN_ROOT") or DEFAULT_ROOT)


class DataRoot:
    """The folders of one data root (see the module's docstring). Paths only: nothing is made until asked
    (prepare, secure_folder)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"DataRoot({str(self.root)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, DataRoot) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    # -- what arrives and where it goes --------------------------------------------------------------------
    def inbox(self, channel: Optional[str] = None) -> Path:
        return self.root / "inbox" / channel if channel else self.root / "inbox"

    @property
    def counter(self) -> Path:
        """inbox/.counter/: where an upload at the counter (窗口收文) lies while it is taken in; a hidden folder
        beside the channels, which the batch's scan never reads."""
        return self.inbox() / ".counter"

    def received(self, channel: Optional[str] = None) -> Path:
        return self.root / "received" / channel if channel else self.root / "received"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def archived(self, sha256: str, suffix: str = "") -> Path:
        """archive/ab/cd/<sha256><suffix>: where an original with this digest is kept."""
        return self.archive / sha256[:2] / sha256[2:4] / f"{sha256}{suffix}"

    def originals(self) -> Iterator[Path]:
        """The archived originals (archive/ab/cd/<sha256>.ext), lazily; temporaries left out."""
        if not self.archive.is_dir():
            return
        for path in self.archive.glob("??/??/*"):
            if path.is_file() and not path.name.startswith(TEMP_PREFIX):
                yield path

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def withdrawn(self) -> Path:
        return self.root / "withdrawn"

    def sender(self, issuer: Optional[str], folder: Optional[Path] = None) -> Path:
        """outbox/<来文单位>/ (or withdrawn/<来文单位>/ with folder=paths.withdrawn): a sender's returns."""
        return (folder or self.outbox) / sender_folder(issuer)

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    # -- records kept beside the ledger --------------------------------------------------------------------
    @property
    def registrations(self) -> Path:
        return self.root / "registrations"

    def registration(self, year: int, seq: int, suffix: str = ".json") -> Path:
        """registrations/<year>/<seq>.json (the registration) or …<suffix> (its 机要 record: .decision.json)."""
        return self.registrations / str(year) / f"{seq:06d}{suffix}"

    @property
    def events(self) -> Path:
        """events/: deliveries of a state change's event that failed, for the next batch to retry (events.py)."""
        return self.root / "events"

    @property
    def cache(self) -> Path:
        """cache/: what can be made again from the archive (rendered page images…); never a record."""
        return self.root / "cache"

    def cache_folder(self, confidential: bool = False) -> Path:
        """cache/ (or .secure/cache/ for a classified or held document's: page images never beside the open
        ones, made 0700 by secure_folder)."""
        if confidential:
            return self.secure_folder() / "cache"
        return self.cache

    # -- 承办/督办 (pipelines/handling) -------------------------------------------------------------------------
    def handling_files(self, confidential: bool = False) -> Path:
        """handling-files/ (or .secure/handling-files/ for a classified document's): files attached to a 办理情况,
        content-addressed like the archive."""
        if confidential:
            return self.secure_folder() / "handling-files"
        return self.root / "handling-files"

    def reminders(self, day: str) -> Path:
        """reminders/<YYYY-MM-DD>/: the 催办通知 written by the reminder step that day."""
        return self.root / "reminders" / day

    # -- classified and held originals ---------------------------------------------------------------------
    @property
    def secure(self) -> Path:
        """.secure/: the originals of classified and held documents, named by 收文编号 only (secure_folder)."""
        return self.root / ".secure"

    def secured(self, year: int, seq: int, suffix: str = "", tail: str = "") -> Path:
        """.secure/<year>-<seq><tail><suffix>: a classified original under its 收文编号 only."""
        return self.secure / f"{year}-{seq:06d}{tail}{suffix}"

    def secure_folder(self) -> Path:
        """.secure/, made if missing, mode 0700 whatever it was (the service account alone)."""
        self.secure.mkdir(mode=SECURE_FOLDER_MODE, parents=True, exist_ok=True)
        os.chmod(self.secure, SECURE_FOLDER_MODE)
        return self.secure

    # -- the office's own files ----------------------------------------------------------------------------
    @property
    def prefect(self) -> Path:
        """prefect/: Prefect's home (its database, its log) for batches on this root."""
        return self.root / "prefect"

    @property
    def ledger_file(self) -> Path:
        """ledger.sqlite3: the embedded ledger's default place."""
        return self.root / "ledger.sqlite3"

    @property
    def rules_file(self) -> Path:
        """routing.toml: the office's own 分办 rules."""
        return self.root / "routing.toml"

    @property
    def lock_file(self) -> Path:
        return self.root / ".batch.lock"

    def prepare(self) -> None:
        """Make the inbox, archive, outbox and quarantine folders. A folder on the inbox path that is a symbolic
        link is left as it is (nothing is made through it, where it points): the batch refuses it (inbox.scan)."""
        for channel in CHANNELS:
            if self.inbox().is_symlink() or self.inbox(channel).is_symlink():
                continue
            self.inbox(channel).mkdir(parents=True, exist_ok=True)
        for folder in (self.archive, self.outbox, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)

    def clean_temporaries(self, before: float) -> list[Path]:
        """Remove the TEMP_PREFIX temporaries of archive/ and registrations/ older than `before` (epoch seconds):
        what an intake killed mid-copy or mid-sidecar left. Run while holding the batch lock, so none of them
        belongs to a running batch."""
        removed = []
        found = [p for folder in (self.archive, self.registrations) for p in folder.rglob(f"{TEMP_PREFIX}*")]
        for path in found:
            try:
                if path.is_file() and not path.is_symlink() and path.lstat().st_mtime < before:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                pass
        return removed


# ---- names ---------------------------------------------------------------------------------------------------

def numbered(year: int, seq: int) -> str:
    """"2026-000012-": how a file named for registration 收〔2026〕12号 begins (received/, quarantine/)."""
    return f"{year}-{seq:06d}-"


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


def suffix_of(name: str) -> str:
    """The lower-case extension of `name` where it is short and plain (".pdf"), else "" (archive names)."""
    ext = os.path.splitext(name)[1].lower()
    return ext if ext[1:].isascii() and ext[1:].isalnum() and len(ext) <= 10 else ""


def sender_folder(issuer: str | None) -> str:
    """The outbox folder of a 来文单位: its name without path or shell characters, never hidden, ≤ 40 chars."""
    name = re.sub(r'[\\/:*?"<>|\s]', "", issuer or "").lstrip(".") or "来文单位不明"  # no hidden folder
    return name[:40]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- writing whole or not at all -----------------------------------------------------------------------------

def _atomically(path: Path, write: Callable, mode: Optional[int] = None, text: bool = False) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "w" if text else "wb", **({"encoding": "utf-8"} if text else {})) as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json_atomically(path: Path, record: dict, mode: Optional[int] = None) -> Path:
    """`record` as JSON at `path`, whole or not at all: a temporary file beside it (TEMP_PREFIX, removed by the
    next batch if a kill leaves it), fsync, rename. mode: the file's permissions (else the umask's). OSError
    passes through."""
    return _atomically(Path(path), lambda out: json.dump(record, out, ensure_ascii=False), mode, text=True)


def write_bytes_atomically(path: Path, data: bytes, mode: Optional[int] = None) -> Path:
    """`data` at `path`, whole or not at all (as write_json_atomically); the folder is made if missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return _atomically(path, lambda out: out.write(data), mode)


def write_read_only(target: Path, write: Callable, mode: int = 0o444) -> Path:
    """Write an archived original atomically: `write(out)` fills a temporary beside `target`, which is fsynced,
    made read-only (originals are evidence; `mode`) and renamed into place; a failure leaves no temporary."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return _atomically(target, write, mode)


def prepare(root: Path | str) -> None:
    """DataRoot(root).prepare(): the inbox, archive, outbox and quarantine folders made."""
    DataRoot(root).prepare()
