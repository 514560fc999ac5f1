"""Faults of the data root said to the clerk (故障提示): one Chinese line naming the cause and what to do.

Disk full, a read-only data root, a damaged ledger: these stop a whole batch or command (exit 2), never a
single document, and never reach the clerk as a traceback. `describe(exc, root)` gives the line, or None
for an error that is not one of these. `interrupted(exc, root, log)` is the line for a batch that stopped on
anything: a fault of the root, else a disk that filled meanwhile (a Prefect server on a full disk answers
HTTP 500: the cause is the disk, said as such), else Prefect's error in Chinese, else the error's type.
`disk_short(root)` says a disk with less room than a batch needs, with the room left and the threshold.
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Optional

from .ledger import LedgerUnavailable

DISK_FULL = "磁盘已满：数据目录 {root} 所在磁盘没有剩余空间。请清理或扩容磁盘后重新运行；已登记的文件不受影响"
DISK_SHORT = ("磁盘空间不足：数据目录 {root} 所在磁盘仅剩 {free} 可用，一批收文至少需要 {need}（流程数据库、登记簿日志和"
              "档案副本）。请清理或扩容磁盘后重新运行；已登记的文件不受影响")
PREFECT_ERROR = "流程服务出错（HTTP {status}），本批处理中断；已登记的文件不受影响，下次运行会接着处理；详细日志见 {log}"
OUR_ERROR = "本批处理中断：{error}\n已登记的文件不受影响，下次运行会接着处理；详细日志见 {log}"
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


def _size(n: int) -> str:
    return f"{n / 1048576:.0f} MB" if n >= 1048576 else f"{n // 1024} KB"


def disk_short(root: Path) -> Optional[str]:
    """The clerk's line when the disk of `root` has less than MIN_FREE_BYTES free (磁盘已满 when under 1 MB,
    else 磁盘空间不足 with the room left and the threshold), else None."""
    import shutil

    try:
        free = shutil.disk_usage(root).free
    except OSError:
        return None
    if free >= MIN_FREE_BYTES:
        return None
    if free < 1048576:
        return DISK_FULL.format(root=root).replace("没有剩余空间。", f"没有剩余空间（一批收文至少需要 {_size(MIN_FREE_BYTES)}）。")
    return DISK_SHORT.format(root=root, free=_size(free), need=_size(MIN_FREE_BYTES))


def interrupted(exc: BaseException, root: Path, log: Path) -> str:
    """The one Chinese line (two, for a fault of ours) for a batch that stopped on `exc`: a fault of the data
    root; else a disk that has filled meanwhile, whatever the error said (Prefect's server on a full disk
    answers HTTP 500); else Prefect's HTTP error; else the error's type and text. `log`: where the detail is."""
    line = describe(exc, root)
    if line:
        return f"本批处理中断。{line}"
    short = disk_short(root)
    if short:
        return f"本批处理中断。{short}"
    for e in _chain(exc):
        if type(e).__name__ == "PrefectHTTPStatusError":
            status = getattr(getattr(e, "response", None), "status_code", "?")
            return PREFECT_ERROR.format(status=status, log=log)
    return OUR_ERROR.format(error=f"{type(exc).__name__}: {exc}", log=log)


def is_root_fault(exc: BaseException) -> bool:
    """A fault of the disk or the ledger (not of one file): it stops the batch instead of quarantining a file."""
    return kind(exc) in ("disk_full", "read_only", "damaged", "ledger_unavailable")


def check_writable(root: Path) -> Optional[str]:
    """Before a batch: the one line for a data root that is read-only or full, else None."""
    import os

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
    return disk_short(root)
