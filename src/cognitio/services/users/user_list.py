"""ListUsers: a pool's users, filtered through the search index, in stable pages.

A page token holds the keyset position (the last user's `sub`, and its matched value when
filtered), so any node continues a listing and users added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from cognitio.errors import InvalidParameterException
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.users.accounts import SignInCache, name_key, user_view
from cognitio.services.users.user_filter import parse
from cognitio.store.repositories import Store

DEFAULT_LIMIT = 60


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

    async def list_users(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", DEFAULT_LIMIT)
        wanted = params.get("AttributesToGet")
        criterion = parse(params.get("Filter"))
        token = params.get("PaginationToken")
        pool_id = params["UserPoolId"]
        async with self._store.read() as tx:
            pool = await self._sign_in.rules(tx, caller, pool_id)
            if criterion is None:
                after = _decode(token, 1)
                users = await tx.users.page(pool.id, after[0] if after else None, limit + 1)
                shown = users[:limit]
                next_position = [shown[-1].sub] if len(users) > limit else None
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
                if len(found) > limit:
                    next_position = [found[limit - 1][0], shown[-1].sub]
            if not shown:
                await load_pool(tx, caller, pool_id)  # an empty page of a deleted pool
        result: dict[str, Any] = {
            "Users": [user_view(user, attributes_to_get=wanted) for user in shown]
        }
        if next_position is not None:
            result["PaginationToken"] = _encode(next_position)
        return result
