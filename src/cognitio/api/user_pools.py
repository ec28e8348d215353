"""User pool operations on the wire: requests to commands, records to UserPoolType shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException
from cognitio.services.pools.user_pools import (
    Caller,
    CreatePool,
    PoolDescription,
    SetMfaConfig,
    UpdatePool,
    pool_arn,
)
from cognitio.store.records import UserPoolRecord, UserPoolSummary


@operation(IDP, "CreateUserPool")
async def create_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    settings = {name: value for name, value in params.items() if name != "PoolName"}
    record = await ctx.services.pools.create(ctx.caller, CreatePool(params["PoolName"], settings))
    return {"UserPool": pool_shape(ctx.caller, record)}


@operation(IDP, "DescribeUserPool")
async def describe_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    described = await ctx.services.pools.describe(ctx.caller, params["UserPoolId"])
    return {"UserPool": _described_shape(ctx.caller, described)}


@operation(IDP, "UpdateUserPool")
async def update_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    settings = {k: v for k, v in params.items() if k not in ("UserPoolId", "PoolName")}
    command = UpdatePool(params["UserPoolId"], settings, name=params.get("PoolName"))
    await ctx.services.pools.update(ctx.caller, command)
    return {}


@operation(IDP, "DeleteUserPool")
async def delete_user_pool(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.delete(ctx.caller, params["UserPoolId"])
    return {}


@operation(IDP, "ListUserPools")
async def list_user_pools(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.pools.list_pools(
        ctx.caller, params["MaxResults"], params.get("NextToken")
    )
    result: dict[str, Any] = {"UserPools": [_summary_shape(row) for row in page.pools]}
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


@operation(IDP, "AddCustomAttributes")
async def add_custom_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    # The model leaves Name optional in SchemaAttributeType, but an attribute needs one.
    if not all(item.get("Name") for item in params["CustomAttributes"]):
        raise InvalidParameterException("Every custom attribute needs a Name.")
    await ctx.services.pools.add_custom_attributes(
        ctx.caller, params["UserPoolId"], params["CustomAttributes"]
    )
    return {}


@operation(IDP, "GetCSVHeader")
async def get_csv_header(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    columns = await ctx.services.pools.csv_header(ctx.caller, params["UserPoolId"])
    return {"UserPoolId": params["UserPoolId"], "CSVHeader": columns}


@operation(IDP, "GetUserPoolMfaConfig")
async def get_user_pool_mfa_config(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.pools.get_mfa_config(ctx.caller, params["UserPoolId"])
    return mfa_config_shape(record.config)


@operation(IDP, "SetUserPoolMfaConfig")
async def set_user_pool_mfa_config(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = SetMfaConfig(
        params["UserPoolId"],
        mfa_configuration=params.get("MfaConfiguration"),
        sms=params.get("SmsMfaConfiguration"),
        software_token=params.get("SoftwareTokenMfaConfiguration"),
        email=params.get("EmailMfaConfiguration"),
        web_authn=params.get("WebAuthnConfiguration"),
    )
    record = await ctx.services.pools.set_mfa_config(ctx.caller, command)
    return mfa_config_shape(record.config)


def pool_shape(caller: Caller, record: UserPoolRecord, users: int = 0) -> dict[str, Any]:
    """The UserPoolType of a stored pool: its settings document and what is derived."""
    shape = dict(record.config)
    shape.update(
        Id=record.id,
        Name=record.name,
        Arn=pool_arn(caller, record.id),
        CreationDate=record.created_ms / 1000,
        LastModifiedDate=record.updated_ms / 1000,
        EstimatedNumberOfUsers=users,
    )
    return shape


def _described_shape(caller: Caller, described: PoolDescription) -> dict[str, Any]:
    shape = pool_shape(caller, described.pool, described.estimated_users)
    if described.domain is not None:
        shape["Domain"] = described.domain
    if described.custom_domain is not None:
        shape["CustomDomain"] = described.custom_domain
    return shape


def _summary_shape(row: UserPoolSummary) -> dict[str, Any]:
    """A UserPoolDescriptionType (ListUserPools)."""
    return {
        "Id": row.id,
        "Name": row.name,
        "LambdaConfig": row.lambda_config,
        "CreationDate": row.created_ms / 1000,
        "LastModifiedDate": row.updated_ms / 1000,
    }


def mfa_config_shape(config: Mapping[str, Any]) -> dict[str, Any]:
    """GetUserPoolMfaConfig's answer from the pool's settings document."""
    shape: dict[str, Any] = {"MfaConfiguration": config.get("MfaConfiguration", "OFF")}
    if config.get("SmsMfaEnabled"):
        sms: dict[str, Any] = {}
        if "SmsAuthenticationMessage" in config:
            sms["SmsAuthenticationMessage"] = config["SmsAuthenticationMessage"]
        if "SmsConfiguration" in config:
            sms["SmsConfiguration"] = config["SmsConfiguration"]
        shape["SmsMfaConfiguration"] = sms
    if "SoftwareTokenMfaConfiguration" in config:
        shape["SoftwareTokenMfaConfiguration"] = config["SoftwareTokenMfaConfiguration"]
    if "EmailMfaConfiguration" in config:
        shape["EmailMfaConfiguration"] = config["EmailMfaConfiguration"]
    shape["WebAuthnConfiguration"] = config.get(
        "WebAuthnConfiguration", {"UserVerification": "preferred"}
    )
    return shape
