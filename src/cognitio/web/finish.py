"""The end of every sign-in on the hosted pages: the app's answer at its redirect URI."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cognitio.services.oauth.oauth import Authorization
from cognitio.web.context import web
from cognitio.web.oauth_endpoints import token_response
from cognitio.web.pages import with_query


async def finish(request: Request, authorization: Authorization, sub: str, at: int) -> Response:
    """A code (or, for response_type=token, the tokens in the fragment) for the signed-in user,
    sent to the app's checked redirect URI with its state."""
    oauth = web(request).services.oauth
    if authorization.response_type == "token":
        tokens = await oauth.implicit(authorization, sub, at)
        params = {k: str(v) for k, v in token_response(tokens).items()}
        if authorization.state is not None:
            params["state"] = authorization.state
        return RedirectResponse(f"{authorization.redirect_uri}#{urlencode(params)}", 302)
    code = await oauth.issue_code(authorization, sub, at)
    params = {"code": code}
    if authorization.state is not None:
        params["state"] = authorization.state
    return RedirectResponse(with_query(authorization.redirect_uri, params), 302)
