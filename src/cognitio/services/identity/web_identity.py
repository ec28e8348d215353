"""STS AssumeRoleWithWebIdentity for the identity pools' OpenID tokens (Cognito's basic flow),
and GetCallerIdentity for the credentials it hands out.

AWS STS API Reference, "AssumeRoleWithWebIdentity" and "GetCallerIdentity"; IAM User Guide,
"Available keys for Amazon Cognito" (``cognito-identity.amazonaws.com:aud``, ``:sub``, ``:amr``).
The role comes from the configuration's ``[iam]`` roles; its trust policy is evaluated for
``sts:AssumeRoleWithWebIdentity`` by the principal ``Federated: cognito-identity.amazonaws.com``
with the token's ``aud``, ``sub`` and ``amr``. A ``Policy`` passed with the call is kept in the
credentials as their session policy (its JSON text), which narrows what the role allows; a
guest's session keeps the unauthenticated scope-down as well (``services.iam.scope_down``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from cognitio.crypto import jwt
from cognitio.services.iam.errors import PolicyError
from cognitio.services.iam.evaluator import Principal, Request, evaluate
from cognitio.services.iam.policy import PolicyKind, parse_policy_json
from cognitio.services.iam.roles import IDENTITY_ISSUER, Role
from cognitio.services.iam.scope_down import guest_session_policy
from cognitio.services.identity.openid_token import OpenIdTokenClaims, OpenIdTokens
from cognitio.services.identity.role_selection import roles_named_for
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.sts.revocations import token_revoked
from cognitio.services.sts.service_errors import (
    AccessDenied,
    ExpiredTokenException,
    InvalidIdentityToken,
    MalformedPolicyDocument,
    ValidationError,
)
from cognitio.store.repositories import Store

ACTION = "sts:AssumeRoleWithWebIdentity"
MIN_DURATION_S = 900
DEFAULT_DURATION_S = 3600
_ROLE_NAME = re.compile(r":role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$")
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True, slots=True)
class AssumedRole:
    """What AssumeRoleWithWebIdentity answers."""

    credentials: Credentials
    assumed_role_id: str  # {role id}:{session name}
    arn: str  # arn:aws:sts::{account}:assumed-role/{role name}/{session name}
    subject: str  # the token's sub
    audience: str  # the token's aud
    provider: str  # the token's issuer


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """What GetCallerIdentity answers for a set of assumed-role credentials."""

    user_id: str
    account: str
    arn: str


class WebIdentitySessions:
    """Exchanges identity-pool OpenID tokens for credentials of a trusting role."""

    def __init__(
        self,
        store: Store,
        tokens: OpenIdTokens,
        authority: CredentialAuthority,
        roles: Sequence[Role],
        account_id: str,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self.authority = authority
        self._roles = {role.arn: role for role in roles}
        self._account_id = account_id

    async def assume(
        self,
        *,
        role_arn: str,
        session_name: str,
        web_identity_token: str,
        duration_seconds: int | None = None,
        policy: str | None = None,
        now: datetime | None = None,
    ) -> AssumedRole:
        """Credentials of ``role_arn`` for the identity the token names, once the token
        verifies and the role's trust policy allows it."""
        moment = now or datetime.now(UTC)
        claims = await self._verify(web_identity_token, moment)
        await self._refuse_revoked(claims)
        role = self._roles.get(role_arn)
        if role is None or not await self._trusts(role, claims):
            raise AccessDenied(f"Not authorized to perform {ACTION}")
        duration = DEFAULT_DURATION_S if duration_seconds is None else duration_seconds
        if duration > role.max_session_duration:
            raise ValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        if policy is not None:
            _check_session_policy(policy)
        if "unauthenticated" in claims.amr:
            policy = guest_session_policy(policy)
        credentials = self.authority.mint(
            SessionClaims(
                identity_id=claims.identity_id,
                identity_pool_id=claims.identity_pool_id,
                role_arn=role.arn,
                session_name=session_name,
                issued_at=moment,
                expires_at=moment + timedelta(seconds=duration),
                amr=claims.amr,
                principal_tags=dict(claims.principal_tags),
                session_policy=policy,
            )
        )
        identity = self.caller(role.arn, session_name)
        return AssumedRole(
            credentials=credentials,
            assumed_role_id=identity.user_id,
            arn=identity.arn,
            subject=claims.identity_id,
            audience=claims.identity_pool_id,
            provider=claims.issuer,
        )

    def caller(self, role_arn: str, session_name: str) -> CallerIdentity:
        """Who credentials for ``role_arn``'s session ``session_name`` are."""
        match = _ROLE_NAME.search(role_arn)
        role_name = match.group(1) if match else role_arn.rpartition("/")[2]
        return CallerIdentity(
            user_id=f"{role_id(role_arn)}:{session_name}",
            account=self._account_id,
            arn=f"arn:aws:sts::{self._account_id}:assumed-role/{role_name}/{session_name}",
        )

    async def _verify(self, token: str, moment: datetime) -> OpenIdTokenClaims:
        try:
            return await self._tokens.verify(token, now=moment.timestamp())
        except jwt.TokenError as error:
            if error.reason == "expired":
                raise ExpiredTokenException(
                    "Token expired: current date/time is past exp."
                ) from None
            raise InvalidIdentityToken(
                f"The web identity token that was passed could not be validated: {error}."
            ) from None

    async def _refuse_revoked(self, claims: OpenIdTokenClaims) -> None:
        """InvalidIdentityToken for a token issued at or before a revocation of its identity or
        identity pool (a deletion, a server-side sign-out, ``cognitio credentials revoke``): it
        would buy fresh credentials the revocation meant to end."""
        async with self._store.read() as tx:
            revoked = await token_revoked(
                tx, claims.identity_id, claims.identity_pool_id, claims.issued_at
            )
        if revoked:
            raise InvalidIdentityToken(
                "The web identity token that was passed could not be validated: revoked."
            )

    async def _trusts(self, role: Role, claims: OpenIdTokenClaims) -> bool:
        pool_ids = await self._pools_naming(role, claims)
        request = Request(
            action=ACTION,
            principal=Principal("Federated", IDENTITY_ISSUER),
            context={
                f"{IDENTITY_ISSUER}:aud": claims.identity_pool_id,
                f"{IDENTITY_ISSUER}:sub": claims.identity_id,
                f"{IDENTITY_ISSUER}:amr": claims.amr,
            },
        )
        trust = role.trust_for(pool_ids)
        if not evaluate([trust], request).allowed:
            return False
        if not claims.principal_tags:
            return True
        # Session tags in the token need sts:TagSession as well (IAM User Guide, "Passing
        # session tags using AssumeRoleWithWebIdentity").
        tags = claims.principal_tags
        tagging = replace(
            request,
            action="sts:TagSession",
            context={
                **request.context,
                **{f"aws:RequestTag/{key}": value for key, value in tags.items()},
                "aws:TagKeys": tuple(tags),
            },
        )
        return evaluate([trust], tagging).allowed

    async def _pools_naming(self, role: Role, claims: OpenIdTokenClaims) -> list[str]:
        """``[pool]`` of the token when that pool names the role for identities of the token's
        kind (a guest's: the unauthenticated role; a signed-in identity's: the authenticated
        role or a rule's): whom a role without a trust policy trusts."""
        if role.trust_policy is not None:
            return []
        pool_id = claims.identity_pool_id
        async with self._store.read() as tx:
            pool = await tx.identity_pools.get(pool_id)
        if pool is None:
            return []
        named = roles_named_for(pool.roles, pool.role_mappings, claims.amr)
        return [pool_id] if role.arn in named else []


def role_id(role_arn: str) -> str:
    """A stable IAM-style unique id for a role (``AROA`` and 17 base32 characters)."""
    digest = hashlib.sha256(role_arn.encode()).digest()
    text = base64.b32encode(digest).decode("ascii")
    return "AROA" + "".join(c for c in text if c in _BASE32)[:17]


def _check_session_policy(text: str) -> None:
    try:
        parse_policy_json(text, name="session", kind=PolicyKind.PERMISSIONS)
    except PolicyError as error:
        raise MalformedPolicyDocument(
            f"The policy is not in the valid JSON format: {error}"
        ) from None
