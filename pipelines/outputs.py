"""Output paths the clerk names on the command line (--out, --xlsx, --site): checked before any work is done, so
that a path that cannot be written is one Chinese line naming it and the reason (exit 2), never a traceback or
程序内部错误 after the work.

    writable_file(path)    -> Path   a file that can be created or replaced there, else OutputUnwritable
    writable_folder(path)  -> Path   a folder that exists (or can be made) and can be written, else OutputUnwritable
    why(exc: OSError)      -> str    the reason in the clerk's words (文件夹不存在, 没有写入权限, 磁盘为只读 …)

The check writes and removes a probe file in the folder: permission bits alone do not say that /proc or a
read-only mount refuse a new file (the service account is often root, for whom os.access says yes).
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

REASONS = {errno.ENOENT: "文件夹不存在", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
           errno.EISDIR: "这是一个文件夹，请给出文件名", errno.ENOTDIR: "路径中有一段不是文件夹",
           errno.EROFS: "磁盘为只读", errno.ENOSPC: "磁盘已满", errno.EDQUOT: "磁盘配额已满",
           errno.ENAMETOOLONG: "路径过长", errno.EINVAL: "路径无效"}


class OutputUnwritable(ValueError):
    """An output path that cannot be written; str() is the clerk's line: 无法写入“/proc/x.docx”：文件夹不存在."""

    def __init__(self, path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"无法写入“{path}”：{reason}")


def why(exc: OSError) -> str:
    """Why a path could not be written, in the clerk's words (the system's own text where no word is kept)."""
    return REASONS.get(exc.errno, exc.strerror or "无法写入")


def _probe(folder: Path, shown) -> None:
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".shouwen-probe-"):
            pass
    except OSError as exc:
        reason = why(exc)
        if exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM) and folder.is_dir():  # /proc, a locked folder
            reason = f"文件夹“{folder}”中不能新建文件" + ("" if exc.errno == errno.ENOENT else f"（{reason}）")
        raise OutputUnwritable(shown, reason) from exc


def writable_file(path) -> Path:
    """`path` (str or Path) as a Path, once a file can be written there: its folder exists, is a folder and takes a
    new file; the path itself is not a folder. OutputUnwritable otherwise."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise OutputUnwritable(path, REASONS[errno.EISDIR])
    folder = path.parent
    if not folder.exists():
        raise OutputUnwritable(path, f"文件夹“{folder}”不存在")
    if not folder.is_dir():
        raise OutputUnwritable(path, REASONS[errno.ENOTDIR])
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputUnwritable(path, "文件已存在且不可写")
    _probe(folder, path)
    return path


def writable_folder(path) -> Path:
    """`path` as a Path, once it is a folder that takes a new file (made, with its parents, where missing).
    OutputUnwritable otherwise."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise OutputUnwritable(path, "这是一个文件，不是文件夹")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        above = next((p for p in path.absolute().parents if p.exists()), None)
        if exc.errno == errno.ENOENT and above is not None and above.is_dir():  # /proc/site: /proc makes no folder
            raise OutputUnwritable(path, f"文件夹“{above}”中不能新建文件夹") from exc
        raise OutputUnwritable(path, why(exc)) from exc
    _probe(path, path)
    return path
