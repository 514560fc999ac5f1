"""The batch's own Prefect API server (批处理流程服务): started by `shouwen run`, gone with it.

Why not Prefect's ephemeral server (prefect.server.api.server.SubprocessASGIServer, started implicitly by the
first Prefect client when no PREFECT_API_URL is set):
  * it is started late (after Prefect and our code are imported) and waited for at most 20 s
    (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); on a busy machine a new data root's database migrations
    alone take longer, and its background services (triggers, event persister, task-run recorder, db vacuum)
    write to the same SQLite file while the migrations hold it, past the 10 s PREFECT_API_DATABASE_TIMEOUT:
    "database is locked", and the clerk's batch fails before its first document;
  * a `shouwen run` killed with SIGKILL leaves it running (uvicorn, ~200 MB, a port) with no parent.

So the batch starts the same uvicorn app itself (create_app below: Prefect's app, loaded with the cyclic garbage
collector paused), first thing (it loads while our own modules import, on the other core), on a new data root
from a copy of the machine's migrated empty database (seed_database), without Alembic's migration walk where
the database is already at that database's revision (migrated), with the services a one-batch server does not
need turned off, block-type registration off, a 60 s database timeout,
a generous start-up deadline and a second try when it exits during start-up. The kernel kills it when
`shouwen run` dies however it dies (PR_SET_PDEATHSIG), and it carries SHOUWEN_BATCH_OF (the data root) in
its environment so a test can find what a batch left behind.

Where the configuration names a standing server (`[prefect] api_url` in shouwen.toml, or PREFECT_API_URL),
nothing is started: the batch reports to that server.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

MARKER = "SHOUWEN_BATCH_OF"  # in the environment of every process the batch starts: the data root
PR_SET_PDEATHSIG = 1

# Background services of the Prefect server that a server living for one batch does not need: schedules,
# late runs, automations, the event store, vacuuming. Flow runs and their states are still recorded.
SERVICES_OFF = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "TRIGGERS", "EVENT_PERSISTER", "EVENT_LOGGER", "DB_VACUUM",
                "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS", "REPOSSESSOR", "CLEANUP_RECONCILER", "TASK_RUN_RECORDER")
SERVER_SETTINGS = {
    **{f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in SERVICES_OFF},
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",  # block types: for deployments' storage, not for a batch
    "PREFECT_API_DATABASE_TIMEOUT": "60",  # seconds a statement waits for SQLite's write lock (default 10)
    "PREFECT_API_DATABASE_CONNECTION_TIMEOUT": "60",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT__SERVER_EPHEMERAL": "1",  # Prefect's own switch: no UI, only the services an ephemeral server runs
}
STARTUP_SECONDS = 300.0  # a deadline, not a wait: start-up ends as soon as /health answers
TRIES = 3


class ServerStartError(RuntimeError):
    """The batch's Prefect server did not start; said to the clerk in Chinese."""


def _die_with_parent(signum: int = signal.SIGKILL):
    def set_pdeathsig() -> None:  # in the child, between fork and exec
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    return set_pdeathsig


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def template_path() -> Path:
    """Where an empty, fully migrated Prefect database of this Prefect version is kept on this machine."""
    from importlib.metadata import version

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "shouwen"
    return cache / f"prefect-{version('prefect')}-empty.db"


def seed_database(home: Path) -> Optional[str]:
    """A new data root's Prefect database, copied from the machine's migrated empty one where there is one: the
    ~150 schema migrations Prefect would otherwise run are most of a new root's start-up. Returns 'seeded',
    'fresh' (no template yet: the server migrates, and save_template keeps the result) or None (the database
    exists already, or Prefect is configured with another database)."""
    database = Path(home) / "prefect.db"
    if os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL") or database.exists():
        return None
    template = template_path()
    if not template.is_file():
        return "fresh"
    partial = database.with_name(f".prefect.db.{os.getpid()}")
    shutil.copyfile(template, partial)
    os.replace(partial, database)  # never a half-copied database under the name Prefect opens
    return "seeded"


def save_template(home: Path) -> None:
    """Keep the just-migrated empty database (SQLite's online backup: consistent while the server runs)."""
    template = template_path()
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        partial = template.with_name(f".{template.name}.{os.getpid()}")
        source = sqlite3.connect(f"file:{Path(home) / 'prefect.db'}?mode=ro", uri=True, timeout=60)
        target = sqlite3.connect(partial)
        with target:
            source.backup(target)
        source.close()
        target.close()
        os.replace(partial, template)
    except (OSError, sqlite3.Error):
        pass  # only a speed-up: the next new root migrates again


def _revision(database: Path) -> Optional[str]:
    """The Alembic revision a Prefect database is at (table alembic_version), or None when unreadable."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def migrated(home: Path) -> bool:
    """True when the data root's Prefect database is at the revision of this machine's migrated empty database
    of this Prefect version (template_path): the server then starts without running Alembic, which loads and
    walks ~150 migration scripts on every start to find nothing to do. False whenever in doubt (no template
    yet, another database configured, a revision that differs): the server migrates as before."""
    database = Path(home) / "prefect.db"
    if os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL") or not database.is_file():
        return False
    template = template_path()
    if not template.is_file():
        return False
    head = _revision(template)
    return head is not None and _revision(database) == head


def create_app():
    """uvicorn's factory in the server's process: Prefect's own API app (prefect.server.api.server.create_app,
    its settings from the environment BatchServer.start gives it), imported and built with the cyclic garbage
    collector paused (pipelines/loading.py: ~17% of its CPU time) and its objects frozen after, as the process
    lives for this one server."""
    from .loading import paused

    with paused(freeze=True):
        from prefect.server.api.server import create_app as prefect_app

        return prefect_app()


class BatchServer:
    """Prefect's API app under uvicorn on 127.0.0.1 for one batch.

    start() launches the process and returns at once; wait() blocks until /health answers (retrying a
    start-up that died), returning the API URL (http://127.0.0.1:PORT/api); stop() ends it (SIGTERM, then
    SIGKILL after 20 s). The process must be started from the thread that lives as long as the batch (the main
    thread): the kernel's parent-death signal follows the thread that forked it.
    """

    def __init__(self, home: Path, root: Path, startup_seconds: float = STARTUP_SECONDS, tries: int = TRIES):
        self.home, self.root = Path(home), Path(root)
        self.startup_seconds, self.tries = startup_seconds, tries
        self.log = self.home / "server.log"
        self.process: Optional[subprocess.Popen] = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "BatchServer":
        self.home.mkdir(parents=True, exist_ok=True)
        self.seeded = seed_database(self.home)
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(SERVER_SETTINGS, PREFECT_HOME=str(self.home), **{MARKER: str(self.root)})
        if migrated(self.home):  # seeded from the template, or migrated by an earlier batch of this version
            env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "pipelines.batch_server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # the clerk's Ctrl-C reaches the batch, which then stops the server in order
                preexec_fn=_die_with_parent())
        return self

    def wait(self) -> str:
        deadline = time.monotonic() + self.startup_seconds
        for attempt in range(1, self.tries + 1):
            while not self.healthy():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            else:
                if self.seeded == "fresh":
                    save_template(self.home)
                return self.url
            timed_out = time.monotonic() > deadline
            self.stop()
            if timed_out or attempt == self.tries:
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-1500:]
                raise ServerStartError(f"本批的流程服务未能启动（已尝试 {attempt} 次，日志 {self.log}）：\n{tail}")
            time.sleep(attempt)  # e.g. the database was locked by a process still finishing: try again
            self.start()
        raise AssertionError("unreachable")

    def healthy(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never through a proxy
        try:
            with opener.open(f"{self.url}/health", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> "BatchServer":
        if self.process is None:
            self.start()
        self.wait()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
