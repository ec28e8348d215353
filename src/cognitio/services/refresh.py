"""Refreshing tokens: InitiateAuth REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken.

From the InitiateAuth and GetTokensFromRefreshToken references: a refresh token of the same app
client gives new ID and access tokens for the sign-in it came from (same ``auth_time``,
``origin_jti`` and remembered device); with RefreshTokenRotation the client also gets a new
refresh token, and the old one works on only for the RetryGracePeriodSeconds.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    RefreshTokenReuseException,
    ResourceNotFoundException,
)
from cognitio.services.tokens import token_hash
from cognitio.store.records import ClientRecord, UserRecord

if TYPE_CHECKING:
    from cognitio.services.auth import Authenticator, AuthRequest


async def refresh_flow(auth: Authenticator, request: AuthRequest) -> dict[str, Any]:
    token = request.parameters.get("REFRESH_TOKEN")
    if not token:
        raise InvalidParameterException("Missing required parameter REFRESH_TOKEN")

    def check(user: UserRecord) -> None:
        if request.client.secret_sealed is not None:
            auth.check_secret_hash(request, request.parameters.get("USERNAME", user.username))

    result = await _refresh(auth, request.client, token, rotate=False, check=check)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


async def tokens_from_refresh_token(auth: Authenticator, params: dict[str, Any]) -> dict[str, Any]:
    """GetTokensFromRefreshToken: new tokens, and a new refresh token when the client rotates.

    Beyond Cognito's grace-period rule, a rotated token used after its grace period is taken
    as stolen: RefreshTokenReuseException, and every token of that sign-in is revoked.
    """
    async with auth._store.read() as tx:
        client = await tx.clients.find(params["ClientId"])
    if client is None:
        raise ResourceNotFoundException(f"User pool client {params['ClientId']} does not exist.")
    if client.secret_sealed is not None:
        given = (params.get("ClientSecret") or "").encode()
        if not hmac.compare_digest(given, auth._open_secret(client)):
            raise NotAuthorizedException(f"Unable to verify secret for client {client.id}")
    rotation = client.config.get("RefreshTokenRotation", {})
    rotate = rotation.get("Feature") == "ENABLED"
    result = await _refresh(
        auth,
        client,
        params["RefreshToken"],
        rotate=rotate,
        grace_ms=int(rotation.get("RetryGracePeriodSeconds", 0)) * 1000,
    )
    return {"AuthenticationResult": result}


async def _refresh(
    auth: Authenticator,
    client: ClientRecord,
    token: str,
    *,
    rotate: bool,
    grace_ms: int = 0,
    check: Callable[[UserRecord], None] | None = None,
) -> dict[str, Any]:
    now = time.time() * 1000
    reused = False
    async with auth._store.write() as tx:
        record = await tx.tokens.refresh_token(token_hash(token))
        if (
            record is None
            or record.revoked
            or record.client_id != client.id
            or record.expires_ms < now
        ):
            raise NotAuthorizedException("Invalid Refresh Token")
        user = await tx.users.get(record.sub)
        if user is None:
            raise NotAuthorizedException("Invalid Refresh Token")
        if check is not None:
            check(user)
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if rotate and record.rotated_ms is not None and now > record.rotated_ms + grace_ms:
            await tx.tokens.revoke_origin(record.origin_jti)
            reused = True
        else:
            if rotate and record.rotated_ms is None:
                await tx.tokens.mark_rotated(record.token_hash, int(now))
            result = await auth._tokens.issue(
                tx,
                client,
                user,
                auth_time=record.auth_time,
                origin_jti=record.origin_jti,
                with_refresh=rotate,
                device_key=record.device_key,
            )
    if reused:
        # Raised after the commit, so the revocation stands.
        raise RefreshTokenReuseException("Refresh token has already been used.")
    return result
