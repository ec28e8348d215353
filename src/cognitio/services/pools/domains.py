"""User pool domains: where a pool's hosted pages and OAuth endpoints answer.

From the CreateUserPoolDomain reference and the developer guide's "Configuring a user pool
domain": a pool has at most one prefix domain (``myapp``, served as ``myapp.`` followed by the
server's auth-domain suffix) and one custom domain (a full name with ``CustomDomainConfig``);
a name belongs to one pool; a prefix may not contain ``aws``, ``amazon`` or ``cognito``.
"""

from __future__ import annotations

from typing import Any

from cognitio.errors import InvalidParameterException, ResourceNotFoundException
from cognitio.services.common import ids
from cognitio.store.records import DomainRecord, UserPoolRecord
from cognitio.store.repositories import Transaction

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


async def create(tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]) -> dict[str, Any]:
    """CreateUserPoolDomain."""
    domain = params["Domain"]
    config = params.get("CustomDomainConfig")
    custom = config is not None
    _check_name(domain, custom)
    if any(existing.custom == custom for existing in await tx.oauth.domains_of(pool.id)):
        raise InvalidParameterException(
            f"The user pool already has a {'custom' if custom else 'prefix'} domain."
        )
    version = int(params.get("ManagedLoginVersion", 1))
    if version not in (1, 2):
        raise InvalidParameterException("ManagedLoginVersion must be 1 or 2.")
    record = DomainRecord(
        domain=domain,
        pool_id=pool.id,
        custom=custom,
        certificate_arn=None if config is None else config["CertificateArn"],
        managed_login_version=version,
        created_ms=ids.now_ms(),
    )
    if not await tx.oauth.insert_domain(record):
        raise InvalidParameterException("Domain already associated with another user pool.")
    return _answer(record)


def _answer(record: DomainRecord) -> dict[str, Any]:
    answer: dict[str, Any] = {"ManagedLoginVersion": record.managed_login_version}
    if record.custom:
        answer["CloudFrontDomain"] = record.domain  # served here, not by a CDN
    return answer


async def describe(tx: Transaction, domain: str, account_id: str) -> dict[str, Any]:
    """DescribeUserPoolDomain: an empty description for a name no pool has, as Cognito does."""
    record = await tx.oauth.domain(domain)
    if record is None:
        return {"DomainDescription": {}}
    description: dict[str, Any] = {
        "UserPoolId": record.pool_id,
        "AWSAccountId": account_id,
        "Domain": record.domain,
        "CloudFrontDistribution": record.domain,
        "Version": str(record.created_ms),
        "Status": "ACTIVE",
        "ManagedLoginVersion": record.managed_login_version,
    }
    if record.certificate_arn is not None:
        description["CustomDomainConfig"] = {"CertificateArn": record.certificate_arn}
    return {"DomainDescription": description}


async def _owned(tx: Transaction, pool: UserPoolRecord, domain: str) -> DomainRecord:
    record = await tx.oauth.domain(domain)
    if record is None or record.pool_id != pool.id:
        raise ResourceNotFoundException(f"The domain {domain} does not exist for this user pool.")
    return record


async def update(tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]) -> dict[str, Any]:
    """UpdateUserPoolDomain: the certificate of a custom domain, the managed-login version."""
    record = await _owned(tx, pool, params["Domain"])
    config = params.get("CustomDomainConfig")
    if config is not None and not record.custom:
        raise InvalidParameterException("Only a custom domain has a certificate.")
    version = int(params.get("ManagedLoginVersion", record.managed_login_version))
    if version not in (1, 2):
        raise InvalidParameterException("ManagedLoginVersion must be 1 or 2.")
    changed = DomainRecord(
        domain=record.domain,
        pool_id=record.pool_id,
        custom=record.custom,
        certificate_arn=record.certificate_arn if config is None else config["CertificateArn"],
        managed_login_version=version,
        created_ms=record.created_ms,
    )
    await tx.oauth.update_domain(changed)
    return _answer(changed)


async def delete(tx: Transaction, pool: UserPoolRecord, domain: str) -> None:
    await _owned(tx, pool, domain)
    await tx.oauth.delete_domain(domain)
