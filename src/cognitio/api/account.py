"""A signed-in user's own account, authorised by the access token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation


@operation(IDP, "ChangePassword")
async def change_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.own_account.change_password(params)
    return {}


@operation(IDP, "DeleteUser")
async def delete_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.own_account.delete_user(params["AccessToken"])
    return {}


@operation(IDP, "UpdateUserAttributes")
async def update_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.own_account.update_attributes(params)


@operation(IDP, "DeleteUserAttributes")
async def delete_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.own_account.delete_attributes(params)
    return {}


@operation(IDP, "GetUserAttributeVerificationCode")
async def get_user_attribute_verification_code(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    return await ctx.services.own_account.verification_code(params)


@operation(IDP, "VerifyUserAttribute")
async def verify_user_attribute(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.own_account.verify_attribute(params)
    return {}
