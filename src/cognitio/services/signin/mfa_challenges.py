"""The answers to the MFA challenges: SMS_MFA, EMAIL_OTP, SMS_OTP, SOFTWARE_TOKEN_MFA,
SELECT_MFA_TYPE and MFA_SETUP (with AssociateSoftwareToken and VerifySoftwareToken on its
Session). Which challenge is asked, and the codes sent, are
:mod:`cognitio.services.signin.mfa_step`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from cognitio.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
)
from cognitio.services.messages.codes import MFA as MFA_CODE
from cognitio.services.mfa.mfa import EMAIL, SMS, TOTP, user_factors
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import complete
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.mfa_step import MFA_SETUP, SMS_OTP, challenge_for
from cognitio.services.signin.request import AuthRequest, ChallengeIssued, Step
from cognitio.store.records import UserRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class SetupAssociation:
    """AssociateSoftwareToken in MFA_SETUP: the new secret, and the Session that goes on."""

    secret_code: str = field(repr=False)
    session: str = field(repr=False)


_CODE_MEMBERS = {
    SMS: "SMS_MFA_CODE",
    SMS_OTP: "SMS_OTP_CODE",
    EMAIL: "EMAIL_OTP_CODE",
    TOTP: "SOFTWARE_TOKEN_MFA_CODE",
}


async def answer_code(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """SMS_MFA and EMAIL_OTP: the code that was sent."""
    member = _CODE_MEMBERS[session.challenge]
    code = request.parameters.get(member)
    if not code:
        raise InvalidParameterException(f"Missing required parameter {member}")
    if not session.sub:  # the decoy of an unknown user (user_auth._decoy): nothing matches
        raise CodeMismatchException("Invalid code received for user")

    async def check(tx: Transaction, user: UserRecord) -> bool:
        return await ctx.codes.consume(tx, user.sub, MFA_CODE, code) is None

    return await _second_factor(ctx, request, session, check)


async def answer_select(
    ctx: FlowContext, request: AuthRequest, session: AuthSession
) -> ChallengeIssued:
    """SELECT_MFA_TYPE: the factor the user picked; the chosen challenge follows."""
    chosen = request.parameters.get("ANSWER", "")
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
        record = None if user is None else await tx.mfa.get(user.sub)
    if user is None:
        raise NotAuthorizedException("Invalid session for the user.")
    # Older clients answer EMAIL_MFA for the email factor.
    chosen = EMAIL if chosen == "EMAIL_MFA" else chosen
    if chosen not in user_factors(request.pool, user, record):
        raise InvalidParameterException(f"Invalid ANSWER for SELECT_MFA_TYPE: {chosen[:32]}")
    return await challenge_for(ctx, request, user, chosen)


async def mfa_setup(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """MFA_SETUP: answered once VerifySoftwareToken has proven the new authenticator."""
    if not session.data.get("verified"):
        raise NotAuthorizedException("Invalid session for the user.")
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
    if user is None or not user.enabled:
        raise NotAuthorizedException("Invalid session for the user.")
    return await complete(ctx, request, user)


async def associate_in_setup(ctx: FlowContext, session_token: str) -> SetupAssociation:
    """AssociateSoftwareToken with the MFA_SETUP Session instead of an access token."""
    async with ctx.store.write() as tx:
        session = await ctx.sessions.spend_any_client(tx, session_token, challenge=MFA_SETUP)
        user = await tx.users.get(session.sub)
        pool = await tx.pools.get(session.pool_id)
        if user is None or pool is None:
            raise NotAuthorizedException("Invalid session for the user.")
        secret = await ctx.mfa.associate(tx, pool, user)
    return SetupAssociation(secret, ctx.sessions.reissue(session))


async def verify_in_setup(ctx: FlowContext, session_token: str, code: str) -> str:
    """VerifySoftwareToken with the MFA_SETUP Session (a wrong code raises): the Session that
    answers MFA_SETUP and finishes the sign-in."""
    async with ctx.store.write() as tx:
        session = await ctx.sessions.spend_any_client(tx, session_token, challenge=MFA_SETUP)
        user = await tx.users.get(session.sub)
        if user is None:
            raise NotAuthorizedException("Invalid session for the user.")
        await ctx.mfa.verify_new(tx, user, code)
    return ctx.sessions.reissue(session, data={"verified": True})


async def software_token(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """SOFTWARE_TOKEN_MFA: the code from the user's authenticator app."""
    code = request.parameters.get("SOFTWARE_TOKEN_MFA_CODE")
    if not code:
        raise InvalidParameterException("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")

    async def check(tx: Transaction, user: UserRecord) -> bool:
        try:
            await ctx.mfa.check_code(tx, user, code)
        except CodeMismatchException:
            return False
        return True

    return await _second_factor(ctx, request, session, check)


async def _second_factor(
    ctx: FlowContext,
    request: AuthRequest,
    session: AuthSession,
    check: Callable[[Transaction, UserRecord], Awaitable[bool]],
) -> Step:
    """A second factor's answer: counted, checked against the session's user, then the rest
    of the sign-in."""
    user: UserRecord | None = None

    async def checked() -> bool:
        nonlocal user
        async with ctx.store.write() as tx:
            user = await tx.users.get(session.sub)
            if user is None or not user.enabled:
                raise NotAuthorizedException("Invalid session for the user.")
            return await check(tx, user)

    await ctx.verify_answer(session.sub, checked, wrong=_mismatch, second_factor=True)
    assert user is not None  # set by the check that passed
    return await _after_right_code(ctx, request, user)


def _mismatch() -> CodeMismatchException:
    return CodeMismatchException("Invalid code received for user")


async def _after_right_code(ctx: FlowContext, request: AuthRequest, user: UserRecord) -> Step:
    """The rest of the sign-in after a right code. Only a sign-in that ends in tokens (or a
    hosted session) clears the second-factor failures; otherwise the code's own count is taken
    back and earlier failures stand (security review #3)."""
    try:
        result = await complete(ctx, request, user)
    except Exception:
        await ctx.mfa_lockout.forgive(user.sub)
        raise
    if not isinstance(result, ChallengeIssued):  # tokens, or a hosted session
        await ctx.mfa_lockout.succeeded(user.sub)
    else:
        await ctx.mfa_lockout.forgive(user.sub)
    return result
