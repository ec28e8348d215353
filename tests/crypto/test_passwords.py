"""Argon2id password hashing: PHC strings, verification that never raises, and the async API."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator

import pytest

from cognitio.client_address import client_address
from cognitio.crypto.passwords import Argon2Params, PasswordHasher
from cognitio.errors import TooManyRequestsException

FAST = Argon2Params(memory_kib=1024, time_cost=1, parallelism=1)


@pytest.fixture
def hasher() -> Iterator[PasswordHasher]:
    hasher = PasswordHasher(FAST)
    yield hasher
    hasher.close()


def test_default_parameters_are_owasps_argon2id_minimum() -> None:
    assert Argon2Params() == Argon2Params(memory_kib=19456, time_cost=2, parallelism=1)


def test_default_parameters_hash_and_verify() -> None:
    hasher = PasswordHasher()
    stored = hasher.hash("Corr3ct-Horse!")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(stored, "Corr3ct-Horse!")
    assert not hasher.needs_rehash(stored)


def test_hash_is_a_phc_string_with_the_given_parameters(hasher: PasswordHasher) -> None:
    stored = hasher.hash("Corr3ct-Horse!")
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert "Corr3ct-Horse!" not in stored


def test_hashing_twice_uses_two_salts(hasher: PasswordHasher) -> None:
    assert hasher.hash("Corr3ct-Horse!") != hasher.hash("Corr3ct-Horse!")


@pytest.mark.parametrize("password", ["Corr3ct-Horse!", "pässwörd-€-1", "a b", "x" * 256])
def test_the_right_password_verifies(hasher: PasswordHasher, password: str) -> None:
    assert hasher.verify(hasher.hash(password), password)


@pytest.mark.parametrize("attempt", ["corr3ct-Horse!", "Corr3ct-Horse", "Corr3ct-Horse! ", ""])
def test_a_wrong_password_is_false(hasher: PasswordHasher, attempt: str) -> None:
    assert not hasher.verify(hasher.hash("Corr3ct-Horse!"), attempt)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "not a hash",
        "$argon2id$v=19$m=1024,t=1,p=1$",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$!!!",
        "$argon2x$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    ],
    ids=["empty", "text", "no-salt", "bad-base64", "unknown-variant", "bcrypt"],
)
def test_a_malformed_hash_is_false_not_an_error(hasher: PasswordHasher, stored: str) -> None:
    assert not hasher.verify(stored, "Corr3ct-Horse!")


def test_a_lone_surrogate_hashes_and_verifies(hasher: PasswordHasher) -> None:
    """JSON can carry an unpaired surrogate; it must not turn into a server error."""
    stored = hasher.hash("ab\ud800cd")
    assert hasher.verify(stored, "ab\ud800cd")
    assert not hasher.verify(stored, "abcd")


def test_hashes_made_with_other_parameters_still_verify(hasher: PasswordHasher) -> None:
    older = PasswordHasher(Argon2Params(memory_kib=512, time_cost=1, parallelism=1))
    stored = older.hash("Corr3ct-Horse!")
    assert hasher.verify(stored, "Corr3ct-Horse!")
    assert hasher.needs_rehash(stored)


def test_needs_rehash_is_false_for_own_parameters(hasher: PasswordHasher) -> None:
    assert not hasher.needs_rehash(hasher.hash("Corr3ct-Horse!"))


def test_needs_rehash_is_true_for_an_unreadable_hash(hasher: PasswordHasher) -> None:
    assert hasher.needs_rehash("not a hash")


def test_async_hash_and_verify(hasher: PasswordHasher) -> None:
    async def scenario() -> tuple[bool, bool]:
        stored = await hasher.hash_async("Corr3ct-Horse!")
        right = await hasher.verify_async(stored, "Corr3ct-Horse!")
        wrong = await hasher.verify_async(stored, "wrong")
        return right, wrong

    assert asyncio.run(scenario()) == (True, False)


def test_async_work_runs_off_the_event_loop_thread(
    hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    hash_in_thread = hasher.hash

    def recording_hash(password: str) -> str:
        threads.append(threading.current_thread().name)
        return hash_in_thread(password)

    monkeypatch.setattr(hasher, "hash", recording_hash)
    asyncio.run(hasher.hash_async("Corr3ct-Horse!"))
    assert threads
    assert threads[0].startswith("password-hash")


def test_concurrent_verifications_each_get_their_own_answer(hasher: PasswordHasher) -> None:
    stored = hasher.hash("Corr3ct-Horse!")
    attempts = ["Corr3ct-Horse!", "wrong", "Corr3ct-Horse!", "also wrong"] * 3

    async def scenario() -> list[bool]:
        return list(await asyncio.gather(*(hasher.verify_async(stored, a) for a in attempts)))

    assert asyncio.run(scenario()) == [a == "Corr3ct-Horse!" for a in attempts]


def test_hasher_works_again_after_close(hasher: PasswordHasher) -> None:
    stored = asyncio.run(hasher.hash_async("Corr3ct-Horse!"))
    hasher.close()
    assert asyncio.run(hasher.verify_async(stored, "Corr3ct-Horse!"))


@pytest.mark.parametrize("password", ["Corr3ct-Horse!", "", "anything at all"])
def test_dummy_verification_is_always_false(hasher: PasswordHasher, password: str) -> None:
    assert asyncio.run(hasher.verify_dummy_async(password)) is False


def test_dummy_verification_does_one_real_verify_with_the_same_parameters(
    hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Equal work for unknown users: a real Argon2 verify against a hash with these parameters."""
    hashed: list[str] = []
    verified: list[tuple[str, str]] = []
    real_hash, real_verify = hasher.hash, hasher.verify

    def recording_hash(password: str) -> str:
        hashed.append(password)
        return real_hash(password)

    def recording_verify(stored: str, password: str) -> bool:
        verified.append((stored, password))
        return real_verify(stored, password)

    monkeypatch.setattr(hasher, "hash", recording_hash)
    monkeypatch.setattr(hasher, "verify", recording_verify)

    async def scenario() -> None:
        for attempt in ("first", "second", "third"):
            await hasher.verify_dummy_async(attempt)

    asyncio.run(scenario())
    assert len(hashed) == 1  # the dummy hash is made once, on first use
    assert [password for _, password in verified] == ["first", "second", "third"]
    dummy = {stored for stored, _ in verified}
    assert len(dummy) == 1
    assert not hasher.needs_rehash(dummy.pop())


def test_the_hash_queue_is_bounded() -> None:
    """Security review #10: past the workers and the queue, a hash is refused at once."""
    bounded = PasswordHasher(FAST, max_queue=1)
    admitted = (os.cpu_count() or 1) + 1

    async def flood() -> list[object]:
        tasks = [bounded.hash_async("pw") for _ in range(admitted + 3)]
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        outcomes = asyncio.run(flood())
    finally:
        bounded.close()
    refused = [o for o in outcomes if isinstance(o, TooManyRequestsException)]
    assert len(refused) == 3
    assert all(isinstance(o, str) for o in outcomes[:admitted])
    # Once the queue drains, hashing works again.
    again = PasswordHasher(FAST, max_queue=0)
    try:
        assert asyncio.run(again.hash_async("pw")).startswith("$argon2id$")
    finally:
        again.close()


def test_one_client_holds_at_most_its_share_of_the_queue() -> None:
    """Attack F6: one client IP flooding sign-ins fills only its own share of the hash queue;
    another client's hash is still admitted, and the shares empty once the hashes are done."""
    shared = PasswordHasher(FAST, max_queue=100, per_client=2)

    async def as_client(name: str) -> str:
        client_address.set(name)  # this task's own context
        return await shared.hash_async("pw")

    async def flood() -> list[object]:
        tasks = [as_client("203.0.113.9") for _ in range(4)] + [as_client("198.51.100.7")]
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        outcomes = asyncio.run(flood())
        assert [isinstance(o, TooManyRequestsException) for o in outcomes] == [
            False,
            False,
            True,
            True,
            False,
        ]
        assert shared._pending_by == {}
        assert asyncio.run(as_client("203.0.113.9")).startswith("$argon2id$")
    finally:
        shared.close()
