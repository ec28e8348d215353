"""Talking to an identity provider over HTTP: bounded, https-only by default, one error type.

Everything an IdP answers is untrusted. Requests time out, answers are read up to a size limit
(compressed ones too), redirects are not followed, and JSON is parsed into
:data:`~cognitio.documents.JsonObject` only. Any failure (unreachable, 4xx/5xx, not JSON, too
large, a bad token) becomes one :class:`IdentityProviderError`, whose ``reason`` a page may show
and whose ``detail`` is for the log.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import orjson

from cognitio.documents import JsonObject

# A discovery document, a JWKS or a token response is a few KiB; 256 KiB leaves ample room.
DEFAULT_MAX_BYTES = 256 * 1024


class IdentityProviderError(Exception):
    """A sign-in through an external identity provider failed.

    ``reason`` is a short sentence safe to show a user; ``detail`` names the cause for the log
    and never holds a secret or a token.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason


@dataclass(frozen=True)
class UpstreamPolicy:
    """How the server talks to identity providers (one per server, from its configuration).

    ``allow_insecure`` admits http, loopback and private addresses and any port: a development
    and test switch, never on by default.
    """

    allow_insecure: bool = False
    timeout_seconds: float = 10.0
    max_response_bytes: int = DEFAULT_MAX_BYTES
    discovery_ttl_seconds: float = 3600.0
    jwks_ttl_seconds: float = 3600.0
    # At most one JWKS refetch per this many seconds per jwks_uri for an unknown kid, so a flood
    # of tokens naming made-up kids cannot make the server hammer the IdP.
    jwks_refetch_interval_seconds: float = 60.0
    clock_skew_seconds: int = 120


def check_url(url: str, policy: UpstreamPolicy, what: str) -> str:
    """``url`` if the policy lets the server call it: https on port 443 to a public host, unless
    insecure use is allowed (then http and any host too)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise IdentityProviderError(
            "The identity provider is not configured correctly.", f"{what}: not a URL"
        ) from error
    if policy.allow_insecure:
        if parsed.scheme in ("http", "https") and parsed.host:
            return url
        raise IdentityProviderError(
            "The identity provider is not configured correctly.", f"{what}: {url!r} is not http(s)"
        )
    if parsed.scheme != "https" or not parsed.host or parsed.port not in (None, 443):
        raise IdentityProviderError(
            "The identity provider is not configured correctly.",
            f"{what} must be https on port 443: {url!r}",
        )
    if _is_local_host(parsed.host):
        raise IdentityProviderError(
            "The identity provider is not configured correctly.",
            f"{what} names a local or private host: {url!r}",
        )
    return url


def _is_local_host(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


async def check_addresses(url: str, what: str) -> str:
    """Refuse ``url`` unless every address its host resolves to is public; the first of them.
    ``check_url`` sees only the name: ``127.1``, ``2130706433`` or a DNS name pointing inside
    reach loopback or the private network just the same."""
    host = httpx.URL(url).host
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise IdentityProviderError(
            "The identity provider could not be reached.", f"{what}: name not resolved"
        ) from error
    addresses = [str(address[0]).split("%", 1)[0] for *_, address in found]
    for address in addresses:
        if not ipaddress.ip_address(address).is_global:
            raise IdentityProviderError(
                "The identity provider is not configured correctly.",
                f"{what} resolves to a local or private address: {url!r}",
            )
    if not addresses:
        raise IdentityProviderError(
            "The identity provider could not be reached.", f"{what}: name not resolved"
        )
    return addresses[0]


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request to a checked address: ``url`` names the address, ``headers`` the host the
    server asks for, ``extensions`` the name TLS sends and checks the certificate against."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, str]


async def pin_public(url: str, what: str) -> Pinned:
    """``url`` sent to the public address :func:`check_addresses` found, not to whatever the
    name resolves to when the connection opens: a name that answers a public address to the
    check and a private one a moment later (DNS rebinding) reaches nothing inside.

    The connection is closed after the answer: connections are pooled by address, and one
    whose certificate was checked for one name must not carry a request for another name
    served from the same address."""
    address = await check_addresses(url, what)
    parsed = httpx.URL(url)
    return Pinned(
        str(parsed.copy_with(host=address)),
        {"Host": parsed.netloc.decode("ascii"), "Connection": "close"},
        {"sni_hostname": parsed.host},
    )


class ResponseTooLarge(httpx.TransportError):
    """An identity provider's answer went past the size limit."""


class _BoundedStream(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


class BoundedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that reads at most ``max_bytes`` of a response body (after
    decompression) and hands the client the whole body, already decoded."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_bytes: int) -> None:
        self._inner = inner
        self._max_bytes = max_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding == "gzip":
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        elif encoding == "identity":
            decoder = None
        else:
            await response.aclose()
            raise httpx.DecodingError(f"unsupported content-encoding {encoding!r}")
        body = bytearray()
        try:
            async for chunk in response.aiter_raw():
                if decoder is None:
                    body += chunk
                else:
                    # max_length bounds what one chunk may inflate to: a zip bomb stops here.
                    body += decoder.decompress(chunk, self._max_bytes + 1 - len(body))
                    if decoder.unconsumed_tail:
                        raise ResponseTooLarge("response larger than allowed")
                if len(body) > self._max_bytes:
                    raise ResponseTooLarge("response larger than allowed")
        except zlib.error as error:
            raise httpx.DecodingError("bad compressed body") from error
        finally:
            await response.aclose()
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_BoundedStream(bytes(body)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def parse_json_object(body: bytes, what: str) -> JsonObject:
    """``body`` as a JSON object, or the typed error."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise IdentityProviderError(
            "The identity provider sent an answer that could not be read.", f"{what}: not JSON"
        ) from error
    if not isinstance(value, dict):
        raise IdentityProviderError(
            "The identity provider sent an answer that could not be read.",
            f"{what}: not a JSON object",
        )
    return value


def transport_failure(error: Exception, what: str) -> IdentityProviderError:
    """The typed error for a request that did not get an answer."""
    if isinstance(error, ResponseTooLarge):
        return IdentityProviderError(
            "The identity provider sent an answer that could not be read.", f"{what}: too large"
        )
    if isinstance(error, httpx.TimeoutException):
        return IdentityProviderError(
            "The identity provider did not answer in time.", f"{what}: timed out"
        )
    return IdentityProviderError(
        "The identity provider could not be reached.", f"{what}: {type(error).__name__}"
    )


class Upstream:
    """An HTTP client for identity providers under one :class:`UpstreamPolicy`."""

    def __init__(
        self, policy: UpstreamPolicy, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.policy = policy
        self._client = httpx.AsyncClient(
            transport=BoundedTransport(
                transport or httpx.AsyncHTTPTransport(), policy.max_response_bytes
            ),
            timeout=httpx.Timeout(policy.timeout_seconds),
            follow_redirects=False,
            headers={"Accept": "application/json", "Accept-Encoding": "gzip, identity"},
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        headers: dict[str, str] | None = None,
        content: str | None = None,
    ) -> httpx.Response:
        """``url``'s answer to ``method`` (any status); no answer is the typed error."""
        check_url(url, self.policy, what)
        extensions: dict[str, str] = {}
        if not self.policy.allow_insecure:
            pinned = await pin_public(url, what)
            url, extensions = pinned.url, pinned.extensions
            headers = {**(headers or {}), **pinned.headers}
        try:
            # One deadline for the whole exchange: an answer trickled byte by byte ends too.
            async with asyncio.timeout(self.policy.timeout_seconds):
                return await self._client.request(
                    method, url, headers=headers, content=content, extensions=extensions
                )
        except TimeoutError as error:
            raise IdentityProviderError(
                "The identity provider did not answer in time.", f"{what}: timed out"
            ) from error
        except httpx.HTTPError as error:
            raise transport_failure(error, what) from error

    async def json(
        self,
        method: str,
        url: str,
        what: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> JsonObject:
        """The JSON object ``url`` answers to ``method`` with a 200; anything else is the typed
        error."""
        response = await self.send(method, url, what, headers=headers)
        if response.status_code != 200:
            raise IdentityProviderError(
                "The identity provider refused the request.",
                f"{what}: HTTP {response.status_code}",
            )
        return parse_json_object(response.content, what)
