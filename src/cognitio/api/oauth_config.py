"""Resource servers, user pool domains and the hosted pages' branding on the wire (signed,
admin operations)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException
from cognitio.services.common.pages import Page
from cognitio.services.oauth.machine_tokens import GetClientToken
from cognitio.services.pools.branding import ALL, Asset, BrandingStyle
from cognitio.services.pools.domains import DomainSettings
from cognitio.services.pools.resource_servers import ResourceServerSettings, Scope
from cognitio.store.records import (
    BrandingRecord,
    DomainRecord,
    ResourceServerRecord,
    UiCustomizationRecord,
)

MAX_RESOURCE_SERVERS = 50  # a page when MaxResults is left out: the most the model allows


def _resource_server(server: ResourceServerRecord) -> dict[str, Any]:
    """A ResourceServerType (the scopes are stored as ResourceServerScopeType)."""
    return {
        "UserPoolId": server.pool_id,
        "Identifier": server.identifier,
        "Name": server.name,
        "Scopes": [dict(scope) for scope in server.scopes],
    }


def _resource_server_settings(params: dict[str, Any]) -> ResourceServerSettings:
    return ResourceServerSettings(
        pool_id=params["UserPoolId"],
        identifier=params["Identifier"],
        name=params["Name"],
        scopes=tuple(
            Scope(scope["ScopeName"], scope["ScopeDescription"])
            for scope in params.get("Scopes") or []
        ),
    )


def _resource_servers(page: Page[ResourceServerRecord]) -> dict[str, Any]:
    shape: dict[str, Any] = {"ResourceServers": [_resource_server(s) for s in page.items]}
    if page.next_token is not None:
        shape["NextToken"] = page.next_token
    return shape


def _domain_settings(params: dict[str, Any]) -> DomainSettings:
    config = params.get("CustomDomainConfig")
    return DomainSettings(
        pool_id=params["UserPoolId"],
        domain=params["Domain"],
        certificate_arn=None if config is None else config["CertificateArn"],
        managed_login_version=params.get("ManagedLoginVersion"),
    )


def _domain_answer(record: DomainRecord) -> dict[str, Any]:
    """CreateUserPoolDomain's and UpdateUserPoolDomain's output."""
    answer: dict[str, Any] = {"ManagedLoginVersion": record.managed_login_version}
    if record.custom:
        answer["CloudFrontDomain"] = record.domain  # served here, not by a CDN
    return answer


def _domain_description(record: DomainRecord, account_id: str) -> dict[str, Any]:
    """A DomainDescriptionType."""
    description: dict[str, Any] = {
        "UserPoolId": record.pool_id,
        "AWSAccountId": account_id,
        "Domain": record.domain,
        "CloudFrontDistribution": record.domain,
        "Version": str(record.created_ms),
        "Status": "ACTIVE",
        "ManagedLoginVersion": record.managed_login_version,
    }
    if record.certificate_arn is not None:
        description["CustomDomainConfig"] = {"CertificateArn": record.certificate_arn}
    return description


def _ui_customization(
    pool_id: str, record: UiCustomizationRecord | None, client_id: str | None, base_url: str
) -> dict[str, Any]:
    """A UICustomizationType."""
    if record is None:
        return {"UserPoolId": pool_id, "ClientId": client_id or ALL}
    shape: dict[str, Any] = {
        "UserPoolId": pool_id,
        "ClientId": record.client_id,
        "CSSVersion": str(record.updated_ms),
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }
    if record.css is not None:
        shape["CSS"] = record.css
    if record.image is not None:
        shape["ImageUrl"] = f"{base_url}/_branding/{pool_id}/ui/{record.client_id}"
    return shape


def _branding_style(params: dict[str, Any]) -> BrandingStyle:
    assets = params.get("Assets")
    return BrandingStyle(
        use_defaults=bool(params.get("UseCognitoProvidedValues")),
        settings=params.get("Settings"),
        assets=None
        if assets is None
        else tuple(
            Asset(
                category=asset["Category"],
                color_mode=asset["ColorMode"],
                extension=asset["Extension"],
                data=asset.get("Bytes"),
                resource_id=asset.get("ResourceId"),
            )
            for asset in assets
        ),
    )


def _branding(record: BrandingRecord) -> dict[str, Any]:
    """A ManagedLoginBrandingType."""
    shape: dict[str, Any] = {
        "ManagedLoginBrandingId": record.branding_id,
        "UserPoolId": record.pool_id,
        "UseCognitoProvidedValues": record.use_defaults,
        "Assets": [
            {**asset, "Bytes": base64.b64decode(asset["Bytes"])} if "Bytes" in asset else asset
            for asset in record.assets
        ],
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }
    if record.settings is not None:
        shape["Settings"] = record.settings
    return shape


@operation(IDP, "CreateResourceServer")
async def create_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    settings = _resource_server_settings(params)
    server = await ctx.services.resource_servers.create(ctx.caller, settings)
    return {"ResourceServer": _resource_server(server)}


@operation(IDP, "DescribeResourceServer")
async def describe_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    server = await ctx.services.resource_servers.describe(
        ctx.caller, params["UserPoolId"], params["Identifier"]
    )
    return {"ResourceServer": _resource_server(server)}


@operation(IDP, "UpdateResourceServer")
async def update_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    settings = _resource_server_settings(params)
    server = await ctx.services.resource_servers.update(ctx.caller, settings)
    return {"ResourceServer": _resource_server(server)}


@operation(IDP, "DeleteResourceServer")
async def delete_resource_server(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.resource_servers.delete(
        ctx.caller, params["UserPoolId"], params["Identifier"]
    )
    return {}


@operation(IDP, "ListResourceServers")
async def list_resource_servers(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.resource_servers.listing(
        ctx.caller,
        params["UserPoolId"],
        params.get("MaxResults", MAX_RESOURCE_SERVERS),
        params.get("NextToken"),
    )
    return _resource_servers(page)


@operation(IDP, "CreateUserPoolDomain")
async def create_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.domains.create(ctx.caller, _domain_settings(params))
    return _domain_answer(record)


@operation(IDP, "DescribeUserPoolDomain")
async def describe_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.domains.describe(params["Domain"])
    if record is None:  # a name no pool has: an empty description, as Cognito answers
        return {"DomainDescription": {}}
    return {"DomainDescription": _domain_description(record, ctx.caller.account_id)}


@operation(IDP, "UpdateUserPoolDomain")
async def update_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.domains.update(ctx.caller, _domain_settings(params))
    return _domain_answer(record)


@operation(IDP, "DeleteUserPoolDomain")
async def delete_user_pool_domain(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.domains.delete(ctx.caller, params["UserPoolId"], params["Domain"])
    return {}


@operation(IDP, "SetUICustomization")
async def set_ui_customization(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    pool_id = params["UserPoolId"]
    record = await ctx.services.branding.set_ui(
        ctx.caller, pool_id, params.get("ClientId"), params.get("CSS"), params.get("ImageFile")
    )
    base_url = ctx.services.tokens.base_url
    return {"UICustomization": _ui_customization(pool_id, record, record.client_id, base_url)}


@operation(IDP, "GetUICustomization")
async def get_ui_customization(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    pool_id, client_id = params["UserPoolId"], params.get("ClientId")
    record = await ctx.services.branding.get_ui(ctx.caller, pool_id, client_id)
    base_url = ctx.services.tokens.base_url
    return {"UICustomization": _ui_customization(pool_id, record, client_id, base_url)}


@operation(IDP, "CreateManagedLoginBranding")
async def create_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.branding.create_branding(
        ctx.caller, params["UserPoolId"], params["ClientId"], _branding_style(params)
    )
    return {"ManagedLoginBranding": _branding(record)}


@operation(IDP, "DescribeManagedLoginBranding")
async def describe_managed_login_branding(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    record = await ctx.services.branding.describe_branding(
        ctx.caller, params["UserPoolId"], params["ManagedLoginBrandingId"]
    )
    return {"ManagedLoginBranding": _branding(record)}


@operation(IDP, "DescribeManagedLoginBrandingByClient")
async def describe_managed_login_branding_by_client(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    record = await ctx.services.branding.branding_of_client(
        ctx.caller, params["UserPoolId"], params["ClientId"]
    )
    return {"ManagedLoginBranding": _branding(record)}


@operation(IDP, "UpdateManagedLoginBranding")
async def update_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    # The model marks nothing required here, yet the style is named by these two.
    for member in ("UserPoolId", "ManagedLoginBrandingId"):
        if not params.get(member):
            raise InvalidParameterException(f"Missing required parameter {member}")
    record = await ctx.services.branding.update_branding(
        ctx.caller, params["UserPoolId"], params["ManagedLoginBrandingId"], _branding_style(params)
    )
    return {"ManagedLoginBranding": _branding(record)}


@operation(IDP, "DeleteManagedLoginBranding")
async def delete_managed_login_branding(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.branding.delete_branding(
        ctx.caller, params["UserPoolId"], params["ManagedLoginBrandingId"]
    )
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
