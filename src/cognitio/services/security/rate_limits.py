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

import hashlib
import ipaddress
import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import botocore.loaders

from cognitio.client_address import client_address
from cognitio.config import Settings
from cognitio.errors import LimitExceededException, TooManyRequestsException
from cognitio.services.common import ids
from cognitio.store.repositories import Store, Transaction

Bucket = tuple[str, int, int]  # (name, interval ms, tolerance ms)
_DAY_MS = 86_400_000
_PRUNE_ODDS = 1000  # one check in this many also forgets buckets that are full again


# Kinds of code messages (what the code is for). A sign-in's MFA code follows a right password;
# the others anyone may ask for, naming any user.
MFA_KIND = "mfa"
ANONYMOUS_KINDS = frozenset({"signup", "reset", "otp"})


def _short(text: str) -> str:
    """``text`` as part of a bucket's name: itself when short, else a digest of it."""
    if len(text) <= 64:
        return text
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


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


def _named_user(operation: str, params: Mapping[str, object]) -> str | None:
    """The username an unsigned call names, where it names one."""
    for container in ("AuthParameters", "ChallengeResponses"):
        inner = params.get(container)
        if isinstance(inner, Mapping) and isinstance(inner.get("USERNAME"), str):
            return str(inner["USERNAME"])
    username = params.get("Username")
    return username if isinstance(username, str) else None


def _without_port(hop: str) -> str:
    """``203.0.113.9:5555`` and ``[2001:db8::1]:443`` without the port; others as they are."""
    if hop.startswith("["):
        return hop[1:].partition("]")[0]
    host, colon, port = hop.rpartition(":")
    return host if colon and host.count(":") == 0 and port.isdigit() else hop


def address_key(address: str) -> str:
    """What counts as one client: an IPv4 address, an IPv6 /64, or the text (64 characters)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class LocalBuckets:
    """In-process GCRA buckets in front of the shared ones: a client past its burst is refused
    here without a database write (a flood costs the database nothing); what passes is then
    counted in the database, the limit every node shares."""

    _MAX_KEYS = 100_000  # past this, full buckets are forgotten (a missing key is a full one)

    def __init__(self, rate: Rate) -> None:
        self._rate = rate
        self._tat: dict[str, int] = {}

    def admit(self, key: str, now_ms: int) -> bool:
        bucket = self._rate.bucket(key)
        if bucket is None:
            return True
        _, interval, tolerance = bucket
        tat = max(self._tat.get(key, now_ms), now_ms)
        if tat - now_ms > tolerance:
            return False
        if len(self._tat) >= self._MAX_KEYS and key not in self._tat:
            self._tat = {k: v for k, v in self._tat.items() if v > now_ms}
            if len(self._tat) >= self._MAX_KEYS:
                self._tat.clear()
        self._tat[key] = tat + interval
        return True


class RateLimits:
    """The buckets of one deployment, from its settings."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._ip = Rate(settings.rate_limit_ip_per_second, settings.rate_limit_ip_burst)
        self._local_ip = LocalBuckets(self._ip)
        self._user = Rate(settings.rate_limit_user_per_second, settings.rate_limit_user_burst)
        interval = settings.code_message_interval_s
        self._cooldown = Rate(0 if interval <= 0 else 1 / interval, settings.code_message_burst)
        per_day = settings.code_messages_per_day
        self._daily = Rate(per_day * 1000 / _DAY_MS, per_day)
        total = settings.code_messages_per_destination_per_day
        self._destination_daily = Rate(total * 1000 / _DAY_MS, total)
        self._proxies = tuple(ipaddress.ip_network(n) for n in settings.trusted_proxies)
        self._token_operations = token_operations()

    def client_ip(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client's address, as buckets count it: the socket's peer, or behind a trusted
        proxy the nearest X-Forwarded-For hop that is not one. An IPv6 client is its /64 (one
        host holds that many addresses), and a hop's ``:port`` is not part of its address."""
        if peer is None:
            return "unknown"
        if not forwarded_for or not self._trusted(peer):
            return address_key(peer)
        hops = [_without_port(hop.strip()) for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return address_key(hop)
        return address_key(hops[0]) if hops else address_key(peer)

    def _trusted(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._proxies)

    async def check_call(
        self, service: str, operation: str, params: Mapping[str, object], ip: str
    ) -> None:
        """An unsigned operation: its client IP's bucket and its user's; TooManyRequests."""
        if service == "cognito-idp" and operation in self._token_operations:
            return
        if not self._local_ip.admit(ip, ids.now_ms()):
            raise too_many_requests()
        buckets = [self._ip.bucket(f"ip:{ip}")]
        username = _named_user(operation, params)
        client_id = params.get("ClientId")
        if username is not None and isinstance(client_id, str):
            # Per user *from this IP*: a bucket of the user alone would be anyone's to drain,
            # locking the user out from everywhere (the lockout counts wrong passwords apart).
            name = _short(username.lower())
            buckets.append(self._user.bucket(f"user:{client_id}:{name}:{ip}"))
        if not await self._take(None, [b for b in buckets if b is not None]):
            raise too_many_requests()

    async def check_web(self, ip: str) -> bool:
        """A POST to the hosted pages or the OAuth endpoints: whether its IP has room."""
        if not self._local_ip.admit(ip, ids.now_ms()):
            return False
        bucket = self._ip.bucket(f"ip:{ip}")
        return bucket is None or await self._take(None, [bucket])

    async def check_message(
        self,
        tx: Transaction | None,
        sub: str,
        kind: str,
        pool_id: str,
        address: str,
        *,
        decoy: bool = False,
    ) -> bool:
        """A code message about to be sent (in the caller's transaction, if any): the cooldown
        and the daily cap of its user and of its destination, LimitExceededException past them;
        False when the message is to be withheld (see below), True when it may go.

        ``kind`` is what the code is for, and each kind has buckets of its own, so codes of one
        kind never use up another's. Codes anyone may ask for (:data:`ANONYMOUS_KINDS`: sign-up,
        password reset, a passwordless sign-in code) are counted per user *and client address*,
        so a stranger elsewhere cannot use up the user's own. They also share one daily total
        per destination, so no address can be flooded from many; past it the answer stays the
        same and the message is withheld, since a refusal there would be a stranger's to cause
        (and would tell a user's recent messages apart from none). A ``decoy`` (a made-up answer
        for an unknown user) is counted alike in buckets of its own: its made-up address may be
        a real one, whose buckets it must not touch.
        """
        to = f"{'decoy:' if decoy else ''}{pool_id}:{_short(address.lower())}"
        who, where = sub, to
        if kind in ANONYMOUS_KINDS:
            origin = client_address.get() or "unknown"
            who, where = f"{sub}@{origin}", f"{to}@{origin}"
        buckets = [
            self._cooldown.bucket(f"msg:{kind}:user:{who}"),
            self._daily.bucket(f"day:{kind}:user:{who}"),
            self._cooldown.bucket(f"msg:{kind}:to:{where}"),
            self._daily.bucket(f"day:{kind}:to:{where}"),
        ]
        personal = [b for b in buckets if b is not None]
        total = self._destination_daily.bucket(f"day:all:to:{to}")
        if kind not in ANONYMOUS_KINDS or total is None:
            if not await self._take(tx, personal):
                raise attempt_limit()
            return True
        admitted = await self._admitted(tx, [*personal, total])
        if any(name not in admitted for name, _, _ in personal):
            raise attempt_limit()
        return total[0] in admitted

    async def _take(self, tx: Transaction | None, buckets: list[Bucket]) -> bool:
        return len(await self._admitted(tx, buckets)) == len(buckets)

    async def _admitted(self, tx: Transaction | None, buckets: list[Bucket]) -> set[str]:
        """The names of the buckets that had room (and gave a token)."""
        if not buckets:
            return set()
        now = ids.now_ms()
        if tx is not None:
            return await _take_in(tx, buckets, now)
        # One statement takes from every bucket at once (the prune is housekeeping).
        async with self._store.write_statement() as own:
            return await _take_in(own, buckets, now)


async def _take_in(tx: Transaction, buckets: list[Bucket], now: int) -> set[str]:
    admitted = await tx.limits.take(buckets, now)
    if random.randrange(_PRUNE_ODDS) == 0:  # housekeeping, not a secret
        await tx.limits.prune(now)
    return admitted
