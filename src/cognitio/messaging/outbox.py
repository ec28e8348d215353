"""The development outbox: the latest messages kept in memory (:mod:`cognitio.web.dev_outbox`
shows them at ``/_dev/outbox``). Only a server started with ``--dev`` has one."""

from __future__ import annotations

import builtins
import uuid
from collections import deque
from datetime import UTC, datetime
from typing import TypedDict

from cognitio.messaging.messages import OutgoingMessage

DEFAULT_OUTBOX_SIZE = 1000


class OutboxEntry(TypedDict):
    """One recorded message, as the JSON endpoint shows it."""

    id: str
    channel: str
    to: str
    subject: str | None
    body: str
    user_pool_id: str
    sent_at: str


class Outbox:
    """The last ``size`` messages, oldest dropped first."""

    def __init__(self, size: int = DEFAULT_OUTBOX_SIZE) -> None:
        if size < 1:
            raise ValueError("the outbox must hold at least one message")
        self._entries: deque[OutboxEntry] = deque(maxlen=size)

    def record(self, message: OutgoingMessage) -> OutboxEntry:
        """Keep ``message`` and return its entry."""
        entry = OutboxEntry(
            id=str(uuid.uuid4()),
            channel=message.channel,
            to=message.to,
            subject=message.subject,
            body=message.body,
            user_pool_id=message.user_pool_id,
            sent_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        self._entries.append(entry)
        return entry.copy()

    def list(self, to: str | None = None) -> builtins.list[OutboxEntry]:
        """Copies of the kept messages, oldest first; only those addressed to ``to`` if given."""
        wanted = to.strip().casefold() if to else None
        return [
            entry.copy()
            for entry in self._entries
            if wanted is None or entry["to"].casefold() == wanted
        ]

    def clear(self) -> None:
        """Forget every message."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
