"""The identities of a pool as an administrator sees them: DescribeIdentity, ListIdentities,
DeleteIdentities.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_ListIdentities.html: an
identity's Logins are the names of its providers, never a token; HideDisabled leaves out the
identities a merge disabled. DeleteIdentities takes 1 to 60 ids and reports each it could not
delete; an id of another region is refused with AccessDenied, one that does not exist is gone
already. A deleted identity's credentials are revoked (``services.sts.revocations``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cognitio.services.common import pagination
from cognitio.services.identity.lookup import in_region, load_identity, load_pool
from cognitio.services.pools.user_pools import Caller
from cognitio.services.sts.revocations import RevocationKind, now_ms, revoke_in
from cognitio.store.records import IdentityRecord
from cognitio.store.repositories import Store

# What the public operations answer (NotAuthorizedException) for an identity a merge disabled,
# as AWS does (amplify-js#6616).
DISABLED = "Access to identity '{}' is forbidden."


@dataclass(frozen=True, slots=True)
class IdentityPage:
    """A page of ListIdentities."""

    pool_id: str
    identities: Sequence[IdentityRecord]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class Unprocessed:
    """An identity DeleteIdentities did not delete, and AWS's code for why."""

    identity_id: str
    reason: str  # the ErrorCode: AccessDenied | InternalServerError


class Identities:
    """The identity operations for administrators."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def describe(self, caller: Caller, identity_id: str) -> IdentityRecord:
        async with self._store.read() as tx:
            return await load_identity(tx, caller, identity_id)

    async def list_identities(
        self,
        caller: Caller,
        pool_id: str,
        max_results: int,
        next_token: str | None,
        *,
        hide_disabled: bool = False,
    ) -> IdentityPage:
        after = pagination.decode(next_token)
        async with self._store.read() as tx:
            await load_pool(tx, caller, pool_id)
            rows = await tx.pool_identities.list(
                pool_id, after, max_results + 1, hide_disabled=hide_disabled
            )
        shown, token = pagination.page(rows, max_results)
        return IdentityPage(pool_id, shown, token)

    async def delete(self, caller: Caller, identity_ids: Sequence[str]) -> list[Unprocessed]:
        unprocessed = [
            Unprocessed(i, "AccessDenied") for i in identity_ids if not in_region(caller, i)
        ]
        async with self._store.write() as tx:
            for identity_id in dict.fromkeys(identity_ids):
                if in_region(caller, identity_id) and await tx.pool_identities.delete(identity_id):
                    # The identity's credentials in flight stop with it; the instant is taken
                    # once the row is ours, after any GetCredentialsForIdentity holding it.
                    await revoke_in(tx, RevocationKind.IDENTITY, identity_id, now_ms())
        return unprocessed
