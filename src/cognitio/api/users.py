"""User operations on the wire: the Admin* ones (signed) and the public ones (ClientId)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation


@operation(IDP, "AdminCreateUser")
async def admin_create_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.users.create(ctx.caller, params)


@operation(IDP, "AdminGetUser")
async def admin_get_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.users.get(ctx.caller, params["UserPoolId"], params["Username"])


@operation(IDP, "AdminDeleteUser")
async def admin_delete_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.delete(ctx.caller, params["UserPoolId"], params["Username"])
    return {}


@operation(IDP, "AdminDisableUser")
async def admin_disable_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.set_enabled(
        ctx.caller, params["UserPoolId"], params["Username"], False
    )
    return {}


@operation(IDP, "AdminEnableUser")
async def admin_enable_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.set_enabled(ctx.caller, params["UserPoolId"], params["Username"], True)
    return {}


@operation(IDP, "AdminConfirmSignUp")
async def admin_confirm_sign_up(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.confirm(
        ctx.caller, params["UserPoolId"], params["Username"], params.get("ClientMetadata") or {}
    )
    return {}


@operation(IDP, "AdminUpdateUserAttributes")
async def admin_update_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.update_attributes(ctx.caller, params)
    return {}


@operation(IDP, "AdminDeleteUserAttributes")
async def admin_delete_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.delete_attributes(ctx.caller, params)
    return {}


@operation(IDP, "AdminSetUserPassword")
async def admin_set_user_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.set_password(ctx.caller, params)
    return {}


@operation(IDP, "AdminResetUserPassword")
async def admin_reset_user_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.reset_password(ctx.caller, params)
    return {}


@operation(IDP, "ListUsers")
async def list_users(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.user_list.list_users(ctx.caller, params)


@operation(IDP, "SignUp")
async def sign_up(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.self_service.sign_up(params)


@operation(IDP, "ConfirmSignUp")
async def confirm_sign_up(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.self_service.confirm_sign_up(params)


@operation(IDP, "ResendConfirmationCode")
async def resend_confirmation_code(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.self_service.resend_confirmation_code(params)


@operation(IDP, "ForgotPassword")
async def forgot_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.self_service.forgot_password(params)


@operation(IDP, "ConfirmForgotPassword")
async def confirm_forgot_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await ctx.services.self_service.confirm_forgot_password(params)
