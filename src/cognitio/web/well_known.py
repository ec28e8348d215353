"""A pool's JWKS and OpenID discovery document, under its issuer path.

``GET /{poolId}/.well-known/jwks.json`` and ``GET /{poolId}/.well-known/openid-configuration``
(OpenID Connect Discovery 1.0 §4), as Cognito serves them on its issuer host.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitio.web.context import web


async def jwks(request: Request) -> JSONResponse:
    services = web(request).services
    pool_id = request.path_params["pool_id"]
    if not await services.tokens.pool_exists(pool_id):
        return JSONResponse({"message": f"User pool {pool_id} does not exist."}, 404)
    return JSONResponse(await services.tokens.jwks(pool_id))


async def discovery(request: Request) -> JSONResponse:
    services = web(request).services
    pool_id = request.path_params["pool_id"]
    if not await services.tokens.pool_exists(pool_id):
        return JSONResponse({"message": f"User pool {pool_id} does not exist."}, 404)
    issuer = services.tokens.issuer(pool_id)
    base = services.tokens.base_url
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "token_endpoint": f"{base}/oauth2/token",
            "userinfo_endpoint": f"{base}/oauth2/userInfo",
            "revocation_endpoint": f"{base}/oauth2/revoke",
            "end_session_endpoint": f"{base}/logout",
            "jwks_uri": services.tokens.jwks_url(pool_id),
            "grant_types_supported": [
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "implicit",
            ],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "email"],
        }
    )


ROUTES = [
    Route("/{pool_id}/.well-known/jwks.json", jwks, methods=["GET"]),
    Route("/{pool_id}/.well-known/openid-configuration", discovery, methods=["GET"]),
]
