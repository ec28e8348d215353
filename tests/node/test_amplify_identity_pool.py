"""Amplify JavaScript v6 against an identity pool: guest credentials, an SRP sign-in, the
signed-in identity's credentials, and REST calls Amplify signs with them to an API behind
SigV4Middleware and the roles' policies (the full example's photos API).

Amplify is pointed at the server with ``userPoolEndpoint`` and ``identityPoolEndpoint``; the
script (tests/peers/amplify/identity_pool.mjs) prints what each step saw, and every HTTP
exchange it made is kept for the failure message.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, SessionClaims
from tests.conftest import client
from tests.helpers.identity_example import (
    AMPLIFY_DIR,
    MASTER_KEY,
    example_module,
    node,
    photos_api,
    start_server,
)
from tests.helpers.node import needs_node
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess

pytestmark = needs_node

ACCOUNT = "123456789012"
PASSWORD = "Corr3ct-horse!"  # the example's user, alice
AUTHORITY = CredentialAuthority.from_envelope(Envelope(base64.b64decode(MASTER_KEY)), ["k1"])


@pytest.fixture(scope="module")
def example_server(backend: str, make_server: Any) -> ServerProcess:
    return start_server(make_server, backend)


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    with photos_api() as url:
        yield url


@pytest.fixture
def world(example_server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The example's user pool (user alice), identity pool and roles, made by its boto3 code."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    ids: dict[str, str] = example_module("boto3_client").set_up(example_server.url)
    return ids


def run(server: ServerProcess, api_url: str, world: dict[str, str], **extra: str) -> Any:
    """One Amplify session (a fresh device: nothing stored); its steps and HTTP trace."""
    settings = {
        "userPoolId": world["user_pool"],
        "userPoolClientId": world["client_id"],
        "identityPoolId": world["identity_pool"],
        "endpoint": server.url,
        "apiUrl": api_url,
        "region": REGION,
        "username": "alice",
        "password": PASSWORD,
        "otherIdentityId": f"{REGION}:{uuid.uuid4()}",
        **extra,
    }
    out, trace = node([str(AMPLIFY_DIR / "identity_pool.mjs")], stdin=json.dumps(settings))
    steps: dict[str, Any] = json.loads(out.strip().splitlines()[-1])["steps"]
    return steps, trace


def requests_of(trace: str) -> list[dict[str, Any]]:
    return [json.loads(line)["request"] for line in trace.splitlines() if '"request"' in line]


def opened(session: dict[str, Any]) -> SessionClaims:
    return AUTHORITY.open(
        session["accessKeyId"], session["sessionToken"], now=datetime.now(UTC)
    ).claims


def test_guest_then_srp_sign_in_get_credentials_that_sign_rest_calls(
    example_server: ServerProcess, api_url: str, world: dict[str, str]
) -> None:
    steps, trace = run(example_server, api_url, world)
    assert "error" not in steps, f"{steps['error']}\n{trace}"
    guest, user = steps["guest"], steps["user"]
    assert guest["identityId"].startswith(f"{REGION}:") and not guest["signedIn"], trace
    assert guest["accessKeyId"].startswith("ASIA") and guest["hasSecret"], trace
    assert steps["guestAgain"]["accessKeyId"] == guest["accessKeyId"], "Amplify cached them"
    assert opened(guest).role_arn == f"arn:aws:iam::{ACCOUNT}:role/PhotosGuest"
    assert opened(guest).amr == ("unauthenticated",)
    assert steps["guestCall"] == {"ok": True, "status": 200, "body": "Welcome!"}, trace
    assert (steps["guestPut"]["ok"], steps["guestPut"]["status"]) == (False, 403), trace

    assert steps["signIn"]["isSignedIn"], trace
    # The first sign-in on this device links the login to the guest identity, which it keeps.
    assert user["signedIn"] and user["identityId"] == guest["identityId"], trace
    assert user["accessKeyId"] != guest["accessKeyId"]
    claims = opened(user)
    assert claims.role_arn == f"arn:aws:iam::{ACCOUNT}:role/PhotosAuth"
    assert claims.identity_id == user["identityId"]
    assert claims.amr[0] == "authenticated"

    calls = requests_of(trace)
    targets = [call["target"] for call in calls if call["target"]]
    assert targets[:2] == [
        "AWSCognitoIdentityService.GetId",
        "AWSCognitoIdentityService.GetCredentialsForIdentity",
    ], trace
    sign_in_targets = {
        "AWSCognitoIdentityProviderService.InitiateAuth",
        "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
    }
    srp = [json.loads(call["body"]) for call in calls if call["target"] in sign_in_targets]
    assert [body.get("AuthFlow") or body.get("ChallengeName") for body in srp] == [
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",
    ], trace
    # Amplify builds the Logins key from the ID token's iss without its scheme.
    signed_in = [
        json.loads(call["body"])
        for call in calls
        if call["target"] == "AWSCognitoIdentityService.GetCredentialsForIdentity"
        and "Logins" in json.loads(call["body"])
    ]
    issuer_key = example_server.url.split("://", 1)[1] + "/" + world["user_pool"]
    assert signed_in and list(signed_in[0]["Logins"]) == [issuer_key], trace
    identity = client("cognito-identity", example_server.url)
    described = identity.describe_identity(IdentityId=user["identityId"])
    assert described["Logins"] == [f"cognito-idp.{REGION}.amazonaws.com/{world['user_pool']}"]

    assert steps["putOwn"]["ok"] and steps["putOwn"]["status"] == 200, trace
    assert steps["putOwn"]["body"] == f"stored for {user['identityId']}"
    assert steps["getOwn"] == {"ok": True, "status": 200, "body": '{"cat":"whiskers"}'}, trace
    for name in ("putOther", "getOther"):
        assert (steps[name]["ok"], steps[name]["status"]) == (False, 403), f"{name}\n{trace}"
    refreshed = steps["refreshed"]
    assert refreshed["identityId"] == user["identityId"]
    assert refreshed["accessKeyId"] != user["accessKeyId"], "forceRefresh asked again"


def test_signing_in_on_a_second_device_switches_to_the_users_identity(
    example_server: ServerProcess, api_url: str, world: dict[str, str]
) -> None:
    """The second device starts as a new guest; after the sign-in Cognitio answers with the
    identity the user already has, and Amplify uses it."""
    first, trace = run(example_server, api_url, world)
    assert "error" not in first, f"{first['error']}\n{trace}"
    second, trace = run(
        example_server, api_url, world, otherIdentityId=first["guest"]["identityId"]
    )
    assert "error" not in second, f"{second['error']}\n{trace}"
    assert second["guest"]["identityId"] != first["user"]["identityId"]
    assert second["user"]["identityId"] == first["user"]["identityId"], trace
    assert opened(second["user"]).identity_id == first["user"]["identityId"]
    assert second["getOwn"]["ok"] and second["putOwn"]["ok"], trace


def test_an_app_client_the_identity_pool_does_not_trust_gets_no_credentials(
    example_server: ServerProcess, api_url: str, world: dict[str, str]
) -> None:
    idp = client("cognito-idp", example_server.url)
    other_client = idp.create_user_pool_client(
        UserPoolId=world["user_pool"], ClientName="other", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    steps, trace = run(example_server, api_url, {**world, "client_id": other_client})
    assert steps["signIn"]["isSignedIn"], trace
    assert steps["error"]["name"] == "NotAuthorizedException", trace
    assert (
        steps["error"]["message"] == "Token is not from a supported provider of this identity pool."
    )


def test_a_wrong_password_leaves_the_guest_credentials(
    example_server: ServerProcess, api_url: str, world: dict[str, str]
) -> None:
    steps, trace = run(example_server, api_url, world, password="Wrong-passw0rd!")
    assert steps["guestCall"]["ok"], trace
    assert steps["signIn"] == {
        "name": "NotAuthorizedException",
        "message": "Incorrect username or password.",
    }, trace
