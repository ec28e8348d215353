"""The STS broker: GetCredentialsForIdentity's credentials minted by a real AWS STS.

With ``credentials_backend = "aws"`` Cognitio does what Cognito does behind the enhanced flow:
it signs an identity-pool OpenID token for the identity (``services.identity.openid_token``)
and exchanges it at STS with ``AssumeRoleWithWebIdentity`` (AWS STS API Reference; the call is
unsigned), for the role the pool chose, under the session name ``CognitoIdentityCredentials``,
for one hour, with the guests' scope-down as the ``Policy`` of an unauthenticated session. The
credentials STS answers are handed back unchanged. AWS then decides requests with IAM, so the
role's trust policy and permissions live in the AWS account (its OIDC provider names
Cognitio's identity issuer), not in ``[iam]``.

STS's refusals become the identity pool's errors: a role, trust or provider AWS will not accept
(``AccessDenied``, ``InvalidIdentityToken``, ``IDPRejectedClaim``, ``MalformedPolicyDocument``,
``PackedPolicyTooLarge``, ``ValidationError``, ``RegionDisabledException``) is
InvalidIdentityPoolConfigurationException, ``Throttling`` is TooManyRequestsException, and STS
unreachable, failing or answering something unreadable is ExternalServiceException (the detail
goes to the log, never to the caller).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from lxml import etree

from cognitio.errors import (
    CognitoError,
    ExternalServiceException,
    InvalidIdentityPoolConfigurationException,
    TooManyRequestsException,
)
from cognitio.services.identity.role_selection import INVALID_CONFIGURATION
from cognitio.services.sts.credentials import Credentials

log = logging.getLogger("cognitio.sts_broker")

STS_VERSION = "2011-06-15"
_MAX_ANSWER = 64 * 1024  # bytes; an STS answer is about 2 KiB
_CONFIGURATION = frozenset(
    {
        "AccessDenied",
        "InvalidIdentityToken",
        "IDPRejectedClaim",
        "MalformedPolicyDocument",
        "PackedPolicyTooLarge",
        "ValidationError",
        "RegionDisabledException",
    }
)
_UNAVAILABLE = "The credentials service did not answer; try again."
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class BrokeredSession:
    """What to ask STS for."""

    role_arn: str
    session_name: str
    web_identity_token: str
    duration: timedelta
    policy: str | None = None


class StsBroker:
    """Calls AssumeRoleWithWebIdentity at one STS endpoint."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/") + "/"
        self._timeout = timeout_seconds
        self._transport = transport

    def __repr__(self) -> str:
        return f"StsBroker({self._endpoint!r})"

    async def assume(self, session: BrokeredSession) -> Credentials:
        """STS's credentials for ``session``; the identity pool's error when STS refuses."""
        form = {
            "Action": "AssumeRoleWithWebIdentity",
            "Version": STS_VERSION,
            "RoleArn": session.role_arn,
            "RoleSessionName": session.session_name,
            "WebIdentityToken": session.web_identity_token,
            "DurationSeconds": str(int(session.duration.total_seconds())),
        }
        if session.policy is not None:
            form["Policy"] = session.policy
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self._timeout, transport=self._transport, follow_redirects=False
                ) as client,
                client.stream("POST", self._endpoint, data=form) as response,
            ):
                body = await _read_limited(response)
                status = response.status_code
        except (httpx.HTTPError, OSError) as error:
            log.warning("STS at %s did not answer: %s", self._endpoint, type(error).__name__)
            raise ExternalServiceException(_UNAVAILABLE) from None
        document = _parse(body)
        if status != 200:
            raise _refusal(status, document)
        return _credentials(document)


async def _read_limited(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > _MAX_ANSWER:
            raise ExternalServiceException(_UNAVAILABLE)
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _text(document: etree._Element | None, name: str) -> str | None:
    """The text of the first element called ``name``, in any namespace."""
    if document is None:
        return None
    for element in document.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == name:
            return (element.text or "").strip()
    return None


def _refusal(status: int, document: etree._Element | None) -> CognitoError:
    code = _text(document, "Code") or ""
    log.warning("STS refused AssumeRoleWithWebIdentity: HTTP %s %s", status, code[:64])
    if code in _CONFIGURATION:
        return InvalidIdentityPoolConfigurationException(INVALID_CONFIGURATION)
    if code in ("Throttling", "RequestLimitExceeded"):
        return TooManyRequestsException("Rate exceeded")
    return ExternalServiceException(_UNAVAILABLE)


def _credentials(document: etree._Element | None) -> Credentials:
    access_key_id = _text(document, "AccessKeyId")
    secret = _text(document, "SecretAccessKey")
    token = _text(document, "SessionToken")
    expiration = _text(document, "Expiration")
    if not access_key_id or not secret or not token or not expiration:
        log.warning("STS answered without credentials")
        raise ExternalServiceException(_UNAVAILABLE)
    try:
        expires = datetime.fromisoformat(expiration.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        log.warning("STS answered an unreadable Expiration")
        raise ExternalServiceException(_UNAVAILABLE) from None
    return Credentials(
        access_key_id=access_key_id, secret_key=secret, session_token=token, expiration=expires
    )
