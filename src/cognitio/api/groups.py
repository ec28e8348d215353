"""Groups on the wire: the group operations and memberships (all signed, admin operations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.api.user_shapes import user_type
from cognitio.services.common.pages import Page
from cognitio.services.users.groups import GroupSettings
from cognitio.store.records import GroupRecord


def _group(group: GroupRecord) -> dict[str, Any]:
    """A GroupType."""
    shape: dict[str, Any] = {
        "GroupName": group.name,
        "UserPoolId": group.pool_id,
        "CreationDate": group.created_ms / 1000,
        "LastModifiedDate": group.updated_ms / 1000,
    }
    if group.description is not None:
        shape["Description"] = group.description
    if group.role_arn is not None:
        shape["RoleArn"] = group.role_arn
    if group.precedence is not None:
        shape["Precedence"] = group.precedence
    return shape


def _groups(page: Page[GroupRecord]) -> dict[str, Any]:
    shape: dict[str, Any] = {"Groups": [_group(group) for group in page.items]}
    if page.next_token is not None:
        shape["NextToken"] = page.next_token
    return shape


def _settings(params: dict[str, Any]) -> GroupSettings:
    return GroupSettings(
        pool_id=params["UserPoolId"],
        name=params["GroupName"],
        description=params.get("Description"),
        role_arn=params.get("RoleArn"),
        precedence=params.get("Precedence"),
    )


@operation(IDP, "CreateGroup")
async def create_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"Group": _group(await ctx.services.groups.create(ctx.caller, _settings(params)))}


@operation(IDP, "GetGroup")
async def get_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    group = await ctx.services.groups.get(ctx.caller, params["UserPoolId"], params["GroupName"])
    return {"Group": _group(group)}


@operation(IDP, "UpdateGroup")
async def update_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"Group": _group(await ctx.services.groups.update(ctx.caller, _settings(params)))}


@operation(IDP, "DeleteGroup")
async def delete_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.groups.delete(ctx.caller, params["UserPoolId"], params["GroupName"])
    return {}


@operation(IDP, "ListGroups")
async def list_groups(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.groups.list_groups(
        ctx.caller, params["UserPoolId"], params.get("Limit"), params.get("NextToken")
    )
    return _groups(page)


@operation(IDP, "AdminAddUserToGroup")
async def admin_add_user_to_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.groups.add_user(
        ctx.caller, params["UserPoolId"], params["Username"], params["GroupName"]
    )
    return {}


@operation(IDP, "AdminRemoveUserFromGroup")
async def admin_remove_user_from_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.groups.remove_user(
        ctx.caller, params["UserPoolId"], params["Username"], params["GroupName"]
    )
    return {}


@operation(IDP, "AdminListGroupsForUser")
async def admin_list_groups_for_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.groups.groups_for_user(
        ctx.caller,
        params["UserPoolId"],
        params["Username"],
        params.get("Limit"),
        params.get("NextToken"),
    )
    return _groups(page)


@operation(IDP, "ListUsersInGroup")
async def list_users_in_group(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.groups.users_in_group(
        ctx.caller,
        params["UserPoolId"],
        params["GroupName"],
        params.get("Limit"),
        params.get("NextToken"),
    )
    shape: dict[str, Any] = {"Users": [user_type(user) for user in page.items]}
    if page.next_token is not None:
        shape["NextToken"] = page.next_token
    return shape
