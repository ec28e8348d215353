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
from cognitio.errors import (
    InvalidIdentityPoolConfigurationException,
    InvalidParameterException,
    NotAuthorizedException,
)
from cognitio.services.iam.evaluator import Principal, Request, evaluate
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.iam.roles import IDENTITY_ISSUER, Role
from cognitio.services.iam.scope_down import GUEST_SCOPE_DOWN_DOCUMENT, GUEST_SCOPE_DOWN_ID
from cognitio.services.identity.get_id import GUESTS_OFF
from cognitio.services.identity.identities import DISABLED
from cognitio.services.identity.identity_token_logins import (
    IDENTITY_TOKEN_KEY,
    check_proves,
    is_identity_token_key,
    verify_identity_token,
)
from cognitio.services.identity.linking import LOGINS_DONT_MATCH, link_logins, retrying
from cognitio.services.identity.login_kinds import Login, LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import load_identity, load_pool
from cognitio.services.identity.openid_token import OpenIdTokenClaims, OpenIdTokens
from cognitio.services.identity.principal_tags import active_map
from cognitio.services.identity.role_selection import (
    INVALID_CONFIGURATION,
    default_role,
    roles_named,
    select_role,
)
from cognitio.services.identity.sts_broker import BrokeredSession, StsBroker
from cognitio.services.pools.user_pools import Caller
from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims
from cognitio.services.sts.revocations import token_revoked
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Store, Transaction

SESSION_NAME = "CognitoIdentityCredentials"
LIFETIME = timedelta(hours=1)  # enhanced-flow credentials, not configurable in Cognito
_MAX_TAG_VALUE = 256
TOKEN_REVOKED = "Invalid login token. Token revoked."  # noqa: S105 (a message)


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
    provider_chosen: bool = False
    session_policy: str | None = None  # the guests' scope-down


# What a credentials transaction decided: the pool, the identity, the session, the issue time.
_Issued = tuple[IdentityPoolRecord, IdentityRecord, _Session, datetime]


class EnhancedFlow:
    """GetCredentialsForIdentity."""

    def __init__(
        self,
        store: Store,
        tokens: Tokens,
        authority: CredentialAuthority,
        roles: Sequence[Role],
        openid_tokens: OpenIdTokens,
        login_services: LoginServices,
        broker: StsBroker | None = None,
    ) -> None:
        """``broker``: the STS that exchanges the identity issuer's tokens, when AWS mints the
        credentials (``credentials_backend = "aws"``)."""
        self._store = store
        self._tokens = tokens
        self._openid_tokens = openid_tokens
        self._login_services = login_services
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
        identity_token = _identity_token(logins, self._openid_tokens)
        token_claims = None
        if identity_token is not None:
            token_claims = await verify_identity_token(self._openid_tokens, identity_token)

        async def work(
            tx: Transaction,
        ) -> tuple[IdentityPoolRecord, IdentityRecord, _Session, datetime]:
            identity = await load_identity(tx, caller, identity_id)
            if identity.disabled:
                raise NotAuthorizedException(DISABLED.format(identity.id))
            pool = await load_pool(tx, caller, identity.pool_id)
            if token_claims is not None:
                if await token_revoked(tx, identity.id, pool.id, token_claims.issued_at):
                    raise NotAuthorizedException(TOKEN_REVOKED)
                session = _developer(pool, identity, token_claims)
            elif logins:
                pool, identity, session = await self._signed_in(
                    tx, pool, identity, logins, custom_role_arn
                )
            else:
                session = _guest(pool, identity)
            # Locked after any link or merge (which take the pool's row first), and the issue
            # time taken before the commit: a deletion, which revokes the identity's
            # credentials, waits for this transaction and revokes what it issued.
            locked = await load_identity(tx, caller, identity.id, for_update=True)
            if locked.disabled:
                raise NotAuthorizedException(DISABLED.format(locked.id))
            return pool, identity, session, datetime.now(UTC)

        pool, identity, session, now = await retrying(self._store, work)
        if self._broker is not None:
            return IdentityCredentials(identity.id, await self._brokered(pool, identity, session))
        self._check_trust(pool, identity, session)
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
        token = await self._openid_tokens.mint(identity.id, pool.id, session.amr)
        guest = session.session_policy == GUEST_SCOPE_DOWN_ID
        return await self._broker.assume(
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
    ) -> tuple[IdentityPoolRecord, IdentityRecord, _Session]:
        context = LoginContext(tx, self._tokens, pool, self._login_services, spend=True)
        checked = await check_logins(context, logins)
        owner = await link_logins(tx, pool, checked, named=identity, must_know=True)
        login = checked[0]
        mapping = pool.role_mappings.get(login.mapping_key)
        role = select_role(pool.roles, mapping, login, custom_role_arn)
        chosen = role in login.granted_roles and login.provider_roles
        return pool, owner, _Session(role, login.amr, _principal_tags(pool, login), chosen)

    def _check_trust(
        self, pool: IdentityPoolRecord, identity: IdentityRecord, session: _Session
    ) -> None:
        """The role is declared and trusts the identity issuer for this assumption."""
        role = self._roles.get(session.role_arn)
        if role is None:
            raise InvalidIdentityPoolConfigurationException(INVALID_CONFIGURATION)
        # A role the provider chose (a SAML assertion's) has the default trust only when the
        # pool names it too: an IdP cannot hand out a role meant for another pool.
        named = not session.provider_chosen or role.arn in roles_named(
            pool.roles, pool.role_mappings
        )
        trust = role.trust_for([pool.id] if named else [])
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


def _developer(
    pool: IdentityPoolRecord, identity: IdentityRecord, claims: OpenIdTokenClaims
) -> _Session:
    """The identity's own OpenID token (developer-authenticated identities): its amr and
    principal tags pass through with the authenticated role; a guest's token is a guest."""
    check_proves(claims, pool.id, identity.id)
    if "authenticated" in claims.amr:
        return _Session(
            default_role(pool.roles, "authenticated"), claims.amr, claims.principal_tags
        )
    # A guest's token (GetOpenIdToken without logins) stands for the guest: the same checks
    # and the same scope-down as credentials asked for without logins.
    return _guest(pool, identity)


def _identity_token(logins: Mapping[str, str], tokens: OpenIdTokens) -> str | None:
    """The identity's own OpenID token when Logins holds one; it stands alone."""
    found = [key for key in logins if is_identity_token_key(key, tokens)]
    if not found:
        return None
    if len(logins) > 1:
        raise InvalidParameterException(
            f"Logins of {IDENTITY_TOKEN_KEY} cannot be combined with other logins."
        )
    return logins[found[0]]


def _guest(pool: IdentityPoolRecord, identity: IdentityRecord) -> _Session:
    if identity.authenticated:
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    if not pool.allow_unauthenticated:
        raise NotAuthorizedException(GUESTS_OFF)
    return _Session(
        default_role(pool.roles, "unauthenticated"),
        ("unauthenticated",),
        {},
        session_policy=GUEST_SCOPE_DOWN_ID,
    )


def _principal_tags(pool: IdentityPoolRecord, login: Login) -> dict[str, str]:
    """The session tags of a login: its provider's principal tag map applied to the token's
    claims (none while no map was set); claims the token lacks give no tag."""
    return {
        key: value
        for key, claim in active_map(pool, login.provider).items()
        if (value := _claim_text(login.claims, claim)) is not None
    }


def _claim_text(claims: JsonObject, name: str) -> str | None:
    value = claims.get(name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float) and len(str(value)) <= _MAX_TAG_VALUE:
        return str(value)
    return None
