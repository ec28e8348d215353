"""The basic flow, developer identities and unlinking on the wire: GetOpenIdToken and
UnlinkIdentity (public, no signature); GetOpenIdTokenForDeveloperIdentity,
LookupDeveloperIdentity, MergeDeveloperIdentities and UnlinkDeveloperIdentity (signed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDENTITY, Context, operation


@operation(IDENTITY, "GetOpenIdToken")
async def get_open_id_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    result = await ctx.services.basic_flow.open_id_token(
        ctx.caller, params["IdentityId"], params.get("Logins") or {}
    )
    return {"IdentityId": result.identity_id, "Token": result.token}


@operation(IDENTITY, "GetOpenIdTokenForDeveloperIdentity")
async def get_open_id_token_for_developer_identity(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    result = await ctx.services.developer_identities.open_id_token(
        ctx.caller,
        params["IdentityPoolId"],
        params.get("IdentityId"),
        params["Logins"],
        params.get("PrincipalTags"),
        params.get("TokenDuration"),
    )
    return {"IdentityId": result.identity_id, "Token": result.token}


@operation(IDENTITY, "LookupDeveloperIdentity")
async def lookup_developer_identity(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    found = await ctx.services.developer_identities.lookup(
        ctx.caller,
        params["IdentityPoolId"],
        params.get("IdentityId"),
        params.get("DeveloperUserIdentifier"),
        params.get("MaxResults"),
        params.get("NextToken"),
    )
    result: dict[str, Any] = {
        "IdentityId": found.identity_id,
        "DeveloperUserIdentifierList": found.user_identifiers,
    }
    if found.next_token is not None:
        result["NextToken"] = found.next_token
    return result


@operation(IDENTITY, "MergeDeveloperIdentities")
async def merge_developer_identities(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    identity_id = await ctx.services.developer_identities.merge(
        ctx.caller,
        params["IdentityPoolId"],
        params["DeveloperProviderName"],
        params["SourceUserIdentifier"],
        params["DestinationUserIdentifier"],
    )
    return {"IdentityId": identity_id}


@operation(IDENTITY, "UnlinkDeveloperIdentity")
async def unlink_developer_identity(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.developer_identities.unlink(
        ctx.caller,
        params["IdentityPoolId"],
        params["IdentityId"],
        params["DeveloperProviderName"],
        params["DeveloperUserIdentifier"],
    )
    return {}


@operation(IDENTITY, "UnlinkIdentity")
async def unlink_identity(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.unlinking.unlink(
        ctx.caller, params["IdentityId"], params["Logins"], params["LoginsToRemove"]
    )
    return {}
