"""Targets: where events go. Each kind is a module here, built from its configuration table.

A target delivers one event at a time (the dispatcher keeps a user's events in order and
retries); it raises :class:`DeliveryError` when the event did not arrive, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cognitio.documents import JsonObject


class DeliveryError(Exception):
    """The event did not arrive. ``permanent``: retrying cannot help (the dispatcher puts the
    event in the dead-letter store at once)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class TargetConfigError(ValueError):
    """A target's configuration table is not valid; the message names the setting."""


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """An event on its way out: the CloudEvent as written (``body``, UTF-8 JSON) and parsed."""

    id: str
    type: str
    partition_key: str
    body: bytes
    document: JsonObject


class Target(Protocol):
    """A destination of events."""

    @property
    def name(self) -> str: ...

    async def deliver(self, event: OutgoingEvent) -> None:
        """Deliver ``event`` once; raise :class:`DeliveryError` if it did not arrive."""
        ...

    async def close(self) -> None: ...


# (the target's name, its configuration table) -> the target; raises TargetConfigError
TargetFactory = Callable[[str, JsonObject], Target]

# kind -> factory; each target module registers itself here when imported
TARGET_KINDS: dict[str, TargetFactory] = {}
