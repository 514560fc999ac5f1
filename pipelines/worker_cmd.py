"""`shouwen worker` (流程工作进程): a Prefect process worker that takes the office's batches from a work pool.

For an office on several machines (docs/admin/deploy.md): a standing Prefect server holds the deployments of
prefect.yaml; each machine that shares the data root runs `shouwen worker`, which
  1. makes sure the work pool (default "shouwen", type process) and its queues exist — "text" (the batch,
     e-documents) before "ocr" (初审 of scans and faxes), in that priority;
  2. runs Prefect's documented command in its place: `prefect worker start --pool POOL --type process
     --work-queue Q…`, with the office's configuration exported to the flow runs it starts
     ($SHOUWEN_CONFIG, $SHOUWEN_ROOT, $PREFECT_API_URL).
A worker needs a server: [prefect] api_url in shouwen.toml or $PREFECT_API_URL; without one it says so in
Chinese and exits with 2.
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from .commands import Command

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
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect)] if prefect.exists() else [sys.executable, "-m", "prefect"]
    command += ["worker", "start", "--pool", pool, "--type", POOL_TYPE, "--limit", str(args.limit),
                "--name", args.name or f"shouwen-{socket.gethostname()}", "--no-create-pool-if-not-found",
                "--install-policy", "never"]
    for queue in queues:
        command += ["--work-queue", queue]
    print(f"流程工作进程已启动：工作池 {pool}，队列 {'、'.join(queues)}，流程服务 {api}；按 Ctrl-C 停止", file=sys.stderr,
          flush=True)
    os.execv(command[0], command)  # Prefect's own worker in our place: signals from the service manager reach it
    return 0  # not reached


WORKER = Command(
    "worker", "启动流程工作进程，从工作池领取收文批处理 / run a Prefect worker for the work pool",
    "启动 Prefect 工作进程（process 类型），从工作池领取收文批处理并在本机运行。\n"
    "需要常驻的流程服务：shouwen.toml 的 [prefect] api_url 或 $PREFECT_API_URL。\n"
    "Run a Prefect process worker polling the office's work pool.",
    _arguments, run_worker)
