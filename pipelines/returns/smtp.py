"""Sending mail through the office's server ([smtp] in shouwen.toml): smtplib over STARTTLS (587) or implicit TLS
(465), the certificate verified (the system's CAs, or [smtp] ca_file), an account where configured.

    with Session(settings) as session:        one connection for a whole batch's notices
        answer = session.send(message)        -> the server's answer to the message ("250 2.0.0 Ok: queued as …")

Errors are SendFailed: `answer` in Chinese with the server's own words (its code and text), `permanent` where
sending the same message to the same address again cannot succeed (a 5xx refusal of the recipient or of the
message); everything else — the server unreachable, a timeout, a 4xx, a login the office must fix — is
temporary and retried with back-off. No text here ever holds the password (config.mask, and the password
itself replaced wherever a server or library echoed it).
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import getaddresses
from typing import Optional

from ..config import mask


class SendFailed(Exception):
    """One attempt failed: `answer` (Chinese, the server's words kept), `permanent` (no use retrying)."""

    def __init__(self, answer: str, permanent: bool = False):
        super().__init__(answer)
        self.answer = answer
        self.permanent = permanent


def tls_context(ca_file: Optional[str]) -> ssl.SSLContext:
    """A client context that verifies the server (hostname and chain): the system's CAs, or `ca_file` only."""
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


class Session:
    """One SMTP connection: opened, secured, logged in on enter; messages sent one after another; QUIT on exit.
    Raises SendFailed (temporary) where the server cannot be reached, secured or logged in to."""

    def __init__(self, settings):
        self.settings = settings
        self.where = f"{settings.host}:{settings.effective_port}"
        self.smtp: Optional[smtplib.SMTP] = None

    def __enter__(self) -> "Session":
        s = self.settings
        if s.username and not s.secret():
            raise SendFailed(f"发信服务器 {self.where} 配置了账号 {s.username} 而没有密码（[smtp] password 或 SHOUWEN_SMTP_PASSWORD）")
        context = tls_context(s.ca_file)
        try:
            if s.security == "tls":
                self.smtp = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=context)
            else:
                self.smtp = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
                self.smtp.ehlo()
                if not self.smtp.has_extn("starttls"):
                    raise SendFailed(f"发信服务器 {self.where} 不支持 STARTTLS，未发送（不以明文发送）")
                self.smtp.starttls(context=context)
                self.smtp.ehlo()
            if s.username:
                self.smtp.login(s.username, s.secret())
        except SendFailed:
            self._close()
            raise
        except Exception as exc:
            self._close()
            raise SendFailed(self._said(exc)) from exc
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:
                pass
        self._close()

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except Exception:
                pass
        self.smtp = None

    def send(self, message: EmailMessage) -> str:
        """Send `message` to its To/Cc addresses (envelope from: its From); returns the server's answer to the
        message. SendFailed otherwise (permanent for a 5xx refusal)."""
        sender = getaddresses([message["From"]])[0][1]
        recipients = [a for _, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])) if a]
        data = message.as_bytes(policy=SMTP_POLICY)
        smtp = self.smtp
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                raise SendFailed(f"发信服务器拒绝发件人 {sender}：{_words(code, text)}")
            refused = []
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused.append((rcpt, code, text))
            if refused:
                smtp.rset()
                permanent = all(500 <= code < 600 for _, code, _ in refused)
                raise SendFailed("发信服务器拒收收件人：" + "；".join(f"{r} {_words(c, t)}" for r, c, t in refused),
                                 permanent)
            code, text = smtp.data(data)
            if code != 250:
                smtp.rset()
                raise SendFailed(f"发信服务器拒收邮件：{_words(code, text)}", 500 <= code < 600)
            return self._clean(_words(code, text))
        except SendFailed as exc:
            exc.answer = self._clean(exc.answer)
            raise
        except Exception as exc:
            raise SendFailed(self._said(exc)) from exc

    def _said(self, exc: BaseException) -> str:
        """A failure to reach, secure or use the server, in one Chinese line with its own words."""
        where = self.where
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            text = f"发信服务器 {where} 登录失败（用户名或密码不对）：{_words(exc.smtp_code, exc.smtp_error)}"
        elif isinstance(exc, ssl.SSLCertVerificationError):
            text = f"发信服务器 {where} 的证书无法验证：{exc.verify_message or exc}"
        elif isinstance(exc, ssl.SSLError):
            text = f"与发信服务器 {where} 建立加密连接失败：{exc}"
        elif isinstance(exc, ConnectionRefusedError):
            text = f"发信服务器 {where} 拒绝连接（服务未启动或端口不对）"
        elif isinstance(exc, (socket.timeout, TimeoutError)):
            text = f"连接发信服务器 {where} 超时"
        elif isinstance(exc, socket.gaierror):
            text = f"找不到发信服务器 {self.settings.host}：{exc}"
        elif isinstance(exc, smtplib.SMTPResponseException):
            text = f"发信服务器 {where} 答复：{_words(exc.smtp_code, exc.smtp_error)}"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            text = f"发信服务器 {where} 断开了连接：{exc}"
        elif isinstance(exc, OSError):
            text = f"无法连接发信服务器 {where}：{exc.strerror or exc}"
        else:
            text = f"发信出错（{where}）：{type(exc).__name__}: {exc}"
        return self._clean(text)

    def _clean(self, text: str) -> str:
        secret = self.settings.secret()
        text = mask(text)
        return text.replace(secret, "***") if secret else text


def _words(code, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"[:500]
