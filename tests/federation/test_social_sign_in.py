"""Sign-in through the social providers, end to end: a real server whose Google, Facebook, Login
with Amazon and Sign in with Apple endpoints point at local stand-ins speaking each protocol
(COGNITIO_FEDERATION_ENDPOINTS), a test playing the browser from the app's /oauth2/authorize to
its redirect URI, and the app's code redeemed for Cognitio's tokens. Then the abuse cases: a
provider the app client does not list, a provider that refuses, a provider that is gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from tests.conftest import client
from tests.helpers.federated_browser import APP, browse, claims, redeem, step
from tests.helpers.idps import amazon as amazon_idp
from tests.helpers.idps import apple as apple_idp
from tests.helpers.idps import facebook as facebook_idp
from tests.helpers.idps import google as google_idp
from tests.helpers.idps.amazon import AmazonStandIn
from tests.helpers.idps.apple import AppleStandIn, p8_private_key
from tests.helpers.idps.base import StandIn
from tests.helpers.idps.facebook import FacebookStandIn
from tests.helpers.idps.google import GoogleStandIn
from tests.server import ServerProcess, free_port

SCOPE = "openid email profile aws.cognito.signin.user.admin"


@dataclass
class World:
    server: ServerProcess
    google: GoogleStandIn
    facebook: FacebookStandIn
    amazon: AmazonStandIn
    apple: AppleStandIn
    apple_key: str


def stand_ins(callback: str, apple_key: str) -> dict[str, StandIn]:
    return {
        "Google": GoogleStandIn(
            client_id="google-client.apps.googleusercontent.com",
            client_secret="google-secret",
            redirect_uri=callback,
            scopes=["openid", "email", "profile"],
        ),
        "Facebook": FacebookStandIn(
            client_id="1234567890",
            client_secret="facebook-secret",
            redirect_uri=callback,
            scopes=["public_profile", "email"],
        ),
        "LoginWithAmazon": AmazonStandIn(
            client_id="amzn1.application-oa2-client.0123",
            client_secret="amazon-secret",
            redirect_uri=callback,
            scopes=["profile", "postal_code"],
        ),
        "SignInWithApple": AppleStandIn(
            apple_key,
            client_id="com.example.signin",
            client_secret="",
            redirect_uri=callback,
            scopes=["email", "name"],
        ),
    }


def start_server(data_dir: Path, port: int, peers: dict[str, StandIn]) -> ServerProcess:
    server = ServerProcess(
        data_dir=data_dir,
        port=port,
        extra_env={
            "COGNITIO_FEDERATION_ALLOW_INSECURE": "1",
            "COGNITIO_FEDERATION_ENDPOINTS": json.dumps(
                {kind: peer.url for kind, peer in peers.items()}
            ),
        },
    )
    server.start()
    return server


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    port = free_port()
    apple_key = p8_private_key()
    peers = stand_ins(f"http://127.0.0.1:{port}/oauth2/idpresponse", apple_key)
    for peer in peers.values():
        peer.start()
    server: ServerProcess | None = None
    try:
        server = start_server(tmp_path_factory.mktemp("social") / "data", port, peers)
        google, facebook = peers["Google"], peers["Facebook"]
        amazon, apple = peers["LoginWithAmazon"], peers["SignInWithApple"]
        assert isinstance(google, GoogleStandIn) and isinstance(facebook, FacebookStandIn)
        assert isinstance(amazon, AmazonStandIn) and isinstance(apple, AppleStandIn)
        yield World(server, google, facebook, amazon, apple, apple_key)
    finally:
        if server is not None:
            server.stop()
        for peer in peers.values():
            peer.stop()


def details(world: World, kind: str) -> dict[str, str]:
    if kind == "Google":
        peer: StandIn = world.google
        scopes = "openid email profile"
    elif kind == "Facebook":
        peer, scopes = world.facebook, "public_profile, email"
    elif kind == "LoginWithAmazon":
        peer, scopes = world.amazon, "profile postal_code"
    else:
        return {
            "client_id": world.apple.client_id,
            "team_id": apple_idp.TEAM_ID,
            "key_id": apple_idp.KEY_ID,
            "private_key": world.apple_key,
            "authorize_scopes": "email name",
        }
    return {
        "client_id": peer.client_id,
        "client_secret": peer.client_secret,
        "authorize_scopes": scopes,
    }


def social_pool(
    idp: Any,
    world: World,
    mappings: dict[str, dict[str, str]],
    supported: list[str] | None = None,
) -> tuple[str, str]:
    """A pool with the providers ``mappings`` names (type -> AttributeMapping) and an app
    client that lists ``supported`` (all of them by default)."""
    pool_id = idp.create_user_pool(PoolName="social")["UserPool"]["Id"]
    for kind, mapping in mappings.items():
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName=kind,
            ProviderType=kind,
            ProviderDetails=details(world, kind),
            AttributeMapping=mapping,
        )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        SupportedIdentityProviders=list(mappings) if supported is None else supported,
        CallbackURLs=[APP],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=SCOPE.split(),
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]["ClientId"]
    return str(pool_id), str(client_id)


def authorize_url(server: ServerProcess, client_id: str, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP,
        "scope": SCOPE,
        "state": "app-state",
        **extra,
    }
    return f"{server.url}/oauth2/authorize?{urlencode(query)}"


def sign_in(world: World, client_id: str, provider: str) -> dict[str, Any]:
    """A whole sign-in through ``provider``: the ID token's claims and the access token."""
    with httpx.Client(trust_env=False) as browser:
        back = browse(browser, authorize_url(world.server, client_id, identity_provider=provider))
    assert back["state"] == "app-state", back
    tokens = redeem(world.server, client_id, back["code"])
    return {**claims(tokens["id_token"]), "access_token": tokens["access_token"]}


def test_a_google_user_signs_in(world: World) -> None:
    idp = client("cognito-idp", world.server.url)
    mapping = {"email": "email", "email_verified": "email_verified", "picture": "picture"}
    pool_id, client_id = social_pool(idp, world, {"Google": mapping})
    identity = sign_in(world, client_id, "Google")
    assert world.google.problems == []
    assert identity["cognito:username"] == f"Google_{google_idp.SUB}"
    assert identity["email"] == "grace@example.com"
    assert identity["picture"] == "https://example.com/grace.png"
    assert identity["cognito:groups"] == [f"{pool_id}_Google"]
    [linked] = identity["identities"]
    assert (linked["providerName"], linked["providerType"], linked["userId"]) == (
        "Google",
        "Google",
        google_idp.SUB,
    )
    got = idp.get_user(AccessToken=identity["access_token"])
    assert got["Username"] == f"Google_{google_idp.SUB}"
    user = idp.admin_get_user(UserPoolId=pool_id, Username=f"Google_{google_idp.SUB}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"


def test_an_apple_user_signs_in_with_form_post_and_the_name_comes_only_once(
    world: World,
) -> None:
    idp = client("cognito-idp", world.server.url)
    mapping = {
        "email": "email",
        "name": "name",
        "given_name": "firstName",
        "family_name": "lastName",
    }
    pool_id, client_id = social_pool(idp, world, {"SignInWithApple": mapping})
    world.apple.consented.clear()  # a user who has never consented to this app
    first = sign_in(world, client_id, "SignInWithApple")
    assert world.apple.problems == []
    # The browser came back with a POST (response_mode=form_post) carrying the user JSON.
    posted = [call for call in world.apple.calls if call.path == "/auth/authorize"]
    assert posted[-1].query["response_mode"] == "form_post"
    username = f"SignInWithApple_{apple_idp.SUB}"
    assert first["cognito:username"] == username
    assert first["email"] == "kj@privaterelay.appleid.com"
    assert (first["given_name"], first["family_name"]) == ("Katherine", "Johnson")
    assert first["name"] == "Katherine Johnson"
    assert first["cognito:groups"] == [f"{pool_id}_SignInWithApple"]
    [linked] = first["identities"]
    assert (linked["providerName"], linked["userId"]) == ("SignInWithApple", apple_idp.SUB)

    # Apple sends no name the second time: the same user signs in, the name already kept.
    again = sign_in(world, client_id, "SignInWithApple")
    assert world.apple.problems == []
    assert again["cognito:username"] == username
    assert again["sub"] == first["sub"]
    assert again["given_name"] == "Katherine"


def test_a_facebook_user_signs_in(world: World) -> None:
    idp = client("cognito-idp", world.server.url)
    mapping = {"email": "email", "name": "name", "given_name": "first_name"}
    pool_id, client_id = social_pool(idp, world, {"Facebook": mapping})
    identity = sign_in(world, client_id, "Facebook")
    assert world.facebook.problems == []
    assert identity["cognito:username"] == f"Facebook_{facebook_idp.PROFILE['id']}"
    assert identity["email"] == "ada@example.com"
    assert identity["name"] == "Ada Lovelace"
    assert identity["given_name"] == "Ada"
    assert identity["cognito:groups"] == [f"{pool_id}_Facebook"]
    token_calls = [call for call in world.facebook.calls if call.path.endswith("/access_token")]
    assert token_calls[-1].method == "GET"


def test_a_login_with_amazon_user_signs_in(world: World) -> None:
    idp = client("cognito-idp", world.server.url)
    mapping = {"email": "email", "name": "name"}
    pool_id, client_id = social_pool(idp, world, {"LoginWithAmazon": mapping})
    identity = sign_in(world, client_id, "LoginWithAmazon")
    assert world.amazon.problems == []
    assert identity["cognito:username"] == f"LoginWithAmazon_{amazon_idp.PROFILE['user_id']}"
    assert identity["email"] == "hedy@example.com"
    assert identity["name"] == "Hedy Lamarr"
    assert identity["cognito:groups"] == [f"{pool_id}_LoginWithAmazon"]


# -- abuse cases ---------------------------------------------------------------------------------


def test_a_provider_the_client_does_not_list_cannot_be_forged_into_a_sign_in(
    world: World,
) -> None:
    """The pool has Facebook, the app client lists only Google: the page offers no Facebook
    button, and a hand-made button for it is an error for the app, not a sign-in."""
    idp = client("cognito-idp", world.server.url)
    mappings = {"Google": {"email": "email"}, "Facebook": {"email": "email"}}
    _, client_id = social_pool(idp, world, mappings, supported=["COGNITO", "Google"])
    before = len(world.facebook.calls)
    with httpx.Client(trust_env=False) as browser:
        page = browser.get(step(browser, authorize_url(world.server, client_id)))
        assert page.status_code == 200
        assert "Continue with Google" in page.text
        assert "Facebook" not in page.text
        forged = browser.get(authorize_url(world.server, client_id, identity_provider="Facebook"))
    assert forged.status_code == 302
    back = dict(parse_qsl(urlsplit(forged.headers["location"]).query))
    assert forged.headers["location"].startswith(APP)
    assert back["error"] == "invalid_request"
    assert back["state"] == "app-state"
    assert "code" not in back
    assert len(world.facebook.calls) == before  # never sent there


def test_a_refusal_from_the_provider_goes_back_to_the_app(world: World) -> None:
    idp = client("cognito-idp", world.server.url)
    _, client_id = social_pool(idp, world, {"Google": {"email": "email"}})
    with httpx.Client(trust_env=False) as browser:
        departed = browser.get(authorize_url(world.server, client_id, identity_provider="Google"))
        assert departed.status_code == 302
        to_google = dict(parse_qsl(urlsplit(departed.headers["location"]).query))
        # The user says no at Google: it sends the browser back with an error instead of a code.
        refused = {"error": "access_denied", "state": to_google["state"]}
        answer = browser.get(f"{world.server.url}/oauth2/idpresponse?{urlencode(refused)}")
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(APP)
    back = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
    assert back["error"] == "invalid_request"
    assert back["state"] == "app-state"
    assert "code" not in back


def test_a_provider_that_is_gone_is_an_error_not_a_crash(
    tmp_path: Path,
) -> None:
    """Google's stand-in stops between the user's consent and Cognitio's token request: the
    app hears of an error (or the user sees an error page), never a 500."""
    port = free_port()
    peers = stand_ins(f"http://127.0.0.1:{port}/oauth2/idpresponse", p8_private_key())
    google = peers["Google"]
    google.start()
    server = start_server(tmp_path / "data", port, {"Google": google})
    try:
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="gone")["UserPool"]["Id"]
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName="Google",
            ProviderType="Google",
            ProviderDetails={
                "client_id": google.client_id,
                "client_secret": google.client_secret,
                "authorize_scopes": "openid email profile",
            },
            AttributeMapping={"email": "email"},
        )
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="app",
            SupportedIdentityProviders=["Google"],
            CallbackURLs=[APP],
            AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=SCOPE.split(),
            AllowedOAuthFlowsUserPoolClient=True,
        )["UserPoolClient"]["ClientId"]
        with httpx.Client(trust_env=False) as browser:
            url = authorize_url(server, client_id, identity_provider="Google")
            url = step(browser, url)  # to Google
            url = step(browser, url)  # Google consents: back towards Cognitio
            assert "/oauth2/idpresponse" in url
            google.stop()
            answer = browser.get(url)
        assert answer.status_code != 500
        if answer.status_code == 302:
            back = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
            assert answer.headers["location"].startswith(APP)
            assert back["error"] == "invalid_request" and back["state"] == "app-state"
        else:
            assert answer.status_code == 400
            assert "Something went wrong" in answer.text
    finally:
        server.stop()
        google.stop()
