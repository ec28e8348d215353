"""OAuth 2.0 / OpenID Connect with authlib's client against a running server: code + PKCE
through the hosted sign-in page, refresh, userInfo, revocation, client_credentials, single sign-on
across a pool's clients, MFA on the hosted pages, and the failures."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pyotp
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError

from tests.conftest import client as boto3_client
from tests.helpers.mfa import next_step_code
from tests.helpers.oauth import (
    CALLBACK,
    Browser,
    authlib_client,
    callback_url,
    close_clients,  # noqa: F401  (autouse: closes each test's clients)
    hidden,
    oauth2,
    oauth_client,
)
from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.triggers import ARN, events


def code_flow(server: Any, idp: Any, pool_id: str, client: dict[str, Any], scope: str) -> Any:
    """authlib builds the request and exchanges the code; the Browser signs in between."""
    session = authlib_client(server, client, scope)
    verifier = generate_token(48)
    url, _ = session.create_authorization_url(
        f"{server.url}/oauth2/authorize", code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    browser = Browser(server.url)
    callback = browser.follow(browser.sign_in(url, "oidc-user"))
    return session, verifier, callback, browser


def test_code_flow_with_pkce_refresh_userinfo_and_revoke(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user", email="oidc@example.com", email_verified="true")
    client = oauth_client(idp, pool_id)
    session = authlib_client(server, client, "openid email aws.cognito.signin.user.admin")
    verifier = generate_token(48)
    url, state = session.create_authorization_url(
        f"{server.url}/oauth2/authorize", code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    browser = Browser(server.url)
    back = browser.follow(browser.sign_in(url, "oidc-user"))
    location = callback_url(back)
    assert parse_qs(urlsplit(location).query)["state"] == [state]

    token = session.fetch_token(
        f"{server.url}/oauth2/token", authorization_response=location, code_verifier=verifier
    )
    assert set(token) >= {"access_token", "id_token", "refresh_token", "expires_in"}
    keys = jwt.PyJWKClient(f"{server.url}/{pool_id}/.well-known/jwks.json")
    id_claims = jwt.decode(
        token["id_token"],
        keys.get_signing_key_from_jwt(token["id_token"]).key,
        algorithms=["RS256"],
        audience=client["ClientId"],
        issuer=f"{server.url}/{pool_id}",
    )
    assert id_claims["nonce"] == "n-0S6_WzA2Mj"
    assert id_claims["at_hash"]
    assert id_claims["email"] == "oidc@example.com"
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert access["scope"].split() == ["openid", "email", "aws.cognito.signin.user.admin"]
    assert idp.get_user(AccessToken=token["access_token"])["Username"] == "oidc-user"

    info = session.get(f"{server.url}/oauth2/userInfo").json()
    assert info["sub"] == id_claims["sub"]
    assert info["email"] == "oidc@example.com"

    refreshed = session.refresh_token(f"{server.url}/oauth2/token")
    assert refreshed["access_token"] != token["access_token"]
    assert "id_token" in refreshed

    session.revoke_token(f"{server.url}/oauth2/revoke", token=token["refresh_token"])
    with pytest.raises(OAuthError, match="invalid_grant"):
        session.refresh_token(f"{server.url}/oauth2/token", refresh_token=token["refresh_token"])
    gone = httpx.get(
        f"{server.url}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert gone.status_code == 401


def test_a_reused_code_is_refused_and_revokes_its_tokens(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user", email="oidc@example.com")
    client = oauth_client(idp, pool_id)
    session, verifier, back, _ = code_flow(server, idp, pool_id, client, "openid email")
    location = callback_url(back)
    first = session.fetch_token(
        f"{server.url}/oauth2/token", authorization_response=location, code_verifier=verifier
    )
    with pytest.raises(OAuthError, match="invalid_grant"):
        session.fetch_token(
            f"{server.url}/oauth2/token", authorization_response=location, code_verifier=verifier
        )
    revoked = httpx.get(
        f"{server.url}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {first['access_token']}"},
    )
    assert revoked.status_code == 401
    assert revoked.json()["error"] == "invalid_token"


def test_a_wrong_pkce_verifier_is_refused(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user")
    client = oauth_client(idp, pool_id, secret=False)
    session, _, back, _ = code_flow(server, idp, pool_id, client, "openid")
    with pytest.raises(OAuthError, match="invalid_grant"):
        session.fetch_token(
            f"{server.url}/oauth2/token",
            authorization_response=callback_url(back),
            code_verifier=generate_token(48),
        )


def test_authorization_errors(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    base = f"/oauth2/authorize?response_type=code&client_id={client['ClientId']}"

    wrong = browser.get(f"{base}&redirect_uri=https://evil.example.net/cb&state=s")
    assert wrong.status_code == 400  # shown, never sent to an unregistered address
    assert "invalid_request" in wrong.text
    unknown = browser.get("/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=x")
    assert unknown.status_code == 400

    scope = browser.get(f"{base}&redirect_uri={CALLBACK}&scope=admin:everything&state=s1")
    query = parse_qs(urlsplit(scope.headers["location"]).query)
    assert query["error"] == ["invalid_scope"] and query["state"] == ["s1"]

    code_only = oauth_client(idp, pool_id, secret=False, AllowedOAuthFlows=["code"])
    implicit = browser.get(
        f"/oauth2/authorize?response_type=token&client_id={code_only['ClientId']}"
        f"&redirect_uri={CALLBACK}&state=s2"
    )
    fragment = parse_qs(urlsplit(implicit.headers["location"]).fragment)
    assert fragment["error"] == ["unauthorized_client"]

    token = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "authorization_code", "client_id": "nope", "code": "x"},
    )
    assert token.status_code == 401 and token.json()["error"] == "invalid_client"


def test_a_wrong_password_shows_the_form_again(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user")
    client = oauth_client(idp, pool_id, secret=False)
    session = authlib_client(server, client, "openid")
    url, _ = session.create_authorization_url(f"{server.url}/oauth2/authorize")
    answer = Browser(server.url).sign_in(url, "oidc-user", "Wrong-passw0rd!")
    assert answer.status_code == 400
    assert "Incorrect username or password." in answer.text
    assert 'role="alert"' in answer.text


def test_one_sign_in_serves_the_pools_other_clients_until_logout(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user")
    first = oauth_client(idp, pool_id)
    second = oauth_client(idp, pool_id, secret=False)
    _, _, back, browser = code_flow(server, idp, pool_id, first, "openid")
    callback_url(back)
    url, _ = authlib_client(server, second, "openid").create_authorization_url(
        f"{server.url}/oauth2/authorize"
    )
    assert "code=" in callback_url(browser.get(url))  # no sign-in page this time
    out = browser.get(
        f"/logout?client_id={second['ClientId']}&logout_uri=http://localhost:8000/signed-out"
    )
    assert out.headers["location"] == "http://localhost:8000/signed-out"
    assert browser.get(url).headers["location"].startswith("/login?")


def test_client_credentials_gives_a_token_with_custom_scopes(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="m2m")["UserPool"]["Id"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read"},
            {"ScopeName": "write", "ScopeDescription": "Write"},
        ],
    )
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read", "orders/write"],
    )["UserPoolClient"]
    session = oauth2(
        client_id=machine["ClientId"], client_secret=machine["ClientSecret"], scope="orders/read"
    )
    token = session.fetch_token(f"{server.url}/oauth2/token", grant_type="client_credentials")
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "orders/read"
    assert claims["sub"] == machine["ClientId"] and claims["token_use"] == "access"
    assert "refresh_token" not in token and "id_token" not in token
    with pytest.raises(OAuthError, match="invalid_scope"):
        oauth2(
            client_id=machine["ClientId"], client_secret=machine["ClientSecret"], scope="openid"
        ).fetch_token(f"{server.url}/oauth2/token", grant_type="client_credentials")
    with pytest.raises(OAuthError, match="invalid_client"):
        oauth2(client_id=machine["ClientId"], client_secret="wrong").fetch_token(
            f"{server.url}/oauth2/token", grant_type="client_credentials"
        )


def test_totp_mfa_on_the_hosted_pages(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    api = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "oidc-user")
    access = idp.initiate_auth(
        ClientId=api,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "oidc-user", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(idp.associate_software_token(AccessToken=access)["SecretCode"])
    idp.verify_software_token(AccessToken=access, UserCode=totp.now())
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    client = oauth_client(idp, pool_id, secret=False)
    session = authlib_client(server, client, "openid")
    url, _ = session.create_authorization_url(f"{server.url}/oauth2/authorize")
    browser = Browser(server.url)
    challenge = browser.sign_in(url, "oidc-user")
    assert challenge.status_code == 200
    assert "authenticator app" in challenge.text
    answer = browser.http.post(
        "/mfa",
        data={
            name: hidden(challenge.text, name)
            for name in ("_csrf", "query", "challenge", "session", "username")
        }
        | {"code": next_step_code(totp)},
    )
    assert "code=" in callback_url(browser.follow(answer))


def test_a_pools_domain_serves_only_that_pools_clients(idp: Any, server: Any) -> None:
    """By the request's Host: a custom domain, or a prefix before the auth-domain suffix."""
    mine = idp.create_user_pool(PoolName="mine")["UserPool"]["Id"]
    theirs = idp.create_user_pool(PoolName="theirs")["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=mine, Domain="mine-login")
    idp.create_user_pool_domain(
        UserPoolId=mine,
        Domain="login.mine.example",
        CustomDomainConfig={"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"},
    )
    own = oauth_client(idp, mine, secret=False)
    other = oauth_client(idp, theirs, secret=False)

    def authorize(host: str, client: dict[str, Any]) -> httpx.Response:
        return httpx.get(
            f"{server.url}/oauth2/authorize?response_type=code&client_id={client['ClientId']}"
            f"&redirect_uri={CALLBACK}",
            headers={"Host": host},
        )

    for host in ("login.mine.example", "mine-login.auth.test.example"):
        assert authorize(host, own).headers["location"].startswith("/login?")
        refused = authorize(host, other)
        assert refused.status_code == 400 and "invalid_client" in refused.text
    # The base URL serves every pool.
    assert authorize(urlsplit(server.url).netloc, other).status_code == 302


def test_prompt_none_answers_login_required_until_signed_in(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    make_user(idp, pool_id, "oidc-user")
    client = oauth_client(idp, pool_id, secret=False)
    url, _ = authlib_client(server, client, "openid").create_authorization_url(
        f"{server.url}/oauth2/authorize"
    )
    browser = Browser(server.url)
    silent = browser.get(url + "&prompt=none")
    assert parse_qs(urlsplit(silent.headers["location"]).query)["error"] == ["login_required"]
    callback_url(browser.follow(browser.sign_in(url, "oidc-user")))
    assert "code=" in callback_url(browser.get(url + "&prompt=none"))


def test_a_version_3_function_shapes_client_credentials_tokens(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="m2m",
        LambdaConfig={
            "PreTokenGenerationConfig": {
                "LambdaArn": ARN.format("pre-token-generation"),
                "LambdaVersion": "V3_0",
            }
        },
    )["UserPool"]["Id"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read"},
            {"ScopeName": "write", "ScopeDescription": "Write"},
        ],
    )
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read", "orders/write"],
    )["UserPoolClient"]
    session = oauth2(
        client_id=machine["ClientId"], client_secret=machine["ClientSecret"], scope="orders/write"
    )
    token = session.fetch_token(f"{server.url}/oauth2/token", grant_type="client_credentials")
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert claims["scope"].split() == ["orders/write", "orders/read"]  # the function added one
    assert claims["tenant"] == "acme"
    (event,) = events(server, pool_id, "TokenGeneration_ClientCredentials")
    assert event["version"] == "3" and event["request"]["scopes"] == ["orders/write"]


def test_pkce_stays_optional_by_default_and_can_be_required(
    idp: Any, server: Any, make_server: Any
) -> None:
    """Security review #17: optional as on Cognito; COGNITIO_REQUIRE_PKCE makes clients without
    a secret send an S256 code_challenge."""

    def authorize(base: str, client: dict[str, Any], pkce: bool) -> httpx.Response:
        url = (
            f"{base}/oauth2/authorize?response_type=code&client_id={client['ClientId']}"
            f"&redirect_uri={CALLBACK}&state=s"
        )
        if pkce:
            url += "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        return httpx.get(url)

    pool_id = idp.create_user_pool(PoolName="pkce")["UserPool"]["Id"]
    public = oauth_client(idp, pool_id, secret=False)
    assert authorize(server.url, public, pkce=False).headers["location"].startswith("/login?")

    strict = make_server("sqlite", extra_env={"COGNITIO_REQUIRE_PKCE": "true"})
    strict.start()
    strict_idp = boto3_client("cognito-idp", strict.url)
    pool_id = strict_idp.create_user_pool(PoolName="pkce")["UserPool"]["Id"]
    public = oauth_client(strict_idp, pool_id, secret=False)
    confidential = oauth_client(strict_idp, pool_id)
    refused = parse_qs(
        urlsplit(authorize(strict.url, public, pkce=False).headers["location"]).query
    )
    assert refused["error"] == ["invalid_request"] and refused["state"] == ["s"]
    assert authorize(strict.url, public, pkce=True).headers["location"].startswith("/login?")
    assert authorize(strict.url, confidential, pkce=False).headers["location"].startswith("/login?")
