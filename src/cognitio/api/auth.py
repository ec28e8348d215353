"""Sign-in and token operations on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.clients.read_attributes import readable
from cognitio.services.mfa.mfa import view as mfa_view
from cognitio.services.pools.user_pools import load_pool
from cognitio.services.signin.refresh import tokens_from_refresh_token
from cognitio.services.tokens.access_tokens import signed_in
from cognitio.services.users.accounts import require_user


@operation(IDP, "InitiateAuth")
async def initiate_auth(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.auth.initiate(params, admin=False)


@operation(IDP, "AdminInitiateAuth")
async def admin_initiate_auth(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        await load_pool(tx, ctx.caller, params["UserPoolId"])
    return await ctx.services.auth.initiate(params, admin=True)


@operation(IDP, "GetUser")
async def get_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        user, claims = await signed_in(tx, ctx.services.tokens, params["AccessToken"])
        factors = await tx.mfa.get(user.sub)
        reads = await ctx.services.tokens.client_reads.read_attributes(
            tx, str(claims.get("client_id", ""))
        )
    shown = readable(reads, user.attributes)
    return {
        "Username": user.username,
        "UserAttributes": [
            {"Name": name, "Value": value} for name, value in {"sub": user.sub, **shown}.items()
        ],
        **mfa_view(factors),
    }


@operation(IDP, "GlobalSignOut")
async def global_sign_out(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.sign_out.global_sign_out(params["AccessToken"])
    return {}


@operation(IDP, "AdminUserGlobalSignOut")
async def admin_user_global_sign_out(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"], for_update=True)
        await ctx.services.sign_out.admin_global_sign_out(tx, user)
    return {}


@operation(IDP, "RevokeToken")
async def revoke_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.sign_out.revoke(params)
    return {}


@operation(IDP, "RespondToAuthChallenge")
async def respond_to_auth_challenge(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.auth.respond(params, admin=False)


@operation(IDP, "AdminRespondToAuthChallenge")
async def admin_respond_to_auth_challenge(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        await load_pool(tx, ctx.caller, params["UserPoolId"])
    return await ctx.services.auth.respond(params, admin=True)


@operation(IDP, "GetTokensFromRefreshToken")
async def get_tokens_from_refresh_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await tokens_from_refresh_token(ctx.services.auth.context, params)
