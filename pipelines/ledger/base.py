"""The ledger's behaviour written once (登记簿的共同部分), over a handful of primitives each backend provides.

SQLLedger implements the Ledger protocol (protocol.py) in SQL both SQLite and PostgreSQL read: "?" placeholders
(rendered "%s" for psycopg), `INSERT … ON CONFLICT`, `UPDATE … RETURNING`. A backend (sqlite.py, postgres.py)
supplies:

    _fetch(sql, params) -> list[dict]      run one statement, its rows as dicts
    _execute(sql, params) -> cursor        run one statement (rowcount)
    _insert_id(sql, params) -> int         run an INSERT, the new row's id
    _begin() / _commit() / _rollback()     one transaction (SQLite: BEGIN IMMEDIATE, which serialises writers)
    _lock(key)                             a lock held to the transaction's end (PostgreSQL: advisory; SQLite:
                                           nothing, BEGIN IMMEDIATE already serialises)
    _attempt(op, verify, idempotent, rerun) run op; PostgreSQL: where the connection is lost, connect again with
                                           back-off and run it again only where that cannot do it twice
    _core_version(create) / _set_core_version(n)   where the ledger's own schema version is kept
    _columns_of(table) -> list[str]
    _load(table, columns, rows) / _defer_constraints() / _after_import()   loading whole tables (shouwen migrate)
    unique_violation                       the exception a racing INSERT raises (SQLite: none can race)

Transactions nest: a ledger operation inside `store.transaction()` joins that transaction (no savepoint), so a
feature can change its own tables and a document's status atomically.

Where the ledger has a Journal (journal.py), register / set_status / note / claim_same_document each queue a
line for the registration's journal, written once the outermost transaction has committed (none for a rolled
back one; for one whose COMMIT's answer was lost, only where the check finds it committed).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Mapping, Optional, TypeVar

from ..dataroot import channel_zh
from .core import (
    BATCH_ACTOR,
    FINAL,
    MAX_TRAINING_ROWS,
    PAGE_ROWS,
    LedgerUnavailable,
    Registration,
    conflict,
    format_number,
    in_range,
    iter_table,
    now,
    pages,
    parse_key,
    prepare_fields,
)
from .features import Feature
from .journal import Journal
from .schema import LEDGER, TABLE_KEYS, TABLES, table

T = TypeVar("T")
MIGRATION_LOCK = 0x5348_5700  # transaction-scoped lock keys: "SHW" + 0 (migrations) / 1 (same-document claims)
CLAIM_LOCK = 0x5348_5701


class _NeverRaised(Exception):
    """No racing INSERT can happen (SQLite's writers are serialised)."""


class SQLLedger:
    """The Ledger protocol on a SQL database; see protocol.Ledger for what each method promises."""

    dialect: str  # "sqlite" | "postgresql"
    url: str
    unique_violation: type[BaseException] = _NeverRaised

    def _setup(self, create: bool, journal: Optional[Journal] = None) -> None:
        """After the backend connected: migrate the ledger's own schema, learn its columns. journal: where each
        registration's changes are appended as they are committed (journal.py), or None."""
        self._depth = 0  # open transactions (nested ones join the outermost)
        self._ensured: dict[str, int] = {}
        self._store = None
        self.journal = journal
        self._pending: list[tuple[int, int, dict]] = []  # journal lines of the open transaction
        self._uncertain: list[tuple[int, int, dict]] = []  # … of one whose COMMIT may or may not have happened
        self.ensure(LEDGER, create=create)
        self._columns = set(self._columns_of("documents")) - {"id"}

    # -- transactions and statements ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, lock: Optional[int] = None) -> Iterator[None]:
        """One transaction; inside another one, joins it. lock: taken once inside (PostgreSQL advisory lock)."""
        if self._depth:
            self._depth += 1
            try:
                if lock is not None:
                    self._lock(lock)
                yield
            finally:
                self._depth -= 1
            return
        self._writable()
        self._begin()
        self._depth = 1
        self._pending, self._uncertain = [], []
        try:
            if lock is not None:
                self._lock(lock)
            yield
        except BaseException:
            self._depth = 0
            self._pending = []
            self._rollback()
            raise
        self._depth = 0
        pending, self._pending = self._pending, []
        try:
            self._commit()
        except BaseException:
            self._uncertain = pending  # _attempt writes them where it finds the transaction committed after all
            self._rollback()
            raise
        self._write_journal(pending)

    def _journal(self, year: int, seq: int, entry: dict) -> None:
        """A journal line for registration <year>/<seq>, written when the open transaction commits."""
        if self.journal is not None:
            self._pending.append((year, seq, entry))

    def _write_journal(self, lines: list[tuple[int, int, dict]]) -> None:
        by_registration: dict[tuple[int, int], list[dict]] = {}
        for year, seq, entry in lines:
            by_registration.setdefault((year, seq), []).append(entry)
        for (year, seq), entries in by_registration.items():
            self.journal.append(year, seq, entries)

    def _confirmed(self) -> None:
        """The transaction whose COMMIT was in doubt was found committed: its journal lines are written."""
        lines, self._uncertain = self._uncertain, []
        self._write_journal(lines)

    def _writable(self) -> None:
        """Raise where this ledger must not be written (SQLite: moved away by shouwen migrate)."""

    def _all(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read; outside a transaction a lost connection is re-opened and the read run again (inside
        one, LedgerUnavailable: the transaction is lost)."""
        return self._attempt(lambda: self._fetch(sql, params), idempotent=True)

    def _one(self, sql: str, params: tuple = ()) -> Optional[dict]:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _statement(self, kind: str, sql: str, params: tuple):
        """What Store runs: kind "all" | "one" | "execute" | "insert". Outside a transaction a SELECT is run
        again where the connection was lost; anything else runs in its own transaction, run again only where it
        cannot have been committed (else LedgerUnavailable says so)."""
        def run():
            if kind == "execute":
                return self._execute(sql, params).rowcount
            if kind == "insert":
                return self._insert_id(sql, params)
            rows = self._fetch(sql, params)
            return rows if kind == "all" else (rows[0] if rows else None)
        if self._depth:
            return self._attempt(run)  # inside a transaction: a lost connection loses it (LedgerUnavailable)
        if kind in ("all", "one") and sql.lstrip()[:6].upper() == "SELECT":
            return self._attempt(run, idempotent=True)

        def alone():
            with self._transaction():
                return run()
        return self._attempt(alone)

    @property
    def store(self):
        """SQL access for features (store.Store) on this ledger's connection."""
        if self._store is None:
            from .store import Store

            self._store = Store(self)
        return self._store

    # -- schema ---------------------------------------------------------------------------------------------

    def ensure(self, feature: Feature, *, create: bool = True) -> int:
        """Apply the steps of `feature` this database has not applied yet, in one transaction under the migration
        lock (several processes at once: one applies them, the others find them applied); idempotent. Returns the
        feature's version in this database. create=False (the ledger itself only): LedgerUnavailable / an error
        where there is no ledger yet."""
        if feature.name == LEDGER.name and feature is not LEDGER:
            raise ValueError("the feature name 'ledger' is the ledger's own schema")
        known = self._ensured.get(feature.name)
        if known is not None and known >= len(feature.steps):
            return known
        try:  # up to date already (every open but the first): no write lock taken, a read-only root opens too
            applied = self._attempt(lambda: self._feature_version(feature.name, False), idempotent=True)
        except LedgerUnavailable:  # PostgreSQL without a ledger yet: the locked path creates it or says so
            applied = -1
        if applied >= len(feature.steps):
            self._ensured[feature.name] = applied
            return applied

        def op() -> int:
            with self._transaction(lock=MIGRATION_LOCK):
                applied = self._feature_version(feature.name, create)
                steps = feature.rendered(self.dialect)
                for step in steps[applied:]:
                    for statement in step:
                        self._execute(statement, ())
                if applied < len(steps):
                    self._set_feature_version(feature.name, len(steps))
                return max(applied, len(steps))
        version = self._attempt(op, idempotent=True)
        self._ensured[feature.name] = version
        return version

    def _feature_version(self, name: str, create: bool) -> int:
        if name == LEDGER.name:
            return self._core_version(create)
        row = self._fetch("SELECT version FROM feature_versions WHERE name = ?", (name,))
        return row[0]["version"] if row else 0

    def _set_feature_version(self, name: str, version: int) -> None:
        if name == LEDGER.name:
            self._set_core_version(version)
            return
        self._execute("INSERT INTO feature_versions(name, version) VALUES (?, ?)"
                      " ON CONFLICT(name) DO UPDATE SET version = excluded.version", (name, version))

    @property
    def schema_version(self) -> int:
        return self._attempt(lambda: self._core_version(False), idempotent=True)

    # -- registration and state -----------------------------------------------------------------------------

    def register(self, *, sha256: str, file: str, channel: str, archive_path: str,
                 received_at: Optional[str] = None, file_raw: Optional[str] = None,
                 actor: str = BATCH_ACTOR) -> Registration:
        """登记: give a newly received file its 收文编号, or find the registration it already has.
        file: the name as shown; file_raw: the name's original bytes in hex where they are not UTF-8.
        The number is drawn and the row written in one transaction: a failed registration gives its number back."""
        received_at = received_at or now()
        year = int(received_at[:4])

        def attempt() -> Registration:
            for _ in range(3):  # a unique violation: someone registered the same file meanwhile; look again
                try:
                    with self._transaction():
                        row = self._fetch("SELECT id, number, year, seq FROM documents WHERE sha256 = ?", (sha256,))
                        if row:
                            return Registration(id=row[0]["id"], number=row[0]["number"], created=False,
                                                year=row[0]["year"], seq=row[0]["seq"])
                        self._execute("INSERT INTO sequences(year, last) VALUES (?, 0) ON CONFLICT(year) DO NOTHING",
                                      (year,))
                        seq = self._fetch("UPDATE sequences SET last = last + 1 WHERE year = ? RETURNING last",
                                          (year,))[0]["last"]
                        number = format_number(year, seq)
                        doc_id = self._insert_id(
                            "INSERT INTO documents(year, seq, number, received_at, channel, file, sha256, archive_path,"
                            " status, file_raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'registered', ?)",
                            (year, seq, number, received_at, channel, file, sha256, archive_path, file_raw))
                        note = f"签收于{channel_zh(channel)}收件箱"  # 传真, not fax: the history is the clerk's
                        self._execute("INSERT INTO history(document_id, status, at, note, actor)"
                                      " VALUES (?, 'registered', ?, ?, ?)", (doc_id, received_at, note, actor))
                        self._journal(year, seq, {
                            "op": "register", "at": received_at, "status": "registered", "note": note, "actor": actor,
                            "version": 0, "row": {"id": doc_id, "number": number, "year": year, "seq": seq,
                                                  "received_at": received_at, "channel": channel, "file": file,
                                                  "file_raw": file_raw, "sha256": sha256, "archive_path": archive_path}})
                        return Registration(id=doc_id, number=number, created=True, year=year, seq=seq)
                except self.unique_violation:
                    continue
            raise RuntimeError(f"登记失败：同一文件（sha256 {sha256[:12]}…）反复登记冲突")

        def verify() -> Optional[Registration]:
            """Committed before the connection was lost? This very registration is the row with this sha256,
            time, channel, archive path and name, still untouched (version 0)."""
            row = self._fetch("SELECT id, number, year, seq FROM documents WHERE sha256 = ? AND received_at = ?"
                              " AND channel = ? AND archive_path = ? AND file = ? AND version = 0",
                              (sha256, received_at, channel, archive_path, file))
            if not row:
                return None
            return Registration(id=row[0]["id"], number=row[0]["number"], created=True, year=row[0]["year"],
                                seq=row[0]["seq"])
        return self._attempt(attempt, verify=verify)

    def set_status(self, document_id: int, status: str, note: Optional[str] = None, *,
                   expect_version: Optional[int] = None, expect_status: Optional[tuple[str, ...]] = None,
                   actor: str = BATCH_ACTOR, **fields) -> int:
        """Move a document to `status`, updating ledger fields (verdict, department, …) in the same transaction.
        Compare-and-set: with expect_version / expect_status the change is made only while the row still has
        that version / one of those statuses, else LedgerConflict (in Chinese) and nothing changes.
        actor: who (the history's actor). Returns the row's new version (every change bumps it)."""
        fields = prepare_fields(status, fields)
        unknown = set(fields) - self._columns
        if unknown:
            raise ValueError(f"登记簿没有这些栏目：{'、'.join(sorted(unknown))}")
        columns = "".join(f", {name} = ?" for name in fields)  # names checked against the table's own columns
        where, params = "id = ?", [document_id]
        if expect_version is not None:
            where, params = where + " AND version = ?", params + [expect_version]
        if expect_status is not None:
            where += f" AND status IN ({', '.join('?' * len(expect_status))})"
            params += list(expect_status)
        statement = (f"UPDATE documents SET status = ?, version = version + 1{columns} WHERE {where}"
                     " RETURNING version, year, seq")
        values = (status, *fields.values(), *params)
        at = now()

        def attempt() -> int:
            with self._transaction():
                row = self._fetch(statement, values)
                if not row:
                    current = self._fetch("SELECT number, status FROM documents WHERE id = ?", (document_id,))
                    raise conflict(document_id, current[0] if current else None)
                self._execute("INSERT INTO history(document_id, status, at, note, actor) VALUES (?, ?, ?, ?, ?)",
                              (document_id, status, at, note, actor))
                version = row[0]["version"]
                if self.journal is not None:
                    self._journal(row[0]["year"], row[0]["seq"], {
                        "op": "status", "at": at, "status": status, "note": note, "actor": actor, "version": version,
                        "fields": fields, "refs": self._numbers_of(fields)})
                return version

        def verify() -> Optional[int]:
            """Committed before the connection was lost? The document's last history line is this change, and
            where a version was expected, the row has the next one."""
            last = self._last_history(document_id)
            if last is None or (last["status"], last["at"], last["note"], last["actor"]) != (
                    status, at, self._clean(note), actor):
                return None
            if expect_version is not None and last["version"] != expect_version + 1:
                return None
            return last["version"]
        return self._attempt(attempt, verify=verify)

    def note(self, document_id: int, note: str, *, actor: str = BATCH_ACTOR) -> None:
        """A line in the document's history without changing its state (its version stays)."""
        at = now()

        def attempt() -> None:
            with self._transaction():
                self._execute("INSERT INTO history(document_id, status, at, note, actor)"
                              " SELECT id, status, ?, ?, ? FROM documents WHERE id = ?", (at, note, actor, document_id))
                if self.journal is not None:
                    row = self._fetch("SELECT year, seq, status FROM documents WHERE id = ?", (document_id,))
                    if row:
                        self._journal(row[0]["year"], row[0]["seq"], {"op": "note", "at": at, "status": row[0]["status"],
                                                                      "note": note, "actor": actor})

        def verify() -> Optional[bool]:
            last = self._last_history(document_id)
            return True if last and (last["at"], last["note"], last["actor"]) == (at, self._clean(note), actor) else None
        self._attempt(attempt, verify=verify)

    def _numbers_of(self, fields: dict) -> dict:
        """The 收文编号 that linked_to / revision_of in `fields` point at (for the journal: ids may change)."""
        ids = {k: fields[k] for k in ("linked_to", "revision_of") if fields.get(k) is not None}
        if not ids:
            return {}
        found = {r["id"]: r["number"] for r in self._fetch(
            f"SELECT id, number FROM documents WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids.values()))}
        return {k: found.get(v) for k, v in ids.items()}

    def _last_history(self, document_id: int) -> Optional[dict]:
        rows = self._fetch("SELECT h.status, h.at, h.note, h.actor, d.version FROM history h"
                           " JOIN documents d ON d.id = h.document_id WHERE h.document_id = ? ORDER BY h.id DESC LIMIT 1",
                           (document_id,))
        return rows[0] if rows else None

    def _clean(self, value):
        """A value as the database keeps it (PostgreSQL: NUL as U+FFFD)."""
        return value

    # -- reading ------------------------------------------------------------------------------------------------

    def find(self, key: str) -> Optional[dict]:
        """A document by 收文编号 (收〔2026〕12号, or 2026-12) or by its database id."""
        parsed = parse_key(key)
        if parsed and parsed[0] == "number":
            return self._one("SELECT * FROM documents WHERE year = ? AND seq = ?", parsed[1])
        if parsed:
            return self._one("SELECT * FROM documents WHERE id = ?", parsed[1])
        return None

    def get(self, document_id: int) -> Optional[dict]:
        """A document by its database id; None for none (and for an id too large to be one: core.in_range)."""
        if not in_range(int(document_id)):
            return None
        return self._one("SELECT * FROM documents WHERE id = ?", (document_id,))

    def by_sha256(self, sha256: str) -> Optional[dict]:
        return self._one("SELECT * FROM documents WHERE sha256 = ?", (sha256,))

    def history(self, document_id: int) -> list[dict]:
        """The document's history, oldest first: status, at, note, actor."""
        return self._all("SELECT status, at, note, actor FROM history WHERE document_id = ? ORDER BY id", (document_id,))

    def rows(self, year: Optional[int] = None) -> list[dict]:
        if year:
            return self._all("SELECT * FROM documents WHERE year = ? ORDER BY year, seq", (year,))
        return self._all("SELECT * FROM documents ORDER BY year, seq")

    def unfinished(self) -> list[dict]:
        """Documents registered but not yet in a final state: what an interrupted batch left to do."""
        return self._all(f"SELECT * FROM documents WHERE status NOT IN ({', '.join('?' * len(FINAL))}) ORDER BY year, seq",
                         FINAL)

    def page(self, query=None, **filters):
        """One page of the 登记簿 (query.LedgerQuery, or its fields as keywords) -> query.Page: rows with their
        version and linked-copy marks, the total matching; two statements whatever the ledger holds."""
        from .query import LedgerQuery, run

        if query is None:
            query = LedgerQuery(**filters)
        elif filters:
            raise TypeError("page() takes a LedgerQuery or keywords, not both")
        return run(self, query)

    def claim_same_document(self, document_id: int, key: str, body: str) -> list[dict]:
        """Claim a document's 发文字号 key and plain text for pipelines/same_document.py, in one transaction that
        serialises two workers claiming at once (a claim again replaces key and text, keeping its place), and
        return the earlier claims with the same key whose documents are not quarantined or linked, newest claim
        first: their `documents` row plus same_body (the claimed text) and sender (mail_from_name)."""
        def attempt() -> list[dict]:
            with self._transaction(lock=CLAIM_LOCK):
                self._execute("INSERT INTO same_document(document_id, key, body, claimed) VALUES"
                              " (?, ?, ?, (SELECT coalesce(max(claimed), 0) + 1 FROM same_document))"
                              " ON CONFLICT(document_id) DO UPDATE SET key = excluded.key, body = excluded.body",
                              (document_id, key, body))
                claimed = self._fetch("SELECT claimed FROM same_document WHERE document_id = ?",
                                      (document_id,))[0]["claimed"]
                if self.journal is not None:
                    row = self._fetch("SELECT year, seq FROM documents WHERE id = ?", (document_id,))
                    if row:
                        self._journal(row[0]["year"], row[0]["seq"], {"op": "claim", "key": key, "body": body})
                return self._fetch(
                    "SELECT d.*, s.body AS same_body, d.mail_from_name AS sender FROM same_document s"
                    " JOIN documents d ON d.id = s.document_id WHERE s.key = ? AND s.document_id <> ? AND s.claimed < ?"
                    " AND d.status NOT IN ('quarantined', 'linked') ORDER BY s.claimed DESC",
                    (key, document_id, claimed))
        return self._attempt(attempt, idempotent=True)  # claiming again keeps the claim's place

    def training_rows(self, limit: int = MAX_TRAINING_ROWS) -> list[tuple[int, str, str]]:
        """The routing model's examples (pipelines/router_model.py): (id, route_source, department) of indexed
        documents routed by a rule or corrected by a clerk, newest first, at most `limit`."""
        return [(r["id"], r["route_source"], r["department"]) for r in self._all(
            "SELECT id, route_source, department FROM documents"
            " WHERE route_source IN ('rule', 'clerk') AND department IS NOT NULL AND status = 'indexed'"
            " ORDER BY id DESC LIMIT ?", (limit,))]

    # -- whole tables (shouwen migrate) ---------------------------------------------------------------------------

    def applied_features(self) -> dict[str, int]:
        """The features whose steps this database has applied: name → version (feature_versions)."""
        return {r["name"]: r["version"] for r in self._all("SELECT name, version FROM feature_versions ORDER BY name")}

    def table_key(self, name: str) -> str:
        """The column table `name` is paged by: TABLE_KEYS for the ledger's own, else `id`, else its first."""
        if name in TABLE_KEYS:
            return TABLE_KEYS[name]
        columns = self._columns_of(table(name))
        return "id" if "id" in columns else columns[0]

    def count_rows(self, name: str) -> int:
        """How many rows table `name` (one of TABLES, or a known feature's) holds."""
        return self._one(f"SELECT count(*) AS n FROM {table(name)}")["n"]

    def table_rows(self, name: str, after=None, limit: int = PAGE_ROWS) -> list[dict]:
        """One page of table `name` (one of TABLES, or a known feature's), all columns, in the order of its key
        (table_key): the first `limit` rows whose key is greater than `after` (None: from the start). iter_table
        walks them all."""
        key = self.table_key(table(name))
        if after is None:
            return self._all(f"SELECT * FROM {name} ORDER BY {key} LIMIT ?", (limit,))
        return self._all(f"SELECT * FROM {name} WHERE {key} > ? ORDER BY {key} LIMIT ?", (after, limit))

    def export_tables(self) -> dict[str, list[dict]]:
        """Every row of every table, all columns, ids included: {table: [row, …]} in TABLES order, each table in
        the order of its key. In memory: for a large ledger walk iter_table instead."""
        return {t: list(iter_table(self, t)) for t in TABLES}

    def import_tables(self, tables: Mapping[str, Iterable[dict]], progress=None,
                      totals: Optional[Mapping[str, int]] = None) -> None:
        """Load whole tables (export_tables' output, or iter_table's pages from another ledger) into this ledger,
        which must be empty (ValueError in Chinese otherwise), in one transaction, keeping ids, 收文编号 and every
        column (the ids go on after the highest); progress(table, done, total) after each page (total from
        `totals`, else rows so far). The ledger's own TABLES first, then any known feature's tables in `tables`
        (their features ensured here beforehand). Not run again on a lost connection (the rows were read once)."""
        from ..config import mask

        def attempt() -> None:
            with self._transaction():
                self._defer_constraints()  # linked_to / revision_of may point forward
                if self._fetch("SELECT count(*) AS n FROM documents", ())[0]["n"]:
                    raise ValueError(f"目标登记簿不是空的：{mask(self.url)}")
                names = list(TABLES) + [t for t in tables if t not in TABLES]
                for name in names:
                    done = 0
                    for page in pages(tables.get(name) or ()):
                        self._load(table(name), list(page[0]), page)
                        done += len(page)
                        if progress:
                            progress(name, done, (totals or {}).get(name, done))
                    if progress and not done:
                        progress(name, 0, 0)
                self._after_import([t for t in names if "id" in self._columns_of(t)])
        self._attempt(attempt, rerun=False)

    # -- backend primitives ---------------------------------------------------------------------------------------

    def _attempt(self, op: Callable[[], T], *, verify: Optional[Callable[[], Optional[T]]] = None,
                 idempotent: bool = False, rerun: bool = True) -> T:
        return op()

    def _after_import(self, tables: list[str]) -> None:
        """After whole tables were loaded into `tables` (those with an id column): PostgreSQL sets their id
        sequences after the highest id."""
