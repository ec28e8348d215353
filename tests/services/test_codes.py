"""One-time codes: single use, expiry, bounded wrong tries (no server needed)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from cognitio.errors import CodeMismatchException, ExpiredCodeException, LimitExceededException
from cognitio.services.common import ids
from cognitio.services.messages import codes as module
from cognitio.services.messages.codes import MAX_ATTEMPTS, RESET, SIGN_UP, Codes
from cognitio.store.records import CodeRecord


class _Users:
    """The code half of a user repository, in memory."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], CodeRecord] = {}

    async def put_code(self, record: CodeRecord) -> None:
        self.codes[(record.sub, record.purpose)] = record

    async def get_code(self, sub: str, purpose: str) -> CodeRecord | None:
        return self.codes.get((sub, purpose))

    async def count_code_attempt(self, sub: str, purpose: str, most: int) -> bool:
        record = self.codes.get((sub, purpose))
        if record is None or record.attempts >= most:
            return False
        self.codes[(sub, purpose)] = replace(record, attempts=record.attempts + 1)
        return True

    async def delete_code(self, sub: str, purpose: str) -> None:
        self.codes.pop((sub, purpose), None)


class _Transaction:
    def __init__(self) -> None:
        self.users = _Users()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def tx() -> Any:
    return _Transaction()


def test_a_code_is_six_digits_stored_only_as_a_hash_and_used_once(tx: Any) -> None:
    codes = Codes(b"k" * 32)
    code = run(codes.issue(tx, "sub-1", SIGN_UP))
    assert len(code) == 6 and code.isdigit()
    stored = tx.users.codes[("sub-1", SIGN_UP)]
    assert code not in stored.code_hash
    assert run(codes.consume(tx, "sub-1", SIGN_UP, code)) is None
    assert isinstance(run(codes.consume(tx, "sub-1", SIGN_UP, code)), CodeMismatchException)


def test_codes_are_bound_to_user_purpose_and_key(tx: Any) -> None:
    codes = Codes(b"k" * 32)
    code = run(codes.issue(tx, "sub-1", RESET))
    assert isinstance(run(codes.consume(tx, "sub-2", RESET, code)), CodeMismatchException)
    assert isinstance(run(codes.consume(tx, "sub-1", SIGN_UP, code)), CodeMismatchException)
    other_key = Codes(b"x" * 32)
    assert isinstance(run(other_key.consume(tx, "sub-1", RESET, code)), CodeMismatchException)


def test_an_old_code_has_expired(tx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = Codes(b"k" * 32)
    start = ids.now_ms()
    monkeypatch.setattr(ids, "now_ms", lambda: start)
    code = run(codes.issue(tx, "sub-1", RESET))
    monkeypatch.setattr(ids, "now_ms", lambda: start + module.HOUR_MS + 1)
    failure = run(codes.consume(tx, "sub-1", RESET, code))
    assert isinstance(failure, ExpiredCodeException)
    assert failure.message == "Invalid code provided, please request a code again."


def test_sign_up_codes_last_a_day(tx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = Codes(b"k" * 32)
    start = ids.now_ms()
    monkeypatch.setattr(ids, "now_ms", lambda: start)
    code = run(codes.issue(tx, "sub-1", SIGN_UP))
    monkeypatch.setattr(ids, "now_ms", lambda: start + 23 * module.HOUR_MS)
    assert run(codes.consume(tx, "sub-1", SIGN_UP, code)) is None


def test_wrong_tries_are_counted_then_refused(tx: Any) -> None:
    codes = Codes(b"k" * 32)
    code = run(codes.issue(tx, "sub-1", SIGN_UP))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        assert isinstance(run(codes.consume(tx, "sub-1", SIGN_UP, wrong)), CodeMismatchException)
    assert isinstance(run(codes.consume(tx, "sub-1", SIGN_UP, code)), LimitExceededException)
    fresh = run(codes.issue(tx, "sub-1", SIGN_UP))
    assert run(codes.consume(tx, "sub-1", SIGN_UP, fresh)) is None
