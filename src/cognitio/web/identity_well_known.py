"""The identity pools' OpenID token issuer documents, under the identity issuer's path.

``GET {identity issuer}/.well-known/openid-configuration`` (OpenID Connect Discovery 1.0
section 4) and ``GET {identity issuer}/.well-known/jwks_uri`` (AWS's name for the key set of
``https://cognito-identity.amazonaws.com``). With the default issuer (the server's base URL)
they sit at the root, beside the user pools' ``/{poolId}/.well-known/...``; an issuer with a
path puts them under it, and their routes come before the user pools' so they win.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitio.services.identity.openid_token import DISCOVERY_PATH, JWKS_PATH
from cognitio.web.context import web

# An hour: short enough that a rotated key reaches verifiers that ignore an unknown kid.
CACHE_CONTROL = "public, max-age=3600"


async def jwks(request: Request) -> JSONResponse:
    keys = await web(request).services.openid_tokens.jwks()
    return JSONResponse(keys, headers={"Cache-Control": CACHE_CONTROL})


async def discovery(request: Request) -> JSONResponse:
    document = web(request).services.openid_tokens.discovery()
    return JSONResponse(document, headers={"Cache-Control": CACHE_CONTROL})


def routes(identity_issuer: str) -> list[Route]:
    """The two documents' routes under ``identity_issuer``'s path."""
    prefix = urlsplit(identity_issuer).path.rstrip("/")
    return [
        Route(prefix + DISCOVERY_PATH, discovery, methods=["GET"]),
        Route(prefix + JWKS_PATH, jwks, methods=["GET"]),
    ]
