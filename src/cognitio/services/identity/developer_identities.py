"""Developer-authenticated identities: GetOpenIdTokenForDeveloperIdentity,
LookupDeveloperIdentity, MergeDeveloperIdentities and UnlinkDeveloperIdentity.

https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html
and the API reference of each operation. The developer's backend, signing with its access key,
vouches for its user: Logins maps the pool's DeveloperProviderName to the developer user
identifier (other, public, logins may come along to be linked). Without IdentityId the
identity of that identifier is answered, or a new one; with IdentityId the identifier is linked
to it, and an identifier already on another identity is DeveloperUserAlreadyRegisteredException.
The token lasts TokenDuration seconds (15 minutes by default, 24 hours at most: the model
bounds it) and carries PrincipalTags as the session tags of the credentials it is traded for.
An identity may hold several developer user identifiers after MergeDeveloperIdentities; an
unlinked identifier makes a new identity the next time it is seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cognitio.errors import (
    DeveloperUserAlreadyRegisteredException,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from cognitio.services.common import pagination
from cognitio.services.identity.basic_flow import IdentityToken, logins_amr
from cognitio.services.identity.developer_logins import developer_amr
from cognitio.services.identity.identities import DISABLED
from cognitio.services.identity.linking import (
    DeveloperUser,
    link_logins,
    merge_identities,
    retrying,
)
from cognitio.services.identity.login_kinds import LoginContext, LoginServices
from cognitio.services.identity.logins import check_logins
from cognitio.services.identity.lookup import identity_not_found, load_pool
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Store, Transaction

DEFAULT_TOKEN_SECONDS = 900  # 15 minutes, when TokenDuration is left out
MAX_MERGED_LOGINS = 20  # logins and developer users of the two identities together
_ALREADY_REGISTERED = "The developer user identifier is already registered to another identity."
_NO_DEVELOPER_PROVIDER = "The identity pool has no developer provider."
_PROVIDER_MISMATCH = "The developer provider name is not the identity pool's."
_DEVELOPER_LOGIN_MISSING = "Logins must name the identity pool's developer provider {}."
_NEITHER = "Either IdentityId or DeveloperUserIdentifier must be given."
_DISAGREE = "The DeveloperUserIdentifier is not linked to the IdentityId."
_USER_NOT_FOUND = "DeveloperUserIdentifier '{}' not found."
_TOO_MANY = f"The merged identity would hold more than {MAX_MERGED_LOGINS} linked logins."


@dataclass(frozen=True, slots=True)
class DeveloperLookup:
    """What LookupDeveloperIdentity answers."""

    identity_id: str
    user_identifiers: list[str]
    next_token: str | None


class DeveloperIdentities:
    """The four developer identity operations."""

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
        self,
        caller: Caller,
        pool_id: str,
        identity_id: str | None,
        logins: Mapping[str, str],
        principal_tags: Mapping[str, str] | None,
        token_duration: int | None,
    ) -> IdentityToken:
        """GetOpenIdTokenForDeveloperIdentity."""

        async def work(tx: Transaction) -> tuple[IdentityRecord, list[str]]:
            pool = await load_pool(tx, caller, pool_id)
            provider = _developer_provider(pool)
            if provider not in logins:
                raise InvalidParameterException(_DEVELOPER_LOGIN_MISSING.format(provider))
            user = logins[provider]
            public = {key: token for key, token in logins.items() if key != provider}
            checked = (
                await check_logins(
                    LoginContext(tx, self._tokens, pool, self._login_services, basic_flow=True),
                    public,
                )
                if public
                else []
            )
            named = None
            if identity_id is not None:
                named = await _identity_of_pool(tx, pool, identity_id)
                owner = await tx.pool_identities.developer_owner(pool.id, user)
                if owner is not None and owner != named.id:
                    raise DeveloperUserAlreadyRegisteredException(_ALREADY_REGISTERED)
            developer = DeveloperUser(provider, user)
            identity = await link_logins(tx, pool, checked, named=named, developer=developer)
            amr = [*logins_amr(checked), *developer_amr(provider, pool.id, user)]
            return identity, amr

        identity, amr = await retrying(self._store, work)
        seconds = DEFAULT_TOKEN_SECONDS if token_duration is None else token_duration
        token = await self._openid_tokens.mint(
            identity.id, identity.pool_id, amr, seconds=seconds, principal_tags=principal_tags
        )
        return IdentityToken(identity.id, token)

    async def lookup(
        self,
        caller: Caller,
        pool_id: str,
        identity_id: str | None,
        user_identifier: str | None,
        max_results: int | None,
        next_token: str | None,
    ) -> DeveloperLookup:
        """LookupDeveloperIdentity: one of the two given finds the other; both must agree."""
        if identity_id is None and user_identifier is None:
            raise InvalidParameterException(_NEITHER)
        after = pagination.decode(next_token)
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if user_identifier is not None:
                owner = await tx.pool_identities.developer_owner(pool.id, user_identifier)
                if owner is None:
                    raise ResourceNotFoundException(_USER_NOT_FOUND.format(user_identifier[:128]))
                if identity_id is not None and identity_id != owner:
                    raise ResourceConflictException(_DISAGREE)
                return DeveloperLookup(owner, [user_identifier], None)
            assert identity_id is not None
            identity = await _identity_of_pool(tx, pool, identity_id, disabled_too=True)
            limit = max_results or 60
            found = await tx.pool_identities.developer_users(
                identity.id, None if after is None else after[1], limit + 1
            )
        shown = [record.user_identifier for record in found[:limit]]
        token = pagination.encode((0, shown[-1])) if len(found) > limit else None
        return DeveloperLookup(identity.id, shown, token)

    async def merge(
        self, caller: Caller, pool_id: str, provider: str, source: str, destination: str
    ) -> str:
        """MergeDeveloperIdentities: the source user's identity joins the destination's."""

        async def work(tx: Transaction) -> str:
            pool = await load_pool(tx, caller, pool_id)
            if provider != _developer_provider(pool):
                raise InvalidParameterException(_PROVIDER_MISMATCH)
            source_identity = await _developer_identity(tx, pool, source)
            target = await _developer_identity(tx, pool, destination)
            if source_identity.id == target.id:
                return target.id
            held = (
                len(source_identity.logins)
                + len(source_identity.developer_users)
                + len(target.logins)
                + len(target.developer_users)
            )
            if held > MAX_MERGED_LOGINS:
                raise ResourceConflictException(_TOO_MANY)
            await merge_identities(tx, pool, source_identity, target)
            return target.id

        return await retrying(self._store, work)

    async def unlink(
        self, caller: Caller, pool_id: str, identity_id: str, provider: str, user_identifier: str
    ) -> None:
        """UnlinkDeveloperIdentity."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if provider != _developer_provider(pool):
                raise InvalidParameterException(_PROVIDER_MISMATCH)
            identity = await _identity_of_pool(tx, pool, identity_id)
            owner = await tx.pool_identities.developer_owner(pool.id, user_identifier)
            if owner is None:
                raise ResourceNotFoundException(_USER_NOT_FOUND.format(user_identifier[:128]))
            if owner != identity.id:
                raise ResourceConflictException(_DISAGREE)
            await tx.pool_identities.remove_developer_user(pool.id, user_identifier, identity.id)


def _developer_provider(pool: IdentityPoolRecord) -> str:
    if pool.developer_provider_name is None:
        raise InvalidParameterException(_NO_DEVELOPER_PROVIDER)
    return pool.developer_provider_name


async def _identity_of_pool(
    tx: Transaction, pool: IdentityPoolRecord, identity_id: str, *, disabled_too: bool = False
) -> IdentityRecord:
    """An identity of ``pool`` that a merge has not disabled (unless ``disabled_too``, for a
    lookup); another pool's is not found."""
    identity = await tx.pool_identities.get(identity_id)
    if identity is None or identity.pool_id != pool.id:
        raise identity_not_found(identity_id)
    if identity.disabled and not disabled_too:
        raise NotAuthorizedException(DISABLED.format(identity.id))
    return identity


async def _developer_identity(
    tx: Transaction, pool: IdentityPoolRecord, user_identifier: str
) -> IdentityRecord:
    owner = await tx.pool_identities.developer_owner(pool.id, user_identifier)
    identity = None if owner is None else await tx.pool_identities.get(owner)
    if identity is None:
        raise ResourceNotFoundException(_USER_NOT_FOUND.format(user_identifier[:128]))
    return identity
