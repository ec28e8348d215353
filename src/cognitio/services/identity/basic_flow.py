"""GetOpenIdToken, the basic (classic) flow: an identity and its logins in, the identity
issuer's OpenID token out, which the app trades at STS (AssumeRoleWithWebIdentity).

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html and the
Developer Guide's "Identity pools authentication flow": the token lasts 10 minutes. A guest
identity needs no logins, but an unauthenticated token is not given for a signed-in or a
disabled identity; a signed-in identity must be shown one of its logins; new logins are linked
and logins of other identities merge them (``linking``), the owner's id being answered. The
flow is refused for a pool with role mappings, and for one whose AllowClassicFlow is false
(a pool that never set it allows the flow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.identity.get_id import GUESTS_OFF
from cognitio.services.identity.identities import DISABLED
from cognitio.services.identity.linking import LOGINS_DONT_MATCH, link_logins, retrying
from cognitio.services.identity.login_kinds import Login, LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import load_identity, load_pool
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Store, Transaction

WITH_ROLE_MAPPINGS = (
    "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
)
CLASSIC_FLOW_OFF = "Basic (classic) flow is not enabled, please use enhanced flow."


@dataclass(frozen=True, slots=True)
class IdentityToken:
    """What GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity answer."""

    identity_id: str
    token: str


def logins_amr(logins: Sequence[Login]) -> list[str]:
    """The amr entries of checked logins, each once, after ``authenticated``."""
    amr = ["authenticated"]
    for login in logins:
        amr += [entry for entry in login.amr[1:] if entry not in amr]
    return amr


def check_classic_flow(pool: IdentityPoolRecord) -> None:
    if pool.role_mappings:
        raise InvalidParameterException(WITH_ROLE_MAPPINGS)
    if pool.allow_classic_flow is False:
        raise InvalidParameterException(CLASSIC_FLOW_OFF)


class BasicFlow:
    """GetOpenIdToken."""

    def __init__(
        self,
        store: Store,
        tokens: Tokens,
        openid_tokens: OpenIdTokens,
        login_services: LoginServices,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._openid_tokens = openid_tokens
        self._login_services = login_services

    async def open_id_token(
        self, caller: Caller, identity_id: str, logins: Mapping[str, str]
    ) -> IdentityToken:
        async def work(tx: Transaction) -> tuple[IdentityRecord, list[str]]:
            identity = await load_identity(tx, caller, identity_id)
            if identity.disabled:
                raise NotAuthorizedException(DISABLED.format(identity.id))
            pool = await load_pool(tx, caller, identity.pool_id)
            check_classic_flow(pool)
            if not logins:
                if identity.authenticated:
                    raise NotAuthorizedException(LOGINS_DONT_MATCH)
                if not pool.allow_unauthenticated:
                    raise NotAuthorizedException(GUESTS_OFF)
                return identity, ["unauthenticated"]
            checked = await check_logins(
                LoginContext(tx, self._tokens, pool, self._login_services, basic_flow=True), logins
            )
            owner = await link_logins(tx, pool, checked, named=identity, must_know=True)
            return owner, logins_amr(checked)

        identity, amr = await retrying(self._store, work)
        token = await self._openid_tokens.mint(identity.id, identity.pool_id, amr)
        return IdentityToken(identity.id, token)
