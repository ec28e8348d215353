"""One-time codes: single use, expiry, bounded wrong tries (no server needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from cognitio.errors import CodeMismatchException, ExpiredCodeException, LimitExceededException
from cognitio.services.common import ids
from cognitio.services.messages import codes as module
from cognitio.services.messages.codes import MAX_ATTEMPTS, RESET, SIGN_UP, Codes
from cognitio.store.memory import MemoryStore
from cognitio.store.repositories import Transaction

T = TypeVar("T")


def run(store: MemoryStore, call: Callable[[Transaction], Awaitable[T]]) -> T:
    """One call in a write transaction of the in-memory store."""

    async def main() -> T:
        async with store.write() as tx:
            return await call(tx)

    return asyncio.run(main())


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def test_a_code_is_six_digits_stored_only_as_a_hash_and_used_once(store: MemoryStore) -> None:
    codes = Codes(b"k" * 32)
    code = run(store, lambda tx: codes.issue(tx, "sub-1", SIGN_UP))
    assert len(code) == 6 and code.isdigit()
    stored = run(store, lambda tx: tx.users.get_code("sub-1", SIGN_UP))
    assert stored is not None and code not in stored.code_hash
    assert run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, code)) is None
    assert isinstance(
        run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, code)), CodeMismatchException
    )


def test_codes_are_bound_to_user_purpose_and_key(store: MemoryStore) -> None:
    codes = Codes(b"k" * 32)
    code = run(store, lambda tx: codes.issue(tx, "sub-1", RESET))
    assert isinstance(
        run(store, lambda tx: codes.consume(tx, "sub-2", RESET, code)), CodeMismatchException
    )
    assert isinstance(
        run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, code)), CodeMismatchException
    )
    other_key = Codes(b"x" * 32)
    assert isinstance(
        run(store, lambda tx: other_key.consume(tx, "sub-1", RESET, code)), CodeMismatchException
    )


def test_an_old_code_has_expired(store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = Codes(b"k" * 32)
    start = ids.now_ms()
    monkeypatch.setattr(ids, "now_ms", lambda: start)
    code = run(store, lambda tx: codes.issue(tx, "sub-1", RESET))
    monkeypatch.setattr(ids, "now_ms", lambda: start + module.HOUR_MS + 1)
    failure = run(store, lambda tx: codes.consume(tx, "sub-1", RESET, code))
    assert isinstance(failure, ExpiredCodeException)
    assert failure.message == "Invalid code provided, please request a code again."


def test_sign_up_codes_last_a_day(store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = Codes(b"k" * 32)
    start = ids.now_ms()
    monkeypatch.setattr(ids, "now_ms", lambda: start)
    code = run(store, lambda tx: codes.issue(tx, "sub-1", SIGN_UP))
    monkeypatch.setattr(ids, "now_ms", lambda: start + 23 * module.HOUR_MS)
    assert run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, code)) is None


def test_wrong_tries_are_counted_then_refused(store: MemoryStore) -> None:
    codes = Codes(b"k" * 32)
    code = run(store, lambda tx: codes.issue(tx, "sub-1", SIGN_UP))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        assert isinstance(
            run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, wrong)), CodeMismatchException
        )
    assert isinstance(
        run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, code)), LimitExceededException
    )
    fresh = run(store, lambda tx: codes.issue(tx, "sub-1", SIGN_UP))
    assert run(store, lambda tx: codes.consume(tx, "sub-1", SIGN_UP, fresh)) is None
