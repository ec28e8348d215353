"""User pool operations on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException


@operation(IDP, "CreateUserPool")
async def create_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"UserPool": await ctx.services.pools.create(ctx.caller, params)}


@operation(IDP, "DescribeUserPool")
async def describe_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"UserPool": await ctx.services.pools.describe(ctx.caller, params["UserPoolId"])}


@operation(IDP, "UpdateUserPool")
async def update_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.update(ctx.caller, params)
    return {}


@operation(IDP, "DeleteUserPool")
async def delete_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.delete(ctx.caller, params["UserPoolId"])
    return {}


@operation(IDP, "ListUserPools")
async def list_user_pools(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.pools.list_pools(
        ctx.caller, params["MaxResults"], params.get("NextToken")
    )


@operation(IDP, "AddCustomAttributes")
async def add_custom_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    # The model leaves Name optional in SchemaAttributeType, but an attribute needs one.
    if not all(item.get("Name") for item in params["CustomAttributes"]):
        raise InvalidParameterException("Every custom attribute needs a Name.")
    await ctx.services.pools.add_custom_attributes(
        ctx.caller, params["UserPoolId"], params["CustomAttributes"]
    )
    return {}


@operation(IDP, "GetCSVHeader")
async def get_csv_header(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.pools.csv_header(ctx.caller, params["UserPoolId"])


@operation(IDP, "GetUserPoolMfaConfig")
async def get_user_pool_mfa_config(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.pools.get_mfa_config(ctx.caller, params["UserPoolId"])


@operation(IDP, "SetUserPoolMfaConfig")
async def set_user_pool_mfa_config(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.pools.set_mfa_config(ctx.caller, params)
