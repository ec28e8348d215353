"""What every provider stand-in shares: the expected client, single-use codes, a log of the
requests, the problems found in them, and an RSA key for signing ID tokens."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.helpers.loopback import LoopbackServer


class Refused(Exception):
    """A request broke the provider's protocol; the stand-in answers 400 and records why."""


@dataclass
class Grant:
    """What an authorization request was granted, redeemed later by its code."""

    redirect_uri: str
    scopes: list[str]
    nonce: str | None = None
    access_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


@dataclass
class Call:
    """One request a stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


Handler = Callable[[Request], Awaitable[Response]]


class StandIn:
    """A provider stand-in; subclasses list their routes and speak their protocol."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: list[str],
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}
        self.key = RSAKey.generate_key(2048, parameters={"kid": f"k-{secrets.token_hex(4)}"})
        self._server: LoopbackServer | None = None

    # -- serving -----------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, Handler, list[str]]]:
        raise NotImplementedError

    def app(self) -> Starlette:
        def wrap(handler: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                form = {}
                if request.method == "POST":
                    form = {key: str(value) for key, value in (await request.form()).items()}
                self.calls.append(
                    Call(
                        request.method,
                        request.url.path,
                        dict(request.query_params),
                        form,
                        dict(request.headers),
                    )
                )
                try:
                    return await handler(request)
                except Refused as refused:
                    self.problems.append(str(refused))
                    return JSONResponse(
                        {"error": "invalid_request", "error_description": str(refused)}, 400
                    )

            return endpoint

        return Starlette(
            routes=[
                Route(path, wrap(handler), methods=methods)
                for path, handler, methods in self.routes()
            ]
        )

    def start(self) -> Self:
        self._server = LoopbackServer(self.app()).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return self._server.url

    # -- protocol checks ---------------------------------------------------------------------

    def check(self, condition: bool, problem: str) -> None:
        if not condition:
            raise Refused(problem)

    def params(self, request: Request) -> dict[str, str]:
        """The last request's parameters (query and form together)."""
        call = self.calls[-1]
        return {**call.query, **call.form}

    def check_authorize(self, params: dict[str, str], separator: str = " ") -> Grant:
        """The common checks of an authorization request; a grant for its code."""
        self.check(params.get("response_type") == "code", "response_type must be code")
        self.check(params.get("client_id") == self.client_id, "unknown client_id")
        self.check(params.get("redirect_uri") == self.redirect_uri, "wrong redirect_uri")
        self.check(
            params.get("redirect_uri", "").endswith("/oauth2/idpresponse"),
            "redirect_uri must be /oauth2/idpresponse",
        )
        scopes = [scope.strip() for scope in params.get("scope", "").split(separator)]
        self.check(sorted(scopes) == sorted(self.scopes), f"wrong scopes {scopes}")
        self.check(bool(params.get("state")), "no state")
        return Grant(params["redirect_uri"], scopes, params.get("nonce"))

    def issue_code(self, grant: Grant) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = grant
        return code

    def redirect_with_code(self, params: dict[str, str], grant: Grant) -> Response:
        query = urlencode({"code": self.issue_code(grant), "state": params["state"]})
        return RedirectResponse(f"{grant.redirect_uri}?{query}", 302)

    def redeem(self, params: dict[str, str], *, secret: bool = True) -> Grant:
        """The grant of a token request's code (single use), after the client checks."""
        self.check(params.get("client_id") == self.client_id, "token request: wrong client_id")
        if secret:
            self.check(
                hmac.compare_digest(params.get("client_secret", ""), self.client_secret),
                "token request: wrong client_secret",
            )
        grant = self.codes.pop(params.get("code", ""), None)
        self.check(grant is not None, "token request: unknown or used code")
        assert grant is not None
        self.check(
            params.get("redirect_uri") == grant.redirect_uri, "token request: wrong redirect_uri"
        )
        self.tokens[grant.access_token] = grant
        return grant

    def bearer(self, request: Request) -> Grant:
        """The grant of the request's bearer access token."""
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        grant = self.tokens.get(token)
        self.check(grant is not None, "no valid bearer access token")
        assert grant is not None
        return grant

    # -- ID tokens ---------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False, use="sig", alg="RS256")]}

    def sign(self, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
        """An ID token signed with this stand-in's key."""
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, **(header or {})}, claims, self.key)

    def id_token_claims(self, grant: Grant, sub: str, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 600}
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return {**claims, **extra}


def unsigned_token(claims: dict[str, Any], header: dict[str, Any], secret: bytes | None) -> str:
    """A compact JWS built by hand: ``alg`` as given, an HMAC-SHA256 over ``secret`` (or no
    signature), for tokens no honest library would produce."""

    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    signature = b"" if secret is None else hmac.digest(secret, signing_input.encode(), "sha256")
    return f"{signing_input}.{part(signature)}"
