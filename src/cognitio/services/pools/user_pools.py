"""User pools: create, describe, update, delete, list, custom attributes, MFA settings, tags.

Behaviour follows the Amazon Cognito API reference for each operation; a pool lives in the
region its id names, and a caller signing for another region does not see it.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cognitio.errors import (
    ConcurrentModificationException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.pools.domain_fields import pool_fields
from cognitio.services.pools.pool_settings import new_pool_settings, updated_pool_settings
from cognitio.services.pools.schema import add_custom, csv_header, custom_attribute
from cognitio.store.records import UserPoolRecord
from cognitio.store.repositories import Store, Transaction

# Checks a pool's LambdaConfig (each function configured); the triggers service's ``check``.
LambdaConfigCheck = Callable[[Mapping[str, Any]], None]

MAX_TAGS = 50
# Read-modify-write attempts before a concurrent writer wins outright.
_UPDATE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the region of the request and the account the server presents."""

    region: str
    account_id: str


def pool_arn(caller: Caller, pool_id: str) -> str:
    return f"arn:aws:cognito-idp:{caller.region}:{caller.account_id}:userpool/{pool_id}"


def _seconds(ms: int) -> float:
    return ms / 1000


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

    def describe_record(
        self, caller: Caller, record: UserPoolRecord, users: int = 0
    ) -> dict[str, Any]:
        """The UserPoolType document for a stored pool."""
        description = dict(record.config)
        description.update(
            Id=record.id,
            Name=record.name,
            Arn=pool_arn(caller, record.id),
            CreationDate=_seconds(record.created_ms),
            LastModifiedDate=_seconds(record.updated_ms),
            EstimatedNumberOfUsers=users,
        )
        return description

    async def create(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        settings = new_pool_settings(params)
        _check_tags(settings["UserPoolTags"])
        self._check_lambda_config(settings["LambdaConfig"])
        now = ids.now_ms()
        async with self._store.write() as tx:
            while True:
                record = UserPoolRecord(
                    id=ids.user_pool_id(caller.region),
                    region=caller.region,
                    name=params["PoolName"],
                    config=settings,
                    created_ms=now,
                    updated_ms=now,
                    version=1,
                )
                if await tx.pools.insert(record):
                    break
        return self.describe_record(caller, record)

    async def describe(self, caller: Caller, pool_id: str) -> dict[str, Any]:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
            users = await self._user_count(tx, pool_id)
            domain_fields = await pool_fields(tx, pool_id)
        return {**self.describe_record(caller, record, users), **domain_fields}

    async def update(self, caller: Caller, params: dict[str, Any]) -> None:
        pool_id = params["UserPoolId"]

        def change(record: UserPoolRecord) -> UserPoolRecord:
            settings = updated_pool_settings(record.config, params)
            _check_tags(settings["UserPoolTags"])
            self._check_lambda_config(settings["LambdaConfig"])
            return replace(record, name=params.get("PoolName", record.name), config=settings)

        await self._modify(caller, pool_id, change)

    async def delete(self, caller: Caller, pool_id: str) -> None:
        async with self._store.write() as tx:
            record = await load_pool(tx, caller, pool_id)
            if record.config.get("DeletionProtection") == "ACTIVE":
                raise InvalidParameterException(
                    "The user pool cannot be deleted because deletion protection is activated. "
                    "Deletion protection must be inactivated first."
                )
            await tx.pools.delete(pool_id)

    async def list_pools(
        self, caller: Caller, max_results: int, next_token: str | None
    ) -> dict[str, Any]:
        after = pagination.decode(next_token)
        async with self._store.read() as tx:
            # One extra row tells whether another page exists.
            rows = await tx.pools.list(caller.region, after, max_results + 1)
        shown, token = pagination.page(rows, max_results)
        result: dict[str, Any] = {
            "UserPools": [
                {
                    "Id": row.id,
                    "Name": row.name,
                    "LambdaConfig": row.lambda_config,
                    "CreationDate": _seconds(row.created_ms),
                    "LastModifiedDate": _seconds(row.updated_ms),
                }
                for row in shown
            ]
        }
        if token is not None:
            result["NextToken"] = token
        return result

    async def add_custom_attributes(
        self, caller: Caller, pool_id: str, attributes: list[dict[str, Any]]
    ) -> None:
        new = [custom_attribute(item) for item in attributes]

        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            config["SchemaAttributes"] = add_custom(config["SchemaAttributes"], new)
            return replace(record, config=config)

        await self._modify(caller, pool_id, change)

    async def csv_header(self, caller: Caller, pool_id: str) -> dict[str, Any]:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return {"UserPoolId": pool_id, "CSVHeader": csv_header(record.config["SchemaAttributes"])}

    async def get_mfa_config(self, caller: Caller, pool_id: str) -> dict[str, Any]:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return mfa_view(record.config)

    async def set_mfa_config(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            return replace(record, config=apply_mfa_config(record.config, params))

        record = await self._modify(caller, params["UserPoolId"], change)
        return mfa_view(record.config)

    async def list_tags(self, caller: Caller, arn: str) -> dict[str, str]:
        pool_id = self._pool_id_from_arn(caller, arn)
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return dict(record.config.get("UserPoolTags", {}))

    async def tag(self, caller: Caller, arn: str, tags: dict[str, str]) -> None:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            merged = {**config.get("UserPoolTags", {}), **tags}
            _check_tags(merged)
            config["UserPoolTags"] = merged
            return replace(record, config=config)

        await self._modify(caller, self._pool_id_from_arn(caller, arn), change)

    async def untag(self, caller: Caller, arn: str, keys: list[str]) -> None:
        def change(record: UserPoolRecord) -> UserPoolRecord:
            config = copy.deepcopy(record.config)
            config["UserPoolTags"] = {
                k: v for k, v in config.get("UserPoolTags", {}).items() if k not in keys
            }
            return replace(record, config=config)

        await self._modify(caller, self._pool_id_from_arn(caller, arn), change)

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


def mfa_view(config: dict[str, Any]) -> dict[str, Any]:
    """GetUserPoolMfaConfig's answer from the pool's settings."""
    view: dict[str, Any] = {"MfaConfiguration": config.get("MfaConfiguration", "OFF")}
    if config.get("SmsMfaEnabled"):
        sms: dict[str, Any] = {}
        if "SmsAuthenticationMessage" in config:
            sms["SmsAuthenticationMessage"] = config["SmsAuthenticationMessage"]
        if "SmsConfiguration" in config:
            sms["SmsConfiguration"] = config["SmsConfiguration"]
        view["SmsMfaConfiguration"] = sms
    if "SoftwareTokenMfaConfiguration" in config:
        view["SoftwareTokenMfaConfiguration"] = config["SoftwareTokenMfaConfiguration"]
    if "EmailMfaConfiguration" in config:
        view["EmailMfaConfiguration"] = config["EmailMfaConfiguration"]
    view["WebAuthnConfiguration"] = config.get(
        "WebAuthnConfiguration", {"UserVerification": "preferred"}
    )
    return view


def apply_mfa_config(config: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig: factor settings it leaves out are turned off; WebAuthn is kept."""
    config = copy.deepcopy(config)
    sms = params.get("SmsMfaConfiguration")
    config["SmsMfaEnabled"] = sms is not None
    if sms is not None:
        if "SmsAuthenticationMessage" in sms:
            config["SmsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
        if "SmsConfiguration" in sms:
            config["SmsConfiguration"] = sms["SmsConfiguration"]
    for member in ("SoftwareTokenMfaConfiguration", "EmailMfaConfiguration"):
        if member in params:
            config[member] = params[member]
        else:
            config.pop(member, None)
    if "WebAuthnConfiguration" in params:
        webauthn = dict(params["WebAuthnConfiguration"])
        webauthn.setdefault("UserVerification", "preferred")
        config["WebAuthnConfiguration"] = webauthn
    mode = params.get("MfaConfiguration", config.get("MfaConfiguration", "OFF"))
    enabled = (
        sms is not None
        or config.get("SoftwareTokenMfaConfiguration", {}).get("Enabled", False)
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


def _check_tags(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise InvalidParameterException(f"A user pool can have at most {MAX_TAGS} tags.")
