"""The hosted pages' CSP sources, from callback URLs an admin chose, and the middleware that
sets the pages' and the OAuth endpoints' headers."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from cognitio.web.headers import SecurityHeaders, page_policy, source_of


def test_sources_are_origins_that_cannot_break_the_policy() -> None:
    assert source_of("https://app.example.com:8443/cb?x=1") == "https://app.example.com:8443"
    assert source_of("http://user:pw@localhost:8000/cb") == "http://localhost:8000"
    assert source_of("http://[::1]:8000/cb") == "http://[::1]:8000"
    assert source_of("myapp://callback") == "myapp:"
    assert source_of("https://evil.example;script-src *") is None
    assert source_of("https://a.example/ 'unsafe-inline'") == "https://a.example"
    assert source_of("not a url") is None


def test_a_policy_names_each_origin_once() -> None:
    policy = page_policy(["https://a.example/1", "https://a.example/2", "x y:z"], [])
    assert "form-action 'self' https://a.example;" in policy


async def _page(request: Request) -> Response:
    request.state.hosted_page = True
    request.state.form_targets = ("https://app.example/cb",)
    return HTMLResponse("<p>page</p>")


async def _json(_request: Request) -> Response:
    return JSONResponse({"access_token": "t"})


async def _other(_request: Request) -> Response:
    return HTMLResponse("<p>not a hosted page</p>")


def _headers(path: str, *, secure: bool) -> httpx.Headers:
    app = Starlette(
        routes=[Route("/page", _page), Route("/token", _json), Route("/other", _other)],
        middleware=[
            Middleware(
                SecurityHeaders, base_url="https://id.example", secure=secure, json_paths=["/token"]
            )
        ],
    )

    async def call() -> httpx.Headers:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return (await http.get(path)).headers

    return asyncio.run(call())


def test_a_rendered_page_gets_the_pages_headers() -> None:
    headers = _headers("/page", secure=True)
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["strict-transport-security"] == "max-age=31536000"
    policy = headers["content-security-policy"]
    assert "form-action 'self' https://app.example;" in policy
    assert "img-src 'self' data: https://id.example;" in policy
    assert "strict-transport-security" not in _headers("/page", secure=False)


def test_the_oauth_json_is_not_stored_and_other_answers_are_left_alone() -> None:
    token = _headers("/token", secure=True)
    assert (token["cache-control"], token["pragma"]) == ("no-store", "no-cache")
    assert "x-frame-options" not in token
    other = _headers("/other", secure=True)
    assert "cache-control" not in other and "content-security-policy" not in other
