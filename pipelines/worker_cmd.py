"""`shouwen worker` (流程工作进程): a Prefect process worker that takes the office's batches from a work pool.

For an office on several machines (docs/admin/deploy.md): a standing Prefect server holds the deployments of
prefect.yaml; each machine that shares the data root runs `shouwen worker`, which
  1. makes sure the work pool (default "shouwen", type process) and its queues exist — "text" (the batch,
     e-documents) before "ocr" (初审 of scans and faxes), in that priority;
  2. runs Prefect's process worker (prefect.workers.process.ProcessWorker, what `prefect worker start --type
     process` runs) in this process, with the office's configuration exported to the flow runs it starts
     ($SHOUWEN_CONFIG, $SHOUWEN_ROOT, $PREFECT_API_URL, and $SHOUWEN_CODE_DIR: the repository, where
     prefect.yaml's pull step sets each flow run's working directory; without it a flow run cannot find
     flows.py).
A worker needs a server: [prefect] api_url in shouwen.toml or $PREFECT_API_URL; without one it says so in
Chinese and exits with 2.

Stopping (issue 19 point 12): one SIGTERM (systemd's stop) or Ctrl-C stops it. It takes no new flow run from
that moment; a flow run in progress finishes, and the worker exits 0 after it. Prefect's own `worker start`
turned SIGTERM into SIGINT and could go on polling. Under systemd the flow run's process gets the SIGTERM too
(KillMode=control-group): it then hands its run back to the pool (PREFECT_FLOW_RUN_EXECUTE_SIGTERM_BEHAVIOR=
reschedule, set here), and the next worker runs it again from where the ledger stands.
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from .commands import Command

CODE_DIR = Path(__file__).resolve().parents[1]  # the repository: flows.py and prefect.yaml
QUEUES = {"text": 1, "ocr": 2}  # queue → priority (1 first): the batch before long OCR reviews
POOL_TYPE = "process"


def _arguments(w) -> None:
    w.add_argument("--pool", default=None, help="工作池名（默认配置 [prefect] work_pool，即 shouwen）/ work pool")
    w.add_argument("--queue", action="append", choices=sorted(QUEUES), default=None,
                   help="领取的队列，可重复；默认 text 与 ocr / work queue (repeatable; default both)")
    w.add_argument("--limit", type=int, default=1, help="本机同时运行的流程数（默认 1）/ concurrent flow runs")
    w.add_argument("--name", default=None, help="工作进程名（默认主机名）/ worker name")
    w.add_argument("--setup-only", action="store_true",
                   help="只创建工作池和队列，不启动工作进程 / only create the pool and its queues")


def ensure_pool(pool: str) -> list[str]:
    """Create the process work pool and its queues where missing (idempotent). Returns what was created."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    async def _ensure() -> list[str]:
        created = []
        async with get_client() as client:
            try:
                await client.read_work_pool(pool)
            except ObjectNotFound:
                try:
                    await client.create_work_pool(WorkPoolCreate(name=pool, type=POOL_TYPE,
                                                                 description="收文批处理（shouwen）"))
                    created.append(f"工作池 {pool}")
                except ObjectAlreadyExists:
                    pass  # another machine's worker made it meanwhile
            existing = {q.name for q in await client.read_work_queues(work_pool_name=pool)}
            for name, priority in QUEUES.items():
                if name not in existing:
                    try:
                        await client.create_work_queue(name=name, work_pool_name=pool, priority=priority,
                                                       description={"text": "收文批处理（电子公文）",
                                                                    "ocr": "扫描件、传真的初审（OCR）"}[name])
                        created.append(f"队列 {pool}/{name}")
                    except ObjectAlreadyExists:
                        pass
        return created

    return asyncio.run(_ensure())


def run_worker(args) -> int:
    from .config import current
    from .dataroot import DataRoot
    from .prefect_setup import configure

    config = current()
    api = config.settings.prefect.api_url
    if not api:
        print("shouwen: 工作进程需要常驻的流程服务：请在 shouwen.toml 的 [prefect] api_url 或环境变量 PREFECT_API_URL 中"
              "给出其地址（如 http://prefect.office.lan:4200/api），见 docs/admin/deploy.md", file=sys.stderr)
        return 2
    pool = args.pool or config.settings.prefect.work_pool
    queues = args.queue or list(QUEUES)
    os.environ["PREFECT_API_URL"] = api
    os.environ.setdefault("SHOUWEN_CODE_DIR", str(CODE_DIR))  # prefect.yaml's pull step: where flows.py is
    os.environ.setdefault("PREFECT_FLOW_RUN_EXECUTE_SIGTERM_BEHAVIOR", "reschedule")  # a stopped run is handed back
    home = Path(os.environ.get("PREFECT_HOME") or DataRoot(config.root).prefect / f"worker-{socket.gethostname()}")
    os.environ["PREFECT_HOME"] = str(home)
    configure(config.root)
    try:
        created = ensure_pool(pool)
    except Exception as exc:  # the server cannot be reached, refuses us…
        print(f"shouwen: 无法连接流程服务 {api}：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    for what in created:
        print(f"已创建{what}", file=sys.stderr)
    if args.setup_only:
        return 0
    name = args.name or f"shouwen-{socket.gethostname()}"
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    say(f"流程工作进程已启动：工作池 {pool}，队列 {'、'.join(queues)}，流程服务 {api}；按 Ctrl-C 或发送 SIGTERM 停止")
    return serve(pool, queues, args.limit, name, say)


def serve(pool: str, queues: list[str], limit: int, name: str, say) -> int:
    """Run Prefect's process worker for `pool`/`queues` until SIGTERM or SIGINT; then take no new flow run,
    let those in progress finish, and return 0. A second signal while they run says what is awaited."""
    import asyncio
    import signal
    from functools import partial

    import anyio
    from prefect.settings import PREFECT_WORKER_QUERY_SECONDS
    from prefect.utilities.services import critical_service_loop
    from prefect.workers.process import ProcessWorker

    async def _serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if stop.is_set():
                say(f"收到 {signal.Signals(signum).name}：正在等待进行中的收文批处理结束后退出")
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal, signum)
        async with ProcessWorker(name=name, work_pool_name=pool, work_queues=queues, limit=limit,
                                 create_pool_if_not_found=False) as worker:
            async with anyio.create_task_group() as loops:
                loops.start_soon(partial(critical_service_loop, workload=worker.get_and_submit_flow_runs,
                                         interval=PREFECT_WORKER_QUERY_SECONDS.value(), jitter_range=0.3, backoff=4))
                # the heartbeat and the work pool's settings (what `prefect worker start` runs beside the polling)
                loops.start_soon(partial(critical_service_loop, workload=worker._sync_and_initialize,
                                         interval=worker.heartbeat_interval_seconds, jitter_range=0.3, backoff=4))
                say(f"工作进程 {name} 正在领取收文批处理")
                await stop.wait()
                loops.cancel_scope.cancel()  # no new flow run from now on
            running = worker.limiter.borrowed_tokens
            if running:
                say(f"已停止领取新的批处理；等待进行中的 {running} 个批处理结束")
            while worker.limiter.borrowed_tokens > 0:
                await anyio.sleep(0.5)
        say("流程工作进程已停止")

    asyncio.run(_serve())
    return 0


WORKER = Command(
    "worker", "启动流程工作进程，从工作池领取收文批处理 / run a Prefect worker for the work pool",
    "启动 Prefect 工作进程（process 类型），从工作池领取收文批处理并在本机运行。\n"
    "需要常驻的流程服务：shouwen.toml 的 [prefect] api_url 或 $PREFECT_API_URL。\n"
    "Run a Prefect process worker polling the office's work pool.",
    _arguments, run_worker, acts=False)
