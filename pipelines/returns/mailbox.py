"""The office mailbox as a channel (邮箱收文): IMAP over TLS ([imap] in shouwen.toml), each message taken once into
inbox/mail/ as an .eml, from where the batch takes it in like any message (pipelines/mail_intake.py).

    fetch_mail(office) -> Fetched        the batch's first step (before 签收登记): never raises for the server

Exactly once, never deleted. A message is named for ever by (UIDVALIDITY, UID) of its folder (RFC 3501 2.3.1.1);
each one taken is recorded (mailbox_messages) and then moved to [imap] processed_folder (RFC 6851 MOVE; made if
missing) — or, with processed_folder = "", flagged $ShouwenTaken and left where it is. The order is: fetch
(BODY.PEEK[]: the message stays unread), write the .eml whole (temporary, rename), record, move/flag, mark
settled. A run cut off anywhere is finished by the next: a recorded message still in the folder is moved
without being fetched again; one written but not recorded is fetched again into the same file, and the
batch's intake takes identical bytes once (sha256). A folder whose UIDVALIDITY changed holds only messages
not yet moved (or flagged), which are taken as new: their bytes are the same, so again taken once.

A mailbox that cannot be reached (down, refused login, a certificate that does not verify, a folder that is
not there) is one Chinese line in the batch's summary, and the batch goes on with what else arrived.
"""
from __future__ import annotations

import os
import socket
import ssl
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Optional

from ..config import mask
from ..dataroot import write_bytes_atomically
from ..ledger.core import now
from ..steps import step
from .store import mailbox_tables

KEYWORD = "$ShouwenTaken"  # the flag of a message taken, where it is not moved


@dataclass
class Fetched:
    """What one run took: `files` written into inbox/mail/, `problem` (Chinese) when the mailbox could not be
    read, `where` (host:port/folder) for the summary."""
    configured: bool = False
    where: str = ""
    files: list[str] = field(default_factory=list)
    settled: int = 0  # messages moved or flagged (those of this run, and any an interrupted run left)
    problem: Optional[str] = None

    def lines(self) -> list[str]:
        if not self.configured:
            return []
        if self.problem:
            return [f"邮箱 {self.where} 未能收取：{self.problem}（本批未收邮件，下批再试）"]
        return [f"邮箱 {self.where} 收取邮件 {len(self.files)} 封"] if self.files else []


@step("收取邮件 fetch mail")  # a mailbox down is said and the batch goes on; the next batch tries again
def fetch_mail(office) -> Fetched:
    """Take every new message of the configured mailbox folder into inbox/mail/ (see the module); nothing when no
    [imap] host is configured."""
    settings = office.config.settings.imap
    result = Fetched(configured=settings.configured)
    if not settings.configured:
        return result
    result.where = f"{settings.host}:{settings.effective_port}/{settings.folder}"
    try:
        with _connect(settings) as client:
            _take(office, client, settings, result)
    except Exception as exc:  # the server's, the network's, the certificate's: said, never raised into the batch
        result.problem = _said(exc, settings)
    return result


def _connect(settings):
    from imapclient import IMAPClient

    if settings.username and not settings.secret():
        raise _Problem(f"配置了账号 {settings.username} 而没有密码（[imap] password 或 SHOUWEN_IMAP_PASSWORD）")
    context = ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else ssl.create_default_context()
    client = IMAPClient(settings.host, port=settings.effective_port, ssl=settings.security == "tls",
                        ssl_context=context, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            client.starttls(context)
        client.login(settings.username or "", settings.secret())
    except BaseException:
        try:
            client.shutdown()
        except Exception:
            pass
        raise
    return client


class _Problem(Exception):
    """A reason already in Chinese."""


def _take(office, client, settings, result: Fetched) -> None:
    folder = settings.folder
    if not client.folder_exists(folder):
        raise _Problem(f"邮件夹“{folder}”不存在")
    info = client.select_folder(folder)
    uidvalidity = int(info[b"UIDVALIDITY"])
    account = f"{settings.username or ''}@{settings.host}:{settings.effective_port}"
    moving = bool(settings.processed_folder.strip())
    if moving and not client.folder_exists(settings.processed_folder):
        client.create_folder(settings.processed_folder)
    capabilities = set(client.capabilities())
    db = mailbox_tables(office)
    recorded = {r["uid"]: r for r in db.query(
        "SELECT uid, settled FROM mailbox_messages WHERE account = ? AND folder = ? AND uidvalidity = ?",
        (account, folder, uidvalidity))}
    found = client.search(["UNKEYWORD", KEYWORD]) if not moving else client.search("ALL")
    inbox = office.paths.inbox("mail")
    for uid in sorted(int(u) for u in found):
        if uid not in recorded:
            fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid)
            if not fetched or b"BODY[]" not in fetched:
                continue  # expunged meanwhile by another client
            data = fetched[b"BODY[]"]
            name = f"邮箱-{uidvalidity}-{uid}.eml"
            path = write_bytes_atomically(inbox / name, data)
            arrived = fetched.get(b"INTERNALDATE")
            if arrived is not None:  # the server's arrival time: the file is whole already, nothing to wait for
                stamp = arrived.timestamp()
                os.utime(path, (stamp, stamp))
            db.execute("INSERT INTO mailbox_messages (account, folder, uidvalidity, uid, file, message_id, size,"
                       " fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, folder, uidvalidity, uid)"
                       " DO NOTHING", (account, folder, uidvalidity, uid, name, _message_id(data), len(data), now()))
            result.files.append(name)
        _settle(client, uid, settings, moving, capabilities)
        db.execute("UPDATE mailbox_messages SET settled = 1 WHERE account = ? AND folder = ? AND uidvalidity = ?"
                   " AND uid = ?", (account, folder, uidvalidity, uid))
        result.settled += 1


def _settle(client, uid: int, settings, moving: bool, capabilities: set) -> None:
    """Move message `uid` to the processed folder (MOVE; else COPY, then \\Deleted and UID EXPUNGE of that one
    message only: the copy is the message, kept) — or flag it taken."""
    if not moving:
        client.add_flags([uid], [KEYWORD])
        return
    if b"MOVE" in capabilities:
        client.move([uid], settings.processed_folder)
    elif b"UIDPLUS" in capabilities:
        client.copy([uid], settings.processed_folder)
        client.add_flags([uid], [b"\\Deleted"])
        client.uid_expunge([uid])
    else:  # a server that can do neither without expunging others' deleted messages: flagged instead
        client.add_flags([uid], [KEYWORD])


def _message_id(data: bytes) -> Optional[str]:
    try:
        return str(BytesHeaderParser(policy=compat32).parsebytes(data).get("Message-ID") or "").strip()[:300] or None
    except Exception:
        return None


def _said(exc: BaseException, settings) -> str:
    """Why the mailbox could not be read, in one Chinese line (the password never in it)."""
    from imapclient.exceptions import IMAPClientError, LoginError

    if isinstance(exc, _Problem):
        text = str(exc)
    elif isinstance(exc, LoginError):
        text = f"登录失败（用户名或密码不对）：{exc}"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        text = f"服务器证书无法验证：{exc.verify_message or exc}"
    elif isinstance(exc, ssl.SSLError):
        text = f"建立加密连接失败：{exc}"
    elif isinstance(exc, ConnectionRefusedError):
        text = "服务器拒绝连接（服务未启动或端口不对）"
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        text = "连接超时"
    elif isinstance(exc, socket.gaierror):
        text = f"找不到服务器 {settings.host}"
    elif isinstance(exc, OSError):
        text = f"无法连接：{exc.strerror or exc}"
    elif isinstance(exc, IMAPClientError):
        text = f"服务器答复：{exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(mask(str(text)).split())[:300]
    secret = settings.secret()
    return text.replace(secret, "***") if secret else text
