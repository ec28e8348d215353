"""Revoked credentials and the guests' scope-down at a resource server: boto3's S3 client (and a
botocore-signed IAM call) against the middleware with PolicyAuthorizer, the verifier told of
revocations by a list the test holds or by a RevocationFeed whose answers the test forges."""

from __future__ import annotations

import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials as BotoCredentials
from botocore.exceptions import ClientError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from cognitio.authz.authorizer import PolicyAuthorizer
from cognitio.authz.middleware import SigV4Middleware
from cognitio.authz.revocation_feed import Answer, RevocationFeed
from cognitio.authz.targets import RequestLine, Route, RouteTable, S3Targets, Target
from cognitio.authz.verifier import Verifier
from cognitio.crypto.envelope import Envelope
from cognitio.services.iam.policy import PolicyKind, parse_policy_json
from cognitio.services.iam.roles import Role, parse_roles
from cognitio.services.iam.scope_down import GUEST_SCOPE_DOWN_ID
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.sts.errors import ServiceUnavailable
from cognitio.services.sts.revocations import (
    SIGNATURE_HEADER,
    RevocationList,
    issued_ms,
    list_signature,
)
from tests.helpers.loopback import LoopbackServer

AUTHORITY = CredentialAuthority.from_envelope(Envelope(b"v" * 32), ["k1"])
GUEST_ROLE = "arn:aws:iam::000000000000:role/WideGuest"
POOL = "us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa"
ALICE = "us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10"
BOB = "us-east-1:7a1e0c52-9b44-4d1f-8e36-2c5d9f0b7e21"
# A guest role far too wide: IAM and S3 whole.
CONFIG = f"""
[[iam.roles]]
arn = "{GUEST_ROLE}"
[[iam.roles.policies]]
name = "everything"
document = '''{{"Version": "2012-10-17", "Statement": [
  {{"Effect": "Allow", "Action": ["iam:*", "s3:*"], "Resource": "*"}}]}}'''
"""
SECRET = "feed-secret-0123456789abcdefghijklmnopqrstu"


def _roles() -> tuple[Role, ...]:
    return parse_roles(tomllib.loads(CONFIG)["iam"], base_dir=Path("."), account_id="000000000000")


class HeldList:
    """A RevocationCheck the test changes between requests."""

    def __init__(self) -> None:
        self.current = RevocationList(generated_ms=0)

    def not_before_ms(self, claims: SessionClaims) -> int | None:
        return self.current.not_before_ms(claims)


class _Targets:
    """S3 requests as S3 names them; ``POST /iam`` as IAM's CreateUser."""

    def __init__(self) -> None:
        self._s3 = S3Targets()
        self._iam = RouteTable([Route("POST", "/iam", "iam:CreateUser", "*")])

    def __call__(self, request: RequestLine) -> Target | None:
        return self._iam(request) if request.path == "/iam" else self._s3(request)


def _app() -> Starlette:
    objects: dict[str, bytes] = {}

    async def put(request: Request) -> Response:
        objects[request.url.path] = await request.body()
        return Response(headers={"ETag": '"1"'})

    async def get(request: Request) -> Response:
        if request.url.path not in objects:
            return Response(status_code=404)
        return Response(objects[request.url.path])

    async def create_user(request: Request) -> Response:
        return Response(b"<CreateUserResponse/>", media_type="text/xml")

    return Starlette(
        routes=[
            StarletteRoute("/iam", create_user, methods=["POST"]),
            StarletteRoute("/{path:path}", put, methods=["PUT"]),
            StarletteRoute("/{path:path}", get, methods=["GET"]),
        ]
    )


def _serve(revocations: Any) -> LoopbackServer:
    verifier = Verifier(
        AUTHORITY, regions={"us-east-1"}, services={"s3", "iam"}, revocations=revocations
    )
    authorizer = PolicyAuthorizer(_roles(), targets=_Targets())
    return LoopbackServer(SigV4Middleware(_app(), verifier, authorizer)).start()


@pytest.fixture(scope="module")
def held() -> Iterator[tuple[str, HeldList]]:
    revocations = HeldList()
    server = _serve(revocations)
    try:
        yield server.url, revocations
    finally:
        server.stop()


def _guest(identity: str = ALICE, *, issued: datetime | None = None) -> Credentials:
    now = datetime.now(UTC)
    return AUTHORITY.mint(
        SessionClaims(
            identity_id=identity,
            identity_pool_id=POOL,
            role_arn=GUEST_ROLE,
            session_name="CognitoIdentityCredentials",
            issued_at=issued or now - timedelta(minutes=1),
            expires_at=now + timedelta(hours=1),
            amr=("unauthenticated",),
            session_policy=GUEST_SCOPE_DOWN_ID,
        )
    )


def _s3(url: str, credentials: Credentials) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.session_token,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 0},
        ),
    )


def _refusal(call: Any, **kwargs: object) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    error = refused.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def _create_user(url: str, credentials: Credentials) -> tuple[int, bytes]:
    body = b"Action=CreateUser&UserName=mallory&Version=2010-05-08"
    request = AWSRequest(
        method="POST",
        url=f"{url}/iam",
        data=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    SigV4Auth(
        BotoCredentials(
            credentials.access_key_id, credentials.secret_key, credentials.session_token
        ),
        "iam",
        "us-east-1",
    ).add_auth(request)
    prepared = urllib.request.Request(
        request.url, data=body, headers=dict(request.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(prepared) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_a_guest_with_a_wide_role_keeps_s3_but_cannot_call_iam(
    held: tuple[str, HeldList],
) -> None:
    url, _ = held
    credentials = _guest()
    s3 = _s3(url, credentials)
    s3.put_object(Bucket="public", Key="guest/note.txt", Body=b"hi")
    assert s3.get_object(Bucket="public", Key="guest/note.txt")["Body"].read() == b"hi"
    status, body = _create_user(url, credentials)
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body
    assert b"because no session policy allows the iam:CreateUser action" in body


def test_the_same_role_without_the_scope_down_may_call_iam(held: tuple[str, HeldList]) -> None:
    """The refusal above is the scope-down's, not the role's."""
    url, _ = held
    now = datetime.now(UTC)
    credentials = AUTHORITY.mint(
        SessionClaims(
            identity_id=ALICE,
            identity_pool_id=POOL,
            role_arn=GUEST_ROLE,
            session_name="CognitoIdentityCredentials",
            issued_at=now,
            expires_at=now + timedelta(hours=1),
            amr=("authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"),
        )
    )
    assert _create_user(url, credentials)[0] == 200


def test_an_application_cannot_replace_the_built_in_scope_down() -> None:
    everything = parse_policy_json(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        name="everything",
        kind=PolicyKind.PERMISSIONS,
    )
    authorizer = PolicyAuthorizer(_roles(), session_policies={GUEST_SCOPE_DOWN_ID: everything})
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"iam"})
    credentials = _guest()
    request = AWSRequest(method="POST", url="http://iam.local/iam", data=b"")
    SigV4Auth(
        BotoCredentials(
            credentials.access_key_id, credentials.secret_key, credentials.session_token
        ),
        "iam",
        "us-east-1",
    ).add_auth(request)
    headers = {"host": "iam.local", **dict(request.headers)}
    principal = verifier.verify("POST", request.url, headers, b"")
    assert not authorizer.decide(principal, "iam:CreateUser", "*").allowed
    assert authorizer.decide(principal, "s3:GetObject", "arn:aws:s3:::public/x").allowed


def test_revoked_credentials_are_refused_and_another_identitys_are_not(
    held: tuple[str, HeldList],
) -> None:
    url, revocations = held
    alice, bob = _guest(ALICE), _guest(BOB)
    for credentials in (alice, bob):
        _s3(url, credentials).put_object(Bucket="public", Key="k", Body=b"x")
    opened = AUTHORITY.open(alice.access_key_id, alice.session_token, now=datetime.now(UTC))
    revocations.current = RevocationList(
        generated_ms=0, identities={ALICE: issued_ms(opened.claims)}
    )
    try:
        code, message = _refusal(_s3(url, alice).get_object, Bucket="public", Key="k")
        assert code == "AccessDenied"
        assert "explicit deny" in message and "revoked" in message
        assert _s3(url, bob).get_object(Bucket="public", Key="k")["Body"].read() == b"x"
        # Issued a millisecond after the revocation: honoured.
        later = _guest(ALICE, issued=opened.claims.issued_at + timedelta(milliseconds=1))
        assert _s3(url, later).get_object(Bucket="public", Key="k")["Body"].read() == b"x"
    finally:
        revocations.current = RevocationList(generated_ms=0)


class FakeServer:
    """Answers the feed's GETs as Cognitio would, or as an attacker on the way would."""

    def __init__(self) -> None:
        self.published = RevocationList(generated_ms=1)
        self.tamper = False
        self.replay: Answer | None = None
        self.down = False
        self.calls = 0

    def __call__(self, url: str, headers: Mapping[str, str], timeout: float) -> Answer:
        self.calls += 1
        assert url == "https://id.example/_cognitio/revocations"
        assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAFEED/")
        if self.down:
            raise OSError("connection refused")
        if self.replay is not None:
            return self.replay
        body = orjson.dumps(self.published.to_document())
        signature = list_signature(SECRET, headers["X-Amz-Date"], body)
        if self.tamper:
            body = orjson.dumps(RevocationList(generated_ms=1).to_document())
        return Answer(200, {SIGNATURE_HEADER: signature}, body)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _feed(server: FakeServer, clock: Clock) -> RevocationFeed:
    return RevocationFeed(
        "https://id.example",
        "AKIAFEED",
        SECRET,
        ttl=timedelta(seconds=30),
        max_stale=timedelta(minutes=5),
        fetch=server,
        monotonic=clock,
    )


def _claims(identity: str = ALICE) -> SessionClaims:
    return SessionClaims(
        identity_id=identity,
        identity_pool_id=POOL,
        role_arn=GUEST_ROLE,
        session_name="s",
        issued_at=datetime(2026, 12, 6, tzinfo=UTC),
        expires_at=datetime(2026, 12, 6, 1, tzinfo=UTC),
    )


def test_the_feed_fetches_once_per_ttl_and_learns_new_revocations() -> None:
    server, clock = FakeServer(), Clock()
    feed = _feed(server, clock)
    assert feed.not_before_ms(_claims()) is None
    server.published = RevocationList(generated_ms=2, identities={ALICE: 99})
    clock.now += 29
    assert feed.not_before_ms(_claims()) is None  # still within the ttl
    clock.now += 2
    assert feed.not_before_ms(_claims()) == 99
    assert feed.not_before_ms(_claims(BOB)) is None
    assert server.calls == 2


def test_a_forged_or_replayed_list_is_refused() -> None:
    server, clock = FakeServer(), Clock()
    server.published = RevocationList(generated_ms=2, identities={ALICE: 99})
    server.tamper = True  # the revocation of Alice taken out on the way
    with pytest.raises(ValueError, match="not signed"):
        _feed(server, clock).refresh()
    with pytest.raises(ServiceUnavailable):  # no trustworthy list yet: fail closed
        _feed(server, clock).not_before_ms(_claims())
    server.tamper = False
    feed = _feed(server, clock)
    body = orjson.dumps(RevocationList(generated_ms=1).to_document())
    # An older answer, genuinely signed, for a request of another date.
    older = list_signature(SECRET, "20261206T000000Z", body)
    server.replay = Answer(200, {SIGNATURE_HEADER: older}, body)
    with pytest.raises(ValueError, match="not signed"):
        feed.refresh()
    server.replay = Answer(403, {}, b"")
    with pytest.raises(ValueError, match="HTTP 403"):
        feed.refresh()


def test_an_unreachable_server_leaves_the_last_list_until_max_stale_then_refuses() -> None:
    server, clock = FakeServer(), Clock()
    server.published = RevocationList(generated_ms=2, identities={ALICE: 99})
    feed = _feed(server, clock)
    assert feed.not_before_ms(_claims()) == 99
    server.down = True
    clock.now += 299
    assert feed.not_before_ms(_claims()) == 99
    clock.now += 2
    with pytest.raises(ServiceUnavailable):
        feed.not_before_ms(_claims())


def test_the_middleware_answers_503_when_the_feed_cannot_tell() -> None:
    server, clock = FakeServer(), Clock()
    server.down = True
    app = _serve(_feed(server, clock))
    try:
        code, _ = _refusal(_s3(app.url, _guest()).get_object, Bucket="public", Key="k")
    finally:
        app.stop()
    assert code == "ServiceUnavailable"


def test_a_feed_needs_a_usable_url_and_bounds() -> None:
    with pytest.raises(ValueError):
        RevocationFeed("ftp://id.example", "AKIAFEED", SECRET)
    with pytest.raises(ValueError):
        RevocationFeed(
            "https://id.example",
            "AKIAFEED",
            SECRET,
            ttl=timedelta(minutes=10),
            max_stale=timedelta(minutes=1),
        )
