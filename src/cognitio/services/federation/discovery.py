"""OpenID Provider metadata, fetched from ``<issuer>/.well-known/openid-configuration`` and cached.

OpenID Connect Discovery 1.0, section 4: the document's ``issuer`` must be exactly the issuer
it was fetched for, and every endpoint the server will call must pass the upstream policy
(https unless insecure use is allowed). A cached document is used for ``discovery_ttl_seconds``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from cognitio.documents import JsonObject
from cognitio.services.federation.upstream import IdentityProviderError, Upstream, check_url

WELL_KNOWN = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class ProviderMetadata:
    """What the server uses of an OpenID Provider's metadata."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    token_endpoint_auth_methods: tuple[str, ...] = ()


def _text(document: JsonObject, name: str) -> str | None:
    value = document.get(name)
    return value if isinstance(value, str) and value else None


def read_metadata(document: JsonObject, issuer: str, upstream: Upstream) -> ProviderMetadata:
    """The metadata in a discovery ``document`` fetched for ``issuer``, checked."""
    unreadable = "The identity provider's configuration could not be used."
    if _text(document, "issuer") != issuer:
        raise IdentityProviderError(unreadable, "discovery: issuer differs from the configured one")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = _text(document, name)
        if value is None:
            raise IdentityProviderError(unreadable, f"discovery: no {name}")
        endpoints[name] = check_url(value, upstream.policy, f"discovery {name}")
    userinfo = _text(document, "userinfo_endpoint")
    if userinfo is not None:
        check_url(userinfo, upstream.policy, "discovery userinfo_endpoint")
    methods = document.get("token_endpoint_auth_methods_supported")
    return ProviderMetadata(
        issuer=issuer,
        userinfo_endpoint=userinfo,
        token_endpoint_auth_methods=tuple(
            item for item in (methods if isinstance(methods, list) else []) if isinstance(item, str)
        ),
        **endpoints,
    )


class DiscoveryCache:
    """Discovery documents by issuer, each kept for the policy's TTL; one fetch at a time per
    issuer."""

    def __init__(self, upstream: Upstream, clock: Callable[[], float] = time.monotonic) -> None:
        self._upstream = upstream
        self._clock = clock
        self._entries: dict[str, tuple[float, ProviderMetadata]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def metadata(self, issuer: str) -> ProviderMetadata:
        """The issuer's metadata, from the cache while fresh."""
        check_url(issuer, self._upstream.policy, "issuer")
        lock = self._locks.setdefault(issuer, asyncio.Lock())
        async with lock:
            cached = self._entries.get(issuer)
            if cached is not None and self._clock() < cached[0]:
                return cached[1]
            document = await self._upstream.json(
                "GET", issuer.rstrip("/") + WELL_KNOWN, "discovery"
            )
            found = read_metadata(document, issuer, self._upstream)
            self._entries[issuer] = (
                self._clock() + self._upstream.policy.discovery_ttl_seconds,
                found,
            )
            return found
