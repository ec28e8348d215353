"""Identity providers on the wire: the IdP operations, GetSigningCertificate, and linking
external identities to users (AdminLinkProviderForUser, AdminDisableProviderForUser); all
signed, admin operations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.federation.linking import ProviderUser
from cognitio.services.federation.providers import IdentityProvider, ProviderSettings
from cognitio.store.records import IdentityProviderRecord


def _summary(record: IdentityProviderRecord) -> dict[str, Any]:
    """A ProviderDescription."""
    return {
        "ProviderName": record.name,
        "ProviderType": record.type,
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }


def _provider(provider: IdentityProvider) -> dict[str, Any]:
    """An IdentityProviderType."""
    record = provider.record
    shape = _summary(record)
    shape.update(
        UserPoolId=record.pool_id,
        ProviderDetails=dict(provider.details),
        AttributeMapping=dict(record.attribute_mapping),
        IdpIdentifiers=list(record.identifiers),
    )
    return shape


def _texts(value: Any) -> dict[str, str] | None:
    return None if value is None else {str(k): str(v) for k, v in value.items()}


def _settings(params: dict[str, Any]) -> ProviderSettings:
    identifiers = params.get("IdpIdentifiers")
    return ProviderSettings(
        pool_id=params["UserPoolId"],
        name=params["ProviderName"],
        provider_type=params.get("ProviderType"),
        details=_texts(params.get("ProviderDetails")),
        attribute_mapping=_texts(params.get("AttributeMapping")),
        identifiers=None if identifiers is None else tuple(identifiers),
    )


@operation(IDP, "CreateIdentityProvider")
async def create_identity_provider(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    provider = await ctx.services.identity_providers.create(ctx.caller, _settings(params))
    return {"IdentityProvider": _provider(provider)}


@operation(IDP, "DescribeIdentityProvider")
async def describe_identity_provider(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    provider = await ctx.services.identity_providers.describe(
        ctx.caller, params["UserPoolId"], params["ProviderName"]
    )
    return {"IdentityProvider": _provider(provider)}


@operation(IDP, "UpdateIdentityProvider")
async def update_identity_provider(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    provider = await ctx.services.identity_providers.update(ctx.caller, _settings(params))
    return {"IdentityProvider": _provider(provider)}


@operation(IDP, "DeleteIdentityProvider")
async def delete_identity_provider(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.identity_providers.delete(
        ctx.caller, params["UserPoolId"], params["ProviderName"]
    )
    return {}


@operation(IDP, "ListIdentityProviders")
async def list_identity_providers(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.identity_providers.list_providers(
        ctx.caller, params["UserPoolId"], params.get("MaxResults"), params.get("NextToken")
    )
    shape: dict[str, Any] = {"Providers": [_summary(record) for record in page.items]}
    if page.next_token is not None:
        shape["NextToken"] = page.next_token
    return shape


@operation(IDP, "GetIdentityProviderByIdentifier")
async def get_identity_provider_by_identifier(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    provider = await ctx.services.identity_providers.by_identifier(
        ctx.caller, params["UserPoolId"], params["IdpIdentifier"]
    )
    return {"IdentityProvider": _provider(provider)}


@operation(IDP, "GetSigningCertificate")
async def get_signing_certificate(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    certificate = await ctx.services.identity_providers.signing_certificate(
        ctx.caller, params["UserPoolId"]
    )
    return {"Certificate": certificate}


def _provider_user(value: dict[str, Any]) -> ProviderUser:
    """A ProviderUserIdentifierType."""
    return ProviderUser(
        provider_name=str(value.get("ProviderName", "")),
        attribute_name=value.get("ProviderAttributeName"),
        attribute_value=str(value.get("ProviderAttributeValue", "")),
    )


@operation(IDP, "AdminLinkProviderForUser")
async def admin_link_provider_for_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.linking.link(
        ctx.caller,
        params["UserPoolId"],
        _provider_user(params["DestinationUser"]),
        _provider_user(params["SourceUser"]),
    )
    return {}


@operation(IDP, "AdminDisableProviderForUser")
async def admin_disable_provider_for_user(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    await ctx.services.linking.disable(
        ctx.caller, params["UserPoolId"], _provider_user(params["User"])
    )
    return {}
