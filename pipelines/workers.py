"""Worker processes (工作进程) for the batch on a two-core machine.

Two long-lived processes do the reading and checking, each with its models loaded once:
  * the "ocr" worker takes scans, faxes and image-only PDFs; OCR already keeps both cores busy inside the
    inference runtime, and one OCR engine (~1 GiB) is all the memory budget allows;
  * the "text" worker takes e-documents (docx, PDF with text, text), which need one core each and no OCR.
E-documents also go to the OCR worker whenever it has less queued work, so an all-e-document batch uses both
cores. Each worker is a single-process executor: documents in a worker run one after another (PDFium is
not thread-safe), and it opens its own Office (ledger, index, routing model: pipelines/office.py) once, when it
starts, for the whole batch. The pool is made by whoever runs the batch (flows.py) and passed to the batch's
sequence (batch.run_steps) — never a module-level global of the batch's process. InProcess is the same
interface in this process (batch.run_batch: tests, benchmarks). This module never imports batch.py (the
sequence imports it).

A worker that dies (a file that crashes a native library, the kernel's OOM killer) is started again; the
document it was reading is tried once more in a fresh worker and, if that dies too, quarantined.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator, Optional

from extractors import formats
from extractors.detect import detect_format

IMAGE_FORMATS = formats.names(needs_ocr=True)  # the format registry (extractors/formats.py)
COST = {"ocr": 1.0, "text": 0.03}  # rough seconds per document, for balancing the two queues
CRASHED = "读取该文件时处理进程异常退出（文件可能已损坏或含有恶意构造的内容），已隔离，请人工核查"


def kind_of(source: bytes | Path) -> str:
    """'ocr' when reading the file means OCR (images; PDFs without fonts, i.e. no text layer), else 'text'.
    Only a routing hint: either worker reads every kind of file."""
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        fmt = detect_format(data)
        if fmt == "eml":  # a mail message: its main document decides (an image 公文 needs OCR)
            from extractors.mail import unpack

            main = unpack(data).main
            data, fmt = main.data, main.format
    except Exception:
        return "text"  # unreadable or unusable: the worker says why, quickly
    if fmt in IMAGE_FORMATS:
        return "ocr"
    if fmt == "pdf" and b"/Font" not in data:
        return "ocr"  # no font resources anywhere (fonts in compressed object streams land here too: harmless)
    return "text"


class Workers:
    """The two worker processes of a batch on `root`; `process(lane, document_id, rules)` runs one document's
    steps in worker `lane` ('ocr' or 'text') and waits; `run(name, fn, *args)` runs any fn there."""

    def __init__(self, root: Path | str | None = None, initializer=None, initargs=(), config=None):
        self.root = Path(root).resolve() if root is not None else None
        self._context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        if root is not None and initializer is None:  # the batch's workers: each opens the office once, with
            initializer, initargs = start_worker, (str(root), config)  # the batch's configuration (or root's)
        self._initializer, self._initargs = initializer, initargs
        self._lock = threading.Lock()
        self._pools = {name: self._start() for name in ("ocr", "text")}

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=self._initializer,
                                   initargs=self._initargs)

    def start(self, lanes) -> "Workers":
        """Start the workers of `lanes` now, without waiting: each loads its models (start_worker) while the
        batch does something else (its Prefect server starting). A worker is otherwise started by its lane's
        first document. Returns self."""
        for lane in dict.fromkeys(lanes):
            with self._lock:
                pool = self._pools[lane]
            try:
                pool.submit(os.getpid)  # the executor spawns its process for the first call it is given
            except BrokenProcessPool:
                pass  # started again by the lane's first document (run)
        return self

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)

    def process(self, lane: str, document_id: int, rules: list[dict]):
        """初审 → 退文 | 分办 → 检索 of one document in worker `lane`, with that worker's Office (process.py)."""
        return self.run(lane, process_in_worker, document_id, rules)

    def run(self, name: str, fn, *args):
        """A worker that dies takes the documents queued in it along; each is tried once more, alone in a
        fresh single-use process, so a document that kills its reader again harms nobody else: WorkerCrashed."""
        with self._lock:
            pool = self._pools[name]
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pools[name] is pool:  # the first caller to notice starts a fresh worker
                    self._pools[name] = self._start()
        alone = self._start()
        try:
            return alone.submit(fn, *args).result()
        except BrokenProcessPool:
            raise WorkerCrashed(CRASHED) from None
        finally:
            alone.shutdown(wait=True)


# Workers started by whoever starts the batch before its flow runs (pipelines/desk/batch_ops.py: while the
# batch's Prefect server starts), handed to the flow (flows.run) for the same data root; a context variable,
# set only for the duration of that call, never the batch process's global pool.
_started: ContextVar[Optional[Workers]] = ContextVar("shouwen_started_workers", default=None)


@contextmanager
def handing_over(workers: Workers) -> Iterator[Workers]:
    """For the with-block: started() on workers.root returns these workers."""
    token = _started.set(workers)
    try:
        yield workers
    finally:
        _started.reset(token)


def started(root: Path | str) -> Optional[Workers]:
    """The workers handed over for the batch on `root` (handing_over), or None: the caller makes its own."""
    workers = _started.get()
    return workers if workers is not None and workers.root == Path(root).resolve() else None


def assign(kinds: list[str]) -> list[str]:
    """Which worker takes each document: OCR work to the OCR worker, e-documents to whichever worker has
    less estimated work queued (so a batch of e-documents keeps both cores busy)."""
    load = {"ocr": COST["ocr"] * kinds.count("ocr"), "text": 0.0}
    out = []
    for kind in kinds:
        name = "ocr" if kind == "ocr" or load["ocr"] < load["text"] else "text"
        if kind != "ocr":
            load[name] += COST["text"]
        out.append(name)
    return out


class WorkerCrashed(RuntimeError):
    """A document killed its worker twice."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InProcess:
    """The pool's interface in this process: each document's steps (process.py) run here, one after another,
    with the batch's own Office (batch.run_batch). A document that crashes the interpreter takes the batch with it:
    for the clerk's batch, use Workers."""

    def __init__(self, office):
        self.office = office

    def process(self, lane: str, document_id: int, rules: list[dict]):
        from pipelines.process import process

        return process(self.office, document_id, rules)

    def close(self) -> None:
        pass


# What runs inside a worker process: the Office it opened when it started (start_worker), kept for the
# batch's documents. This is the worker process's own state, never the batch's process's.
_office = None
_start_error: Optional[BaseException] = None  # why the office could not be opened at start (said per document)


def start_worker(root: str, config=None) -> None:
    """At worker start: follow the batch if it is killed, open the office (ledger, index; the routing model
    when the first document needs it) and load the language pipeline before the first document (the OCR
    engine loads on first use, in the worker that gets the first scan). An office that cannot be opened (the
    ledger's server down) is not raised here — concurrent.futures would print its traceback on the clerk's
    terminal and start the worker again and again — but by each document (process_in_worker), which the
    batch says once, in Chinese, and stops on."""
    global _office, _start_error
    from pipelines.loading import paused

    with paused(freeze=True):  # the models and modules loaded here live as long as this worker (issue 21)
        from pipelines.office import Office

        warm_up()
        try:
            _office = Office.open(Path(root), config, check=False)  # the batch checked the ledger before its workers started
        except Exception as exc:
            _start_error = exc


def warm_up() -> None:
    """Follow the batch if it is killed; load the language pipeline."""
    from extractors.nlp import get_nlp

    follow_parent()
    get_nlp()


def follow_parent() -> None:
    """Exit (status 1) as soon as the batch that started this worker is gone: a batch killed with kill -9 must
    not leave workers writing on (the next run takes up their documents). The batch is the process that
    spawned this one (multiprocessing.parent_process(), known from the start), not whatever getppid() says
    now: a batch killed while its workers were still starting had already handed them to init, and a worker
    that took init for its parent ran on for ever (kill trials, issue 19)."""
    import multiprocessing

    spawner = multiprocessing.parent_process()
    parent = spawner.pid if spawner is not None else os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def process_in_worker(document_id: int, rules: list[dict]):
    """初审 → 退文 | 分办 → 检索 for one document, inside a worker process started by start_worker."""
    from pipelines.process import process

    if _office is None:
        raise _start_error or RuntimeError("工作进程未打开数据目录（应由 start_worker 启动）")
    return process(_office, document_id, rules)
