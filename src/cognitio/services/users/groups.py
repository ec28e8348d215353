"""User pool groups.

From the developer guide's "Adding groups to a user pool" and the group operations' references:
group names are unique in a pool (and case-sensitive); a group may carry an IAM role and a
precedence. The claims groups put in tokens are :mod:`cognitio.services.tokens.claims`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from cognitio.errors import GroupExistsException, ResourceNotFoundException
from cognitio.services.common import ids, pagination
from cognitio.services.common.pages import Page
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.users.accounts import require_user
from cognitio.store.records import GroupRecord, UserListing, UserPoolRecord
from cognitio.store.repositories import Store, Transaction

DEFAULT_LIMIT = 60  # the largest Limit the listing operations take
Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """CreateGroup's and UpdateGroup's input; on update, None leaves a property as it is."""

    pool_id: str
    name: str
    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None


async def find(tx: Transaction, pool: UserPoolRecord, name: str) -> GroupRecord:
    group = await tx.groups.get(pool.id, name)
    if group is None:
        raise ResourceNotFoundException("Group not found.")
    return group


def _after(token: str | None) -> str | None:
    cursor = pagination.decode(token)
    return None if cursor is None else cursor[1]


def _size(limit: int | None) -> int:
    return limit or DEFAULT_LIMIT


def _page(rows: list[GroupRecord], size: int) -> Page[GroupRecord]:
    if len(rows) > size:
        return Page(tuple(rows[:size]), pagination.encode((0, rows[size - 1].name)))
    return Page(tuple(rows))


class Groups:
    """The group operations and memberships of a pool."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(self, caller: Caller, settings: GroupSettings) -> GroupRecord:
        """CreateGroup."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id)
            now = ids.now_ms()
            group = GroupRecord(
                pool_id=pool.id,
                name=settings.name,
                description=settings.description,
                role_arn=settings.role_arn,
                precedence=settings.precedence,
                created_ms=now,
                updated_ms=now,
            )
            if not await tx.groups.insert(group):
                raise GroupExistsException(f"A group with the name {group.name} already exists.")
        return group

    async def get(self, caller: Caller, pool_id: str, name: str) -> GroupRecord:
        """GetGroup."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            return await find(tx, pool, name)

    async def update(self, caller: Caller, settings: GroupSettings) -> GroupRecord:
        """UpdateGroup: the properties given change; the others stay."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id)
            group = await find(tx, pool, settings.name)
            changed = replace(
                group,
                description=_given(settings.description, group.description),
                role_arn=_given(settings.role_arn, group.role_arn),
                precedence=_given(settings.precedence, group.precedence),
                updated_ms=ids.now_ms(),
            )
            await tx.groups.update(changed)
        return changed

    async def delete(self, caller: Caller, pool_id: str, name: str) -> None:
        """DeleteGroup: its memberships go with it."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if not await tx.groups.delete(pool.id, name):
                raise ResourceNotFoundException("Group not found.")

    async def list_groups(
        self, caller: Caller, pool_id: str, limit: int | None, token: str | None
    ) -> Page[GroupRecord]:
        """ListGroups: the pool's groups by name."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            rows = await tx.groups.page(pool.id, _after(token), _size(limit) + 1)
        return _page(rows, _size(limit))

    async def groups_for_user(
        self, caller: Caller, pool_id: str, username: str, limit: int | None, token: str | None
    ) -> Page[GroupRecord]:
        """AdminListGroupsForUser."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username)
            rows = await tx.groups.of_user_page(user.sub, _after(token), _size(limit) + 1)
        return _page(rows, _size(limit))

    async def users_in_group(
        self, caller: Caller, pool_id: str, name: str, limit: int | None, token: str | None
    ) -> Page[UserListing]:
        """ListUsersInGroup: the members, by sub."""
        size = _size(limit)
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            await find(tx, pool, name)
            rows = await tx.groups.members(pool.id, name, _after(token), size + 1)
        if len(rows) > size:
            return Page(tuple(rows[:size]), pagination.encode((0, rows[size - 1].sub)))
        return Page(tuple(rows))

    async def add_user(self, caller: Caller, pool_id: str, username: str, name: str) -> None:
        """AdminAddUserToGroup: idempotent."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username)
            await find(tx, pool, name)
            await tx.groups.add_member(pool.id, name, user.sub)

    async def remove_user(self, caller: Caller, pool_id: str, username: str, name: str) -> None:
        """AdminRemoveUserFromGroup: idempotent once the group exists."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username)
            await find(tx, pool, name)
            await tx.groups.remove_member(pool.id, name, user.sub)


def _given(value: Item | None, current: Item | None) -> Item | None:
    return current if value is None else value
