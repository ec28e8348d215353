"""An identity pool's roles, role mappings and principal tag maps on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDENTITY, Context, operation
from cognitio.services.identity.principal_tags import TagMap


@operation(IDENTITY, "SetIdentityPoolRoles")
async def set_identity_pool_roles(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.identity_pool_roles.set_roles(
        ctx.caller, params["IdentityPoolId"], params["Roles"], params.get("RoleMappings")
    )
    return {}


@operation(IDENTITY, "GetIdentityPoolRoles")
async def get_identity_pool_roles(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    roles = await ctx.services.identity_pool_roles.get_roles(ctx.caller, params["IdentityPoolId"])
    result: dict[str, Any] = {"IdentityPoolId": roles.pool_id, "Roles": dict(roles.roles)}
    if roles.role_mappings:
        result["RoleMappings"] = roles.role_mappings
    return result


def _tag_map_shape(tag_map: TagMap) -> dict[str, Any]:
    return {
        "IdentityPoolId": tag_map.pool_id,
        "IdentityProviderName": tag_map.provider_name,
        "UseDefaults": tag_map.use_defaults,
        "PrincipalTags": dict(tag_map.principal_tags),
    }


@operation(IDENTITY, "SetPrincipalTagAttributeMap")
async def set_principal_tag_attribute_map(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    tag_map = await ctx.services.principal_tags.set_map(
        ctx.caller,
        params["IdentityPoolId"],
        params["IdentityProviderName"],
        params.get("UseDefaults") is True,
        params.get("PrincipalTags"),
    )
    return _tag_map_shape(tag_map)


@operation(IDENTITY, "GetPrincipalTagAttributeMap")
async def get_principal_tag_attribute_map(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    tag_map = await ctx.services.principal_tags.get_map(
        ctx.caller, params["IdentityPoolId"], params["IdentityProviderName"]
    )
    return _tag_map_shape(tag_map)
