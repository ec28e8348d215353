"""Passkeys on the wire: register, list and delete a user's WebAuthn credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.mfa import passkeys
from cognitio.services.tokens.access_tokens import current_user, signed_in


@operation(IDP, "StartWebAuthnRegistration")
async def start_web_authn_registration(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user, claims = await signed_in(tx, ctx.services.tokens, params["AccessToken"])
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None  # the user's row proves its pool (foreign key)
        options = await passkeys.registration_options(tx, pool, user, str(claims["client_id"]))
    return {"CredentialCreationOptions": options}


@operation(IDP, "CompleteWebAuthnRegistration")
async def complete_web_authn_registration(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user, claims = await signed_in(tx, ctx.services.tokens, params["AccessToken"])
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None
        await passkeys.register(tx, pool, user, str(claims["client_id"]), params["Credential"])
    return {}


@operation(IDP, "ListWebAuthnCredentials")
async def list_web_authn_credentials(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        user = await current_user(tx, ctx.services.tokens, params["AccessToken"])
        return await passkeys.listing(tx, user, params.get("MaxResults"), params.get("NextToken"))


@operation(IDP, "DeleteWebAuthnCredential")
async def delete_web_authn_credential(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await current_user(tx, ctx.services.tokens, params["AccessToken"])
        await passkeys.delete(tx, user, params["CredentialId"])
    return {}
