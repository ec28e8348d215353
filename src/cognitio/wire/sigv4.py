"""AWS Signature Version 4 verification for the AWS JSON 1.1 front door.

The server half of the signing process in AWS's "Create a signed AWS API request"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
with dates handled as in "Handling dates in Signature Version 4"
(https://docs.aws.amazon.com/general/latest/gr/sigv4-date-handling.html).

Verification has two steps because the secret is looked up in between:
``parse_authorization`` checks everything that needs no secret (and names the
access key id), then ``verify_signature`` rebuilds the canonical request and
compares signatures. Error messages follow AWS's wording; none carries a secret,
and client-supplied text is echoed only in part, so no whole signature is repeated.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import quote, unquote_to_bytes

from cognitio.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
MAX_CLOCK_SKEW = timedelta(minutes=15)  # AWS's window, either way

_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
# Shorter than a 64-hex-digit signature, so none is ever echoed whole.
_MAX_ECHO = 48

_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."


@dataclass(frozen=True, slots=True)
class ParsedAuthorization:
    """The pieces of a SigV4 ``Authorization`` header, checked but not yet verified."""

    access_key_id: str
    date: str  # credential scope date, YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str = field(repr=False)  # kept out of logs that print the object
    amz_date: str  # the request's X-Amz-Date (or its Date header, converted)


def parse_authorization(
    headers: Mapping[str, str], *, services: Collection[str], now: datetime
) -> ParsedAuthorization:
    """Parse and check a request's SigV4 ``Authorization`` header without its secret."""
    authorization = headers.get("authorization", "").strip()
    if not authorization:
        raise MissingAuthenticationTokenException("Missing Authentication Token")

    algorithm, _, parameters = authorization.partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(f"Unsupported AWS 'algorithm': '{_echo(algorithm)}'.")
    credential, signed_headers_text, signature = _split_parameters(parameters)

    x_amz_date = headers.get("x-amz-date")
    raw_date = x_amz_date or headers.get("date")
    if not (credential and signature and signed_headers_text and raw_date):
        raise _incomplete_parameters(credential, signature, signed_headers_text, raw_date)

    scope = credential.split("/")
    if len(scope) != 5:
        raise IncompleteSignatureException(
            "Credential must have exactly 5 slash-delimited elements, "
            f"e.g. keyid/date/region/service/term, got '{_echo(credential)}'"
        )
    access_key_id, scope_date, region, service, terminator = scope
    if terminator != TERMINATOR:
        raise InvalidSignatureException(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{_echo(terminator)}'. "
        )
    if isinstance(services, str):  # a bare str would make `in` a substring test
        services = (services,)
    if service not in services:
        expected = next(iter(services), "")
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{expected}'. "
        )

    signed_headers = tuple(signed_headers_text.split(";"))
    _check_signed_headers(signed_headers, headers)

    amz_date, request_time = _request_time(raw_date, http_date_allowed=not x_amz_date)
    if scope_date != amz_date[:8]:
        raise InvalidSignatureException(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{_echo(scope_date)}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    _check_clock_skew(amz_date, request_time, now)

    return ParsedAuthorization(
        access_key_id=access_key_id,
        date=scope_date,
        region=region,
        service=service,
        signed_headers=signed_headers,
        signature=signature,
        amz_date=amz_date,
    )


def verify_signature(
    parsed: ParsedAuthorization,
    secret_access_key: str,
    *,
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Recompute the request's signature with the secret and raise unless it matches."""
    signed_headers = parsed.signed_headers
    if "host" not in signed_headers:
        raise IncompleteSignatureException(_HOST_NOT_SIGNED)
    try:
        canonical_headers = "".join(
            [f"{name}:{' '.join(headers[name].split())}\n" for name in signed_headers]
        )
    except KeyError as missing:
        raise _unsigned_header_error(str(missing.args[0])) from None

    canonical_request = "\n".join(
        (
            method.upper(),
            _canonical_uri(path),
            _canonical_query_string(query_string),
            canonical_headers,
            ";".join(signed_headers),
            _payload_hash(headers.get("x-amz-content-sha256"), body),
        )
    )
    string_to_sign = (
        f"{ALGORITHM}\n{parsed.amz_date}\n"
        f"{parsed.date}/{parsed.region}/{parsed.service}/{TERMINATOR}\n"
        f"{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    )
    key = _signing_key(secret_access_key, parsed.date, parsed.region, parsed.service)
    expected = hmac.digest(key, string_to_sign.encode(), "sha256").hex()
    if not hmac.compare_digest(expected.encode(), parsed.signature.encode()):
        raise InvalidSignatureException(_SIGNATURE_MISMATCH)


async def verify_admin_request(
    keys: SecretLookup,
    scope: Mapping[str, Any],
    headers: Mapping[str, str],
    body: bytes,
    services: Collection[str],
) -> tuple[ParsedAuthorization, str]:
    """An administrator's signed ASGI request, verified with the access key's secret: the
    parsed authorization and that secret. Unknown keys and bad signatures raise."""
    parsed = parse_authorization(headers, services=services, now=datetime.now(UTC))
    secret = await keys.secret_for(parsed.access_key_id)
    if secret is None:
        raise unknown_access_key()
    raw_path = scope.get("raw_path") or b"/"
    verify_signature(
        parsed,
        secret,
        method=str(scope["method"]),
        path=raw_path.decode("latin-1").split("?", 1)[0],
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
    )
    return parsed, secret


class SecretLookup(Protocol):
    """Where an access key's secret is found (the server's administrator keys)."""

    async def secret_for(self, access_key_id: str) -> str | None: ...


def unknown_access_key() -> UnrecognizedClientException:
    """The error for an access key id that matches no stored credential."""
    return UnrecognizedClientException("The security token included in the request is invalid.")


def _split_parameters(parameters: str) -> tuple[str, str, str]:
    """Credential, SignedHeaders and Signature from ``k=v, k=v, k=v`` ('' when absent)."""
    credential = signed_headers = signature = ""
    for piece in parameters.split(","):
        piece = piece.strip()
        if not piece:
            continue
        name, equals, value = piece.partition("=")
        if not equals:
            raise IncompleteSignatureException(
                f"'{_echo(piece)}' not a valid key=value pair (missing equal-sign) "
                "in Authorization header."
            )
        if name == "Credential":
            credential = value
        elif name == "SignedHeaders":
            signed_headers = value
        elif name == "Signature":
            signature = value
    return credential, signed_headers, signature


def _incomplete_parameters(
    credential: str, signature: str, signed_headers: str, date: str | None
) -> IncompleteSignatureException:
    """One error naming every missing piece, in AWS's order."""
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name, value in (
            ("Credential", credential),
            ("Signature", signature),
            ("SignedHeaders", signed_headers),
        )
        if not value
    ]
    if not date:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    return IncompleteSignatureException(" ".join(missing))


def _check_signed_headers(signed_headers: tuple[str, ...], headers: Mapping[str, str]) -> None:
    if "host" not in signed_headers:
        raise IncompleteSignatureException(_HOST_NOT_SIGNED)
    for name in signed_headers:
        if name not in headers:
            raise _unsigned_header_error(name)
    # Every x-amz-* header the request carries must be signed, as AWS's signing guide asks:
    # X-Amz-Target picks the operation, so a signature that left it out could be replayed as
    # another operation with the same body. Every AWS SDK signs them all (botocore leaves out
    # only expect, transfer-encoding, user-agent and x-amzn-trace-id).
    signed = frozenset(signed_headers)
    for name in headers:
        if name.startswith("x-amz-") and name not in signed:
            spelled = "-".join(part.capitalize() for part in name.split("-"))
            raise IncompleteSignatureException(
                f"'{_echo(spelled)}' must be a 'SignedHeader' in the AWS Authorization."
            )


def _unsigned_header_error(name: str) -> IncompleteSignatureException:
    return IncompleteSignatureException(
        f"'{_echo(name)}' is named as a SignedHeader, but it does not exist in the HTTP request."
    )


def _request_time(value: str, *, http_date_allowed: bool) -> tuple[str, datetime]:
    """The request's timestamp as AWS signs it (YYYYMMDD'T'HHMMSS'Z') and as a datetime.

    X-Amz-Date must be in ISO 8601 basic format; a Date header may also be an HTTP-date.
    """
    if not http_date_allowed:
        return value, parse_amz_date(value)
    try:
        return value, parse_amz_date(value)
    except IncompleteSignatureException:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise _bad_date(value) from None
    if moment.tzinfo is None:  # an HTTP-date is GMT; "-0000" parses as naive
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime(_AMZ_DATE_FORMAT), moment


def parse_amz_date(value: str) -> datetime:
    """``20150830T123600Z`` to an aware datetime; no other ISO 8601 spelling is accepted."""
    digits = value[:8] + value[9:15]
    if (
        len(value) != 16
        or value[8] != "T"
        or value[15] != "Z"
        or not digits.isascii()
        or not digits.isdigit()
    ):
        raise _bad_date(value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # e.g. month 13
        raise _bad_date(value) from None


def _bad_date(value: str) -> IncompleteSignatureException:
    return IncompleteSignatureException(
        f"Date must be in ISO-8601 'basic format'. Got '{_echo(value)}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def _check_clock_skew(amz_date: str, request_time: datetime, now: datetime) -> None:
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    earliest = now - MAX_CLOCK_SKEW
    latest = now + MAX_CLOCK_SKEW
    if request_time < earliest:
        raise InvalidSignatureException(
            f"Signature expired: {amz_date} is now earlier than {_stamp(earliest)} "
            f"({_stamp(now)} - 15 min.)"
        )
    if request_time > latest:
        raise InvalidSignatureException(
            f"Signature not yet current: {amz_date} is still later than {_stamp(latest)} "
            f"({_stamp(now)} + 15 min.)"
        )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_AMZ_DATE_FORMAT)


def _canonical_uri(path: str) -> str:
    """Normalise the path as AWS does for every service but S3, then URI-encode it.

    ``path`` is the path as sent (already percent-encoded once), so encoding it here
    is the second encoding the SigV4 specification asks for.
    """
    if path == "/" or not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if segments and path.endswith("/") else ""
    return quote("/" + "/".join(segments) + trailing, safe="/")


def _canonical_query_string(query_string: str) -> str:
    """Pairs decoded, re-encoded with RFC 3986 unreserved characters only, and sorted."""
    if not query_string:
        return ""
    pairs: list[tuple[str, str]] = []
    for pair in query_string.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        pairs.append(
            (quote(unquote_to_bytes(name), safe=""), quote(unquote_to_bytes(value), safe=""))
        )
    pairs.sort()
    return "&".join([f"{name}={value}" for name, value in pairs])


def _payload_hash(declared: str | None, body: bytes) -> str:
    """Hex SHA-256 of the body; a declared ``x-amz-content-sha256`` must agree with it."""
    computed = hashlib.sha256(body).hexdigest()
    if declared is None:
        return computed
    if declared.lower() != computed:
        raise InvalidSignatureException(
            "The provided 'x-amz-content-sha256' header does not match what was computed."
        )
    return declared


@lru_cache(maxsize=1024)
def _signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    """The HMAC chain kDate -> kRegion -> kService -> kSigning; valid for a whole day."""
    key = hmac.digest(f"AWS4{secret_access_key}".encode(), date.encode(), "sha256")
    key = hmac.digest(key, region.encode(), "sha256")
    key = hmac.digest(key, service.encode(), "sha256")
    return hmac.digest(key, TERMINATOR.encode(), "sha256")


def _echo(text: str) -> str:
    """Client-supplied text, shortened for an error message."""
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "..."
