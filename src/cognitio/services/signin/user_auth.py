"""Choice-based sign-in (AuthFlow USER_AUTH) and the factors a user can start with.

From the InitiateAuth reference and the developer guide's "Authentication flows": the pool's
SignInPolicy.AllowedFirstAuthFactors lists what may come first; a user can use PASSWORD and
PASSWORD_SRP with a password, EMAIL_OTP with an email address and SMS_OTP with a phone number.
A user with a passkey can use WEB_AUTHN. With PREFERRED_CHALLENGE the named factor starts at
once; without it the answer is SELECT_CHALLENGE with the AvailableChallenges, and the user
answers with one of them.
"""

from __future__ import annotations

from dataclasses import replace

from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from cognitio.services.clients.settings import client_settings
from cognitio.services.messages.codes import FIRST_FACTOR
from cognitio.services.mfa import passkeys
from cognitio.services.mfa.mfa import user_factors
from cognitio.services.mfa.passkeys import WEB_AUTHN, passkey_counts_as_mfa
from cognitio.services.pools.settings import pool_settings
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import complete
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.mfa_step import send_code
from cognitio.services.signin.password import password_flow
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.signin.srp_flow import srp_flow
from cognitio.services.triggers.triggers import pre_authentication, pre_authentication_unknown
from cognitio.services.users.accounts import find_user
from cognitio.services.users.decoys import (
    decoy_destination,
    decoy_has_mfa,
    decoy_subject,
)
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

SELECT_CHALLENGE = "SELECT_CHALLENGE"
_ORDER = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")


def available_factors(
    pool: UserPoolRecord,
    user: UserRecord,
    *,
    passkeys: int,
    passkey_mfa: bool,
    has_mfa: bool = False,
) -> list[str]:
    """The first factors this user may use in this pool, in Cognito's order. A one-time code
    goes only to a verified email address or phone number.

    ``passkeys`` counts the user's passkeys; ``passkey_mfa`` says whether a passkey counts as
    MFA for them; ``has_mfa`` whether they have a second factor on that the pool offers. With
    MFA required, or a user who turned MFA on, a one-time code alone would skip the second
    factor, so only a passkey that counts as MFA (WebAuthnMfaSettings) remains beside the
    password. Cognito documents the same: passwordless sign-in is not available to a user
    with MFA configured.
    """
    return factors_for(
        pool,
        password=user.password_hash is not None,
        srp=user.srp_sealed is not None,
        # A code goes only to an address the user proved is theirs, never to one they typed.
        email=bool(user.attributes.get("email"))
        and user.attributes.get("email_verified") == "true",
        phone=bool(user.attributes.get("phone_number"))
        and user.attributes.get("phone_number_verified") == "true",
        passkeys=passkeys,
        passkey_mfa=passkey_mfa,
        has_mfa=has_mfa,
    )


def factors_for(
    pool: UserPoolRecord,
    *,
    password: bool,
    srp: bool,
    email: bool,
    phone: bool,
    passkeys: int,
    passkey_mfa: bool,
    has_mfa: bool,
) -> list[str]:
    """:func:`available_factors` for a user described by what they have."""
    allowed = pool_settings(pool).allowed_first_auth_factors
    # Security review #4: a user's own MFA counts as much as the pool's.
    required = pool_settings(pool).mfa_configuration == "ON" or has_mfa
    has = {
        "PASSWORD": password,
        "PASSWORD_SRP": srp,
        "EMAIL_OTP": email and not required,
        "SMS_OTP": phone and not required,
        "WEB_AUTHN": passkeys > 0 and (passkey_mfa or not required),
    }
    # PASSWORD in the policy allows both password factors.
    permitted = set(allowed) | ({"PASSWORD_SRP"} if "PASSWORD" in allowed else set())
    return [factor for factor in _ORDER if factor in permitted and has[factor]]


async def first_factors(tx: Transaction, pool: UserPoolRecord, user: UserRecord) -> list[str]:
    """:func:`available_factors`, with what it needs read from the store."""
    record = await tx.mfa.get(user.sub)
    return available_factors(
        pool,
        user,
        passkeys=await tx.passkeys.count(user.sub),
        passkey_mfa=passkey_counts_as_mfa(pool, record),
        has_mfa=pool_settings(pool).mfa_configuration != "OFF"
        and bool(user_factors(pool, user, record)),
    )


async def configured_factors(tx: Transaction, pool: UserPoolRecord, user: UserRecord) -> list[str]:
    """GetUserAuthFactors' ConfiguredUserAuthFactors: the first factors the user can use now."""
    return [factor for factor in await first_factors(tx, pool, user) if factor != "PASSWORD_SRP"]


async def user_auth_flow(ctx: FlowContext, request: AuthRequest) -> Step:
    """InitiateAuth USER_AUTH."""
    username = request.parameters.get("USERNAME")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    ctx.check_secret_hash(request, username)
    async with ctx.store.read() as tx:
        user = await find_user(tx, request.pool, username)
        factors = [] if user is None else await first_factors(tx, request.pool, user)
    if user is None and not client_settings(request.client).prevent_user_existence_errors:
        raise UserNotFoundException("User does not exist.")
    preferred = request.parameters.get("PREFERRED_CHALLENGE")
    if user is None:
        return await _decoy(ctx, request, username, preferred)
    if preferred:
        return await start(ctx, request, user, preferred)
    challenge = ctx.challenge(request, user, SELECT_CHALLENGE, {})
    return replace(challenge, available=tuple(factors))


def decoy_factors(pool: UserPoolRecord, *, has_mfa: bool) -> list[str]:
    """The first factors an unknown user is offered: what a user with a password and the
    addresses the pool asks for would have (no passkey), with MFA or without."""
    settings = pool_settings(pool)
    asked = set(settings.username_attributes) | set(settings.auto_verified_attributes)
    asked |= set(settings.required_attributes)
    # A pool that offers codes by email has users with email addresses.
    asked |= {"email"} if "EMAIL_OTP" in settings.allowed_first_auth_factors else set()
    return factors_for(
        pool,
        password=True,
        srp=True,
        email="email" in asked,
        phone="phone_number" in asked,
        passkeys=0,
        passkey_mfa=False,
        has_mfa=has_mfa,
    )


async def _decoy(ctx: FlowContext, request: AuthRequest, username: str, factor: str | None) -> Step:
    """USER_AUTH for a user that does not exist, in a client that hides whether users exist:
    every answer looks like a real user's, and none of them can succeed (security review #8)."""
    key = ctx.decoy_key
    has_mfa = decoy_has_mfa(key, pool_settings(request.pool), username)
    factors = decoy_factors(request.pool, has_mfa=has_mfa)
    if not factor:
        challenge = ctx.challenge_as(request, "", username, SELECT_CHALLENGE, {})
        return replace(challenge, available=tuple(factors))
    if factor not in factors:
        raise InvalidParameterException(
            f"The {factor[:32]} challenge is not available for the user."
        )
    parameters = {**request.parameters, "USERNAME": username}
    if factor == "PASSWORD":
        return await password_flow(ctx, replace(request, parameters=parameters))
    if factor == "PASSWORD_SRP":
        return await srp_flow(ctx, replace(request, parameters=parameters))
    # A known user's passwordless factor runs PreAuthentication (start); so does the decoy's.
    await pre_authentication_unknown(
        ctx.triggers, request.pool, request.client, username, request.metadata
    )
    attribute = "email" if factor == "EMAIL_OTP" else "phone_number"
    destination = decoy_destination(key, request.pool.id, username, attribute)
    sub = decoy_subject(key, request.pool.id, username)
    await ctx.codes.limit_message(
        None, sub, FIRST_FACTOR, request.pool.id, destination.address, decoy=True
    )
    details = destination.details()
    return ctx.challenge_as(
        request,
        "",
        username,
        factor,
        {
            "CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"],
        },
    )


async def start(ctx: FlowContext, request: AuthRequest, user: UserRecord, factor: str) -> Step:
    """Begin the chosen first factor; the request's parameters carry what it needs.

    Without a password step, the account's state is checked first (an unconfirmed user, whose
    address is not verified yet, hears that it is unconfirmed).
    """
    if factor not in ("PASSWORD", "PASSWORD_SRP"):
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if user.status == "UNCONFIRMED":
            raise UserNotConfirmedException("User is not confirmed.")
        if user.status != "CONFIRMED":
            raise NotAuthorizedException(
                f"Passwordless sign-in cannot sign in a user whose status is {user.status}."
            )
    async with ctx.store.read() as tx:
        factors = await first_factors(tx, request.pool, user)
    if factor not in factors:
        raise InvalidParameterException(
            f"The {factor[:32]} challenge is not available for the user."
        )
    if factor == "PASSWORD":
        return await password_flow(ctx, request)
    if factor == "PASSWORD_SRP":
        return await srp_flow(ctx, request)
    await pre_authentication(ctx.triggers, request.call(user), user, request.metadata or None)
    if factor == WEB_AUTHN:
        async with ctx.store.read() as tx:
            options, challenge = await passkeys.request_options(tx, request.pool, user)
        parameters = {"CREDENTIAL_REQUEST_OPTIONS": options}
        return ctx.challenge(request, user, WEB_AUTHN, parameters, data={"challenge": challenge})
    return await send_code(ctx, request, user, factor, first_factor=True)


async def answer_web_authn(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """WEB_AUTHN: CREDENTIAL, the passkey's assertion over the challenge in the Session."""
    credential = request.parameters.get("CREDENTIAL")
    if not credential:
        raise InvalidParameterException("Missing required parameter CREDENTIAL")
    user: UserRecord | None = None

    async def check() -> bool:
        nonlocal user
        async with ctx.store.write() as tx:
            user = await tx.users.get(session.sub)
            if user is None or not user.enabled:
                raise NotAuthorizedException("Invalid session for the user.")
            try:
                await passkeys.verify_assertion(
                    tx, request.pool, user, credential, str(session.data["challenge"])
                )
            except NotAuthorizedException:
                return False
            return True

    await ctx.verify_answer(
        session.sub,
        check,
        wrong=lambda: NotAuthorizedException("The passkey's signature could not be verified."),
    )
    assert user is not None  # set by the check that passed
    return await complete(ctx, request, user)


async def answer_select(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """SELECT_CHALLENGE: ANSWER names the factor, with its inputs (PASSWORD, SRP_A) beside it.

    The answer continues the sign-in of the user the session was issued for: a USERNAME that
    names someone else is refused (security review #24).
    """
    answer = request.parameters.get("ANSWER", "")
    named = request.parameters.get("USERNAME")
    if not session.sub:  # the decoy of an unknown user
        if named is not None and named.lower() != session.username.lower():
            raise NotAuthorizedException("Invalid session for the user.")
        return await _decoy(ctx, request, session.username, answer or "-")
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
        other = None if named is None else await find_user(tx, request.pool, named)
    if user is None or (named is not None and (other is None or other.sub != user.sub)):
        raise NotAuthorizedException("Invalid session for the user.")
    parameters = {**request.parameters, "USERNAME": named or user.username}
    return await start(ctx, replace(request, parameters=parameters), user, answer)
