"""Sign-in and token operations on the wire: the AWS parameters become the sign-in engine's
commands, and its typed outcomes (a challenge, or tokens) become the AWS output shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.api.user_shapes import mfa_members
from cognitio.services.signin.refresh import GetTokensFromRefreshToken, tokens_from_refresh_token
from cognitio.services.signin.request import (
    AdminCaller,
    ChallengeIssued,
    InitiateAuth,
    Outcome,
    RespondToAuthChallenge,
)
from cognitio.services.tokens.sign_out import RevokeToken
from cognitio.services.tokens.tokens import TokenSet


def authentication_result(tokens: TokenSet) -> dict[str, Any]:
    """A :class:`TokenSet` as Cognito's AuthenticationResult (and GetClientToken's
    ClientAuthenticationResult, which has only the access token's members)."""
    result: dict[str, Any] = {
        "AccessToken": tokens.access_token,
        "ExpiresIn": tokens.expires_in,
        "TokenType": tokens.token_type,
    }
    if tokens.id_token is not None:
        result["IdToken"] = tokens.id_token
    if tokens.refresh_token is not None:
        result["RefreshToken"] = tokens.refresh_token
    if tokens.new_device is not None:
        result["NewDeviceMetadata"] = {
            "DeviceKey": tokens.new_device.device_key,
            "DeviceGroupKey": tokens.new_device.device_group_key,
        }
    return result


def _outcome(outcome: Outcome) -> dict[str, Any]:
    """InitiateAuth's and RespondToAuthChallenge's output (and their admin twins')."""
    if isinstance(outcome, TokenSet):
        return {"ChallengeParameters": {}, "AuthenticationResult": authentication_result(outcome)}
    return _challenge(outcome)


def _challenge(challenge: ChallengeIssued) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "ChallengeName": challenge.name,
        "ChallengeParameters": dict(challenge.parameters),
    }
    if challenge.session is not None:
        shape["Session"] = challenge.session
    if challenge.available:
        shape["AvailableChallenges"] = list(challenge.available)
    return shape


def _admin(ctx: Context, params: dict[str, Any]) -> AdminCaller:
    return AdminCaller(ctx.caller, str(params.get("UserPoolId", "")))


def _initiate(params: dict[str, Any], admin: AdminCaller | None = None) -> InitiateAuth:
    return InitiateAuth(
        client_id=params["ClientId"],
        flow=params["AuthFlow"],
        parameters=dict(params.get("AuthParameters") or {}),
        metadata=dict(params.get("ClientMetadata") or {}),
        admin=admin,
    )


def _respond(params: dict[str, Any], admin: AdminCaller | None = None) -> RespondToAuthChallenge:
    return RespondToAuthChallenge(
        client_id=params["ClientId"],
        challenge_name=params["ChallengeName"],
        responses=dict(params.get("ChallengeResponses") or {}),
        session=params.get("Session"),
        metadata=dict(params.get("ClientMetadata") or {}),
        admin=admin,
    )


@operation(IDP, "InitiateAuth")
async def initiate_auth(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return _outcome(await ctx.services.auth.initiate(_initiate(params)))


@operation(IDP, "AdminInitiateAuth")
async def admin_initiate_auth(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return _outcome(await ctx.services.auth.initiate(_initiate(params, _admin(ctx, params))))


@operation(IDP, "GetUser")
async def get_user(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    found = await ctx.services.own_account.get_user(params["AccessToken"])
    return {
        "Username": found.user.username,
        "UserAttributes": [
            {"Name": name, "Value": value}
            for name, value in {"sub": found.user.sub, **found.attributes}.items()
        ],
        **mfa_members(found.mfa),
    }


@operation(IDP, "GlobalSignOut")
async def global_sign_out(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.sign_out.global_sign_out(params["AccessToken"])
    return {}


@operation(IDP, "AdminUserGlobalSignOut")
async def admin_user_global_sign_out(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.users.global_sign_out(ctx.caller, params["UserPoolId"], params["Username"])
    return {}


@operation(IDP, "RevokeToken")
async def revoke_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = RevokeToken(
        client_id=params["ClientId"],
        token=params["Token"],
        client_secret=params.get("ClientSecret"),
    )
    await ctx.services.sign_out.revoke(command)
    return {}


@operation(IDP, "RespondToAuthChallenge")
async def respond_to_auth_challenge(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return _outcome(await ctx.services.auth.respond(_respond(params)))


@operation(IDP, "AdminRespondToAuthChallenge")
async def admin_respond_to_auth_challenge(
    ctx: Context, params: dict[str, Any]
) -> Mapping[str, Any]:
    return _outcome(await ctx.services.auth.respond(_respond(params, _admin(ctx, params))))


@operation(IDP, "GetTokensFromRefreshToken")
async def get_tokens_from_refresh_token(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = GetTokensFromRefreshToken(
        client_id=params["ClientId"],
        refresh_token=params["RefreshToken"],
        client_secret=params.get("ClientSecret"),
        metadata=dict(params.get("ClientMetadata") or {}),
    )
    tokens = await tokens_from_refresh_token(ctx.services.auth.context, command)
    return {"AuthenticationResult": authentication_result(tokens)}
