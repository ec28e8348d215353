"""STS's handlers on the Query protocol: AssumeRoleWithWebIdentity and GetCallerIdentity.

Parameters and their limits are STS's (botocore's ``sts`` 2011-06-15 model): ``RoleArn`` 20-2048
characters, ``RoleSessionName`` 2-64 of ``[\\w+=,.@-]``, ``WebIdentityToken`` 4-20,000,
``DurationSeconds`` 900-43,200, ``Policy`` 1-2,048. AssumeRoleWithWebIdentity takes no
signature; GetCallerIdentity is signed (SigV4, service ``sts``) with the credentials it names,
and refuses revoked ones (read from the database, so at once on every node).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cognitio.authz.verifier import Verifier
from cognitio.services.iam.roles import MAX_SESSION_S
from cognitio.services.identity.web_identity import MIN_DURATION_S, WebIdentitySessions
from cognitio.services.sts import errors as signed
from cognitio.services.sts.revocations import CredentialRevocations, revoked
from cognitio.services.sts.service_errors import (
    ExpiredToken,
    IncompleteSignature,
    InvalidClientTokenId,
    MissingAuthenticationToken,
    SignatureDoesNotMatch,
    StsError,
    ValidationError,
)
from cognitio.wire.query import QueryHandler, QueryRequest, XmlMembers

_SESSION_NAME = re.compile(r"[\w+=,.@-]*", re.ASCII)  # STS's \w: ASCII letters and digits
_MAX_POLICY_CHARS = 2048
_INVALID_TOKEN = "The security token included in the request is invalid."  # noqa: S105


class StsApi:
    """The STS actions this server answers, by Action name."""

    # The actions that take no signature (anyone may call them: rate-limited per address).
    UNSIGNED = frozenset({"AssumeRoleWithWebIdentity"})

    def __init__(
        self,
        sessions: WebIdentitySessions,
        verifier: Verifier,
        revocations: CredentialRevocations | None = None,
    ) -> None:
        self._sessions = sessions
        self._verifier = verifier
        self._revocations = revocations

    def handlers(self) -> Mapping[str, QueryHandler]:
        return {
            "AssumeRoleWithWebIdentity": self.assume_role_with_web_identity,
            "GetCallerIdentity": self.get_caller_identity,
        }

    async def assume_role_with_web_identity(self, request: QueryRequest) -> XmlMembers:
        params = request.params
        role_arn = _text(params, "RoleArn", 20, 2048)
        session_name = _text(params, "RoleSessionName", 2, 64)
        if not _SESSION_NAME.fullmatch(session_name):
            raise _invalid(
                session_name, "roleSessionName", r"satisfy regular expression pattern: [\w+=,.@-]*"
            )
        token = _text(params, "WebIdentityToken", 4, 20000, show=False)
        duration = _duration(params.get("DurationSeconds"))
        policy = params.get("Policy")
        if policy is not None and not 1 <= len(policy) <= _MAX_POLICY_CHARS:
            raise ValidationError(
                "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
                f"Member must have length less than or equal to {_MAX_POLICY_CHARS}"
            )
        assumed = await self._sessions.assume(
            role_arn=role_arn,
            session_name=session_name,
            web_identity_token=token,
            duration_seconds=duration,
            policy=policy,
        )
        credentials = assumed.credentials
        return [
            (
                "Credentials",
                [
                    ("AccessKeyId", credentials.access_key_id),
                    ("SecretAccessKey", credentials.secret_key),
                    ("SessionToken", credentials.session_token),
                    ("Expiration", credentials.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")),
                ],
            ),
            ("SubjectFromWebIdentityToken", assumed.subject),
            (
                "AssumedRoleUser",
                [("AssumedRoleId", assumed.assumed_role_id), ("Arn", assumed.arn)],
            ),
            ("Provider", assumed.provider),
            ("Audience", assumed.audience),
        ]

    async def get_caller_identity(self, request: QueryRequest) -> XmlMembers:
        if not any(name.lower() == "authorization" for name, _ in request.headers) and (
            "X-Amz-Signature" not in request.url
        ):
            raise MissingAuthenticationToken("Request is missing Authentication Token")
        try:
            principal = self._verifier.verify(
                request.method, request.url, request.headers, request.body
            )
        except signed.SignedRequestError as error:
            raise _signing_error(error) from None
        if self._revocations is not None and revoked(
            principal.claims, await self._revocations.not_before_ms(principal.claims)
        ):
            # AWS refuses a session token it no longer honours this way (GetCallerIdentity
            # needs no permission, so an AccessDenied would not be AWS's answer).
            raise InvalidClientTokenId(_INVALID_TOKEN)
        caller = self._sessions.caller(principal.claims.role_arn, principal.claims.session_name)
        return [("UserId", caller.user_id), ("Account", caller.account), ("Arn", caller.arn)]


def _signing_error(error: signed.SignedRequestError) -> StsError:
    """The verifier's refusal as STS names it."""
    if isinstance(error, signed.ExpiredToken):
        return ExpiredToken("The security token included in the request is expired")
    if isinstance(error, signed.InvalidToken | signed.InvalidAccessKeyId):
        return InvalidClientTokenId(_INVALID_TOKEN)
    if isinstance(error, signed.SignatureDoesNotMatch):
        return SignatureDoesNotMatch(error.message)
    return IncompleteSignature(error.message)


def _text(params: Mapping[str, str], name: str, least: int, most: int, *, show: bool = True) -> str:
    member = name[0].lower() + name[1:]
    value = params.get(name)
    if value is None:
        raise ValidationError(
            f"1 validation error detected: Value null at '{member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    shown = value if show else "***"
    if len(value) < least:
        raise _invalid(shown, member, f"have length greater than or equal to {least}")
    if len(value) > most:
        raise _invalid(shown[:64], member, f"have length less than or equal to {most}")
    return value


def _duration(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise _invalid(raw[:32], "durationSeconds", "be an integer")
    value = int(raw)
    if value < MIN_DURATION_S:
        raise _invalid(
            raw, "durationSeconds", f"have value greater than or equal to {MIN_DURATION_S}"
        )
    if value > MAX_SESSION_S:
        raise _invalid(raw, "durationSeconds", f"have value less than or equal to {MAX_SESSION_S}")
    return value


def _invalid(value: str, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )
