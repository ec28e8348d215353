"""Driving a relying party from the test side: the caches, and a browser that follows the IdP's
redirects from an authorization URL to Cognitio's redirect_uri (which nothing serves here)."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from cognitio.services.federation.oidc import Callback, FederationClients
from cognitio.services.federation.upstream import Upstream, UpstreamPolicy

T = TypeVar("T")
# Cognitio's callback; nothing listens there: the browser stops when it is sent to it.
REDIRECT_URI = "http://127.0.0.1:9/oauth2/idpresponse"
LOOPBACK = UpstreamPolicy(allow_insecure=True)


def run(main: Callable[[FederationClients], Awaitable[T]], policy: UpstreamPolicy = LOOPBACK) -> T:
    """Run ``main`` in a fresh event loop with fresh clients and caches."""

    async def wrapper() -> T:
        upstream = Upstream(policy)
        try:
            return await main(FederationClients.create(upstream))
        finally:
            await upstream.aclose()

    return asyncio.run(wrapper())


async def follow(url: str, redirect_uri: str = REDIRECT_URI) -> Callback:
    """Play the browser: follow redirects (and auto-submitted form_post pages) from ``url`` until
    the IdP sends the browser to ``redirect_uri``; what it would deliver there."""
    async with httpx.AsyncClient(trust_env=False) as browser:
        for _ in range(20):
            if url.startswith(redirect_uri):
                return Callback.from_params(dict(parse_qsl(urlsplit(url).query)))
            answer = await browser.get(url)
            if answer.status_code in (302, 303):
                url = str(httpx.URL(url).join(answer.headers["location"]))
                continue
            form = re.search(r'<form method="post" action="([^"]*)">', answer.text)
            assert answer.status_code == 200 and form, f"{answer.status_code}: {answer.text[:500]}"
            assert html.unescape(form.group(1)) == redirect_uri, "form_post to another URL"
            fields = re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)">', answer.text
            )
            return Callback.from_params({name: html.unescape(value) for name, value in fields})
    raise AssertionError("too many redirects")
