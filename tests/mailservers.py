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
        return "250 2.0.0 Ok: queued as T%d" % len(self.server.messages)


class SmtpServer:
    """aiosmtpd on loopback. security "starttls": plain connection, STARTTLS required before anything else;
    "tls": implicit TLS from the first byte. users: accounts for AUTH PLAIN/LOGIN (None: no AUTH)."""

    def __init__(self, cert: Certificate, security: str = "starttls", port: Optional[int] = None,
                 users: Optional[dict[str, str]] = None):
        self.cert, self.security, self.port = cert, security, port or free_port()
        self.users = users
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
