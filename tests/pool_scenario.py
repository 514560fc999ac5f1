"""The work-pool scenario, run as one program so that it can run inside one network namespace (loopback only):
a local Prefect server, the work pool made by `shouwen worker --setup-only`, the deployments of prefect.yaml
registered with `prefect deploy --all`, a `shouwen worker`, and one run of the batch's deployment through it.

    python -m tests.pool_scenario DATA_ROOT PORT      prints one JSON line: the flow run's final state and logs

Everything it starts is stopped before it exits (the worker by one SIGTERM, as systemd stops it: its exit code
is reported; the server by the with-block), and dies with it if it is killed (the server: PR_SET_PDEATHSIG; the worker: the same, below).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.batch_server import _die_with_parent
from pipelines.schedule import LocalServer

REPO = Path(__file__).resolve().parents[1]
DEPLOYMENT = "收文批处理 ingest/收文批处理"


def main(root: Path, port: int) -> int:
    home = root / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "SHOUWEN_CODE_DIR"}
    env.update(PREFECT_HOME=str(home), SHOUWEN_ROOT=str(root),  # SHOUWEN_CODE_DIR: `shouwen worker` sets it itself
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    result: dict = {}
    with LocalServer(home, port) as server:
        env["PREFECT_API_URL"] = os.environ["PREFECT_API_URL"] = server.url
        os.environ["PREFECT_HOME"] = str(home)
        shouwen = [sys.executable, "-m", "pipelines.cli"]
        setup = subprocess.run([*shouwen, "worker", "--setup-only", "--root", str(root)], cwd=REPO, env=env,
                               capture_output=True, text=True, timeout=300)
        result["setup"] = {"rc": setup.returncode, "err": setup.stderr[-2000:]}
        prefect = str(Path(sys.executable).with_name("prefect"))
        deploy = subprocess.run([prefect, "--no-prompt", "deploy", "--all", "--prefect-file", "prefect.yaml"], cwd=REPO,
                                env=env, capture_output=True, text=True, timeout=300)
        result["deploy"] = {"rc": deploy.returncode, "out": (deploy.stdout + deploy.stderr)[-3000:]}
        if setup.returncode or deploy.returncode:
            print(json.dumps(result, ensure_ascii=False))
            return 1
        log = open(root / "worker.log", "wb")
        worker = subprocess.Popen([*shouwen, "worker", "--root", str(root), "--name", "测试工作进程"], cwd=REPO, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                  preexec_fn=_die_with_parent(signal.SIGTERM))
        try:
            result.update(_run_deployment())
        finally:
            os.kill(worker.pid, signal.SIGTERM)  # one SIGTERM: it must end by itself
            try:
                result["worker_rc"] = worker.wait(timeout=600)  # generous: a busy machine
            except subprocess.TimeoutExpired:
                result["worker_rc"] = "still running 600 s after one SIGTERM"
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
            log.close()
        result["worker_log"] = (root / "worker.log").read_text(encoding="utf-8", errors="replace")[-4000:]
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _run_deployment() -> dict:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    flow_run = run_deployment(DEPLOYMENT, timeout=0)  # scheduled now; the worker picks it up

    async def _wait() -> dict:
        deadline = time.monotonic() + 900
        async with get_client() as client:
            while time.monotonic() < deadline:
                run = await client.read_flow_run(flow_run.id)
                if run.state and run.state.is_final():
                    deployment = await client.read_deployment(run.deployment_id)
                    return {"state": run.state.type.value, "state_name": run.state.name,
                            "work_pool": run.work_pool_name, "work_queue": run.work_queue_name,
                            "deployment": deployment.name, "parameters": run.parameters,
                            "infrastructure_pid": run.infrastructure_pid}
                await asyncio.sleep(1)
        return {"state": "TIMED_OUT_WAITING"}

    return asyncio.run(_wait())


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve(), int(sys.argv[2])))
