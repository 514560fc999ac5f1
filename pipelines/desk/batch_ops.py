"""The batch and 初审 at the desk: `run_batch` starts one batch as `shouwen run` does (any face may: the CLI, a
web desk's "run now"), `validate` reviews files that are not the office's documents."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..access import require
from ..actors import Actor, acting
from ..refusals import DeskRefusal

VERSION_CHECK = "PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED"
SAMPLES = Path(__file__).resolve().parents[2].joinpath("samples", "inbox")  # the repository's, not a data root's


@dataclass
class BatchRun:
    root: Path  # the data root, resolved
    summary: object  # summary.Summary of the batch (what flows.ingest printed)


def run_batch(root: Path, config=None, *, samples: bool = False, say: Callable[[str], None] = lambda line: None,
              actor: Optional[Actor] = None) -> BatchRun:
    """One batch on `root` (flows.ingest, the Prefect flow: progress lines and the summary are printed by the
    flow as it goes). Before Prefect starts: the data root is made and checked writable (not full), the batch
    lock is taken (a second batch is refused at once), the ledger is opened and checked and the 分办 rules
    read; samples: the bundled sample documents are first copied into the inboxes. With nothing to read (empty
    inboxes, nothing unfinished: nothing_waiting) the batch's other steps run in this process and no flow run is
    made (_run_idle): Prefect, its server and the workers are for documents. Otherwise a standing Prefect server
    ([prefect] api_url / $PREFECT_API_URL) is used where configured, else the batch's own is started on
    127.0.0.1 and stopped after. say(line): what the clerk is told before the flow starts.
    Refused (DeskRefusal): "root_fault" (read-only, full, no permission), "busy" (another batch holds the root),
    "server_start" (the batch's own Prefect server did not start), "interrupted" (the batch stopped: a fault of
    the data root, said in one line, or of ours, with where the log is). LedgerDamaged, LedgerUnavailable and
    RulesError pass through (said by the face as such)."""
    import logging

    from ..batch_lock import BatchBusy, batch_lock
    from ..dataroot import DataRoot
    from ..faults import check_writable
    from ..office import Office

    require(acting(actor), "run_batch")
    logging.raiseExceptions = False  # a log file on a full disk must not print tracebacks at the clerk
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    fault = check_writable(root)  # before Prefect starts: it would wait for its own database first
    if fault:
        raise DeskRefusal("root_fault", fault)
    DataRoot(root).prepare()
    try:
        with batch_lock(root):  # the flow takes it again (same process): a second run is refused before Prefect starts
            with Office.open(root, config) as office:  # the ledger (checked, opened) and the 分办 rules, first
                office.rules
                if not samples and nothing_waiting(office):
                    return BatchRun(root, _run_idle(office, say))
                lanes = ("ocr", "text") if samples else lanes_waiting(office)
            return BatchRun(root, _run_locked(root, samples, say, lanes))
    except BatchBusy as exc:
        raise DeskRefusal("busy", str(exc)) from exc


def _sample_office(root: Path) -> None:
    """The samples' office configuration (samples/shouwen.toml: 示例市人民政府办公室, its contact, telephone and
    address) into a data root that has no configuration of its own, so that the samples' 退文通知单 name an office;
    a root configured already (a file, or $SHOUWEN_CONFIG) keeps its own."""
    import shutil

    from ..config import FILE_NAME, activate, current, load

    if current().path is not None or (root / FILE_NAME).exists():
        return
    shutil.copy2(SAMPLES.parent / FILE_NAME, root / FILE_NAME)
    activate(load(root))


def nothing_waiting(office) -> bool:
    """True when the batch has no document to read: nothing at all in the inboxes (no file, no link, no folder:
    pipelines/inbox.scan) and nothing unfinished in the ledger (batch.pending)."""
    from ..batch import pending
    from ..inbox import scan

    files, strange = scan(office.root)
    return not files and not strange and not pending(office)


def lanes_waiting(office) -> tuple[str, ...]:
    """The worker lanes to start before the flow: those workers.assign gives the first documents waiting
    (unfinished in the ledger, then the inboxes; at most 8 looked at): one e-document, the text worker; one
    scan, the OCR worker; two documents or more, both (e-documents are balanced over the two); none, none. A
    lane not started here starts with its first document, as before (a document that came by mail)."""
    from ..batch import pending
    from ..inbox import scan
    from ..workers import assign, kind_of

    files, _ = scan(office.root)
    waiting = [office.root / row["archive_path"] for row in pending(office)[:8]]
    waiting += [Path(os.fsdecode(arrival.path)) for arrival in files[:8 - len(waiting)]]
    return tuple(dict.fromkeys(assign([kind_of(path) for path in waiting])))


def _run_idle(office, say: Callable[[str], None]):
    """A batch with no document (空批): its steps before and after the documents — 补入检索, 事件补发, 学习分办,
    催办 — run here, in order (batch.run_steps with PLAIN steps), without the Prefect flow run, its server and
    the worker processes, which only documents use (issue 21: an empty inbox cost 6–7.5 s, most of it the
    server's start). The clerk reads the same lines as from the flow (flows.run): the data root, the summary."""
    from ..batch import PLAIN, run_steps
    from ..workers import InProcess

    say(f"数据目录：{office.root}")
    summary = run_steps(office, InProcess(office), PLAIN)  # a file dropped in meanwhile is read here, in order
    print("\n".join(summary.lines()), flush=True)
    return summary


def _run_locked(root: Path, samples: bool, say: Callable[[str], None], lanes: tuple[str, ...] = ()):
    """The flow run: the batch's own Prefect server started first, then the workers of `lanes`
    (lanes_waiting), whose models load while the server starts and our own modules import (issue 21: in a
    one-document batch the worker's start came after the server's start, one after the other), handed to the
    flow (workers.handing_over)."""
    import shutil

    from ..batch_server import MARKER, BatchServer, ServerStartError
    from ..dataroot import DataRoot
    from ..faults import disk_short, interrupted
    from ..loading import paused
    from ..office import configuration
    from ..prefect_setup import configure
    from ..workers import Workers, handing_over

    paths = DataRoot(root)
    if samples:
        arrived = time.time() - 86400  # the samples stand for documents that arrived yesterday: the cut PDF among
        for path in sorted(SAMPLES.glob("*/*")):  # them is a transfer that broke off long ago, not one still arriving
            copied = paths.inbox(path.parent.name) / path.name
            shutil.copy2(path, copied)
            os.utime(copied, (arrived, arrived))
        _sample_office(root)
    home = configure(root)
    os.environ[MARKER] = str(root)  # every process this batch starts carries it (see tests/pipelines/test_batch_server.py)
    server = workers = None
    try:
        if not os.environ.get("PREFECT_API_URL"):  # no standing server configured: the batch's own, started first
            server = BatchServer(home, root).start()
            os.environ["PREFECT_API_URL"] = server.url
            # the server is this installation's own Prefect: the client's version check (a request before the
            # flow run's first) cannot fail; read when Prefect is first imported in this process
            os.environ[VERSION_CHECK] = "false"
        workers = Workers(root, config=configuration(root)).start(lanes)  # the flow's Office reads the same
        with paused():  # Prefect and our modules: the collector off while they load (pipelines/loading.py)
            from flows import ingest

        say(f"数据目录：{root}")
        if server:
            server.wait()
        with handing_over(workers):
            return ingest(str(root))  # prints its progress and its summary
    except ServerStartError as exc:
        short = disk_short(root)  # its database could not be written: the disk's fault, said as such
        raise DeskRefusal("root_fault" if short else "server_start", short or str(exc)) from exc
    except Exception as exc:  # the inbox, the data root or Prefect's server failed (disk full, permissions…)
        raise DeskRefusal("interrupted", interrupted(exc, root, paths.prefect / "prefect.log")) from exc
    finally:
        if workers:
            workers.close()
        if server:
            server.stop()
            os.environ.pop("PREFECT_API_URL", None)  # this process's next batch starts its own again
            os.environ.pop(VERSION_CHECK, None)


@dataclass
class Validated:
    file: str  # the name as given
    report: Optional[dict] = None  # the 初审 report (validation-report.schema.json) where the file could be read
    unusable: Optional[str] = None  # why the file cannot be reviewed (Chinese), else None
    error: Optional[BaseException] = None  # a fault of ours while checking this file (said as such, the rest go on)

    @property
    def outcome(self) -> Optional[str]:
        """accept, return (a sure 退文), review_held (待复核: the return rests on a doubtful reading,
        validators/doubt.py), template (not a 公文: validators/template.py) or confidential (a 退文 the 机要 policy
        stops: pipelines/review.as_the_office_acts); None when the file could not be reviewed."""
        return (self.report.get("outcome") or self.report["verdict"]) if self.report else None

    @property
    def returned(self) -> bool:
        return self.outcome == "return"

    @property
    def held(self) -> bool:
        """Left for the clerk: 待复核, or a template (never returned as a 公文)."""
        return self.outcome in ("review_held", "template")


def validate(files: list[str], *, profile: str, channel: str = "unknown",
             actor: Optional[Actor] = None) -> Iterator[Validated]:
    """初审 of each file, one after another, as it is done (a generator: a face shows each as it comes).
    DeskRefusal "bad_profile" at once for a profile that cannot be loaded."""
    from extractors import UnusableInput
    from validators import ProfileError, load_profile

    from ..review import review_path

    require(acting(actor), "validate")
    try:
        load_profile(profile)
    except ProfileError as exc:
        raise DeskRefusal("bad_profile", str(exc)) from exc
    return _each(files, profile, channel, UnusableInput, review_path)


def _each(files, profile, channel, unusable_error, review_path) -> Iterator[Validated]:
    for name in files:
        try:
            yield Validated(name, report=review_path(Path(name), channel=channel, profile=profile))
        except unusable_error as exc:
            yield Validated(name, unusable=exc.reason)
        except Exception as exc:  # a fault of ours while checking this file: said, the others go on
            yield Validated(name, error=exc)
