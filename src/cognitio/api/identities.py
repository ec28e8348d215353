"""Identities on the wire: DescribeIdentity, ListIdentities and DeleteIdentities for
administrators; GetId and GetCredentialsForIdentity (public, no signature) for apps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDENTITY, Context, operation
from cognitio.store.records import IdentityRecord


def identity_shape(record: IdentityRecord) -> dict[str, Any]:
    """An IdentityDescription: the providers' names, never their tokens or subjects."""
    return {
        "IdentityId": record.id,
        "Logins": sorted(
            [*record.logins, *([record.developer_provider] if record.developer_provider else [])]
        ),
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }


@operation(IDENTITY, "DescribeIdentity")
async def describe_identity(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    record = await ctx.services.pool_identities.describe(ctx.caller, params["IdentityId"])
    return identity_shape(record)


@operation(IDENTITY, "ListIdentities")
async def list_identities(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.pool_identities.list_identities(
        ctx.caller,
        params["IdentityPoolId"],
        params["MaxResults"],
        params.get("NextToken"),
        hide_disabled=params.get("HideDisabled") is True,
    )
    result: dict[str, Any] = {
        "IdentityPoolId": page.pool_id,
        "Identities": [identity_shape(record) for record in page.identities],
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


@operation(IDENTITY, "DeleteIdentities")
async def delete_identities(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    unprocessed = await ctx.services.pool_identities.delete(
        ctx.caller, params["IdentityIdsToDelete"]
    )
    return {
        "UnprocessedIdentityIds": [
            {"IdentityId": u.identity_id, "ErrorCode": u.reason} for u in unprocessed
        ]
    }


@operation(IDENTITY, "GetId")
async def get_id(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    identity_id = await ctx.services.identity_ids.get_id(
        ctx.caller, params["IdentityPoolId"], params.get("Logins") or {}
    )
    return {"IdentityId": identity_id}


@operation(IDENTITY, "GetCredentialsForIdentity")
async def get_credentials_for_identity(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    result = await ctx.services.enhanced_flow.credentials(
        ctx.caller,
        params["IdentityId"],
        params.get("Logins") or {},
        params.get("CustomRoleArn"),
    )
    credentials = result.credentials
    return {
        "IdentityId": result.identity_id,
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "SecretKey": credentials.secret_key,
            "SessionToken": credentials.session_token,
            "Expiration": credentials.expiration.timestamp(),
        },
    }
