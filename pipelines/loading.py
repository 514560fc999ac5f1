"""Loading large libraries with Python's cyclic garbage collector paused (加载期间暂停循环垃圾回收).

Importing Prefect's server, Prefect itself or spaCy's model makes hundreds of thousands of objects (pydantic
models, FastAPI routes, vocabularies), nearly all kept for the life of the process. While they are made, the
collector runs again and again over the growing heap to find almost nothing: measured on this machine, ~17% of
the CPU time of `import prefect.server.api.server` plus its create_app (issue 21). Paused for the load and
resumed after, it finds nothing less: the objects that were garbage are collected at its next run.

    with paused():          # the collector off while the block runs, back to what it was after
        import heavy_library
    paused(freeze=True)     # and, after the block, the objects made so far moved out of its reach for good
                            # (gc.freeze): only for a process that lives for one job (the batch's server, a
                            # worker), never for a long-lived one (the web desk), where garbage would be kept
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused(freeze: bool = False) -> Iterator[None]:
    """The cyclic collector paused while the block runs, then enabled again if it was enabled before (an outer
    paused() keeps it off until its own end). freeze: gc.freeze() after the block, so that the loaded
    library's objects are never examined again by later collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
