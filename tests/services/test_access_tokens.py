"""An access token's claims are narrowed where they are read: a validly signed token whose
``sub``, ``client_id``, ``scope`` or ``origin_jti`` has the wrong type is not authorized, never
a server error (the memory store, keys made by the pool's Tokens)."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from cognitio.config import Settings
from cognitio.crypto import jwt
from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import NotAuthorizedException
from cognitio.services.tokens.access_tokens import signed_in
from cognitio.services.tokens.tokens import ADMIN_SCOPE, Tokens, Verified
from cognitio.store.memory import MemoryStore

POOL_ID = "us-east-1_Ab12Cd34E"


def access_claims(tokens: Tokens, **changes: JsonValue) -> JsonObject:
    now = int(time.time())
    claims: JsonObject = {
        "sub": "0b5e8c1e-7a6f-4c3d-9e2b-1f4a6d8c0e21",
        "iss": tokens.issuer(POOL_ID),
        "client_id": "5r1iddqkqlp0g8bsmdsj8gq7o6",
        "origin_jti": "4f1c2a9e-2b7d-4e0a-8c51-3d6e9f0a7b12",
        "token_use": "access",
        "scope": ADMIN_SCOPE,
        "auth_time": now,
        "exp": now + 300,
        "iat": now,
        "jti": "9d3b7f21-5c8e-4a6d-b2f0-7e1a3c5d9b48",
        "username": "alice",
    }
    claims.update(changes)
    return claims


def verify(claims_of: JsonObject, *, absent: str | None = None) -> Verified:
    """``verify_access`` on a token signed with the pool's access key, carrying ``claims_of``
    over the usual claims (and without ``absent``)."""
    store = MemoryStore()
    tokens = Tokens(store, Envelope(os.urandom(32)), Settings())

    async def main() -> Verified:
        async with store.write() as tx:
            key = (await tokens.keys(tx, POOL_ID))["access"]
            claims = access_claims(tokens, **claims_of)
            if absent is not None:
                del claims[absent]
            return await tokens.verify_access(tx, jwt.sign(key, claims))

    return asyncio.run(main())


def test_a_well_formed_access_token_has_its_claims_narrowed() -> None:
    verified = verify({"scope": "openid  profile"})
    assert verified.pool_id == POOL_ID
    assert verified.sub == "0b5e8c1e-7a6f-4c3d-9e2b-1f4a6d8c0e21"
    assert verified.client_id == "5r1iddqkqlp0g8bsmdsj8gq7o6"
    assert verified.origin_jti == "4f1c2a9e-2b7d-4e0a-8c51-3d6e9f0a7b12"
    assert verified.scopes == ("openid", "profile")


def test_a_client_credentials_token_has_no_origin() -> None:
    """A client_credentials token carries no ``origin_jti``: it reads as empty."""
    assert verify({}, absent="origin_jti").origin_jti == ""
    assert verify({}, absent="scope").scopes == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sub", 42),
        ("sub", None),
        ("client_id", ["5r1iddqkqlp0g8bsmdsj8gq7o6"]),
        ("scope", 7),
        ("scope", None),
        ("origin_jti", {"jti": "x"}),
        ("origin_jti", True),
    ],
)
def test_a_claim_of_the_wrong_type_is_not_authorized(name: str, value: JsonValue) -> None:
    with pytest.raises(NotAuthorizedException, match="Invalid Access Token"):
        verify({name: value})


@pytest.mark.parametrize("name", ["sub", "client_id"])
def test_a_token_without_its_subject_or_client_is_not_authorized(name: str) -> None:
    with pytest.raises(NotAuthorizedException, match="Invalid Access Token"):
        verify({}, absent=name)


def test_signed_in_refuses_a_scope_of_the_wrong_type() -> None:
    store = MemoryStore()
    tokens = Tokens(store, Envelope(os.urandom(32)), Settings())

    async def main() -> None:
        async with store.write() as tx:
            key = (await tokens.keys(tx, POOL_ID))["access"]
            token = jwt.sign(key, access_claims(tokens, scope=[ADMIN_SCOPE]))
            await signed_in(tx, tokens, token)

    with pytest.raises(NotAuthorizedException, match="Invalid Access Token"):
        asyncio.run(main())
