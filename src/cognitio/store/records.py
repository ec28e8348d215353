"""Plain records the store hands to services; no ORM objects leave the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AccessKeyRecord:
    access_key_id: str
    secret_sealed: bytes
    description: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class UserPoolRecord:
    id: str
    region: str
    name: str
    # The pool's settings in Cognito's own UserPoolType shape, minus what is derived
    # (Id, Name, Arn, dates, EstimatedNumberOfUsers).
    config: dict[str, Any]
    created_ms: int
    updated_ms: int
    version: int


@dataclass(frozen=True, slots=True)
class UserPoolSummary:
    """What ListUserPools shows of a pool."""

    id: str
    name: str
    lambda_config: dict[str, Any]
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class ClientRecord:
    id: str
    pool_id: str
    name: str
    # Settings in UserPoolClientType's shape, minus ids, name, dates and the secret.
    config: dict[str, Any]
    secret_sealed: bytes | None
    created_ms: int
    updated_ms: int
    version: int
