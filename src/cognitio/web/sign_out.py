"""Signing out on the hosted pages: ``/logout`` (the developer guide's "The managed login
sign-out endpoint") and, for single logout with a SAML provider, ``/saml2/logout``.

``/logout`` ends the browser's hosted session and redirects to the app client's LogoutURL named
by ``logout_uri`` (with ``client_id``), or, with ``redirect_uri`` and the other /login
parameters, to the sign-in page. A session that came from a SAML provider with IDPSignout goes
first to the IdP with a signed LogoutRequest (:mod:`cognitio.services.federation.sign_out`);
the IdP answers at ``/saml2/logout`` and only then does the browser go where /logout was asked
to send it, that request checked again. A LogoutRequest from the IdP (IdP-initiated single
logout), which Cognito does not describe, is refused with an error page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cognitio.errors import InvalidRequest
from cognitio.services.federation.sign_in import FederationFailed, cookie_name
from cognitio.services.federation.sign_out import LogoutAnswer
from cognitio.web.context import web
from cognitio.web.federation import leave, origin, provider_form
from cognitio.web.pages import session_cookie

SAML_LOGOUT_PATH = "/saml2/logout"
# What the IdP may send on the Redirect binding: the same cap as its form posts.
_MAX_QUERY_CHARS = 100_000


async def logout(request: Request) -> Response:
    """``/logout``: the session ends; to the IdP first when it signs out too, else onward."""
    context = web(request)
    target, pool_id = await _destination(request, dict(request.query_params))
    name = session_cookie(pool_id)
    sign_on = await context.pages.hosted.end_session(request.cookies.get(name), pool_id)
    response: Response | None = None
    if sign_on is not None:
        departure = await context.services.federated_sign_out.depart(
            pool_id, sign_on, request.url.query, await origin(request, pool_id)
        )
        if departure is not None:
            response = leave(request, departure)
    if response is None:
        response = RedirectResponse(target, 302)
    response.delete_cookie(name, path="/")
    return response


async def saml_logout(request: Request) -> Response:
    """``/saml2/logout``: the IdP's LogoutResponse (POST or Redirect binding); then where the
    app's /logout asked to go."""
    context = web(request)
    if request.method == "POST":
        params = await provider_form(request)
        answer = LogoutAnswer(saml_response=params.get("SAMLResponse"))
    else:
        if len(request.url.query) > _MAX_QUERY_CHARS:
            raise InvalidRequest("The identity provider's answer is too large.")
        params = dict(request.query_params)
        answer = LogoutAnswer(raw_query=request.url.query)
    if "SAMLRequest" in params:
        raise InvalidRequest(
            "Sign-out requests from the identity provider are not accepted here. "
            "Sign out in the app, which signs you out of the identity provider too."
        )
    if not params.get("SAMLResponse"):
        raise InvalidRequest("The identity provider's answer carries no SAMLResponse.")
    sign_out = context.services.federated_sign_out
    try:
        trip = sign_out.trip_of(params.get("RelayState"))
        await sign_out.arrive(
            trip,
            answer,
            request.cookies.get(cookie_name(trip.id)),
            await origin(request, trip.pool_id),
            cookie_required=request.method == "GET" or context.pages.secure,
        )
    except FederationFailed as failure:
        raise InvalidRequest(failure.reason) from None
    query = dict(parse_qsl(trip.query, keep_blank_values=True))
    target, pool_id = await _destination(request, query)
    if pool_id != trip.pool_id:
        raise InvalidRequest("The sign-out request is not valid.")
    response = RedirectResponse(target, 302)
    response.delete_cookie(cookie_name(trip.id), path="/")
    return response


async def _destination(request: Request, query: dict[str, str]) -> tuple[str, str]:
    """Where /logout sends the browser (a LogoutURL of the client, or the sign-in page with
    the app's request), and the pool. Raises the OAuth errors the app's handlers answer."""
    pages, oauth = web(request).pages, web(request).services.oauth
    if "logout_uri" in query:
        return await oauth.logout_target(query.get("client_id"), query["logout_uri"])
    authorization = await pages.authorization(request, query)
    return f"/login?{urlencode(query)}", authorization.pool.id


ROUTES = [
    Route("/logout", logout, methods=["GET"]),
    Route(SAML_LOGOUT_PATH, saml_logout, methods=["GET", "POST"]),
]
