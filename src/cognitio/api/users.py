"""User operations on the wire: the Admin* ones (signed) and the public ones (ClientId).

Each handler turns the request into its command and the typed answer into Cognito's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.api.user_shapes import admin_user, code_delivery, mfa_members, user_page, user_type
from cognitio.services.clients.app_clients import SecretHashProof
from cognitio.services.pools.attributes import as_dict
from cognitio.services.users.sign_up import (
    ConfirmForgotPassword,
    ConfirmSignUp,
    ForgotPassword,
    ResendConfirmationCode,
    SignUp,
)
from cognitio.services.users.user_list import DEFAULT_LIMIT, ListUsers
from cognitio.services.users.users import (
    AdminCreateUser,
    AdminDeleteUserAttributes,
    AdminResetUserPassword,
    AdminSetUserPassword,
    AdminUpdateUserAttributes,
)


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata: dict[str, str] = params.get("ClientMetadata") or {}
    return metadata


def _proof(params: dict[str, Any]) -> SecretHashProof:
    return SecretHashProof(params.get("SecretHash"))


@operation(IDP, "AdminCreateUser")
async def admin_create_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = AdminCreateUser(
        pool_id=params["UserPoolId"],
        username=params["Username"],
        attributes=as_dict(params.get("UserAttributes")),
        validation_data=as_dict(params.get("ValidationData")) or None,
        temporary_password=params.get("TemporaryPassword"),
        message_action=params.get("MessageAction"),
        desired_delivery_mediums=tuple(params.get("DesiredDeliveryMediums") or ["SMS"]),
        force_alias_creation=bool(params.get("ForceAliasCreation")),
        client_metadata=_metadata(params),
    )
    return {"User": user_type(await ctx.services.users.create(ctx.caller, command))}


@operation(IDP, "AdminGetUser")
async def admin_get_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    found = await ctx.services.users.get(ctx.caller, params["UserPoolId"], params["Username"])
    return {**admin_user(found.user), **mfa_members(found.factors)}


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
        ctx.caller, params["UserPoolId"], params["Username"], _metadata(params)
    )
    return {}


@operation(IDP, "AdminUpdateUserAttributes")
async def admin_update_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = AdminUpdateUserAttributes(
        pool_id=params["UserPoolId"],
        username=params["Username"],
        attributes=as_dict(params["UserAttributes"]),
        client_metadata=_metadata(params),
    )
    await ctx.services.users.update_attributes(ctx.caller, command)
    return {}


@operation(IDP, "AdminDeleteUserAttributes")
async def admin_delete_user_attributes(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = AdminDeleteUserAttributes(
        pool_id=params["UserPoolId"],
        username=params["Username"],
        names=tuple(params["UserAttributeNames"]),
    )
    await ctx.services.users.delete_attributes(ctx.caller, command)
    return {}


@operation(IDP, "AdminSetUserPassword")
async def admin_set_user_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = AdminSetUserPassword(
        pool_id=params["UserPoolId"],
        username=params["Username"],
        password=params["Password"],
        permanent=bool(params.get("Permanent", False)),
    )
    await ctx.services.users.set_password(ctx.caller, command)
    return {}


@operation(IDP, "AdminResetUserPassword")
async def admin_reset_user_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = AdminResetUserPassword(
        pool_id=params["UserPoolId"],
        username=params["Username"],
        client_metadata=_metadata(params),
    )
    await ctx.services.users.reset_password(ctx.caller, command)
    return {}


@operation(IDP, "ListUsers")
async def list_users(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ListUsers(
        pool_id=params["UserPoolId"],
        limit=params.get("Limit", DEFAULT_LIMIT),
        filter=params.get("Filter"),
        pagination_token=params.get("PaginationToken"),
    )
    page = await ctx.services.user_list.list_users(ctx.caller, command)
    return user_page(page, params.get("AttributesToGet"))


@operation(IDP, "SignUp")
async def sign_up(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = SignUp(
        client_id=params["ClientId"],
        username=params["Username"],
        password=params.get("Password"),
        proof=_proof(params),
        attributes=as_dict(params.get("UserAttributes")),
        validation_data=as_dict(params.get("ValidationData")) or None,
        client_metadata=_metadata(params),
    )
    result = await ctx.services.self_service.sign_up(command)
    answer: dict[str, Any] = {"UserConfirmed": result.confirmed, "UserSub": result.user_sub}
    if result.delivery is not None:
        answer["CodeDeliveryDetails"] = code_delivery(result.delivery)
    return answer


@operation(IDP, "ConfirmSignUp")
async def confirm_sign_up(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ConfirmSignUp(
        client_id=params["ClientId"],
        username=params["Username"],
        code=params["ConfirmationCode"],
        proof=_proof(params),
        force_alias_creation=bool(params.get("ForceAliasCreation")),
        client_metadata=_metadata(params),
    )
    await ctx.services.self_service.confirm_sign_up(command)
    return {}


@operation(IDP, "ResendConfirmationCode")
async def resend_confirmation_code(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ResendConfirmationCode(
        client_id=params["ClientId"],
        username=params["Username"],
        proof=_proof(params),
        client_metadata=_metadata(params),
    )
    destination = await ctx.services.self_service.resend_confirmation_code(command)
    return {"CodeDeliveryDetails": code_delivery(destination)}


@operation(IDP, "ForgotPassword")
async def forgot_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ForgotPassword(
        client_id=params["ClientId"],
        username=params["Username"],
        proof=_proof(params),
        client_metadata=_metadata(params),
    )
    destination = await ctx.services.self_service.forgot_password(command)
    return {"CodeDeliveryDetails": code_delivery(destination)}


@operation(IDP, "ConfirmForgotPassword")
async def confirm_forgot_password(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = ConfirmForgotPassword(
        client_id=params["ClientId"],
        username=params["Username"],
        code=params["ConfirmationCode"],
        password=params["Password"],
        proof=_proof(params),
        client_metadata=_metadata(params),
    )
    await ctx.services.self_service.confirm_forgot_password(command)
    return {}
