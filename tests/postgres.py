"""A real PostgreSQL for the tests (测试用数据库): Debian's server binaries (scripts/setup.sh --dev installs them),
a cluster made with initdb in a fresh temporary directory, listening only on a Unix socket in that directory
(listen_addresses = '', no TCP), stopped and removed at the end of the session — also when tests fail, and,
if pytest itself is killed, by the kernel (the postmaster gets SIGQUIT, PostgreSQL's immediate shutdown, when
its parent dies: PR_SET_PDEATHSIG).

PostgreSQL refuses to run as root, and tests here run as root: then initdb and postgres run as the unprivileged
`nobody` (uid and gid dropped in the child before exec), in a directory under /tmp that nobody owns.

A server can be halted and resumed on its data (a restart, for the ledger's reconnecting: test_ledger_retry.py).

Fixtures (registered for every test module by conftest.py's pytest_plugins):
    postgres       session-wide server: .url (postgresql://shouwen@/postgres?host=<socket dir>), .create_database(name)
    postgres_url   a new, empty database for one test: its URL
Where the binaries are missing, tests using them are skipped with the reason (run scripts/setup.sh --dev).
"""
from __future__ import annotations

import ctypes
import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest

USER = "shouwen"  # the database superuser initdb creates (trust authentication on the socket only)
STARTUP_SECONDS = 300.0  # a deadline, not a wait: start-up ends when pg_isready says so


def bin_dir() -> Optional[Path]:
    """The newest installed PostgreSQL server's bin directory (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and Path(initdb).with_name("postgres").exists() else None


def _as_unprivileged(uid: int, gid: int, death_signal: Optional[int] = None):
    def drop() -> None:  # in the child, between fork and exec
        if os.getuid() == 0:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        if death_signal:  # after the uid change, which would clear it
            ctypes.CDLL(None, use_errno=True).prctl(1, death_signal)  # PR_SET_PDEATHSIG
    return drop


def sweep_stale(older_than_s: float = 3600) -> None:
    """Remove the directories of clusters whose test session was killed (the kernel stopped the server, nobody
    removed its files): older than an hour, with no live postmaster."""
    for directory in glob.glob("/tmp/shouwen-pg-*"):
        path = Path(directory)
        try:
            if time.time() - path.stat().st_mtime < older_than_s:
                continue
            pidfile = path / "data" / "postmaster.pid"
            pid = int(pidfile.read_text().split()[0]) if pidfile.exists() else 0
            if pid and Path(f"/proc/{pid}").exists():
                continue
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(path, ignore_errors=True)


class PostgresServer:
    """One throwaway cluster: start() → url; stop() (fast shutdown, then immediate, then kill) removes the directory."""

    def __init__(self, bindir: Path, durable: bool = False):
        """durable=False (the tests): fsync, synchronous_commit and full-page writes off; True: PostgreSQL's
        defaults, every commit flushed to disk (what an office runs; bench/ledger_bench.py compares both)."""
        self.bindir = bindir
        self.durable = durable
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.dir = Path(tempfile.mkdtemp(prefix="shouwen-pg-", dir="/tmp"))  # short: a socket path has 107 bytes
        os.chown(self.dir, self.uid, self.gid)
        self.data, self.log = self.dir / "data", self.dir / "postgres.log"
        self.process: Optional[subprocess.Popen] = None
        self._names = itertools.count(1)

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={self.dir}"

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], preexec_fn=_as_unprivileged(self.uid, self.gid),
                              capture_output=True, text=True, cwd=self.dir, **kwargs)

    def start(self) -> "PostgresServer":
        made = self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8",
                         "--locale=C.UTF-8", "--no-sync", timeout=600)
        if made.returncode:
            raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
        return self._launch()

    def halt(self) -> None:
        """Stop the server as a restart does (fast shutdown: every session ended, new ones refused), keeping its
        data; resume() starts it again."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)

    def resume(self) -> "PostgresServer":
        """Start a halted server again on its data (clients hear "the database system is starting up" until it is
        ready); returns when pg_isready says so."""
        return self._launch()

    def _launch(self) -> "PostgresServer":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.bindir / "postgres"), "-D", str(self.data), "-k", str(self.dir), "-c", "listen_addresses=",
                 *([] if self.durable else ["-c", "fsync=off", "-c", "synchronous_commit=off",
                                            "-c", "full_page_writes=off"]),
                 "-c", "max_connections=50"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.dir, start_new_session=True,
                preexec_fn=_as_unprivileged(self.uid, self.gid, signal.SIGQUIT))
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            ready = self._run("pg_isready", "-h", str(self.dir), "-U", USER, "-d", "postgres", "-t", "10", timeout=120)
            if ready.returncode == 0:
                return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"PostgreSQL did not start (pg_isready: {ready.stdout.strip()}):\n{tail}")
            time.sleep(0.2)

    def create_database(self, name: Optional[str] = None) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = name or f"test_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def stop(self) -> None:
        try:
            if self.process and self.process.poll() is None:
                for sig, wait in ((signal.SIGINT, 60), (signal.SIGQUIT, 30), (signal.SIGKILL, 30)):  # fast, immediate, kill
                    self.process.send_signal(sig)
                    try:
                        self.process.wait(timeout=wait)
                        break
                    except subprocess.TimeoutExpired:
                        continue
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (run scripts/setup.sh --dev)")
    sweep_stale()
    server = PostgresServer(bindir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    return postgres.create_database()
