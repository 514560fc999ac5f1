"""`shouwen migrate` (登记簿迁移): copy an office's SQLite ledger to PostgreSQL, keeping everything.

    shouwen migrate --root /srv/shouwen-data --to postgresql://shouwen@db.office.lan/shouwen
    shouwen migrate --root R --from /backup/ledger.sqlite3 --to postgresql://shouwen@/shouwen?host=/run/postgresql

What is copied: every table of the ledger (documents with all their columns, history, the per-year sequences,
the same-document claims) and of every feature the source has applied (accounts, 承办/督办 …: their steps are
applied to the target first), ids and 收文编号 unchanged, in one transaction on the target (pipelines/ledger's
iter_table / import_tables, a page at a time), with the data root's batch lock held so no batch writes meanwhile. The source is
only read, then marked as moved (a `moved_to` table naming the masked target URL and the time: SQLiteLedger
refuses every write from then on, so a batch run before the operator switches `[ledger] url` over cannot number
documents in the old file beside the new ledger). Its rows stay as they were: a backup.

Refused (Chinese message, exit 2, nothing written): a target that already holds documents, a missing source,
a target that cannot be reached, a batch running on the root. After copying, the target is read back and
compared with the source: row counts per table, each year's last 收文编号, and every row of every table; any
difference is reported (exit 2). On success the operator is told the next step: `[ledger] url` in shouwen.toml.

Either side may be any ledger URL open_ledger takes (sqlite:///…, postgresql://…): the same command copies a
PostgreSQL ledger back into a SQLite file.
"""
from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .commands import Command

if TYPE_CHECKING:
    from .ledger import Ledger

# The ledger and the configuration are imported where they are used: this module is read for `shouwen --help`.

EXIT_OK, EXIT_FAULT = 0, 2
TABLE_ZH = {"documents": "收文", "history": "状态历史", "sequences": "年度编号", "same_document": "同一来文比对"}
UNIT_ZH = {"documents": "件", "history": "条", "sequences": "个", "same_document": "条"}


class MigrationRefused(RuntimeError):
    """The copy was not made or does not match (said in Chinese)."""


@dataclass
class Copied:
    counts: dict = field(default_factory=dict)  # table → rows copied
    last_numbers: dict = field(default_factory=dict)  # year → last 收文编号 seq


def _arguments(m) -> None:
    m.add_argument("--to", required=True, metavar="URL",
                   help="目标登记簿，如 postgresql://shouwen@db.office.lan/shouwen / target ledger URL")
    m.add_argument("--from", dest="source", metavar="PATH_OR_URL", default=None,
                   help="源登记簿（默认数据目录的 ledger.sqlite3）/ source ledger (default: the root's ledger.sqlite3)")


def _as_url(value: str) -> str:
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _features(source: Ledger) -> list:
    """The features the source has applied (accounts, 承办/督办 …), each known to this program with at least the
    steps applied there; MigrationRefused (Chinese) for one it does not know: its tables would be left behind."""
    from .ledger.features import known

    features, out = known(), []
    for name, version in source.applied_features().items():
        feature = features.get(name)
        if feature is None or len(feature.steps) < version:
            raise MigrationRefused(f"源登记簿中有功能“{name}”的表（第 {version} 步），本程序不认识，迁移会把它们丢下；"
                                   "请用建立这些表的 shouwen 版本迁移")
        out.append(feature)
    return out


def _zh(table: str) -> str:
    return TABLE_ZH.get(table, f"功能表 {table}")


def migrate(source: Ledger, target: Ledger, say: Callable[[str], None] = print) -> Copied:
    """Copy every table of `source` into the empty `target` (a page at a time: a ledger of years stays out of
    memory) — the ledger's own and those of every feature it has applied (features.py) —, then read both back in
    key order and compare them row by row, and each year's last 收文编号.
    Errors: MigrationRefused (Chinese) for a non-empty target, a feature this program does not know, or any
    difference found afterwards."""
    from .ledger import TABLES, iter_table

    if target.count_rows("documents"):
        raise MigrationRefused(f"目标登记簿已有收文，拒绝迁移（请换一个空数据库，或先确认其中内容无用后清空）：{_shown(target)}")
    features = _features(source)
    tables = list(TABLES) + [t for feature in features for t in feature.tables]
    for feature in features:
        target.ensure(feature)
    totals = {t: source.count_rows(t) for t in tables}
    say("源登记簿：" + "，".join(f"{_zh(t)} {totals[t]} {UNIT_ZH.get(t, '行')}" for t in tables))

    def progress(table: str, done: int, total: int) -> None:
        say(f"  复制{_zh(table)}：{done}/{total}")
    target.import_tables({t: iter_table(source, t) for t in tables}, progress=progress, totals=totals)
    say("核对：逐表比较条数和每一行 …")
    result = Copied()
    for table in tables:
        count = 0
        for before, after in zip_longest(iter_table(source, table), iter_table(target, table)):
            if before is None or after is None:
                raise MigrationRefused(f"核对失败：{_zh(table)}源有 {source.count_rows(table)} 条，"
                                       f"目标有 {target.count_rows(table)} 条")
            if before != after:
                differing = sorted(k for k in before if before.get(k) != after.get(k))
                raise MigrationRefused(f"核对失败：{_zh(table)}中有一行不一致（{before.get('number') or before.get('id')}："
                                       f"{'、'.join(differing)}）")
            if table == "documents":
                result.last_numbers[after["year"]] = max(result.last_numbers.get(after["year"], 0), after["seq"])
            count += 1
        result.counts[table] = count
    sequences = {r["year"]: r["last"] for r in iter_table(target, "sequences")}
    behind = {y: n for y, n in result.last_numbers.items() if sequences.get(y, 0) < n}
    if behind:
        raise MigrationRefused(f"核对失败：年度编号落后于已登记的最大编号（{behind}）")
    return result


def _shown(ledger: Ledger) -> str:
    from .config import mask

    return mask(getattr(ledger, "url", "?"))


def run_migrate(args) -> int:
    """The CLI command: exit 0 when copied and checked, 2 when refused or different (Chinese on stderr)."""
    from .batch_lock import BatchBusy, batch_lock
    from .config import mask
    from .dataroot import DataRoot, data_root
    from .ledger import TABLES, LedgerUnavailable, open_ledger

    root = data_root(args.root)
    source_url = _as_url(args.source) if args.source else f"sqlite:///{DataRoot(root).ledger_file}"
    if source_url.startswith("sqlite:///") and not Path(source_url[len("sqlite:///"):]).is_file():
        print(f"shouwen: 没有找到源登记簿 {source_url[len('sqlite:///'):]}（用 --root 指定数据目录，或用 --from 指定文件）",
              file=sys.stderr)
        return EXIT_FAULT
    if _as_url(args.to) == source_url:
        print("shouwen: 源和目标是同一个登记簿", file=sys.stderr)
        return EXIT_FAULT
    try:
        with batch_lock(root):
            source = open_ledger(source_url, root, create=False)
            try:
                target = open_ledger(args.to, root)
            except ValueError as exc:  # said of the option the operator typed, not of shouwen.toml
                source.close()
                raise ValueError(str(exc).replace("配置项 [ledger] url", "--to")) from None
            try:
                print(f"迁移登记簿：{_shown(source)} → {_shown(target)}", flush=True)
                copied = migrate(source, target, say=lambda line: print(line, flush=True))
                if hasattr(source, "mark_moved"):  # the old SQLite file refuses to register from now on (split brain)
                    source.mark_moved(mask(args.to))
            finally:
                source.close()
                target.close()
    except (MigrationRefused, LedgerUnavailable, BatchBusy, ValueError, sqlite3.Error) as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return EXIT_FAULT
    years = "、".join(f"收〔{year}〕{seq}号" for year, seq in sorted(copied.last_numbers.items())) or "无"
    features = [t for t in copied.counts if t not in TABLES]
    print(f"迁移完成并已核对：收文 {copied.counts['documents']} 件，状态历史 {copied.counts['history']} 条，"
          f"同一来文记录 {copied.counts['same_document']} 条" +
          "".join(f"，功能表 {t} {copied.counts[t]} 行" for t in features) + f"；各年度最后编号：{years}。")
    print("下一步：在数据目录的 shouwen.toml 中写入\n"
          "    [ledger]\n"
          f"    url = \"{mask(args.to)}\"\n"
          "（密码不宜写入文件时，可改用环境变量 SHOUWEN_LEDGER_URL 或 ~/.pgpass），再用 shouwen config 核对、"
          "shouwen ledger 抽查。\n"
          f"原登记簿 {source_url[len('sqlite:///'):] if source_url.startswith('sqlite') else mask(source_url)} "
          "内容未改动，已标记为“已迁移”，不能再用它登记（未改配置就运行批处理会被拒绝，不会重号）；请保留作为迁移前的备份。")
    return EXIT_OK


MIGRATE = Command(
    "migrate", "把登记簿从 SQLite 迁移到 PostgreSQL / copy the ledger to PostgreSQL",
    "把数据目录的登记簿（ledger.sqlite3）原样复制到 PostgreSQL：收文编号、状态历史、\n"
    "年度编号和同一来文记录全部保留；目标库必须是空的；复制后逐行核对。\n"
    "Copy the office's SQLite ledger to an empty PostgreSQL database, then compare.",
    _arguments, run_migrate, acts=False)
