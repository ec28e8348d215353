"""UnlinkIdentity: an app removes logins from its own identity.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_UnlinkIdentity.html: a
public operation; the caller proves itself with Logins, which must include a login of that
identity (and none of another's), and names in LoginsToRemove the providers to unlink.
Unlinked logins make new identities the next time they are seen; removing the last login
leaves the identity unreachable, as AWS says. Developer users are unlinked with the signed
UnlinkDeveloperIdentity instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.identity.identities import DISABLED
from cognitio.services.identity.linking import LOGINS_DONT_MATCH
from cognitio.services.identity.login_kinds import LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import load_identity, load_pool
from cognitio.services.identity.user_pool_logins import provider_name, user_pool_of
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.repositories import Store

_DEVELOPER = "Developer users are unlinked with UnlinkDeveloperIdentity."


class Unlinking:
    """UnlinkIdentity."""

    def __init__(self, store: Store, tokens: Tokens, login_services: LoginServices) -> None:
        self._store = store
        self._tokens = tokens
        self._login_services = login_services

    async def unlink(
        self,
        caller: Caller,
        identity_id: str,
        logins: Mapping[str, str],
        to_remove: Sequence[str],
    ) -> None:
        async with self._store.write() as tx:
            identity = await load_identity(tx, caller, identity_id)
            if identity.disabled:
                raise NotAuthorizedException(DISABLED.format(identity.id))
            pool = await load_pool(tx, caller, identity.pool_id)
            if pool.developer_provider_name is not None and (
                pool.developer_provider_name in to_remove
            ):
                raise InvalidParameterException(_DEVELOPER)
            checked = (
                await check_logins(
                    LoginContext(tx, self._tokens, pool, self._login_services), logins
                )
                if logins
                else []
            )
            if not checked or any(
                identity.logins.get(login.provider) != login.subject for login in checked
            ):
                raise NotAuthorizedException(LOGINS_DONT_MATCH)
            for name in to_remove:
                user_pool = user_pool_of(name, self._tokens)
                provider = provider_name(user_pool) if user_pool is not None else name
                await tx.pool_identities.remove_login(identity.id, provider)
