"""The Messenger: every verification code, invitation and reset code leaves through here.

In development (an outbox, or echo to stdout) a message is captured first and then also sent
through the channel's transport if one is configured. Outside development a channel without a
transport is an error, which the caller answers as Cognito's CodeDeliveryFailureException.
Logs name the channel and a masked destination only: bodies hold codes and temporary passwords.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from cognitio.messaging.email import EmailTransport
from cognitio.messaging.messages import Channel, DeliveryError, OutgoingMessage
from cognitio.messaging.outbox import Outbox
from cognitio.messaging.sms import SmsProvider

__all__ = ["DEFAULT_SENDER", "DeliveryError", "Messenger", "mask_destination"]

log = logging.getLogger("cognitio.messaging")

DEFAULT_SENDER = "no-reply@cognitio.local"

_NOT_CONFIGURED: dict[Channel, str] = {
    "email": "no email transport configured (set COGNITIO_SMTP_URL)",
    "sms": "no SMS transport configured (set COGNITIO_SMS_WEBHOOK_URL)",
}

Send = Callable[[OutgoingMessage], Awaitable[None]]


def mask_destination(address: str) -> str:
    """Enough of an address to tell messages apart in a log: ``j***@example.com``, ``+***1234``."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if at:
        return f"{local[:1]}***@{domain}"
    prefix = "+" if address.startswith("+") else ""
    digits = address.removeprefix("+")
    if len(digits) <= 4:
        return prefix + "*" * len(digits)
    return prefix + "*" * (len(digits) - 4) + digits[-4:]


class Messenger:
    """Routes each OutgoingMessage to the outbox, stdout and its channel's transport."""

    def __init__(
        self,
        *,
        smtp: EmailTransport | None,
        sms: SmsProvider | None,
        outbox: Outbox | None = None,
        echo: bool = False,
        default_sender: str = DEFAULT_SENDER,
    ) -> None:
        self.outbox = outbox
        self.echo = echo
        self.default_sender = default_sender
        self._transports: dict[Channel, Send | None] = {
            "email": partial(smtp.send, default_sender=default_sender) if smtp else None,
            "sms": sms.send if sms else None,
        }

    @property
    def captures(self) -> bool:
        """Whether messages are kept for a developer to read (the ``--dev`` outbox or stdout)."""
        return self.outbox is not None or self.echo

    async def deliver(self, message: OutgoingMessage) -> None:
        """Capture (in development) and send ``message``; DeliveryError if it cannot go out."""
        destination = mask_destination(message.to)
        if self.outbox is not None:
            self.outbox.record(message)
        if self.echo:
            _print(message)
        send = self._transports[message.channel]
        if send is None:
            if self.captures:
                log.info("%s to %s captured for development", message.channel, destination)
                return
            log.warning(
                "%s to %s not sent: %s",
                message.channel,
                destination,
                _NOT_CONFIGURED[message.channel],
            )
            raise DeliveryError(_NOT_CONFIGURED[message.channel])
        try:
            await send(message)
        except DeliveryError as exc:
            log.warning("%s to %s not sent: %s", message.channel, destination, exc)
            raise
        except Exception as exc:
            # A provider outside this package; its text might quote the message, so name
            # only its type.
            reason = f"{message.channel} transport raised {type(exc).__name__}"
            log.warning("%s to %s not sent: %s", message.channel, destination, reason)
            raise DeliveryError(reason) from exc
        log.info("%s to %s sent", message.channel, destination)


def _print(message: OutgoingMessage) -> None:
    lines = [f"--- {message.channel} to {message.to} (user pool {message.user_pool_id}) ---"]
    if message.subject is not None:
        lines.append(f"Subject: {message.subject}")
    lines.append(message.body)
    print("\n".join(lines), flush=True)
