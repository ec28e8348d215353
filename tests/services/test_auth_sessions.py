"""Auth-flow Sessions: sealed, bound, expiring, single-use (fake clock, the memory store)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.errors import NotAuthorizedException
from cognitio.services.common import ids
from cognitio.services.signin.auth_sessions import Sessions
from cognitio.store.memory import MemoryStore


def issue(sessions: Sessions) -> str:
    return sessions.issue(
        pool_id="us-east-1_A",
        client_id="client",
        sub="sub",
        username="user",
        challenge="NEW_PASSWORD_REQUIRED",
        validity_minutes=3,
        data={"secret": "kept inside"},
    )


def spend(sessions: Sessions, store: MemoryStore, token: str, client: str = "client") -> Any:
    async def main() -> Any:
        async with store.write() as tx:
            return await sessions.spend(
                tx, token, client_id=client, challenge="NEW_PASSWORD_REQUIRED"
            )

    return asyncio.run(main())


def test_a_session_opens_once_with_its_state(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions, tx = Sessions(Envelope(os.urandom(32))), MemoryStore()
    token = issue(sessions)
    assert "kept inside" not in token and 20 <= len(token) <= 2048
    opened = spend(sessions, tx, token)
    assert (opened.sub, opened.data) == ("sub", {"secret": "kept inside"})
    with pytest.raises(NotAuthorizedException, match="only be used once"):
        spend(sessions, tx, token)


def test_a_session_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions, tx = Sessions(Envelope(os.urandom(32))), MemoryStore()
    start = ids.now_ms()
    monkeypatch.setattr(ids, "now_ms", lambda: start)
    token = issue(sessions)
    monkeypatch.setattr(ids, "now_ms", lambda: start + 3 * 60_000 + 1)
    with pytest.raises(NotAuthorizedException, match="expired"):
        spend(sessions, tx, token)


def test_a_session_is_bound_and_unforgeable() -> None:
    key = os.urandom(32)
    sessions, tx = Sessions(Envelope(key)), MemoryStore()
    token = issue(sessions)
    with pytest.raises(NotAuthorizedException, match="Invalid session"):
        spend(sessions, tx, token, client="another-client")
    with pytest.raises(NotAuthorizedException, match="Invalid session"):
        spend(Sessions(Envelope(os.urandom(32))), tx, token)
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    with pytest.raises(NotAuthorizedException, match="Invalid session"):
        spend(sessions, tx, flipped)
