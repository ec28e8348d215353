"""Sign-in with a password, tokens verified by an independent JOSE library, refresh, sign-out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
import uuid
from typing import Any

import jwt as pyjwt
import pytest

from tests.helpers.pools import FLOWS, PASSWORD, make_user, setup_pool, sign_in
from tests.server import ServerProcess


def jwks(server: ServerProcess, pool_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/{pool_id}/.well-known/jwks.json") as response:
        document: dict[str, Any] = json.loads(response.read())
    return document


def verify(token: str, server: ServerProcess, pool_id: str, **options: Any) -> dict[str, Any]:
    """Verify with PyJWT against the published JWKS, as an API behind Cognito would."""
    keys = {key["kid"]: key for key in jwks(server, pool_id)["keys"]}
    kid = pyjwt.get_unverified_header(token)["kid"]
    public = pyjwt.PyJWK(keys[kid]).key
    claims: dict[str, Any] = pyjwt.decode(
        token, public, algorithms=["RS256"], issuer=f"{server.url}/{pool_id}", **options
    )
    return claims


def test_password_sign_in_returns_tokens_that_verify_against_the_jwks(
    idp: Any, server: ServerProcess
) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "signer", email="signer@example.com", email_verified="true")
    result = sign_in(idp, client_id, "SIGNER")
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert result["RefreshToken"] and result["RefreshToken"].count(".") == 0
    keys = jwks(server, pool_id)["keys"]
    assert len(keys) == 2 and {k["kty"] for k in keys} == {"RSA"}
    assert all(set(k) == {"alg", "e", "kid", "kty", "n", "use"} for k in keys)
    access = verify(result["AccessToken"], server, pool_id)
    identity = verify(result["IdToken"], server, pool_id, audience=client_id)
    sub = identity["sub"]
    assert uuid.UUID(sub)
    assert access["token_use"] == "access" and access["client_id"] == client_id
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["username"] == "signer" and access["sub"] == sub
    assert identity["token_use"] == "id" and identity["cognito:username"] == "signer"
    assert identity["email"] == "signer@example.com" and identity["email_verified"] is True
    assert identity["origin_jti"] == access["origin_jti"]
    assert identity["auth_time"] == access["auth_time"] <= int(time.time()) + 1
    assert access["exp"] - access["iat"] == 3600
    header_kids = {
        pyjwt.get_unverified_header(result[name])["kid"] for name in ("AccessToken", "IdToken")
    }
    assert len(header_kids) == 2  # ID and access tokens are signed by different keys
    discovery_url = f"{server.url}/{pool_id}/.well-known/openid-configuration"
    with urllib.request.urlopen(discovery_url) as response:
        discovery = json.loads(response.read())
    assert discovery["issuer"] == f"{server.url}/{pool_id}"
    assert discovery["jwks_uri"] == f"{server.url}/{pool_id}/.well-known/jwks.json"
    user = idp.get_user(AccessToken=result["AccessToken"])
    assert user["Username"] == "signer"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["sub"] == sub


@pytest.mark.parametrize(
    ("prepare", "error", "message"),
    [
        (lambda idp, pool: None, "NotAuthorizedException", "Incorrect username or password."),
        (
            lambda idp, pool: idp.admin_disable_user(UserPoolId=pool, Username="victim"),
            "NotAuthorizedException",
            "User is disabled.",
        ),
        (
            lambda idp, pool: idp.admin_reset_user_password(UserPoolId=pool, Username="victim"),
            "PasswordResetRequiredException",
            "Password reset required for the user",
        ),
    ],
)
def test_sign_in_failures(idp: Any, prepare: Any, error: str, message: str) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "victim", email="victim@example.com", email_verified="true")
    prepare(idp, pool_id)
    password = "Wrong-passw0rd!" if message.startswith("Incorrect") else PASSWORD
    with pytest.raises(getattr(idp.exceptions, error), match=message):
        sign_in(idp, client_id, "victim", password)


def test_unknown_and_unconfirmed_users(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    with pytest.raises(idp.exceptions.UserNotFoundException):
        sign_in(idp, client_id, "nobody")
    quiet = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="quiet",
        ExplicitAuthFlows=FLOWS,
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect username"):
        sign_in(idp, quiet, "nobody")
    idp.sign_up(ClientId=client_id, Username="pending", Password=PASSWORD)
    with pytest.raises(idp.exceptions.UserNotConfirmedException):
        sign_in(idp, client_id, "pending")


def test_flows_must_be_enabled_on_the_client(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="strict")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="default")[
        "UserPoolClient"
    ]["ClientId"]
    make_user(idp, pool_id, "flow")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not enabled"):
        sign_in(idp, client_id, "flow")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not enabled"):
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "flow", "PASSWORD": PASSWORD},
        )


def test_admin_sign_in_and_secret_hash(idp: Any) -> None:
    pool_id, _ = setup_pool(idp)
    made = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="secret", ExplicitAuthFlows=FLOWS, GenerateSecret=True
    )["UserPoolClient"]
    client_id, secret = made["ClientId"], made["ClientSecret"]
    make_user(idp, pool_id, "admin-signer")
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="secret was not received"):
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "admin-signer", "PASSWORD": PASSWORD},
        )
    digest = hmac.new(secret.encode(), ("admin-signer" + client_id).encode(), hashlib.sha256)
    answer = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "admin-signer",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": base64.b64encode(digest.digest()).decode(),
        },
    )
    assert idp.get_user(AccessToken=answer["AuthenticationResult"]["AccessToken"])


def test_refresh_keeps_the_sign_in_and_sign_out_ends_it(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "refresher")
    first = sign_in(idp, client_id, "refresher")
    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    before, after = (verify(r["AccessToken"], server, pool_id) for r in (first, refreshed))
    assert after["origin_jti"] == before["origin_jti"] and after["jti"] != before["jti"]
    assert after["auth_time"] == before["auth_time"]
    idp.global_sign_out(AccessToken=refreshed["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=first["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    fresh = sign_in(idp, client_id, "refresher")
    assert idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == "refresher"


def test_revoke_token_ends_its_refresh_and_access_tokens(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "revoker")
    kept, revoked = sign_in(idp, client_id, "revoker"), sign_in(idp, client_id, "revoker")
    idp.revoke_token(Token=revoked["RefreshToken"], ClientId=client_id)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=revoked["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": revoked["RefreshToken"]},
        )
    assert idp.get_user(AccessToken=kept["AccessToken"])["Username"] == "revoker"
    with pytest.raises(idp.exceptions.UnsupportedTokenTypeException):
        idp.revoke_token(Token=kept["AccessToken"], ClientId=client_id)


def test_forged_access_tokens_are_refused(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "target")
    result = sign_in(idp, client_id, "target")
    header, payload, signature = result["AccessToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["username"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"x"}').decode().rstrip("=")
    other_pool, other_client = setup_pool(idp)
    make_user(idp, other_pool, "target")
    foreign = sign_in(idp, other_client, "target")["AccessToken"]
    for token in (
        f"{header}.{forged_payload}.{signature}",
        f"{header}.{payload}.{signature[:-4]}AAAA",
        f"{none_header}.{payload}.",
        result["IdToken"],
        "not-a-token",
    ):
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_user(AccessToken=token)
    assert idp.get_user(AccessToken=foreign)["Username"] == "target"
    # A token of another pool names its own pool: it works, and only there.
    idp.admin_delete_user(UserPoolId=other_pool, Username="target")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=foreign)


def test_five_wrong_passwords_lock_the_user_out(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "locked")
    for _ in range(5):
        with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect"):
            sign_in(idp, client_id, "locked", "Wrong-passw0rd!")
    # Locked for a second after the fifth failure: even the right password is refused now.
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Password attempts exceeded"):
        sign_in(idp, client_id, "locked")


def test_get_tokens_from_refresh_token_rotates_and_detects_reuse(idp: Any) -> None:
    pool_id, _ = setup_pool(idp)
    rotating = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="rotating",
        ExplicitAuthFlows=FLOWS,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "rotator")
    first = sign_in(idp, rotating, "rotator")
    second = idp.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=rotating
    )["AuthenticationResult"]
    assert second["RefreshToken"] != first["RefreshToken"]
    assert idp.get_user(AccessToken=second["AccessToken"])["Username"] == "rotator"
    third = idp.get_tokens_from_refresh_token(
        RefreshToken=second["RefreshToken"], ClientId=rotating
    )["AuthenticationResult"]
    # The first token again, after rotation replaced it: stolen, so the whole sign-in ends.
    with pytest.raises(idp.exceptions.RefreshTokenReuseException):
        idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=rotating)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(RefreshToken=third["RefreshToken"], ClientId=rotating)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=third["AccessToken"])


def test_get_tokens_from_refresh_token_without_rotation(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "plain-refresh")
    first = sign_in(idp, client_id, "plain-refresh")
    result = idp.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=client_id
    )["AuthenticationResult"]
    assert "RefreshToken" not in result and result["IdToken"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid Refresh Token"):
        idp.get_tokens_from_refresh_token(RefreshToken="not-a-token", ClientId=client_id)
