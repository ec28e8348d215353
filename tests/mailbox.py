"""A real SMTP server (aiosmtpd) that keeps what it receives, for black-box tests."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str


class _Collector:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with self.lock:
            self.mails.append(
                ReceivedMail(
                    sender=str(envelope.mail_from),
                    recipients=tuple(str(r) for r in envelope.rcpt_tos),
                    subject=str(parsed["Subject"] or ""),
                    body=str(text),
                )
            )
        return "250 OK"


class Mailbox:
    """Listens on 127.0.0.1:<port> until stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[ReceivedMail]:
        with self._collector.lock:
            return [m for m in self._collector.mails if address in m.recipients]

    def last_code(self, address: str) -> str:
        """The six-digit code in the newest mail to ``address``."""
        import re

        mails = self.to(address)
        assert mails, f"no mail to {address}"
        found = re.findall(r"\b\d{6}\b", mails[-1].body)
        assert found, mails[-1].body
        return str(found[-1])
