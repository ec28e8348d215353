"""GetCredentialsForIdentity, the enhanced (simplified) flow: an identity and its logins in,
temporary credentials for the role the pool chooses out.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html
and the Developer Guide's "Identity pools authentication flow": the identity must exist and be
enabled; a signed-in identity must present at least one of its logins; a new login is linked;
the role comes from the pool's roles and role mappings (``role_selection``); the role must be
declared in the configuration's ``[iam]`` table and its trust policy must let Cognitio's identity
issuer assume it for this pool, this identity and this ``amr`` (``sts:TagSession`` as well when
principal tags are passed), else InvalidIdentityPoolConfigurationException. The credentials last
one hour under the session name ``CognitoIdentityCredentials``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cognitio.documents import JsonObject
from cognitio.errors import InvalidIdentityPoolConfigurationException, NotAuthorizedException
from cognitio.services.iam.evaluator import Principal, Request, evaluate
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.iam.roles import IDENTITY_ISSUER, Role
from cognitio.services.iam.scope_down import GUEST_SCOPE_DOWN_DOCUMENT, GUEST_SCOPE_DOWN_ID
from cognitio.services.identity.get_id import GUESTS_OFF, link
from cognitio.services.identity.logins import Login, check_logins
from cognitio.services.identity.lookup import load_identity, load_pool
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.identity.principal_tags import default_tags
from cognitio.services.identity.role_selection import (
    INVALID_CONFIGURATION,
    default_role,
    select_role,
)
from cognitio.services.identity.sts_broker import BrokeredSession, StsBroker
from cognitio.services.pools.user_pools import Caller
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Store, Transaction

SESSION_NAME = "CognitoIdentityCredentials"
LIFETIME = timedelta(hours=1)  # enhanced-flow credentials, not configurable in Cognito
LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or "
    "identity pool."
)
_DISABLED = "Identity '{}' is disabled."
_MAX_TAG_VALUE = 256


@dataclass(frozen=True, slots=True)
class IdentityCredentials:
    """What GetCredentialsForIdentity answers."""

    identity_id: str
    credentials: Credentials


@dataclass(frozen=True, slots=True)
class _Session:
    role_arn: str
    amr: tuple[str, ...]
    tags: Mapping[str, str]
    session_policy: str | None = None  # the guests' scope-down


class EnhancedFlow:
    """GetCredentialsForIdentity."""

    def __init__(
        self,
        store: Store,
        tokens: Tokens,
        authority: CredentialAuthority,
        roles: Sequence[Role],
        broker: tuple[StsBroker, OpenIdTokens] | None = None,
    ) -> None:
        """``broker``: an STS and the identity issuer whose tokens it exchanges, when AWS
        mints the credentials (``credentials_backend = "aws"``)."""
        self._store = store
        self._tokens = tokens
        self._authority = authority
        self._roles = {role.arn: role for role in roles}
        self._broker = broker

    async def credentials(
        self,
        caller: Caller,
        identity_id: str,
        logins: Mapping[str, str],
        custom_role_arn: str | None,
    ) -> IdentityCredentials:
        async with self._store.write() as tx:
            # Locked, and the issue time taken before the commit: a deletion (which revokes the
            # identity's credentials) waits for this transaction and revokes what it issued.
            identity = await load_identity(tx, caller, identity_id, for_update=True)
            if identity.disabled:
                raise NotAuthorizedException(_DISABLED.format(identity.id))
            pool = await load_pool(tx, caller, identity.pool_id)
            if logins:
                session = await self._signed_in(tx, pool, identity, logins, custom_role_arn)
            else:
                session = _guest(pool, identity)
            if self._broker is None:
                self._check_trust(pool, identity, session)
            now = datetime.now(UTC)
        if self._broker is not None:
            return IdentityCredentials(identity.id, await self._brokered(pool, identity, session))
        claims = SessionClaims(
            identity_id=identity.id,
            identity_pool_id=pool.id,
            role_arn=session.role_arn,
            session_name=SESSION_NAME,
            issued_at=now,
            expires_at=now + LIFETIME,
            amr=session.amr,
            principal_tags=dict(session.tags),
            session_policy=session.session_policy,
        )
        return IdentityCredentials(identity.id, self._authority.mint(claims))

    async def _brokered(
        self, pool: IdentityPoolRecord, identity: IdentityRecord, session: _Session
    ) -> Credentials:
        """AWS's credentials: the identity's OpenID token exchanged at STS (``sts_broker``);
        the role's trust is AWS's to check."""
        assert self._broker is not None
        broker, openid_tokens = self._broker
        token = await openid_tokens.mint(identity.id, pool.id, session.amr)
        guest = session.session_policy == GUEST_SCOPE_DOWN_ID
        return await broker.assume(
            BrokeredSession(
                role_arn=session.role_arn,
                session_name=SESSION_NAME,
                web_identity_token=token,
                duration=LIFETIME,
                policy=GUEST_SCOPE_DOWN_DOCUMENT if guest else None,
            )
        )

    async def _signed_in(
        self,
        tx: Transaction,
        pool: IdentityPoolRecord,
        identity: IdentityRecord,
        logins: Mapping[str, str],
        custom_role_arn: str | None,
    ) -> _Session:
        checked = await check_logins(tx, self._tokens, pool, logins)
        await _link_new(tx, pool, identity, checked)
        login = checked[0]
        mapping = pool.role_mappings.get(login.mapping_key)
        role = select_role(pool.roles, mapping, login.claims, custom_role_arn)
        return _Session(role, login.amr, _principal_tags(pool, login))

    def _check_trust(
        self, pool: IdentityPoolRecord, identity: IdentityRecord, session: _Session
    ) -> None:
        """The role is declared and trusts the identity issuer for this assumption."""
        role = self._roles.get(session.role_arn)
        if role is None:
            raise InvalidIdentityPoolConfigurationException(INVALID_CONFIGURATION)
        trust = role.trust_for([pool.id])
        context: dict[str, ContextValue] = {
            f"{IDENTITY_ISSUER}:aud": pool.id,
            f"{IDENTITY_ISSUER}:sub": identity.id,
            f"{IDENTITY_ISSUER}:amr": session.amr,
            **{f"aws:RequestTag/{key}": value for key, value in session.tags.items()},
        }
        if session.tags:
            context["aws:TagKeys"] = tuple(session.tags)
        actions = ["sts:AssumeRoleWithWebIdentity"] + (["sts:TagSession"] if session.tags else [])
        for action in actions:
            request = Request(action, None, Principal("Federated", IDENTITY_ISSUER), context)
            if not evaluate([trust], request).allowed:
                raise InvalidIdentityPoolConfigurationException(INVALID_CONFIGURATION)


def _guest(pool: IdentityPoolRecord, identity: IdentityRecord) -> _Session:
    if identity.logins:
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    if not pool.allow_unauthenticated:
        raise NotAuthorizedException(GUESTS_OFF)
    return _Session(
        default_role(pool.roles, "unauthenticated"),
        ("unauthenticated",),
        {},
        GUEST_SCOPE_DOWN_ID,
    )


async def _link_new(
    tx: Transaction, pool: IdentityPoolRecord, identity: IdentityRecord, logins: Sequence[Login]
) -> None:
    """Each login must be the identity's own or new to the pool; new ones are linked. A
    signed-in identity must be shown at least one login it already has."""
    known = False
    for login in logins:
        linked = identity.logins.get(login.provider)
        if linked == login.subject:
            known = True
            continue
        owner = await tx.pool_identities.owner(pool.id, login.provider, login.subject)
        if linked is not None or owner is not None:
            raise NotAuthorizedException(LOGINS_DONT_MATCH)
    if identity.logins and not known:
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    for login in logins:
        if identity.logins.get(login.provider) != login.subject and not await link(
            tx, identity.id, pool.id, login
        ):
            raise NotAuthorizedException(LOGINS_DONT_MATCH)


def _principal_tags(pool: IdentityPoolRecord, login: Login) -> dict[str, str]:
    """The session tags of a login: its provider's principal tag map (the defaults when none
    was set) applied to the token's claims; claims the token lacks give no tag."""
    stored = pool.principal_tags.get(login.provider)
    tag_map: Mapping[str, object] = default_tags(login.provider)
    if isinstance(stored, dict) and stored.get("UseDefaults") is not True:
        given = stored.get("PrincipalTags")
        tag_map = given if isinstance(given, dict) else {}
    return {
        str(key): value
        for key, claim in tag_map.items()
        if (value := _claim_text(login.claims, str(claim))) is not None
    }


def _claim_text(claims: JsonObject, name: str) -> str | None:
    value = claims.get(name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float) and len(str(value)) <= _MAX_TAG_VALUE:
        return str(value)
    return None
