"""A Google stand-in: OIDC code flow (fixed endpoints, RS256 ID tokens, JWKS) and the People
API's ``people/me?personFields=``. It checks the redirect_uri, scopes, nonce, the POSTed token
request with client_secret_post, and which person fields Cognitio asks for."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.helpers.idps.base import Handler, StandIn

SUB = "106993472931873640517"
PERSON = {
    "resourceName": f"people/{SUB}",
    "names": [{"displayName": "Grace Hopper", "givenName": "Grace", "familyName": "Hopper"}],
    "birthdays": [{"date": {"year": 1906, "month": 12, "day": 9}}],
    "genders": [{"value": "female"}],
    "phoneNumbers": [{"value": "+1 555 0100"}],
}


class GoogleStandIn(StandIn):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.person_fields: list[list[str]] = []

    def routes(self) -> list[tuple[str, Handler, list[str]]]:
        return [
            ("/o/oauth2/v2/auth", self.authorize, ["GET"]),
            ("/oauth2/v4/token", self.token, ["GET", "POST"]),
            ("/oauth2/v3/certs", self.certs, ["GET"]),
            ("/v1/people/me", self.people, ["GET"]),
        ]

    async def authorize(self, request: Request) -> Response:
        params = self.params(request)
        grant = self.check_authorize(params)
        self.check(bool(grant.nonce), "no nonce")
        return self.redirect_with_code(params, grant)

    async def token(self, request: Request) -> Response:
        self.check(request.method == "POST", "the token request must be a POST")
        params = self.params(request)
        self.check(params.get("grant_type") == "authorization_code", "wrong grant_type")
        grant = self.redeem(params)
        claims = self.id_token_claims(
            grant,
            SUB,
            email="grace@example.com",
            email_verified=True,
            picture="https://example.com/grace.png",
            azp=self.client_id,
        )
        return JSONResponse(
            {
                "access_token": grant.access_token,
                "expires_in": 3599,
                "token_type": "Bearer",
                "scope": " ".join(grant.scopes),
                "id_token": self.sign(claims),
            }
        )

    async def certs(self, request: Request) -> Response:
        return JSONResponse(self.jwks())

    async def people(self, request: Request) -> Response:
        self.bearer(request)
        fields = request.query_params.get("personFields", "").split(",")
        self.person_fields.append(fields)
        self.check(all(field in PERSON for field in fields), f"unknown person fields {fields}")
        return JSONResponse(
            {"resourceName": PERSON["resourceName"]} | {f: PERSON[f] for f in fields}
        )
