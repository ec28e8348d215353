"""The identity issuer's keys: shared through the store, rotated without breaking tokens."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from cognitio.config import Settings
from cognitio.crypto.envelope import Envelope
from cognitio.crypto.jwt import TokenError
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.store.memory import MemoryStore

POOL = "eu-west-1:5d2c1f4e-2f0b-4c55-9d8e-0a1b2c3d4e5f"
IDENTITY = "eu-west-1:0f9e8d7c-6b5a-4c3d-8e2f-1a2b3c4d5e6f"


def test_a_second_node_verifies_tokens_signed_with_a_key_it_has_not_loaded() -> None:
    async def run() -> None:
        store, envelope = MemoryStore(), Envelope(os.urandom(32))
        settings = Settings(region="eu-west-1", public_url="https://id.example.com")
        first, second = (
            OpenIdTokens(store, envelope, settings),
            OpenIdTokens(store, envelope, settings),
        )
        old = await first.mint(IDENTITY, POOL, ["unauthenticated"])
        assert (await second.verify(old, audience=POOL)).identity_id == IDENTITY
        assert await first.rotate() == "eu-west-12"
        new = await first.mint(IDENTITY, POOL, ["unauthenticated"])
        # The second node loaded only eu-west-11; it reads the keys again for eu-west-12.
        claims = await second.verify(new, audience=POOL)
        assert claims.issuer == "https://id.example.com"
        assert (await second.verify(old)).identity_pool_id == POOL
        kids = [key["kid"] for key in (await second.jwks())["keys"]]
        assert kids == ["eu-west-12", "eu-west-11"]

    asyncio.run(run())


def test_lifetime_and_audience_are_checked() -> None:
    async def run() -> None:
        tokens = OpenIdTokens(MemoryStore(), Envelope(os.urandom(32)), Settings())
        now = int(time.time())
        token = await tokens.mint(IDENTITY, POOL, ["authenticated", "x"], seconds=900, now=now)
        claims = await tokens.verify(token, audience=POOL)
        assert claims.expires_at - claims.issued_at == 900
        with pytest.raises(TokenError) as refused:
            await tokens.verify(token, audience="eu-west-1:other")
        assert refused.value.reason == "audience"
        with pytest.raises(TokenError) as refused:
            await tokens.verify(token, now=now + 901)
        assert refused.value.reason == "expired"

    asyncio.run(run())
