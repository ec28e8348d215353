"""Identity pools and identities over the memory store: the quota, and identities as
ListIdentities, DescribeIdentity and DeleteIdentities show them (GetId, which makes
identities on the wire, is not built yet)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest

from cognitio.errors import LimitExceededException, ResourceNotFoundException
from cognitio.services.identity.identities import Identities, Unprocessed
from cognitio.services.identity.pool_settings import PoolSettings
from cognitio.services.identity.pools import MAX_POOLS, IdentityPools
from cognitio.services.pools.user_pools import Caller
from cognitio.store.memory import MemoryStore
from cognitio.store.records import IdentityLoginRecord, IdentityRecord

CALLER = Caller("us-east-1", "123456789012")


def test_a_region_holds_at_most_a_thousand_pools() -> None:
    async def scenario() -> None:
        store = MemoryStore()
        pools = IdentityPools(store)
        template = await pools.create(CALLER, PoolSettings("first", False))
        async with store.write() as tx:
            for _ in range(MAX_POOLS - 2):
                await tx.identity_pools.insert(replace(template, id=f"us-east-1:{uuid.uuid4()}"))
        await pools.create(CALLER, PoolSettings("the last one", False))
        with pytest.raises(LimitExceededException):
            await pools.create(CALLER, PoolSettings("one too many", False))
        # Another region counts its own.
        await pools.create(Caller("eu-west-1", CALLER.account_id), PoolSettings("there", False))

    asyncio.run(scenario())


def test_identities_are_listed_with_their_providers_and_deleted() -> None:
    async def scenario() -> None:
        store = MemoryStore()
        pool = await IdentityPools(store).create(CALLER, PoolSettings("photos", True))
        made = [
            IdentityRecord(f"us-east-1:{uuid.uuid4()}", pool.id, 1_000 + n, 2_000 + n)
            for n in range(3)
        ]
        async with store.write() as tx:
            for record in made:
                assert await tx.pool_identities.insert(record)
            for provider in ("graph.facebook.com", "accounts.google.com"):
                login = IdentityLoginRecord(made[0].id, pool.id, provider, "subject-1", 1_000)
                assert await tx.pool_identities.add_login(login)
            assert await tx.pool_identities.disable(made[2].id, 3_000)
        identities = Identities(store)
        first = await identities.list_identities(CALLER, pool.id, 2, None)
        assert [i.id for i in first.identities] == [made[0].id, made[1].id]
        assert sorted(first.identities[0].logins) == ["accounts.google.com", "graph.facebook.com"]
        rest = await identities.list_identities(CALLER, pool.id, 2, first.next_token)
        assert [i.id for i in rest.identities] == [made[2].id] and rest.next_token is None
        shown = await identities.list_identities(CALLER, pool.id, 10, None, hide_disabled=True)
        assert [i.id for i in shown.identities] == [made[0].id, made[1].id]
        described = await identities.describe(CALLER, made[0].id)
        assert described.logins == {
            "accounts.google.com": "subject-1",
            "graph.facebook.com": "subject-1",
        }
        elsewhere = f"eu-west-1:{uuid.uuid4()}"
        unprocessed = await identities.delete(CALLER, [made[0].id, made[0].id, elsewhere])
        assert unprocessed == [Unprocessed(elsewhere, "AccessDenied")]
        with pytest.raises(ResourceNotFoundException):
            await identities.describe(CALLER, made[0].id)
        async with store.read() as tx:
            # Its logins went with it: the subject can be linked again.
            assert (
                await tx.pool_identities.owner(pool.id, "graph.facebook.com", "subject-1") is None
            )
        with pytest.raises(ResourceNotFoundException):
            await identities.list_identities(CALLER, f"us-east-1:{uuid.uuid4()}", 5, None)

    asyncio.run(scenario())
