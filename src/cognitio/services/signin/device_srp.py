"""DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: a remembered device proves it holds its secret.

Spec: ``srp_spec.md`` section 5.2. After a correct password from a sign-in that named a confirmed
device, the server asks for DEVICE_SRP_AUTH; the client sends ``SRP_A``; the server answers with
DEVICE_PASSWORD_VERIFIER (``B`` from the device's verifier, its salt as stored, a SECRET_BLOCK);
the client's PASSWORD_CLAIM_SIGNATURE is section 4.3's with ``v`` the device verifier,
DeviceGroupKey in place of the pool name and DeviceKey in place of USER_ID_FOR_SRP.

pycognito answers DEVICE_SRP_AUTH without the Session. The sign-in's password step therefore also
arms the device in the database, for the Session's lifetime; the answer, with or without the
Session, uses that up, so a device's secret alone never signs anyone in.
"""

from __future__ import annotations

import base64
from dataclasses import replace

from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.clients.settings import client_settings
from cognitio.services.common import ids
from cognitio.services.mfa.devices import device_missing
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import DEVICE_SRP_AUTH, complete, request_origin
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.request import AuthRequest, ChallengeIssued, Step
from cognitio.services.signin.srp_flow import (
    b64,
    b64_int,
    claim_is_right,
    client_public_key,
    read_claim,
    server_ephemeral,
)
from cognitio.services.users.accounts import find_user

DEVICE_PASSWORD_VERIFIER = "DEVICE_PASSWORD_VERIFIER"  # noqa: S105 (a challenge name)
_INCORRECT = "Incorrect username or password."
_INVALID_SESSION = "Invalid session for the user."
_CLAIM_PARAMETERS = (
    "USERNAME",
    "DEVICE_KEY",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "TIMESTAMP",
)


async def armed_session(ctx: FlowContext, request: AuthRequest) -> AuthSession:
    """DEVICE_SRP_AUTH sent without a Session: the device itself says which sign-in it continues.

    The answer still has to find the device armed by that sign-in's password step.
    """
    device_key = request.parameters.get("DEVICE_KEY")
    if not device_key:
        raise InvalidParameterException("Missing required parameter Session")
    async with ctx.store.read() as tx:
        device = await tx.devices.get(device_key)
    if device is None or device.pool_id != request.pool.id or not device.confirmed:
        raise device_missing()
    return AuthSession(
        sid="",  # none: the arm is taken by any sign-in of this client (DeviceRepository)
        pool_id=request.pool.id,
        client_id=request.client.id,
        sub=device.sub,
        username="",
        challenge=DEVICE_SRP_AUTH,
        expires_ms=ids.now_ms(),
        data={"device_key": device_key},
    )


async def answer_device_srp(
    ctx: FlowContext, request: AuthRequest, session: AuthSession
) -> ChallengeIssued:
    """RespondToAuthChallenge DEVICE_SRP_AUTH: answer with DEVICE_PASSWORD_VERIFIER."""
    responses = request.parameters
    for name in ("USERNAME", "DEVICE_KEY"):
        if not responses.get(name):
            raise InvalidParameterException(f"Missing required parameter {name}")
    device_key = responses["DEVICE_KEY"]
    if device_key != session.data.get("device_key"):
        raise NotAuthorizedException(_INVALID_SESSION)
    big_a = client_public_key(responses.get("SRP_A"))
    async with ctx.store.write() as tx:
        if session.sid:  # this sign-in's own Session: the arm it set, from where it set it
            armed_by = f"{request.client.id}:{session.data.get('origin', '')}:{session.sid}"
            taken = await tx.devices.take_arm(device_key, ids.now_ms(), armed_by)
        else:
            armed_by = f"{request.client.id}:{request_origin()}:"
            taken = await tx.devices.take_arm(device_key, ids.now_ms(), armed_by, any_session=True)
        if not taken:
            raise NotAuthorizedException(_INVALID_SESSION)
        user = await tx.users.get(session.sub)
        named = await find_user(tx, request.pool, responses["USERNAME"])
        if user is None or named is None or named.sub != user.sub:
            raise NotAuthorizedException(_INCORRECT)
        device = await ctx.devices.confirmed(tx, user, device_key)
    verifier = ctx.devices.verifier(device)
    if verifier is None or device.salt is None:
        raise device_missing()
    b, big_b = server_ephemeral(big_a, verifier)
    token = ctx.sessions.issue(
        pool_id=request.pool.id,
        client_id=request.client.id,
        sub=user.sub,
        username=user.username,
        challenge=DEVICE_PASSWORD_VERIFIER,
        validity_minutes=client_settings(request.client).auth_session_validity_minutes,
        data={"A": b64_int(big_a), "b": b64_int(b), "device_key": device_key},
    )
    # As for PASSWORD_VERIFIER, the SECRET_BLOCK is the sealed session, so a client that does
    # not send the Session back (pycognito) still brings the state with it.
    secret_block = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return ChallengeIssued(
        DEVICE_PASSWORD_VERIFIER,
        token,
        {
            "USERNAME": user.username,
            "DEVICE_KEY": device_key,
            "SRP_B": format(big_b, "x"),
            # Echoed as stored: the bytes the client hashed, already in PAD form.
            "SALT": device.salt.hex(),
            "SECRET_BLOCK": b64(secret_block),
        },
    )


async def answer_device_password(
    ctx: FlowContext, request: AuthRequest, session: AuthSession
) -> Step:
    """RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER: check the device's claim, then tokens."""
    responses = request.parameters
    claim = read_claim(responses, _CLAIM_PARAMETERS)
    device_key = responses["DEVICE_KEY"]
    if device_key != session.data.get("device_key"):
        raise NotAuthorizedException(_INVALID_SESSION)
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
        named = await find_user(tx, request.pool, responses["USERNAME"])
        if user is None or named is None or named.sub != user.sub:
            raise NotAuthorizedException(_INCORRECT)
        device = await ctx.devices.confirmed(tx, user, device_key)
    verifier = ctx.devices.verifier(device)
    if verifier is None:
        raise device_missing()
    right = await claim_is_right(claim, session.data, verifier, device.group_key, device_key)
    await ctx.verify_answer(user.sub, right)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return await complete(ctx, replace(request, device_key=device_key), user, device_proven=True)
