"""Lambda triggers: the events Cognito sends a pool's LambdaConfig functions, and their answers.

Event shapes and triggerSource values follow the developer guide's "Customizing user pool
workflows with Lambda triggers" and its page per trigger. Every event has ``version``,
``triggerSource``, ``region``, ``userPoolId``, ``userName``, ``callerContext`` (``awsSdkVersion``,
``clientId``), ``request`` and ``response``; the function answers with the event, ``response``
filled in. A trigger runs outside any database transaction, so a slow function holds no lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cognitio.errors import InvalidLambdaResponseException, InvalidParameterException
from cognitio.functions.invoker import Functions
from cognitio.messaging.messages import OutgoingMessage, render
from cognitio.services.groups import group_claims
from cognitio.services.tokens import TokenOverrides
from cognitio.store.records import GroupRecord, UserPoolRecord, UserRecord

# LambdaConfig members that name a function directly, and those that hold {LambdaArn, ...}.
_PLAIN = (
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
)
_NESTED = ("PreTokenGenerationConfig", "CustomSMSSender", "CustomEmailSender", "InboundFederation")
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
_SDK = "aws-sdk-unknown-unknown"


def user_attributes(user: UserRecord) -> dict[str, str]:
    """``request.userAttributes`` as Cognito sends them: sub, the attributes, the status."""
    shown = {k: v for k, v in user.attributes.items() if not k.startswith("dev:")}
    return {
        "sub": user.sub,
        **shown,
        "cognito:user_status": user.status,
    }


@dataclass(frozen=True, slots=True)
class Call:
    """Who and what a trigger is about, beyond its own request members."""

    pool: UserPoolRecord
    user_name: str
    client_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


class Triggers:
    """Finds a pool's function for a trigger and invokes it with Cognito's event."""

    def __init__(self, functions: Functions) -> None:
        self._functions = functions

    def check(self, lambda_config: dict[str, Any]) -> None:
        """CreateUserPool / UpdateUserPool: every function named must be mapped."""
        for member, arn in _arns(lambda_config):
            if not self._functions.knows(arn):
                raise InvalidParameterException(
                    f"LambdaConfig.{member}: no function is mapped for {arn}. Map its name in "
                    "the [functions] table of the server's config file."
                )

    def configured(self, pool: UserPoolRecord, trigger: str) -> str | None:
        """The ARN the pool's LambdaConfig names for ``trigger``, if any."""
        config = pool.config.get("LambdaConfig") or {}
        if trigger in _NESTED:
            nested = config.get(trigger)
            return None if not nested else nested.get("LambdaArn")
        arn = config.get(trigger)
        return str(arn) if arn else None

    async def run(
        self,
        call: Call,
        trigger: str,
        source: str,
        request: dict[str, Any],
        *,
        response: dict[str, Any] | None = None,
        version: str = "1",
        arn: str | None = None,
    ) -> dict[str, Any] | None:
        """Invoke the pool's function for ``trigger``; its ``response``, or None when the pool
        has none."""
        arn = arn or self.configured(call.pool, trigger)
        if arn is None:
            return None
        event = {
            "version": version,
            "triggerSource": source,
            "region": call.pool.id.partition("_")[0],
            "userPoolId": call.pool.id,
            "userName": call.user_name,
            "callerContext": {"awsSdkVersion": _SDK, "clientId": call.client_id or NO_CLIENT},
            "request": request,
            "response": response if response is not None else {},
        }
        answer = await self._functions.invoke(arn, trigger, event)
        result = answer.get("response")
        if result is None:
            return {}
        if not isinstance(result, dict):
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
        return result


def flag(response: dict[str, Any], name: str) -> bool:
    """A boolean member of a response: absent or null is false, anything but a boolean is bad."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def text(response: dict[str, Any], name: str) -> str | None:
    """A string member of a response (absent or null: None)."""
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def _arns(config: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(member, str(config[member])) for member in _PLAIN if config.get(member)]
    for member in _NESTED:
        nested = config.get(member)
        if nested and nested.get("LambdaArn"):
            found.append((f"{member}.LambdaArn", str(nested["LambdaArn"])))
    return found


@dataclass(frozen=True, slots=True)
class SignUpDecision:
    """What a PreSignUp function decided."""

    confirm: bool = False
    verify_email: bool = False
    verify_phone: bool = False

    def apply(self, attributes: dict[str, str]) -> dict[str, str]:
        """The attributes with the addresses the function verified marked so."""
        changed = dict(attributes)
        for wanted, attribute in (
            (self.verify_email, "email"),
            (self.verify_phone, "phone_number"),
        ):
            if not wanted:
                continue
            if not attributes.get(attribute):
                raise InvalidParameterException(
                    f"PreSignUp asked to verify {attribute}, but the user has none."
                )
            changed[f"{attribute}_verified"] = "true"
        return changed


async def pre_sign_up(
    triggers: Triggers,
    call: Call,
    source: str,
    attributes: dict[str, str],
    validation_data: dict[str, str] | None,
) -> SignUpDecision:
    """PreSignUp_SignUp, PreSignUp_AdminCreateUser: may confirm the user, verify addresses."""
    request = {
        "userAttributes": dict(attributes),
        "validationData": validation_data,
        "clientMetadata": call.metadata or None,
    }
    response = await triggers.run(
        call,
        "PreSignUp",
        source,
        request,
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    if response is None:
        return SignUpDecision()
    return SignUpDecision(
        confirm=flag(response, "autoConfirmUser"),
        verify_email=flag(response, "autoVerifyEmail"),
        verify_phone=flag(response, "autoVerifyPhone"),
    )


async def post_confirmation(triggers: Triggers, call: Call, source: str, user: UserRecord) -> None:
    """PostConfirmation_ConfirmSignUp, PostConfirmation_ConfirmForgotPassword."""
    request = {"userAttributes": user_attributes(user), "clientMetadata": call.metadata or None}
    await triggers.run(call, "PostConfirmation", source, request)


async def pre_authentication(
    triggers: Triggers,
    call: Call,
    user: UserRecord | None,
    validation_data: dict[str, str] | None = None,
) -> None:
    """PreAuthentication_Authentication, before the password (or first factor) is checked."""
    request: dict[str, Any] = {
        "userAttributes": {} if user is None else user_attributes(user),
        "validationData": validation_data,
        "userNotFound": user is None,
    }
    if user is None and triggers.configured(call.pool, "PreAuthentication") is None:
        return
    await triggers.run(call, "PreAuthentication", "PreAuthentication_Authentication", request)


async def post_authentication(
    triggers: Triggers, call: Call, user: UserRecord, *, new_device: bool
) -> None:
    """PostAuthentication_Authentication, after the last factor and before the tokens."""
    request = {
        "userAttributes": user_attributes(user),
        "newDeviceUsed": new_device,
        "clientMetadata": call.metadata or None,
    }
    await triggers.run(call, "PostAuthentication", "PostAuthentication_Authentication", request)


_TOKEN_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}


async def pre_token_generation(
    triggers: Triggers,
    call: Call,
    source: str,
    user: UserRecord,
    groups: list[GroupRecord],
    scopes: list[str],
) -> TokenOverrides | None:
    """TokenGeneration_*: the claims (and, from version 2, scopes) to change in the tokens."""
    arn = triggers.configured(call.pool, "PreTokenGeneration")
    if arn is None:
        return None
    config = (call.pool.config.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {}
    version = _TOKEN_VERSIONS.get(str(config.get("LambdaVersion", "V1_0")), "1")
    _, identity = group_claims(groups)
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user),
        "groupConfiguration": {
            "groupsToOverride": identity.get("cognito:groups", []),
            "iamRolesToOverride": identity.get("cognito:roles", []),
            "preferredRole": identity.get("cognito:preferred_role"),
        },
        "clientMetadata": call.metadata or None,
    }
    details_member = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
    if version != "1":
        request["scopes"] = scopes
    response = await triggers.run(
        call,
        "PreTokenGeneration",
        source,
        request,
        response={details_member: None},
        version=version,
        arn=arn,
    )
    details = _mapping((response or {}).get(details_member))
    if version == "1":
        id_part, access_part = details, {}
    else:
        id_part = _mapping(details.get("idTokenGeneration"))
        access_part = _mapping(details.get("accessTokenGeneration"))
    group_part = _mapping(details.get("groupOverrideDetails"))
    return TokenOverrides(
        id_claims=_mapping(id_part.get("claimsToAddOrOverride")),
        id_suppress=tuple(_strings(id_part.get("claimsToSuppress"))),
        access_claims=_mapping(access_part.get("claimsToAddOrOverride")),
        access_suppress=tuple(_strings(access_part.get("claimsToSuppress"))),
        scopes_add=tuple(_strings(access_part.get("scopesToAdd"))),
        scopes_suppress=tuple(_strings(access_part.get("scopesToSuppress"))),
        groups=_strings(group_part["groupsToOverride"])
        if group_part.get("groupsToOverride") is not None
        else None,
        roles=_strings(group_part["iamRolesToOverride"])
        if group_part.get("iamRolesToOverride") is not None
        else None,
        preferred_role=text(group_part, "preferredRole"),
    )


def _mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return list(value)


@dataclass(frozen=True, slots=True)
class Decision:
    """DefineAuthChallenge's answer."""

    challenge: str | None
    issue_tokens: bool
    fail: bool


async def define_auth_challenge(
    triggers: Triggers, call: Call, user: UserRecord, session: list[dict[str, Any]]
) -> Decision:
    """DefineAuthChallenge_Authentication: what comes next in a custom sign-in."""
    request = {
        "userAttributes": user_attributes(user),
        "session": session,
        "clientMetadata": call.metadata or None,
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
    private: dict[str, Any]
    metadata: str | None


async def create_auth_challenge(
    triggers: Triggers,
    call: Call,
    user: UserRecord,
    name: str,
    session: list[dict[str, Any]],
) -> Challenge:
    """CreateAuthChallenge_Authentication: the challenge's public and private parameters."""
    request = {
        "userAttributes": user_attributes(user),
        "challengeName": name,
        "session": session,
        "clientMetadata": call.metadata or None,
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
    public = _mapping(response.get("publicChallengeParameters"))
    return Challenge(
        public={str(k): str(v) for k, v in public.items()},
        private=_mapping(response.get("privateChallengeParameters")),
        metadata=text(response, "challengeMetadata"),
    )


async def verify_auth_challenge(
    triggers: Triggers,
    call: Call,
    user: UserRecord,
    private: dict[str, Any],
    answer: str,
) -> bool:
    """VerifyAuthChallengeResponse_Authentication: whether the answer is right."""
    request = {
        "userAttributes": user_attributes(user),
        "privateChallengeParameters": private,
        "challengeAnswer": answer,
        "clientMetadata": call.metadata or None,
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


_CODE = "{####}"


async def custom_messages(
    triggers: Triggers, call: Call, user: UserRecord, messages: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """CustomMessage_*: the pool's function words the messages (once per triggerSource; its
    smsMessage for SMS, emailMessage and emailSubject for email); what it leaves null keeps
    the pool's own wording."""
    if triggers.configured(call.pool, "CustomMessage") is None:
        return messages
    answers: dict[str, dict[str, Any]] = {}
    worded = []
    for message in messages:
        wording = message.wording
        if wording is None:
            worded.append(message)
            continue
        if wording.source not in answers:
            request = {
                "userAttributes": user_attributes(user),
                "codeParameter": _CODE,
                "usernameParameter": "{username}" if wording.username is not None else None,
                "linkParameter": "{##Click Here##}",
                "clientMetadata": call.metadata or None,
            }
            empty = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
            answer = await triggers.run(
                call, "CustomMessage", wording.source, request, response=empty
            )
            answers[wording.source] = answer or {}
        answer = answers[wording.source]
        body = text(answer, "smsMessage" if message.channel == "sms" else "emailMessage")
        subject = message.subject
        if message.channel == "email":
            subject = text(answer, "emailSubject") or subject
        if body is not None:
            if _CODE not in body:
                raise InvalidLambdaResponseException(
                    f"The custom message must contain the code parameter {_CODE}."
                )
            body = render(body, code=wording.code, username=wording.username)
        worded.append(replace(message, body=body or message.body, subject=subject))
    return worded


_SENDERS = {"email": ("CustomEmailSender", "customEmailSenderRequestV1"),
            "sms": ("CustomSMSSender", "customSMSSenderRequestV1")}  # fmt: skip


async def hand_to_senders(
    triggers: Triggers, call: Call, user: UserRecord, messages: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """CustomEmailSender / CustomSMSSender: the pool's function sends these messages itself.

    Cognito encrypts ``request.code`` with the pool's KMS key; there is no KMS here, so the code
    arrives as it is. The messages left over are the ones this server still sends.
    """
    remaining = []
    for message in messages:
        trigger, request_type = _SENDERS[message.channel]
        wording = message.wording
        if wording is None or triggers.configured(call.pool, trigger) is None:
            remaining.append(message)
            continue
        source = f"{trigger}_{wording.source.removeprefix('CustomMessage_')}"
        request = {
            "type": request_type,
            "code": wording.code,
            "clientMetadata": call.metadata or None,
            "userAttributes": user_attributes(user),
        }
        await triggers.run(call, trigger, source, request)
    return remaining
