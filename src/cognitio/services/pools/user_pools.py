"""User pools: create, describe, update, delete, list, custom attributes, MFA settings, tags.

Behaviour follows the Amazon Cognito API reference for each operation; a pool lives in the
region its id names, and a caller signing for another region does not see it. The operations take
the commands below and return records; the pool's settings stay Cognito's UserPoolType document
(:mod:`~cognitio.services.pools.pool_settings` builds it), which api/ shows as it is.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from cognitio.documents import JsonArray, JsonObject, object_member, objects_member
from cognitio.errors import (
    ConcurrentModificationException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.pools.pool_settings import new_pool_settings, updated_pool_settings
from cognitio.services.pools.schema import add_custom, csv_header, custom_attribute
from cognitio.services.pools.settings import pool_settings
from cognitio.store.records import UserPoolRecord, UserPoolSummary
from cognitio.store.repositories import Store, Transaction

# Checks a pool's LambdaConfig (each function configured); the triggers service's ``check``.
LambdaConfigCheck = Callable[[JsonObject], None]

MAX_TAGS = 50
# Read-modify-write attempts before a concurrent writer wins outright.
_UPDATE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the region of the request and the account the server presents."""

    region: str
    account_id: str


@dataclass(frozen=True, slots=True)
class CreatePool:
    """CreateUserPool: the name, and the requested settings in UserPoolType's members."""

    name: str
    settings: JsonObject


@dataclass(frozen=True, slots=True)
class UpdatePool:
    """UpdateUserPool: what it names replaces the settings, the rest returns to defaults."""

    pool_id: str
    settings: JsonObject
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SetMfaConfig:
    """SetUserPoolMfaConfig; each factor's settings in Cognito's shape, None when left out."""

    pool_id: str
    mfa_configuration: str | None = None
    sms: JsonObject | None = None
    software_token: JsonObject | None = None
    email: JsonObject | None = None
    web_authn: JsonObject | None = None


@dataclass(frozen=True, slots=True)
class TagPool:
    """TagResource: tags to add to (or change on) the pool ``arn`` names."""

    arn: str
    tags: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class UntagPool:
    """UntagResource: tag keys to remove from the pool ``arn`` names."""

    arn: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PoolDescription:
    """What DescribeUserPool shows besides the settings: the user count and the domains."""

    pool: UserPoolRecord
    estimated_users: int
    domain: str | None = None
    custom_domain: str | None = None


@dataclass(frozen=True, slots=True)
class PoolPage:
    """A page of ListUserPools."""

    pools: Sequence[UserPoolSummary]
    next_token: str | None


def pool_arn(caller: Caller, pool_id: str) -> str:
    return f"arn:aws:cognito-idp:{caller.region}:{caller.account_id}:userpool/{pool_id}"


def pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool {pool_id} does not exist.")


def check_pool_region(caller: Caller, pool_id: str) -> None:
    """A pool id names its region (``us-east-1_...``); another region's caller never sees it."""
    if not pool_id.startswith(caller.region + "_"):
        raise pool_not_found(pool_id)


async def load_pool(
    tx: Transaction, caller: Caller, pool_id: str, *, for_update: bool = False
) -> UserPoolRecord:
    """The pool, or Cognito's ResourceNotFoundException."""
    check_pool_region(caller, pool_id)
    record = await tx.pools.get(pool_id, for_update=for_update)
    if record is None:
        raise pool_not_found(pool_id)
    return record


async def require_pool(tx: Transaction, caller: Caller, pool_id: str) -> None:
    """Raise the pool's ResourceNotFoundException if it does not exist (the slow path only)."""
    await load_pool(tx, caller, pool_id)


# EstimatedNumberOfUsers is an estimate in Cognito too; counting a large pool on every
# DescribeUserPool would cost more than the rest of the call, so each node keeps the count a while.
USER_COUNT_SECONDS = 30.0


class UserPools:
    """The user pool operations."""

    def __init__(self, store: Store, check_lambda_config: LambdaConfigCheck) -> None:
        self._store = store
        self._check_lambda_config = check_lambda_config
        self._user_counts: dict[str, tuple[float, int]] = {}

    async def _user_count(self, tx: Transaction, pool_id: str) -> int:
        now = time.monotonic()
        cached = self._user_counts.get(pool_id)
        if cached is not None and now - cached[0] < USER_COUNT_SECONDS:
            return cached[1]
        count = await tx.users.count(pool_id)
        if len(self._user_counts) > 10_000:
            self._user_counts.clear()
        self._user_counts[pool_id] = (now, count)
        return count

    async def create(self, caller: Caller, command: CreatePool) -> UserPoolRecord:
        settings = new_pool_settings(command.settings)
        _check_tags(object_member(settings, "UserPoolTags"))
        self._check_lambda_config(object_member(settings, "LambdaConfig"))
        now = ids.now_ms()
        async with self._store.write() as tx:
            while True:
                record = UserPoolRecord(
                    id=ids.user_pool_id(caller.region),
                    region=caller.region,
                    name=command.name,
                    config=settings,
                    created_ms=now,
                    updated_ms=now,
                    version=1,
                )
                if await tx.pools.insert(record):
                    break
        return record

    async def describe(self, caller: Caller, pool_id: str) -> PoolDescription:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
            users = await self._user_count(tx, pool_id)
            domains = {d.custom: d.domain for d in await tx.oauth.domains_of(pool_id)}
        return PoolDescription(record, users, domains.get(False), domains.get(True))

    async def update(self, caller: Caller, command: UpdatePool) -> None:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            settings = updated_pool_settings(record.config, command.settings)
            _check_tags(object_member(settings, "UserPoolTags"))
            self._check_lambda_config(object_member(settings, "LambdaConfig"))
            return replace(record, name=command.name or record.name, config=settings)

        await self._modify(caller, command.pool_id, change)

    async def delete(self, caller: Caller, pool_id: str) -> None:
        async with self._store.write() as tx:
            record = await load_pool(tx, caller, pool_id)
            if pool_settings(record).deletion_protection:
                raise InvalidParameterException(
                    "The user pool cannot be deleted because deletion protection is activated. "
                    "Deletion protection must be inactivated first."
                )
            await tx.pools.delete(pool_id)

    async def list_pools(
        self, caller: Caller, max_results: int, next_token: str | None
    ) -> PoolPage:
        after = pagination.decode(next_token)
        async with self._store.read() as tx:
            # One extra row tells whether another page exists.
            rows = await tx.pools.list(caller.region, after, max_results + 1)
        shown, token = pagination.page(rows, max_results)
        return PoolPage(shown, token)

    async def add_custom_attributes(
        self, caller: Caller, pool_id: str, attributes: Sequence[JsonObject]
    ) -> None:
        """AddCustomAttributes; each attribute in Cognito's SchemaAttributeType shape."""
        new = [custom_attribute(item) for item in attributes]

        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            schema: JsonArray = list(add_custom(objects_member(config, "SchemaAttributes"), new))
            config["SchemaAttributes"] = schema
            return replace(record, config=config)

        await self._modify(caller, pool_id, change)

    async def csv_header(self, caller: Caller, pool_id: str) -> list[str]:
        """GetCSVHeader: the columns of a user import file for the pool."""
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return csv_header(pool_settings(record).schema)

    async def get_mfa_config(self, caller: Caller, pool_id: str) -> UserPoolRecord:
        async with self._store.read() as tx:
            return await load_pool(tx, caller, pool_id)

    async def set_mfa_config(self, caller: Caller, command: SetMfaConfig) -> UserPoolRecord:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            return replace(record, config=apply_mfa_config(record.config, command))

        return await self._modify(caller, command.pool_id, change)

    async def list_tags(self, caller: Caller, arn: str) -> dict[str, str]:
        pool_id = self._pool_id_from_arn(caller, arn)
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return dict(pool_settings(record).tags)

    async def tag(self, caller: Caller, command: TagPool) -> None:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            merged: JsonObject = {**object_member(config, "UserPoolTags"), **command.tags}
            _check_tags(merged)
            config["UserPoolTags"] = merged
            return replace(record, config=config)

        await self._modify(caller, self._pool_id_from_arn(caller, command.arn), change)

    async def untag(self, caller: Caller, command: UntagPool) -> None:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            config["UserPoolTags"] = {
                k: v
                for k, v in object_member(config, "UserPoolTags").items()
                if k not in command.keys
            }
            return replace(record, config=config)

        await self._modify(caller, self._pool_id_from_arn(caller, command.arn), change)

    def _pool_id_from_arn(self, caller: Caller, arn: str) -> str:
        prefix = f"arn:aws:cognito-idp:{caller.region}:{caller.account_id}:userpool/"
        if not arn.startswith(prefix) or "/" in arn[len(prefix) :]:
            raise ResourceNotFoundException(f"Resource {arn} does not exist.")
        return arn[len(prefix) :]

    async def _modify(
        self, caller: Caller, pool_id: str, change: Callable[[UserPoolRecord], UserPoolRecord]
    ) -> UserPoolRecord:
        """Apply ``change`` to the stored pool, retrying when another writer got there first."""
        for _ in range(_UPDATE_ATTEMPTS):
            async with self._store.write() as tx:
                record = await load_pool(tx, caller, pool_id, for_update=True)
                updated = replace(
                    change(record), updated_ms=ids.now_ms(), version=record.version + 1
                )
                if await tx.pools.update(updated):
                    return updated
        raise ConcurrentModificationException(
            f"User pool {pool_id} is being modified by another request; try again."
        )


def apply_mfa_config(config: JsonObject, command: SetMfaConfig) -> JsonObject:
    """SetUserPoolMfaConfig: factor settings it leaves out are turned off; WebAuthn is kept."""
    config = copy.deepcopy(config)
    sms = command.sms
    config["SmsMfaEnabled"] = sms is not None
    if sms is not None:
        if "SmsAuthenticationMessage" in sms:
            config["SmsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
        if "SmsConfiguration" in sms:
            config["SmsConfiguration"] = copy.deepcopy(sms["SmsConfiguration"])
    for member, given in (
        ("SoftwareTokenMfaConfiguration", command.software_token),
        ("EmailMfaConfiguration", command.email),
    ):
        if given is not None:
            config[member] = copy.deepcopy(dict(given))
        else:
            config.pop(member, None)
    if command.web_authn is not None:
        webauthn = dict(command.web_authn)
        webauthn.setdefault("UserVerification", "preferred")
        config["WebAuthnConfiguration"] = webauthn
    mode = command.mfa_configuration or config.get("MfaConfiguration", "OFF")
    enabled = (
        sms is not None
        or object_member(config, "SoftwareTokenMfaConfiguration").get("Enabled", False)
        or "EmailMfaConfiguration" in config
    )
    if mode != "OFF" and not enabled:
        raise InvalidParameterException(
            "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
            "configuration."
        )
    if sms is not None and "SmsConfiguration" not in config:
        raise InvalidParameterException(
            "SmsMfaConfiguration needs an SmsConfiguration, in the request or on the user pool."
        )
    config["MfaConfiguration"] = mode
    return config


def _check_tags(tags: Mapping[str, object]) -> None:
    if len(tags) > MAX_TAGS:
        raise InvalidParameterException(f"A user pool can have at most {MAX_TAGS} tags.")
