"""Accounts of the web desk (账户): who may log in, their sessions, their API tokens and login throttling.

    accounts = Accounts.open(office)                 the tables below, created once in the ledger's database
    accounts.add(username, role, password, department=None, display="")  -> Account   (AccountError, Chinese)
    accounts.list() / get(username)                  -> [Account] / Account | None
    accounts.disable(username) / enable(username)    a disabled account cannot log in; its sessions end
    accounts.reset(username, password)               a new password; every session of the account ends
    accounts.login(username, password, address)      -> (Actor, session token)    LoginRefused (Chinese)
    accounts.session_actor(token)                    -> Actor | None   (None: no such session, idle or too old)
    accounts.logout(token)
    accounts.add_token(username, name) -> (id, token) / revoke_token(id) / tokens(username=None)
    accounts.token_actor(token)                      -> Actor | None   (for /api/v1/: Authorization: Bearer …)
    accounts.secret(name)                            a random secret shared by every `serve` process (CSRF signing)

Storage: tables of the feature "accounts" in the ledger's own database (SQLite or PostgreSQL), so that several
`shouwen serve` processes behind the office's proxy share sessions, tokens and throttling (SEAMS S1). Secrets
at rest: passwords as argon2id hashes (argon2-cffi's PasswordHasher, RFC 9106 parameters); session and API
tokens as their SHA-256 (they are 256-bit random values: a slow hash adds nothing), so the database alone lets
nobody in. All times are stored in UTC as ISO-8601 text, so that they compare as strings.

Throttling (stored, so it holds across processes and restarts): more than ACCOUNT_FAILURES failed logins for one
account, or ADDRESS_FAILURES from one address, within THROTTLE_MINUTES refuse further tries for that account or
address until the window has passed — also with the right password. Unknown user names count as failures of
that name (no way to tell which names exist), and cost the same argon2 verification.

Sessions end after [web] session_idle_minutes unused and [web] session_hours after their login, whichever is first.
"""
from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from .actors import ROLE_ZH, ROLES, Actor
from .ledger.features import Feature

ACCOUNT_FAILURES = 5  # failed logins of one account within THROTTLE_MINUTES before it is refused for a while
ADDRESS_FAILURES = 20  # failed logins from one address (an office behind one proxy shares it: kept higher)
THROTTLE_MINUTES = 15
MIN_PASSWORD = 10  # characters
SEEN_EVERY = timedelta(seconds=60)  # a session's last_seen is written at most this often (one write per minute)
TOKEN_PREFIX = "swt_"  # API tokens: recognisable in a leaked log or a secrets scanner

ACCOUNTS = Feature("accounts", steps=(
    """CREATE TABLE accounts (id {id}, username TEXT NOT NULL UNIQUE, display TEXT NOT NULL, role TEXT NOT NULL,
        department TEXT, password_hash TEXT NOT NULL, disabled {bool} NOT NULL, created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL);
    CREATE TABLE web_sessions (id {id}, token_hash TEXT NOT NULL UNIQUE, account_id {bigint} NOT NULL,
        created_at TEXT NOT NULL, last_seen TEXT NOT NULL, address TEXT);
    CREATE INDEX web_sessions_account ON web_sessions(account_id);
    CREATE TABLE api_tokens (id {id}, account_id {bigint} NOT NULL, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, last_used TEXT, revoked_at TEXT);
    CREATE TABLE login_failures (id {id}, key TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX login_failures_key ON login_failures(key, at);
    CREATE TABLE web_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
))


class AccountError(ValueError):
    """An account operation that cannot be done (a name taken, a role unknown, a password too short): Chinese."""


class LoginRefused(ValueError):
    """A login refused: wrong name or password (one message for both), disabled, or throttled. Chinese."""


BAD_LOGIN = "用户名或密码不正确"


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display: str
    role: str
    department: Optional[str]
    disabled: bool
    created_at: str

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.department, self.display)

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role, self.role)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


def check_username(username: str) -> str:
    """The name as stored (NFC, stripped); AccountError for an empty, over-long or control-character name."""
    name = unicodedata.normalize("NFC", (username or "").strip())
    if not name:
        raise AccountError("用户名不能为空")
    if len(name) > 64:
        raise AccountError("用户名不能超过 64 个字符")
    if any(unicodedata.category(c)[0] in "CZ" for c in name):
        raise AccountError("用户名不能含有空格、控制字符或不可见字符")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 1024:
        raise AccountError("密码过长（最多 1024 个字符）")
    return password


class Accounts:
    """The accounts feature on the office's ledger (see the module's docstring). One per thread that uses it
    (it holds the thread's ledger connection)."""

    def __init__(self, ledger, web=None):
        ledger.ensure(ACCOUNTS)
        self.db = ledger.store
        self.idle = timedelta(minutes=getattr(web, "session_idle_minutes", 30))
        self.lifetime = timedelta(hours=getattr(web, "session_hours", 12))

    @classmethod
    def open(cls, office) -> "Accounts":
        return cls(office.ledger, office.config.settings.web)

    # -- accounts ----------------------------------------------------------------------------------------------
    def _account(self, row: Optional[dict]) -> Optional[Account]:
        if row is None:
            return None
        return Account(row["id"], row["username"], row["display"], row["role"], row["department"],
                       bool(row["disabled"]), row["created_at"])

    def get(self, username: str) -> Optional[Account]:
        return self._account(self.db.one("SELECT * FROM accounts WHERE username = ?", (check_username(username),)))

    def _need(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise AccountError(f"没有账户“{username}”")
        return account

    def list(self) -> list[Account]:
        return [self._account(r) for r in self.db.query("SELECT * FROM accounts ORDER BY username")]

    def add(self, username: str, role: str, password: str, department: Optional[str] = None,
            display: str = "") -> Account:
        """A new account. Roles: ROLES; staff (承办人员) must name their 承办部门; the others may not have one."""
        name = check_username(username)
        if role not in ROLES:
            raise AccountError(f"角色应为 {'、'.join(f'{r}（{ROLE_ZH[r]}）' for r in ROLES)} 之一，而不是“{role}”")
        department = (department or "").strip() or None
        if role == "staff" and not department:
            raise AccountError("承办人员（staff）须用 --department 写明所在承办部门")
        if role != "staff" and department:
            raise AccountError(f"{ROLE_ZH[role]}不属于某个承办部门，请去掉 --department")
        check_password(password)
        display = (display or "").strip() or name
        now = _iso(_now())
        with self.db.transaction():
            if self.db.one("SELECT id FROM accounts WHERE username = ?", (name,)):
                raise AccountError(f"账户“{name}”已存在")
            self.db.insert("INSERT INTO accounts (username, display, role, department, password_hash, disabled,"
                           " created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                           (name, display, role, department, _hasher().hash(password), now, now))
        return self._need(name)

    def disable(self, username: str) -> Account:
        account = self._need(username)
        with self.db.transaction():
            self.db.execute("UPDATE accounts SET disabled = 1 WHERE id = ?", (account.id,))
            self.db.execute("DELETE FROM web_sessions WHERE account_id = ?", (account.id,))
        return self._need(username)

    def enable(self, username: str) -> Account:
        account = self._need(username)
        self.db.execute("UPDATE accounts SET disabled = 0 WHERE id = ?", (account.id,))
        return self._need(username)

    def reset(self, username: str, password: str) -> Account:
        """A new password; every session of the account ends and its failed logins are forgotten."""
        account = self._need(username)
        check_password(password)
        with self.db.transaction():
            self.db.execute("UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                            (_hasher().hash(password), _iso(_now()), account.id))
            self.db.execute("DELETE FROM web_sessions WHERE account_id = ?", (account.id,))
            self.db.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{account.username}",))
        return account

    # -- logging in ------------------------------------------------------------------------------------------
    def _failures(self, key: str, since: datetime) -> int:
        row = self.db.one("SELECT count(*) AS n FROM login_failures WHERE key = ? AND at > ?", (key, _iso(since)))
        return int(row["n"]) if row else 0

    def throttled(self, username: str, address: Optional[str]) -> Optional[str]:
        """The Chinese refusal when this account or address has failed too often lately, else None."""
        since = _now() - timedelta(minutes=THROTTLE_MINUTES)
        name = unicodedata.normalize("NFC", (username or "").strip())
        if self._failures(f"user:{name}", since) >= ACCOUNT_FAILURES:
            return f"该账户登录失败次数过多，已暂停登录，请 {THROTTLE_MINUTES} 分钟后再试或请管理员重置密码"
        if address and self._failures(f"addr:{address}", since) >= ADDRESS_FAILURES:
            return f"本机登录失败次数过多，已暂停登录，请 {THROTTLE_MINUTES} 分钟后再试"
        return None

    def authenticate(self, username: str, password: str, address: Optional[str] = None) -> Account:
        """The account whose name and password these are; LoginRefused (Chinese) otherwise, or when throttled
        or disabled. A failure is recorded for the name and for the address."""
        from argon2.exceptions import InvalidHashError, VerificationError

        name = unicodedata.normalize("NFC", (username or "").strip())
        refused = self.throttled(name, address)
        if refused:
            raise LoginRefused(refused)
        row = self.db.one("SELECT * FROM accounts WHERE username = ?", (name,)) if name else None
        hasher = _hasher()
        try:
            if row is None:  # the same work for an unknown name, so that timing tells nothing
                hasher.verify(_dummy_hash(), password or "")
                raise VerificationError()
            hasher.verify(row["password_hash"], password or "")
        except (VerificationError, InvalidHashError):
            now = _iso(_now())
            with self.db.transaction():
                self.db.insert("INSERT INTO login_failures (key, at) VALUES (?, ?)", (f"user:{name}", now))
                if address:
                    self.db.insert("INSERT INTO login_failures (key, at) VALUES (?, ?)", (f"addr:{address}", now))
            raise LoginRefused(BAD_LOGIN) from None
        if row["disabled"]:
            raise LoginRefused("该账户已停用，请联系管理员")
        if hasher.check_needs_rehash(row["password_hash"]):
            self.db.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (hasher.hash(password), row["id"]))
        self.db.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name}",))
        return self._account(row)

    def login(self, username: str, password: str, address: Optional[str] = None) -> tuple[Actor, str]:
        """authenticate, then a new session: (the actor, the session token for the cookie)."""
        account = self.authenticate(username, password, address)
        token = secrets.token_urlsafe(32)
        now = _iso(_now())
        self.db.insert("INSERT INTO web_sessions (token_hash, account_id, created_at, last_seen, address)"
                       " VALUES (?, ?, ?, ?, ?)", (_digest(token), account.id, now, now, address))
        return account.actor, token

    def session_actor(self, token: Optional[str]) -> Optional[Actor]:
        """The actor of a live session, or None (no such session, idle too long, too old, account disabled).
        An ended session is deleted."""
        if not token or len(token) > 200:
            return None
        row = self.db.one("SELECT s.id AS sid, s.created_at AS s_created, s.last_seen, a.* FROM web_sessions s"
                          " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?", (_digest(token),))
        if row is None:
            return None
        now = _now()
        seen = datetime.fromisoformat(row["last_seen"])
        if row["disabled"] or now - seen > self.idle or now - datetime.fromisoformat(row["s_created"]) > self.lifetime:
            self.db.execute("DELETE FROM web_sessions WHERE id = ?", (row["sid"],))
            return None
        if now - seen > SEEN_EVERY:
            self.db.execute("UPDATE web_sessions SET last_seen = ? WHERE id = ?", (_iso(now), row["sid"]))
        return self._account(row).actor

    def logout(self, token: Optional[str]) -> None:
        if token:
            self.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (_digest(token),))

    # -- API tokens ------------------------------------------------------------------------------------------
    def add_token(self, username: str, name: str) -> tuple[int, str]:
        """A new API token for the account: (its id, the token — shown once, stored only as its hash)."""
        account = self._need(username)
        label = (name or "").strip() or "API"
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = self.db.insert("INSERT INTO api_tokens (account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                                  (account.id, label, _digest(token), _iso(_now())))
        return token_id, token

    def revoke_token(self, token_id: int) -> None:
        """Revoke token `token_id`; AccountError where there is no such live token (an id too large to be one
        included: core.in_range)."""
        from .ledger.core import in_range

        if not in_range(int(token_id)) or not self.db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                               (_iso(_now()), int(token_id))):
            raise AccountError(f"没有有效的令牌 {token_id}")

    def tokens(self, username: Optional[str] = None) -> list[dict]:
        """{id, username, name, created_at, last_used, revoked_at} of every token (of one account)."""
        sql = ("SELECT t.id, a.username, t.name, t.created_at, t.last_used, t.revoked_at FROM api_tokens t"
               " JOIN accounts a ON a.id = t.account_id")
        if username:
            return self.db.query(sql + " WHERE a.username = ? ORDER BY t.id", (check_username(username),))
        return self.db.query(sql + " ORDER BY t.id")

    def token_actor(self, token: Optional[str]) -> Optional[Actor]:
        """The actor of a live API token, or None (unknown, revoked, account disabled)."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        row = self.db.one("SELECT t.id AS tid, t.last_used, a.* FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
                          " WHERE t.token_hash = ? AND t.revoked_at IS NULL", (_digest(token),))
        if row is None or row["disabled"]:
            return None
        now = _now()
        if row["last_used"] is None or now - datetime.fromisoformat(row["last_used"]) > SEEN_EVERY:
            self.db.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?", (_iso(now), row["tid"]))
        return self._account(row).actor

    # -- secrets ---------------------------------------------------------------------------------------------
    def secret(self, name: str) -> str:
        """A random secret kept in the database (made on first use): the same in every `serve` process."""
        row = self.db.one("SELECT value FROM web_secrets WHERE name = ?", (name,))
        if row:
            return row["value"]
        with self.db.transaction():
            row = self.db.one("SELECT value FROM web_secrets WHERE name = ?", (name,))
            if row:
                return row["value"]
            value = secrets.token_urlsafe(48)
            self.db.execute("INSERT INTO web_secrets (name, value) VALUES (?, ?)", (name, value))
            return value


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher().hash(secrets.token_hex(16)))
    return _DUMMY[0]
