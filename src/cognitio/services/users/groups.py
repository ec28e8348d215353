"""User pool groups.

From the developer guide's "Adding groups to a user pool" and the group operations' references:
group names are unique in a pool (and case-sensitive); a group may carry an IAM role and a
precedence. The claims groups put in tokens are :mod:`cognitio.services.tokens.claims`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cognitio.errors import GroupExistsException, ResourceNotFoundException
from cognitio.services.common import ids, pagination
from cognitio.services.users.accounts import user_view
from cognitio.store.records import GroupRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

DEFAULT_LIMIT = 60  # the largest Limit the listing operations take


def view(group: GroupRecord) -> dict[str, Any]:
    """A GroupType."""
    result: dict[str, Any] = {
        "GroupName": group.name,
        "UserPoolId": group.pool_id,
        "CreationDate": group.created_ms / 1000,
        "LastModifiedDate": group.updated_ms / 1000,
    }
    if group.description is not None:
        result["Description"] = group.description
    if group.role_arn is not None:
        result["RoleArn"] = group.role_arn
    if group.precedence is not None:
        result["Precedence"] = group.precedence
    return result


async def find(tx: Transaction, pool: UserPoolRecord, name: str) -> GroupRecord:
    group = await tx.groups.get(pool.id, name)
    if group is None:
        raise ResourceNotFoundException("Group not found.")
    return group


async def create(tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]) -> GroupRecord:
    """CreateGroup."""
    now = ids.now_ms()
    group = GroupRecord(
        pool_id=pool.id,
        name=params["GroupName"],
        description=params.get("Description"),
        role_arn=params.get("RoleArn"),
        precedence=params.get("Precedence"),
        created_ms=now,
        updated_ms=now,
    )
    if not await tx.groups.insert(group):
        raise GroupExistsException(f"A group with the name {group.name} already exists.")
    return group


async def update(tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]) -> GroupRecord:
    """UpdateGroup: the properties given change; the others stay."""
    group = await find(tx, pool, params["GroupName"])
    changed = replace(
        group,
        description=params.get("Description", group.description),
        role_arn=params.get("RoleArn", group.role_arn),
        precedence=params.get("Precedence", group.precedence),
        updated_ms=ids.now_ms(),
    )
    await tx.groups.update(changed)
    return changed


async def delete(tx: Transaction, pool: UserPoolRecord, name: str) -> None:
    """DeleteGroup: its memberships go with it."""
    if not await tx.groups.delete(pool.id, name):
        raise ResourceNotFoundException("Group not found.")


def _after(token: str | None) -> str | None:
    cursor = pagination.decode(token)
    return None if cursor is None else cursor[1]


def _page(
    items: list[Any], limit: int | None, key: str, member: str, last_key: str
) -> dict[str, Any]:
    size = limit or DEFAULT_LIMIT
    shown = items[:size]
    result: dict[str, Any] = {member: shown}
    if len(items) > size:
        result[key] = pagination.encode((0, last_key))
    return result


async def list_groups(
    tx: Transaction, pool: UserPoolRecord, limit: int | None, token: str | None
) -> dict[str, Any]:
    """ListGroups: the pool's groups by name."""
    size = limit or DEFAULT_LIMIT
    rows = await tx.groups.page(pool.id, _after(token), size + 1)
    last = rows[min(size, len(rows)) - 1].name if rows else ""
    return _page([view(g) for g in rows], limit, "NextToken", "Groups", last)


async def groups_for_user(
    tx: Transaction, user: UserRecord, limit: int | None, token: str | None
) -> dict[str, Any]:
    """AdminListGroupsForUser."""
    size = limit or DEFAULT_LIMIT
    rows = await tx.groups.of_user_page(user.sub, _after(token), size + 1)
    last = rows[min(size, len(rows)) - 1].name if rows else ""
    return _page([view(g) for g in rows], limit, "NextToken", "Groups", last)


async def users_in_group(
    tx: Transaction, pool: UserPoolRecord, name: str, limit: int | None, token: str | None
) -> dict[str, Any]:
    """ListUsersInGroup: the members as UserType, by sub."""
    await find(tx, pool, name)
    size = limit or DEFAULT_LIMIT
    rows = await tx.groups.members(pool.id, name, _after(token), size + 1)
    last = rows[min(size, len(rows)) - 1].sub if rows else ""
    return _page([user_view(u) for u in rows], limit, "NextToken", "Users", last)


async def add_user(tx: Transaction, pool: UserPoolRecord, user: UserRecord, name: str) -> None:
    """AdminAddUserToGroup: idempotent."""
    await find(tx, pool, name)
    await tx.groups.add_member(pool.id, name, user.sub)


async def remove_user(tx: Transaction, pool: UserPoolRecord, user: UserRecord, name: str) -> None:
    """AdminRemoveUserFromGroup: idempotent once the group exists."""
    await find(tx, pool, name)
    await tx.groups.remove_member(pool.id, name, user.sub)
