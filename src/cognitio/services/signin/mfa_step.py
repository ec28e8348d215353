"""The second step of a sign-in: which MFA challenge follows the first factor, and sending codes.

Which one (developer guide, "Adding MFA"): with the pool's MFA OFF, none; otherwise the user's
preferred factor, or the only one they have on, or SELECT_MFA_TYPE when they have several and no
preference; with MFA ON and no factor at all, MFA_SETUP. SMS and email codes are six digits, valid
for the sign-in Session's lifetime, sent with the pool's SmsAuthenticationMessage or
EmailMfaConfiguration. The answers are :mod:`cognitio.services.signin.mfa_challenges`.
"""

from __future__ import annotations

import orjson

from cognitio.errors import UnsupportedOperationException
from cognitio.messaging.messages import (
    DEFAULT_SMS_AUTHENTICATION_MESSAGE,
    OutgoingMessage,
    Wording,
    render,
)
from cognitio.services.messages.codes import FIRST_FACTOR
from cognitio.services.messages.codes import MFA as MFA_CODE
from cognitio.services.messages.notifications import Destination
from cognitio.services.mfa.mfa import EMAIL, TOTP, software_token_enabled_in, user_factors
from cognitio.services.pools.settings import EmailMfaSettings, pool_settings
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.request import AuthRequest, ChallengeIssued
from cognitio.store.records import UserRecord

MFA_SETUP = "MFA_SETUP"
SELECT = "SELECT_MFA_TYPE"
SMS_OTP = "SMS_OTP"  # a passwordless first factor (USER_AUTH); EMAIL_OTP serves both roles
_DEFAULT_EMAIL_SUBJECT = "Your sign-in code"
_DEFAULT_EMAIL_MESSAGE = "Your sign-in code is {####}. "


async def second_step(
    ctx: FlowContext, request: AuthRequest, user: UserRecord
) -> ChallengeIssued | None:
    """The MFA challenge a sign-in continues with, or None when it goes straight to tokens."""
    mode = pool_settings(request.pool).mfa_configuration
    if mode == "OFF":
        return None
    async with ctx.store.read() as tx:
        record = await tx.mfa.get(user.sub)
    factors = user_factors(request.pool, user, record)
    if not factors:
        if mode != "ON":
            return None
        if not software_token_enabled_in(request.pool):
            raise UnsupportedOperationException(
                "Setting up SMS or email MFA at sign-in is not available in this version of "
                "Cognitio yet; enable software tokens in the pool's MFA configuration."
            )
        can_set_up = orjson.dumps([TOTP]).decode()
        return ctx.challenge(request, user, MFA_SETUP, {"MFAS_CAN_SETUP": can_set_up})
    preferred = record.preferred if record is not None else None
    if preferred in factors:
        return await challenge_for(ctx, request, user, str(preferred))
    if len(factors) == 1:
        return await challenge_for(ctx, request, user, factors[0])
    return ctx.challenge(request, user, SELECT, {"MFAS_CAN_CHOOSE": orjson.dumps(factors).decode()})


async def challenge_for(
    ctx: FlowContext, request: AuthRequest, user: UserRecord, factor: str
) -> ChallengeIssued:
    if factor == TOTP:
        return ctx.challenge(request, user, TOTP, {"USER_ID_FOR_SRP": user.username})
    return await send_code(ctx, request, user, factor)


async def send_code(
    ctx: FlowContext,
    request: AuthRequest,
    user: UserRecord,
    factor: str,
    *,
    first_factor: bool = False,
) -> ChallengeIssued:
    """Send a sign-in code by SMS (SMS_MFA, SMS_OTP) or email (EMAIL_OTP); challenge for it.

    A ``first_factor`` code (passwordless) is counted apart from the codes that follow a
    password, which a stranger cannot ask for and so cannot use up.
    """
    attribute = "email" if factor == EMAIL else "phone_number"
    destination = Destination(attribute, user.attributes[attribute])
    async with ctx.store.write() as tx:
        code = await ctx.codes.issue_for_message(
            tx,
            user.sub,
            MFA_CODE,
            (request.pool.id, destination.address),
            kind=FIRST_FACTOR if first_factor else None,
        )
    if code is not None:
        await ctx.deliver([_code_message(request, destination, factor, code)], request, user)
    details = destination.details()
    return ctx.challenge(
        request,
        user,
        factor,
        {
            "CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"],
        },
    )


def _code_message(
    request: AuthRequest, destination: Destination, factor: str, code: str
) -> OutgoingMessage:
    pool = pool_settings(request.pool)
    subject: str | None
    if factor != EMAIL:
        template = pool.sms_authentication_message or DEFAULT_SMS_AUTHENTICATION_MESSAGE
        body, subject = render(template, code=code, username=None), None
    else:
        email = pool.email_mfa or EmailMfaSettings()
        body = render(email.message or _DEFAULT_EMAIL_MESSAGE, code=code, username=None)
        subject = email.subject or _DEFAULT_EMAIL_SUBJECT
    return OutgoingMessage(
        channel="email" if factor == EMAIL else "sms",
        to=destination.address,
        subject=subject,
        body=body,
        user_pool_id=request.pool.id,
        wording=Wording("CustomMessage_Authentication", code),
    )
