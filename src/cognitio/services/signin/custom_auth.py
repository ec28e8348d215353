"""CUSTOM_AUTH: a sign-in whose steps the pool's Lambda functions decide.

From the developer guide's "Custom authentication challenge Lambda triggers": DefineAuthChallenge
sees the session so far (``challengeName``, ``challengeResult``, ``challengeMetadata`` per step)
and answers with the next challenge, ``issueTokens`` or ``failAuthentication``;
CreateAuthChallenge makes a CUSTOM_CHALLENGE's public and private parameters;
VerifyAuthChallengeResponse judges the ``ANSWER``. With ``CHALLENGE_NAME: SRP_A`` and ``SRP_A`` in
the AuthParameters the session starts with a passed SRP_A step, so DefineAuthChallenge can ask for
PASSWORD_VERIFIER (the password, by SRP) before custom challenges. The steps so far and the
private parameters travel in the sealed Session; no node keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from cognitio.documents import JsonObject, object_member, text_member
from cognitio.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from cognitio.services.clients.settings import client_settings
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import complete
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.custom_session import (
    ChallengeResult,
    read_steps,
    step,
    steps_document,
)
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.signin.srp_flow import CHALLENGE as PASSWORD_VERIFIER
from cognitio.services.signin.srp_flow import srp_flow
from cognitio.services.triggers.triggers import (
    Call,
    Triggers,
    flag,
    pre_authentication,
    pre_authentication_unknown,
    string_map,
    text,
    user_attributes,
)
from cognitio.services.users.accounts import find_user
from cognitio.store.records import UserRecord

# At most this much of a CreateAuthChallenge answer travels in the Session (private
# parameters as JSON, and the metadata).
MAX_CARRIED_CHARS = 4096

CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
_INCORRECT = "Incorrect username or password."


async def custom_auth_flow(ctx: FlowContext, request: AuthRequest) -> Step:
    """InitiateAuth CUSTOM_AUTH."""
    username = request.parameters.get("USERNAME")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    if ctx.triggers.configured(request.pool, "DefineAuthChallenge") is None:
        raise InvalidParameterException(
            "Custom auth lambda trigger is not configured for the user pool."
        )
    ctx.check_secret_hash(request, username)
    async with ctx.store.read() as tx:
        user = await find_user(tx, request.pool, username)
    if user is None:
        await pre_authentication_unknown(
            ctx.triggers, request.pool, request.client, username, request.metadata
        )
        if client_settings(request.client).prevent_user_existence_errors:
            raise NotAuthorizedException(_INCORRECT)
        raise UserNotFoundException("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")
    await pre_authentication(ctx.triggers, request.call(user), user, request.metadata or None)
    session: list[ChallengeResult] = []
    if request.parameters.get("CHALLENGE_NAME") == "SRP_A":
        session.append(step("SRP_A", True))
    return await next_step(ctx, request, user, session)


async def next_step(
    ctx: FlowContext, request: AuthRequest, user: UserRecord, session: list[ChallengeResult]
) -> Step:
    """Ask DefineAuthChallenge what follows, and do it."""
    call = request.call(user)
    decision = await define_auth_challenge(ctx.triggers, call, user, session)
    if decision.fail:
        raise NotAuthorizedException(_INCORRECT)
    if decision.issue_tokens:
        return await complete(ctx, request, user)
    if decision.challenge == CUSTOM_CHALLENGE:
        created = await create_auth_challenge(ctx.triggers, call, user, CUSTOM_CHALLENGE, session)
        parameters = {**created.public, "USERNAME": user.username}
        data: JsonObject = {
            "custom": steps_document(session),
            "private": created.private,
            "metadata": created.metadata,
        }
        return ctx.challenge(request, user, CUSTOM_CHALLENGE, parameters, data=data)
    if decision.challenge == PASSWORD_VERIFIER and not any(
        entry["challengeName"] == PASSWORD_VERIFIER for entry in session
    ):
        if not request.parameters.get("SRP_A"):
            raise InvalidParameterException(
                "PASSWORD_VERIFIER needs SRP_A in the AuthParameters of CUSTOM_AUTH."
            )
        return await srp_flow(ctx, request, custom=session)
    raise InvalidLambdaResponseException("Unrecognizable lambda output")


async def answer_custom_challenge(
    ctx: FlowContext, request: AuthRequest, session: AuthSession
) -> Step:
    """RespondToAuthChallenge CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges ANSWER."""
    answer = request.parameters.get("ANSWER")
    if answer is None:
        raise InvalidParameterException("Missing required parameter ANSWER")
    async with ctx.store.read() as tx:
        user = await tx.users.get(session.sub)
    if user is None or not user.enabled:
        raise NotAuthorizedException("Invalid session for the user.")
    correct = await verify_auth_challenge(
        ctx.triggers, request.call(user), user, object_member(session.data, "private"), answer
    )
    steps = [
        *(read_steps(session.data) or []),
        step(CUSTOM_CHALLENGE, correct, text_member(session.data, "metadata")),
    ]
    return await next_step(ctx, request, user, steps)


@dataclass(frozen=True, slots=True)
class Decision:
    """DefineAuthChallenge's answer."""

    challenge: str | None
    issue_tokens: bool
    fail: bool


async def define_auth_challenge(
    triggers: Triggers, call: Call, user: UserRecord, session: list[ChallengeResult]
) -> Decision:
    """DefineAuthChallenge_Authentication: what comes next in a custom sign-in."""
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "session": steps_document(session),
        "clientMetadata": call.client_metadata(),
        "userNotFound": False,
    }
    response = await triggers.run(
        call,
        "DefineAuthChallenge",
        "DefineAuthChallenge_Authentication",
        request,
        response={"challengeName": None, "issueTokens": False, "failAuthentication": False},
    )
    response = response or {}
    return Decision(
        challenge=text(response, "challengeName"),
        issue_tokens=flag(response, "issueTokens"),
        fail=flag(response, "failAuthentication"),
    )


@dataclass(frozen=True, slots=True)
class Challenge:
    """CreateAuthChallenge's answer."""

    public: dict[str, str]
    private: JsonObject
    metadata: str | None


async def create_auth_challenge(
    triggers: Triggers,
    call: Call,
    user: UserRecord,
    name: str,
    session: list[ChallengeResult],
) -> Challenge:
    """CreateAuthChallenge_Authentication: the challenge's public and private parameters."""
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "challengeName": name,
        "session": steps_document(session),
        "clientMetadata": call.client_metadata(),
        "userNotFound": False,
    }
    response = await triggers.run(
        call,
        "CreateAuthChallenge",
        "CreateAuthChallenge_Authentication",
        request,
        response={
            "publicChallengeParameters": {},
            "privateChallengeParameters": {},
            "challengeMetadata": None,
        },
    )
    response = response or {}
    challenge = Challenge(
        public=string_map(response.get("publicChallengeParameters")),
        private={**string_map(response.get("privateChallengeParameters"))},
        metadata=text(response, "challengeMetadata"),
    )
    # The private parameters and the metadata ride in the Session the client sends back.
    carried = len(orjson.dumps(challenge.private)) + len(challenge.metadata or "")
    if carried > MAX_CARRIED_CHARS:
        raise InvalidLambdaResponseException(
            "CreateAuthChallenge answered more than "
            f"{MAX_CARRIED_CHARS} characters of private challenge parameters and metadata."
        )
    return challenge


async def verify_auth_challenge(
    triggers: Triggers,
    call: Call,
    user: UserRecord,
    private: JsonObject,
    answer: str,
) -> bool:
    """VerifyAuthChallengeResponse_Authentication: whether the answer is right."""
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "privateChallengeParameters": private,
        "challengeAnswer": answer,
        "clientMetadata": call.client_metadata(),
        "userNotFound": False,
    }
    response = await triggers.run(
        call,
        "VerifyAuthChallengeResponse",
        "VerifyAuthChallengeResponse_Authentication",
        request,
        response={"answerCorrect": None},
    )
    return flag(response or {}, "answerCorrect")
