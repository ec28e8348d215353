"""Identifiers in Cognito's formats, from a CSPRNG."""

from __future__ import annotations

import secrets
import string
import time
import uuid

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def user_pool_id(region: str) -> str:
    """``{region}_{9 base62}``, as Cognito names pools."""
    return f"{region}_{_random(_BASE62, 9)}"


def client_id() -> str:
    """26 lower-case letters and digits."""
    return _random(_LOWER_ALNUM, 26)


def client_secret() -> str:
    """52 lower-case letters and digits (about 268 bits), the length Cognito generates."""
    return _random(_LOWER_ALNUM, 52)


def device_key(region: str) -> str:
    """``{region}_{uuid}``, the form clients expect of a DeviceKey."""
    return f"{region}_{uuid.uuid4()}"


def device_group_key(seed: int) -> str:
    """A DeviceGroupKey from a (secret, per-user) number: ``-`` and 9 base62 characters."""
    digits = []
    for _ in range(9):
        seed, digit = divmod(seed, 62)
        digits.append(_BASE62[digit])
    return "-" + "".join(digits)


def now_ms() -> int:
    """Milliseconds since the epoch, UTC."""
    return time.time_ns() // 1_000_000
