"""Revoking identity-pool credentials and the guests' scope-down, black-box: boto3 against a
server whose [iam] guest role allows iam:* and s3:*, credentials used at GetCallerIdentity, at
POST /_cognitio/authorize and behind the middleware of another process fed by
GET /_cognitio/revocations; revocations by DeleteIdentities, DeleteIdentityPool, the CLI and a
user pool user's global sign-out."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials as BotoCredentials
from botocore.exceptions import ClientError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitio.authz.middleware import SigV4Middleware
from cognitio.authz.revocation_feed import RevocationFeed
from cognitio.authz.verifier import Principal, Verifier
from cognitio.config import load_settings
from cognitio.crypto.envelope import Envelope, envelope_for
from cognitio.services.iam.scope_down import GUEST_SCOPE_DOWN_ID
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.sts.credentials import CredentialAuthority
from cognitio.store.db import Database
from cognitio.store.sql import SqlStore
from tests.conftest import client
from tests.helpers.loopback import LoopbackServer
from tests.helpers.pools import make_user, setup_pool, sign_in
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess

ACCOUNT = "123456789012"
MASTER_KEY = bytes(range(100, 132))
AUTHORITY = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
GUEST = f"arn:aws:iam::{ACCOUNT}:role/WideGuest"
AUTH = f"arn:aws:iam::{ACCOUNT}:role/Member"
REVOCABLE = f"arn:aws:iam::{ACCOUNT}:role/Revocable"
WIDE = """
[[iam.roles.policies]]
name = "everything"
document = '''{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["iam:*", "s3:*"], "Resource": "*"}]}'''
"""
CONFIG = "\n".join(f'[[iam.roles]]\narn = "{arn}"\n{WIDE}' for arn in (GUEST, AUTH, REVOCABLE))
EVERYTHING = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


@pytest.fixture(scope="module")
def server(backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    config = tmp_path_factory.mktemp("revocation") / "cognitio.toml"
    config.write_text(CONFIG)
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "COGNITIO_MASTER_KEY": base64.b64encode(MASTER_KEY).decode(),
            "COGNITIO_ACCOUNT_ID": ACCOUNT,
        },
    )
    process.start("--config", str(config))
    return process


@pytest.fixture
def identity(server: ServerProcess) -> Any:
    return client("cognito-identity", server.url)


def mint_open_id_token(
    server: ServerProcess, pool: str, amr: tuple[str, ...] = ("unauthenticated",)
) -> tuple[str, str]:
    """(identity id, token): an OpenID token the server's issuer signed, made over its store."""
    identity_id = f"{REGION}:{uuid.uuid4()}"

    async def run() -> str:
        overrides: dict[str, object] = {"data_dir": str(server.data_dir), "port": server.port}
        if server.database_url:
            overrides["database_url"] = server.database_url
        environ = {"COGNITIO_MASTER_KEY": base64.b64encode(MASTER_KEY).decode()}
        settings = load_settings(overrides, environ=environ)
        database = Database(settings.database_dsn)
        await database.open()
        try:
            tokens = OpenIdTokens(SqlStore(database), envelope_for(settings), settings)
            return await tokens.mint(identity_id, pool, amr, seconds=600)
        finally:
            await database.dispose()

    return identity_id, asyncio.run(run())


def _guest_pool(identity: Any, role: str = GUEST) -> str:
    pool = identity.create_identity_pool(
        IdentityPoolName="guests", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(
        IdentityPoolId=pool, Roles={"unauthenticated": role, "authenticated": AUTH}
    )
    return str(pool)


def _guest(identity: Any, pool: str) -> tuple[str, dict[str, Any]]:
    identity_id = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    answer = identity.get_credentials_for_identity(IdentityId=identity_id)
    return str(identity_id), dict(answer["Credentials"])


def _caller(server: ServerProcess, credentials: dict[str, Any]) -> str:
    """GetCallerIdentity's Arn, or the error code."""
    sts = boto3.client(
        "sts",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials.get("SecretKey") or credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 0}),
    )
    try:
        return str(sts.get_caller_identity()["Arn"])
    except ClientError as refused:
        return str(refused.response["Error"]["Code"])


def _decide(
    server: ServerProcess, credentials: dict[str, Any], action: str, resource: str
) -> dict[str, Any]:
    """POST /_cognitio/authorize for a GET signed with ``credentials``."""
    secret = credentials.get("SecretKey") or credentials["SecretAccessKey"]
    request = AWSRequest(method="GET", url="https://store.example/public/cat.jpg")
    request.headers["x-amz-content-sha256"] = hashlib.sha256(b"").hexdigest()
    S3SigV4Auth(
        BotoCredentials(credentials["AccessKeyId"], secret, credentials["SessionToken"]),
        "s3",
        REGION,
    ).add_auth(request)
    description = {
        "method": "GET",
        "url": request.url,
        "headers": {"host": urlsplit(request.url).netloc, **dict(request.headers)},
        "payload_sha256": hashlib.sha256(b"").hexdigest(),
        "action": action,
        "resource": resource,
    }
    status, answer = _admin_call(server, "POST", "/_cognitio/authorize", json.dumps(description))
    assert status == 200, answer
    return answer


def _admin_call(
    server: ServerProcess,
    method: str,
    path: str,
    body: str = "",
    *,
    signed: bool = True,
    secret: str = SECRET_ACCESS_KEY,
) -> tuple[int, dict[str, Any]]:
    payload = body.encode()
    call = AWSRequest(method=method, url=f"{server.url}{path}", data=payload)
    if signed:
        SigV4Auth(BotoCredentials(ACCESS_KEY_ID, secret), "cognito-identity", REGION).add_auth(call)
    prepared = urllib.request.Request(
        call.url, data=payload or None, headers=dict(call.headers), method=method
    )
    try:
        with urllib.request.urlopen(prepared) as answer:
            return answer.status, dict(json.loads(answer.read()))
    except urllib.error.HTTPError as refused:
        return refused.code, dict(json.loads(refused.read()))


def test_a_deleted_identitys_credentials_are_refused_and_another_identitys_are_not(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    alice, alice_credentials = _guest(identity, pool)
    _, bob_credentials = _guest(identity, pool)
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/WideGuest/CognitoIdentityCredentials"
    assert _caller(server, alice_credentials) == session
    identity.delete_identities(IdentityIdsToDelete=[alice])
    assert _caller(server, alice_credentials) == "InvalidClientTokenId"
    assert _caller(server, bob_credentials) == session
    refused = _decide(server, alice_credentials, "s3:GetObject", "arn:aws:s3:::public/cat.jpg")
    assert (refused["decision"], refused["outcome"]) == ("Deny", "revoked")
    assert (refused["error"]["code"], refused["error"]["status"]) == ("AccessDenied", 403)
    assert refused["principal"]["identityId"] == alice
    allowed = _decide(server, bob_credentials, "s3:GetObject", "arn:aws:s3:::public/cat.jpg")
    assert allowed["decision"] == "Allow"
    with pytest.raises(ClientError) as gone:
        identity.get_credentials_for_identity(IdentityId=alice)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_deleted_pools_credentials_are_refused(server: ServerProcess, identity: Any) -> None:
    pool = _guest_pool(identity)
    _, credentials = _guest(identity, pool)
    other_pool = _guest_pool(identity)
    _, others = _guest(identity, other_pool)
    identity.delete_identity_pool(IdentityPoolId=pool)
    assert _caller(server, credentials) == "InvalidClientTokenId"
    assert _caller(server, others).endswith("/CognitoIdentityCredentials")


def _cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COGNITIO_")}
    env["COGNITIO_MASTER_KEY"] = base64.b64encode(MASTER_KEY).decode()
    command = [sys.executable, "-m", "cognitio", "credentials", "revoke", *args]
    command += ["--data-dir", str(server.data_dir)]
    if server.database_url:
        command += ["--database-url", server.database_url]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_the_cli_revokes_an_identity_then_new_credentials_work(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    alice, old = _guest(identity, pool)
    _, bob = _guest(identity, pool)
    done = _cli(server, "--identity-id", alice)
    assert done.returncode == 0, done.stderr
    assert f"identity {alice} issued at or before" in done.stdout
    assert _caller(server, old) == "InvalidClientTokenId"
    assert _caller(server, bob).endswith("/CognitoIdentityCredentials")
    fresh = identity.get_credentials_for_identity(IdentityId=alice)["Credentials"]
    assert _caller(server, fresh).endswith("/CognitoIdentityCredentials")


def test_the_cli_revokes_a_role_or_a_pool(server: ServerProcess, identity: Any) -> None:
    revocable = _guest_pool(identity, REVOCABLE)
    _, under_role = _guest(identity, revocable)
    kept_pool = _guest_pool(identity)
    _, kept = _guest(identity, kept_pool)
    assert _cli(server, "--role-arn", REVOCABLE).returncode == 0
    assert _caller(server, under_role) == "InvalidClientTokenId"
    assert _caller(server, kept).endswith("/CognitoIdentityCredentials")
    assert _cli(server, "--identity-pool-id", kept_pool).returncode == 0
    assert _caller(server, kept) == "InvalidClientTokenId"


def test_the_cli_wants_exactly_one_subject(server: ServerProcess) -> None:
    assert _cli(server).returncode == 2
    both = _cli(server, "--identity-id", "a", "--role-arn", "b")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    assert _cli(server, "--identity-id", "x" * 2049).returncode == 2


def test_a_guests_credentials_carry_the_scope_down(server: ServerProcess, identity: Any) -> None:
    _, credentials = _guest(identity, _guest_pool(identity))
    opened = AUTHORITY.open(
        credentials["AccessKeyId"],
        credentials["SessionToken"],
        now=credentials["Expiration"] - timedelta(minutes=30),
    )
    assert opened.claims.session_policy == GUEST_SCOPE_DOWN_ID
    iam = _decide(server, credentials, "iam:CreateUser", "*")
    assert (iam["decision"], iam["reason"]) == ("Deny", "no session policy allows the request")
    assert iam["error"]["message"].endswith(
        "because no session policy allows the iam:CreateUser action"
    )
    s3 = _decide(server, credentials, "s3:GetObject", "arn:aws:s3:::public/cat.jpg")
    assert s3["decision"] == "Allow"


def _sts(server: ServerProcess) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
        config=Config(retries={"max_attempts": 0}),
    )


def test_a_guest_passing_a_policy_to_sts_stays_scoped_down(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    _, token = mint_open_id_token(server, pool)
    answer = _sts(server).assume_role_with_web_identity(
        RoleArn=GUEST, RoleSessionName="guest", WebIdentityToken=token, Policy=EVERYTHING
    )
    credentials = answer["Credentials"]
    refused = _decide(server, credentials, "iam:CreateUser", "*")
    assert refused["decision"] == "Deny"
    assert refused["error"]["message"].endswith("with an explicit deny in a session policy")
    allowed = _decide(server, credentials, "s3:GetObject", "arn:aws:s3:::public/cat.jpg")
    assert allowed["decision"] == "Allow"
    # Without a Policy, the scope-down alone.
    plain = _sts(server).assume_role_with_web_identity(
        RoleArn=GUEST, RoleSessionName="guest", WebIdentityToken=token
    )["Credentials"]
    assert _decide(server, plain, "iam:ListUsers", "*")["decision"] == "Deny"
    # A Policy cannot name the scope-down (or any policy) by id.
    with pytest.raises(ClientError) as caught:
        _sts(server).assume_role_with_web_identity(
            RoleArn=GUEST,
            RoleSessionName="guest",
            WebIdentityToken=token,
            Policy=GUEST_SCOPE_DOWN_ID,
        )
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_an_authenticated_sts_session_is_not_scoped_down(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    _, token = mint_open_id_token(server, pool, ("authenticated", "cognito-idp"))
    credentials = _sts(server).assume_role_with_web_identity(
        RoleArn=AUTH, RoleSessionName="member", WebIdentityToken=token
    )["Credentials"]
    assert _decide(server, credentials, "iam:CreateUser", "*")["decision"] == "Allow"


def test_the_revocation_list_answers_administrators_only(server: ServerProcess) -> None:
    status, answer = _admin_call(server, "GET", "/_cognitio/revocations", signed=False)
    assert (status, answer["__type"]) == (403, "MissingAuthenticationTokenException")
    status, answer = _admin_call(server, "GET", "/_cognitio/revocations", secret="wrong" * 8)
    assert answer["__type"] == "InvalidSignatureException"
    status, answer = _admin_call(server, "POST", "/_cognitio/revocations", "{}")
    assert (status, answer["__type"]) == (400, "InvalidParameterException")
    status, answer = _admin_call(server, "GET", "/_cognitio/revocations")
    assert status == 200 and set(answer) == {"generatedMs", "identities", "roles", "identityPools"}


@pytest.fixture
def photo_store(server: ServerProcess) -> Iterator[str]:
    """An object store in this process, its verifier fed by the server's revocation list."""

    async def get(request: Request) -> Response:
        return Response(b"meow")

    feed = RevocationFeed(
        server.url, ACCESS_KEY_ID, SECRET_ACCESS_KEY, ttl=timedelta(seconds=0.001)
    )
    verifier = Verifier(AUTHORITY, regions={REGION}, services={"s3"}, revocations=feed)

    def allow(principal: Principal, scope: Any) -> None:
        return None

    app = Starlette(routes=[Route("/{path:path}", get, methods=["GET"])])
    peer = LoopbackServer(SigV4Middleware(app, verifier, allow)).start()
    try:
        yield peer.url
    finally:
        peer.stop()


def _get_object(url: str, credentials: dict[str, Any]) -> str:
    s3 = boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 0},
        ),
    )
    try:
        return str(s3.get_object(Bucket="photos", Key="cat.jpg")["Body"].read().decode())
    except ClientError as refused:
        return str(refused.response["Error"]["Code"])


def test_a_verifier_in_another_process_learns_of_revocations(
    server: ServerProcess, identity: Any, photo_store: str
) -> None:
    pool = _guest_pool(identity)
    alice, alice_credentials = _guest(identity, pool)
    _, bob_credentials = _guest(identity, pool)
    assert _get_object(photo_store, alice_credentials) == "meow"
    identity.delete_identities(IdentityIdsToDelete=[alice])
    assert _get_object(photo_store, alice_credentials) == "AccessDenied"
    assert _get_object(photo_store, bob_credentials) == "meow"


def _member_credentials(
    server: ServerProcess, identity: Any
) -> tuple[Any, str, str, dict[bool, dict[str, Any]]]:
    """A user pool user signed in to two identity pools, one with ServerSideTokenCheck: (idp,
    user pool, username, the credentials of each by whether its pool checks tokens)."""
    idp = client("cognito-idp", server.url)
    user_pool, client_id = setup_pool(idp)
    name = f"user-{uuid.uuid4().hex[:8]}"
    make_user(idp, user_pool, name)
    key = f"cognito-idp.{REGION}.amazonaws.com/{user_pool}"
    credentials: dict[bool, dict[str, Any]] = {}
    for check in (True, False):
        pool = identity.create_identity_pool(
            IdentityPoolName="members",
            AllowUnauthenticatedIdentities=False,
            CognitoIdentityProviders=[
                {"ProviderName": key, "ClientId": client_id, "ServerSideTokenCheck": check}
            ],
        )["IdentityPoolId"]
        identity.set_identity_pool_roles(IdentityPoolId=pool, Roles={"authenticated": AUTH})
        logins = {key: sign_in(idp, client_id, name)["IdToken"]}
        identity_id = identity.get_id(IdentityPoolId=pool, Logins=logins)["IdentityId"]
        credentials[check] = identity.get_credentials_for_identity(
            IdentityId=identity_id, Logins=logins
        )["Credentials"]
    return idp, user_pool, name, credentials


def test_a_signed_out_user_loses_credentials_where_tokens_are_checked(
    server: ServerProcess, identity: Any
) -> None:
    idp, user_pool, name, credentials = _member_credentials(server, identity)
    idp.admin_user_global_sign_out(UserPoolId=user_pool, Username=name)
    assert _caller(server, credentials[True]) == "InvalidClientTokenId"
    assert _caller(server, credentials[False]).endswith("/CognitoIdentityCredentials")


def test_a_deleted_user_loses_credentials_where_tokens_are_checked(
    server: ServerProcess, identity: Any
) -> None:
    idp, user_pool, name, credentials = _member_credentials(server, identity)
    idp.admin_delete_user(UserPoolId=user_pool, Username=name)
    assert _caller(server, credentials[True]) == "InvalidClientTokenId"
    assert _caller(server, credentials[False]).endswith("/CognitoIdentityCredentials")


def test_a_guests_own_openid_token_at_getcredentials_keeps_the_scope_down(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    guest = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=guest)["Token"]
    answer = identity.get_credentials_for_identity(
        IdentityId=guest, Logins={"cognito-identity.amazonaws.com": token}
    )
    credentials = dict(answer["Credentials"])
    iam = _decide(server, credentials, "iam:CreateUser", "*")
    assert (iam["decision"], iam["reason"]) == ("Deny", "no session policy allows the request")
    s3 = _decide(server, credentials, "s3:GetObject", "arn:aws:s3:::public/cat.jpg")
    assert s3["decision"] == "Allow"


def test_an_openid_token_from_before_its_identity_was_deleted_buys_no_sts_credentials(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    deleted = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=deleted)["Token"]
    kept = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    kept_token = identity.get_open_id_token(IdentityId=kept)["Token"]
    identity.delete_identities(IdentityIdsToDelete=[deleted])
    with pytest.raises(ClientError) as refused:
        _sts(server).assume_role_with_web_identity(
            RoleArn=GUEST, RoleSessionName="gone", WebIdentityToken=token
        )
    assert refused.value.response["Error"]["Code"] == "InvalidIdentityToken"
    answer = _sts(server).assume_role_with_web_identity(
        RoleArn=GUEST, RoleSessionName="kept", WebIdentityToken=kept_token
    )
    assert _caller(server, answer["Credentials"]).endswith("/WideGuest/kept")


def test_an_openid_token_from_before_its_pool_was_deleted_buys_no_sts_credentials(
    server: ServerProcess, identity: Any
) -> None:
    pool = _guest_pool(identity)
    guest = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=guest)["Token"]
    identity.delete_identity_pool(IdentityPoolId=pool)
    with pytest.raises(ClientError) as refused:
        _sts(server).assume_role_with_web_identity(
            RoleArn=GUEST, RoleSessionName="gone", WebIdentityToken=token
        )
    assert refused.value.response["Error"]["Code"] in ("InvalidIdentityToken", "AccessDenied")
