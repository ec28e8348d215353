"""The role's policies decide: boto3's S3 client against a store behind SigV4Middleware with
PolicyAuthorizer, roles declared in a configuration file's [iam] table."""

from __future__ import annotations

import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
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

from cognitio.authz.authorizer import PolicyAuthorizer, request_line
from cognitio.authz.middleware import SigV4Middleware
from cognitio.authz.targets import RequestLine, Route, RouteTable, S3Targets
from cognitio.authz.verifier import Verifier
from cognitio.crypto.envelope import Envelope
from cognitio.services.iam.policy import PolicyKind, parse_policy_json
from cognitio.services.iam.roles import Role, parse_roles
from cognitio.services.sts.credentials import CredentialAuthority, Credentials
from tests.helpers.loopback import LoopbackServer
from tests.helpers.photo_roles import CONFIG, IDENTITY, OTHER_IDENTITY, READ_ONLY, mint

AUTHORITY = CredentialAuthority.from_envelope(Envelope(b"a" * 32), ["k1"])
GUEST_SCOPE = "guest-read"


def _roles() -> tuple[Role, ...]:
    return parse_roles(tomllib.loads(CONFIG)["iam"], base_dir=Path("."), account_id="000000000000")


def _store() -> tuple[Starlette, dict[str, bytes]]:
    objects: dict[str, bytes] = {}

    async def put(request: Request) -> Response:
        objects[request.url.path] = await request.body()
        return Response(headers={"ETag": '"1"'})

    async def get(request: Request) -> Response:
        if request.url.path not in objects:
            return Response(status_code=404)
        return Response(objects[request.url.path])

    async def delete(request: Request) -> Response:
        objects.pop(request.url.path, None)
        return Response(status_code=204)

    async def list_bucket(request: Request) -> Response:
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>photos</Name>'
            "<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>",
            media_type="application/xml",
        )

    app = Starlette(
        routes=[
            StarletteRoute("/{bucket}", list_bucket, methods=["GET"]),
            StarletteRoute("/{path:path}", put, methods=["PUT"]),
            StarletteRoute("/{path:path}", get, methods=["GET"]),
            StarletteRoute("/{path:path}", delete, methods=["DELETE"]),
        ]
    )
    return app, objects


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[str, dict[str, bytes]]]:
    app, objects = _store()
    scope_down = parse_policy_json(READ_ONLY, name=GUEST_SCOPE, kind=PolicyKind.PERMISSIONS)
    authorizer = PolicyAuthorizer(
        _roles(), targets=S3Targets(), session_policies={GUEST_SCOPE: scope_down}
    )
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"s3"})
    server = LoopbackServer(SigV4Middleware(app, verifier, authorizer)).start()
    try:
        yield server.url, objects
    finally:
        server.stop()


def _s3(url: str, credentials: Credentials) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.session_token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def _refusal(call: Any, **kwargs: object) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    error = refused.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def test_an_identity_reads_and_writes_under_its_own_prefix(
    store: tuple[str, dict[str, bytes]],
) -> None:
    s3 = _s3(store[0], mint(AUTHORITY))
    s3.put_object(Bucket="photos", Key=f"{IDENTITY}/cat.jpg", Body=b"meow")
    assert s3.get_object(Bucket="photos", Key=f"{IDENTITY}/cat.jpg")["Body"].read() == b"meow"
    assert s3.head_object(Bucket="photos", Key=f"{IDENTITY}/cat.jpg")["ContentLength"] == 4
    assert s3.list_objects_v2(Bucket="photos", Prefix=f"{IDENTITY}/")["KeyCount"] == 0


def test_another_identitys_prefix_is_refused(store: tuple[str, dict[str, bytes]]) -> None:
    url, objects = store
    objects[f"/photos/{OTHER_IDENTITY}/dog.jpg"] = b"woof"
    s3 = _s3(url, mint(AUTHORITY))
    code, message = _refusal(s3.get_object, Bucket="photos", Key=f"{OTHER_IDENTITY}/dog.jpg")
    assert code == "AccessDenied"
    assert message == (
        "User: arn:aws:sts::000000000000:assumed-role/PhotosAuth/CognitoIdentityCredentials "
        f"is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::photos/"
        f"{OTHER_IDENTITY}/dog.jpg because no identity-based policy allows the s3:GetObject "
        "action"
    )
    assert _refusal(s3.put_object, Bucket="photos", Key=f"{OTHER_IDENTITY}/x", Body=b"x")[0] == (
        "AccessDenied"
    )
    assert _refusal(s3.list_objects_v2, Bucket="photos", Prefix=f"{OTHER_IDENTITY}/")[0] == (
        "AccessDenied"
    )
    assert objects[f"/photos/{OTHER_IDENTITY}/dog.jpg"] == b"woof"


def test_copying_another_identitys_object_needs_read_access_to_it(
    store: tuple[str, dict[str, bytes]],
) -> None:
    """CopyObject (and UploadPartCopy) read the source: s3:GetObject on it, as S3 asks."""
    url, objects = store
    objects[f"/photos/{OTHER_IDENTITY}/secret.jpg"] = b"mine"
    s3 = _s3(url, mint(AUTHORITY))
    code, message = _refusal(
        s3.copy_object,
        Bucket="photos",
        Key=f"{IDENTITY}/stolen.jpg",
        CopySource={"Bucket": "photos", "Key": f"{OTHER_IDENTITY}/secret.jpg"},
    )
    assert code == "AccessDenied"
    assert f"s3:GetObject on resource: arn:aws:s3:::photos/{OTHER_IDENTITY}/secret.jpg" in message
    assert f"/photos/{IDENTITY}/stolen.jpg" not in objects
    objects[f"/photos/{IDENTITY}/own.jpg"] = b"own"
    s3.copy_object(
        Bucket="photos",
        Key=f"{IDENTITY}/copy.jpg",
        CopySource={"Bucket": "photos", "Key": f"{IDENTITY}/own.jpg"},
    )


def test_a_copy_source_s3_cannot_read_names_no_target() -> None:
    targets = S3Targets()
    for source in ("photos/me/../you/a", "arn:aws:s3:us-east-1:1:accesspoint/ap/object/k", "", "/"):
        line = RequestLine("PUT", "h", "/photos/me/b", "", {"x-amz-copy-source": source})
        assert targets(line) is None, source
    versioned = RequestLine(
        "PUT", "h", "/photos/me/b", "", {"x-amz-copy-source": "/photos/me/a%20b?versionId=3"}
    )
    target = targets(versioned)
    assert target is not None
    assert target.also == (("s3:GetObjectVersion", "arn:aws:s3:::photos/me/a b"),)


def test_a_principal_tag_opens_its_teams_prefix_only(store: tuple[str, dict[str, bytes]]) -> None:
    url, objects = store
    objects["/photos/team-red/plan.txt"] = b"red"
    objects["/photos/team-blue/plan.txt"] = b"blue"
    red = _s3(url, mint(AUTHORITY, team="red"))
    assert red.get_object(Bucket="photos", Key="team-red/plan.txt")["Body"].read() == b"red"
    assert _refusal(red.get_object, Bucket="photos", Key="team-blue/plan.txt")[0] == (
        "AccessDenied"
    )
    untagged = _s3(url, mint(AUTHORITY))
    assert _refusal(untagged.get_object, Bucket="photos", Key="team-red/plan.txt")[0] == (
        "AccessDenied"
    )


def test_an_explicit_deny_wins_over_the_own_prefix_allow(
    store: tuple[str, dict[str, bytes]],
) -> None:
    url, objects = store
    s3 = _s3(url, mint(AUTHORITY))
    s3.put_object(Bucket="photos", Key=f"{IDENTITY}/archive/2019.zip", Body=b"z")
    code, message = _refusal(s3.delete_object, Bucket="photos", Key=f"{IDENTITY}/archive/2019.zip")
    assert code == "AccessDenied"
    assert message.endswith("with an explicit deny in an identity-based policy")
    assert f"/photos/{IDENTITY}/archive/2019.zip" in objects
    s3.put_object(Bucket="photos", Key=f"{IDENTITY}/tmp.txt", Body=b"t")
    s3.delete_object(Bucket="photos", Key=f"{IDENTITY}/tmp.txt")
    assert f"/photos/{IDENTITY}/tmp.txt" not in objects


@pytest.mark.parametrize("session_policy", [GUEST_SCOPE, READ_ONLY])
def test_a_session_policy_narrows_what_the_role_allows(
    store: tuple[str, dict[str, bytes]], session_policy: str
) -> None:
    """By id (a scope-down the authorizer knows) or inline (a Policy passed to STS)."""
    url, objects = store
    objects[f"/photos/{IDENTITY}/read-me.txt"] = b"r"
    s3 = _s3(url, mint(AUTHORITY, session_policy=session_policy))
    assert s3.get_object(Bucket="photos", Key=f"{IDENTITY}/read-me.txt")["Body"].read() == b"r"
    code, message = _refusal(s3.put_object, Bucket="photos", Key=f"{IDENTITY}/w.txt", Body=b"w")
    assert code == "AccessDenied"
    assert message.endswith("because no session policy allows the s3:PutObject action")
    # The session policy allows GetObject on everything; the role still does not.
    assert _refusal(s3.get_object, Bucket="photos", Key=f"{OTHER_IDENTITY}/dog.jpg")[0] == (
        "AccessDenied"
    )


def test_an_unknown_session_policy_or_role_refuses_everything(
    store: tuple[str, dict[str, bytes]],
) -> None:
    url, _ = store
    for credentials in (
        mint(AUTHORITY, session_policy="no-such-policy"),
        mint(AUTHORITY, role_arn="arn:aws:iam::000000000000:role/Undeclared"),
    ):
        s3 = _s3(url, credentials)
        code = _refusal(s3.put_object, Bucket="photos", Key=f"{IDENTITY}/x", Body=b"x")[0]
        assert code == "AccessDenied"


def test_s3_requests_name_their_actions_and_resources() -> None:
    targets = S3Targets(virtual_host_suffixes=["s3.example.test"])
    cases = {
        ("GET", "127.0.0.1:9000", "/photos/a%20b/c.jpg", ""): (
            "s3:GetObject",
            "arn:aws:s3:::photos/a b/c.jpg",
        ),
        ("HEAD", "photos.s3.example.test", "/c.jpg", ""): (
            "s3:GetObject",
            "arn:aws:s3:::photos/c.jpg",
        ),
        ("PUT", "photos.s3.example.test:443", "/k", "tagging"): (
            "s3:PutObjectTagging",
            "arn:aws:s3:::photos/k",
        ),
        ("DELETE", "h", "/photos/k", "uploadId=1"): (
            "s3:AbortMultipartUpload",
            "arn:aws:s3:::photos/k",
        ),
        ("GET", "h", "/photos", "list-type=2&prefix=a%2F"): (
            "s3:ListBucket",
            "arn:aws:s3:::photos",
        ),
        ("GET", "photos.s3.example.test", "/", "versions"): (
            "s3:ListBucketVersions",
            "arn:aws:s3:::photos",
        ),
        ("GET", "h", "/", ""): ("s3:ListAllMyBuckets", "*"),
    }
    for (method, host, path, query), expected in cases.items():
        target = targets(RequestLine(method, host, path, query))
        assert target is not None
        assert (target.action, target.resource) == expected
    listing = targets(RequestLine("GET", "h", "/photos", "prefix=a%2F&delimiter=%2F"))
    assert listing is not None
    assert listing.context == {"s3:prefix": "a/", "s3:delimiter": "/"}
    assert targets(RequestLine("POST", "h", "/photos", "delete")) is None
    # A parameter named twice could be read either way by the store: no target.
    assert targets(RequestLine("GET", "h", "/photos", "prefix=a%2F&prefix=b%2F")) is None
    assert targets(RequestLine("GET", "h", "/photos/k", "acl&acl")) is None
    # Dot segments in a key, plain or encoded, could be normalised away by the store.
    for path in ("/photos/me/../you/k", "/photos/me%2F..%2Fyou/k", "/photos/./k", "/photos/k/.."):
        assert targets(RequestLine("GET", "h", path, "")) is None
    assert targets(RequestLine("GET", "h", "/photos/a..b/.k", "")) is not None
    # Host or a condition-key header twice: the store may obey the one the policy did not see.
    copy = {"x-amz-copy-source": "photos/me/a"}
    put = RequestLine("PUT", "h", "/photos/me/b", "", copy)
    assert targets(put) is not None
    for name in ("x-amz-copy-source", "host"):
        twice = RequestLine("PUT", "h", "/photos/me/b", "", copy, frozenset({name}))
        assert targets(twice) is None
    other = RequestLine("PUT", "h", "/photos/me/b", "", copy, frozenset({"x-amz-meta-a"}))
    assert targets(other) is not None


def test_a_request_line_names_the_headers_it_repeats() -> None:
    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/photos/me/b",
        "raw_path": b"/photos/me/b",
        "query_string": b"",
        "headers": [
            (b"host", b"store.test"),
            (b"X-Amz-Copy-Source", b"photos/me/a"),
            (b"x-amz-copy-source", b"photos/you/a"),
        ],
    }
    line = request_line(scope)
    assert line.repeated_headers == {"x-amz-copy-source"}
    assert S3Targets()(line) is None


def test_a_route_table_names_other_apis_and_keeps_encoded_slashes_out() -> None:
    table = RouteTable(
        [
            Route("GET", "/notes/{owner}/{rest+}", "notes:Read", "arn:notes/{owner}/{rest}"),
            Route("*", "/health", "notes:Health", "*"),
        ]
    )
    found = table(RequestLine("GET", "h", "/notes/alice/2024/a%20b.txt", ""))
    assert found is not None
    assert (found.action, found.resource) == ("notes:Read", "arn:notes/alice/2024/a b.txt")
    health = table(RequestLine("POST", "h", "/health", ""))
    assert health is not None and health.action == "notes:Health"
    for path in ("/notes/alice%2F..%2Fbob/x", "/notes/../bob/x", "/notes/alice", "/other"):
        assert table(RequestLine("GET", "h", path, "")) is None
    with pytest.raises(ValueError, match="last segment"):
        RouteTable([Route("GET", "/{rest+}/x", "a:b", "*")])
    with pytest.raises(ValueError, match="not captured"):
        RouteTable([Route("GET", "/notes/{owner}", "a:b", "arn:notes/{name}")])


def test_the_middleware_with_a_route_table_guards_a_json_api() -> None:
    async def read(request: Request) -> Response:
        return Response(b'{"ok": true}', media_type="application/json")

    app = Starlette(routes=[StarletteRoute("/notes/{owner}/{name}", read, methods=["GET"])])
    region_arn = "arn:aws:execute-api:us-east-1:000000000000"
    authorizer = PolicyAuthorizer(
        _roles(),
        targets=RouteTable(
            [
                Route(
                    "GET",
                    "/notes/{owner}/{name}",
                    "notes:Read",
                    region_arn + ":notes/{owner}/{name}",
                )
            ]
        ),
    )
    verifier = Verifier(AUTHORITY, regions={"us-east-1"}, services={"execute-api"})
    server = LoopbackServer(SigV4Middleware(app, verifier, authorizer)).start()
    credentials = mint(AUTHORITY)
    try:
        statuses = []
        for owner in (IDENTITY, OTHER_IDENTITY):
            request = AWSRequest(method="GET", url=f"{server.url}/notes/{owner}/todo")
            SigV4Auth(
                BotoCredentials(
                    credentials.access_key_id, credentials.secret_key, credentials.session_token
                ),
                "execute-api",
                "us-east-1",
            ).add_auth(request)
            prepared = urllib.request.Request(request.url, headers=dict(request.headers))
            try:
                with urllib.request.urlopen(prepared) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as refused:
                statuses.append(refused.code)
                assert b"<Code>AccessDenied</Code>" in refused.read()
    finally:
        server.stop()
    assert statuses == [200, 403]
