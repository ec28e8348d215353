"""Passkeys on the wire: register, list and delete a user's WebAuthn credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.store.records import PasskeyRecord


def _credential(passkey: PasskeyRecord) -> dict[str, Any]:
    """A WebAuthnCredentialDescription."""
    shape: dict[str, Any] = {
        "CredentialId": passkey.credential_id,
        "FriendlyCredentialName": passkey.name,
        "RelyingPartyId": passkey.relying_party_id,
        "AuthenticatorTransports": passkey.transports,
        "CreatedAt": passkey.created_ms / 1000,
    }
    if passkey.attachment is not None:
        shape["AuthenticatorAttachment"] = passkey.attachment
    return shape


@operation(IDP, "StartWebAuthnRegistration")
async def start_web_authn_registration(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    options = await ctx.services.passkeys.start_registration(params["AccessToken"])
    return {"CredentialCreationOptions": options}


@operation(IDP, "CompleteWebAuthnRegistration")
async def complete_web_authn_registration(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    await ctx.services.passkeys.complete_registration(params["AccessToken"], params["Credential"])
    return {}


@operation(IDP, "ListWebAuthnCredentials")
async def list_web_authn_credentials(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.passkeys.listing(
        params["AccessToken"], params.get("MaxResults"), params.get("NextToken")
    )
    shape: dict[str, Any] = {"Credentials": [_credential(passkey) for passkey in page.items]}
    if page.next_token is not None:
        shape["NextToken"] = page.next_token
    return shape


@operation(IDP, "DeleteWebAuthnCredential")
async def delete_web_authn_credential(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.passkeys.delete(params["AccessToken"], params["CredentialId"])
    return {}
