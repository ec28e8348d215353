"""Identity pools: create, describe, update, delete, list, and their tags.

Behaviour follows the Amazon Cognito Identity API reference
(https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/): an update replaces every
setting (what it leaves out returns to its default), AllowClassicFlow never given stays unset,
DeveloperProviderName cannot change once set, and an account holds at most 1,000 pools per
region.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from cognitio.errors import (
    ConcurrentModificationException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.identity.iam_providers import IamProviders
from cognitio.services.identity.lookup import load_pool
from cognitio.services.identity.pool_settings import PoolSettings, providers_document
from cognitio.services.pools.user_pools import Caller
from cognitio.services.sts.revocations import RevocationKind, now_ms, revoke_in
from cognitio.store.records import IdentityPoolRecord, IdentityPoolSummary
from cognitio.store.repositories import Store

MAX_POOLS = 1_000  # per account and region, Cognito's quota
MAX_TAGS = 50
# Read-modify-write attempts before a concurrent writer wins outright.
_UPDATE_ATTEMPTS = 5

PoolChange = Callable[[IdentityPoolRecord], IdentityPoolRecord]


@dataclass(frozen=True, slots=True)
class PoolPage:
    """A page of ListIdentityPools."""

    pools: Sequence[IdentityPoolSummary]
    next_token: str | None


def new_pool_id(region: str) -> str:
    """``{region}:{uuid4}``, lower-case, as Cognito names identity pools."""
    return f"{region}:{uuid.uuid4()}"


def check_tags(tags: Mapping[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise InvalidParameterException(f"An identity pool can have at most {MAX_TAGS} tags.")


class IdentityPools:
    """The identity pool operations."""

    def __init__(self, store: Store, declared: IamProviders | None = None) -> None:
        self._store = store
        # The [iam] table's OIDC and SAML providers, the only ones a pool may name.
        self.declared = declared or IamProviders.none()

    async def create(self, caller: Caller, settings: PoolSettings) -> IdentityPoolRecord:
        tags = dict(settings.tags or {})
        check_tags(tags)
        now = ids.now_ms()
        record = IdentityPoolRecord(
            id=new_pool_id(caller.region),
            region=caller.region,
            name=settings.name,
            allow_unauthenticated=settings.allow_unauthenticated,
            allow_classic_flow=settings.allow_classic_flow,
            developer_provider_name=settings.developer_provider_name,
            providers=providers_document(settings, self.declared),
            tags=tags,
            roles={},
            role_mappings={},
            principal_tags={},
            created_ms=now,
            updated_ms=now,
            version=1,
        )
        async with self._store.write() as tx:
            if await tx.identity_pools.count(caller.region) >= MAX_POOLS:
                raise LimitExceededException(
                    f"The maximum number of identity pools ({MAX_POOLS}) has been reached."
                )
            while not await tx.identity_pools.insert(record):
                record = replace(record, id=new_pool_id(caller.region))
        return record

    async def describe(self, caller: Caller, pool_id: str) -> IdentityPoolRecord:
        async with self._store.read() as tx:
            return await load_pool(tx, caller, pool_id)

    async def update(
        self, caller: Caller, pool_id: str, settings: PoolSettings
    ) -> IdentityPoolRecord:
        providers = providers_document(settings, self.declared)
        if settings.tags is not None:
            check_tags(settings.tags)

        def change(record: IdentityPoolRecord) -> IdentityPoolRecord:
            developer = record.developer_provider_name
            if developer is not None and settings.developer_provider_name not in (None, developer):
                raise InvalidParameterException(
                    "DeveloperProviderName cannot be changed once it has been set."
                )
            return replace(
                record,
                name=settings.name,
                allow_unauthenticated=settings.allow_unauthenticated,
                allow_classic_flow=settings.allow_classic_flow,
                developer_provider_name=developer or settings.developer_provider_name,
                providers=providers,
                tags=record.tags if settings.tags is None else dict(settings.tags),
            )

        return await self.modify(caller, pool_id, change)

    async def delete(self, caller: Caller, pool_id: str) -> None:
        async with self._store.write() as tx:
            await load_pool(tx, caller, pool_id)
            await tx.identity_pools.delete(pool_id)
            # Its credentials in flight stop too (a pool id is never reused: a new uuid4).
            await revoke_in(tx, RevocationKind.IDENTITY_POOL, pool_id, now_ms())

    async def list_pools(
        self, caller: Caller, max_results: int, next_token: str | None
    ) -> PoolPage:
        after = pagination.decode(next_token)
        async with self._store.read() as tx:
            # One extra row tells whether another page exists.
            rows = await tx.identity_pools.list(caller.region, after, max_results + 1)
        shown, token = pagination.page(rows, max_results)
        return PoolPage(shown, token)

    async def list_tags(self, caller: Caller, arn: str) -> dict[str, str]:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, self._pool_id_from_arn(caller, arn))
        return dict(record.tags)

    async def tag(self, caller: Caller, arn: str, tags: Mapping[str, str]) -> None:
        def change(record: IdentityPoolRecord) -> IdentityPoolRecord:
            merged = {**record.tags, **tags}
            check_tags(merged)
            return replace(record, tags=merged)

        await self.modify(caller, self._pool_id_from_arn(caller, arn), change)

    async def untag(self, caller: Caller, arn: str, keys: Sequence[str]) -> None:
        def change(record: IdentityPoolRecord) -> IdentityPoolRecord:
            return replace(record, tags={k: v for k, v in record.tags.items() if k not in keys})

        await self.modify(caller, self._pool_id_from_arn(caller, arn), change)

    def _pool_id_from_arn(self, caller: Caller, arn: str) -> str:
        prefix = f"arn:aws:cognito-identity:{caller.region}:{caller.account_id}:identitypool/"
        if not arn.startswith(prefix) or "/" in arn[len(prefix) :]:
            raise ResourceNotFoundException(f"Resource {arn[:2048]} does not exist.")
        return arn[len(prefix) :]

    async def modify(self, caller: Caller, pool_id: str, change: PoolChange) -> IdentityPoolRecord:
        """Apply ``change`` to the stored pool, retrying when another writer got there first."""
        for _ in range(_UPDATE_ATTEMPTS):
            async with self._store.write() as tx:
                record = await load_pool(tx, caller, pool_id, for_update=True)
                updated = replace(
                    change(record), updated_ms=ids.now_ms(), version=record.version + 1
                )
                if await tx.identity_pools.update(updated):
                    return updated
        raise ConcurrentModificationException(
            f"IdentityPool '{pool_id}' is being modified by another request; try again."
        )
