"""A signed-in user's own account, authorised by the access token.

Each handler turns the request into its command and the typed answer into Cognito's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.api.user_shapes import code_delivery
from cognitio.services.pools.attributes import as_dict
from cognitio.services.users.own_account import (
    ChangePassword,
    DeleteUserAttributes,
    GetUserAttributeVerificationCode,
    UpdateUserAttributes,
    VerifyUserAttribute,
)


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata: dict[str, str] = params.get("ClientMetadata") or {}
    return metadata


@operation(IDP, "ChangePassword")
async def change_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ChangePassword(
        access_token=params["AccessToken"],
        previous_password=params.get("PreviousPassword"),
        proposed_password=params["ProposedPassword"],
    )
    await ctx.services.own_account.change_password(command)
    return {}


@operation(IDP, "DeleteUser")
async def delete_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.own_account.delete_user(params["AccessToken"])
    return {}


@operation(IDP, "UpdateUserAttributes")
async def update_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = UpdateUserAttributes(
        access_token=params["AccessToken"],
        attributes=as_dict(params["UserAttributes"]),
        client_metadata=_metadata(params),
    )
    deliveries = await ctx.services.own_account.update_attributes(command)
    if not deliveries:
        return {}
    return {"CodeDeliveryDetailsList": [code_delivery(sent) for sent in deliveries]}


@operation(IDP, "DeleteUserAttributes")
async def delete_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = DeleteUserAttributes(
        access_token=params["AccessToken"], names=tuple(params["UserAttributeNames"])
    )
    await ctx.services.own_account.delete_attributes(command)
    return {}


@operation(IDP, "GetUserAttributeVerificationCode")
async def get_user_attribute_verification_code(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    command = GetUserAttributeVerificationCode(
        access_token=params["AccessToken"],
        attribute=params["AttributeName"],
        client_metadata=_metadata(params),
    )
    destination = await ctx.services.own_account.verification_code(command)
    return {"CodeDeliveryDetails": code_delivery(destination)}


@operation(IDP, "VerifyUserAttribute")
async def verify_user_attribute(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = VerifyUserAttribute(
        access_token=params["AccessToken"], attribute=params["AttributeName"], code=params["Code"]
    )
    await ctx.services.own_account.verify_attribute(command)
    return {}
