"""The errors of a request signed with Cognitio's temporary credentials, with AWS's codes.

These answer a resource server's request (S3's XML ``<Error><Code>``, or any API's own error
shape), not the JSON 1.1 front door, so they are a tree of their own::

    SignedRequestError               .code is AWS's error code, .status the HTTP status
    +-- InvalidToken                 400: the session token is not one Cognitio issued for this key
    +-- ExpiredToken                 400: the session token's credentials have expired
    +-- InvalidAccessKeyId           403: the access key id is not a Cognitio temporary key
    +-- SignatureDoesNotMatch        403: the signature is not that of the request and the secret
    +-- XAmzContentSHA256Mismatch    400: x-amz-content-sha256 is not the body's hash
    +-- AuthorizationHeaderMalformed 400: the Authorization header or its scope is not usable
    +-- RequestTimeTooSkewed         403: the request's date is too far from the server's clock
    +-- AccessDenied                 403: no authentication, an expired presigned URL, or a
    |   |                                 policy's refusal
    |   +-- CredentialsRevoked       403 AccessDenied: issued before a revocation of their
    |                                     identity, role or identity pool
    +-- InvalidRequest               400: a signing method the verifier does not accept
    +-- ServiceUnavailable           503: the revocation list is too old to decide with

Messages carry no secret, token or signature.
"""

from __future__ import annotations

from typing import ClassVar


class SignedRequestError(Exception):
    """A request refused before it reaches the resource; ``code`` is AWS's name for why."""

    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return type(self).__name__


class InvalidToken(SignedRequestError):
    pass


class ExpiredToken(SignedRequestError):
    pass


class InvalidAccessKeyId(SignedRequestError):
    status = 403


class SignatureDoesNotMatch(SignedRequestError):
    status = 403


class XAmzContentSHA256Mismatch(SignedRequestError):
    pass


class AuthorizationHeaderMalformed(SignedRequestError):
    pass


class RequestTimeTooSkewed(SignedRequestError):
    status = 403


class AccessDenied(SignedRequestError):
    status = 403


class InvalidRequest(SignedRequestError):
    pass


class CredentialsRevoked(AccessDenied):
    """AWS answers a revoked role session (an inline deny on ``aws:TokenIssueTime``) with
    AccessDenied and "explicit deny"; so does Cognitio, under the same code."""

    @property
    def code(self) -> str:
        return "AccessDenied"


class ServiceUnavailable(SignedRequestError):
    status = 503
