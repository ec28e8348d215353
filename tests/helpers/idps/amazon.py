"""A Login with Amazon stand-in: ``/ap/oa``, the POSTed ``/auth/o2/token`` and ``/user/profile``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.helpers.idps.base import Handler, StandIn

PROFILE = {
    "user_id": "amzn1.account.AELVZ2EXAMPLE7PCFCCVBQ",
    "name": "Hedy Lamarr",
    "email": "hedy@example.com",
    "postal_code": "98109",
}


class AmazonStandIn(StandIn):
    def routes(self) -> list[tuple[str, Handler, list[str]]]:
        return [
            ("/ap/oa", self.authorize, ["GET"]),
            ("/auth/o2/token", self.token, ["GET", "POST"]),
            ("/user/profile", self.profile, ["GET"]),
        ]

    async def authorize(self, request: Request) -> Response:
        params = self.params(request)
        grant = self.check_authorize(params)
        return self.redirect_with_code(params, grant)

    async def token(self, request: Request) -> Response:
        self.check(request.method == "POST", "the token request must be a POST")
        params = self.params(request)
        self.check(params.get("grant_type") == "authorization_code", "wrong grant_type")
        grant = self.redeem(params)
        return JSONResponse(
            {
                "access_token": grant.access_token,
                "refresh_token": "Atzr|refresh",
                "token_type": "bearer",
                "expires_in": 3600,
            }
        )

    async def profile(self, request: Request) -> Response:
        self.bearer(request)
        return JSONResponse(PROFILE)
