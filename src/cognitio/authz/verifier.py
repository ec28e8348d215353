"""Verifying a request signed (SigV4) with an identity pool's temporary credentials.

A resource server calls :meth:`Verifier.verify` with the request as it arrived; the answer is
the :class:`Principal` the credentials speak for, or a :class:`SignedRequestError` with AWS's
code. The signature is checked by signing the request again with botocore's own signers
(``SigV4Auth``, ``S3SigV4Auth`` and their query-string forms), with the secret derived from the
session token, as AWS describes in "Create a signed AWS API request"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
and, for S3, "Authenticating Requests (AWS Signature Version 4)"
(https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).

What is checked besides the signature: the body's SHA-256 (computed here, or given by a
resource server that describes its request to the authorize endpoint) must equal
``x-amz-content-sha256`` when the request names one (``UNSIGNED-PAYLOAD`` only for S3; chunked
``STREAMING-*`` uploads are refused); the credential scope's date is the request's date and its
region and service are ones this verifier serves; the request is within 5 minutes of the
server's clock (15 for S3); a presigned URL's ``X-Amz-Expires`` is at most 604,800 seconds and
not past; ``host`` is signed, and so is every ``x-amz-*`` header of a header-signed request;
no authentication parameter appears twice, nor both in the header and the query. Signature
Version 2 is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials

from cognitio.errors import IncompleteSignatureException
from cognitio.services.sts.credentials import ACCESS_KEY_PREFIX, CredentialAuthority, SessionClaims
from cognitio.services.sts.errors import (
    AccessDenied,
    AuthorizationHeaderMalformed,
    CredentialsRevoked,
    InvalidAccessKeyId,
    InvalidRequest,
    InvalidToken,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
    XAmzContentSHA256Mismatch,
)
from cognitio.services.sts.revocations import revoked
from cognitio.wire.sigv4 import ALGORITHM, TERMINATOR, parse_amz_date

MAX_SKEW = timedelta(minutes=5)
MAX_SKEW_S3 = timedelta(minutes=15)
MAX_PRESIGNED_EXPIRES = 604_800  # 7 days, S3's limit for a SigV4 presigned URL
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_HEX = frozenset("0123456789abcdef")
_S3 = "s3"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
_QUERY_AUTH = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
)
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


class RevocationCheck(Protocol):
    """Where a verifier learns that credentials were revoked, without a database read."""

    def not_before_ms(self, claims: SessionClaims) -> int | None:
        """The latest revocation of the session's identity, role or identity pool (epoch ms);
        may raise ServiceUnavailable when it cannot tell."""
        ...


def session_arn_of(claims: SessionClaims) -> str:
    """The assumed-role session's ARN: ``arn:aws:sts::<account>:assumed-role/<role>/<session>``."""
    account = claims.role_arn.split(":")[4]
    role_name = claims.role_arn.rsplit("/", 1)[-1]
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{claims.session_name}"


def refuse_if_revoked(claims: SessionClaims, not_before_ms: int | None) -> None:
    """CredentialsRevoked (AccessDenied) when the credentials were issued at or before
    ``not_before_ms``, in the words IAM uses for a revoked role session."""
    if revoked(claims, not_before_ms):
        raise CredentialsRevoked(
            f"User: {session_arn_of(claims)} is not authorized to perform this request with an "
            "explicit deny: its credentials were issued before they were revoked."
        )


@dataclass(frozen=True, slots=True)
class Principal:
    """Whom a verified request speaks for, and the scope it was signed for."""

    access_key_id: str
    claims: SessionClaims
    region: str
    service: str


@dataclass(frozen=True, slots=True)
class _Signed:
    """The authentication parameters of a request, from its header or its query."""

    access_key_id: str
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    session_token: str | None
    expires: int | None  # presigned URLs only


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Verifier:
    """Checks SigV4 requests signed with credentials a :class:`CredentialAuthority` minted."""

    def __init__(
        self,
        authority: CredentialAuthority,
        *,
        regions: Collection[str] | None,
        services: Collection[str] | None,
        clock: Callable[[], datetime] = _utc_now,
        revocations: RevocationCheck | None = None,
    ) -> None:
        """``regions`` or ``services`` None accepts a scope naming any (the authorize endpoint
        serves many resource servers; each may name its own). ``revocations`` refuses
        credentials issued before a revocation (a :class:`~cognitio.authz.revocation_feed.
        RevocationFeed` polled from the server, or a list the application keeps)."""
        self._authority = authority
        self._revocations = revocations
        self._regions = _names(regions)
        self._services = _names(services)
        self._clock = clock

    def verify(self, method: str, url: str, headers: Headers, body: bytes) -> Principal:
        """The principal of a correctly signed request; a SignedRequestError otherwise.

        ``url`` is the URL as the client sent it (path and query still percent-encoded).
        """
        return self._verify(method, url, headers, hashlib.sha256(body).hexdigest())

    def verify_described(
        self, method: str, url: str, headers: Headers, payload_sha256: str
    ) -> Principal:
        """As :meth:`verify`, for a request described by a resource server that hashed the body
        itself: ``payload_sha256`` (64 hex digits) stands for the body, and is checked against
        ``x-amz-content-sha256`` and signed exactly as the body's own hash would be."""
        if len(payload_sha256) != 64 or not all(c in _HEX for c in payload_sha256.lower()):
            raise InvalidRequest("payload_sha256 must be the body's SHA-256 in 64 hex digits.")
        return self._verify(method, url, headers, payload_sha256.lower())

    def _verify(self, method: str, url: str, headers: Headers, body_sha256: str) -> Principal:
        now = self._clock()
        parts = urlsplit(url)
        pairs = _header_pairs(headers)
        query = _query_pairs(parts.query)
        signed = _authentication(pairs, query)
        self._check_scope(signed)
        is_s3 = signed.service == _S3
        _check_time(signed, now, is_s3)
        payload = _payload_hash(signed, pairs, body_sha256)
        header_values = _signed_header_values(signed, pairs, presigned=signed.expires is not None)

        if not signed.access_key_id.startswith(ACCESS_KEY_PREFIX):
            raise InvalidAccessKeyId(
                "The AWS Access Key Id you provided does not exist in our records."
            )
        if not signed.session_token:
            raise InvalidToken("The request must carry the credentials' session token.")
        opened = self._authority.open(signed.access_key_id, signed.session_token, now=now)

        expected = _resign(
            signed,
            opened.secret_key,
            method=method,
            path=parts.path,
            query=[(name, value) for name, value in query if name != "X-Amz-Signature"],
            headers=header_values,
            payload=payload,
        )
        if not hmac.compare_digest(expected.encode(), signed.signature.encode()):
            raise SignatureDoesNotMatch(_SIGNATURE_MISMATCH)
        if self._revocations is not None:
            refuse_if_revoked(opened.claims, self._revocations.not_before_ms(opened.claims))
        return Principal(
            access_key_id=opened.access_key_id,
            claims=opened.claims,
            region=signed.region,
            service=signed.service,
        )

    def _check_scope(self, signed: _Signed) -> None:
        if self._regions is not None and signed.region not in self._regions:
            raise AuthorizationHeaderMalformed(
                f"The authorization header is malformed; the region '{_echo(signed.region)}' "
                "is wrong."
            )
        if self._services is not None and signed.service not in self._services:
            raise AuthorizationHeaderMalformed(
                f"The authorization header is malformed; the service '{_echo(signed.service)}' "
                "is wrong."
            )


def _names(names: Collection[str] | None) -> frozenset[str] | None:
    if names is None:
        return None
    return frozenset([names] if isinstance(names, str) else names)


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(name.lower(), value) for name, value in items]


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for piece in query.split("&") if query else ():
        name, _, value = piece.partition("=")
        try:
            pairs.append((unquote(name, errors="strict"), unquote(value, errors="strict")))
        except UnicodeDecodeError:
            raise InvalidRequest("The query string is not valid UTF-8.") from None
    return pairs


def _one(pairs: list[tuple[str, str]], name: str, where: str) -> str | None:
    """The value of ``name``, which may appear at most once."""
    values = [value for key, value in pairs if key == name]
    if len(values) > 1:
        raise InvalidRequest(f"'{name}' appears more than once in the {where}.")
    return values[0] if values else None


def _authentication(pairs: list[tuple[str, str]], query: list[tuple[str, str]]) -> _Signed:
    """The request's SigV4 parameters, from the Authorization header or a presigned query."""
    authorization = _one(pairs, "authorization", "headers")
    names = {name for name, _ in query}
    if (
        "AWSAccessKeyId" in names
        or "Signature" in names
        or (authorization or "").startswith("AWS ")
    ):
        raise InvalidRequest(
            "Signature Version 2 is not supported; sign requests with Signature Version 4 "
            "(boto3: Config(signature_version='s3v4'))."
        )
    presigned = any(name in names for name in _QUERY_AUTH[:-1])
    if authorization is not None and presigned:
        raise InvalidRequest(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or "
            "the Authorization header should be specified."
        )
    if authorization is not None:
        return _from_header(authorization, pairs)
    if presigned:
        return _from_query(query)
    raise AccessDenied("The request is not signed: Anonymous access is not allowed.")


def _from_header(authorization: str, pairs: list[tuple[str, str]]) -> _Signed:
    algorithm, _, parameters = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise InvalidRequest(f"The authorization mechanism '{_echo(algorithm)}' is not supported.")
    fields: dict[str, str] = {}
    for piece in parameters.split(","):
        name, equals, value = piece.strip().partition("=")
        if not equals:
            raise AuthorizationHeaderMalformed(
                f"The authorization header is malformed; '{_echo(piece)}' is not key=value."
            )
        if name in fields:
            raise AuthorizationHeaderMalformed(
                f"The authorization header is malformed; '{_echo(name)}' appears twice."
            )
        fields[name] = value
    if fields.keys() != {"Credential", "SignedHeaders", "Signature"}:
        raise AuthorizationHeaderMalformed(
            "The authorization header is malformed; it needs Credential, SignedHeaders and "
            "Signature, and nothing else."
        )
    amz_date = _one(pairs, "x-amz-date", "headers")
    if amz_date is None:
        raise AccessDenied("AWS authentication requires a valid X-Amz-Date header.")
    return _signed(
        fields["Credential"],
        fields["SignedHeaders"],
        fields["Signature"],
        amz_date,
        token=_one(pairs, "x-amz-security-token", "headers"),
        expires=None,
    )


def _from_query(query: list[tuple[str, str]]) -> _Signed:
    values = {name: _one(query, name, "query string") for name in _QUERY_AUTH}
    missing = [name for name in _QUERY_AUTH[:-1] if not values[name]]
    if missing:
        raise AuthorizationHeaderMalformed(
            "Query-string authentication requires " + ", ".join(missing) + "."
        )
    if values["X-Amz-Algorithm"] != ALGORITHM:
        raise InvalidRequest('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256".')
    expires_text = values["X-Amz-Expires"] or ""
    if not expires_text.isascii() or not expires_text.isdigit():
        raise AuthorizationHeaderMalformed("X-Amz-Expires should be a number.")
    expires = int(expires_text)
    if not 1 <= expires <= MAX_PRESIGNED_EXPIRES:
        raise AuthorizationHeaderMalformed(
            f"X-Amz-Expires must be between 1 and {MAX_PRESIGNED_EXPIRES} seconds."
        )
    return _signed(
        values["X-Amz-Credential"] or "",
        values["X-Amz-SignedHeaders"] or "",
        values["X-Amz-Signature"] or "",
        values["X-Amz-Date"] or "",
        token=values["X-Amz-Security-Token"],
        expires=expires,
    )


def _signed(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    *,
    token: str | None,
    expires: int | None,
) -> _Signed:
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != TERMINATOR:
        raise AuthorizationHeaderMalformed(
            "The authorization header is malformed; the Credential must be "
            "<key id>/<YYYYMMDD>/<region>/<service>/aws4_request."
        )
    try:
        parse_amz_date(amz_date)
    except IncompleteSignatureException:
        raise AccessDenied("X-Amz-Date must be in ISO 8601 basic format.") from None
    if scope[1] != amz_date[:8]:
        raise AuthorizationHeaderMalformed(
            "The authorization header is malformed; the date in the Credential scope "
            f"'{_echo(scope[1])}' is not the request's date '{amz_date[:8]}'."
        )
    names = tuple(signed_headers.split(";"))
    if list(names) != sorted(set(names)) or not all(names):
        raise AuthorizationHeaderMalformed(
            "SignedHeaders must be lower-case header names, sorted, each once."
        )
    if "host" not in names:
        raise AccessDenied("The host header must be signed.")
    return _Signed(
        access_key_id=scope[0],
        scope_date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=names,
        signature=signature,
        amz_date=amz_date,
        session_token=token,
        expires=expires,
    )


def _check_time(signed: _Signed, now: datetime, is_s3: bool) -> None:
    moment = parse_amz_date(signed.amz_date)
    skew = MAX_SKEW_S3 if is_s3 else MAX_SKEW
    if signed.expires is not None:
        if moment > now + skew:
            raise AccessDenied("Request is not valid yet: X-Amz-Date is in the future.")
        if now > moment + timedelta(seconds=signed.expires):
            raise AccessDenied("Request has expired.")
        return
    if abs(now - moment) > skew:
        raise RequestTimeTooSkewed(
            "The difference between the request time and the current time is too large."
        )


def _signed_header_values(
    signed: _Signed, pairs: list[tuple[str, str]], *, presigned: bool
) -> list[tuple[str, str]]:
    """The request's headers that were signed, each present; for header signatures, every
    ``x-amz-*`` header must be among them (it may choose the operation or the payload)."""
    chosen = frozenset(signed.signed_headers)
    present = {name for name, _ in pairs}
    for name in signed.signed_headers:
        if name not in present:
            raise AccessDenied(f"The signed header '{_echo(name)}' is not in the request.")
    if not presigned:
        for name in present:
            if name.startswith("x-amz-") and name not in chosen:
                raise AccessDenied(f"The header '{_echo(name)}' must be signed.")
    return [(name, value) for name, value in pairs if name in chosen]


def _payload_hash(signed: _Signed, pairs: list[tuple[str, str]], computed: str) -> str:
    """What the canonical request names as the payload hash, once it is known to be true.

    A presigned URL's signature covers the header only if it was signed; otherwise it names
    the hash itself (UNSIGNED-PAYLOAD for S3, the body's for other services).
    """
    is_s3 = signed.service == _S3
    presigned = signed.expires is not None
    declared = _one(pairs, "x-amz-content-sha256", "headers")
    if presigned and "x-amz-content-sha256" not in signed.signed_headers:
        declared = None
    if declared is None:
        if is_s3 and not presigned:
            raise InvalidRequest("Missing required header for this request: x-amz-content-sha256.")
        return UNSIGNED_PAYLOAD if is_s3 else computed
    if declared.startswith("STREAMING-"):
        raise InvalidRequest(
            f"'{_echo(declared)}' (aws-chunked uploads) is not supported; send the body whole "
            "with its SHA-256 in x-amz-content-sha256."
        )
    if declared == UNSIGNED_PAYLOAD:
        if not is_s3:
            raise InvalidRequest("UNSIGNED-PAYLOAD is accepted only for S3.")
        return declared
    if not hmac.compare_digest(declared.lower().encode(), computed.encode()):
        raise XAmzContentSHA256Mismatch(
            "The provided 'x-amz-content-sha256' header does not match what was computed."
        )
    return computed


def _resign(
    signed: _Signed,
    secret_key: str,
    *,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    payload: str,
) -> str:
    """The signature botocore computes for this request with ``secret_key``."""
    is_s3 = signed.service == _S3
    credentials = ReadOnlyCredentials(signed.access_key_id, secret_key, signed.session_token)
    signer: SigV4Auth
    if signed.expires is not None:
        signer_class = S3SigV4QueryAuth if is_s3 else SigV4QueryAuth
        signer = signer_class(credentials, signed.service, signed.region, signed.expires)
    else:
        signer = (S3SigV4Auth if is_s3 else SigV4Auth)(credentials, signed.service, signed.region)
    if is_s3:
        # S3 signs the path URI-encoded once; spelling differences (%7E for ~) do not count.
        path = quote(unquote(path), safe="/~")
    host = next(value for name, value in headers if name == "host")
    # The body itself is never needed: its hash was checked already and is put in below.
    request = AWSRequest(method=method.upper(), url=f"http://{host}{path or '/'}", data=b"")
    for name, value in headers:
        request.headers[name] = value
    request.params = query
    request.context["timestamp"] = signed.amz_date
    canonical_request = signer.canonical_request(request)
    # botocore takes a signed x-amz-content-sha256 (checked against the body already) as the
    # payload hash; otherwise the hash is the one decided here, not botocore's guess (it was
    # given no body).
    if "x-amz-content-sha256" not in signed.signed_headers:
        canonical_request = canonical_request.rsplit("\n", 1)[0] + "\n" + payload
    string_to_sign = signer.string_to_sign(request, canonical_request)
    return str(signer.signature(string_to_sign, request))


def _echo(text: str) -> str:
    """Client-supplied text, shortened for an error message."""
    return text if len(text) <= 48 else text[:48] + "..."
