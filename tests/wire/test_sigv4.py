"""SigV4 verification against requests signed by botocore and AWS's published examples."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cognitio.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)
from cognitio.wire.sigv4 import (
    ParsedAuthorization,
    parse_authorization,
    unknown_access_key,
    verify_signature,
)

ACCESS_KEY = "AKIDCOGNITIOTEST0001"
SECRET = "s3cr3t/Key+ForTests0000000000000000000000"
REGION = "eu-west-1"
HOST = "cognito-idp.eu-west-1.amazonaws.com"
TARGET = "AWSCognitoIdentityProviderService.ListUserPools"
BODY = json.dumps({"MaxResults": 10}).encode()
IDP = ("cognito-idp",)


@dataclass
class SignedRequest:
    """A request as the server sees it: lower-cased header names, the path as sent."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes

    @property
    def sent_at(self) -> datetime:
        return datetime.strptime(self.headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    def parse(
        self, *, services: tuple[str, ...] = IDP, now: datetime | None = None
    ) -> ParsedAuthorization:
        return parse_authorization(
            self.headers, services=services, now=self.sent_at if now is None else now
        )

    def verify(self, secret: str = SECRET, *, services: tuple[str, ...] = IDP) -> None:
        verify_signature(
            self.parse(services=services),
            secret,
            method=self.method,
            path=self.path,
            query_string=self.query_string,
            headers=self.headers,
            body=self.body,
        )


def sign(
    *,
    path: str = "/",
    query: str = "",
    body: bytes = BODY,
    extra_headers: dict[str, str] | None = None,
    service: str = "cognito-idp",
    secret: str = SECRET,
) -> SignedRequest:
    """Sign a JSON 1.1 request with botocore's own signer, then read it back as sent."""
    url = f"https://{HOST}{path}" + (f"?{query}" if query else "")
    headers = {
        "X-Amz-Target": TARGET,
        "Content-Type": "application/x-amz-json-1.1",
        **(extra_headers or {}),
    }
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY, secret), service, REGION).add_auth(request)
    prepared = request.prepare()
    url_sent = urlsplit(prepared.url)
    sent = {name.lower(): value for name, value in prepared.headers.items()}
    sent.setdefault("host", url_sent.netloc)  # the HTTP client adds it on the wire
    return SignedRequest("POST", url_sent.path, url_sent.query, sent, prepared.body or b"")


def with_authorization(request: SignedRequest, authorization: str) -> SignedRequest:
    return replace(request, headers={**request.headers, "authorization": authorization})


def authorization_parts(request: SignedRequest) -> dict[str, str]:
    _, _, parameters = request.headers["authorization"].partition(" ")
    return dict(piece.strip().split("=", 1) for piece in parameters.split(","))


# Requests signed by botocore are accepted.


def test_botocore_signed_json_request_is_accepted() -> None:
    request = sign()
    parsed = request.parse()
    assert parsed.access_key_id == ACCESS_KEY
    assert (parsed.region, parsed.service) == (REGION, "cognito-idp")
    assert parsed.date == parsed.amz_date[:8]
    assert "host" in parsed.signed_headers and "x-amz-target" in parsed.signed_headers
    request.verify()


def test_cognito_identity_requests_are_accepted_for_that_service() -> None:
    sign(service="cognito-identity").verify(services=("cognito-identity",))


def test_path_with_characters_needing_encoding_is_accepted() -> None:
    sign(path="/pools/%E2%9C%93%20ok/a~b/(x)$y/").verify()


def test_path_with_dot_segments_is_normalised_like_the_signer() -> None:
    sign(path="/a/./b/../c//d").verify()


def test_query_string_is_canonicalised() -> None:
    sign(query="b=2&a=x%2Fy&a=1&empty=&flag&raw=%FF").verify()


def test_header_values_with_extra_spaces_are_trimmed_and_collapsed() -> None:
    request = sign(extra_headers={"X-Custom-Note": "a   b \t c"})
    assert request.headers["x-custom-note"] == "a   b \t c"
    padded = {**request.headers, "x-custom-note": "  a   b \t c  "}
    request.verify()
    replace(request, headers=padded).verify()


def test_consistent_content_sha256_header_is_accepted() -> None:
    digest = hashlib.sha256(BODY).hexdigest()
    sign(extra_headers={"X-Amz-Content-SHA256": digest}).verify()


def test_unsigned_extra_header_does_not_matter() -> None:
    request = sign()
    replace(request, headers={**request.headers, "user-agent": "curl/8"}).verify()


def test_date_header_is_used_when_x_amz_date_is_absent() -> None:
    request = sign()
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-date"}
    headers["date"] = request.sent_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    parts = authorization_parts(request)
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={parts['Credential']}, SignedHeaders=host;x-amz-target, "
        f"Signature={parts['Signature']}"
    )
    parsed = parse_authorization(headers, services=IDP, now=request.sent_at)
    assert parsed.amz_date == request.headers["x-amz-date"]


# Missing or malformed Authorization headers.


def test_request_without_authorization_is_missing_authentication_token() -> None:
    request = sign()
    headers = {name: value for name, value in request.headers.items() if name != "authorization"}
    with pytest.raises(MissingAuthenticationTokenException, match="Missing Authentication Token"):
        parse_authorization(headers, services=IDP, now=request.sent_at)


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("Credential", "Authorization header requires 'Credential' parameter."),
        ("Signature", "Authorization header requires 'Signature' parameter."),
        ("SignedHeaders", "Authorization header requires 'SignedHeaders' parameter."),
    ],
)
def test_authorization_missing_a_parameter_is_incomplete(drop: str, message: str) -> None:
    request = sign()
    parts = authorization_parts(request)
    kept = ", ".join(f"{name}={value}" for name, value in parts.items() if name != drop)
    with pytest.raises(IncompleteSignatureException) as raised:
        with_authorization(request, f"AWS4-HMAC-SHA256 {kept}").parse()
    assert raised.value.message == message


def test_authorization_with_nothing_but_the_algorithm_names_every_missing_piece() -> None:
    request = sign()
    headers = {"authorization": "AWS4-HMAC-SHA256", "host": HOST}
    with pytest.raises(IncompleteSignatureException) as raised:
        parse_authorization(headers, services=IDP, now=request.sent_at)
    assert raised.value.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    )


def test_request_without_a_date_is_incomplete() -> None:
    request = sign()
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-date"}
    with pytest.raises(IncompleteSignatureException, match="'X-Amz-Date' or a 'Date' header"):
        parse_authorization(headers, services=IDP, now=request.sent_at)


def test_parameter_without_equal_sign_is_incomplete() -> None:
    request = sign()
    parts = authorization_parts(request)
    authorization = (
        f"AWS4-HMAC-SHA256 Credential {parts['Credential']}, "
        f"SignedHeaders={parts['SignedHeaders']}, Signature={parts['Signature']}"
    )
    with pytest.raises(IncompleteSignatureException, match="not a valid key=value pair"):
        with_authorization(request, authorization).parse()


@pytest.mark.parametrize(
    "credential",
    [
        f"{ACCESS_KEY}/20260101/{REGION}/cognito-idp",
        f"{ACCESS_KEY}/20260101/{REGION}/cognito-idp/aws4_request/extra",
    ],
)
def test_credential_without_five_elements_is_incomplete(credential: str) -> None:
    request = sign()
    parts = authorization_parts(request)
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={credential}, "
        f"SignedHeaders={parts['SignedHeaders']}, Signature={parts['Signature']}"
    )
    with pytest.raises(IncompleteSignatureException, match="exactly 5 slash-delimited elements"):
        with_authorization(request, authorization).parse()


def test_credential_with_wrong_terminator_is_invalid() -> None:
    request = sign()
    authorization = request.headers["authorization"].replace("/aws4_request", "/aws5_request")
    with pytest.raises(InvalidSignatureException, match="valid terminator: 'aws4_request'"):
        with_authorization(request, authorization).parse()


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA512 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=00",
        "AWS AKIDCOGNITIOTEST0001:c2lnbmF0dXJl",
        "Bearer eyJhbGciOiJSUzI1NiJ9",
    ],
)
def test_unknown_algorithm_is_incomplete(authorization: str) -> None:
    request = sign()
    with pytest.raises(IncompleteSignatureException, match="Unsupported AWS 'algorithm'"):
        with_authorization(request, authorization).parse()


def test_host_must_be_signed() -> None:
    request = sign()
    parts = authorization_parts(request)
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={parts['Credential']}, "
        f"SignedHeaders=content-type;x-amz-date;x-amz-target, Signature={parts['Signature']}"
    )
    with pytest.raises(IncompleteSignatureException, match="'Host' or ':authority' must be"):
        with_authorization(request, authorization).parse()
    forged = replace(request.parse(), signed_headers=("x-amz-date",))
    with pytest.raises(IncompleteSignatureException, match="'Host' or ':authority' must be"):
        verify_signature(
            forged,
            SECRET,
            method="POST",
            path="/",
            query_string="",
            headers=request.headers,
            body=BODY,
        )


def test_signed_header_absent_from_request_is_incomplete() -> None:
    request = sign()
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-target"}
    with pytest.raises(IncompleteSignatureException) as raised:
        parse_authorization(headers, services=IDP, now=request.sent_at)
    assert raised.value.message == (
        "'x-amz-target' is named as a SignedHeader, but it does not exist in the HTTP request."
    )


def test_x_amz_date_not_in_basic_iso_format_is_incomplete() -> None:
    request = sign()
    headers = {**request.headers, "x-amz-date": "2026-01-01T00:00:00Z"}
    with pytest.raises(IncompleteSignatureException, match="ISO-8601 'basic format'"):
        parse_authorization(headers, services=IDP, now=request.sent_at)


def test_credential_date_must_match_x_amz_date() -> None:
    request = sign()
    stamp = request.headers["x-amz-date"]
    day_before = (request.sent_at - timedelta(days=1)).strftime("%Y%m%d")
    authorization = request.headers["authorization"].replace(f"/{stamp[:8]}/", f"/{day_before}/")
    with pytest.raises(InvalidSignatureException) as raised:
        with_authorization(request, authorization).parse()
    assert raised.value.message == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '{day_before}' != '{stamp[:8]}', from '{stamp}'."
    )


# Credentials, scope and signature.


def test_credential_for_another_service_is_invalid() -> None:
    request = sign(service="cognito-identity")
    with pytest.raises(InvalidSignatureException) as raised:
        request.parse(services=IDP)
    assert raised.value.message == "Credential should be scoped to correct service: 'cognito-idp'. "


def test_service_given_as_a_bare_string_is_not_a_substring_match() -> None:
    request = sign(service="cognito")
    with pytest.raises(InvalidSignatureException, match="scoped to correct service: 'cognito-idp'"):
        request.parse(services="cognito-idp")  # type: ignore[arg-type]
    sign().parse(services="cognito-idp")  # type: ignore[arg-type]


def test_wrong_secret_is_a_signature_mismatch() -> None:
    request = sign(secret="another-secret")
    with pytest.raises(InvalidSignatureException) as raised:
        request.verify(SECRET)
    assert raised.value.message == (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details."
    )


def test_tampered_body_is_a_signature_mismatch() -> None:
    request = sign()
    tampered = replace(request, body=json.dumps({"MaxResults": 60}).encode())
    with pytest.raises(InvalidSignatureException, match="signature we calculated does not match"):
        tampered.verify()


def test_tampered_signed_header_is_a_signature_mismatch() -> None:
    request = sign()
    headers = {
        **request.headers,
        "x-amz-target": "AWSCognitoIdentityProviderService.DeleteUserPool",
    }
    with pytest.raises(InvalidSignatureException, match="signature we calculated does not match"):
        replace(request, headers=headers).verify()


def test_tampered_path_and_query_are_signature_mismatches() -> None:
    request = sign(query="a=1")
    with pytest.raises(InvalidSignatureException, match="signature we calculated does not match"):
        replace(request, path="/other").verify()
    with pytest.raises(InvalidSignatureException, match="signature we calculated does not match"):
        replace(request, query_string="a=2").verify()


def test_content_sha256_header_inconsistent_with_body_is_invalid() -> None:
    digest = hashlib.sha256(BODY).hexdigest()
    request = sign(extra_headers={"X-Amz-Content-SHA256": digest})
    with pytest.raises(InvalidSignatureException, match="'x-amz-content-sha256' header does not"):
        replace(request, body=b"{}").verify()


def test_unknown_access_key_uses_aws_wording() -> None:
    error = unknown_access_key()
    assert isinstance(error, UnrecognizedClientException)
    assert error.message == "The security token included in the request is invalid."


def test_errors_never_repeat_a_whole_signature_or_the_secret() -> None:
    request = sign()
    parts = authorization_parts(request)
    signature = parts["Signature"]
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={parts['Credential']}, "
        f"SignedHeaders={parts['SignedHeaders']}, {signature}"
    )
    with pytest.raises(IncompleteSignatureException) as raised:
        with_authorization(request, authorization).parse()
    assert signature not in raised.value.message
    with pytest.raises(InvalidSignatureException) as mismatch:
        request.verify("not-the-secret")
    assert signature not in mismatch.value.message
    assert "not-the-secret" not in mismatch.value.message
    assert signature not in repr(request.parse())


# Clock skew: 15 minutes either way.


def test_request_within_fifteen_minutes_either_way_is_current() -> None:
    request = sign()
    for offset in (timedelta(minutes=-15), timedelta(0), timedelta(minutes=15)):
        assert request.parse(now=request.sent_at + offset).amz_date == request.headers["x-amz-date"]


def test_request_older_than_fifteen_minutes_has_expired() -> None:
    request = sign()
    now = request.sent_at + timedelta(minutes=25)
    stamp = request.headers["x-amz-date"]
    limit = (now - timedelta(minutes=15)).strftime("%Y%m%dT%H%M%SZ")
    with pytest.raises(InvalidSignatureException) as raised:
        request.parse(now=now)
    assert raised.value.message == (
        f"Signature expired: {stamp} is now earlier than {limit} "
        f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)"
    )


def test_request_more_than_fifteen_minutes_ahead_is_not_yet_current() -> None:
    request = sign()
    now = request.sent_at - timedelta(minutes=15, seconds=1)
    stamp = request.headers["x-amz-date"]
    limit = (now + timedelta(minutes=15)).strftime("%Y%m%dT%H%M%SZ")
    with pytest.raises(InvalidSignatureException) as raised:
        request.parse(now=now)
    assert raised.value.message == (
        f"Signature not yet current: {stamp} is still later than {limit} "
        f"({now.strftime('%Y%m%dT%H%M%SZ')} + 15 min.)"
    )


def test_expiry_message_matches_aws_example() -> None:
    headers = {
        "host": HOST,
        "x-amz-date": "20260101T000000Z",
        "authorization": (
            f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/cognito-idp/aws4_request"
            ", SignedHeaders=host;x-amz-date, Signature=00"
        ),
    }
    with pytest.raises(InvalidSignatureException) as raised:
        parse_authorization(headers, services=IDP, now=datetime(2026, 1, 1, 0, 25, tzinfo=UTC))
    assert raised.value.message == (
        "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z "
        "(20260101T002500Z - 15 min.)"
    )


# Known answers published by AWS.

EXAMPLE_ACCESS_KEY = "AKIDEXAMPLE"
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
EXAMPLE_TIME = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)


def test_iam_list_users_example_from_the_aws_documentation() -> None:
    headers = {
        "host": "iam.amazonaws.com",
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "x-amz-date": "20150830T123600Z",
        "authorization": (
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        ),
    }
    parsed = parse_authorization(headers, services=("iam",), now=EXAMPLE_TIME)

    def verify(secret: str) -> None:
        verify_signature(
            parsed,
            secret,
            method="GET",
            path="/",
            query_string="Action=ListUsers&Version=2010-05-08",
            headers=headers,
            body=b"",
        )

    verify(EXAMPLE_SECRET)
    with pytest.raises(InvalidSignatureException):
        verify(EXAMPLE_SECRET[:-1])


@pytest.mark.parametrize(
    ("name", "method", "path", "query", "extra_headers", "signature"),
    [
        (
            "get-vanilla",
            "GET",
            "/",
            "",
            {},
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        (
            "post-vanilla",
            "POST",
            "/",
            "",
            {},
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
        (
            "get-vanilla-query-order-key-case",
            "GET",
            "/",
            "Param2=value2&Param1=value1",
            {},
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
        (
            "post-header-value-case",
            "POST",
            "/",
            "",
            {"my-header1": "VALUE1"},
            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
        ),
        (
            "normalize-path/get-special-character",
            "GET",
            "/example/$delete",
            "",
            {},
            "a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27",
        ),
    ],
)
def test_aws_signature_v4_test_suite(
    name: str, method: str, path: str, query: str, extra_headers: dict[str, str], signature: str
) -> None:
    headers = {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z", **extra_headers}
    signed_headers = ";".join(sorted(headers))
    headers["authorization"] = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    parsed = parse_authorization(headers, services=("service",), now=EXAMPLE_TIME)
    assert parsed.access_key_id == EXAMPLE_ACCESS_KEY, name
    verify_signature(
        parsed,
        EXAMPLE_SECRET,
        method=method,
        path=path,
        query_string=query,
        headers=headers,
        body=b"",
    )


# Security review #5: every x-amz-* header the request carries is signed.


def _signed_over(request: SignedRequest, signed_headers: str) -> SignedRequest:
    """The request re-signed by hand over ``signed_headers`` only, as a careless signer would."""
    names = signed_headers.split(";")
    canonical = "\n".join(
        (
            "POST",
            "/",
            "",
            "".join(f"{name}:{request.headers[name]}\n" for name in names),
            signed_headers,
            hashlib.sha256(request.body).hexdigest(),
        )
    )
    date = request.headers["x-amz-date"]
    scope = f"{date[:8]}/{REGION}/cognito-idp/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = f"AWS4{SECRET}".encode()
    for part in (date[:8], REGION, "cognito-idp", "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    signature = hmac.digest(key, to_sign.encode(), "sha256").hex()
    return with_authorization(
        request,
        f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={signed_headers}, "
        f"Signature={signature}",
    )


def test_a_signature_that_leaves_out_x_amz_target_is_refused() -> None:
    """Security review #5: the operation named by X-Amz-Target must be covered."""
    request = sign()
    _signed_over(request, "content-type;host;x-amz-date;x-amz-target").verify()  # the control
    forged = _signed_over(request, "content-type;host;x-amz-date")
    with pytest.raises(IncompleteSignatureException) as raised:
        forged.verify()
    assert raised.value.message == (
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
    )


@pytest.mark.parametrize("header", ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"])
def test_every_other_x_amz_header_must_be_signed_too(header: str) -> None:
    """Security review #5: x-amz-date, the session token, the payload hash..."""
    values = {
        "x-amz-security-token": "token",
        "x-amz-content-sha256": hashlib.sha256(BODY).hexdigest(),
    }
    request = sign()
    if header in values:
        request = replace(request, headers={**request.headers, header: values[header]})
    names = sorted({"content-type", "host", "x-amz-date", "x-amz-target", header} - {header})
    with pytest.raises(IncompleteSignatureException, match="must be a 'SignedHeader'"):
        _signed_over(request, ";".join(names)).verify()


def test_botocore_signs_every_x_amz_header_it_sends() -> None:
    """What the SDKs send keeps working: a session token and a payload hash are signed."""
    request = AWSRequest(
        method="POST",
        url=f"https://{HOST}/",
        data=BODY,
        headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"},
    )
    credentials = Credentials(ACCESS_KEY, SECRET, token="session-token")
    SigV4Auth(credentials, "cognito-idp", REGION).add_auth(request)
    sent = {name.lower(): value for name, value in request.prepare().headers.items()}
    sent["host"] = HOST
    parsed = parse_authorization(sent, services=IDP, now=datetime.now(UTC))
    assert {"x-amz-date", "x-amz-security-token", "x-amz-target"} <= set(parsed.signed_headers)
