"""One batch per data root at a time (批处理锁): an fcntl.flock on <root>/.batch.lock.

The lock belongs to the open file, so it dies with its holder: a batch killed with kill -9 leaves nothing to
clean up, and the next batch takes the lock at once. A second `shouwen run` (or a scheduled batch) on the same
root while one is running is refused at once, in Chinese (BatchBusy, exit 2), rather than made to wait: the
clerk learns that a batch is under way, and what the second one would have taken in is taken by the running
one or the next. Reentrant within one process (the CLI takes it before Prefect starts, the flow again).
The holder's start time is written in the office's time zone ([office] timezone), as the ledger's times are.
"""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional

LOCK_FILE = ".batch.lock"
_held: dict[str, list] = {}  # root → [fd, depth], the locks this process holds
_guard = threading.Lock()


class BatchBusy(RuntimeError):
    """Another batch holds the data root (said in Chinese)."""


ZONE_ZH = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Harbin": "北京时间", "PRC": "北京时间"}


def office_time(root: Path, now: Optional[datetime] = None) -> str:
    """`now` (default: this moment) in the time zone of the office at `root` ([office] timezone; the machine's
    own where its configuration cannot be read): "2026-03-02 09:15:07（北京时间）"."""
    from zoneinfo import ZoneInfo

    try:
        from .office import configuration

        zone = configuration(root).office.timezone
        at = (now or datetime.now(ZoneInfo(zone))).astimezone(ZoneInfo(zone))
        label = ZONE_ZH.get(zone, zone)
    except Exception:  # a configuration that cannot be read is said by the command itself
        at = (now or datetime.now().astimezone()).astimezone()
        label = at.strftime("UTC%z")
    return f"{at.strftime('%Y-%m-%d %H:%M:%S')}（{label}）"


BATCH = "收文批处理"


@contextmanager
def batch_lock(root: Path, purpose: str = BATCH) -> Iterator[None]:
    """Hold the data root's batch lock for the with-block; BatchBusy at once if another process holds it.
    purpose: what holds it, as a refused second holder is told (`shouwen reindex`: 重建检索库)."""
    key = str(Path(root).resolve())
    with _guard:
        if key in _held:
            _held[key][1] += 1
            fd = None
        else:
            fd = os.open(Path(key) / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                what, _, holder = holder.rpartition("：") if "：" in holder else ("", "", holder)
                busy = "另一批收文正在处理这个数据目录" if what in ("", BATCH) else f"这个数据目录正在{what}"
                raise BatchBusy(f"{busy}（{holder or '进程未知'}）：本次未运行。请等它结束后再运行（数据目录 {key}）") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{purpose}：进程 {os.getpid()}，开始于 {office_time(Path(key))}".encode(), 0)
            _held[key] = [fd, 1]
    try:
        yield
    finally:
        with _guard:
            _held[key][1] -= 1
            if _held[key][1] == 0:
                os.close(_held.pop(key)[0])  # closing the file releases the lock
