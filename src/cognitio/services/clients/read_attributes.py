"""What an app client may read of a user: its ReadAttributes.

From CreateUserPoolClient's ReadAttributes: an access token "authorizes [the user] to read their
own attribute value for any attribute in this list". The ID token, GetUser and /oauth2/userInfo
show only those attributes (``sub`` is not an attribute here and is always shown). A client
without the setting reads every attribute, as it always has.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping

from cognitio.services.clients.settings import client_settings
from cognitio.store.repositories import Transaction

CACHE_SECONDS = 10.0
_MAX_ENTRIES = 10_000  # a bound on memory, not a tuning knob


def readable(allowed: Collection[str] | None, attributes: Mapping[str, str]) -> dict[str, str]:
    """``attributes`` less those the client may not read (security review #9); ``allowed`` is
    its ReadAttributes, None when it names none."""
    if allowed is None:
        return dict(attributes)
    permitted = set(allowed)
    return {name: value for name, value in attributes.items() if name in permitted}


class ClientReads:
    """Each app client's settings as far as reading goes, kept briefly per process."""

    def __init__(self, ttl_s: float = CACHE_SECONDS) -> None:
        self._ttl_s = ttl_s
        self._entries: dict[str, tuple[float, tuple[str, ...] | None]] = {}

    async def read_attributes(self, tx: Transaction, client_id: str) -> tuple[str, ...] | None:
        """The client's ReadAttributes; None (every attribute) when it names none or is unknown."""
        now = time.monotonic()
        entry = self._entries.get(client_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        client = await tx.clients.find(client_id)
        allowed = None if client is None else client_settings(client).read_attributes
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[client_id] = (now + self._ttl_s, allowed)
        return allowed
