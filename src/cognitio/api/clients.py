"""App client operations on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation

# ListUserPoolClients' page size when MaxResults is left out.
_DEFAULT_PAGE = 60


@operation(IDP, "CreateUserPoolClient")
async def create_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"UserPoolClient": await ctx.services.clients.create(ctx.caller, params)}


@operation(IDP, "DescribeUserPoolClient")
async def describe_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    client = await ctx.services.clients.describe(
        ctx.caller, params["UserPoolId"], params["ClientId"]
    )
    return {"UserPoolClient": client}


@operation(IDP, "UpdateUserPoolClient")
async def update_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"UserPoolClient": await ctx.services.clients.update(ctx.caller, params)}


@operation(IDP, "DeleteUserPoolClient")
async def delete_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.clients.delete(ctx.caller, params["UserPoolId"], params["ClientId"])
    return {}


@operation(IDP, "ListUserPoolClients")
async def list_user_pool_clients(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.clients.list_clients(
        ctx.caller,
        params["UserPoolId"],
        params.get("MaxResults", _DEFAULT_PAGE),
        params.get("NextToken"),
    )
