"""定时收文 (schedule): the batch served on a cron schedule, with a local Prefect server started and stopped here.

Prefect keeps schedules in a server: `shouwen schedule` starts one on 127.0.0.1 (its database under the data
root, no telemetry, nothing fetched from outside), registers the `ingest` flow as a deployment with the cron
schedule (in the office's time zone, one batch at a time), serves it until Ctrl-C or SIGTERM, then stops the
server. The server's own output goes to <root>/prefect/server.log; the clerk sees our lines and each batch's.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

DEFAULT_TIMEZONE = "Asia/Shanghai"  # the office's clock; the machine may well run on UTC
DEPLOYMENT = "定时收文"


class ScheduleError(RuntimeError):
    """Said to the clerk in Chinese; the command exits with 2."""


def check_cron(cron: str, timezone: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as exc:
        what = "时区" if any(e["loc"] == ("timezone",) for e in exc.errors()) else "cron 表达式"
        raise ScheduleError(f"{what}无效：{timezone if what == '时区' else cron}"
                            "（cron 为五段：分 时 日 月 周，例如 \"*/10 * * * *\" 表示每 10 分钟；时区如 Asia/Shanghai）") from None


def free_port(preferred: int) -> int:
    """The preferred port if nothing listens there, else one the system picks."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise ScheduleError("找不到可用的本机端口")


def _die_with_parent() -> None:
    # In the server's process before exec: if shouwen is killed outright, the server is told to stop too.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalServer:
    """`prefect server start` on 127.0.0.1, for as long as the with-block runs."""

    def __init__(self, home: Path, port: int, startup_seconds: float = 600):  # a readiness wait: minutes at load 20
        self.home, self.port, self.startup_seconds = home, port, startup_seconds
        self.url = f"http://127.0.0.1:{port}/api"
        self.log = home / "server.log"
        self.process: Optional[subprocess.Popen] = None

    def __enter__(self) -> "LocalServer":
        prefect = Path(sys.executable).with_name("prefect")
        command = [str(prefect)] if prefect.exists() else [sys.executable, "-m", "prefect"]
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(self.home),
                   PREFECT_API_DATABASE_TIMEOUT="60", PREFECT_API_DATABASE_CONNECTION_TIMEOUT="60",  # busy machine: wait for SQLite's lock
                   PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_API_PORT=str(self.port))
        log = open(self.log, "ab")
        self.process = subprocess.Popen([*command, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True,  # the clerk's Ctrl-C reaches us; we stop it in order
                                        preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + self.startup_seconds
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-1500:]
                self.stop()
                raise ScheduleError(f"本机流程服务未能启动（日志 {self.log}）：\n{tail}")
            time.sleep(0.3)
        return self

    def healthy(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never goes through a proxy
        try:
            with opener.open(f"{self.url}/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def serve(root: Path, cron: str, timezone: str, port: int, now: bool, say=print) -> None:
    """Start the server, register the schedule, serve batches until stopped; the server stops with us."""
    from .prefect_setup import configure

    home = configure(root)  # before Prefect is first imported: its home and its log file
    check_cron(cron, timezone)
    port = free_port(port)
    say(f"正在启动本机流程服务（127.0.0.1:{port}，数据在 {home}）…")
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with LocalServer(home, port) as server, temporary_settings({PREFECT_API_URL: server.url}):
        os.environ["PREFECT_API_URL"] = server.url  # and for the batch processes the runner starts
        _serve_flow(root, cron, timezone, now, server, say)
    say("定时收文已停止，本机流程服务已关闭")


def _serve_flow(root: Path, cron: str, timezone: str, now: bool, server: LocalServer, say) -> None:
    import asyncio

    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.runner import EntrypointType
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    from flows import ingest

    runner = Runner(name="shouwen", pause_on_shutdown=False, limit=1)  # one batch at a time on one data root
    deployment_id = runner.add_flow(
        ingest, name=DEPLOYMENT, schedules=[CronSchedule(cron=cron, timezone=timezone)], parameters={"root": str(root)},
        description="收文批处理：签收、登记、初审、退文、分办、检索", entrypoint_type=EntrypointType.MODULE_PATH,
        concurrency_limit=1)
    say(f"定时收文已开始：{cron}（{timezone}），数据目录 {root}")
    say(f"下次运行：{next_run(cron, timezone)}；流程页面 http://127.0.0.1:{server.port}；按 Ctrl-C 停止")
    if now:
        from prefect.deployments import run_deployment

        run_deployment(deployment_id, timeout=0)
        say("已安排立即运行一批")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame):
    raise KeyboardInterrupt


def next_run(cron: str, timezone: str) -> str:
    """When the schedule fires next, in its own time zone (Prefect's own cron arithmetic)."""
    import asyncio

    from prefect.server.schemas.schedules import CronSchedule as ServerCron

    following = asyncio.run(ServerCron(cron=cron, timezone=timezone).get_dates(n=1))[0]
    return following.strftime("%Y-%m-%d %H:%M")
