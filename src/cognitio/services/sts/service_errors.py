"""The errors of STS's own operations, as its Query API answers them.

AWS Security Token Service API Reference, "Common Errors" and each operation's "Errors"
(https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). The wire answer is
``<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…``::

    StsError                       .code is STS's error code, .status the HTTP status
    +-- InvalidIdentityToken       400: the web identity token is not one the issuer signed
    +-- ExpiredTokenException      400: the web identity token has expired
    +-- AccessDenied               403: the role does not exist or does not trust the token
    +-- MalformedPolicyDocument    400: the session policy is not a valid policy
    +-- PackedPolicyTooLarge       400: the session policy is too large
    +-- ValidationError            400: a parameter is missing or out of its range
    +-- InvalidAction              400: the Action is not one this endpoint serves
    +-- Throttling                 400: the client's address is past its rate limit
    +-- MissingAuthenticationToken 403: a signed action arrived without a signature
    +-- InvalidClientTokenId       403: the signing key or its session token is unknown
    +-- ExpiredToken               400: the signing credentials have expired
    +-- SignatureDoesNotMatch      403: the signature is not the request's
    +-- IncompleteSignature        400: the signature is malformed or its scope unusable
    +-- InternalFailure            500: anything else (its detail stays in the log)

Messages carry no token, secret or signature.
"""

from __future__ import annotations

from typing import ClassVar


class StsError(Exception):
    """An STS call refused; ``code`` is STS's name for why."""

    status: ClassVar[int] = 400
    sender: ClassVar[bool] = True  # <Type>Sender</Type>; Receiver for the server's faults

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return type(self).__name__


class InvalidIdentityToken(StsError):
    pass


class ExpiredTokenException(StsError):
    pass


class AccessDenied(StsError):
    status = 403


class MalformedPolicyDocument(StsError):
    pass


class PackedPolicyTooLarge(StsError):
    pass


class ValidationError(StsError):
    pass


class InvalidAction(StsError):
    pass


class Throttling(StsError):
    pass


class MissingAuthenticationToken(StsError):
    status = 403


class InvalidClientTokenId(StsError):
    status = 403


class ExpiredToken(StsError):
    pass


class SignatureDoesNotMatch(StsError):
    status = 403


class IncompleteSignature(StsError):
    pass


class InternalFailure(StsError):
    status = 500
    sender = False
