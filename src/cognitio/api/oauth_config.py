"""Resource servers, user pool domains and the hosted pages' branding on the wire (signed,
admin operations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException, ResourceNotFoundException
from cognitio.services.oauth.machine_tokens import GetClientToken
from cognitio.services.pools import branding, domains, resource_servers
from cognitio.services.pools.user_pools import load_pool

MAX_RESOURCE_SERVERS = 50  # a page when MaxResults is left out: the most the model allows


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
            tx, pool, params.get("MaxResults", MAX_RESOURCE_SERVERS), params.get("NextToken")
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


@operation(IDP, "SetUICustomization")
async def set_ui_customization(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.set_ui(tx, pool, params)
    view = branding.ui_view(pool, record, record.client_id, ctx.services.tokens.base_url)
    return {"UICustomization": view}


@operation(IDP, "GetUICustomization")
async def get_ui_customization(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.get_ui(tx, pool, params.get("ClientId"))
    view = branding.ui_view(pool, record, params.get("ClientId"), ctx.services.tokens.base_url)
    return {"UICustomization": view}


@operation(IDP, "CreateManagedLoginBranding")
async def create_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.create_branding(tx, pool, params)
    return {"ManagedLoginBranding": branding.branding_view(record)}


@operation(IDP, "DescribeManagedLoginBranding")
async def describe_managed_login_branding(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.find_branding(tx, pool, params["ManagedLoginBrandingId"])
    return {"ManagedLoginBranding": branding.branding_view(record)}


@operation(IDP, "DescribeManagedLoginBrandingByClient")
async def describe_managed_login_branding_by_client(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await tx.oauth.branding_of(pool.id, params["ClientId"])
    if record is None:
        raise ResourceNotFoundException(
            f"The app client {params['ClientId']} has no managed login branding."
        )
    return {"ManagedLoginBranding": branding.branding_view(record)}


@operation(IDP, "UpdateManagedLoginBranding")
async def update_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    # The model marks nothing required here, yet the style is named by these two.
    for member in ("UserPoolId", "ManagedLoginBrandingId"):
        if not params.get(member):
            raise InvalidParameterException(f"Missing required parameter {member}")
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.update_branding(tx, pool, params)
    return {"ManagedLoginBranding": branding.branding_view(record)}


@operation(IDP, "DeleteManagedLoginBranding")
async def delete_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        record = await branding.find_branding(tx, pool, params["ManagedLoginBrandingId"])
        await tx.oauth.delete_branding(pool.id, record.branding_id)
    return {}


@operation(IDP, "GetClientToken")
async def get_client_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = GetClientToken(
        client_id=params["ClientId"],
        secret=params["Secret"],
        scopes=tuple(params["Scopes"]) if params.get("Scopes") else None,
        metadata=dict(params.get("ClientMetadata") or {}),
    )
    tokens = await ctx.services.oauth.client_token(command)
    result = {
        "AccessToken": tokens.access_token,
        "ExpiresIn": tokens.expires_in,
        "TokenType": tokens.token_type,
    }
    return {"ClientAuthenticationResult": result}
