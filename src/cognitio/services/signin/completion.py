"""How every sign-in ends, whatever its first factor: the account's state, the second factor,
the device's proof, then tokens (or, on the hosted pages, a hosted session).

Spec: the InitiateAuth reference and the developer guide's "Authentication flows". After the
first factor, a user with a temporary password is asked for a new one (NEW_PASSWORD_REQUIRED),
a user with MFA for the code (:mod:`cognitio.services.signin.mfa_step`, unless a remembered
device skips it), and a sign-in that named a confirmed device for the device's own proof
(DEVICE_SRP_AUTH, ``srp_spec.md`` section 5.2). PostAuthentication and PreTokenGeneration run
before anything is written.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import replace

import orjson

from cognitio.client_address import client_address
from cognitio.errors import (
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
)
from cognitio.services.common import ids
from cognitio.services.mfa.devices import skips_mfa, tracks_devices
from cognitio.services.pools.settings import pool_settings
from cognitio.services.signin.context import FlowContext, session_minutes
from cognitio.services.signin.mfa_step import second_step
from cognitio.services.signin.request import AuthRequest, ChallengeIssued, HostedSignIn, Step
from cognitio.services.triggers.triggers import post_authentication
from cognitio.store.records import UserRecord

DEVICE_SRP_AUTH = "DEVICE_SRP_AUTH"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"  # noqa: S105 (a challenge name)


async def after_password(ctx: FlowContext, request: AuthRequest, user: UserRecord) -> Step:
    """A first factor that checked: the account's state decides what comes next."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")
    if user.status == "FORCE_CHANGE_PASSWORD":
        days = pool_settings(request.pool).password_policy.temporary_password_validity_days
        set_ms = user.password_set_ms or user.created_ms
        if time.time() * 1000 > set_ms + days * 86_400_000:
            raise NotAuthorizedException(
                "Temporary password has expired and must be reset by an administrator."
            )
        return new_password_challenge(ctx, request, user)
    device_key = request.parameters.get("DEVICE_KEY")
    if device_key and tracks_devices(request.pool):
        request = replace(request, device_key=device_key)
    return await second_factor(ctx, request, user)


async def second_factor(
    ctx: FlowContext,
    request: AuthRequest,
    user: UserRecord,
    source: str = "TokenGeneration_Authentication",
) -> Step:
    """After the first factor: the MFA challenge (unless a remembered device skips it),
    else the end of the sign-in."""
    device = None
    if request.device_key and tracks_devices(request.pool):
        async with ctx.store.read() as tx:
            device = await ctx.devices.confirmed(tx, user, request.device_key)
    if device is None or not skips_mfa(request.pool, device):
        challenge = await second_step(ctx, request, user)
        if challenge is not None:
            return challenge
    return await complete(ctx, request, user, source=source)


async def complete(
    ctx: FlowContext,
    request: AuthRequest,
    user: UserRecord,
    *,
    device_proven: bool = False,
    source: str = "TokenGeneration_Authentication",
) -> Step:
    """The end of a sign-in: the device's own proof if it named one, then the tokens.

    PostAuthentication and PreTokenGeneration run here, before anything is written. Tokens
    of a sign-in without a device carry NewDeviceMetadata when the pool tracks devices.
    """
    if request.device_key is not None and not device_proven:
        return await device_challenge(ctx, request, user)
    call = request.call(user)
    new_device = request.device_key is None and tracks_devices(request.pool)
    if request.hosted:
        await post_authentication(ctx.triggers, call, user, new_device=False)
        return HostedSignIn(user.sub)
    await post_authentication(ctx.triggers, call, user, new_device=new_device)
    if device_proven:
        source = "TokenGeneration_AuthenticateDevice"
    overrides = await ctx.token_overrides(call, source, user)
    async with ctx.store.write() as tx:
        tokens = await ctx.tokens.issue(
            tx, request.client, user, device_key=request.device_key, overrides=overrides
        )
        if request.device_key is not None:
            await tx.devices.authenticated(request.device_key, ids.now_ms())
        elif tracks_devices(request.pool):
            tokens = replace(tokens, new_device=await ctx.devices.issue(tx, request.pool, user))
    return tokens


async def device_challenge(
    ctx: FlowContext, request: AuthRequest, user: UserRecord
) -> ChallengeIssued:
    """Ask the device named by the sign-in to prove itself (DEVICE_SRP_AUTH)."""
    device_key = str(request.device_key)
    sid = str(uuid.uuid4())
    origin = request_origin()
    challenge = ctx.challenge(request, user, DEVICE_SRP_AUTH, {}, sid=sid, data={"origin": origin})
    async with ctx.store.write() as tx:
        # Bound to this sign-in (security review #24): another sign-in cannot take it, and an
        # answer without the Session must come from where the sign-in came from.
        armed_by = f"{request.client.id}:{origin}:{sid}"
        until = ids.now_ms() + session_minutes(request) * 60_000
        await tx.devices.arm(device_key, until, armed_by)
    return challenge


def request_origin() -> str:
    """The client address of the request being served, as a short digest (``unknown`` when
    there is none)."""
    address = client_address.get()
    if address is None:
        return "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:16]


def new_password_challenge(
    ctx: FlowContext, request: AuthRequest, user: UserRecord
) -> ChallengeIssued:
    """A user with a temporary password must choose a new one (and any required attribute)."""
    required = [
        name
        for name in pool_settings(request.pool).required_attributes
        if name != "sub" and not user.attributes.get(name)
    ]
    shown = {k: v for k, v in user.attributes.items() if not k.startswith("dev:")}
    session = ctx.sessions.issue(
        pool_id=request.pool.id,
        client_id=request.client.id,
        sub=user.sub,
        username=user.username,
        challenge=NEW_PASSWORD_REQUIRED,
        validity_minutes=session_minutes(request),
        data={"hosted": True} if request.hosted else None,
    )
    return ChallengeIssued(
        NEW_PASSWORD_REQUIRED,
        session,
        {
            "USER_ID_FOR_SRP": user.username,
            "requiredAttributes": orjson.dumps([f"userAttributes.{n}" for n in required]).decode(),
            "userAttributes": orjson.dumps(shown).decode(),
        },
    )
