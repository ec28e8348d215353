"""A SAML provider's MetadataURL read again: on a clock the test moves, against metadata a
loopback server serves and the test changes (the IdP rotating its signing key)."""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cognitio.config import ConfigError, load_settings
from cognitio.crypto.envelope import Envelope
from cognitio.errors import InvalidParameterException
from cognitio.services.federation.metadata_refresh import MetadataRefresh
from cognitio.services.federation.provider_types import FederationEndpoints
from cognitio.services.federation.providers import IdentityProviders, ProviderSettings
from cognitio.services.federation.saml import SamlKeyPair
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.instants import format_instant
from cognitio.services.federation.saml.responses import accept_response
from cognitio.services.federation.saml_metadata import MAX_METADATA_BYTES, fetch_metadata
from cognitio.services.pools.schema import standard_schema
from cognitio.services.pools.user_pools import Caller
from cognitio.store.memory import MemoryStore
from cognitio.store.records import UserPoolRecord
from tests.helpers.loopback import LoopbackServer
from tests.helpers.saml_idp import IDP_ENTITY_ID, FixtureIdp, encode, key_pair

CALLER = Caller("us-east-1", "123456789012")
POOL = UserPoolRecord(
    id="us-east-1_Ab12Cd34E",
    region="us-east-1",
    name="pool",
    config={"LambdaConfig": {}, "SchemaAttributes": list(standard_schema())},
    created_ms=1,
    updated_ms=1,
    version=1,
)
BASE = "https://auth.example"
HOUR_MS = 3600 * 1000
START = 1_900_000_000_000


def metadata(keys: SamlKeyPair, sso_url: str, valid_until_ms: int | None = None) -> str:
    certificate = "".join(
        line for line in keys.certificate_pem.splitlines() if "CERTIFICATE" not in line
    )
    valid = "" if valid_until_ms is None else f' validUntil="{format_instant(valid_until_ms)}"'
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP_ENTITY_ID}"{valid}>'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        f'Location="{sso_url}"/></md:IDPSSODescriptor></md:EntityDescriptor>'
    )


@dataclass
class MetadataHost:
    """What the IdP's metadata URL answers, and how often it was asked."""

    document: str = ""
    status: int = 200
    requests: int = 0

    def app(self) -> Starlette:
        async def answer(_request: Request) -> PlainTextResponse:
            self.requests += 1
            return PlainTextResponse(self.document, status_code=self.status)

        return Starlette(routes=[Route("/metadata", answer)])


@dataclass
class Node:
    """One server's identity providers over the shared store, on the test's clock."""

    providers: IdentityProviders
    refresh: MetadataRefresh


class _Spent:
    def __init__(self) -> None:
        self.ids: set[str] = set()

    async def spend(self, assertion_id: str, expires_ms: int) -> bool:
        if assertion_id in self.ids:
            return False
        self.ids.add(assertion_id)
        return True


@dataclass
class World:
    host: MetadataHost
    url: str
    store: MemoryStore = field(default_factory=MemoryStore)
    envelope: Envelope = field(default_factory=lambda: Envelope(os.urandom(32)))
    now: int = START

    def __post_init__(self) -> None:
        self.store.state.pools[POOL.id] = POOL

    def node(self, interval_s: int = 6 * 3600) -> Node:
        refresh = MetadataRefresh(
            self.store, interval_s, clock=lambda: self.now, allow_insecure=True
        )
        endpoints = FederationEndpoints({}, allow_insecure=True)
        return Node(IdentityProviders(self.store, self.envelope, endpoints, refresh), refresh)

    def sign_in_url(self, node: Node) -> str:
        """What a sign-in sends the browser to (it reads the provider, and may start a
        refresh), once the refreshes it started are done."""

        async def run() -> str:
            provider = await node.providers.signing_in(POOL.id, "Corp")
            assert provider is not None
            shown = provider.details["SSORedirectBindingURI"]
            await node.refresh.settle()
            return shown

        return asyncio.run(run())

    def accepts(self, node: Node, keys: SamlKeyPair) -> bool:
        """Whether a response signed with ``keys`` is accepted by the stored metadata."""

        async def run() -> bool:
            provider = await node.providers.signing_in(POOL.id, "Corp")
            assert provider is not None
            await node.refresh.settle()
            idp, sp = await node.providers.saml_parties(provider, BASE)
            minted = FixtureIdp(keys, sp.entity_id, sp.acs_url).response(in_response_to="_r1")
            try:
                await accept_response(
                    encode(minted), idp=idp, sp=sp, request_id="_r1", replay=_Spent()
                )
            except SamlRejected:
                return False
            return True

        return asyncio.run(run())


@pytest.fixture
def world() -> Iterator[World]:
    host = MetadataHost()
    server = LoopbackServer(host.app()).start()
    try:
        yield World(host, f"{server.url}/metadata")
    finally:
        server.stop()


def create(world: World, node: Node) -> None:
    settings = ProviderSettings(
        POOL.id, "Corp", "SAML", {"MetadataURL": world.url}, {"email": "email"}
    )
    asyncio.run(node.providers.create(CALLER, settings))


def test_the_metadata_url_is_read_again_after_the_interval(world: World) -> None:
    old, new = key_pair("old"), key_pair("new")
    world.host.document = metadata(old, "https://idp.example/old")
    node = world.node(interval_s=3600)
    create(world, node)
    assert world.host.requests == 1
    world.host.document = metadata(new, "https://idp.example/new")
    world.now = START + HOUR_MS - 1
    assert world.sign_in_url(node) == "https://idp.example/old"
    assert world.host.requests == 1
    assert world.accepts(node, old)
    assert not world.accepts(node, new)
    world.now = START + HOUR_MS
    # The sign-in that finds it stale goes on with the stored copy; the refresh follows.
    assert world.sign_in_url(node) == "https://idp.example/old"
    assert world.host.requests == 2
    assert world.sign_in_url(node) == "https://idp.example/new"
    assert world.accepts(node, new)
    assert not world.accepts(node, old)
    described = asyncio.run(node.providers.describe(CALLER, POOL.id, "Corp"))
    assert described.details["SSORedirectBindingURI"] == "https://idp.example/new"
    assert described.details["MetadataURL"] == world.url
    assert described.record.metadata_fetched_ms == START + HOUR_MS


def test_every_node_sees_the_refresh_one_node_made(world: World) -> None:
    old, new = key_pair("old"), key_pair("new")
    world.host.document = metadata(old, "https://idp.example/old")
    first, second = world.node(interval_s=60), world.node(interval_s=60)
    create(world, first)
    world.host.document = metadata(new, "https://idp.example/new")
    world.now = START + 60_000

    async def both() -> None:
        one = await first.providers.signing_in(POOL.id, "Corp")
        two = await second.providers.signing_in(POOL.id, "Corp")
        assert one is not None and two is not None
        await first.refresh.settle()
        await second.refresh.settle()

    asyncio.run(both())
    assert world.host.requests == 2  # at creation, and one refresh for both nodes
    assert world.accepts(second, new)
    assert world.accepts(first, new)


def test_metadata_that_expires_is_read_again_before_the_interval(world: World) -> None:
    old, new = key_pair("old"), key_pair("new")
    world.host.document = metadata(old, "https://idp.example/old", START + 10 * 60_000)
    node = world.node()
    create(world, node)
    world.host.document = metadata(new, "https://idp.example/new")
    world.now = START + 10 * 60_000
    world.sign_in_url(node)
    assert world.sign_in_url(node) == "https://idp.example/new"


def test_a_failed_refresh_keeps_the_last_good_metadata_and_tries_again_later(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = key_pair("old"), key_pair("new")
    world.host.document = metadata(old, "https://idp.example/old")
    node = world.node(interval_s=3600)
    create(world, node)
    world.now = START + HOUR_MS
    world.host.status = 500
    with caplog.at_level(logging.WARNING):
        assert world.sign_in_url(node) == "https://idp.example/old"
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "Corp" in warning.getMessage() and POOL.id in warning.getMessage()
    assert "HTTP 500" in warning.getMessage()
    assert world.url not in warning.getMessage()
    assert world.accepts(node, old)
    # A document that does not pass CreateIdentityProvider's checks is refused the same way.
    world.host.status = 200
    world.host.document = metadata(new, "https://idp.example/new").replace(
        "HTTP-Redirect", "HTTP-POST"
    )
    world.now += 5 * 60_000 - 1
    world.sign_in_url(node)
    assert world.host.requests == 2  # not before five minutes
    world.now += 1
    assert world.sign_in_url(node) == "https://idp.example/old"
    assert world.host.requests == 3
    assert world.accepts(node, old)
    world.host.document = metadata(new, "https://idp.example/new")
    world.now += 5 * 60_000
    world.sign_in_url(node)
    assert world.sign_in_url(node) == "https://idp.example/new"


def test_a_metadata_file_is_never_read_again(world: World) -> None:
    node = world.node(interval_s=0)
    document = metadata(key_pair("file"), "https://idp.example/file")
    settings = ProviderSettings(POOL.id, "Corp", "SAML", {"MetadataFile": document}, {})
    asyncio.run(node.providers.create(CALLER, settings))
    world.now = START + 100 * HOUR_MS
    assert world.sign_in_url(node) == "https://idp.example/file"
    assert world.host.requests == 0


def test_the_refresh_interval_is_a_validated_setting() -> None:
    assert load_settings(environ={}).federation_metadata_refresh_s == 6 * 3600
    chosen = load_settings(environ={"COGNITIO_FEDERATION_METADATA_REFRESH_S": "900"})
    assert chosen.federation_metadata_refresh_s == 900
    for wrong in ("-1", "often"):
        with pytest.raises(ConfigError, match="federation_metadata_refresh_s"):
            load_settings(environ={"COGNITIO_FEDERATION_METADATA_REFRESH_S": wrong})


@pytest.mark.parametrize(
    "url", ["https://127.1/metadata", "https://2130706433/metadata", "https://localhost/metadata"]
)
def test_a_metadata_url_that_resolves_inside_is_not_read(world: World, url: str) -> None:
    """Unless insecure endpoints are allowed, every address the MetadataURL's host resolves to
    must be public, at Create and at each refresh (a name's addresses may change after it)."""
    with pytest.raises(InvalidParameterException, match="local or private address"):
        asyncio.run(fetch_metadata(url, allow_insecure=False))
    # The test's own metadata host, listening on loopback, is never asked either.
    with pytest.raises(InvalidParameterException, match="local or private address"):
        asyncio.run(fetch_metadata(world.url, allow_insecure=False))
    assert world.host.requests == 0
    assert asyncio.run(fetch_metadata(world.url, allow_insecure=True)) == world.host.document
    assert world.host.requests == 1


def test_a_compressed_metadata_document_is_inflated_only_up_to_the_limit() -> None:
    document = metadata(key_pair("zipped"), "https://idp.example/sso")
    # 400 MB of spaces after the document: a few hundred KiB on the wire.
    bomb = gzip.compress(document.encode() + b" " * 400_000_000, 9)
    answers = {"/plain": gzip.compress(document.encode()), "/bomb": bomb}

    async def answer(request: Request) -> Response:
        return Response(answers[request.url.path], headers={"Content-Encoding": "gzip"})

    server = LoopbackServer(
        Starlette(routes=[Route("/plain", answer), Route("/bomb", answer)])
    ).start()
    try:
        assert asyncio.run(fetch_metadata(f"{server.url}/plain", allow_insecure=True)) == document
        tracemalloc.start()
        try:
            with pytest.raises(InvalidParameterException, match="larger than 1000000 bytes"):
                asyncio.run(fetch_metadata(f"{server.url}/bomb", allow_insecure=True))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        server.stop()
    # Inflating it whole would take 400 MB; chunk by chunk, about 150 MB.
    assert peak < 32 * MAX_METADATA_BYTES
