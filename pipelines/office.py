"""The composition root (机关的组装处): the one place where the office's ledger, search index and routing
model are opened, from its configuration (pipelines/config.py: shouwen.toml, --config, $SHOUWEN_CONFIG and the
environment's overrides).

    with Office.open(root) as office:      # config: the one given, else this process's, else read for root
        office.ledger                       # the 登记簿, behind the Ledger protocol: open_ledger([ledger] url)
        office.index                        # the search index, behind SearchIndex: [index] url (embedded, http(s)://)
        office.router                       # the learned router (分办模型), or None before one was trained
        office.rules                        # the 分办 rules (routing.toml), checked against [office] departments
        office.profile, office.departments  # the 初审 profile and the configured 承办部门 ([office])
        office.paths                        # the data root's folders and writers (dataroot.DataRoot)
        office.config                       # the configuration, carried explicitly (never read from the environment)
        office.now()                        # the time in the office's time zone ([office] timezone)

Everything else — the batch (batch.py, flows.py, workers.py), the clerk's operations (desk.py), the CLI — gets
these from an Office and never opens a file by path. The ledger is opened at once (a missing or damaged one is
said before anything else happens); the index and the router when first used, so that `shouwen ledger` never
loads a search index or a language model. SQLite connections belong to the thread that opened them, so each
thread using `office.ledger` gets its own connection to the same ledger; `close()` closes them all.

Errors: NoLedger (no batch has made the ledger yet; create=False), LedgerDamaged (a lost SQLite ledger while the
archive holds documents: shouwen rebuild-ledger), LedgerUnreachable (the configured ledger cannot be opened,
in Chinese, the URL shown without its password); the index's IndexUnavailable on first use of `.index`.
"""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

from index import SearchIndex

from .config import Config, load, mask
from .dataroot import DataRoot
from .ledger import Ledger, LedgerUnavailable, open_ledger
from .refusals import Action, DeskRefusal


class NoLedger(DeskRefusal, LookupError):
    """The office has no ledger yet (no batch has run on this data root): a refusal whose action is the batch."""

    def __init__(self, root: Path):
        super().__init__("no_ledger", f"登记簿不存在：{root}（请先运行收文批处理）", Action("run_batch", "运行收文批处理"))
        self.root = root

    def __reduce__(self):
        return (type(self), (self.root,))


class LedgerUnreachable(LedgerUnavailable):
    """The configured ledger cannot be opened (a PostgreSQL server down, a path that cannot be made…): Chinese."""


def configuration(root: Path) -> Config:
    """This process's configuration when it is for `root` (the CLI activated it), else the one read for root
    (its shouwen.toml, $SHOUWEN_CONFIG, the environment)."""
    from . import config as config_module

    root = Path(root).resolve()
    current = config_module._current
    if current is not None and current.root == root:
        return current
    return load(root)


def ledger_file(config: Config) -> Optional[Path]:
    """The SQLite file of the configured ledger, or None where the ledger is not a file (PostgreSQL)."""
    url = config.settings.ledger.url
    return Path(config.ledger_location()) if url.startswith("sqlite:///") else None


class Office:
    """The office's data root with its ledger, search index and routing model, opened from its configuration.
    Use Office.open(...); a context manager (closes what it opened)."""

    def __init__(self, root: Path, config: Config, create: bool = True):
        self.root = Path(root)
        self.paths = DataRoot(self.root)
        self.config = config
        self._create = create
        self._local = threading.local()
        self._ledgers: list[Ledger] = []
        self._guard = threading.Lock()
        self._index: Optional[SearchIndex] = None
        self._router = None
        self._router_loaded = False
        self._rules: Optional[list[dict]] = None

    @classmethod
    def open(cls, root: Path, config: Optional[Config] = None, *, create: bool = True, check: bool = True) -> "Office":
        """The office at `root`. create=False: the ledger must exist already (NoLedger); check: a SQLite ledger
        lost or damaged while the archive holds documents raises LedgerDamaged (ledger_rebuild.check_ledger)
        rather than starting the numbers again. Raises LedgerUnreachable when the configured ledger cannot be
        opened."""
        root = Path(root)
        office = cls(root, config or configuration(root), create)
        path = ledger_file(office.config)
        if path is not None:
            if check:
                from .ledger_rebuild import check_ledger

                check_ledger(root, path)
            if not create and not path.exists():
                raise NoLedger(root)
        office.ledger  # opened now: a ledger that cannot be opened is said before any work starts
        return office

    # -- the ledger (登记簿) ---------------------------------------------------------------------------------
    @property
    def ledger(self) -> Ledger:
        """This thread's connection to the office's ledger (open_ledger on the configured [ledger] url)."""
        ledger = getattr(self._local, "ledger", None)
        if ledger is None:
            ledger = self._open_ledger()
            self._local.ledger = ledger
            with self._guard:
                self._ledgers.append(ledger)
        return ledger

    def _open_ledger(self) -> Ledger:
        from .faults import is_root_fault
        from .ledger import LedgerDamaged

        url = self.config.settings.ledger.url
        try:
            ledger = open_ledger(url, self.root, create=self._create,
                                 retry_seconds=self.config.settings.ledger.retry_seconds)
        except LedgerDamaged:
            raise
        except Exception as exc:
            if is_root_fault(exc):  # 磁盘已满, 只读, 损坏: said by the caller as such
                raise
            raise LedgerUnreachable(f"无法打开登记簿 {mask(self.config.ledger_location())}：{mask(str(exc))}") from exc
        moved = getattr(ledger, "moved_error", lambda: None)()
        if moved:  # `shouwen migrate` copied it away: the office's ledger is elsewhere now (ledger.LedgerMoved)
            ledger.close()
            raise moved
        return ledger

    # -- the search index (检索) ---------------------------------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        """The office's search index ([index] url), opened on first use; IndexUnavailable when it cannot be."""
        if self._index is None:
            from .search_sync import open_office_index

            url = self.config.settings.index.url
            self._index = open_office_index(self.root, url)
        return self._index

    def drop_index(self) -> None:
        """Close the index (the next use of .index opens it again): after `shouwen reindex` removed a broken one."""
        if self._index is not None:
            self._index.close()
            self._index = None

    # -- routing (分办) ---------------------------------------------------------------------------------------
    @property
    def router(self):
        """The learned router (router_model.RouterModel) or None when none was trained; loaded once."""
        if not self._router_loaded:
            from . import router_model

            self._router, self._router_loaded = router_model.load(self.root), True
        return self._router

    def forget_router(self) -> None:
        """The router was retrained: the next use of .router loads the new one."""
        self._router, self._router_loaded = None, False

    @property
    def rules(self) -> list[dict]:
        """The office's 分办 rules (routing.toml, else the shipped ones), read once; every rule's department
        must be one of [office] departments when that list is given (routing.RulesError otherwise)."""
        if self._rules is None:
            from .routing import load_rules

            self._rules = load_rules(self.root, self.departments)
        return self._rules

    @property
    def departments(self) -> list[str]:
        """The configured 承办部门 ([office] departments); empty: any department."""
        return list(self.config.office.departments)

    @property
    def profile(self) -> str:
        """The 初审 profile of the batch ([office] profile)."""
        return self.config.office.profile

    def now(self) -> str:
        """The time now in the office's time zone ([office] timezone), ISO 8601 to the second, with its offset:
        what 收文 are registered at (and so which year's 收文编号 they get)."""
        return datetime.now(ZoneInfo(self.config.office.timezone)).isoformat(timespec="seconds")

    # -- closing ----------------------------------------------------------------------------------------------
    def close(self) -> None:
        with self._guard:
            ledgers, self._ledgers = self._ledgers, []
        for ledger in ledgers:
            try:
                ledger.close()
            except Exception:
                pass  # another thread's connection: closed with its thread
        self._local = threading.local()
        self.drop_index()

    def __enter__(self) -> "Office":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Office({str(self.root)!r}, ledger={mask(self.config.ledger_location())!r})"
