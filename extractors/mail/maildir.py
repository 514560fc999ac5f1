"""A maildir folder (cur/, new/, tmp/) as an inbox: its messages, one 收文 each (邮箱目录)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class MaildirMessage:
    """One message file: `key` is the maildir's unique name (before ':2,flags'), `folder` 'new' or 'cur'."""

    key: str
    path: Path
    folder: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def is_maildir(path: Path) -> bool:
    """A folder holding cur/ and new/ (tmp/ may be missing in copies). A cur/ or new/ that is a symbolic link
    (even a broken one) counts, so that list_maildir can report it rather than the folder being taken for
    something else."""
    path = Path(path)
    return path.is_dir() and all((path / sub).is_dir() or (path / sub).is_symlink() for sub in ("cur", "new"))


def list_maildir(path: Path, links: Optional[list[Path]] = None) -> list[MaildirMessage]:
    """The delivered messages of a maildir, new/ and cur/, oldest name first (maildir names start with the
    delivery time). tmp/ is skipped: a message there is still being written. Hidden files and folders are
    skipped. Symbolic links are never followed (a link could point anywhere on the machine): a message file
    that is a link, and a new/ or cur/ that is a link (then nothing in it is listed), are added to `links`
    when it is given, so the caller can refuse them. Raises NotADirectoryError."""
    path = Path(path)
    if not is_maildir(path):
        raise NotADirectoryError(f"不是 maildir 邮箱目录（应有 cur/ 和 new/）：{path}")
    found = []
    for folder in ("new", "cur"):
        if (path / folder).is_symlink():
            if links is not None:
                links.append(path / folder)
            continue
        with os.scandir(path / folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    if links is not None:
                        links.append(Path(entry.path))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                found.append(MaildirMessage(key=entry.name.split(":", 1)[0], path=Path(entry.path), folder=folder))
    return sorted(found, key=lambda m: (m.key, m.folder))
