"""The second step of a sign-in: SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP.

Which one follows a correct password (developer guide, "Adding MFA"): with the pool's MFA OFF,
none; otherwise the user's preferred factor, or the only one they have on, or SELECT_MFA_TYPE
when they have several and no preference; with MFA ON and no factor at all, MFA_SETUP. SMS and
email codes are six digits, valid for the sign-in Session's lifetime, sent with the pool's
SmsAuthenticationMessage or EmailMfaConfiguration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from cognitio.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedOperationException,
)
from cognitio.messaging.messages import (
    DEFAULT_SMS_AUTHENTICATION_MESSAGE,
    OutgoingMessage,
    Wording,
    render,
)
from cognitio.services.messages.codes import MFA as MFA_CODE
from cognitio.services.messages.notifications import Destination
from cognitio.services.mfa.mfa import EMAIL, SMS, TOTP, software_token_enabled_in, user_factors
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.store.records import UserRecord

if TYPE_CHECKING:
    from cognitio.services.signin.auth import Authenticator, AuthRequest

MFA_SETUP = "MFA_SETUP"
SELECT = "SELECT_MFA_TYPE"
SMS_OTP = "SMS_OTP"  # a passwordless first factor (USER_AUTH); EMAIL_OTP serves both roles
_CODE_MEMBERS = {
    SMS: "SMS_MFA_CODE",
    SMS_OTP: "SMS_OTP_CODE",
    EMAIL: "EMAIL_OTP_CODE",
    TOTP: "SOFTWARE_TOKEN_MFA_CODE",
}
_DEFAULT_EMAIL_SUBJECT = "Your sign-in code"
_DEFAULT_EMAIL_MESSAGE = "Your sign-in code is {####}. "


async def second_step(
    auth: Authenticator, request: AuthRequest, user: UserRecord
) -> dict[str, Any] | None:
    """The MFA challenge a sign-in continues with, or None when it goes straight to tokens."""
    mode = request.pool.config.get("MfaConfiguration", "OFF")
    if mode == "OFF":
        return None
    async with auth._store.read() as tx:
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
        return auth._challenge(request, user, MFA_SETUP, {"MFAS_CAN_SETUP": can_set_up})
    preferred = record.preferred if record is not None else None
    if preferred in factors:
        return await challenge_for(auth, request, user, str(preferred))
    if len(factors) == 1:
        return await challenge_for(auth, request, user, factors[0])
    return auth._challenge(
        request, user, SELECT, {"MFAS_CAN_CHOOSE": orjson.dumps(factors).decode()}
    )


async def challenge_for(
    auth: Authenticator, request: AuthRequest, user: UserRecord, factor: str
) -> dict[str, Any]:
    if factor == TOTP:
        return auth._challenge(request, user, TOTP, {"USER_ID_FOR_SRP": user.username})
    return await send_code(auth, request, user, factor)


async def send_code(
    auth: Authenticator, request: AuthRequest, user: UserRecord, factor: str
) -> dict[str, Any]:
    """Send a sign-in code by SMS (SMS_MFA, SMS_OTP) or email (EMAIL_OTP); challenge for it."""
    attribute = "email" if factor == EMAIL else "phone_number"
    destination = Destination(attribute, user.attributes[attribute])
    async with auth._store.write() as tx:
        code = await auth._codes.issue(
            tx, user.sub, MFA_CODE, message_to=(request.pool.id, destination.address)
        )
    message = _code_message(request, destination, factor, code)
    await auth._users.deliver([message], call=request.call(user), user=user)
    details = destination.details()
    return auth._challenge(
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
    pool = request.pool.config
    if factor != EMAIL:
        template = pool.get("SmsAuthenticationMessage", DEFAULT_SMS_AUTHENTICATION_MESSAGE)
        body, subject = render(template, code=code, username=None), None
    else:
        settings = pool.get("EmailMfaConfiguration", {})
        template = settings.get("Message", _DEFAULT_EMAIL_MESSAGE)
        body = render(template, code=code, username=None)
        subject = settings.get("Subject", _DEFAULT_EMAIL_SUBJECT)
    return OutgoingMessage(
        channel="email" if factor == EMAIL else "sms",
        to=destination.address,
        subject=subject,
        body=body,
        user_pool_id=request.pool.id,
        wording=Wording("CustomMessage_Authentication", code),
    )


async def answer_code(
    auth: Authenticator, request: AuthRequest, session: AuthSession
) -> dict[str, Any]:
    """SMS_MFA and EMAIL_OTP: the code that was sent."""
    member = _CODE_MEMBERS[session.challenge]
    code = request.parameters.get(member)
    if not code:
        raise InvalidParameterException(f"Missing required parameter {member}")
    if not session.sub:  # the decoy of an unknown user (user_auth._decoy): nothing matches
        raise CodeMismatchException("Invalid code received for user")
    await auth.mfa_lockout.attempt(session.sub)
    async with auth._store.write() as tx:
        user = await tx.users.get(session.sub)
        if user is None or not user.enabled:
            raise NotAuthorizedException("Invalid session for the user.")
        failure = await auth._codes.consume(tx, user.sub, MFA_CODE, code)
    if failure is not None:
        raise CodeMismatchException("Invalid code received for user")
    return await _after_right_code(auth, request, user)


async def answer_select(
    auth: Authenticator, request: AuthRequest, session: AuthSession
) -> dict[str, Any]:
    """SELECT_MFA_TYPE: the factor the user picked; the chosen challenge follows."""
    chosen = request.parameters.get("ANSWER", "")
    async with auth._store.read() as tx:
        user = await tx.users.get(session.sub)
        record = None if user is None else await tx.mfa.get(user.sub)
    if user is None:
        raise NotAuthorizedException("Invalid session for the user.")
    # Older clients answer EMAIL_MFA for the email factor.
    chosen = EMAIL if chosen == "EMAIL_MFA" else chosen
    if chosen not in user_factors(request.pool, user, record):
        raise InvalidParameterException(f"Invalid ANSWER for SELECT_MFA_TYPE: {chosen[:32]}")
    return await challenge_for(auth, request, user, chosen)


async def mfa_setup(
    auth: Authenticator, request: AuthRequest, session: AuthSession
) -> dict[str, Any]:
    """MFA_SETUP: answered once VerifySoftwareToken has proven the new authenticator."""
    if not session.data.get("verified"):
        raise NotAuthorizedException("Invalid session for the user.")
    async with auth._store.read() as tx:
        user = await tx.users.get(session.sub)
    if user is None or not user.enabled:
        raise NotAuthorizedException("Invalid session for the user.")
    return await auth.complete(request, user)


async def associate_in_setup(auth: Authenticator, session_token: str) -> dict[str, Any]:
    """AssociateSoftwareToken with the MFA_SETUP Session instead of an access token."""
    async with auth._store.write() as tx:
        session = await auth._sessions.spend_any_client(tx, session_token, challenge=MFA_SETUP)
        user = await tx.users.get(session.sub)
        pool = await tx.pools.get(session.pool_id)
        if user is None or pool is None:
            raise NotAuthorizedException("Invalid session for the user.")
        secret = await auth._mfa.associate(tx, pool, user)
    return {"SecretCode": secret, "Session": auth._sessions.reissue(session)}


async def verify_in_setup(auth: Authenticator, session_token: str, code: str) -> dict[str, Any]:
    """VerifySoftwareToken with the MFA_SETUP Session; its answer's Session finishes sign-in."""
    async with auth._store.write() as tx:
        session = await auth._sessions.spend_any_client(tx, session_token, challenge=MFA_SETUP)
        user = await tx.users.get(session.sub)
        if user is None:
            raise NotAuthorizedException("Invalid session for the user.")
        await auth._mfa.verify_new(tx, user, code)
    return {
        "Status": "SUCCESS",
        "Session": auth._sessions.reissue(session, data={"verified": True}),
    }


async def software_token(
    auth: Authenticator, request: AuthRequest, session: AuthSession
) -> dict[str, Any]:
    """SOFTWARE_TOKEN_MFA: the code from the user's authenticator app."""
    code = request.parameters.get("SOFTWARE_TOKEN_MFA_CODE")
    if not code:
        raise InvalidParameterException("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
    await auth.mfa_lockout.attempt(session.sub)
    async with auth._store.write() as tx:
        user = await tx.users.get(session.sub)
        if user is None or not user.enabled:
            raise NotAuthorizedException("Invalid session for the user.")
        try:
            await auth._mfa.check_code(tx, user, code)
        except CodeMismatchException:
            failed = True
        else:
            failed = False
    if failed:
        raise CodeMismatchException("Invalid code received for user")
    return await _after_right_code(auth, request, user)


async def _after_right_code(
    auth: Authenticator, request: AuthRequest, user: UserRecord
) -> dict[str, Any]:
    """The rest of the sign-in after a right code. Only a sign-in that ends in tokens (or a
    hosted session) clears the second-factor failures; otherwise the code's own count is taken
    back and earlier failures stand (security review #3)."""
    try:
        result = await auth.complete(request, user)
    except Exception:
        await auth.mfa_lockout.forgive(user.sub)
        raise
    if "AuthenticationResult" in result or "Hosted" in result:
        await auth.mfa_lockout.succeeded(user.sub)
    else:
        await auth.mfa_lockout.forgive(user.sub)
    return result
