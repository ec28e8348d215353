"""GetId: the identity of a sign-in, or a new guest identity.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html: without Logins,
a new unauthenticated identity each call, only when the pool allows guests; with Logins, each
token is checked and the identity linked to those logins is returned, or a new one is made and
the logins linked to it. Logins of different identities merge them (``linking``). Which
identity owns a subject is decided by the database (one identity per provider subject), so two
first sign-ins racing end on the same identity.
"""

from __future__ import annotations

from collections.abc import Mapping

from cognitio.errors import NotAuthorizedException
from cognitio.services.identity.linking import insert_identity, link_logins, retrying
from cognitio.services.identity.login_kinds import LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import load_pool
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.repositories import Store, Transaction

GUESTS_OFF = "Unauthenticated access is not supported for this identity pool."


class IdentityIds:
    """GetId."""

    def __init__(self, store: Store, tokens: Tokens, login_services: LoginServices) -> None:
        self._store = store
        self._tokens = tokens
        self._login_services = login_services

    async def get_id(self, caller: Caller, pool_id: str, logins: Mapping[str, str]) -> str:
        async def work(tx: Transaction) -> str:
            pool = await load_pool(tx, caller, pool_id)
            if not logins:
                if not pool.allow_unauthenticated:
                    raise NotAuthorizedException(GUESTS_OFF)
                return (await insert_identity(tx, pool)).id
            context = LoginContext(tx, self._tokens, pool, self._login_services)
            checked = await check_logins(context, logins)
            return (await link_logins(tx, pool, checked)).id

        return await retrying(self._store, work)
