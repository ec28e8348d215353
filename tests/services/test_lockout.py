"""Cognito's lockout arithmetic with a fake clock (no server, no sleeping)."""

from __future__ import annotations

import asyncio

import pytest

from cognitio.errors import NotAuthorizedException
from cognitio.services.common import ids
from cognitio.services.security import lockout as module
from cognitio.services.security.lockout import MFA, Lockout
from cognitio.store.memory import MemoryStore


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    now = [1_000_000]
    monkeypatch.setattr(ids, "now_ms", lambda: now[0])
    return now


def attempt(lockout: Lockout) -> bool:
    """One wrong answer; False when the lockout refused it."""
    try:
        asyncio.run(lockout.attempt("u"))
    except NotAuthorizedException as error:
        expected = (module.attempts_exceeded().message, module.mfa_attempts_exceeded().message)
        assert error.message in expected
        return False
    return True


def test_five_failures_lock_for_a_second_then_doubling(clock: list[int]) -> None:
    lockout = Lockout(MemoryStore())
    for _ in range(5):
        assert attempt(lockout)
    assert not attempt(lockout)  # locked, and not counted
    clock[0] += 1000
    assert attempt(lockout)  # the sixth: two seconds
    clock[0] += 1999
    assert not attempt(lockout)
    clock[0] += 1
    assert attempt(lockout)


def test_the_lockout_stops_at_fifteen_minutes(clock: list[int]) -> None:
    lockout = Lockout(MemoryStore())
    for _ in range(25):
        clock[0] += module.MAX_LOCKOUT_MS
        assert attempt(lockout)
    clock[0] += module.MAX_LOCKOUT_MS - 1
    assert not attempt(lockout)
    clock[0] += 1
    assert attempt(lockout)


def test_success_or_a_quiet_quarter_hour_forgets_failures(clock: list[int]) -> None:
    lockout = Lockout(MemoryStore())
    for _ in range(4):
        assert attempt(lockout)
    asyncio.run(lockout.succeeded("u"))
    for _ in range(4):
        assert attempt(lockout)
    clock[0] += module.QUIET_RESET_MS + 1
    for _ in range(4):  # the first counts as the first again
        assert attempt(lockout)


def test_a_forgiven_attempt_leaves_earlier_failures_standing(clock: list[int]) -> None:
    """Security review #3: a right MFA code takes back only its own count."""
    lockout = Lockout(MemoryStore(), MFA)
    for _ in range(4):
        assert attempt(lockout)
    assert attempt(lockout)  # a right answer, counted first...
    asyncio.run(lockout.forgive("u"))  # ...then taken back
    assert attempt(lockout)  # the fifth failure
    assert not attempt(lockout)
    clock[0] += 59_999
    assert not attempt(lockout)  # the second factor's first lock lasts a minute
    clock[0] += 1
    assert attempt(lockout)
