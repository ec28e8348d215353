"""Identity providers' signing keys (JWK Sets, RFC 7517), cached by ``jwks_uri``.

A key is looked up by the ``kid`` a token names. An unknown ``kid`` usually means the IdP rotated
its keys, so the set is fetched again, but at most once per ``jwks_refetch_interval_seconds``
per URI: a flood of tokens naming made-up kids costs the IdP one request per interval. Only
asymmetric public keys are kept (a symmetric "oct" key in a JWKS is dropped), so no token can
be checked with an HMAC over a public key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey

from cognitio.documents import JsonObject
from cognitio.services.federation.upstream import IdentityProviderError, Upstream

PublicKey = RSAKey | ECKey | OKPKey

# Which key type verifies which algorithm family.
KEY_TYPES: dict[str, type[PublicKey]] = {
    "RS": RSAKey,
    "PS": RSAKey,
    "ES": ECKey,
    "Ed": OKPKey,
}
_IMPORTERS: dict[str, type[PublicKey]] = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}


@dataclass(frozen=True)
class KeySet:
    """The usable public keys of one JWKS."""

    keys: tuple[PublicKey, ...]

    def find(self, kid: str | None, alg: str) -> PublicKey | None:
        """The key named ``kid`` (without a kid: the only key of the algorithm's type)."""
        wanted = KEY_TYPES.get(alg[:2])
        if wanted is None:
            return None
        fitting = [key for key in self.keys if isinstance(key, wanted)]
        if kid is None:
            return fitting[0] if len(fitting) == 1 else None
        return next((key for key in fitting if key.kid == kid), None)


def read_key_set(document: JsonObject) -> KeySet:
    """The public signing keys of a JWKS document; unusable entries are skipped."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise IdentityProviderError(
            "The identity provider's keys could not be read.", "jwks: no keys array"
        )
    keys: list[PublicKey] = []
    for entry in entries[:100]:
        if not isinstance(entry, dict):
            continue
        if entry.get("use") not in (None, "sig"):
            continue
        importer = _IMPORTERS.get(str(entry.get("kty")))
        if importer is None:
            continue
        public = {name: value for name, value in entry.items() if name != "d"}
        try:
            keys.append(importer.import_key(public))  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError):
            continue
    return KeySet(tuple(keys))


class JwksCache:
    """JWK Sets by URI: fresh for the policy's TTL, refetched (rate-limited) for unknown kids."""

    def __init__(self, upstream: Upstream, clock: Callable[[], float] = time.monotonic) -> None:
        self._upstream = upstream
        self._clock = clock
        # uri -> (fetched at, key set)
        self._entries: dict[str, tuple[float, KeySet]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def key(self, jwks_uri: str, kid: str | None, alg: str) -> PublicKey:
        """The public key that verifies a token signed with ``alg`` by key ``kid``."""
        policy = self._upstream.policy
        async with self._locks.setdefault(jwks_uri, asyncio.Lock()):
            entry = self._entries.get(jwks_uri)
            now = self._clock()
            if entry is None or now - entry[0] >= policy.jwks_ttl_seconds:
                entry = await self._fetch(jwks_uri)
            found = entry[1].find(kid, alg)
            if found is None and self._clock() - entry[0] >= policy.jwks_refetch_interval_seconds:
                entry = await self._fetch(jwks_uri)
                found = entry[1].find(kid, alg)
        if found is None:
            raise IdentityProviderError(
                "The identity provider's token could not be verified.",
                "id token: no key for its kid",
            )
        return found

    async def _fetch(self, jwks_uri: str) -> tuple[float, KeySet]:
        document = await self._upstream.json("GET", jwks_uri, "jwks")
        entry = (self._clock(), read_key_set(document))
        self._entries[jwks_uri] = entry
        return entry
