"""The 登记簿 (ledger) in PostgreSQL (psycopg 3): the same behaviour as SQLiteLedger (base.py holds it), for an
office whose batch runs on several machines.

    url: postgresql://user:pw@host:5432/db, or postgresql://user@/db?host=/socket/dir (a Unix socket)

收文编号: the number is drawn (`UPDATE sequences … RETURNING last`, which locks that year's row until the
transaction ends, so concurrent registrations queue there) and the row written in one transaction: a
registration that fails gives its number back, and no two get the same one. The same file (sha256) registered
by two processes at once: the second one's insert hits the unique sha256, its transaction is rolled back (its
number with it) and it returns the first one's registration.

Compare-and-set: `UPDATE … WHERE id = … AND version = … AND status IN (…)`; under READ COMMITTED a concurrent
update makes PostgreSQL re-check the condition on the new row, so only one of two clerks wins.

Schema: schema.LEDGER rendered for PostgreSQL, the applied version in `ledger_schema`; migrations (and
features' steps) run under a transaction-scoped advisory lock, so several workers opening a new database at
once migrate it once.

Rows come back as dicts with SQLite's keys and types: ids and counts int, received_at / at / findings /
mail_attachments text, route_confidence and similarity float. PostgreSQL text cannot hold NUL characters: they
are stored as U+FFFD.

A server that restarts (`the database system is starting up`, a dropped connection) does not stop the batch:
the connection is opened again with back-off for up to `retry_seconds` (default RETRY_SECONDS, `[ledger]
retry_seconds`), then LedgerUnavailable. What is run again: a read; a transaction lost before its COMMIT was
sent (PostgreSQL rolled it back); a transaction lost during its COMMIT only after checking whether it was
committed (a registration: the row with its sha256; a status change: the version and the last history line) —
where no check exists (a feature's statement), LedgerUnavailable says it may or may not have been done.
Errors: LedgerUnavailable (Chinese, the URL without its password).
"""
from __future__ import annotations

import time
from functools import lru_cache
from typing import Callable, Optional, TypeVar

import psycopg
from psycopg import errors, sql
from psycopg.rows import dict_row

from ..config import mask
from .base import SQLLedger
from .core import LedgerUnavailable
from .journal import Journal
from .schema import POSTGRES_MIGRATIONS

MIGRATIONS = POSTGRES_MIGRATIONS  # the ledger's schema steps as PostgreSQL runs them (schema.LEDGER)
CONNECT_TIMEOUT_S = 30  # where the URL names none: a server that does not answer is reported, not waited on forever
RETRY_SECONDS = 30.0  # how long a lost server is waited for before the operation gives up (a restart takes seconds)
FIRST_DELAY_S, MAX_DELAY_S = 0.05, 1.0  # back-off between connection attempts: doubling, capped
NOT_YET = ("starting up", "shutting down", "in recovery mode", "not yet accepting connections")  # a restart's words

T = TypeVar("T")


def _clean(value):
    """PostgreSQL text holds no NUL: replaced by U+FFFD (SQLite would keep it)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


@lru_cache(maxsize=4096)
def pyformat(statement: str) -> str:
    """A "?"-placeholder statement as psycopg takes it: ? outside quotes becomes %s, every % becomes %%."""
    out, quote = [], None
    for char in statement:
        if quote:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


class PostgresLedger(SQLLedger):
    """The ledger in the PostgreSQL database at `url`; safe to open from many processes and machines at once.
    create=False: the database must already hold a ledger (LedgerUnavailable otherwise). retry_seconds: how
    long a lost server is waited for (None: RETRY_SECONDS)."""

    dialect = "postgresql"
    unique_violation = errors.UniqueViolation

    def __init__(self, url: str, create: bool = True, retry_seconds: Optional[float] = None,
                 journal: Optional[Journal] = None):
        self.url = url
        self.retry_seconds = RETRY_SECONDS if retry_seconds is None else float(retry_seconds)
        self._committing = False
        self.conn: psycopg.Connection = self._first_connection()
        self._setup(create, journal)

    def close(self) -> None:
        self.conn.close()

    # -- connection ------------------------------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        extra = {} if "connect_timeout" in self.url else {"connect_timeout": CONNECT_TIMEOUT_S}
        return psycopg.connect(self.url, autocommit=True, row_factory=dict_row, **extra)

    def _first_connection(self) -> psycopg.Connection:
        """Connect; a server still starting up (or shutting down for a restart) is waited for, anything else
        (no server, wrong name or password) is said at once."""
        deadline, delay = time.monotonic() + self.retry_seconds, FIRST_DELAY_S
        while True:
            try:
                return self._connect()
            except psycopg.Error as exc:
                restarting = any(words in str(exc) for words in NOT_YET)
                if not restarting or time.monotonic() + delay > deadline:
                    raise LedgerUnavailable(f"登记簿数据库无法连接：{mask(self.url)}（{_first_line(exc)}）") from None
            time.sleep(delay)
            delay = min(2 * delay, MAX_DELAY_S)

    def _lost(self) -> bool:
        return self.conn.closed or self.conn.broken

    def _reconnect(self, deadline: float, cause: BaseException) -> None:
        """Open a new connection, trying with back-off until `deadline` (time.monotonic()); LedgerUnavailable
        after it, naming how long was waited."""
        try:
            self.conn.close()
        except psycopg.Error:
            pass
        delay = FIRST_DELAY_S
        while True:
            try:
                self.conn = self._connect()
                return
            except psycopg.Error as exc:
                cause = exc
            if time.monotonic() + delay > deadline:
                raise LedgerUnavailable(f"登记簿数据库连接中断：{mask(self.url)}（{_first_line(cause)}），"
                                        f"{self.retry_seconds:g} 秒内未能重新连接") from None
            time.sleep(delay)
            delay = min(2 * delay, MAX_DELAY_S)

    def _attempt(self, op: Callable[[], T], *, verify: Optional[Callable[[], Optional[T]]] = None,
                 idempotent: bool = False, rerun: bool = True) -> T:
        """Run op(); where the connection is lost (a server restart, the network), connect again with back-off
        and, where it is safe, run op again (see the module docstring). Inside a transaction the caller's
        transaction is lost with the connection: LedgerUnavailable."""
        deadline = None
        while True:
            if self._lost():
                if self._depth:  # the transaction this runs in is gone with the connection
                    raise LedgerUnavailable(f"登记簿数据库连接中断：{mask(self.url)}，本次操作未完成，请重试")
                deadline = deadline or time.monotonic() + self.retry_seconds
                self._reconnect(deadline, RuntimeError("连接已关闭"))
            try:
                return op()
            except psycopg.OperationalError as exc:
                if not self._lost():
                    raise  # a deadlock, a cancelled statement: the connection itself is fine
                committing, self._committing = self._committing, False
                if self._depth:  # an outer transaction (a feature's) is gone with the connection
                    raise LedgerUnavailable(f"登记簿数据库连接中断：{mask(self.url)}（{_first_line(exc)}），"
                                            "本次操作未完成，请重试") from None
                deadline = deadline or time.monotonic() + self.retry_seconds
                self._reconnect(deadline, exc)
                if not rerun:
                    raise LedgerUnavailable(f"登记簿数据库连接中断：{mask(self.url)}（{_first_line(exc)}），"
                                            "本次操作未完成，请重试") from None
                if committing and not idempotent:
                    if verify is None:
                        raise LedgerUnavailable(f"登记簿数据库在提交时连接中断：{mask(self.url)}（{_first_line(exc)}），"
                                                "该操作可能已完成也可能未完成，请核对后再办") from None
                    done = verify()
                    if done is not None:
                        self._confirmed()  # committed after all: its journal lines are written
                        return done
                self._uncertain = []
                # lost before COMMIT: PostgreSQL rolled the transaction back, run it again

    # -- primitives (base.SQLLedger) ----------------------------------------------------------------------------

    def _fetch(self, statement: str, params: tuple = ()) -> list[dict]:
        cursor = self.conn.execute(pyformat(statement), tuple(_clean(p) for p in params))
        return cursor.fetchall() if cursor.description else []

    def _execute(self, statement: str, params: tuple = ()):
        return self.conn.execute(pyformat(statement), tuple(_clean(p) for p in params))

    def _insert_id(self, statement: str, params: tuple = ()) -> int:
        statement = statement.rstrip().rstrip(";")
        if " RETURNING " not in statement.upper():
            statement += " RETURNING id"
        return self._fetch(statement, params)[0]["id"]

    def _begin(self) -> None:
        self._committing = False
        self.conn.execute("BEGIN")

    def _commit(self) -> None:
        self._committing = True  # lost from here on: it may have been committed
        try:
            self.conn.execute("COMMIT")
        except psycopg.OperationalError:
            raise  # _attempt reads _committing
        except BaseException:
            self._committing = False  # refused (a deferred constraint): not committed
            raise
        self._committing = False

    def _rollback(self) -> None:
        if self._lost():
            return  # the server rolls back what a lost connection left open
        try:
            self.conn.execute("ROLLBACK")
        except psycopg.OperationalError:
            if not self._lost():
                raise

    def _lock(self, key: int) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def _clean(self, value):
        return _clean(value)

    def _core_version(self, create: bool) -> int:
        if not self.conn.execute("SELECT to_regclass('ledger_schema') IS NOT NULL AS e").fetchone()["e"]:
            if not create:
                raise LedgerUnavailable(f"该数据库中还没有登记簿：{mask(self.url)}")
            # under the migration lock, but a process that waited for it may still hold a catalog view from before
            # the other's commit (the lock is an advisory one): a table made meanwhile is then found by the CREATE
            self.conn.execute("SAVEPOINT ledger_schema")
            try:
                self.conn.execute("CREATE TABLE ledger_schema (version integer NOT NULL)")
                self.conn.execute("INSERT INTO ledger_schema VALUES (0)")
            except psycopg.errors.DuplicateTable:
                self.conn.execute("ROLLBACK TO SAVEPOINT ledger_schema")
            self.conn.execute("RELEASE SAVEPOINT ledger_schema")
        return self.conn.execute("SELECT version FROM ledger_schema").fetchone()["version"]

    def _set_core_version(self, version: int) -> None:
        self.conn.execute("UPDATE ledger_schema SET version = %s", (version,))

    def _columns_of(self, table: str) -> list[str]:
        return [r["column_name"] for r in self._all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", (table,))]

    def _defer_constraints(self) -> None:
        self.conn.execute("SET CONSTRAINTS ALL DEFERRED")

    def _load(self, table: str, columns: list[str], rows: list[dict]) -> None:
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table),
                                                             sql.SQL(", ").join(map(sql.Identifier, columns)))
        with self.conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row([_clean(row[c]) for c in columns])

    def _after_import(self, tables: list[str]) -> None:
        for table in tables:  # the ids go on after the highest copied (where id has a sequence)
            sequence = self.conn.execute("SELECT pg_get_serial_sequence(%s, 'id') AS s", (table,)).fetchone()["s"]
            if sequence:
                self.conn.execute(f"SELECT setval(%s, coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}",
                                  (sequence,))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
