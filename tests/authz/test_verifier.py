"""The SigV4 verifier against requests signed by botocore and by the AWS SDK for JavaScript:
each accepted as signed, and refused once any signed part of it changes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from cognitio.authz.verifier import Verifier
from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.sts.errors import SignedRequestError
from tests.helpers.node import needs_node
from tests.helpers.sigv4_peer import js_sign

REGION = "us-east-1"
HOST = "127.0.0.1:9000"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


def _authority() -> CredentialAuthority:
    return CredentialAuthority.from_envelope(Envelope(b"v" * 32), ["k1"])


def _mint(authority: CredentialAuthority, **changes: object) -> Credentials:
    now = datetime.now(UTC)
    claims = SessionClaims(
        identity_id="us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10",
        identity_pool_id="us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa",
        role_arn="arn:aws:iam::000000000000:role/PhotosAuth",
        session_name="CognitoIdentityCredentials",
        issued_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(hours=1),
        amr=("authenticated",),
    )
    return authority.mint(replace(claims, **changes))  # type: ignore[arg-type]


def _verifier(authority: CredentialAuthority, offset: timedelta = timedelta()) -> Verifier:
    return Verifier(
        authority,
        regions={REGION},
        services={"s3", "execute-api"},
        clock=lambda: datetime.now(UTC) + offset,
    )


def _boto_sign(
    credentials: Credentials,
    service: str,
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    presign_seconds: int | None = None,
) -> Request:
    boto = BotoCredentials(
        credentials.access_key_id, credentials.secret_key, credentials.session_token
    )
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    if presign_seconds is not None:
        query_signer = S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth
        query_signer(boto, service, REGION, expires=presign_seconds).add_auth(request)
    else:
        (S3SigV4Auth if service == "s3" else SigV4Auth)(boto, service, REGION).add_auth(request)
    sent = {name: str(value) for name, value in request.headers.items()}
    sent.setdefault("host", HOST)
    return Request(method, request.url, sent, body)


def _js_sign(
    credentials: Credentials,
    service: str,
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    presign_seconds: int | None = None,
) -> Request:
    signed_url, signed_headers = js_sign(
        method=method,
        url=url,
        headers=headers or {},
        body=body.decode(),
        service=service,
        region=REGION,
        access_key_id=credentials.access_key_id,
        secret_key=credentials.secret_key,
        session_token=credentials.session_token,
        presign_seconds=presign_seconds,
    )
    return Request(method, signed_url, signed_headers, body)


Signer = Callable[..., Request]
S3_PUT_HEADERS = {"content-type": "text/plain"}
JSON_HEADERS = {"content-type": "application/x-amz-json-1.1"}

CASES: dict[str, tuple[str, str, str, bytes, dict[str, str], int | None]] = {
    "s3 get": ("s3", "GET", f"http://{HOST}/photos/a%20b.jpg", b"", {}, None),
    "s3 put": ("s3", "PUT", f"http://{HOST}/photos/me/note.txt", b"hello", S3_PUT_HEADERS, None),
    "s3 presigned get": ("s3", "GET", f"http://{HOST}/photos/me/x.jpg", b"", {}, 900),
    "api presigned get": (
        "execute-api",
        "GET",
        f"http://{HOST}/prod/items?owner=me",
        b"",
        {},
        300,
    ),
    "json post": (
        "execute-api",
        "POST",
        f"http://{HOST}/prod/items",
        b'{"name": "a"}',
        JSON_HEADERS,
        None,
    ),
    "get with space": (
        "execute-api",
        "GET",
        f"http://{HOST}/prod/my%20items?filter=a%20b&page=2",
        b"",
        {},
        None,
    ),
}


def _signed(signer: Signer, case: str, credentials: Credentials) -> Request:
    service, method, url, body, headers, presign = CASES[case]
    if signer is _js_sign and service == "s3" and presign is None:
        headers = {**headers, "x-amz-content-sha256": hashlib.sha256(body).hexdigest()}
    if signer is _js_sign and service == "s3" and presign is not None:
        headers = {**headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    return signer(credentials, service, method, url, body, dict(headers), presign)


def _verify(verifier: Verifier, request: Request) -> object:
    return verifier.verify(request.method, request.url, request.headers, request.body)


def _with_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _tampered(request: Request, how: str, other: Credentials) -> Request:
    if how == "body":
        return replace(request, body=request.body + b"!")
    if how == "path":
        parts = urlsplit(request.url)
        return replace(request, url=urlunsplit(parts._replace(path=parts.path + "x")))
    if how == "query":
        return replace(request, url=_with_query(request.url, "extra=1"))
    if how == "signed header":
        return replace(request, headers={**request.headers, "host": "127.0.0.1:9001"})
    if how == "date":
        stamp = request.headers.get("x-amz-date") or request.headers.get("X-Amz-Date")
        if stamp is None:  # presigned: the date is in the query
            return replace(request, url=request.url.replace("X-Amz-Date=", "X-Amz-Date=1", 1))
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ") - timedelta(seconds=1)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "x-amz-date"}
        return replace(
            request, headers={**headers, "x-amz-date": moment.strftime("%Y%m%dT%H%M%SZ")}
        )
    if how == "token":
        if "X-Amz-Security-Token=" in request.url:
            url = request.url
            start = url.index("X-Amz-Security-Token=") + len("X-Amz-Security-Token=")
            end = url.find("&", start)
            end = len(url) if end == -1 else end
            return replace(request, url=url[:start] + other.session_token + url[end:])
        headers = {k: v for k, v in request.headers.items() if k.lower() != "x-amz-security-token"}
        return replace(request, headers={**headers, "x-amz-security-token": other.session_token})
    raise AssertionError(how)


@pytest.mark.parametrize(
    "signer",
    [
        pytest.param(_boto_sign, id="botocore"),
        pytest.param(_js_sign, id="javascript", marks=needs_node),
    ],
)
@pytest.mark.parametrize("case", list(CASES))
def test_signed_requests_are_accepted_and_refused_once_changed(signer: Signer, case: str) -> None:
    authority = _authority()
    credentials = _mint(authority, principal_tags={"team": "blue"})
    verifier = _verifier(authority)
    request = _signed(signer, case, credentials)
    principal = verifier.verify(request.method, request.url, request.headers, request.body)
    assert principal.access_key_id == credentials.access_key_id
    assert principal.claims.principal_tags == {"team": "blue"}
    assert principal.service == CASES[case][0]

    other = _mint(authority)
    for how in ("body", "path", "query", "signed header", "date", "token"):
        if how == "body" and case == "s3 presigned get":
            continue  # a presigned URL signs no payload (UNSIGNED-PAYLOAD)
        with pytest.raises(SignedRequestError) as refused:
            _verify(verifier, _tampered(request, how, other))
        assert refused.value.code in {
            "SignatureDoesNotMatch",
            "XAmzContentSHA256Mismatch",
            "InvalidToken",
            "AccessDenied",
        }, (how, refused.value.code)

    first = "y" if credentials.secret_key.startswith("x") else "x"
    wrong_secret = replace(credentials, secret_key=first + credentials.secret_key[1:])
    with pytest.raises(SignedRequestError) as refused:
        _verify(verifier, _signed(signer, case, wrong_secret))
    assert refused.value.code == "SignatureDoesNotMatch"


def test_a_changed_body_is_refused_even_when_its_hash_header_is_changed_with_it() -> None:
    authority = _authority()
    request = _signed(_boto_sign, "s3 put", _mint(authority))
    forged = replace(
        request,
        body=b"other",
        headers={**request.headers, "X-Amz-Content-SHA256": hashlib.sha256(b"other").hexdigest()},
    )
    with pytest.raises(SignedRequestError) as refused:
        _verify(_verifier(authority), forged)
    assert refused.value.code == "SignatureDoesNotMatch"
    lying = replace(request, body=b"other")
    with pytest.raises(SignedRequestError) as refused:
        _verify(_verifier(authority), lying)
    assert refused.value.code == "XAmzContentSHA256Mismatch"


def test_expired_credentials_are_refused() -> None:
    authority = _authority()
    credentials = _mint(
        authority,
        issued_at=datetime.now(UTC) - timedelta(hours=2),
        expires_at=datetime.now(UTC) - timedelta(hours=1),
    )
    with pytest.raises(SignedRequestError) as refused:
        _verify(_verifier(authority), _signed(_boto_sign, "s3 get", credentials))
    assert refused.value.code == "ExpiredToken"


def test_clock_skew_is_five_minutes_except_for_s3() -> None:
    authority = _authority()
    credentials = _mint(authority)
    late = _verifier(authority, timedelta(minutes=10))
    with pytest.raises(SignedRequestError) as refused:
        _verify(late, _signed(_boto_sign, "json post", credentials))
    assert refused.value.code == "RequestTimeTooSkewed"
    assert _verify(late, _signed(_boto_sign, "s3 get", credentials))
    later = _verifier(authority, timedelta(minutes=20))
    with pytest.raises(SignedRequestError) as refused:
        _verify(later, _signed(_boto_sign, "s3 get", credentials))
    assert refused.value.code == "RequestTimeTooSkewed"


def test_presigned_urls_expire_and_are_limited_to_seven_days() -> None:
    authority = _authority()
    request = _signed(_boto_sign, "s3 presigned get", _mint(authority))
    with pytest.raises(SignedRequestError) as refused:
        _verify(_verifier(authority, timedelta(seconds=901)), request)
    assert (refused.value.code, refused.value.message) == ("AccessDenied", "Request has expired.")
    too_long = _boto_sign(
        _mint(authority), "s3", "GET", f"http://{HOST}/p/x", presign_seconds=604_801
    )
    with pytest.raises(SignedRequestError) as refused:
        _verify(_verifier(authority), too_long)
    assert refused.value.code == "AuthorizationHeaderMalformed"


def test_the_scope_must_name_a_served_region_and_service() -> None:
    authority = _authority()
    credentials = _mint(authority)
    request = _signed(_boto_sign, "s3 get", credentials)
    for verifier in (
        Verifier(authority, regions={"eu-west-1"}, services={"s3"}),
        Verifier(authority, regions={REGION}, services={"execute-api"}),
    ):
        with pytest.raises(SignedRequestError) as refused:
            _verify(verifier, request)
        assert refused.value.code == "AuthorizationHeaderMalformed"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("streaming", "InvalidRequest"),
        ("unsigned outside s3", "InvalidRequest"),
        ("sigv2", "InvalidRequest"),
        ("two authorizations", "InvalidRequest"),
        ("header and query", "InvalidRequest"),
        ("duplicate parameter", "AuthorizationHeaderMalformed"),
        ("host unsigned", "AccessDenied"),
        ("unsigned x-amz header", "AccessDenied"),
        ("no token", "InvalidToken"),
        ("long-term key", "InvalidAccessKeyId"),
        ("anonymous", "AccessDenied"),
    ],
)
def test_requests_signed_in_ways_not_accepted_are_refused_clearly(change: str, code: str) -> None:
    authority = _authority()
    credentials = _mint(authority)
    request = _signed(_boto_sign, "s3 put", credentials)
    headers = dict(request.headers)
    pairs: list[tuple[str, str]] = list(headers.items())
    url = request.url
    if change == "streaming":
        headers["X-Amz-Content-SHA256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    elif change == "unsigned outside s3":
        json_request = _signed(_boto_sign, "json post", credentials)
        headers = {**json_request.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
        url = json_request.url
    elif change == "sigv2":
        headers["Authorization"] = "AWS ASIAAAAAAAAAAAAAAAAA:c2lnbmF0dXJl"
    elif change == "two authorizations":
        pairs.append(("authorization", headers["Authorization"]))
    elif change == "header and query":
        url = _with_query(url, "X-Amz-Algorithm=AWS4-HMAC-SHA256")
    elif change == "duplicate parameter":
        headers["Authorization"] += ", Signature=" + "0" * 64
    elif change == "host unsigned":
        headers["Authorization"] = headers["Authorization"].replace("host;", "")
    elif change == "unsigned x-amz header":
        headers["x-amz-meta-owner"] = "someone"
    elif change == "no token":
        headers.pop("X-Amz-Security-Token")
        headers["Authorization"] = headers["Authorization"].replace(";x-amz-security-token", "")
    elif change == "long-term key":
        headers["Authorization"] = headers["Authorization"].replace("ASIA", "AKIA", 1)
    elif change == "anonymous":
        headers.pop("Authorization")
    if change != "two authorizations":
        pairs = list(headers.items())
    with pytest.raises(SignedRequestError) as refused:
        _verify_pairs(_verifier(authority), request.method, url, pairs, request.body)
    assert refused.value.code == code
    for secret in (credentials.secret_key, credentials.session_token):
        assert secret not in refused.value.message


def _verify_pairs(
    verifier: Verifier, method: str, url: str, pairs: list[tuple[str, str]], body: bytes
) -> object:
    return verifier.verify(method, url, pairs, body)


def test_a_presigned_url_ignores_a_payload_header_it_did_not_sign() -> None:
    authority = _authority()
    request = _signed(_boto_sign, "s3 presigned get", _mint(authority))
    sent = {**request.headers, "x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}
    assert _verify(_verifier(authority), replace(request, headers=sent))


def test_an_authentication_parameter_twice_in_a_presigned_url_is_refused() -> None:
    authority = _authority()
    request = _signed(_boto_sign, "s3 presigned get", _mint(authority))
    stamp = request.url.split("X-Amz-Date=")[1].split("&")[0]
    with pytest.raises(SignedRequestError) as refused:
        _verify(
            _verifier(authority),
            replace(request, url=_with_query(request.url, f"X-Amz-Date={stamp}")),
        )
    assert refused.value.code == "InvalidRequest"
