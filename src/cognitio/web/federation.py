"""Sign-in through external identity providers on the hosted pages: the way out from
``/oauth2/authorize`` (``identity_provider`` or ``idp_identifier``), and the way back at
``/oauth2/idpresponse`` (GET, and the form post Sign in with Apple uses) and
``/saml2/idpresponse`` (a SAML provider's HTTP-POST binding).

The trip's cookie is SameSite=Lax on a server without https, where a provider's form post does
not bring it back (so a missing cookie is let pass there, a wrong one never); with https it is
SameSite=None and Secure, and required on every return.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cognitio.errors import InvalidRequest
from cognitio.services.federation.round_trip import LIFETIME_MS
from cognitio.services.federation.sign_in import (
    Arrival,
    Departure,
    FederationFailed,
    cookie_name,
)
from cognitio.services.hosted.hosted import SESSION_SECONDS
from cognitio.services.oauth.oauth import Authorization, RedirectError
from cognitio.web.context import web
from cognitio.web.finish import finish
from cognitio.web.pages import session_cookie

CALLBACK_PATH = "/oauth2/idpresponse"
SAML_PATH = "/saml2/idpresponse"
# Cognito's limit on what a provider may post back.
_MAX_FORM_CHARS = 100_000


async def origin(request: Request, pool_id: str | None) -> str:
    """Where providers answer (``/oauth2/idpresponse``, ``/saml2/idpresponse``): the pool's
    domain when the request came to one of ``pool_id``'s domains (any pool's when None: an
    unsolicited SAML response names its pool later, and is checked against this origin), else
    the server's public URL. Never a Host header that names no domain: a provider would be
    sent to it, and the SAML recipient check would read it."""
    context = web(request)
    host = request.headers.get("host", "")
    found = await context.services.oauth.host_pool(host)
    if found is not None and pool_id in (None, found):
        scheme = "https" if context.pages.secure else "http"
        return f"{scheme}://{host.lower()}"
    return context.services.tokens.base_url


async def depart(request: Request, authorization: Authorization, query: dict[str, str]) -> Response:
    """``/oauth2/authorize`` naming a provider: to the provider, with the trip's cookie."""
    context = web(request)
    name = query.get("identity_provider")
    identifier = query.get("idp_identifier")
    if not name and identifier:
        found = await context.services.identity_providers.name_by_identifier(
            authorization.pool.id, identifier
        )
        if found is None:
            raise RedirectError(authorization, InvalidRequest("No identity provider matches."))
        name = found
    assert name  # the caller routes here only when one of the two is given
    try:
        departure = await context.services.federation.depart(
            authorization.pool,
            authorization.client,
            name,
            request.url.query,
            await origin(request, authorization.pool.id),
        )
    except FederationFailed as failure:
        raise RedirectError(authorization, InvalidRequest(failure.reason)) from None
    return leave(request, departure)


def leave(request: Request, departure: Departure) -> Response:
    """To a provider, setting the cookie that binds the trip to this browser."""
    response = RedirectResponse(departure.url, 302)
    secure = web(request).pages.secure
    response.set_cookie(
        departure.cookie_name,
        departure.cookie_value,
        max_age=LIFETIME_MS // 1000,
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
        path="/",
    )
    return response


async def provider_form(request: Request) -> dict[str, str]:
    """What a provider posted back, each value at most Cognito's 100,000 characters (the
    body itself within web.limits.PROVIDER_BODY: a form's encoding makes it longer)."""
    body = await request.body()
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    if any(len(value) > _MAX_FORM_CHARS for value in form.values()):
        raise InvalidRequest("The identity provider's answer is too large.")
    return form


async def idp_response(request: Request) -> Response:
    """What an OIDC or social provider sends back (a redirect, or Apple's form post)."""
    context = web(request)
    params = (
        await provider_form(request) if request.method == "POST" else dict(request.query_params)
    )
    federation = context.services.federation
    try:
        trip = federation.trip_of(params)
        arrival = await federation.arrive(
            trip,
            params,
            request.cookies.get(cookie_name(trip.id)),
            await origin(request, trip.pool_id),
            cookie_required=request.method == "GET" or context.pages.secure,
        )
    except FederationFailed as failure:
        return await _failed(request, failure)
    return await _arrived(request, arrival, trip.id)


async def saml_response(request: Request) -> Response:
    """What a SAML provider posts back to the assertion consumer service."""
    context = web(request)
    form = await provider_form(request)
    federation = context.services.federation
    relay_state = form.get("RelayState", "")
    if "client_id=" in relay_state:
        # IdP-initiated: the RelayState is the app's request (a sealed trip never has "=").
        try:
            arrival = await federation.arrive_unsolicited(
                relay_state,
                form.get("SAMLResponse", ""),
                await origin(request, None),
            )
        except FederationFailed as failure:
            return await _failed(request, failure)
        return await _arrived(request, arrival, None)
    try:
        trip = federation.trip_of({"state": relay_state})
        arrival = await federation.arrive_saml(
            trip,
            form.get("SAMLResponse", ""),
            request.cookies.get(cookie_name(trip.id)),
            await origin(request, trip.pool_id),
            cookie_required=context.pages.secure,
        )
    except FederationFailed as failure:
        return await _failed(request, failure)
    return await _arrived(request, arrival, trip.id)


async def _failed(request: Request, failure: FederationFailed) -> Response:
    """The error to the app when its request is known, else the error page."""
    if failure.query is None:
        raise InvalidRequest(failure.reason)
    authorization = await web(request).pages.authorization(request, failure.query)
    raise RedirectError(authorization, InvalidRequest(failure.reason))


async def _arrived(request: Request, arrival: Arrival, trip_id: str | None) -> Response:
    """The app's request finished for the signed-in user, who also gets a hosted session."""
    context = web(request)
    authorization = await context.pages.authorization(request, arrival.query)
    response = await finish(request, authorization, arrival.sub, arrival.auth_time)
    response.set_cookie(
        session_cookie(arrival.pool_id),
        await context.pages.hosted.start_session(arrival.pool_id, arrival.sub, arrival.sign_on),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=context.pages.secure,
        path="/",
    )
    if trip_id is not None:
        response.delete_cookie(cookie_name(trip_id), path="/")
    return response


ROUTES = [
    Route(CALLBACK_PATH, idp_response, methods=["GET", "POST"]),
    Route(SAML_PATH, saml_response, methods=["POST"]),
]
