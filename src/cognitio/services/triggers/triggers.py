"""Lambda triggers: the events Cognito sends a pool's LambdaConfig functions, and their answers.

Event shapes and triggerSource values follow the developer guide's "Customizing user pool
workflows with Lambda triggers" and its page per trigger. Every event has ``version``,
``triggerSource``, ``region``, ``userPoolId``, ``userName``, ``callerContext`` (``awsSdkVersion``,
``clientId``), ``request`` and ``response``; the function answers with the event, ``response``
filled in. A trigger runs outside any database transaction, so a slow function holds no lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidLambdaResponseException, InvalidParameterException
from cognitio.functions.invoker import Functions
from cognitio.services.clients.settings import client_settings
from cognitio.services.pools.settings import NESTED_TRIGGERS, pool_settings
from cognitio.services.tokens.claims import group_claims
from cognitio.services.tokens.tokens import TokenOverrides
from cognitio.store.records import ClientRecord, GroupRecord, UserPoolRecord, UserRecord

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
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
_SDK = "aws-sdk-unknown-unknown"


def user_attributes(user: UserRecord) -> JsonObject:
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

    def client_metadata(self) -> JsonObject | None:
        """``request.clientMetadata``: the caller's ClientMetadata, null when it gave none."""
        return {**self.metadata} or None


class Triggers:
    """Finds a pool's function for a trigger and invokes it with Cognito's event."""

    def __init__(self, functions: Functions) -> None:
        self._functions = functions

    def check(self, lambda_config: Mapping[str, JsonValue]) -> None:
        """CreateUserPool / UpdateUserPool: every function named must be mapped."""
        for member, arn in _arns(lambda_config):
            if not self._functions.knows(arn):
                raise InvalidParameterException(
                    f"LambdaConfig.{member}: no function is mapped for {arn}. Map its name in "
                    "the [functions] table of the server's config file."
                )

    def configured(self, pool: UserPoolRecord, trigger: str) -> str | None:
        """The ARN the pool's LambdaConfig names for ``trigger``, if any."""
        return pool_settings(pool).triggers.get(trigger)

    async def run(
        self,
        call: Call,
        trigger: str,
        source: str,
        request: JsonObject,
        *,
        response: JsonObject | None = None,
        version: str = "1",
        arn: str | None = None,
    ) -> JsonObject | None:
        """Invoke the pool's function for ``trigger``; its ``response``, or None when the pool
        has none."""
        arn = arn or self.configured(call.pool, trigger)
        if arn is None:
            return None
        event: JsonObject = {
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


def flag(response: JsonObject, name: str) -> bool:
    """A boolean member of a response: absent or null is false, anything but a boolean is bad."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def text(response: JsonObject, name: str) -> str | None:
    """A string member of a response (absent or null: None)."""
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def _arns(config: Mapping[str, JsonValue]) -> list[tuple[str, str]]:
    found = [(member, str(config[member])) for member in _PLAIN if config.get(member)]
    for member in NESTED_TRIGGERS:
        nested = config.get(member)
        if isinstance(nested, dict) and nested.get("LambdaArn"):
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
    request: JsonObject = {
        "userAttributes": {**attributes},
        "validationData": None if validation_data is None else {**validation_data},
        "clientMetadata": call.client_metadata(),
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
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "clientMetadata": call.client_metadata(),
    }
    await triggers.run(call, "PostConfirmation", source, request)


async def pre_authentication(
    triggers: Triggers,
    call: Call,
    user: UserRecord | None,
    validation_data: dict[str, str] | None = None,
) -> None:
    """PreAuthentication_Authentication, before the password (or first factor) is checked."""
    request: JsonObject = {
        "userAttributes": {} if user is None else user_attributes(user),
        "validationData": None if validation_data is None else {**validation_data},
        "userNotFound": user is None,
    }
    if user is None and triggers.configured(call.pool, "PreAuthentication") is None:
        return
    await triggers.run(call, "PreAuthentication", "PreAuthentication_Authentication", request)


async def pre_authentication_unknown(
    triggers: Triggers,
    pool: UserPoolRecord,
    client: ClientRecord,
    username: str,
    metadata: dict[str, str],
) -> None:
    """PreAuthentication for a user that does not exist: only when the client prevents user
    existence errors, with ``userNotFound`` true (the trigger's developer-guide page)."""
    if not client_settings(client).prevent_user_existence_errors:
        return
    call = Call(pool, username, client.id, metadata)
    await pre_authentication(triggers, call, None, metadata or None)


async def post_authentication(
    triggers: Triggers, call: Call, user: UserRecord, *, new_device: bool
) -> None:
    """PostAuthentication_Authentication, after the last factor and before the tokens."""
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "newDeviceUsed": new_device,
        "clientMetadata": call.client_metadata(),
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
    lambda_version = pool_settings(call.pool).pre_token_generation_version or "V1_0"
    version = _TOKEN_VERSIONS.get(lambda_version, "1")
    _, identity = group_claims(groups)
    request: JsonObject = {
        "userAttributes": user_attributes(user),
        "groupConfiguration": {
            "groupsToOverride": identity.get("cognito:groups", []),
            "iamRolesToOverride": identity.get("cognito:roles", []),
            "preferredRole": identity.get("cognito:preferred_role"),
        },
        "clientMetadata": call.client_metadata(),
    }
    details_member = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
    if version != "1":
        request["scopes"] = [*scopes]
    response = await triggers.run(
        call,
        "PreTokenGeneration",
        source,
        request,
        response={details_member: None},
        version=version,
        arn=arn,
    )
    details = mapping((response or {}).get(details_member))
    if version == "1":
        id_part, access_part = details, {}
    else:
        id_part = mapping(details.get("idTokenGeneration"))
        access_part = mapping(details.get("accessTokenGeneration"))
    group_part = mapping(details.get("groupOverrideDetails"))
    return TokenOverrides(
        id_claims=mapping(id_part.get("claimsToAddOrOverride")),
        id_suppress=tuple(strings(id_part.get("claimsToSuppress"))),
        access_claims=mapping(access_part.get("claimsToAddOrOverride")),
        access_suppress=tuple(strings(access_part.get("claimsToSuppress"))),
        scopes_add=tuple(strings(access_part.get("scopesToAdd"))),
        scopes_suppress=tuple(strings(access_part.get("scopesToSuppress"))),
        groups=strings(group_part["groupsToOverride"])
        if group_part.get("groupsToOverride") is not None
        else None,
        roles=strings(group_part["iamRolesToOverride"])
        if group_part.get("iamRolesToOverride") is not None
        else None,
        preferred_role=text(group_part, "preferredRole"),
    )


def mapping(value: JsonValue) -> JsonObject:
    """An object member of a response (absent or null: empty), anything else is bad."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def string_map(value: JsonValue) -> dict[str, str]:
    """A map-of-strings member of a response (absent or null: empty). Numbers and booleans
    are taken as their text (``5``, ``true``), as a Java map of strings reads them; a null
    entry is left out; an object or a list as a value is bad."""
    found: dict[str, str] = {}
    for key, item in mapping(value).items():
        if item is None:
            continue
        if isinstance(item, bool):
            found[key] = "true" if item else "false"
        elif isinstance(item, str | int | float):
            found[key] = str(item)
        else:
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return found


def strings(value: JsonValue) -> list[str]:
    """A list-of-strings member of a response (absent or null: empty), anything else is bad."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    found = [item for item in value if isinstance(item, str)]
    if len(found) != len(value):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return found


async def client_token_generation(
    triggers: Triggers, call: Call, scopes: list[str]
) -> TokenOverrides | None:
    """TokenGeneration_ClientCredentials: only a version 3 function sees machine-to-machine
    grants; it may change the access token's claims and scopes. ``call.user_name`` is the
    client id, as there is no user."""
    arn = triggers.configured(call.pool, "PreTokenGeneration")
    lambda_version = pool_settings(call.pool).pre_token_generation_version
    if arn is None or lambda_version != "V3_0":
        return None
    no_groups: JsonObject = {
        "groupsToOverride": [],
        "iamRolesToOverride": [],
        "preferredRole": None,
    }
    request: JsonObject = {
        "userAttributes": {},
        "groupConfiguration": no_groups,
        "scopes": [*scopes],
        "clientMetadata": call.client_metadata(),
    }
    response = await triggers.run(
        call,
        "PreTokenGeneration",
        "TokenGeneration_ClientCredentials",
        request,
        response={"claimsAndScopeOverrideDetails": None},
        version="3",
        arn=arn,
    )
    details = mapping((response or {}).get("claimsAndScopeOverrideDetails"))
    access = mapping(details.get("accessTokenGeneration"))
    return TokenOverrides(
        access_claims=mapping(access.get("claimsToAddOrOverride")),
        access_suppress=tuple(strings(access.get("claimsToSuppress"))),
        scopes_add=tuple(strings(access.get("scopesToAdd"))),
        scopes_suppress=tuple(strings(access.get("scopesToSuppress"))),
    )
