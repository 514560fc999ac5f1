"""Faults of the data root said to the clerk (故障提示): one Chinese line naming the cause and what to do.

Disk full, a read-only data root, a damaged ledger: these stop a whole batch or command (exit 2), never a
single document, and never reach the clerk as a traceback. `describe(exc, root)` gives the line, or None
for an error that is not one of these.
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Optional

from .ledger import LedgerUnavailable

DISK_FULL = "磁盘已满：数据目录 {root} 所在磁盘没有剩余空间。请清理或扩容磁盘后重新运行；已登记的文件不受影响"
READ_ONLY = "数据目录只读：无法写入 {root}。请检查磁盘挂载（是否以只读方式挂载）和目录权限后重新运行；已登记的文件不受影响"
DAMAGED = "登记簿损坏：{root}/ledger.sqlite3 无法读取。请运行 shouwen rebuild-ledger --root {root} 从档案重建登记簿（收文编号保持不变）"
NO_PERMISSION = "没有权限写入数据目录 {root}：请以有权限的用户运行，或检查目录权限"
MIN_FREE_BYTES = 32 << 20  # a batch needs room for Prefect's database, the ledger's journal and the archive copies


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def kind(exc: BaseException) -> Optional[str]:
    """'disk_full', 'read_only', 'damaged', 'permission' or None, looking through the exception's causes."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return "disk_full"
        if isinstance(e, OSError) and e.errno == errno.EROFS:
            return "read_only"
        if isinstance(e, sqlite3.DatabaseError):
            text = str(e).lower()
            if "disk is full" in text or "disk full" in text:
                return "disk_full"
            if "readonly" in text or "read-only" in text:
                return "read_only"
            if "not a database" in text or "malformed" in text or "no such table: documents" in text:
                return "damaged"
            if "unable to open database" in text:
                return "read_only"
        if isinstance(e, PermissionError):
            return "permission"
        if type(e).__name__ == "LedgerDamaged":
            return "damaged"
        if isinstance(e, LedgerUnavailable):  # the ledger's server down: no document can be registered or moved on
            return "ledger_unavailable"
    return None


def describe(exc: BaseException, root: Path) -> Optional[str]:
    """The clerk's one line for a fault of the data root, or None."""
    found = kind(exc)
    if found == "damaged" and type(exc).__name__ == "LedgerDamaged":
        return str(exc)
    if found == "ledger_unavailable":
        cause = next(e for e in _chain(exc) if isinstance(e, LedgerUnavailable))
        return f"{cause}。请检查登记簿数据库服务后重新运行；已登记的文件不受影响，下次运行会接着处理"
    template = {"disk_full": DISK_FULL, "read_only": READ_ONLY, "damaged": DAMAGED, "permission": NO_PERMISSION}.get(found)
    return template.format(root=root) if template else None


def is_root_fault(exc: BaseException) -> bool:
    """A fault of the disk or the ledger (not of one file): it stops the batch instead of quarantining a file."""
    return kind(exc) in ("disk_full", "read_only", "damaged", "ledger_unavailable")


def check_writable(root: Path) -> Optional[str]:
    """Before a batch: the one line for a data root that is read-only or full, else None."""
    import os
    import shutil

    probe = Path(root) / f".shouwen-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError as exc:
        try:
            probe.unlink()
        except OSError:
            pass
        return describe(exc, root) or f"无法写入数据目录 {root}：{exc.strerror or exc}"
    if shutil.disk_usage(root).free < MIN_FREE_BYTES:
        return DISK_FULL.format(root=root)
    return None
