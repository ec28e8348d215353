"""Finding an identity pool or an identity the way cognito-identity answers for a missing one.

Identity pool ids and identity ids both name their region (``us-east-1:<uuid>``); a caller
signing for another region does not see them, as in AWS.
"""

from __future__ import annotations

from cognitio.errors import ResourceNotFoundException
from cognitio.services.pools.user_pools import Caller
from cognitio.store.records import IdentityPoolRecord, IdentityRecord
from cognitio.store.repositories import Transaction


def pool_arn(caller: Caller, pool_id: str) -> str:
    """``arn:aws:cognito-identity:{region}:{account}:identitypool/{id}``."""
    return f"arn:aws:cognito-identity:{caller.region}:{caller.account_id}:identitypool/{pool_id}"


def in_region(caller: Caller, some_id: str) -> bool:
    return some_id.startswith(caller.region + ":")


def pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")


def identity_not_found(identity_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Identity '{identity_id}' not found.")


async def load_pool(
    tx: Transaction, caller: Caller, pool_id: str, *, for_update: bool = False
) -> IdentityPoolRecord:
    """The identity pool, or ResourceNotFoundException."""
    record = None
    if in_region(caller, pool_id):
        record = await tx.identity_pools.get(pool_id, for_update=for_update)
    if record is None:
        raise pool_not_found(pool_id)
    return record


async def load_identity(
    tx: Transaction, caller: Caller, identity_id: str, *, for_update: bool = False
) -> IdentityRecord:
    """The identity with its logins, or ResourceNotFoundException."""
    record = None
    if in_region(caller, identity_id):
        record = await tx.pool_identities.get(identity_id, for_update=for_update)
    if record is None:
        raise identity_not_found(identity_id)
    return record
