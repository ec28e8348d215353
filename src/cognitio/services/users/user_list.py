"""ListUsers: a pool's users, filtered through the search index, in stable pages.

A page token holds the keyset position (the last user's `sub`, and its matched value when
filtered), so any node continues a listing and users added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson

from cognitio.errors import InvalidParameterException
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.users.accounts import SignInCache, name_key
from cognitio.services.users.user_filter import parse
from cognitio.store.records import UserListing
from cognitio.store.repositories import Store

DEFAULT_LIMIT = 60


@dataclass(frozen=True, slots=True)
class ListUsers:
    """ListUsers: a page of a pool's users, optionally filtered (which attributes each shows is
    the answer's business, in api/)."""

    pool_id: str
    limit: int = DEFAULT_LIMIT
    filter: str | None = None
    pagination_token: str | None = None


@dataclass(frozen=True, slots=True)
class UserPage:
    """One page of users, and the token for the next (None on the last page)."""

    users: tuple[UserListing, ...]
    pagination_token: str | None


def _encode(position: list[str]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def _decode(token: str | None, size: int) -> list[str] | None:
    if not token:
        return None
    try:
        position = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        position = None
    if not isinstance(position, list) or len(position) != size:
        raise InvalidParameterException("The pagination token is not valid.")
    if not all(isinstance(item, str) for item in position):
        raise InvalidParameterException("The pagination token is not valid.")
    return position


class UserList:
    def __init__(self, store: Store, sign_in: SignInCache) -> None:
        self._store = store
        self._sign_in = sign_in

    async def list_users(self, caller: Caller, command: ListUsers) -> UserPage:
        limit = command.limit
        criterion = parse(command.filter)
        token = command.pagination_token
        pool_id = command.pool_id
        async with self._store.read() as tx:
            pool = await self._sign_in.rules(tx, caller, pool_id)
            if criterion is None:
                after = _decode(token, 1)
                users = await tx.users.page(pool.id, after[0] if after else None, limit + 1)
                shown = users[:limit]
                next_position = [shown[-1].sub] if shown and len(users) > limit else None
            else:
                value = criterion.value
                if criterion.name == "username":
                    value = name_key(pool, value)
                position = _decode(token, 2)
                found = await tx.users.search(
                    pool.id,
                    criterion.name,
                    value,
                    prefix=criterion.prefix,
                    after=(position[0], position[1]) if position else None,
                    limit=limit + 1,
                )
                shown = [user for _, user in found[:limit]]
                next_position = None
                if shown and len(found) > limit:
                    next_position = [found[limit - 1][0], shown[-1].sub]
            if not shown:
                await load_pool(tx, caller, pool_id)  # an empty page of a deleted pool
        return UserPage(tuple(shown), None if next_position is None else _encode(next_position))
