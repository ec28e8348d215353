"""Whose account an operation acts on: the user an access token speaks for (their own
operations) or a user an admin names (the Admin* operations)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.tokens.access_tokens import current_user
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.users.accounts import require_user
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class ByToken:
    """The signed-in user of an access token."""

    access_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ByName:
    """A user an admin names in a pool."""

    caller: Caller
    pool_id: str
    username: str


Subject = ByToken | ByName


async def resolve(
    tx: Transaction, tokens: Tokens, subject: Subject
) -> tuple[UserPoolRecord, UserRecord]:
    """The user and their pool, or the error Cognito gives for a bad token or an unknown name."""
    if isinstance(subject, ByToken):
        user = await current_user(tx, tokens, subject.access_token)
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None  # the user's row proves its pool (foreign key)
        return pool, user
    pool = await load_pool(tx, subject.caller, subject.pool_id)
    return pool, await require_user(tx, pool, subject.username)
