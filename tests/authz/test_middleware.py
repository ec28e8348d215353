"""boto3's S3 client against an object store behind SigV4Middleware, with minted credentials."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from cognitio.authz.middleware import SigV4Middleware, principal_of
from cognitio.authz.verifier import Principal, Verifier
from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.sts.errors import AccessDenied
from tests.helpers.loopback import LoopbackServer

IDENTITY = "us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10"
AUTHORITY = CredentialAuthority.from_envelope(Envelope(b"e" * 32), ["k1"])


def _own_prefix_only(principal: Principal, scope: Scope) -> None:
    """The test app's rule: an identity reaches only photos/<its identity id>/..."""
    if not str(scope["path"]).startswith(f"/photos/{principal.claims.identity_id}/"):
        raise AccessDenied("Access Denied")


def _object_store() -> Starlette:
    objects: dict[str, bytes] = {}

    async def put(request: Request) -> Response:
        objects[request.url.path] = await request.body()
        return Response(headers={"ETag": '"1"'})

    async def get(request: Request) -> Response:
        if request.url.path not in objects:
            return Response(status_code=404)
        owner = principal_of(request.scope).claims.identity_id
        return Response(objects[request.url.path], headers={"x-amz-meta-owner": owner})

    return Starlette(
        routes=[
            Route("/{path:path}", put, methods=["PUT"]),
            Route("/{path:path}", get, methods=["GET"]),
        ]
    )


@pytest.fixture(scope="module")
def store_url() -> Iterator[str]:
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"s3"})
    server = LoopbackServer(SigV4Middleware(_object_store(), verifier, _own_prefix_only)).start()
    try:
        yield server.url
    finally:
        server.stop()


def _mint(expires_in: timedelta = timedelta(hours=1)) -> Credentials:
    now = datetime.now(UTC)
    return AUTHORITY.mint(
        SessionClaims(
            identity_id=IDENTITY,
            identity_pool_id="us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa",
            role_arn="arn:aws:iam::000000000000:role/PhotosAuth",
            session_name="CognitoIdentityCredentials",
            issued_at=now - timedelta(hours=2),
            expires_at=now + expires_in,
        )
    )


def _s3(url: str, credentials: Credentials, **changes: str) -> object:
    values = {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_key,
        "aws_session_token": credentials.session_token,
        **changes,
    }
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        **values,
    )


def _error(call: object, **kwargs: object) -> str:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)  # type: ignore[operator]
    return str(refused.value.response["Error"]["Code"])


def test_boto3_puts_and_gets_under_its_own_prefix(store_url: str) -> None:
    s3 = _s3(store_url, _mint())
    key = f"{IDENTITY}/note.txt"
    s3.put_object(Bucket="photos", Key=key, Body=b"hello")  # type: ignore[attr-defined]
    answer = s3.get_object(Bucket="photos", Key=key)  # type: ignore[attr-defined]
    assert answer["Body"].read() == b"hello"
    assert answer["Metadata"] == {"owner": IDENTITY}


def test_the_authorizer_refuses_another_prefix(store_url: str) -> None:
    s3 = _s3(store_url, _mint())
    code = _error(s3.put_object, Bucket="photos", Key="someone-else/x.txt", Body=b"x")  # type: ignore[attr-defined]
    assert code == "AccessDenied"


def test_credentials_that_do_not_hold_are_refused(store_url: str) -> None:
    good = _mint()
    key = f"{IDENTITY}/note.txt"
    cases = {
        "InvalidToken": _s3(store_url, good, aws_session_token=_mint().session_token),
        "SignatureDoesNotMatch": _s3(store_url, good, aws_secret_access_key="x" * 40),
        "ExpiredToken": _s3(store_url, _mint(expires_in=timedelta(hours=-1))),
    }
    for expected, s3 in cases.items():
        assert _error(s3.get_object, Bucket="photos", Key=key) == expected  # type: ignore[attr-defined]


def test_a_presigned_s3v4_url_is_honoured_then_refused_when_changed(store_url: str) -> None:
    s3 = _s3(store_url, _mint())
    key = f"{IDENTITY}/shared.txt"
    s3.put_object(Bucket="photos", Key=key, Body=b"shared")  # type: ignore[attr-defined]
    url = s3.generate_presigned_url(  # type: ignore[attr-defined]
        "get_object", Params={"Bucket": "photos", "Key": key}, ExpiresIn=300
    )
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"shared"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.replace("shared.txt", "other.txt"))
    assert refused.value.code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in refused.value.read()


def _refuse_everyone(principal: Principal, scope: Scope) -> None:
    raise AccessDenied("Access Denied")


def test_unsigned_and_oversized_requests_get_aws_xml_errors() -> None:
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"s3"})
    app = SigV4Middleware(_object_store(), verifier, _refuse_everyone, max_body_bytes=10)
    server = LoopbackServer(app).start()
    try:
        answers = []
        for request in (
            urllib.request.Request(f"{server.url}/photos/x"),
            urllib.request.Request(f"{server.url}/photos/x", data=b"x" * 11, method="PUT"),
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request)
            answers.append(
                (refused.value.code, refused.value.headers["content-type"], refused.value.read())
            )
    finally:
        server.stop()
    assert answers[0][:2] == (403, "application/xml")
    assert b"<Code>AccessDenied</Code>" in answers[0][2]
    assert answers[1][0] == 400
    assert b"<Code>InvalidRequest</Code>" in answers[1][2]


def test_the_authorizer_has_the_last_word() -> None:
    """A correctly signed request still goes no further than the authorizer lets it."""
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"s3"})
    server = LoopbackServer(SigV4Middleware(_object_store(), verifier, _refuse_everyone)).start()
    try:
        s3 = _s3(server.url, _mint())
        code = _error(s3.get_object, Bucket="photos", Key=f"{IDENTITY}/note.txt")  # type: ignore[attr-defined]
        assert code == "AccessDenied"
    finally:
        server.stop()
