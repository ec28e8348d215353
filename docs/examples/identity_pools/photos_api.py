"""A photos API that only Cognitio's credentials can use: SigV4Middleware checks each request's
signature, PolicyAuthorizer lets the caller's role (cognitio.toml's [iam]) decide.

    COGNITIO_MASTER_KEY=<the server's> python photos_api.py cognitio.toml 8080
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as Endpoint

from cognitio.authz.authorizer import PolicyAuthorizer
from cognitio.authz.middleware import SigV4Middleware, principal_of
from cognitio.authz.targets import Route, RouteTable
from cognitio.authz.verifier import Verifier
from cognitio.config import load_settings
from cognitio.crypto.envelope import envelope_for
from cognitio.services.sts.credentials import CredentialAuthority

# Each route names the action and resource the role's policies are evaluated for.
ROUTES = RouteTable(
    [
        Route("GET", "/photos/{key+}", "s3:GetObject", "arn:aws:s3:::photos/{key}"),
        Route("PUT", "/photos/{key+}", "s3:PutObject", "arn:aws:s3:::photos/{key}"),
    ]
)


def photos() -> Starlette:
    """The API itself: an in-memory store, which never sees an unsigned or refused request."""
    stored = {"public/welcome.txt": b"Welcome!"}

    async def read(request: Request) -> Response:
        found = stored.get(request.path_params["key"])
        return Response(found, media_type="text/plain") if found else Response(status_code=404)

    async def write(request: Request) -> Response:
        stored[request.path_params["key"]] = await request.body()
        owner = principal_of(request.scope).claims.identity_id
        return Response(f"stored for {owner}", media_type="text/plain")

    return Starlette(
        routes=[
            Endpoint("/photos/{key:path}", read, methods=["GET"]),
            Endpoint("/photos/{key:path}", write, methods=["PUT"]),
        ]
    )


def protected(config_file: str) -> SigV4Middleware:
    """photos() behind the verifier and the roles' policies, with the server's master key
    (COGNITIO_MASTER_KEY) and the roles of ``config_file``."""
    settings = load_settings({"config_file": config_file})
    authority = CredentialAuthority.from_envelope(
        envelope_for(settings), settings.credential_key_ids
    )
    verifier = Verifier(authority, regions={settings.region}, services={"execute-api"})
    authorizer = PolicyAuthorizer(settings.iam_roles, targets=ROUTES)
    return SigV4Middleware(photos(), verifier, authorizer)


if __name__ == "__main__":
    config_file, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(protected(config_file), host="127.0.0.1", port=port)
