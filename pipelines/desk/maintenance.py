"""The office's models and indexes at the desk: retrain the router, rebuild the search index or the ledger."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from ..access import require
from ..actors import Actor, acting
from ..refusals import Action, DeskRefusal


def learn(office, *, actor: Optional[Actor] = None) -> dict:
    """Retrain the routing model now from rule decisions and corrections (learning.learn, forced). Returns its
    facts (examples, corrections, departments, held_out_accuracy); DeskRefusal when there are too few."""
    from .. import router_model
    from ..learning import learn as learn_now

    require(acting(actor), "learn")
    meta = learn_now(office, force=True)
    if meta is None:
        raise DeskRefusal("too_few_examples", f"样本不足，未训练：至少需要 {router_model.MIN_EXAMPLES} 件按规则分办或经改办的收文，"
                                              f"涉及 {router_model.MIN_DEPARTMENTS} 个以上部门")
    return meta


def reindex(office, say: Callable[[str], None] = lambda line: None, *, actor: Optional[Actor] = None) -> int:
    """Rebuild the search index from the ledger and the archived originals (search_sync.reindex) under the
    batch lock: a batch and a rebuild never run at once on one data root (BatchBusy, Chinese, to the one that
    comes second), so nothing a batch indexes is lost in the swap. An embedded index that cannot even be opened
    (damaged, another version) is removed and made afresh first. Progress lines go to say(). Returns how many
    documents were indexed; IndexUnavailable when the search service cannot be reached."""
    from index import IndexUnavailable

    from ..batch_lock import batch_lock
    from ..search_sync import reindex as rebuild

    require(acting(actor), "reindex")
    with batch_lock(office.root, "重建检索库"):
        try:
            index = office.index
            index.count()
        except IndexUnavailable:
            if office.config.settings.index.url != "embedded":
                raise
            from index.tantivy_index import remove_index

            office.drop_index()
            remove_index(office.root)  # the embedded index is unreadable: start it afresh, the rebuild fills it
            index = office.index
        return rebuild(office.root, office.ledger, index, say=say)


def rebuild_ledger(root: Path, config, force: bool = False, *, actor: Optional[Actor] = None):
    """`shouwen rebuild-ledger`: the SQLite ledger rebuilt from the archive, numbers kept (ledger_rebuild.py),
    under the batch lock. Refused (DeskRefusal) for a data root that does not exist, a ledger kept in PostgreSQL
    (its own backups restore it), and a healthy ledger unless force. Returns ledger_rebuild.Rebuilt."""
    from ..batch_lock import batch_lock
    from ..config import mask
    from ..dataroot import DataRoot
    from ..ledger import LedgerDamaged
    from ..ledger_rebuild import check_ledger
    from ..ledger_rebuild import rebuild_ledger as rebuild
    from ..office import ledger_file

    require(acting(actor), "rebuild_ledger")
    root = Path(root)
    if not root.is_dir():
        raise DeskRefusal("no_root", f"数据目录不存在：{root}")
    path = ledger_file(config)
    if path is None:
        raise DeskRefusal("ledger_in_database", f"登记簿在数据库中（{mask(config.ledger_location())}），不能由档案重建；"
                                                f"请用数据库的备份恢复（见管理员指南“多台机器、PostgreSQL、备份”，docs/admin/deploy.md）")
    if path != DataRoot(root).ledger_file:
        raise DeskRefusal("ledger_elsewhere", f"只能重建数据目录下的登记簿 {DataRoot(root).ledger_file}；配置的登记簿是 {path}")
    with batch_lock(root):
        if not force:
            try:
                check_ledger(root, path)
            except LedgerDamaged:
                pass  # damaged, empty or missing: what the command is for
            else:
                if path.exists():
                    raise DeskRefusal("ledger_healthy", f"登记簿完好（{path}），无需重建；重建以各件的登记日志和档案为准，"
                                                        f"账户等只在登记簿中的功能表不会恢复。确需重建请强制重建",
                                      Action("rebuild_ledger", "强制重建", {"force": True}))
        return rebuild(root)
