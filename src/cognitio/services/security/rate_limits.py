"""Abuse limits: token buckets per client IP and per user, and caps on code messages.

Cognito has quotas (per account: UserAuthentication 120 requests per second, UserCreation 50,
...) and answers ``TooManyRequestsException`` past them; it caps code messages with
``LimitExceededException`` ("Attempt limit exceeded, please try after some time."). Cognitio
applies its own, per client and per user, configurable in :class:`~cognitio.config.Settings`.

Each bucket is one row of ``rate_limits`` run by GCRA (the generic cell rate algorithm, a token
bucket kept as one timestamp): a bucket with rate ``r`` and burst ``b`` admits a request while
its theoretical arrival time is at most ``(b - 1) / r`` ahead of now, and moves it ``1 / r``
on. Every check is a single ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`` over all
the buckets of a request, so it is atomic and shared by every node on PostgreSQL.

Which requests: the operations botocore marks unsigned, except those an access token
authenticates (GetUser, ChangePassword, ...: the token came from a sign-in that was limited,
and GetUser must stay free of any cost), and every POST to the hosted pages and OAuth
endpoints (per IP). The user of an unsigned call is the app client with the username it names,
counted per client IP: anyone may call on any username, and a bucket of the user alone would let
anyone lock that user out.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.loaders

from cognitio.config import Settings
from cognitio.errors import LimitExceededException, TooManyRequestsException
from cognitio.services.common import ids
from cognitio.store.repositories import Store, Transaction

Bucket = tuple[str, int, int]  # (name, interval ms, tolerance ms)
_DAY_MS = 86_400_000
_PRUNE_ODDS = 1000  # one check in this many also forgets buckets that are full again
_MAX_KEY = 200  # characters of a username or address kept in a bucket's name


def too_many_requests() -> TooManyRequestsException:
    return TooManyRequestsException("Too many requests")


def attempt_limit() -> LimitExceededException:
    return LimitExceededException("Attempt limit exceeded, please try after some time.")


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``per_second`` sustained, ``burst`` at once; off when per_second is 0."""

    per_second: float
    burst: int

    def bucket(self, name: str) -> Bucket | None:
        if self.per_second <= 0:
            return None
        interval = max(1, round(1000 / self.per_second))
        return (name, interval, (self.burst - 1) * interval)


@cache
def token_operations() -> frozenset[str]:
    """Unsigned cognito-idp operations whose input requires an access token."""
    model = botocore.loaders.Loader().load_service_model("cognito-idp", "service-2")
    shapes = model["shapes"]
    names = set()
    for name, spec in model["operations"].items():
        shape = shapes.get(spec.get("input", {}).get("shape", ""), {})
        if "AccessToken" in shape.get("required", ()):
            names.add(name)
    return frozenset(names)


def _named_user(operation: str, params: Mapping[str, Any]) -> str | None:
    """The username an unsigned call names, where it names one."""
    for container in ("AuthParameters", "ChallengeResponses"):
        inner = params.get(container)
        if isinstance(inner, Mapping) and isinstance(inner.get("USERNAME"), str):
            return str(inner["USERNAME"])
    username = params.get("Username")
    return username if isinstance(username, str) else None


class RateLimits:
    """The buckets of one deployment, from its settings."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._ip = Rate(settings.rate_limit_ip_per_second, settings.rate_limit_ip_burst)
        self._user = Rate(settings.rate_limit_user_per_second, settings.rate_limit_user_burst)
        interval = settings.code_message_interval_s
        self._cooldown = Rate(0 if interval <= 0 else 1 / interval, settings.code_message_burst)
        per_day = settings.code_messages_per_day
        self._daily = Rate(per_day * 1000 / _DAY_MS, per_day)
        self._proxies = tuple(ipaddress.ip_network(n) for n in settings.trusted_proxies)
        self._token_operations = token_operations()

    def client_ip(self, peer: str | None, forwarded_for: str | None) -> str:
        """The socket's peer; behind a trusted proxy, the nearest untrusted X-Forwarded-For."""
        if peer is None:
            return "unknown"
        if not forwarded_for or not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop[:64]
        return hops[0][:64] if hops else peer

    def _trusted(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._proxies)

    async def check_call(
        self, service: str, operation: str, params: Mapping[str, Any], ip: str
    ) -> None:
        """An unsigned operation: its client IP's bucket and its user's; TooManyRequests."""
        if service == "cognito-idp" and operation in self._token_operations:
            return
        buckets = [self._ip.bucket(f"ip:{ip}")]
        username = _named_user(operation, params)
        client_id = params.get("ClientId")
        if username is not None and isinstance(client_id, str):
            # Per user *from this IP*: a bucket of the user alone would be anyone's to drain,
            # locking the user out from everywhere (the lockout counts wrong passwords apart).
            name = username.lower()[:_MAX_KEY]
            buckets.append(self._user.bucket(f"user:{client_id}:{name}:{ip}"))
        if not await self._take(None, [b for b in buckets if b is not None]):
            raise too_many_requests()

    async def check_web(self, ip: str) -> bool:
        """A POST to the hosted pages or the OAuth endpoints: whether its IP has room."""
        bucket = self._ip.bucket(f"ip:{ip}")
        return bucket is None or await self._take(None, [bucket])

    async def check_message(
        self, tx: Transaction | None, sub: str, kind: str, pool_id: str, address: str
    ) -> None:
        """A code message about to be sent (in the caller's transaction, if any): the cooldown
        and the daily cap of its user and of its destination; LimitExceededException past them.

        ``kind`` is what the code is for (``signup``, ``reset``, ``mfa``, ``verify``), and each
        kind has buckets of its own, so that codes anyone can ask for (a password reset) never
        use up those of the user's own sign-in (an MFA code).
        """
        to = f"{pool_id}:{address.lower()[:_MAX_KEY]}"
        buckets = [
            self._cooldown.bucket(f"msg:{kind}:user:{sub}"),
            self._daily.bucket(f"day:{kind}:user:{sub}"),
            self._cooldown.bucket(f"msg:{kind}:to:{to}"),
            self._daily.bucket(f"day:{kind}:to:{to}"),
        ]
        if not await self._take(tx, [b for b in buckets if b is not None]):
            raise attempt_limit()

    async def _take(self, tx: Transaction | None, buckets: list[Bucket]) -> bool:
        if not buckets:
            return True
        now = ids.now_ms()
        if tx is not None:
            return await _take_in(tx, buckets, now)
        # One statement takes from every bucket at once (the prune is housekeeping).
        async with self._store.write_statement() as own:
            return await _take_in(own, buckets, now)


async def _take_in(tx: Transaction, buckets: list[Bucket], now: int) -> bool:
    admitted = await tx.limits.take(buckets, now)
    if random.randrange(_PRUNE_ODDS) == 0:  # housekeeping, not a secret
        await tx.limits.prune(now)
    return len(admitted) == len(buckets)
