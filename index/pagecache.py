"""How the embedded index's files come from disk (页面缓存): page by page, not megabytes at a time.

Tantivy maps its files into memory. A page that is not in the page cache is read from disk when first touched,
and the kernel reads ahead around it (the disk's read_ahead_kb: 8 MB on this machine's virtual disk, 128 KB on
most): the first search after the cache was dropped touched a few hundred scattered pages of a 646 MB index
(term dictionaries, skip lists, a few postings, ten stored documents) and read 44 % of it, seconds of I/O;
merely opening it read 67 MB (the read-around of each file's footer). Tantivy's Rust API opens its files with
madvise(MADV_RANDOM) for such workloads (MmapDirectory::open_with_madvice); the Python bindings do not offer it,
so this module does it from outside:

    read_tails(folder)      before opening: the last TAIL bytes of each file (footer, offset tables, the store's
                            skip index: what opening reads) are read into the page cache with read-ahead off on
                            our own descriptor (posix_fadvise RANDOM), so opening finds them there
    advise_random(folder)   after opening (and after a reload maps new segments): madvise(MADV_RANDOM) on every
                            mapping of a file in the folder (/proc/self/maps), so a later miss reads its page
                            (and the kernel's fault-around of cached neighbours), not megabytes around it
    advise_normal(folder)   while a writer of ours holds the index: its merges read whole segments, in order,
                            for which the disk's read-ahead is right
    prefetch(folder)        at opening: the small files every counted query reads all over (PREFETCHED: the fast
                            fields the facets aggregate, the BM25 field norms, the term dictionaries; about 4 % of
                            the index, 33 MB at 850,000 documents) asked of the disk whole, in the background
                            (posix_fadvise WILLNEED): the first query's facets then wait for one sequential read
                            in flight, not for a thousand scattered pages one by one; nothing is read twice
                            where they are cached already

Both only advise: pages already cached are untouched, a failure is ignored (another OS: nothing is done).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

TAIL = 64 * 1024
MADV_RANDOM = getattr(mmap, "MADV_RANDOM", 1)
MADV_NORMAL = getattr(mmap, "MADV_NORMAL", 0)


@lru_cache(maxsize=1)
def _madvise() -> Optional[ctypes._CFuncPtr]:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.madvise
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


def read_tails(folder: Path, names: Optional[list[str]] = None) -> int:
    """Read the last TAIL bytes of each file (names, else every file in folder) without read-ahead. Returns the
    bytes read (from the cache or the disk)."""
    total = 0
    for name in names if names is not None else [p.name for p in Path(folder).iterdir()]:
        try:
            fd = os.open(Path(folder) / name, os.O_RDONLY)
        except OSError:
            continue
        try:
            size = os.fstat(fd).st_size
            start = max(0, size - TAIL)
            if hasattr(os, "posix_fadvise"):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
            total += len(os.pread(fd, size - start, start))
        except OSError:
            pass
        finally:
            os.close(fd)
    return total


def advise_random(folder: Path) -> int:
    """madvise(MADV_RANDOM) on this process's mappings of files in folder. Returns how many were advised."""
    return _advise(folder, MADV_RANDOM)


def advise_normal(folder: Path) -> int:
    """madvise(MADV_NORMAL) again: while a writer merges segments, which reads them from end to end."""
    return _advise(folder, MADV_NORMAL)


def _advise(folder: Path, advice: int) -> int:
    fn = _madvise()
    if fn is None:
        return 0
    prefix = str(Path(folder).resolve()) + os.sep
    n = 0
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and parts[5].rstrip("\n").startswith(prefix):
                    start, end = (int(x, 16) for x in parts[0].split("-"))
                    n += fn(start, end - start, advice) == 0
    except OSError:
        return 0
    return n


PREFETCHED = (".fast", ".fieldnorm", ".term")


def prefetch(folder: Path, suffixes: tuple[str, ...] = PREFETCHED) -> int:
    """posix_fadvise(WILLNEED) on each file of folder ending in one of suffixes: the kernel starts reading them
    into the page cache and returns at once. Returns the bytes asked for."""
    total = 0
    if not hasattr(os, "posix_fadvise"):
        return 0
    for path in Path(folder).iterdir():
        if not path.name.endswith(suffixes):
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            size = os.fstat(fd).st_size
            os.posix_fadvise(fd, 0, size, os.POSIX_FADV_WILLNEED)
            total += size
        except OSError:
            pass
        finally:
            os.close(fd)
    return total
