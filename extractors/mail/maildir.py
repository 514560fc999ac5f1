"""A maildir folder (cur/, new/, tmp/) as an inbox: its messages, one 收文 each (邮箱目录)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MaildirMessage:
    """One message file: `key` is the maildir's unique name (before ':2,flags'), `folder` 'new' or 'cur'."""

    key: str
    path: Path
    folder: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def is_maildir(path: Path) -> bool:
    """A folder holding cur/ and new/ (tmp/ may be missing in copies)."""
    path = Path(path)
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def list_maildir(path: Path) -> list[MaildirMessage]:
    """The delivered messages of a maildir, new/ and cur/, oldest name first (maildir names start with the
    delivery time). tmp/ is skipped: a message there is still being written. Hidden files, folders and
    symbolic links are skipped (a link could point anywhere on the machine). Raises NotADirectoryError."""
    path = Path(path)
    if not is_maildir(path):
        raise NotADirectoryError(f"不是 maildir 邮箱目录（应有 cur/ 和 new/）：{path}")
    found = []
    for folder in ("new", "cur"):
        with os.scandir(path / folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                found.append(MaildirMessage(key=entry.name.split(":", 1)[0], path=Path(entry.path), folder=folder))
    return sorted(found, key=lambda m: (m.key, m.folder))
