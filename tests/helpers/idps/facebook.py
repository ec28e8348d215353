"""A Facebook stand-in: the manual login flow's dialog, the **GET** token request with
client_id, client_secret, redirect_uri and code in the query, and the Graph ``/me?fields=``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.helpers.idps.base import Handler, StandIn

VERSION = "v17.0"
PROFILE = {
    "id": "1613644985567812",
    "name": "Ada Lovelace",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "birthday": "12/10/1815",
}


class FacebookStandIn(StandIn):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.fields: list[list[str]] = []

    def routes(self) -> list[tuple[str, Handler, list[str]]]:
        return [
            (f"/{VERSION}/dialog/oauth", self.dialog, ["GET"]),
            (f"/{VERSION}/oauth/access_token", self.access_token, ["GET", "POST"]),
            (f"/{VERSION}/me", self.me, ["GET"]),
        ]

    async def dialog(self, request: Request) -> Response:
        params = self.params(request)
        grant = self.check_authorize(params, separator=",")
        return self.redirect_with_code(params, grant)

    async def access_token(self, request: Request) -> Response:
        self.check(request.method == "GET", "the token request must be a GET")
        grant = self.redeem(dict(request.query_params))
        return JSONResponse(
            {"access_token": grant.access_token, "token_type": "bearer", "expires_in": 5183944}
        )

    async def me(self, request: Request) -> Response:
        self.bearer(request)
        fields = request.query_params.get("fields", "").split(",")
        self.fields.append(fields)
        self.check("id" in fields, "fields must include id")
        return JSONResponse({field: PROFILE[field] for field in fields if field in PROFILE})
