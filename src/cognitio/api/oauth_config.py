"""Resource servers and user pool domains on the wire (signed, admin operations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services import domains, resource_servers
from cognitio.services.user_pools import load_pool


@operation(IDP, "CreateResourceServer")
async def create_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"], for_update=True)
        server = await resource_servers.create(tx, pool, params)
    return {"ResourceServer": resource_servers.view(server)}


@operation(IDP, "DescribeResourceServer")
async def describe_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        server = await resource_servers.find(tx, pool, params["Identifier"])
    return {"ResourceServer": resource_servers.view(server)}


@operation(IDP, "UpdateResourceServer")
async def update_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        server = await resource_servers.update(tx, pool, params)
    return {"ResourceServer": resource_servers.view(server)}


@operation(IDP, "DeleteResourceServer")
async def delete_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        await resource_servers.delete(tx, pool, params["Identifier"])
    return {}


@operation(IDP, "ListResourceServers")
async def list_resource_servers(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        return await resource_servers.listing(
            tx, pool, params["MaxResults"], params.get("NextToken")
        )


@operation(IDP, "CreateUserPoolDomain")
async def create_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"], for_update=True)
        return await domains.create(tx, pool, params)


@operation(IDP, "DescribeUserPoolDomain")
async def describe_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        return await domains.describe(tx, params["Domain"], ctx.caller.account_id)


@operation(IDP, "UpdateUserPoolDomain")
async def update_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        return await domains.update(tx, pool, params)


@operation(IDP, "DeleteUserPoolDomain")
async def delete_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        await domains.delete(tx, pool, params["Domain"])
    return {}
