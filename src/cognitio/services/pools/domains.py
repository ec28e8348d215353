"""User pool domains: where a pool's hosted pages and OAuth endpoints answer.

From the CreateUserPoolDomain reference and the developer guide's "Configuring a user pool
domain": a pool has at most one prefix domain (``myapp``, served as ``myapp.`` followed by the
server's auth-domain suffix) and one custom domain (a full name with ``CustomDomainConfig``);
a name belongs to one pool; a prefix may not contain ``aws``, ``amazon`` or ``cognito``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cognitio.errors import InvalidParameterException, ResourceNotFoundException
from cognitio.services.common import ids
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.store.records import DomainRecord, UserPoolRecord
from cognitio.store.repositories import Store, Transaction

_RESERVED = ("aws", "amazon", "cognito")


def _check_name(domain: str, custom: bool) -> None:
    if custom and "." not in domain:
        raise InvalidParameterException(
            "A custom domain must be a fully qualified domain name, such as auth.example.com."
        )
    if not custom:
        if "." in domain:
            raise InvalidParameterException(
                "A prefix domain is the prefix alone; give CustomDomainConfig for a full name."
            )
        for word in _RESERVED:
            if word in domain:
                raise InvalidParameterException(f"Domain cannot contain reserved word: {word}")


@dataclass(frozen=True, slots=True)
class DomainSettings:
    """CreateUserPoolDomain's and UpdateUserPoolDomain's input. A certificate (CustomDomainConfig)
    makes a new domain a custom one; None leaves a setting as it is on update."""

    pool_id: str
    domain: str
    certificate_arn: str | None = None
    managed_login_version: int | None = None


def _version(version: int) -> int:
    if version not in (1, 2):
        raise InvalidParameterException("ManagedLoginVersion must be 1 or 2.")
    return version


async def _owned(tx: Transaction, pool: UserPoolRecord, domain: str) -> DomainRecord:
    record = await tx.oauth.domain(domain)
    if record is None or record.pool_id != pool.id:
        raise ResourceNotFoundException(f"The domain {domain} does not exist for this user pool.")
    return record


class Domains:
    """The user pool domain operations."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(self, caller: Caller, settings: DomainSettings) -> DomainRecord:
        """CreateUserPoolDomain."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id, for_update=True)
            custom = settings.certificate_arn is not None
            _check_name(settings.domain, custom)
            if any(existing.custom == custom for existing in await tx.oauth.domains_of(pool.id)):
                raise InvalidParameterException(
                    f"The user pool already has a {'custom' if custom else 'prefix'} domain."
                )
            version = settings.managed_login_version
            record = DomainRecord(
                domain=settings.domain,
                pool_id=pool.id,
                custom=custom,
                certificate_arn=settings.certificate_arn,
                managed_login_version=_version(1 if version is None else version),
                created_ms=ids.now_ms(),
            )
            if not await tx.oauth.insert_domain(record):
                raise InvalidParameterException("Domain already associated with another user pool.")
        return record

    async def describe(self, domain: str) -> DomainRecord | None:
        """DescribeUserPoolDomain: None for a name no pool has (Cognito answers an empty
        description)."""
        async with self._store.read() as tx:
            return await tx.oauth.domain(domain)

    async def update(self, caller: Caller, settings: DomainSettings) -> DomainRecord:
        """UpdateUserPoolDomain: the certificate of a custom domain, the managed-login version."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, settings.pool_id)
            record = await _owned(tx, pool, settings.domain)
            if settings.certificate_arn is not None and not record.custom:
                raise InvalidParameterException("Only a custom domain has a certificate.")
            version = settings.managed_login_version
            changed = replace(
                record,
                certificate_arn=record.certificate_arn
                if settings.certificate_arn is None
                else settings.certificate_arn,
                managed_login_version=_version(
                    record.managed_login_version if version is None else version
                ),
            )
            await tx.oauth.update_domain(changed)
        return changed

    async def delete(self, caller: Caller, pool_id: str, domain: str) -> None:
        """DeleteUserPoolDomain."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            await _owned(tx, pool, domain)
            await tx.oauth.delete_domain(domain)
