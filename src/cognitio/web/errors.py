"""The web edge's errors answered in one place, registered as Starlette exception handlers by
:mod:`cognitio.app`: an :class:`~cognitio.errors.OAuthError` is RFC 6749 section 5.2 JSON on the
OAuth endpoints and the error page on a hosted page; a
:class:`~cognitio.services.oauth.oauth.RedirectError` goes back to the client's checked
redirect URI (RFC 6749 section 4.1.2.1); a refused CSRF token
(:class:`~cognitio.web.csrf.FormExpired`) and a :class:`~cognitio.errors.CognitoError` from the
services a form calls show that form again, saying why (each page module's ``SHOW_AGAIN``). Any
other CognitoError, and one of status 500, stays a server error, whose detail is only logged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

from cognitio.errors import CognitoError, OAuthError
from cognitio.services.oauth.oauth import RedirectError
from cognitio.web import hosted, hosted_accounts, hosted_passkeys, oauth_endpoints
from cognitio.web.context import web
from cognitio.web.csrf import FormExpired
from cognitio.web.pages import Pages, ShowAgain

_SHOW_AGAIN: dict[tuple[str, str], ShowAgain] = {
    **hosted.SHOW_AGAIN,
    **hosted_accounts.SHOW_AGAIN,
    **hosted_passkeys.SHOW_AGAIN,
}


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


async def form_expired(request: Request, _error: Exception) -> Response:
    """The form again, asking to send it once more: nothing it asked for was done."""
    return _SHOW_AGAIN[request.method, request.url.path](request, None)


async def cognito_error(request: Request, error: Exception) -> Response:
    """A form's service said no: the form again, with the service's message."""
    assert isinstance(error, CognitoError)  # registered for CognitoError only
    again = _SHOW_AGAIN.get((request.method, request.url.path))
    if again is None or error.status >= 500:
        raise error
    return again(request, error)


HANDLERS: Mapping[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    OAuthError: oauth_error,
    RedirectError: redirect_error,
    FormExpired: form_expired,
    CognitoError: cognito_error,
}
