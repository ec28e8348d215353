"""The round trip to an external provider: a state opens only as it was sealed, in time, in the
browser that left, and once (the memory store keeps the spent ids)."""

from __future__ import annotations

import asyncio
import base64
import os

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.services.common import ids
from cognitio.services.federation.round_trip import (
    LIFETIME_MS,
    SIGN_OUT,
    RoundTripError,
    RoundTrips,
)
from cognitio.store.memory import MemoryStore

POOL_ID = "us-east-1_Ab12Cd34E"
QUERY = "response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"


def trips(key: bytes | None = None) -> RoundTrips:
    return RoundTrips(MemoryStore(), Envelope(key or os.urandom(32)))


def test_a_state_comes_back_as_it_left_and_works_once() -> None:
    round_trips = trips()
    trip, state, cookie = round_trips.depart(POOL_ID, "MyOIDC", QUERY, request_id="_r1")
    back = round_trips.open(state)
    assert back == trip
    assert (back.pool_id, back.provider_name, back.query, back.request_id) == (
        POOL_ID,
        "MyOIDC",
        QUERY,
        "_r1",
    )
    asyncio.run(round_trips.finish(back, cookie, cookie_required=True))
    with pytest.raises(RoundTripError, match="already used"):
        asyncio.run(round_trips.finish(round_trips.open(state), cookie, cookie_required=True))


def test_each_trip_has_its_own_nonce_id_and_cookie() -> None:
    round_trips = trips()
    first = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    second = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    assert first[0].nonce != second[0].nonce
    assert first[0].id != second[0].id
    assert first[2] != second[2]
    assert first[2] not in first[1]  # the cookie's value is not in the state, only its hash


def test_another_browser_cannot_finish_the_trip() -> None:
    round_trips = trips()
    _, state, _ = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    _, _, attackers_cookie = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    with pytest.raises(RoundTripError, match="another browser"):
        asyncio.run(
            round_trips.finish(round_trips.open(state), attackers_cookie, cookie_required=False)
        )
    with pytest.raises(RoundTripError, match="another browser"):
        asyncio.run(round_trips.finish(round_trips.open(state), None, cookie_required=True))


def test_a_missing_cookie_passes_only_where_browsers_cannot_send_it() -> None:
    round_trips = trips()
    _, state, _ = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    asyncio.run(round_trips.finish(round_trips.open(state), None, cookie_required=False))
    with pytest.raises(RoundTripError, match="already used"):
        asyncio.run(round_trips.finish(round_trips.open(state), None, cookie_required=False))


@pytest.mark.parametrize(
    "state",
    [
        None,
        "",
        "not-base64-$$$",
        "A" * 5000,
        base64.urlsafe_b64encode(os.urandom(80)).decode(),
    ],
)
def test_a_state_not_made_here_does_not_open(state: str | None) -> None:
    with pytest.raises(RoundTripError):
        trips().open(state)


def test_an_edited_state_does_not_open() -> None:
    round_trips = trips()
    _, state, _ = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    raw = bytearray(base64.urlsafe_b64decode(state + "=" * (-len(state) % 4)))
    raw[-1] ^= 1
    edited = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(RoundTripError, match="not valid"):
        round_trips.open(edited)


def test_a_state_sealed_under_another_master_key_does_not_open() -> None:
    _, state, _ = trips().depart(POOL_ID, "MyOIDC", QUERY)
    with pytest.raises(RoundTripError, match="not valid"):
        trips().open(state)


def test_a_state_expires_after_five_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    round_trips = trips()
    _, state, _ = round_trips.depart(POOL_ID, "MyOIDC", QUERY)
    later = ids.now_ms() + LIFETIME_MS + 1_000
    monkeypatch.setattr(ids, "now_ms", lambda: later)
    with pytest.raises(RoundTripError, match="too long"):
        round_trips.open(state)


def test_a_sign_in_state_never_opens_as_a_sign_out_nor_the_other_way() -> None:
    round_trips = trips()
    _, sign_in_state, _ = round_trips.depart(POOL_ID, "MySAML", QUERY, request_id="_a1")
    trip, sign_out_state, cookie = round_trips.depart(
        POOL_ID, "MySAML", "client_id=abc&logout_uri=x", request_id="_l1", purpose=SIGN_OUT
    )
    with pytest.raises(RoundTripError, match="The sign-out request is not valid"):
        round_trips.open(sign_in_state, SIGN_OUT)
    with pytest.raises(RoundTripError, match="The sign-in request is not valid"):
        round_trips.open(sign_out_state)
    back = round_trips.open(sign_out_state, SIGN_OUT)
    assert back == trip
    asyncio.run(round_trips.finish(back, cookie, cookie_required=True))
    with pytest.raises(RoundTripError, match="This sign-out was already used"):
        asyncio.run(round_trips.finish(back, cookie, cookie_required=True))
