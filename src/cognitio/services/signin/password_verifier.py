"""RespondToAuthChallenge PASSWORD_VERIFIER: the client's proof that it knows the password.

Spec: ``srp_spec.md`` sections 4.3-4.5: the PASSWORD_CLAIM_SIGNATURE over the pool, the user,
the SECRET_BLOCK and a current TIMESTAMP, keyed by the SRP session key. A right claim continues
as a password sign-in, or returns to the custom sign-in that asked for it.
"""

from __future__ import annotations

from cognitio.crypto import srp
from cognitio.documents import text_member
from cognitio.errors import NotAuthorizedException
from cognitio.services.mfa.devices import tracks_devices
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import after_password
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.custom_auth import next_step
from cognitio.services.signin.custom_session import read_steps, step
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.signin.srp_flow import (
    CHALLENGE,
    claim_is_right,
    decoy_key,
    decoy_verifier,
    open_verifier,
    read_claim,
)
from cognitio.services.users.accounts import find_user
from cognitio.store.records import UserRecord

_INCORRECT = "Incorrect username or password."
_CLAIM_PARAMETERS = (
    "USERNAME",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "TIMESTAMP",
)


async def verify_password_claim(
    ctx: FlowContext, request: AuthRequest, session: AuthSession
) -> Step:
    """RespondToAuthChallenge PASSWORD_VERIFIER: check the claim (sections 4.3-4.5)."""
    responses = request.parameters
    # The block opened as this session (the engine's respond), so it is the one issued.
    claim = read_claim(responses, _CLAIM_PARAMETERS)
    user: UserRecord | None = None
    if session.sub:
        async with ctx.store.read() as tx:
            user = await tx.users.get(session.sub)
            named = await find_user(tx, request.pool, responses["USERNAME"])
        if user is None or named is None or named.sub != user.sub:
            raise NotAuthorizedException(_INCORRECT)
        # Read again: a password set since the challenge makes the claim fail, as it should.
        verifier = open_verifier(ctx, user)
        if verifier is None:
            raise NotAuthorizedException(_INCORRECT)
    else:
        # A decoy: do the same work, so the answer takes as long and fails alike.
        verifier = decoy_verifier(decoy_key(ctx), request.pool.id, session.username)
    pool_suffix = srp.pool_suffix(request.pool.id)
    right = await claim_is_right(
        claim, session.data, verifier.verifier, pool_suffix, session.username
    )
    if user is None:
        await ctx.count_decoy_failure(
            request, text_member(session.data, "name") or session.username
        )
        raise NotAuthorizedException(_INCORRECT)
    await ctx.verify_answer(user.sub, right)
    return await after_password_claim(ctx, request, user, session)


async def after_password_claim(
    ctx: FlowContext, request: AuthRequest, user: UserRecord, session: AuthSession
) -> Step:
    """A PASSWORD_VERIFIER that checked: the rest of a password sign-in, or back to the
    custom sign-in that asked for it."""
    custom = read_steps(session.data)
    if custom is None:
        return await after_password(ctx, request, user)
    return await next_step(ctx, request, user, [*custom, step(CHALLENGE, True)])


async def check_device_first(ctx: FlowContext, request: AuthRequest, session_token: str) -> None:
    """A PASSWORD_VERIFIER naming an unknown device fails *before* its block is used up.

    amazon-cognito-identity-js then sends the same answer without DEVICE_KEY, and Amplify
    signs the same SECRET_BLOCK again (``srp_spec.md`` section 4.4, step 2).
    """
    device_key = request.parameters.get("DEVICE_KEY")
    if not device_key or not tracks_devices(request.pool):
        return
    session = ctx.sessions.peek(session_token)
    if session is None or not session.sub:
        return  # spending it fails next, as it should
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
        if user is not None:
            await ctx.devices.confirmed(tx, user, device_key)
