"""The web edge's errors answered in one place, registered as Starlette exception handlers by
:mod:`cognitio.app`: an :class:`~cognitio.errors.OAuthError` is RFC 6749 section 5.2 JSON on the
OAuth endpoints and the error page on a hosted page; a
:class:`~cognitio.services.oauth.oauth.RedirectError` goes back to the client's checked
redirect URI (RFC 6749 section 4.1.2.1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

from cognitio.errors import OAuthError
from cognitio.services.oauth.oauth import RedirectError
from cognitio.web import oauth_endpoints
from cognitio.web.context import web
from cognitio.web.pages import Pages


async def oauth_error(request: Request, error: Exception) -> Response:
    """JSON on the OAuth endpoints, the error page elsewhere."""
    assert isinstance(error, OAuthError)  # registered for OAuthError only
    if request.url.path in oauth_endpoints.PATHS:
        return oauth_endpoints.oauth_error(error)
    return web(request).pages.error(request, error)


async def redirect_error(_request: Request, failure: Exception) -> Response:
    """The error, sent back to the client's redirect URI."""
    assert isinstance(failure, RedirectError)  # registered for RedirectError only
    return Pages.redirect_error(failure)


HANDLERS: Mapping[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    OAuthError: oauth_error,
    RedirectError: redirect_error,
}
