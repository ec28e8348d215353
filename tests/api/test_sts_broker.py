"""The STS broker (credentials_backend = "aws"), black-box: GetCredentialsForIdentity through
boto3 against a server that exchanges identities' OpenID tokens at moto's STS (started on a
loopback port) or at a stand-in that records the call and answers STS's errors."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import boto3
import jwt
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitio.config import ConfigError, load_settings
from cognitio.crypto.envelope import Envelope
from cognitio.services.iam.scope_down import GUEST_ACTIONS
from cognitio.services.sts.credentials import CredentialAuthority
from cognitio.services.sts.errors import InvalidToken
from tests.conftest import client
from tests.helpers.loopback import LoopbackServer
from tests.helpers.pools import make_user, setup_pool, sign_in
from tests.server import REGION, ServerProcess, free_port

ACCOUNT = "123456789012"
GUEST = f"arn:aws:iam::{ACCOUNT}:role/Guest"
MEMBER = f"arn:aws:iam::{ACCOUNT}:role/Member"
MASTER_KEY = bytes(range(7, 39))
SUCCESS = """<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult><Credentials>
<AccessKeyId>ASIASTANDIN000000001</AccessKeyId><SecretAccessKey>stand-in-secret</SecretAccessKey>
<SessionToken>stand-in-token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>
</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"""


def _error(code: str) -> str:
    return (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
        f"<Type>Sender</Type><Code>{code}</Code><Message>no</Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>"
    )


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        moto.stop()


class StandIn:
    """An STS that records each call and answers what the test chose."""

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.answer: tuple[int, str] = (200, SUCCESS)

    async def handle(self, request: Request) -> Response:
        self.calls.append(dict(parse_qsl((await request.body()).decode())))
        status, body = self.answer
        return Response(body, status_code=status, media_type="text/xml")


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, StandIn]]:
    recorder = StandIn()
    peer = LoopbackServer(Starlette(routes=[Route("/", recorder.handle, methods=["POST"])])).start()
    try:
        yield peer.url, recorder
    finally:
        peer.stop()


def _broker_server(make_server: Any, backend: str, endpoint: str) -> ServerProcess:
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "COGNITIO_CREDENTIALS_BACKEND": "aws",
            "COGNITIO_STS_ENDPOINT": endpoint,
            "COGNITIO_MASTER_KEY": base64.b64encode(MASTER_KEY).decode(),
        },
    )
    process.start("--dev")  # a plain-http STS stand-in is allowed only in development
    return process


@pytest.fixture(scope="module")
def moto_broker(backend: str, make_server: Any, moto_url: str) -> ServerProcess:
    return _broker_server(make_server, backend, moto_url)


@pytest.fixture(scope="module")
def stand_in_broker(backend: str, make_server: Any, stand_in: tuple[str, StandIn]) -> ServerProcess:
    return _broker_server(make_server, backend, stand_in[0])


def _pool(identity: Any, **options: Any) -> str:
    pool = identity.create_identity_pool(
        IdentityPoolName="brokered", AllowUnauthenticatedIdentities=True, **options
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(
        IdentityPoolId=pool, Roles={"unauthenticated": GUEST, "authenticated": MEMBER}
    )
    return str(pool)


def _guest_credentials(identity: Any, pool: str) -> dict[str, Any]:
    identity_id = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    return dict(identity.get_credentials_for_identity(IdentityId=identity_id)["Credentials"])


def test_guests_get_the_credentials_moto_minted(moto_broker: ServerProcess, moto_url: str) -> None:
    identity = client("cognito-identity", moto_broker.url)
    credentials = _guest_credentials(identity, _pool(identity))
    with pytest.raises(InvalidToken):  # not Cognitio's own
        CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"]).open(
            credentials["AccessKeyId"], credentials["SessionToken"], now=datetime.now(UTC)
        )
    sts = boto3.client(
        "sts",
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 0}),
    )
    caller = sts.get_caller_identity()
    assert caller["Arn"] == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/Guest/CognitoIdentityCredentials"
    )
    assert credentials["Expiration"] > datetime.now(UTC)


def test_a_guests_call_carries_the_scope_down_and_a_fresh_openid_token(
    stand_in_broker: ServerProcess, stand_in: tuple[str, StandIn]
) -> None:
    _, recorder = stand_in
    recorder.answer = (200, SUCCESS)
    identity = client("cognito-identity", stand_in_broker.url)
    pool = _pool(identity)
    before = len(recorder.calls)
    credentials = _guest_credentials(identity, pool)
    assert credentials["AccessKeyId"] == "ASIASTANDIN000000001"
    assert credentials["SecretKey"] == "stand-in-secret"
    assert credentials["SessionToken"] == "stand-in-token"
    (call,) = recorder.calls[before:]
    assert call["Action"] == "AssumeRoleWithWebIdentity"
    assert (call["RoleArn"], call["RoleSessionName"]) == (GUEST, "CognitoIdentityCredentials")
    assert call["DurationSeconds"] == "3600"
    assert "iam:*" not in call["Policy"] and all(a in call["Policy"] for a in GUEST_ACTIONS)
    claims = jwt.decode(call["WebIdentityToken"], options={"verify_signature": False})
    assert claims["aud"] == pool and claims["amr"] == ["unauthenticated"]
    assert claims["iss"] == stand_in_broker.url


def test_a_signed_in_users_call_has_no_policy(
    stand_in_broker: ServerProcess, stand_in: tuple[str, StandIn]
) -> None:
    _, recorder = stand_in
    recorder.answer = (200, SUCCESS)
    idp = client("cognito-idp", stand_in_broker.url)
    identity = client("cognito-identity", stand_in_broker.url)
    user_pool, client_id = setup_pool(idp)
    name = f"user-{uuid.uuid4().hex[:8]}"
    make_user(idp, user_pool, name)
    key = f"cognito-idp.{REGION}.amazonaws.com/{user_pool}"
    pool = _pool(identity, CognitoIdentityProviders=[{"ProviderName": key, "ClientId": client_id}])
    logins = {key: sign_in(idp, client_id, name)["IdToken"]}
    identity_id = identity.get_id(IdentityPoolId=pool, Logins=logins)["IdentityId"]
    before = len(recorder.calls)
    identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    (call,) = recorder.calls[before:]
    assert call["RoleArn"] == MEMBER and "Policy" not in call
    claims = jwt.decode(call["WebIdentityToken"], options={"verify_signature": False})
    assert claims["sub"] == identity_id and claims["amr"][:2] == ["authenticated", key]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (403, _error("AccessDenied"), "InvalidIdentityPoolConfigurationException"),
        (400, _error("InvalidIdentityToken"), "InvalidIdentityPoolConfigurationException"),
        (400, _error("IDPRejectedClaim"), "InvalidIdentityPoolConfigurationException"),
        (400, _error("MalformedPolicyDocument"), "InvalidIdentityPoolConfigurationException"),
        (400, _error("Throttling"), "TooManyRequestsException"),
        (400, _error("IDPCommunicationError"), "ExternalServiceException"),
        (500, _error("InternalFailure"), "ExternalServiceException"),
        (200, "<not-sts/>", "ExternalServiceException"),
        (200, "not xml at all <<<", "ExternalServiceException"),
        (
            200,
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            "ExternalServiceException",
        ),
        (200, "<r>" + "x" * 70_000 + "</r>", "ExternalServiceException"),
    ],
)
def test_stss_refusals_become_the_identity_pools_errors(
    stand_in_broker: ServerProcess,
    stand_in: tuple[str, StandIn],
    status: int,
    body: str,
    expected: str,
) -> None:
    _, recorder = stand_in
    recorder.answer = (status, body)
    identity = client("cognito-identity", stand_in_broker.url)
    pool = _pool(identity)
    identity_id = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    try:
        with pytest.raises(ClientError) as refused:
            identity.get_credentials_for_identity(IdentityId=identity_id)
    finally:
        recorder.answer = (200, SUCCESS)
    error = refused.value.response["Error"]
    assert error["Code"] == expected
    assert "passwd" not in error["Message"] and "root:" not in error["Message"]


def test_an_sts_that_does_not_answer_is_an_external_service_failure(
    backend: str, make_server: Any
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    server = _broker_server(make_server, backend, closed)
    identity = client("cognito-identity", server.url)
    identity_id = identity.get_id(IdentityPoolId=_pool(identity))["IdentityId"]
    with pytest.raises(ClientError) as refused:
        identity.get_credentials_for_identity(IdentityId=identity_id)
    assert refused.value.response["Error"]["Code"] == "ExternalServiceException"
    server.stop()


def test_a_plain_http_sts_is_refused_outside_development(backend: str, make_server: Any) -> None:
    with pytest.raises(ConfigError, match="sts_endpoint: must be https"):
        load_settings({"sts_endpoint": "http://sts.example"}, environ={})
    assert load_settings({"sts_endpoint": "http://127.0.0.1:1", "dev": True}, environ={})
    with pytest.raises(ConfigError, match="credentials_backend"):
        load_settings({"credentials_backend": "azure"}, environ={})
    with pytest.raises(ConfigError, match="sts_endpoint"):
        load_settings({"sts_endpoint": "https://sts.example/?x=1"}, environ={})
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "COGNITIO_CREDENTIALS_BACKEND": "aws",
            "COGNITIO_STS_ENDPOINT": "http://sts.example",
        },
    )
    with pytest.raises(RuntimeError, match="sts_endpoint: must be https"):
        process.start()
