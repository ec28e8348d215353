"""POST /_cognitio/authorize: a resource server describes a request it received (signed with
identity-pool credentials by botocore) and Cognitio verifies it and lets the role decide."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, Credentials
from tests.helpers.photo_roles import CONFIG, IDENTITY, OTHER_IDENTITY, mint
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess

MASTER_KEY = b"m" * 32
# The server derives its credential keys from the same master key and key id.
AUTHORITY = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
STORE = "https://photos.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("authorize")
    config = root / "cognitio.toml"
    config.write_text(CONFIG)
    process = ServerProcess(
        data_dir=root / "data",
        extra_env={
            "COGNITIO_CONFIG": str(config),
            "COGNITIO_ACCOUNT_ID": "000000000000",
            "COGNITIO_MASTER_KEY": base64.b64encode(MASTER_KEY).decode(),
        },
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _s3_request(
    credentials: Credentials,
    method: str,
    key: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> AWSRequest:
    """What a photo store received from boto3: signed as S3 signs, with the body's hash."""
    # boto3 sends the key URI-encoded (the identity id's ':' as %3A), as S3 signs it.
    url = f"{STORE}/photos/{quote(key)}"
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    request.headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    S3SigV4Auth(
        BotoCredentials(
            credentials.access_key_id, credentials.secret_key, credentials.session_token
        ),
        "s3",
        REGION,
    ).add_auth(request)
    return request


def _description(request: AWSRequest, body: bytes = b"", **more: object) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": request.url,
        # The Host header the store received (botocore signs it without setting it).
        "headers": {"host": urlsplit(request.url).netloc, **dict(request.headers)},
        "payload_sha256": hashlib.sha256(body).hexdigest(),
        **more,
    }


def _call(
    server: ServerProcess, description: dict[str, Any], *, signed: bool = True
) -> tuple[int, dict[str, Any]]:
    payload = json.dumps(description).encode()
    call = AWSRequest(
        method="POST",
        url=f"{server.url}/_cognitio/authorize",
        data=payload,
        headers={"content-type": "application/json"},
    )
    if signed:
        SigV4Auth(
            BotoCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "cognito-identity", REGION
        ).add_auth(call)
    prepared = urllib.request.Request(
        call.url, data=payload, headers=dict(call.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(prepared) as answer:
            return answer.status, dict(json.loads(answer.read()))
    except urllib.error.HTTPError as refused:
        return refused.code, dict(json.loads(refused.read()))


def test_an_allowed_request_names_its_principal_and_statement(server: ServerProcess) -> None:
    credentials = mint(AUTHORITY)
    body = b"meow"
    status, answer = _call(
        server, _description(_s3_request(credentials, "PUT", f"{IDENTITY}/cat.jpg", body), body)
    )
    assert (status, answer["decision"]) == (200, "Allow"), answer
    assert answer["action"] == "s3:PutObject"
    assert answer["resource"] == f"arn:aws:s3:::photos/{IDENTITY}/cat.jpg"
    assert answer["matchedStatements"] == [
        {"policy": "own-prefix", "statement": "statement 1 (OwnObjects)"}
    ]
    assert answer["principal"] == {
        "arn": "arn:aws:sts::000000000000:assumed-role/PhotosAuth/CognitoIdentityCredentials",
        "roleArn": "arn:aws:iam::000000000000:role/PhotosAuth",
        "identityId": IDENTITY,
        "identityPoolId": "us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa",
        "authenticationType": "authenticated",
        "authenticationProvider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc",
        "accessKeyId": credentials.access_key_id,
        "region": REGION,
        "service": "s3",
    }
    assert "secret" not in json.dumps(answer).lower()


def test_a_refused_request_carries_the_error_to_answer_with(server: ServerProcess) -> None:
    request = _s3_request(mint(AUTHORITY), "GET", f"{OTHER_IDENTITY}/dog.jpg")
    status, answer = _call(server, _description(request))
    assert status == 200
    assert answer["decision"] == "Deny"
    assert answer["outcome"] == "implicit deny"
    assert answer["error"]["code"] == "AccessDenied"
    assert answer["error"]["status"] == 403
    assert "is not authorized to perform: s3:GetObject" in answer["error"]["message"]


def test_a_named_action_and_context_are_decided_as_given(server: ServerProcess) -> None:
    credentials = mint(AUTHORITY, team="red")
    request = AWSRequest(method="GET", url=f"{STORE}/notes/{IDENTITY}/todo")
    SigV4Auth(
        BotoCredentials(
            credentials.access_key_id, credentials.secret_key, credentials.session_token
        ),
        "execute-api",
        REGION,
    ).add_auth(request)
    resource = f"arn:aws:execute-api:us-east-1:000000000000:notes/{IDENTITY}/todo"
    described = _description(
        request,
        action="notes:Read",
        resource=resource,
        context={"aws:SourceIp": "203.0.113.7"},
        service="execute-api",
    )
    status, answer = _call(server, described)
    assert (status, answer["decision"]) == (200, "Allow")
    status, answer = _call(server, {**described, "resource": resource.replace(IDENTITY, "x")})
    assert (status, answer["decision"]) == (200, "Deny")
    # The scope must name the service the resource server says it is.
    status, answer = _call(server, {**described, "service": "s3"})
    assert answer["error"]["code"] == "AuthorizationHeaderMalformed"


def test_a_tampered_description_does_not_verify(server: ServerProcess) -> None:
    credentials = mint(AUTHORITY)
    body = b"meow"
    request = _s3_request(credentials, "PUT", f"{IDENTITY}/cat.jpg", body)
    cases = {
        "XAmzContentSHA256Mismatch": _description(request, b"woof"),
        "SignatureDoesNotMatch": {
            **_description(request, body),
            "url": str(request.url).replace("cat.jpg", "dog.jpg"),
        },
        "InvalidToken": {
            **_description(request, body),
            "headers": {
                **_description(request, body)["headers"],
                "X-Amz-Security-Token": mint(AUTHORITY).session_token,
            },
        },
    }
    for code, described in cases.items():
        status, answer = _call(server, described)
        assert (status, answer["decision"], answer["error"]["code"]) == (200, "Deny", code)
        assert "principal" not in answer


def test_only_an_administrator_may_ask(server: ServerProcess) -> None:
    request = _s3_request(mint(AUTHORITY), "GET", f"{IDENTITY}/cat.jpg")
    status, answer = _call(server, _description(request), signed=False)
    assert (status, answer["__type"]) == (403, "MissingAuthenticationTokenException")


def test_a_malformed_description_is_an_invalid_parameter(server: ServerProcess) -> None:
    request = _s3_request(mint(AUTHORITY), "GET", f"{IDENTITY}/cat.jpg")
    for broken in (
        {**_description(request), "payload_sha256": "abc"},
        {**_description(request), "action": "s3:GetObject"},
        {**_description(request), "context": {"aws:PrincipalTag/team": "red"}},
        {**_description(request), "extra": 1},
        {"method": "GET"},
    ):
        status, answer = _call(server, broken)
        assert (status, answer["__type"]) == (400, "InvalidParameterException")


def _s3_get(credentials: Credentials, path_and_query: str) -> AWSRequest:
    """A bodiless GET the store received, signed as S3 signs it."""
    request = AWSRequest(method="GET", url=f"{STORE}{path_and_query}", data=b"")
    request.headers["x-amz-content-sha256"] = hashlib.sha256(b"").hexdigest()
    S3SigV4Auth(
        BotoCredentials(
            credentials.access_key_id, credentials.secret_key, credentials.session_token
        ),
        "s3",
        REGION,
    ).add_auth(request)
    return request


def test_a_listing_that_names_its_prefix_twice_is_refused(server: ServerProcess) -> None:
    credentials = mint(AUTHORITY)
    own = f"/photos?prefix={quote(IDENTITY)}%2F"
    status, answer = _call(server, _description(_s3_get(credentials, own)))
    assert (status, answer["decision"]) == (200, "Allow"), answer
    twice = f"{own}&prefix={quote(OTHER_IDENTITY)}%2F"
    status, answer = _call(server, _description(_s3_get(credentials, twice)))
    assert (status, answer["decision"]) == (200, "Deny"), answer
    assert answer["error"]["code"] == "AccessDenied"


def test_a_key_that_climbs_out_of_its_prefix_is_refused(server: ServerProcess) -> None:
    credentials = mint(AUTHORITY)
    for key in (f"{IDENTITY}/../{OTHER_IDENTITY}/a.jpg", f"{IDENTITY}/./a.jpg"):
        status, answer = _call(server, _description(_s3_request(credentials, "GET", key)))
        assert (status, answer["decision"]) == (200, "Deny"), answer
        assert answer["error"]["code"] == "AccessDenied"


def test_a_header_named_twice_is_an_invalid_parameter(server: ServerProcess) -> None:
    """Two spellings of one header in the JSON object: one would be verified, the other
    perhaps obeyed. A repeated header is described once, its values comma-joined."""
    credentials = mint(AUTHORITY)
    copy = {"x-amz-copy-source": f"photos/{IDENTITY}/a.jpg"}
    request = _s3_request(credentials, "PUT", f"{IDENTITY}/c.jpg", headers=copy)
    status, answer = _call(server, _description(request))
    assert (status, answer["decision"]) == (200, "Allow"), answer
    twice = _description(request)
    twice["headers"]["X-Amz-Copy-Source"] = f"photos/{OTHER_IDENTITY}/a.jpg"
    status, answer = _call(server, twice)
    assert status == 400
    assert answer["__type"] == "InvalidParameterException"
    assert "x-amz-copy-source twice" in answer["message"]


def test_a_copy_needs_read_access_to_its_source(server: ServerProcess) -> None:
    """CopyObject writes the destination and reads the source: another identity's object
    cannot be copied into one's own prefix."""
    credentials = mint(AUTHORITY)
    key = f"{IDENTITY}/copy.jpg"
    own = {"x-amz-copy-source": f"photos/{quote(IDENTITY)}/a.jpg"}
    status, answer = _call(server, _description(_s3_request(credentials, "PUT", key, headers=own)))
    assert (status, answer["decision"]) == (200, "Allow"), answer
    other = {"x-amz-copy-source": f"photos/{quote(OTHER_IDENTITY)}/a.jpg"}
    request = _s3_request(credentials, "PUT", key, headers=other)
    status, answer = _call(server, _description(request))
    assert (status, answer["decision"]) == (200, "Deny"), answer
    assert answer["error"]["code"] == "AccessDenied"
    assert "s3:GetObject" in answer["error"]["message"], answer
