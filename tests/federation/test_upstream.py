"""What an identity provider answers is untrusted: unreachable, refusing, oversized, compressed
past the limit, not JSON, or redirecting, each becomes the one typed error. Also the https-only
rule and the discovery cache."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from cognitio.services.federation.discovery import DiscoveryCache, read_metadata
from cognitio.services.federation.oidc import Callback, FederationClients, OidcRelyingParty
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.upstream import (
    IdentityProviderError,
    Upstream,
    UpstreamPolicy,
    check_url,
)
from tests.helpers.federation import LOOPBACK, REDIRECT_URI, run
from tests.helpers.loopback import LoopbackServer
from tests.server import free_port


class BadIdp:
    """An IdP that misbehaves in every way on its own path; counts discovery fetches."""

    def __init__(self) -> None:
        self.discovery_fetches = 0
        self.issuer_in_document: str | None = None
        self.server = LoopbackServer(
            Starlette(
                routes=[
                    Route("/ok", self.ok),
                    Route("/big", self.big),
                    Route("/bomb", self.bomb),
                    Route("/garbage", self.garbage, methods=["GET", "POST"]),
                    Route("/array", self.array),
                    Route("/fail", self.fail, methods=["GET", "POST"]),
                    Route("/redirect", self.redirect),
                    Route("/stall", self.stall),
                    Route("/.well-known/openid-configuration", self.discovery),
                ]
            )
        )

    @property
    def url(self) -> str:
        return self.server.url

    async def ok(self, request: Request) -> Response:
        return JSONResponse({"fine": True})

    async def big(self, request: Request) -> Response:
        return JSONResponse({"padding": "x" * 300_000})

    async def bomb(self, request: Request) -> Response:
        body = gzip.compress(b'{"a":"' + b"0" * 20_000_000 + b'"}')
        return Response(body, headers={"content-encoding": "gzip"}, media_type="application/json")

    async def garbage(self, request: Request) -> Response:
        return Response("<html>not json</html>", media_type="text/html")

    async def array(self, request: Request) -> Response:
        return JSONResponse([1, 2])

    async def fail(self, request: Request) -> Response:
        return JSONResponse({"error": "server_error"}, 500)

    async def redirect(self, request: Request) -> Response:
        return RedirectResponse(self.url + "/ok", 302)

    async def stall(self, request: Request) -> Response:
        """Never answers; ends once the client has gone."""
        while (await request.receive())["type"] != "http.disconnect":
            pass
        return Response(status_code=204)

    async def discovery(self, request: Request) -> Response:
        self.discovery_fetches += 1
        return JSONResponse(
            {
                "issuer": self.issuer_in_document or self.url,
                "authorization_endpoint": self.url + "/authorize",
                "token_endpoint": self.url + "/garbage",
                "jwks_uri": self.url + "/jwks",
                "userinfo_endpoint": self.url + "/ok",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )


@pytest.fixture(scope="module")
def bad() -> Iterator[BadIdp]:
    idp = BadIdp()
    idp.server.start()
    yield idp
    idp.server.stop()


def fetch(url: str, policy: UpstreamPolicy = LOOPBACK) -> Any:
    async def main(clients: FederationClients) -> Any:
        try:
            return await clients.upstream.json("GET", url, "probe")
        except IdentityProviderError as error:
            return (error.reason, error.detail)

    return run(main, policy)


def test_a_json_answer_is_read(bad: BadIdp) -> None:
    assert fetch(bad.url + "/ok") == {"fine": True}


@pytest.mark.parametrize(
    ("path", "reason", "detail"),
    [
        ("/big", "could not be read", "probe: too large"),
        ("/bomb", "could not be read", "probe: too large"),
        ("/garbage", "could not be read", "probe: not JSON"),
        ("/array", "could not be read", "probe: not a JSON object"),
        ("/fail", "refused the request", "probe: HTTP 500"),
        ("/redirect", "refused the request", "probe: HTTP 302"),
    ],
)
def test_a_bad_answer_is_the_typed_error(bad: BadIdp, path: str, reason: str, detail: str) -> None:
    shown, logged = fetch(bad.url + path)
    assert reason in shown and logged == detail


def test_a_provider_that_never_answers_is_the_typed_error(bad: BadIdp) -> None:
    shown, logged = fetch(
        bad.url + "/stall", UpstreamPolicy(allow_insecure=True, timeout_seconds=0.5)
    )
    assert shown == "The identity provider did not answer in time."
    assert logged == "probe: timed out"


def test_an_unreachable_provider_is_the_typed_error() -> None:
    shown, logged = fetch(f"http://127.0.0.1:{free_port()}/ok")
    assert shown == "The identity provider could not be reached."
    assert logged == "probe: ConnectError"


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.com/x",
        "https://idp.example.com:8443/x",
        "https://localhost/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://10.0.0.8/x",
        "https://169.254.169.254/latest",
        "ftp://idp.example.com/x",
        "not a url",
        "https:///nohost",
    ],
)
def test_only_public_https_urls_are_called_by_default(url: str) -> None:
    with pytest.raises(IdentityProviderError) as raised:
        check_url(url, UpstreamPolicy(), "issuer")
    assert raised.value.reason == "The identity provider is not configured correctly."


def test_public_https_urls_and_allowed_loopback_pass() -> None:
    assert check_url("https://idp.example.com/a", UpstreamPolicy(), "x")
    assert check_url("https://idp.example.com:443/a", UpstreamPolicy(), "x")
    assert check_url("http://127.0.0.1:4011", UpstreamPolicy(allow_insecure=True), "x")
    with pytest.raises(IdentityProviderError):
        check_url("file:///etc/passwd", UpstreamPolicy(allow_insecure=True), "x")


def test_discovery_is_cached_for_its_ttl(bad: BadIdp) -> None:
    now = [0.0]

    async def main(clients: FederationClients) -> None:
        cache = DiscoveryCache(clients.upstream, clock=lambda: now[0])
        before = bad.discovery_fetches
        first = await cache.metadata(bad.url)
        assert first.token_endpoint == bad.url + "/garbage"
        assert await cache.metadata(bad.url) == first
        assert bad.discovery_fetches == before + 1
        now[0] += LOOPBACK.discovery_ttl_seconds
        await cache.metadata(bad.url)
        assert bad.discovery_fetches == before + 2

    run(main)


def test_a_discovery_document_naming_another_issuer_is_refused(bad: BadIdp) -> None:
    async def main(clients: FederationClients) -> str:
        try:
            await clients.discovery.metadata(bad.url)
        except IdentityProviderError as error:
            return error.detail
        return "accepted"

    bad.issuer_in_document = "https://accounts.example.com"
    try:
        assert run(main) == "discovery: issuer differs from the configured one"
    finally:
        bad.issuer_in_document = None


def test_discovered_http_endpoints_are_refused_by_default(bad: BadIdp) -> None:
    """The check covers every endpoint in the document, not only the issuer."""

    async def main(clients: FederationClients) -> str:
        document: dict[str, Any] = {
            "issuer": "https://idp.example.com",
            "authorization_endpoint": "https://idp.example.com/auth",
            "token_endpoint": "http://idp.example.com/token",
            "jwks_uri": "https://idp.example.com/jwks",
        }
        try:
            read_metadata(document, "https://idp.example.com", clients.upstream)
        except IdentityProviderError as error:
            return error.detail
        return "accepted"

    assert "token_endpoint must be https" in run(main, UpstreamPolicy())


def test_a_token_endpoint_answering_garbage_is_the_typed_error(bad: BadIdp) -> None:
    async def main(clients: FederationClients) -> str:
        config = ProviderConfig(
            "Bad", ProviderType.OIDC, "client", "secret", ("openid",), issuer=bad.url
        )
        rp = OidcRelyingParty(config, clients)
        try:
            await rp.complete(Callback(code="c", state="s"), REDIRECT_URI, "n")
        except IdentityProviderError as error:
            return error.detail
        return "accepted"

    assert run(main) == "token response: not JSON"


def test_an_oversized_callback_parameter_is_refused() -> None:
    with pytest.raises(IdentityProviderError):
        Callback.from_params({"code": "c" * 5000})
    with pytest.raises(IdentityProviderError):
        Callback.from_params({"id_token": "t" * 70_000})
    assert Callback.from_params({"code": "c", "other": "x"}).code == "c"


@pytest.mark.parametrize(
    "url", ["https://127.1/x", "https://2130706433/x", "https://0x7f000001/x", "https://0/x"]
)
def test_a_name_that_resolves_to_a_local_address_is_not_called(url: str) -> None:
    """The URL check passes these (no IP literal, no ``localhost``), but they reach loopback:
    the addresses are checked after resolution, before any connection."""
    assert check_url(url, UpstreamPolicy(), "issuer")

    async def main(clients: FederationClients) -> None:
        await clients.upstream.send("GET", url, "issuer")

    with pytest.raises(IdentityProviderError) as raised:
        run(main, UpstreamPolicy())
    assert raised.value.reason == "The identity provider is not configured correctly."
    assert "resolves to a local or private address" in raised.value.detail


def test_a_call_goes_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name answers a public address to the check and loopback to any later
    lookup. The request is sent to the checked address itself (the name kept for the Host header
    and for TLS), so no later lookup decides where it goes."""
    answers = iter(["93.184.216.34"])

    async def rebinding(
        self: asyncio.AbstractEventLoop, host: str, port: int, **_: Any
    ) -> list[tuple[Any, ...]]:
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", rebinding)
    seen: list[httpx.Request] = []

    class Recorder(httpx.AsyncBaseTransport):
        """Where a connection would be opened: the request as the transport gets it."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, stream=httpx.ByteStream(b'{"ok": true}'))

    async def main() -> None:
        upstream = Upstream(UpstreamPolicy(), Recorder())
        try:
            await upstream.json("GET", "https://login.example.com/userinfo?x=1", "userinfo")
        finally:
            await upstream.aclose()

    asyncio.run(main())
    [request] = seen
    assert str(request.url) == "https://93.184.216.34/userinfo?x=1"
    assert request.headers["host"] == "login.example.com"
    assert request.headers["connection"] == "close"  # never reused for another name
    assert request.extensions["sni_hostname"] == "login.example.com"
