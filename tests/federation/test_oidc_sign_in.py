"""Sign-in through an OpenID Connect provider, end to end: a real server, a real OpenID Provider
(npm oidc-provider) on loopback, and a test playing the browser from the app's
/oauth2/authorize to its redirect URI; then the app's code redeemed for Cognitio's tokens."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import client, write_functions_config
from tests.helpers.federated_browser import claims, redeem
from tests.helpers.node import needs_node
from tests.helpers.oidc_peer import CLIENT_ID, CLIENT_SECRET, PEER_DIR, OidcPeer
from tests.helpers.triggers import ARN, events
from tests.server import ServerProcess, free_port

# Every test here signs in through oidc-provider.
pytestmark = needs_node

APP = "https://app.example/callback"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, OidcPeer]]:
    port = free_port()
    folder = Path(tmp_path_factory.mktemp("federation"))
    config = write_functions_config(folder / "functions", "http://127.0.0.1:9/")
    server = ServerProcess(
        data_dir=folder / "data",
        port=port,
        extra_env={
            "COGNITIO_FEDERATION_ALLOW_INSECURE": "1",
            "TRIGGER_LOG": str(folder / "triggers.jsonl"),
            "HTTP_FUNCTION_SECRET": "unused-here",
        },
    )
    peer = OidcPeer([f"http://127.0.0.1:{port}/oauth2/idpresponse"])
    peer.start()
    try:
        server.start("--config", str(config))
        yield server, peer
    finally:
        server.stop()
        peer.stop()


def federated_pool(idp: Any, issuer: str, *, name: str = "MyOIDC", **pool: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="federated", **pool)["UserPool"]["Id"]
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "authorize_scopes": "openid email profile",
            "attributes_request_method": "GET",
            "oidc_issuer": issuer,
        },
        AttributeMapping={"email": "email", "name": "name", "email_verified": "email_verified"},
        IdpIdentifiers=["example.com"],
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        SupportedIdentityProviders=[name],
        CallbackURLs=[APP],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]["ClientId"]
    return pool_id, str(client_id)


def browse(browser: httpx.Client, url: str) -> str:
    """Follow redirects as a browser would, until the app's redirect URI; that URL."""
    for _ in range(20):
        if url.startswith(APP):
            return url
        answer = browser.get(url)
        assert answer.status_code in (302, 303), f"{answer.status_code}: {answer.text[:300]}"
        url = str(httpx.URL(url).join(answer.headers["location"]))
    raise AssertionError("too many redirects")


def authorize_url(server: ServerProcess, client_id: str, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP,
        "scope": "openid email profile aws.cognito.signin.user.admin",
        "state": "app-state",
        **extra,
    }
    return f"{server.url}/oauth2/authorize?{urlencode(query)}"


def test_an_oidc_user_signs_in_through_the_hosted_pages(
    world: tuple[ServerProcess, OidcPeer],
) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    pool_id, client_id = federated_pool(idp, peer.issuer)
    with httpx.Client(trust_env=False) as browser:
        landed = browse(browser, authorize_url(server, client_id, identity_provider="MyOIDC"))
    params = dict(parse_qsl(urlsplit(landed).query))
    assert params["state"] == "app-state"
    tokens = redeem(server, client_id, params["code"])
    identity = claims(tokens["id_token"])
    assert identity["cognito:username"] == "MyOIDC_alice"
    assert identity["email"] == "alice@example.com"
    assert identity["name"] == "Alice Liddell"
    assert identity["cognito:groups"] == [f"{pool_id}_MyOIDC"]
    [linked] = identity["identities"]
    assert (linked["providerName"], linked["providerType"], linked["userId"]) == (
        "MyOIDC",
        "OIDC",
        "alice",
    )
    assert linked["issuer"] == peer.issuer
    user = idp.admin_get_user(UserPoolId=pool_id, Username="MyOIDC_alice")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    assert idp.get_user(AccessToken=tokens["access_token"])["Username"] == "MyOIDC_alice"


def test_idp_identifier_routes_by_email_domain(world: tuple[ServerProcess, OidcPeer]) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    _, client_id = federated_pool(idp, peer.issuer)
    with httpx.Client(trust_env=False) as browser:
        url = authorize_url(server, client_id, idp_identifier="alice@example.com")
        landed = browse(browser, url)
    assert "code" in dict(parse_qsl(urlsplit(landed).query))


def test_a_state_works_once_and_only_in_its_browser(world: tuple[ServerProcess, OidcPeer]) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    _, client_id = federated_pool(idp, peer.issuer)
    url = authorize_url(server, client_id, identity_provider="MyOIDC")
    with httpx.Client(trust_env=False) as browser:
        # Stop where the provider sends the browser back to Cognitio.
        for _ in range(20):
            answer = browser.get(url)
            url = str(httpx.URL(url).join(answer.headers["location"]))
            if "/oauth2/idpresponse" in url:
                break
        with httpx.Client(trust_env=False) as other_browser:
            stolen = other_browser.get(url)
        assert stolen.status_code == 400
        assert "another browser" in stolen.text
        # A copy of the browser, cookies and all, that comes back with the same answer later.
        with httpx.Client(trust_env=False, cookies=browser.cookies) as twin:
            first = browser.get(url)
            assert first.status_code == 302
            assert first.headers["location"].startswith(APP)
            assert "code=" in first.headers["location"]
            again = twin.get(url)
        assert again.status_code == 400
        assert "already used" in again.text


def test_a_provider_the_client_does_not_support_goes_back_as_an_error(
    world: tuple[ServerProcess, OidcPeer],
) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    _, client_id = federated_pool(idp, peer.issuer)
    with httpx.Client(trust_env=False) as browser:
        answer = browser.get(authorize_url(server, client_id, identity_provider="Elsewhere"))
    assert answer.status_code == 302
    back = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
    assert back["error"] == "invalid_request"
    assert back["state"] == "app-state"


def test_triggers_see_the_federated_sign_in(world: tuple[ServerProcess, OidcPeer]) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    functions = {
        "InboundFederation": {
            "LambdaArn": ARN.format("inbound-federation"),
            "LambdaVersion": "V1_0",
        },
        "PreSignUp": ARN.format("record"),
        "PostConfirmation": ARN.format("record"),
        "PreTokenGeneration": ARN.format("record"),
    }
    pool_id, client_id = federated_pool(idp, peer.issuer, LambdaConfig=functions)
    with httpx.Client(trust_env=False) as browser:
        landed = browse(browser, authorize_url(server, client_id, identity_provider="MyOIDC"))
    code = dict(parse_qsl(urlsplit(landed).query))["code"]
    identity = claims(redeem(server, client_id, code)["id_token"])
    # The function kept the email and named the user; the rest of the mapping got nothing.
    assert identity["name"] == "Named by the trigger"
    assert identity["email"] == "alice@example.com"
    [inbound] = events(server, pool_id, "InboundFederation_ExternalProvider")
    request = inbound["request"]
    assert (request["providerName"], request["providerType"]) == ("MyOIDC", "OIDC")
    assert request["attributes"]["idToken"]["sub"] == "alice"
    assert request["attributes"]["userInfo"]["email"] == "alice@example.com"
    [pre_sign_up] = events(server, pool_id, "PreSignUp_ExternalProvider")
    assert pre_sign_up["userName"] == "MyOIDC_alice"
    assert pre_sign_up["request"]["userAttributes"]["name"] == "Named by the trigger"
    assert events(server, pool_id, "PostConfirmation_ConfirmSignUp")
    [token_generation] = events(server, pool_id, "TokenGeneration_HostedAuth")
    assert token_generation["userName"] == "MyOIDC_alice"
    assert token_generation["request"]["userAttributes"]["cognito:user_status"] == (
        "EXTERNAL_PROVIDER"
    )
    assert token_generation["request"]["groupConfiguration"]["groupsToOverride"] == [
        f"{pool_id}_MyOIDC"
    ]


def test_a_federated_users_tokens_pass_aws_jwt_verify_and_an_oidc_library(
    world: tuple[ServerProcess, OidcPeer],
) -> None:
    server, peer = world
    idp = client("cognito-idp", server.url)
    pool_id, client_id = federated_pool(idp, peer.issuer)
    with httpx.Client(trust_env=False) as browser:
        landed = browse(browser, authorize_url(server, client_id, identity_provider="MyOIDC"))
    tokens = redeem(server, client_id, dict(parse_qsl(urlsplit(landed).query))["code"])
    issuer = f"{server.url}/{pool_id}"
    jwks = httpx.get(f"{issuer}/.well-known/jwks.json").text
    for use, token in (("id", tokens["id_token"]), ("access", tokens["access_token"])):
        checked = subprocess.run(
            ["node", str(PEER_DIR / "verify.mjs"), issuer, client_id, use, token, jwks],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        assert json.loads(checked.stdout)["token_use"] == use
    wrong = subprocess.run(
        [
            "node",
            str(PEER_DIR / "verify.mjs"),
            *(issuer, client_id, "access", tokens["id_token"], jwks),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert wrong.returncode == 1
    # An OpenID Connect relying party: discovery, the JWKS, and the ID token's claims.
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    assert discovery["issuer"] == issuer
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    verified = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
    ).validate(verified.claims)
    assert verified.claims["cognito:username"] == "MyOIDC_alice"


def test_an_identity_linked_on_its_email_takes_the_link_once(
    world: tuple[ServerProcess, OidcPeer],
) -> None:
    """A link on ``email`` lets alice's first sign-in be the native user ann; the link is then
    alice's subject's, so another account showing the same email makes a user of its own."""
    server, peer = world
    idp = client("cognito-idp", server.url)
    pool_id, client_id = federated_pool(idp, peer.issuer)
    idp.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    by_email = {
        "ProviderName": "MyOIDC",
        "ProviderAttributeName": "email",
        "ProviderAttributeValue": "alice@example.com",
    }
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "ann"},
        SourceUser=by_email,
    )

    def signed_in() -> dict[str, Any]:
        with httpx.Client(trust_env=False) as browser:
            landed = browse(browser, authorize_url(server, client_id, identity_provider="MyOIDC"))
        code = dict(parse_qsl(urlsplit(landed).query))["code"]
        return claims(redeem(server, client_id, code)["id_token"])

    first = signed_in()
    assert (first["cognito:username"], first["email"]) == ("ann", "alice@example.com")
    [linked] = first["identities"]
    assert (linked["providerName"], linked["userId"]) == ("MyOIDC", "alice")
    try:
        peer.sign_in_as("mallory")
        second = signed_in()
    finally:
        peer.sign_in_as("alice")
    assert second["cognito:username"] == "MyOIDC_mallory"
    assert second["sub"] != first["sub"]
    assert signed_in()["sub"] == first["sub"]
    # Signed in: the link is named by alice's subject now, no longer by the email.
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=by_email)
    idp.admin_disable_provider_for_user(
        UserPoolId=pool_id,
        User={
            "ProviderName": "MyOIDC",
            "ProviderAttributeName": "Cognito_Subject",
            "ProviderAttributeValue": "alice",
        },
    )
    assert signed_in()["cognito:username"] == "MyOIDC_alice"
