"""The batch's own Prefect server (pipelines/batch_server.py): nothing a `shouwen run` starts outlives it, even
when it is killed with SIGKILL mid-batch; a server that cannot start is said in Chinese."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.batch_server import MARKER, BatchServer, ServerStartError

from .. import builder
from ..pipelines.test_batch import ROOT, SAMPLES, _ledger_counts


def processes_marked(root: Path, variable: str = MARKER) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment says it was started by the batch on `root`
    (or, with variable="SHOUWEN_ROOT", by any shouwen command on that data root)."""
    marker = f"{variable}={root}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker not in (entry / "environ").read_bytes() + b"\0":
                continue
            state = next((line for line in (entry / "status").read_text().splitlines() if line.startswith("State:")), "")
            if "Z" in state.split()[1:2]:  # a zombie is already dead, waiting for its parent to read its status
                continue
            found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")))
        except OSError:
            pass  # gone meanwhile, or not ours to read
    return found


def test_a_batch_killed_mid_way_leaves_no_process_behind(tmp_path):
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    for i in range(12):
        spec = builder.conformant_notice(doc_number=f"筑教发〔2026〕{i + 1}号", title=f"贵阳市教育局关于第{i + 1}项工作的通知")
        builder.write_docx(spec, inbox / f"文件{i:02d}.docx")
    (root / "inbox" / "fax").mkdir()
    shutil.copy(next((SAMPLES / "fax").iterdir()), root / "inbox" / "fax" / "传真.tif")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--root", str(root)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ledger = root / "ledger.sqlite3"
    deadline = time.monotonic() + 400
    seen: list[tuple[int, str]] = []
    while _ledger_counts(ledger)[1] < 1 and proc.poll() is None and time.monotonic() < deadline:
        seen = processes_marked(root) or seen
        time.sleep(0.1)
    seen = processes_marked(root)
    assert proc.poll() is None, "the batch was still running when killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    commands = " | ".join(cmd for _, cmd in seen)
    assert "uvicorn" in commands and "spawn_main" in commands, f"the batch's server and workers were running: {commands}"
    deadline = time.monotonic() + 60  # the kernel's signal is immediate; workers notice their parent within 0.2 s
    while processes_marked(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(root) == [], "a process started by the killed batch is still running"


def test_a_server_that_cannot_start_stand_in_false_is_said_in_chinese(tmp_path, monkeypatch):
    # `false` stands in for a Python whose Prefect server exits at start-up (a broken installation).
    server = BatchServer(tmp_path / "prefect", tmp_path, tries=2)
    monkeypatch.setattr(sys, "executable", shutil.which("false"))
    with pytest.raises(ServerStartError) as caught:
        with server:
            pass
    assert "本批的流程服务未能启动（已尝试 2 次" in str(caught.value)
    assert server.process.poll() is not None


def test_a_new_data_root_starts_from_the_machines_migrated_empty_database(tmp_path, monkeypatch):
    import sqlite3

    from pipelines import batch_server

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    template = batch_server.template_path()
    assert not template.exists()

    def head(database: Path) -> str:
        with sqlite3.connect(database) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]

    first = BatchServer(tmp_path / "first" / "prefect", tmp_path / "first")
    with first:
        assert first.seeded == "fresh"  # no template yet: Prefect migrates, and the result is kept
    assert template.is_file()
    second = BatchServer(tmp_path / "second" / "prefect", tmp_path / "second")
    with second:
        assert second.seeded == "seeded" and second.healthy()
    assert head(tmp_path / "second" / "prefect" / "prefect.db") == head(tmp_path / "first" / "prefect" / "prefect.db")
    again = BatchServer(tmp_path / "second" / "prefect", tmp_path / "second")
    with again:
        assert again.seeded is None  # an existing database is never replaced


def test_the_server_skips_alembic_only_for_a_database_at_the_templates_revision(tmp_path, monkeypatch):
    import sqlite3

    from pipelines.batch_server import migrated, template_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)

    def database(path: Path, revision: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
            conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))

    home = tmp_path / "office" / "prefect"
    database(home / "prefect.db", "3c841a1800a1")
    assert not migrated(home)  # no template of this Prefect version yet: migrate
    database(template_path(), "3c841a1800a1")
    assert migrated(home)
    database(tmp_path / "older" / "prefect.db", "a1b2c3d4e5f6")  # a root last run by another Prefect version
    assert not migrated(tmp_path / "older")
    assert not migrated(tmp_path / "none")  # no database at all
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://x@/prefect")
    assert not migrated(home)  # another database is Prefect's own business
