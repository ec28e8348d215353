"""A Sign in with Apple stand-in: the authorize page answers with a form_post auto-submit page
(``code``, ``state``, ``id_token`` and, on the first consent only, ``user``), the token endpoint
verifies the ES256 client_secret JWT against the public half of the test .p8 key, and ID tokens
are RS256 from ``/auth/keys``."""

from __future__ import annotations

import html
import json
import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from tests.helpers.idps.base import Handler, Refused, StandIn

SUB = "001234.5c1e6f1b2a3d4e5f6a7b8c9d0e1f2a3b.1234"
TEAM_ID = "TEAM123456"
KEY_ID = "KEY7654321"
USER = {"name": {"firstName": "Katherine", "lastName": "Johnson"}, "email": "kj@example.com"}


def p8_private_key() -> str:
    """A fresh P-256 key as Apple hands it out: a PKCS#8 PEM (a .p8 file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class AppleStandIn(StandIn):
    def __init__(self, private_key_pem: str, **options: Any) -> None:
        super().__init__(**options)
        self.public_key = ECKey.import_key(private_key_pem).as_dict(private=False)
        self.consented: set[str] = set()
        self.client_secrets: list[dict[str, Any]] = []

    def routes(self) -> list[tuple[str, Handler, list[str]]]:
        return [
            ("/auth/authorize", self.authorize, ["GET"]),
            ("/auth/token", self.token, ["GET", "POST"]),
            ("/auth/keys", self.keys, ["GET"]),
        ]

    async def authorize(self, request: Request) -> Response:
        params = self.params(request)
        self.check(params.get("response_mode") == "form_post", "response_mode must be form_post")
        grant = self.check_authorize(params)
        self.check(bool(grant.nonce), "no nonce")
        fields = {"state": params["state"], "code": self.issue_code(grant)}
        fields["id_token"] = self.sign(self.claims(grant))
        if self.client_id not in self.consented:  # Apple sends the user's name only once
            self.consented.add(self.client_id)
            fields["user"] = json.dumps(USER)
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in fields.items()
        )
        return HTMLResponse(
            f'<html><body onload="document.forms[0].submit()"><form method="post" '
            f'action="{html.escape(grant.redirect_uri)}">{inputs}</form></body></html>'
        )

    def claims(self, grant: Any) -> dict[str, Any]:
        return self.id_token_claims(
            grant,
            SUB,
            email="kj@privaterelay.appleid.com",
            email_verified="true",
            is_private_email="true",
            nonce_supported=True,
        )

    async def token(self, request: Request) -> Response:
        self.check(request.method == "POST", "the token request must be a POST")
        params = self.params(request)
        self.check(params.get("grant_type") == "authorization_code", "wrong grant_type")
        self.check_client_secret(params.get("client_secret", ""))
        grant = self.redeem(params, secret=False)
        return JSONResponse(
            {
                "access_token": grant.access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": "r.apple",
                "id_token": self.sign(self.claims(grant)),
            }
        )

    def check_client_secret(self, secret: str) -> None:
        """Apple's rules for the client secret JWT."""
        try:
            token = jwt.decode(secret, ECKey.import_key(self.public_key), algorithms=["ES256"])
        except (JoseError, ValueError) as error:
            raise Refused(f"client_secret does not verify: {error!r}") from error
        header, claims = token.header, token.claims
        self.client_secrets.append(claims)
        now = time.time()
        self.check(header.get("kid") == KEY_ID, "client_secret kid must be the key id")
        self.check(claims.get("iss") == TEAM_ID, "client_secret iss must be the team id")
        self.check(claims.get("sub") == self.client_id, "client_secret sub must be the client id")
        self.check(claims.get("aud") == "https://appleid.apple.com", "client_secret aud")
        self.check(claims.get("iat", now + 1) <= now + 5, "client_secret iat in the future")
        self.check(claims.get("exp", 0) > now, "client_secret expired")
        self.check(claims["exp"] - claims["iat"] <= 15_777_000, "client_secret lives too long")

    async def keys(self, request: Request) -> Response:
        return JSONResponse(self.jwks())
