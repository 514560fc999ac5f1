"""`shouwen run` and `shouwen schedule`: the office's batch, once or on a cron schedule."""
from __future__ import annotations

import sys

from . import EXIT_ACCEPTED, EXIT_UNUSABLE, Command


def _run_arguments(b) -> None:
    b.add_argument("--samples", action="store_true",
                   help="先把仓库自带的示例文件放入收件箱 / first copy the bundled sample documents into the inboxes")


def _run(args) -> int:
    from .. import desk
    from ..config import current
    from ..dataroot import data_root

    desk.run_batch(data_root(args.root), current(), samples=args.samples,
                   say=lambda line: print(line, file=sys.stderr), actor=args.actor)
    return EXIT_ACCEPTED


RUN = Command(
    "run", "运行一批收文：签收、登记、初审、退文、分办、检索 / run one batch",
    "运行一批收文（Prefect 流程）：收件箱 inbox/{fax,edoc,scan,mail} 中的新文件逐件签收、登记、\n"
    "初审，退文或分办，并入检索。Run one batch over the inboxes.",
    _run_arguments, _run, action="run_batch")


def _schedule_arguments(sc) -> None:
    sc.add_argument("--cron", required=True, help='cron 计划（分 时 日 月 周），如 "*/10 * * * *" 每 10 分钟 / cron schedule')
    sc.add_argument("--timezone", default=None,
                    help="计划所用时区（默认配置 [office] timezone、$SHOUWEN_TIMEZONE 或 Asia/Shanghai）/ time zone")
    sc.add_argument("--port", type=int, default=4200, help="流程服务端口，被占用时自动另选 / server port")
    sc.add_argument("--now", action="store_true", help="启动后立即先运行一批 / run one batch right away")


def _schedule(args) -> int:
    from ..config import current
    from ..dataroot import DataRoot, data_root
    from ..schedule import ScheduleError, serve

    root = data_root(args.root).resolve()
    DataRoot(root).prepare()
    try:
        serve(root, args.cron, args.timezone or current().office.timezone, args.port, args.now,
              say=lambda line: print(line, file=sys.stderr, flush=True))
    except ScheduleError as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED


SCHEDULE = Command(
    "schedule", "定时收文：按 cron 计划反复运行收文批处理 / serve the batch on a schedule",
    "定时收文：在本机启动流程服务（Prefect，仅监听 127.0.0.1，不联网），按 cron 计划运行收文批处理，\n"
    "按 Ctrl-C 停止（流程服务随之关闭）。Serve the batch on a cron schedule.",
    _schedule_arguments, _schedule)
