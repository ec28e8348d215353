"""Cognito's lockout arithmetic with a fake clock (no server, no sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from cognitio.errors import NotAuthorizedException
from cognitio.services import lockout as module
from cognitio.services.lockout import Lockout


class _Tokens:
    def __init__(self) -> None:
        self.state: dict[str, tuple[int, int, int]] = {}

    async def failures(self, sub: str) -> tuple[int, int, int] | None:
        return self.state.get(sub)

    async def put_failures(self, sub: str, failures: int, last: int, locked: int) -> None:
        self.state[sub] = (failures, last, locked)

    async def clear_failures(self, sub: str) -> None:
        self.state.pop(sub, None)


class _Store:
    def __init__(self) -> None:
        self.tokens = _Tokens()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Any]:
        yield self

    write = read


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    now = [1_000_000]
    monkeypatch.setattr(module.ids, "now_ms", lambda: now[0])
    return now


def locked(lockout: Lockout) -> bool:
    try:
        asyncio.run(lockout.check("u"))
    except NotAuthorizedException as error:
        assert error.message == "Password attempts exceeded"
        return True
    return False


def test_five_failures_lock_for_a_second_then_doubling(clock: list[int]) -> None:
    lockout = Lockout(_Store())  # type: ignore[arg-type]
    for _ in range(4):
        asyncio.run(lockout.failed("u"))
    assert not locked(lockout)
    asyncio.run(lockout.failed("u"))  # the fifth
    assert locked(lockout)
    clock[0] += 1000
    assert not locked(lockout)
    asyncio.run(lockout.failed("u"))  # the sixth: two seconds
    clock[0] += 1999
    assert locked(lockout)
    clock[0] += 1
    assert not locked(lockout)


def test_the_lockout_stops_at_fifteen_minutes(clock: list[int]) -> None:
    lockout = Lockout(_Store())  # type: ignore[arg-type]
    for _ in range(25):
        clock[0] += 1
        asyncio.run(lockout.failed("u"))
    clock[0] += module.MAX_LOCKOUT_MS - 1
    assert locked(lockout)
    clock[0] += 1
    assert not locked(lockout)


def test_success_or_a_quiet_quarter_hour_forgets_failures(clock: list[int]) -> None:
    lockout = Lockout(_Store())  # type: ignore[arg-type]
    for _ in range(4):
        asyncio.run(lockout.failed("u"))
    asyncio.run(lockout.succeeded("u"))
    asyncio.run(lockout.failed("u"))
    assert not locked(lockout)
    for _ in range(3):
        asyncio.run(lockout.failed("u"))
    clock[0] += module.QUIET_RESET_MS + 1
    asyncio.run(lockout.failed("u"))  # counts as the first again
    assert not locked(lockout)
