"""GetId: the identity of a sign-in, or a new guest identity.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html: without Logins,
a new unauthenticated identity each call, only when the pool allows guests; with Logins, each
token is checked and the identity linked to those logins is returned, or a new one is made and
the logins linked to it. Which identity owns a subject is decided by the database (one identity
per provider subject), so two first sign-ins racing end on the same identity.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from cognitio.errors import NotAuthorizedException, ResourceConflictException
from cognitio.services.common import ids
from cognitio.services.identity.login_kinds import Login, LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import load_pool
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityLoginRecord, IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Store, Transaction

GUESTS_OFF = "Unauthenticated access is not supported for this identity pool."
_LINK_ATTEMPTS = 3  # a lost race is retried once the winner's identity can be read


class _LostRace(Exception):
    """Another request linked the same subject first; roll back and read its identity."""


def new_identity_id(region: str) -> str:
    return f"{region}:{uuid.uuid4()}"


async def insert_identity(tx: Transaction, pool: IdentityPoolRecord) -> IdentityRecord:
    """A new identity of ``pool`` without logins."""
    now = ids.now_ms()
    while True:
        record = IdentityRecord(new_identity_id(pool.region), pool.id, now, now)
        if await tx.pool_identities.insert(record):
            return record


async def link(tx: Transaction, identity_id: str, pool_id: str, login: Login) -> bool:
    """Link ``login`` to the identity; False when the database refuses (taken already)."""
    record = IdentityLoginRecord(identity_id, pool_id, login.provider, login.subject, ids.now_ms())
    return await tx.pool_identities.add_login(record)


class IdentityIds:
    """GetId."""

    def __init__(self, store: Store, tokens: Tokens, login_services: LoginServices) -> None:
        self._store = store
        self._tokens = tokens
        self._login_services = login_services

    async def get_id(self, caller: Caller, pool_id: str, logins: Mapping[str, str]) -> str:
        for _ in range(_LINK_ATTEMPTS):
            try:
                async with self._store.write() as tx:
                    pool = await load_pool(tx, caller, pool_id)
                    if not logins:
                        if not pool.allow_unauthenticated:
                            raise NotAuthorizedException(GUESTS_OFF)
                        return (await insert_identity(tx, pool)).id
                    context = LoginContext(tx, self._tokens, pool, self._login_services)
                    checked = await check_logins(context, logins)
                    return await self._identity_of(tx, pool, checked)
            except _LostRace:
                continue
        raise ResourceConflictException("The logins are being linked by another request.")

    async def _identity_of(
        self, tx: Transaction, pool: IdentityPoolRecord, logins: Sequence[Login]
    ) -> str:
        owners = [
            (login, await tx.pool_identities.owner(pool.id, login.provider, login.subject))
            for login in logins
        ]
        found = {owner for _, owner in owners if owner is not None}
        if len(found) > 1:
            raise ResourceConflictException(
                "The logins belong to different identities; merging identities is not supported."
            )
        identity_id = found.pop() if found else (await insert_identity(tx, pool)).id
        for login, owner in owners:
            if owner is None and not await link(tx, identity_id, pool.id, login):
                existing = await tx.pool_identities.get(identity_id)
                if existing is not None and login.provider in existing.logins:
                    raise ResourceConflictException(
                        f"The identity already has a login of {login.provider}."
                    )
                raise _LostRace
        return identity_id
