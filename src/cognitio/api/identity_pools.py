"""Identity pool operations on the wire (cognito-identity): requests to settings, records to
the IdentityPool shape; and the pools' tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDENTITY, Context, operation
from cognitio.services.identity.pool_settings import PoolSettings
from cognitio.store.records import IdentityPoolRecord


def _settings(params: dict[str, Any]) -> PoolSettings:
    return PoolSettings(
        name=params["IdentityPoolName"],
        allow_unauthenticated=params["AllowUnauthenticatedIdentities"],
        allow_classic_flow=params.get("AllowClassicFlow"),
        supported_login_providers=params.get("SupportedLoginProviders"),
        developer_provider_name=params.get("DeveloperProviderName"),
        open_id_connect_provider_arns=params.get("OpenIdConnectProviderARNs"),
        cognito_identity_providers=params.get("CognitoIdentityProviders"),
        saml_provider_arns=params.get("SamlProviderARNs"),
        tags=params.get("IdentityPoolTags"),
    )


def pool_shape(record: IdentityPoolRecord) -> dict[str, Any]:
    """The IdentityPool shape: AllowClassicFlow and DeveloperProviderName only when set."""
    shape: dict[str, Any] = {
        "IdentityPoolId": record.id,
        "IdentityPoolName": record.name,
        "AllowUnauthenticatedIdentities": record.allow_unauthenticated,
    }
    if record.allow_classic_flow is not None:
        shape["AllowClassicFlow"] = record.allow_classic_flow
    if record.developer_provider_name is not None:
        shape["DeveloperProviderName"] = record.developer_provider_name
    shape.update(record.providers)
    shape["IdentityPoolTags"] = dict(record.tags)
    return shape


@operation(IDENTITY, "CreateIdentityPool")
async def create_identity_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return pool_shape(await ctx.services.identity_pools.create(ctx.caller, _settings(params)))


@operation(IDENTITY, "DescribeIdentityPool")
async def describe_identity_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.identity_pools.describe(ctx.caller, params["IdentityPoolId"])
    return pool_shape(record)


@operation(IDENTITY, "UpdateIdentityPool")
async def update_identity_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    pools = ctx.services.identity_pools
    record = await pools.update(ctx.caller, params["IdentityPoolId"], _settings(params))
    return pool_shape(record)


@operation(IDENTITY, "DeleteIdentityPool")
async def delete_identity_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.identity_pools.delete(ctx.caller, params["IdentityPoolId"])
    return {}


@operation(IDENTITY, "ListIdentityPools")
async def list_identity_pools(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.identity_pools.list_pools(
        ctx.caller, params["MaxResults"], params.get("NextToken")
    )
    result: dict[str, Any] = {
        "IdentityPools": [
            {"IdentityPoolId": row.id, "IdentityPoolName": row.name} for row in page.pools
        ]
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


@operation(IDENTITY, "TagResource")
async def tag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.identity_pools.tag(ctx.caller, params["ResourceArn"], params["Tags"])
    return {}


@operation(IDENTITY, "UntagResource")
async def untag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.identity_pools.untag(ctx.caller, params["ResourceArn"], params["TagKeys"])
    return {}


@operation(IDENTITY, "ListTagsForResource")
async def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"Tags": await ctx.services.identity_pools.list_tags(ctx.caller, params["ResourceArn"])}
