"""签收 (intake): find new files in the inboxes, keep the original in the archive, register it.

The office's data root holds one inbox per channel (inbox/fax, inbox/edoc, inbox/scan, inbox/mail), the
content-addressed archive, the ledger database, the outbox for returns and the quarantine. The original is
copied into the archive — written to a temporary name, flushed, then renamed — before anything else happens,
and an archived file is never changed or deleted.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from .ledger import Ledger, Registration

CHANNELS = ("fax", "edoc", "scan", "mail")
DEFAULT_ROOT = Path("shouwen-data")


def data_root(explicit: Optional[str | Path] = None) -> Path:
    """--root, else $SHOUWEN_ROOT, else ./shouwen-data."""
    return Path(explicit or os.environ.get("SHOUWEN_ROOT") or DEFAULT_ROOT)


def prepare(root: Path) -> None:
    for channel in CHANNELS:
        (root / "inbox" / channel).mkdir(parents=True, exist_ok=True)
    for folder in ("archive", "outbox", "quarantine"):
        (root / folder).mkdir(parents=True, exist_ok=True)


def inbox_files(root: Path) -> list[tuple[str, Path]]:
    """(channel, path) of every file waiting in the inboxes, oldest first; hidden and partial files skipped."""
    found = []
    for channel in CHANNELS:
        folder = root / "inbox" / channel
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and not path.name.startswith((".", "~$")) and not path.name.endswith(".part"):
                    found.append((channel, path))
    return sorted(found, key=lambda item: (item[1].stat().st_mtime, item[1].name))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive(root: Path, source: Path, sha256: str) -> Path:
    """Copy `source` to archive/ab/cd/<sha256><suffix> atomically; an existing copy is left untouched."""
    target = root / "archive" / sha256[:2] / sha256[2:4] / f"{sha256}{source.suffix.lower()}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o444)  # the archive is read-only: originals are evidence
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def receive(root: Path, ledger: Ledger, channel: str, path: Path) -> Registration:
    """签收 and 登记 one file: archive first, then register (a file received before keeps its number)."""
    sha256 = sha256_of(path)
    kept = archive(root, path, sha256)
    return ledger.register(sha256=sha256, file=path.name, channel=channel, archive_path=str(kept.relative_to(root)))
