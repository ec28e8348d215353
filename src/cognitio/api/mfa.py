"""Software-token MFA and MFA preferences on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.api.user_shapes import mfa_members
from cognitio.errors import InvalidParameterException
from cognitio.services.mfa.mfa import FactorPreference, MfaOption, MfaPreferences
from cognitio.services.signin.mfa_challenges import associate_in_setup, verify_in_setup
from cognitio.services.users.mfa_settings import AuthFactors
from cognitio.services.users.subjects import ByName, ByToken


def _signed_in(params: dict[str, Any]) -> bool:
    """An access token (a signed-in user) or a Session (the MFA_SETUP step of a sign-in)."""
    if params.get("AccessToken"):
        return True
    if params.get("Session"):
        return False
    raise InvalidParameterException("Either AccessToken or Session must be given.")


def _admin_named(ctx: Context, params: dict[str, Any]) -> ByName:
    return ByName(ctx.caller, params["UserPoolId"], params["Username"])


def _factor(settings: dict[str, Any] | None) -> FactorPreference | None:
    if settings is None:
        return None
    return FactorPreference(settings.get("Enabled"), settings.get("PreferredMfa"))


def _preferences(params: dict[str, Any]) -> MfaPreferences:
    passkey = params.get("WebAuthnMfaSettings") or {}
    return MfaPreferences(
        sms=_factor(params.get("SMSMfaSettings")),
        software_token=_factor(params.get("SoftwareTokenMfaSettings")),
        email=_factor(params.get("EmailMfaSettings")),
        passkey_mfa=passkey.get("Enabled"),
    )


def _options(params: dict[str, Any]) -> tuple[MfaOption, ...]:
    return tuple(
        MfaOption(option.get("DeliveryMedium"), option.get("AttributeName"))
        for option in params["MFAOptions"]
    )


def _auth_factors(factors: AuthFactors) -> dict[str, Any]:
    return {
        "Username": factors.username,
        "ConfiguredUserAuthFactors": list(factors.configured),
        **mfa_members(factors.mfa),
    }


@operation(IDP, "AssociateSoftwareToken")
async def associate_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    if not _signed_in(params):
        associated = await associate_in_setup(ctx.services.auth.context, params["Session"])
        return {"SecretCode": associated.secret_code, "Session": associated.session}
    return {"SecretCode": await ctx.services.mfa_settings.associate(params["AccessToken"])}


@operation(IDP, "VerifySoftwareToken")
async def verify_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    if not _signed_in(params):
        session = await verify_in_setup(
            ctx.services.auth.context, params["Session"], params["UserCode"]
        )
        return {"Status": "SUCCESS", "Session": session}
    await ctx.services.mfa_settings.verify(params["AccessToken"], params["UserCode"])
    return {"Status": "SUCCESS"}


@operation(IDP, "SetUserMFAPreference")
async def set_user_mfa_preference(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    subject = ByToken(params["AccessToken"])
    await ctx.services.mfa_settings.set_preference(subject, _preferences(params))
    return {}


@operation(IDP, "AdminSetUserMFAPreference")
async def admin_set_user_mfa_preference(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    subject = _admin_named(ctx, params)
    await ctx.services.mfa_settings.set_preference(subject, _preferences(params))
    return {}


@operation(IDP, "SetUserSettings")
async def set_user_settings(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    subject = ByToken(params["AccessToken"])
    await ctx.services.mfa_settings.set_sms_options(subject, _options(params))
    return {}


@operation(IDP, "AdminSetUserSettings")
async def admin_set_user_settings(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    subject = _admin_named(ctx, params)
    await ctx.services.mfa_settings.set_sms_options(subject, _options(params))
    return {}


@operation(IDP, "AdminDeleteSoftwareToken")
async def admin_delete_software_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.mfa_settings.delete_software_token(_admin_named(ctx, params))
    return {}


@operation(IDP, "GetUserAuthFactors")
async def get_user_auth_factors(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    factors = await ctx.services.mfa_settings.auth_factors(ByToken(params["AccessToken"]))
    return _auth_factors(factors)


@operation(IDP, "AdminGetUserAuthFactors")
async def admin_get_user_auth_factors(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    factors = await ctx.services.mfa_settings.auth_factors(_admin_named(ctx, params))
    return _auth_factors(factors)
