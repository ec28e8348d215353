"""Refreshing tokens: InitiateAuth REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken.

From the InitiateAuth and GetTokensFromRefreshToken references: a refresh token of the same app
client gives new ID and access tokens for the sign-in it came from (same ``auth_time``,
``origin_jti`` and remembered device); with RefreshTokenRotation the client also gets a new
refresh token, and the old one works on only for the RetryGracePeriodSeconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    RefreshTokenReuseException,
)
from cognitio.services.clients.app_clients import find_client
from cognitio.services.clients.settings import client_settings
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.request import AuthRequest
from cognitio.services.tokens.tokens import TokenSet, token_hash
from cognitio.services.triggers.triggers import Call
from cognitio.store.records import ClientRecord, RefreshTokenRecord, UserRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class GetTokensFromRefreshToken:
    """GetTokensFromRefreshToken: the refresh token, and the client's secret if it has one."""

    client_id: str
    refresh_token: str = field(repr=False)
    client_secret: str | None = field(default=None, repr=False)
    metadata: Mapping[str, str] = field(default_factory=dict)


async def refresh_flow(ctx: FlowContext, request: AuthRequest) -> TokenSet:
    token = request.parameters.get("REFRESH_TOKEN")
    if not token:
        raise InvalidParameterException("Missing required parameter REFRESH_TOKEN")
    if _rotation(request.client)[0]:
        # "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token
        # rotation enabled" (developer guide, "Refresh tokens"): a rotated-out token must not
        # find a way around the rotation (security review #6).
        raise InvalidParameterException(
            "REFRESH_TOKEN_AUTH is not supported for an app client with refresh token rotation "
            "enabled; use GetTokensFromRefreshToken."
        )

    def check(user: UserRecord) -> None:
        if request.client.secret_sealed is not None:
            ctx.check_secret_hash(request, request.parameters.get("USERNAME", user.username))

    return await _refresh(
        ctx, request.client, token, rotate=False, check=check, metadata=request.metadata
    )


async def tokens_from_refresh_token(
    ctx: FlowContext, command: GetTokensFromRefreshToken
) -> TokenSet:
    """GetTokensFromRefreshToken: new tokens, and a new refresh token when the client rotates.

    Beyond Cognito's grace-period rule, a rotated token used after its grace period is taken
    as stolen: RefreshTokenReuseException, and every token of that sign-in is revoked.
    """
    async with ctx.store.read() as tx:
        client = await find_client(tx, command.client_id)
    if client.secret_sealed is not None and not ctx.clients.secret_matches(
        client, command.client_secret
    ):
        raise NotAuthorizedException(f"Unable to verify secret for client {client.id}")
    rotate, grace_ms = _rotation(client)
    return await _refresh(
        ctx,
        client,
        command.refresh_token,
        rotate=rotate,
        grace_ms=grace_ms,
        metadata=dict(command.metadata),
    )


async def refresh_tokens(ctx: FlowContext, client: ClientRecord, token: str) -> TokenSet:
    """The token endpoint's refresh_token grant: as GetTokensFromRefreshToken (the client's
    client secret already checked)."""
    rotate, grace_ms = _rotation(client)
    return await _refresh(ctx, client, token, rotate=rotate, grace_ms=grace_ms)


def _rotation(client: ClientRecord) -> tuple[bool, int]:
    """Whether the client rotates refresh tokens, and the grace period of a rotated one (ms)."""
    settings = client_settings(client)
    return settings.refresh_token_rotation, settings.rotation_grace_period_ms


async def _refresh(
    ctx: FlowContext,
    client: ClientRecord,
    token: str,
    *,
    rotate: bool,
    grace_ms: int = 0,
    check: Callable[[UserRecord], None] | None = None,
    metadata: dict[str, str] | None = None,
) -> TokenSet:
    async with ctx.store.read() as tx:
        record, user = await _usable(tx, client, token)
        pool = await tx.pools.get(client.pool_id)
    if check is not None:
        check(user)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    overrides = None
    if pool is not None:
        # Outside the transaction: a function may take seconds.
        call = Call(pool, user.username, client.id, metadata or {})
        overrides = await ctx.token_overrides(call, "TokenGeneration_RefreshTokens", user)
    reused = False
    async with ctx.store.write() as tx:
        record, user = await _usable(tx, client, token)  # again: it may be revoked meanwhile
        now = time.time() * 1000  # read after the row: a racing rotation may be older than us
        if (
            rotate
            and record.rotated_ms is not None
            and (grace_ms == 0 or now > record.rotated_ms + grace_ms)
        ):
            # Without a grace period, a rotated token is never good again, even for a request
            # that began before the rotation (security review #19).
            reused = True
        elif rotate and record.rotated_ms is None:
            # Lost to a concurrent refresh of the same token (PostgreSQL, READ COMMITTED):
            # taken as the sequential case is, reuse unless a grace period covers it
            # (security review #19).
            won = await tx.refresh_tokens.mark_rotated(record.token_hash, int(now))
            reused = not won and grace_ms == 0
        if reused:
            await tx.refresh_tokens.revoke_origin(record.origin_jti)
        else:
            result = await ctx.tokens.issue(
                tx,
                client,
                user,
                auth_time=record.auth_time,
                origin_jti=record.origin_jti,
                with_refresh=rotate,
                device_key=record.device_key,
                overrides=overrides,
                scopes=None if record.scopes is None else record.scopes.split(),
            )
    if reused:
        # Raised after the commit, so the revocation stands.
        raise RefreshTokenReuseException("Refresh token has already been used.")
    return result


async def _usable(
    tx: Transaction, client: ClientRecord, token: str
) -> tuple[RefreshTokenRecord, UserRecord]:
    """The refresh token's record and user, or "Invalid Refresh Token"."""
    record = await tx.refresh_tokens.get(token_hash(token))
    if (
        record is None
        or record.revoked
        or record.client_id != client.id
        or record.expires_ms < time.time() * 1000
    ):
        raise NotAuthorizedException("Invalid Refresh Token")
    user = await tx.users.get(record.sub)
    if user is None:
        raise NotAuthorizedException("Invalid Refresh Token")
    return record, user
