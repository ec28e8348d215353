"""Groups on the wire: the group operations and memberships (all signed, admin operations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.pools.user_pools import load_pool
from cognitio.services.users import groups
from cognitio.services.users.accounts import require_user


@operation(IDP, "CreateGroup")
async def create_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        group = await groups.create(tx, pool, params)
    return {"Group": groups.view(group)}


@operation(IDP, "GetGroup")
async def get_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        group = await groups.find(tx, pool, params["GroupName"])
    return {"Group": groups.view(group)}


@operation(IDP, "UpdateGroup")
async def update_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        group = await groups.update(tx, pool, params)
    return {"Group": groups.view(group)}


@operation(IDP, "DeleteGroup")
async def delete_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        await groups.delete(tx, pool, params["GroupName"])
    return {}


@operation(IDP, "ListGroups")
async def list_groups(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        return await groups.list_groups(tx, pool, params.get("Limit"), params.get("NextToken"))


@operation(IDP, "AdminAddUserToGroup")
async def admin_add_user_to_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        await groups.add_user(tx, pool, user, params["GroupName"])
    return {}


@operation(IDP, "AdminRemoveUserFromGroup")
async def admin_remove_user_from_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        await groups.remove_user(tx, pool, user, params["GroupName"])
    return {}


@operation(IDP, "AdminListGroupsForUser")
async def admin_list_groups_for_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        return await groups.groups_for_user(tx, user, params.get("Limit"), params.get("NextToken"))


@operation(IDP, "ListUsersInGroup")
async def list_users_in_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        return await groups.users_in_group(
            tx, pool, params["GroupName"], params.get("Limit"), params.get("NextToken")
        )
