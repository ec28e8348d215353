"""The request context a role's policies are evaluated against, built from a verified principal.

The keys are those AWS sets for a session of a role assumed with a Cognito identity's web
identity token (IAM User Guide, "AWS global condition context keys" and "Available keys for
AWS web identity federation"; Cognito Developer Guide, "IAM roles"):

- ``cognito-identity.amazonaws.com:sub`` (the identity id), ``:aud`` (the identity pool id) and
  ``:amr`` (several values: ``authenticated`` or ``unauthenticated`` and the providers);
- ``aws:PrincipalArn`` (the role's ARN), ``aws:PrincipalAccount``, ``aws:PrincipalType``
  (``AssumedRole``), ``aws:userid`` (``<role id>:<session name>``), ``aws:PrincipalTag/<key>``
  for each principal tag, ``aws:TokenIssueTime``, ``aws:RequestedRegion``;
- ``aws:CurrentTime``, ``aws:EpochTime``, ``aws:SourceIp`` and ``aws:SecureTransport`` from the
  clock and the connection.

Service keys (``s3:prefix``...) come with the request's action, from :mod:`.targets`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime

from cognitio.authz.verifier import Principal, session_arn_of
from cognitio.services.iam.patterns import ContextValue

IDENTITY_KEYS = "cognito-identity.amazonaws.com"
SESSION_TYPE = "AssumedRole"
# Keys only Cognitio sets: a resource server's extra context may not supply them.
PRINCIPAL_KEYS = frozenset(
    key.lower()
    for key in (
        f"{IDENTITY_KEYS}:sub",
        f"{IDENTITY_KEYS}:aud",
        f"{IDENTITY_KEYS}:amr",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalType",
        "aws:userid",
        "aws:TokenIssueTime",
        "aws:RequestedRegion",
        "aws:CurrentTime",
        "aws:EpochTime",
    )
)
PRINCIPAL_TAG_PREFIX = "aws:principaltag/"


def role_id(role_arn: str) -> str:
    """A stable unique id for a role, in IAM's form (``AROA`` and 17 characters)."""
    digest = hashlib.sha256(role_arn.encode()).digest()
    return "AROA" + base64.b32encode(digest).decode()[:17]


def session_arn(principal: Principal) -> str:
    """The assumed-role session's ARN: ``arn:aws:sts::<account>:assumed-role/<role>/<session>``."""
    return session_arn_of(principal.claims)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def request_context(
    principal: Principal,
    *,
    now: datetime,
    source_ip: str | None,
    secure: bool,
    extra: Mapping[str, ContextValue] | None = None,
) -> dict[str, ContextValue]:
    """The context keys of ``principal``'s request at ``now``; ``extra`` adds service keys
    (``s3:prefix``...) and may not replace a key the principal or the clock decides."""
    claims = principal.claims
    context: dict[str, ContextValue] = {
        f"{IDENTITY_KEYS}:sub": claims.identity_id,
        f"{IDENTITY_KEYS}:aud": claims.identity_pool_id,
        f"{IDENTITY_KEYS}:amr": tuple(claims.amr),
        "aws:PrincipalArn": claims.role_arn,
        "aws:PrincipalAccount": claims.role_arn.split(":")[4],
        "aws:PrincipalType": SESSION_TYPE,
        "aws:userid": f"{role_id(claims.role_arn)}:{claims.session_name}",
        "aws:TokenIssueTime": _iso(claims.issued_at),
        "aws:RequestedRegion": principal.region,
        "aws:CurrentTime": _iso(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "true" if secure else "false",
    }
    if source_ip:
        context["aws:SourceIp"] = source_ip
    for tag, tag_value in claims.principal_tags.items():
        context[f"aws:PrincipalTag/{tag}"] = tag_value
    for key, value in (extra or {}).items():
        lowered = key.lower()
        if lowered in PRINCIPAL_KEYS or lowered.startswith(PRINCIPAL_TAG_PREFIX):
            raise ValueError(f"the context key {key} is set by Cognitio, not by the request")
        context[key] = value
    return context
