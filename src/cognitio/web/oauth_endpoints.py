"""The OAuth 2.0 endpoints that answer JSON: ``/oauth2/token``, ``/oauth2/userInfo`` and
``/oauth2/revoke`` (RFC 6749 section 5, OpenID Connect Core 5.3, RFC 7009).

Client authentication is HTTP Basic (``client_secret_basic``) or the form's ``client_secret``
(``client_secret_post``); errors are RFC 6749 section 5.2 JSON.
"""

from __future__ import annotations

import base64
import binascii
from typing import NotRequired, TypedDict
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cognitio.errors import InvalidClient, InvalidRequest, InvalidToken, OAuthError
from cognitio.services.tokens.tokens import TokenSet
from cognitio.web.context import web
from cognitio.web.limits import read_form


def oauth_error(error: OAuthError) -> JSONResponse:
    """RFC 6749 section 5.2 JSON, with the headers the error asks for."""
    body = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    return JSONResponse(body, status_code=error.status, headers=error.headers())


class TokenResponse(TypedDict):
    """RFC 6749 section 5.1's successful token response."""

    access_token: str
    expires_in: int
    token_type: str
    id_token: NotRequired[str]
    refresh_token: NotRequired[str]


def token_response(tokens: TokenSet) -> TokenResponse:
    """Tokens as RFC 6749 section 5.1 spells them (the implicit grant's fragment too)."""
    answer: TokenResponse = {
        "access_token": tokens.access_token,
        "expires_in": tokens.expires_in,
        "token_type": tokens.token_type,
    }
    if tokens.id_token is not None:
        answer["id_token"] = tokens.id_token
    if tokens.refresh_token is not None:
        answer["refresh_token"] = tokens.refresh_token
    return answer


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(client_id, client_secret) from ``Authorization: Basic``, form-decoded (RFC 6749 2.3.1)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient("The Authorization header is malformed.") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClient("The Authorization header is malformed.")
    return unquote(client_id), unquote(secret)


async def _form(request: Request) -> dict[str, str]:
    try:
        return await read_form(request)
    except HTTPException as error:  # not urlencoded, or too many or too long fields
        raise InvalidRequest(str(error.detail)) from None


async def token(request: Request) -> Response:
    oauth = web(request).services.oauth
    pool_id = await oauth.host_pool(request.headers.get("host", ""))
    tokens = await oauth.token(await _form(request), basic_credentials(request), pool_id)
    return JSONResponse(token_response(tokens))


async def userinfo(request: Request) -> Response:
    oauth = web(request).services.oauth
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise InvalidToken("A Bearer access token is required.")
    return JSONResponse(await oauth.userinfo(value.strip()))


async def revoke(request: Request) -> Response:
    oauth = web(request).services.oauth
    await oauth.revoke(await _form(request), basic_credentials(request))
    return Response(status_code=200)


# Their OAuthErrors answer RFC 6749 JSON (the app's handler asks ``PATHS``), and their answers
# are not stored (web.headers.SecurityHeaders).
ROUTES = [
    Route("/oauth2/token", token, methods=["POST"]),
    Route("/oauth2/userInfo", userinfo, methods=["GET", "POST"]),
    Route("/oauth2/revoke", revoke, methods=["POST"]),
]
PATHS = frozenset(route.path for route in ROUTES)
