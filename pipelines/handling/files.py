"""Files attached to a 办理情况 (progress note): stored under the data root, content-addressed like the archive
(handling-files/ab/cd/<sha256><ext>, written atomically, read-only), so the same file attached twice is kept
once and a stored file never changes. A classified document's files go under secure/handling-files (0700).

    store_files(office, [Path]) -> [Stored(name, sha256, size, path)]   path relative to the data root
Refusals (HandlingRefusal): bad_file (missing, not a regular file, unreadable, over MAX_BYTES) — nothing stored
then for any of the files given.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .refusals import HandlingRefusal

MAX_BYTES = 200 * 1024 * 1024  # one attachment


@dataclass(frozen=True)
class Stored:
    name: str  # the file's own name, as given
    sha256: str
    size: int
    path: str  # relative to the data root

    def to_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "size": self.size, "path": self.path}


def folder(root: Path, confidential: bool) -> Path:
    """Where attachments live: the data root's handling-files/ (.secure/handling-files/ when classified)."""
    from ..dataroot import DataRoot

    return DataRoot(root).handling_files(confidential)


def _suffix(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if ext[1:].isascii() and ext[1:].isalnum() and len(ext) <= 10 else ""


def _check(path: Path) -> os.stat_result:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise HandlingRefusal("bad_file", f"附件无法读取：{path}（{exc.strerror or exc}）") from None
    if not stat.S_ISREG(st.st_mode):
        raise HandlingRefusal("bad_file", f"附件不是普通文件：{path}")
    if st.st_size > MAX_BYTES:
        raise HandlingRefusal("bad_file", f"附件过大：{path}（{st.st_size // (1 << 20)} MB，至多 {MAX_BYTES >> 20} MB）")
    return st


def store_files(office, paths: list[Path], confidential: bool = False) -> list[Stored]:
    """Copy each file in (all checked first); return what was stored, in the order given."""
    from ..dataroot import write_read_only

    paths = [Path(p) for p in paths]
    for path in paths:
        _check(path)
    out = []
    base = folder(office.root, confidential)
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        sha = digest.hexdigest()
        target = base / sha[:2] / sha[2:4] / f"{sha}{_suffix(path.name)}"
        if not target.exists():
            def copy(out_fh, source=path) -> None:
                with open(source, "rb") as src:
                    while block := src.read(1 << 20):
                        out_fh.write(block)
            write_read_only(target, copy)
        out.append(Stored(path.name, sha, target.stat().st_size, str(target.relative_to(office.root))))
    return out
