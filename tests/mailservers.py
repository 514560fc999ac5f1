"""Real mail servers for the tests, on loopback, with TLS: nothing stands in for a protocol.

    cert = make_certificate(folder)            a throw-away CA-less certificate for 127.0.0.1 / localhost (PEM),
                                               made with `cryptography`; the client trusts it as its ca_file
    with SmtpServer(cert, security="starttls" | "tls", port=None, users={"u": "p"}) as smtp:
        smtp.port, smtp.messages               aiosmtpd: STARTTLS required before AUTH and mail, or implicit TLS;
                                               every message accepted, as email.message.EmailMessage, in order
    free_port() -> int                         a loopback port nothing listens on (an outage is that port)

Readiness: aiosmtpd's Controller connects to the server before start() returns (ready_timeout generous, so a
busy machine only makes it slower, never fails it); no fixed sleeps anywhere.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import socket
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Optional

HOST = "127.0.0.1"
READY_SECONDS = 300.0  # how long a server may take to come up on a loaded machine: a bound, not a wait


@dataclass(frozen=True)
class Certificate:
    cert: Path  # PEM; also what the client trusts (ca_file)
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context


def make_certificate(folder: Path) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day (the test's own; never a CA's)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shouwen test mail server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    paths = Certificate(folder / "server.pem", folder / "server.key")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    paths.key.chmod(0o600)
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class _Collect:
    """aiosmtpd handler: every message accepted is kept (parsed) with its envelope."""

    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.server.deliver_to is not None:  # on into the recipients' mailboxes (an IMAP server's)
            for rcpt in envelope.rcpt_tos:
                self.server.deliver_to(rcpt, envelope.original_content or envelope.content)
        return "250 2.0.0 Ok: queued as T%d" % len(self.server.messages)


class SmtpServer:
    """aiosmtpd on loopback. security "starttls": plain connection, STARTTLS required before anything else;
    "tls": implicit TLS from the first byte. users: accounts for AUTH PLAIN/LOGIN (None: no AUTH).
    deliver_to(recipient, bytes): where each accepted message goes on to (ImapServer.deliver: the recipient's
    INBOX), besides `messages`."""

    def __init__(self, cert: Certificate, security: str = "starttls", port: Optional[int] = None,
                 users: Optional[dict[str, str]] = None, deliver_to=None):
        self.cert, self.security, self.port = cert, security, port or free_port()
        self.users = users
        self.deliver_to = deliver_to
        self.messages: list = []
        self.envelopes: list = []
        self.lock = threading.Lock()
        self.controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (isinstance(auth_data, LoginPassword) and self.users is not None
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller

        options = dict(hostname=HOST, port=self.port, ready_timeout=READY_SECONDS)
        if self.users is not None:  # AUTH only over TLS: aiosmtpd knows STARTTLS's, not an implicit TLS
            # connection's (which is TLS from its first byte), so it is told to require it only for STARTTLS
            options.update(authenticator=self._authenticate, auth_require_tls=self.security == "starttls",
                           auth_required=True)
        if self.security == "tls":
            options.update(ssl_context=self.cert.server_context(), server_hostname=HOST)
        else:
            options.update(tls_context=self.cert.server_context(), require_starttls=True)
        self.controller = Controller(_Collect(self), **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- IMAP: Debian's dovecot, its own instance ------------------------------------------------------------------

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MAIL_UID = 65534  # nobody: dovecot never runs a mail process as root


class ImapServer:
    """Dovecot on loopback, implicit TLS (imaps) with `cert`, one instance of the test's own: its configuration,
    sockets, state, log and mailboxes (Maildir) in a temporary folder; accounts `users` (name → password, PLAIN
    over TLS only). No system service is touched. `append(user, folder, bytes)` and `messages(user, folder)` use
    the IMAP protocol itself (imaplib)."""

    def __init__(self, cert: Certificate, users: dict[str, str]):
        self.cert, self.users = cert, users
        self.port = free_port()
        self.folder: Optional[Path] = None
        self.process = None

    def start(self) -> "ImapServer":
        import subprocess
        import tempfile

        if not Path(DOVECOT).exists():
            raise RuntimeError("dovecot is not installed (bash scripts/setup.sh --dev installs dovecot-imapd)")
        self.folder = Path(tempfile.mkdtemp(prefix="shouwen-dovecot-"))
        self.folder.chmod(0o755)  # the mail processes run as nobody
        d = self.folder
        (d / "home").mkdir()
        os.chown(d / "home", MAIL_UID, MAIL_UID)
        shutil.copyfile(self.cert.cert, d / "server.pem")
        shutil.copyfile(self.cert.key, d / "server.key")
        (d / "users").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in self.users.items()))
        (d / "dovecot.conf").write_text(f"""
protocols = imap
listen = {HOST}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = required
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
default_internal_user = dovecot
default_login_user = dovenull
disable_plaintext_auth = yes
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={MAIL_UID} gid={MAIL_UID} home={d}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
""")
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        """Until an IMAPS greeting comes (however long a loaded machine takes), or dovecot exits (its log said)."""
        import imaplib
        import time

        deadline = time.monotonic() + READY_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode(errors='replace')}"
                                   f"{self.log()}")
            try:
                imaplib.IMAP4_SSL(HOST, self.port, ssl_context=self.client_context(), timeout=30).logout()
                return
            except (OSError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # a poll's interval, not a wait for readiness

    def log(self) -> str:
        path = self.folder / "dovecot.log" if self.folder else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert.cert))

    def connect(self, user: str):
        import imaplib

        client = imaplib.IMAP4_SSL(HOST, self.port, ssl_context=self.client_context(), timeout=60)
        client.login(user, self.users[user])
        return client

    def append(self, user: str, folder: str, data: bytes) -> None:
        client = self.connect(user)
        try:
            if folder != "INBOX":
                client.create(_quoted(folder))
            typ, answer = client.append(_quoted(folder), None, None, data)
            assert typ == "OK", answer
        finally:
            client.logout()

    def deliver(self, address: str, data: bytes) -> None:
        """A message for `address` into the INBOX of the account named by its local part (bgs@… → bgs)."""
        self.append(address.split("@", 1)[0], "INBOX", data)

    def messages(self, user: str, folder: str = "INBOX") -> list:
        """Every message of `folder`, parsed (email.message.EmailMessage), in UID order; [] for no such folder."""
        client = self.connect(user)
        try:
            typ, _ = client.select(_quoted(folder), readonly=True)
            if typ != "OK":
                return []
            typ, found = client.uid("SEARCH", None, "ALL")
            out = []
            for uid in found[0].split():
                typ, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(message_from_bytes(data[0][1], policy=policy.default))
            return out
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except Exception:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "ImapServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _quoted(folder: str) -> str:
    """A folder name as imaplib sends it: modified UTF-7 (RFC 3501 5.1.3) for non-ASCII, quoted."""
    from imapclient.imap_utf7 import encode

    return '"' + encode(folder).decode() + '"'
