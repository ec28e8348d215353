"""Software-token MFA and MFA preferences on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException
from cognitio.services.mfa.mfa import delete_software_token, set_legacy_options
from cognitio.services.mfa.mfa import view as mfa_view
from cognitio.services.pools.user_pools import load_pool
from cognitio.services.signin.mfa_challenges import associate_in_setup, verify_in_setup
from cognitio.services.signin.user_auth import configured_factors
from cognitio.services.tokens.access_tokens import current_user
from cognitio.services.users.accounts import require_user
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction


def _signed_in(params: dict[str, Any]) -> bool:
    """An access token (a signed-in user) or a Session (the MFA_SETUP step of a sign-in)."""
    if params.get("AccessToken"):
        return True
    if params.get("Session"):
        return False
    raise InvalidParameterException("Either AccessToken or Session must be given.")


@operation(IDP, "AssociateSoftwareToken")
async def associate_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    if not _signed_in(params):
        associated = await associate_in_setup(ctx.services.auth.context, params["Session"])
        return {"SecretCode": associated.secret_code, "Session": associated.session}
    token = params["AccessToken"]
    async with ctx.services.store.write() as tx:
        user = await current_user(tx, ctx.services.tokens, token)
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None  # the user's row proves its pool (foreign key)
        secret = await ctx.services.mfa.associate(tx, pool, user)
    return {"SecretCode": secret}


@operation(IDP, "VerifySoftwareToken")
async def verify_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    if not _signed_in(params):
        session = await verify_in_setup(
            ctx.services.auth.context, params["Session"], params["UserCode"]
        )
        return {"Status": "SUCCESS", "Session": session}
    token = params["AccessToken"]
    async with ctx.services.store.write() as tx:
        user = await current_user(tx, ctx.services.tokens, token)
        await ctx.services.mfa.verify_new(tx, user, params["UserCode"])
    return {"Status": "SUCCESS"}


@operation(IDP, "SetUserMFAPreference")
async def set_user_mfa_preference(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await current_user(tx, ctx.services.tokens, params["AccessToken"])
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None
        await ctx.services.mfa.set_preference(tx, pool, user, params)
    return {}


@operation(IDP, "AdminSetUserMFAPreference")
async def admin_set_user_mfa_preference(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        await ctx.services.mfa.set_preference(tx, pool, user, params)
    return {}


@operation(IDP, "SetUserSettings")
async def set_user_settings(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await current_user(tx, ctx.services.tokens, params["AccessToken"])
        await set_legacy_options(tx, user, params["MFAOptions"])
    return {}


@operation(IDP, "AdminSetUserSettings")
async def admin_set_user_settings(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        await set_legacy_options(tx, user, params["MFAOptions"])
    return {}


@operation(IDP, "AdminDeleteSoftwareToken")
async def admin_delete_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        await delete_software_token(tx, user)
    return {}


async def _auth_factors(tx: Transaction, pool: UserPoolRecord, user: UserRecord) -> dict[str, Any]:
    return {
        "Username": user.username,
        "ConfiguredUserAuthFactors": await configured_factors(tx, pool, user),
        **mfa_view(await tx.mfa.get(user.sub)),
    }


@operation(IDP, "GetUserAuthFactors")
async def get_user_auth_factors(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        user = await current_user(tx, ctx.services.tokens, params["AccessToken"])
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None
        return await _auth_factors(tx, pool, user)


@operation(IDP, "AdminGetUserAuthFactors")
async def admin_get_user_auth_factors(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
        user = await require_user(tx, pool, params["Username"])
        return await _auth_factors(tx, pool, user)
