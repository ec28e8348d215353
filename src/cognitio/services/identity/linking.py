"""Linking logins to identities, and merging identities whose logins meet in one call.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html and the
Developer Guide's "Identity pools authentication flow": supplying several logins creates an
implicit link; a login already linked to another identity merges the two, one identity
becoming the owner of all logins and the others disabled, and the owner's id is answered
(clients must update what they cached, "Switching unauthenticated users to authenticated
users"). AWS does not say which identity survives; Cognitio keeps the oldest identity that
already has a login or developer user, so a guest merged into a signed-in user takes that
user's identity, and among signed-in identities the first one made wins.

Invariants, kept by the database: one login per provider per identity (two different users of
one provider on an identity is ResourceConflictException), one identity per provider subject
and per developer user identifier. A call that links or merges holds its identity pool's row
(on PostgreSQL) and reads the owners again, so merges crossing each other take turns; a call
that finds everything linked already writes nothing and holds nothing. A link lost to a
concurrent request rolls back and retries on what that request wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from cognitio.errors import NotAuthorizedException, ResourceConflictException
from cognitio.services.common import ids
from cognitio.services.identity.login_kinds import Login
from cognitio.services.sts.revocations import RevocationKind, revoke_in
from cognitio.store.records import (
    DeveloperUserRecord,
    IdentityLoginRecord,
    IdentityPoolRecord,
    IdentityRecord,
)
from cognitio.store.repositories import Store, Transaction

LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or "
    "identity pool."
)
_ATTEMPTS = 4  # a lost race is retried once the winner's writes can be read
_BUSY = "The logins are being linked by another request."

T = TypeVar("T")


class LostRace(Exception):
    """Another request linked the same subject first; roll back and read its identity."""


@dataclass(frozen=True, slots=True)
class DeveloperUser:
    """A developer user identifier to link, under the pool's developer provider name."""

    provider: str
    identifier: str


def new_identity_id(region: str) -> str:
    return f"{region}:{uuid.uuid4()}"


async def insert_identity(tx: Transaction, pool: IdentityPoolRecord) -> IdentityRecord:
    """A new identity of ``pool`` without logins."""
    now = ids.now_ms()
    while True:
        record = IdentityRecord(new_identity_id(pool.region), pool.id, now, now)
        if await tx.pool_identities.insert(record):
            return record


async def retrying(store: Store, work: Callable[[Transaction], Awaitable[T]]) -> T:
    """Run ``work`` in a write transaction, again when it lost a race to another request."""
    for _ in range(_ATTEMPTS):
        try:
            async with store.write() as tx:
                return await work(tx)
        except LostRace:
            continue
    raise ResourceConflictException(_BUSY)


async def link_logins(
    tx: Transaction,
    pool: IdentityPoolRecord,
    logins: Sequence[Login],
    *,
    named: IdentityRecord | None = None,
    developer: DeveloperUser | None = None,
    must_know: bool = False,
) -> IdentityRecord:
    """The identity the logins (and developer user) belong to once linked and merged.

    ``named`` is the identity the caller gave; with ``must_know`` (the public operations) a
    signed-in ``named`` identity must be shown one of its own logins.
    """
    owners = await _owners(tx, pool, logins, developer)
    _check_known(named, owners, must_know=must_know)
    involved = _involved(owners, named)
    unlinked = None in owners[0] or (developer is not None and owners[1] is None)
    if len(involved) == 1 and not unlinked:
        return await _load(tx, involved.pop())  # nothing to link or merge: no lock
    # Linking and merging in a pool take turns (PostgreSQL: the pool's row; SQLite's writers
    # take turns anyway), so logins moved by a merge are never linked or merged at once.
    await tx.identity_pools.get(pool.id, for_update=True)
    owners = await _owners(tx, pool, logins, developer)
    _check_known(named, owners, must_know=must_know)
    involved = _involved(owners, named)
    records = [await _load(tx, identity_id) for identity_id in sorted(involved)]
    if any(record.disabled for record in records):  # merged away since the caller looked
        raise LostRace
    survivor = _survivor(records) or await insert_identity(tx, pool)
    losers = [record for record in records if record.id != survivor.id]
    _check_one_login_per_provider(survivor, losers, logins)
    now = ids.now_ms()
    for loser in losers:
        await _merge(tx, loser.id, survivor.id, now)
    for login, owner in zip(logins, owners[0], strict=True):
        if owner is None and not await _link(tx, survivor.id, pool.id, login):
            raise LostRace
    if developer is not None and owners[1] is None:
        record = DeveloperUserRecord(
            pool.id, developer.identifier, survivor.id, developer.provider, now
        )
        if not await tx.pool_identities.add_developer_user(record):
            raise LostRace
    return await _load(tx, survivor.id)


async def merge_identities(
    tx: Transaction, pool: IdentityPoolRecord, source: IdentityRecord, target: IdentityRecord
) -> None:
    """Give ``source``'s logins and developer users to ``target`` and disable ``source``."""
    await tx.identity_pools.get(pool.id, for_update=True)
    source, target = await _load(tx, source.id), await _load(tx, target.id)
    if source.disabled or target.disabled:
        raise LostRace
    _check_one_login_per_provider(target, [source], [])
    await _merge(tx, source.id, target.id, ids.now_ms())


async def _merge(tx: Transaction, source_id: str, target_id: str, now: int) -> None:
    """``source_id`` merged into ``target_id``; what was issued to the source (credentials, its
    OpenID tokens) stops working with it, as a disabled identity gets nothing more."""
    await tx.pool_identities.merge_into(source_id, target_id, now)
    await revoke_in(tx, RevocationKind.IDENTITY, source_id, now)


def _check_known(
    named: IdentityRecord | None,
    owners: tuple[list[str | None], str | None],
    *,
    must_know: bool,
) -> None:
    """A signed-in identity named by a public call must be shown one of its own logins."""
    if named is not None and must_know and named.authenticated and named.id not in owners[0]:
        raise NotAuthorizedException(LOGINS_DONT_MATCH)


def _involved(
    owners: tuple[list[str | None], str | None], named: IdentityRecord | None
) -> set[str]:
    involved = {owner for owner in (*owners[0], owners[1]) if owner is not None}
    if named is not None:
        involved.add(named.id)
    return involved


async def _owners(
    tx: Transaction,
    pool: IdentityPoolRecord,
    logins: Sequence[Login],
    developer: DeveloperUser | None,
) -> tuple[list[str | None], str | None]:
    found = [
        await tx.pool_identities.owner(pool.id, login.provider, login.subject) for login in logins
    ]
    owner = None
    if developer is not None:
        owner = await tx.pool_identities.developer_owner(pool.id, developer.identifier)
    return found, owner


async def _load(tx: Transaction, identity_id: str) -> IdentityRecord:
    record = await tx.pool_identities.get(identity_id)
    if record is None:  # deleted by a concurrent DeleteIdentities
        raise LostRace
    return record


def _survivor(records: Sequence[IdentityRecord]) -> IdentityRecord | None:
    """The oldest identity with a login or developer user, else the only guest given."""
    signed_in = [record for record in records if record.authenticated]
    pool = signed_in or list(records)
    return min(pool, key=lambda record: (record.created_ms, record.id)) if pool else None


def _check_one_login_per_provider(
    survivor: IdentityRecord, losers: Sequence[IdentityRecord], logins: Sequence[Login]
) -> None:
    """ResourceConflictException when the merged identity would hold two users of one
    provider."""
    held = dict(survivor.logins)
    incoming = [(p, s) for loser in losers for p, s in loser.logins.items()]
    incoming += [(login.provider, login.subject) for login in logins]
    for provider, subject in incoming:
        if held.setdefault(provider, subject) != subject:
            raise ResourceConflictException(
                f"An identity can hold one login of {provider}; these logins are two "
                "different users of it."
            )


async def _link(tx: Transaction, identity_id: str, pool_id: str, login: Login) -> bool:
    record = IdentityLoginRecord(identity_id, pool_id, login.provider, login.subject, ids.now_ms())
    return await tx.pool_identities.add_login(record)
