"""Email over SMTP (RFC 5321), configured by one URL.

``smtp://HOST[:PORT]`` sends in the clear (port 25), ``smtp+starttls://HOST[:PORT]`` insists on
STARTTLS (RFC 3207, port 587) and ``smtps://HOST[:PORT]`` opens TLS at once (RFC 8314, port 465).
Each may carry ``USER:PASSWORD@`` before the host, percent-encoded. The message is an RFC 5322
``EmailMessage`` in UTF-8.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from cognitio.messaging.addresses import is_email_address
from cognitio.messaging.messages import DeliveryError, OutgoingMessage

log = logging.getLogger("cognitio.messaging")

Security = Literal["plain", "starttls", "tls"]

# scheme -> (security, default port)
_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("plain", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}


class EmailTransport(Protocol):
    """Anything that can send an email message; SmtpSender is the real one."""

    async def send(self, message: OutgoingMessage, default_sender: str) -> None: ...


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to reach the SMTP server; the password never shows in ``repr``."""

    security: Security
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def display_url(self) -> str:
        """The URL with the password replaced by ``***``, fit for logs and errors."""
        scheme = next(name for name, (kind, _) in _SCHEMES.items() if kind == self.security)
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.username}:***@" if self.username is not None else ""
        return f"{scheme}://{user}{host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """Read an SMTP URL; a ValueError's one-line message says what is wrong, never the password."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise ValueError("not a valid URL") from None
    kind = _SCHEMES.get(parts.scheme.lower())
    if kind is None:
        raise ValueError(
            f"unsupported scheme {parts.scheme!r}; use smtp://, smtp+starttls:// or smtps://"
        )
    security, default_port = kind
    if not parts.hostname:
        raise ValueError("the URL names no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError("the port must be a number from 1 to 65535")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("the URL must have no path, query or fragment")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise ValueError("give both a user name and a password, or neither")
    return SmtpTarget(
        security=security,
        host=parts.hostname,
        port=port or default_port,
        username=username,
        password=password,
    )


def build_email(message: OutgoingMessage, default_sender: str) -> EmailMessage:
    """The RFC 5322 message for ``message``, From its sender or ``default_sender``."""
    sender = message.sender or default_sender
    domain = parseaddr(sender)[1].rpartition("@")[2] or "cognitio.local"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    # Cognito allows line breaks in a subject template; a header cannot hold them.
    mail["Subject"] = " ".join((message.subject or "").split())
    mail["Date"] = formatdate(usegmt=True)
    # The sender's domain, so no DNS lookup of this host's name is needed.
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message.body, charset="utf-8")
    return mail


class SmtpSender:
    """Sends OutgoingMessages through one SMTP server, a new connection each time."""

    def __init__(
        self,
        url: str,
        *,
        verify: bool = True,
        timeout: float = 10.0,  # seconds, for connecting and for each SMTP reply
        local_hostname: str | None = None,
    ) -> None:
        self.target = parse_smtp_url(url)
        self.timeout = timeout
        self.local_hostname = local_hostname
        self._tls_context = ssl.create_default_context()
        if not verify:
            self._tls_context.check_hostname = False
            self._tls_context.verify_mode = ssl.CERT_NONE
        if self.target.security == "plain" and self.target.username is not None:
            log.warning("SMTP credentials for %s are sent without TLS", self.target.display_url)

    def __repr__(self) -> str:
        return f"SmtpSender({self.target.display_url!r})"

    async def send(self, message: OutgoingMessage, default_sender: str) -> None:
        """Deliver one email; any failure becomes a DeliveryError."""
        try:
            mail = build_email(message, default_sender)
        except ValueError as exc:
            raise DeliveryError("the message has an invalid address or header") from exc
        # The envelope names the one address itself: recipients read from the To header would
        # follow whatever a display name or a list in it says.
        if not is_email_address(message.to):
            raise DeliveryError("the message has an invalid address or header")
        target = self.target
        client = aiosmtplib.SMTP(
            hostname=target.host,
            port=target.port,
            use_tls=target.security == "tls",
            start_tls=target.security == "starttls",
            tls_context=self._tls_context,
            timeout=self.timeout,
            local_hostname=self.local_hostname,
        )
        try:
            await client.connect()
            try:
                if target.username is not None:
                    await client.login(target.username, target.password or "")
                await client.send_message(mail, recipients=[message.to])
                # The message is accepted: a failed goodbye must not report it as lost.
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    await client.execute_command(b"QUIT")
            finally:
                _drop(client)
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP server {target.host}:{target.port} refused: {exc.code} {exc.message}"
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"SMTP server {target.host}:{target.port} failed: {_describe(exc)}"
            ) from exc


def _drop(client: aiosmtplib.SMTP) -> None:
    """Close the connection now, without waiting for the server's TLS close_notify.

    After QUIT (or a failure) nothing more is read from the server, and a server that never
    answers the TLS shutdown would otherwise hold the socket open until asyncio gives up.
    """
    transport = client.transport
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    client.close()


def _describe(exc: BaseException) -> str:
    """A short reason for a connection-level failure."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate not trusted ({cause.verify_message})"
        cause = cause.__cause__
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return "all recipients refused"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
