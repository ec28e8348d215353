"""Trigger handlers for the test servers, written exactly as Cognito Lambda handlers are.

Each is ``handler(event, context)`` returning the event; a few also append the event they got to
the file named by ``TRIGGER_LOG``, so tests can see what arrived.
"""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from cognitio.functions.context import LambdaContext

Event = dict[str, Any]  # a trigger event, as Cognito sends it and the handler returns it


def _record(event: Event, **extra: Any) -> None:
    path = os.environ.get("TRIGGER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({**event, **extra}) + "\n")


def passthrough(event: Event, context: LambdaContext) -> Event:
    return event


def record(event: Event, context: LambdaContext) -> Event:
    _record(event, context={"function_name": context.function_name})
    return event


def pre_sign_up(event: Event, context: LambdaContext) -> Event:
    _record(event)
    email = event["request"]["userAttributes"].get("email", "")
    if email.endswith("@blocked.example.com"):
        raise Exception("Email domain not allowed")
    if email.endswith("@auto.example.com"):
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event


def pre_authentication(event: Event, context: LambdaContext) -> Event:
    _record(event)
    if event["request"]["userAttributes"].get("family_name") == "Suspended":
        raise Exception("This account is suspended")
    return event


def pre_token_generation(event: Event, context: LambdaContext) -> Event:
    _record(event)
    if event["version"] == "1":
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "sub": "not-allowed"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {
                "groupsToOverride": ["from-trigger"],
                "iamRolesToOverride": ["arn:aws:iam::123456789012:role/trigger"],
                "preferredRole": "arn:aws:iam::123456789012:role/trigger",
            },
        }
    else:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme", "plan": {"tier": "gold"}},
                "scopesToAdd": ["orders/read"],
            },
        }
    return event


def fail(event: Event, context: LambdaContext) -> NoReturn:
    raise ValueError("Not today")


def slow(event: Event, context: LambdaContext) -> Event:
    time.sleep(3)
    return event


def malformed(event: Event, context: LambdaContext) -> str:
    return "not an event"


def _custom_rounds(session: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in session if s["challengeName"] == "CUSTOM_CHALLENGE"]


def define_auth_challenge(event: Event, context: LambdaContext) -> Event:
    _record(event)
    session = event["request"]["session"]
    response = event["response"]
    rounds = _custom_rounds(session)
    with_password = bool(session) and session[0]["challengeName"] == "SRP_A"
    if session and session[-1]["challengeResult"] is False:
        response["issueTokens"] = False
        response["failAuthentication"] = True
    elif with_password and len(session) == 1:
        response["challengeName"] = "PASSWORD_VERIFIER"
    elif len(rounds) == (1 if with_password else 3):
        response["issueTokens"] = True
        response["failAuthentication"] = False
    else:
        response["challengeName"] = "CUSTOM_CHALLENGE"
    return event


def create_auth_challenge(event: Event, context: LambdaContext) -> Event:
    _record(event)
    number = len(_custom_rounds(event["request"]["session"])) + 1
    event["response"]["publicChallengeParameters"] = {"question": f"What is {number} + {number}?"}
    event["response"]["privateChallengeParameters"] = {"answer": str(2 * number)}
    event["response"]["challengeMetadata"] = f"ROUND-{number}"
    return event


def create_auth_challenge_odd(event: Event, context: LambdaContext) -> Event:
    """An answer of the kind ClientMetadata's ``odd`` names: scalars that are not strings, an
    object as a value, or metadata too long to carry."""
    odd = (event["request"].get("clientMetadata") or {}).get("odd")
    response = event["response"]
    if odd == "scalars":
        response["publicChallengeParameters"] = {"n": 5, "b": True, "gone": None, "s": "x"}
        response["privateChallengeParameters"] = {"answer": 10}
    elif odd == "object":
        response["publicChallengeParameters"] = {"c": {"x": 1}}
    elif odd == "long":
        response["publicChallengeParameters"] = {"question": "?"}
        response["challengeMetadata"] = "m" * 5000
    return event


def inbound_federation(event: Event, context: LambdaContext) -> Event:
    """Keeps the provider's email (lower-cased) and names the user itself."""
    _record(event)
    user_info = event["request"]["attributes"].get("userInfo") or {}
    event["response"]["userAttributesToMap"] = {
        "email": str(user_info.get("email", "")).lower(),
        "name": "Named by the trigger",
    }
    return event


def verify_auth_challenge_response(event: Event, context: LambdaContext) -> Event:
    _record(event)
    expected = event["request"]["privateChallengeParameters"]["answer"]
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
    return event


def custom_message(event: Event, context: LambdaContext) -> Event:
    _record(event)
    source = event["triggerSource"]
    code = event["request"]["codeParameter"]
    response = event["response"]
    if source == "CustomMessage_AdminCreateUser":
        name = event["request"]["usernameParameter"]
        response["emailSubject"] = "Welcome aboard"
        response["emailMessage"] = f"Hello {name}, your temporary password is {code}"
        response["smsMessage"] = f"Welcome {name}: {code}"
    elif source == "CustomMessage_Authentication":
        response["smsMessage"] = f"Sign-in code {code}"  # email keeps the pool's wording
    else:
        response["emailSubject"] = f"[{source}]"
        response["emailMessage"] = f"{source} code {code}"
        response["smsMessage"] = f"{source} code {code}"
    return event


def custom_message_without_code(event: Event, context: LambdaContext) -> Event:
    event["response"]["emailMessage"] = "Welcome!"
    return event


def user_migration(event: Event, context: LambdaContext) -> Event:
    """Bring a user over from the old pool (another server), checking the password there."""
    import boto3

    _record({**event, "request": {"password": "<not logged>"}})
    old = boto3.client(
        "cognito-idp",
        endpoint_url=os.environ["OLD_POOL_ENDPOINT"],
        region_name="us-east-1",
    )
    pool_id, client_id = os.environ["OLD_POOL_ID"], os.environ["OLD_CLIENT_ID"]
    name = event["userName"]
    if event["triggerSource"] == "UserMigration_Authentication":
        try:
            old.admin_initiate_auth(
                UserPoolId=pool_id,
                ClientId=client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": name, "PASSWORD": event["request"]["password"]},
            )
        except old.exceptions.NotAuthorizedException:
            raise Exception("Bad password") from None
        except old.exceptions.UserNotFoundException:
            raise Exception("User not found") from None
    try:
        found = old.admin_get_user(UserPoolId=pool_id, Username=name)
    except old.exceptions.UserNotFoundException:
        raise Exception("User not found") from None
    attributes = {a["Name"]: a["Value"] for a in found["UserAttributes"] if a["Name"] != "sub"}
    event["response"]["userAttributes"] = attributes
    event["response"]["messageAction"] = "SUPPRESS"
    if event["triggerSource"] == "UserMigration_ForgotPassword":
        event["response"]["finalUserStatus"] = "RESET_REQUIRED"
    else:
        event["response"]["finalUserStatus"] = "CONFIRMED"
    return event


def logging_user_migration(event: Event, context: LambdaContext) -> Event:
    """A UserMigration handler that logs its whole event, as handlers often do (the password
    included), then accepts the user."""
    import logging

    logging.getLogger("migration").warning("UserMigration event: %s", event)
    event["response"]["userAttributes"] = {
        "email": f"{event['userName']}@example.com",
        "email_verified": "true",
    }
    event["response"]["finalUserStatus"] = "CONFIRMED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event
