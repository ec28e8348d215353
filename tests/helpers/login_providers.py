"""A local stand-in for the providers whose tokens identity pools take in ``Logins``: an OpenID
Provider (discovery and JWKS under ``/oidc``), Google's and Apple's JWKS, Facebook's Graph API
(``/v17.0/me``, ``/v17.0/app``) and Login with Amazon's ``/auth/o2/tokeninfo``, answering in
those APIs' documented shapes. It signs ID tokens with its own RSA key and counts requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.helpers.loopback import LoopbackServer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class LoginProviders:
    """The stand-in; ``start`` serves it on a free loopback port."""

    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "standin-1"})
    )
    # Facebook user access token -> (user id, app id); Amazon access token -> tokeninfo.
    facebook: dict[str, tuple[str, str]] = field(default_factory=dict)
    amazon: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    _server: LoopbackServer | None = None

    def start(self) -> LoginProviders:
        self._server = LoopbackServer(self._app()).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return self._server.url

    @property
    def issuer(self) -> str:
        return self.url + "/oidc"

    # -- tokens ---------------------------------------------------------------------------

    def id_token(self, key: RSAKey | None = None, **claims: Any) -> str:
        """An RS256 ID token with an hour's life unless ``claims`` say otherwise."""
        signer = key or self.key
        now = int(time.time())
        body = {"iat": now, "exp": now + 3600, **claims}
        header = {"alg": "RS256", "kid": signer.kid, "typ": "JWT"}
        return jwt.encode(header, body, signer)

    def unsigned_token(self, **claims: Any) -> str:
        """``alg: none``."""
        header = _b64(json.dumps({"alg": "none", "kid": self.key.kid}).encode())
        return f"{header}.{_b64(json.dumps(claims).encode())}."

    def hmac_token(self, **claims: Any) -> str:
        """HS256 keyed with the public key's PEM: the confusion attack on RSA verifiers."""
        public = self.key.public_key
        pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = _b64(json.dumps({"alg": "HS256", "kid": self.key.kid}).encode())
        body = _b64(json.dumps(claims).encode())
        signature = hmac.new(pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"

    def facebook_token(self, user_id: str, app_id: str) -> str:
        token = "EAA" + secrets.token_urlsafe(24)
        self.facebook[token] = (user_id, app_id)
        return token

    def amazon_token(self, user_id: str, client_id: str, app_id: str) -> str:
        token = "Atza|" + secrets.token_urlsafe(24)
        self.amazon[token] = {
            "iss": "https://www.amazon.com",
            "user_id": user_id,
            "aud": client_id,
            "app_id": app_id,
            "exp": 3597,
            "iat": int(time.time()),
        }
        return token

    # -- serving --------------------------------------------------------------------------

    def _app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            self.requests.append(request.url.path)
            return JSONResponse(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": self.issuer + "/auth",
                    "token_endpoint": self.issuer + "/token",
                    "jwks_uri": self.issuer + "/jwks",
                }
            )

        async def jwks(request: Request) -> Response:
            self.requests.append(request.url.path)
            public = self.key.as_dict(private=False)
            return JSONResponse({"keys": [{**public, "use": "sig", "alg": "RS256"}]})

        def bearer(request: Request) -> str:
            return request.headers.get("authorization", "").removeprefix("Bearer ")

        def graph_error() -> Response:
            # Graph API's answer to a bad token (OAuthException, code 190).
            return JSONResponse(
                {
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
                400,
            )

        async def me(request: Request) -> Response:
            self.requests.append(request.url.path)
            found = self.facebook.get(bearer(request))
            return graph_error() if found is None else JSONResponse({"id": found[0]})

        async def app(request: Request) -> Response:
            self.requests.append(request.url.path)
            found = self.facebook.get(bearer(request))
            if found is None:
                return graph_error()
            return JSONResponse({"id": found[1], "name": "Photos", "link": "https://example.com"})

        async def tokeninfo(request: Request) -> Response:
            self.requests.append(request.url.path)
            token = request.query_params.get("access_token", "")
            if token == "Atza|fail":
                return JSONResponse({"error": "ServerError"}, 500)
            found = self.amazon.get(token)
            if found is None:
                return JSONResponse(
                    {
                        "error_description": "The request has an invalid parameter : access_token",
                        "error": "invalid_token",
                    },
                    400,
                )
            return JSONResponse(found)

        return Starlette(
            routes=[
                Route("/oidc/.well-known/openid-configuration", discovery),
                Route("/oidc/jwks", jwks),
                Route("/oauth2/v3/certs", jwks),
                Route("/auth/keys", jwks),
                Route("/v17.0/me", me),
                Route("/v17.0/app", app),
                Route("/auth/o2/tokeninfo", tokeninfo),
            ]
        )
