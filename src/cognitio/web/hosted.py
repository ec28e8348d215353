"""The hosted pages and the browser side of OAuth: ``/oauth2/authorize``, ``/login`` and ``/mfa``
(the developer guide's "User pool endpoints and managed login reference"; ``/logout`` is in
:mod:`cognitio.web.sign_out`).

Pages are server-rendered, work without JavaScript, and every form carries a CSRF token (a
random cookie, SameSite=Strict, echoed in a hidden field and compared in constant time). A
successful sign-in leaves a hosted session cookie (sealed, HttpOnly, SameSite=Lax, an hour) that
signs the user in to the pool's other clients until ``/logout``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import orjson
import pyotp
import segno
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cognitio.errors import CognitoError, InvalidRequest, LoginRequired
from cognitio.services.hosted.hosted import SESSION_SECONDS
from cognitio.services.oauth.oauth import Authorization, RedirectError
from cognitio.services.signin.challenges import CHALLENGES
from cognitio.services.signin.mfa_challenges import associate_in_setup, verify_in_setup
from cognitio.services.signin.request import (
    ChallengeIssued,
    HostedSignIn,
    RespondToAuthChallenge,
    Step,
)
from cognitio.web import federation
from cognitio.web.context import web
from cognitio.web.finish import finish
from cognitio.web.pages import ShowAgain, SignInOptions, posted_form, session_cookie

# The SELECT_MFA_TYPE options: each factor's name as the challenge that asks for it.
_OPTION_NAMES = {name: c.label for name, c in CHALLENGES.items() if c.label is not None}


# A branding asset may be an SVG, which can hold script: opened directly, it would run on the
# pages' origin. Served sandboxed, with no source allowed but its own inline styles, it is only
# an image (in an <img> it never runs script anyway).
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Content-Disposition": "inline",
}


async def authorize(request: Request) -> Response:
    pages = web(request).pages
    query = dict(request.query_params)
    authorization = await pages.authorization(request, query)
    provider = query.get("identity_provider")
    if (provider and provider != "COGNITO") or (not provider and query.get("idp_identifier")):
        return await federation.depart(request, authorization, query)
    if provider == "COGNITO" and not _allows_cognito(request):
        raise RedirectError(
            authorization, InvalidRequest("The app client does not allow sign-in with COGNITO.")
        )
    signed_in = await pages.signed_in(request, authorization)
    if signed_in is None and query.get("prompt") == "none":
        # OpenID Connect Core 3.1.2.6: no page may be shown, so say so to the client.
        raise RedirectError(authorization, LoginRequired("Sign-in needed."))
    if signed_in is None or query.get("prompt") == "login":
        query.pop("prompt", None)
        return RedirectResponse(f"/login?{urlencode(query)}", 302)
    # An OAuthError here (the user went away since signing in) is the app's error page.
    return await finish(request, authorization, *signed_in)


async def login_page(request: Request) -> Response:
    pages = web(request).pages
    query = dict(request.query_params)
    authorization = await pages.authorization(request, query)
    return pages.sign_in(request, authorization, urlencode(query))


async def after_step(
    request: Request, authorization: Authorization, query: str, result: Step
) -> Response:
    pages = web(request).pages
    page, error_page = pages.render, pages.error
    if isinstance(result, HostedSignIn):
        sub = result.sub
        response = RedirectResponse(f"/oauth2/authorize?{query}", 302)
        response.set_cookie(
            session_cookie(authorization.pool.id),
            await pages.hosted.start_session(authorization.pool.id, sub),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="lax",
            secure=pages.secure,
            path="/",
        )
        return response
    if not isinstance(result, ChallengeIssued):  # tokens: never, on the hosted pages
        return error_page(request, InvalidRequest("The sign-in did not end on these pages."))
    name = result.name
    challenge = CHALLENGES.get(name)
    if challenge is not None and challenge.page == "setup":
        return await setup_page(request, authorization, query, result)
    if challenge is not None and challenge.page == "passkey":
        request_options = result.parameters["CREDENTIAL_REQUEST_OPTIONS"]
        return pages.passkey(
            request,
            mode="get",
            action="/mfa",
            options=orjson.loads(request_options),
            query=query,
            session=result.session or "",
            heading="Sign in with your passkey",
            hint="Your browser will ask for the passkey you registered.",
            button="Use my passkey",
        )
    if challenge is None or challenge.page != "form":
        return error_page(
            request, InvalidRequest(f"The {name} step is not on the hosted pages yet.")
        )
    parameters = result.parameters
    fields = [field.name for field in challenge.fields]
    options = []
    if "answer" in fields:
        options = list(orjson.loads(parameters.get("MFAS_CAN_CHOOSE", "[]")))
    hint = challenge.hint
    return page(
        request,
        "challenge.html",
        {
            "heading": challenge.heading,
            "hint": None if hint is None else hint.format_map(_Missing(parameters)),
            "challenge": name,
            "fields": fields,
            "session": result.session or "",
            "query": query,
            "username": parameters.get("USER_ID_FOR_SRP", ""),
            "options": options,
            "option_names": _OPTION_NAMES,
        },
    )


async def setup_page(
    request: Request, authorization: Authorization, query: str, result: ChallengeIssued
) -> Response:
    """MFA_SETUP: a new software token, shown as a QR code and as its key."""
    auth = web(request).services.auth
    page = web(request).pages.render
    username = result.parameters.get("USER_ID_FOR_SRP", "")
    associated = await associate_in_setup(auth.context, result.session or "")
    secret = associated.secret_code
    label = f"{authorization.pool.name}:{username}"
    uri = pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=authorization.pool.name)
    context = {
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=5, title="QR code"),
        "secret": secret,
        "session": associated.session,
        "query": query,
        "username": username,
    }
    return page(request, "mfa_setup.html", context)


async def login_submit(request: Request) -> Response:
    pages, auth = web(request).pages, web(request).services.auth
    form, query, authorization = await pages.posted(request)
    if not _allows_cognito(request):
        # The page shows no form then; a forged one is refused the same way.
        return pages.sign_in(
            request, authorization, query, error="This app signs you in with another account."
        )
    username, password = form.get("username", ""), form.get("password", "")
    method = form.get("method")
    if method in ("code", "passkey") and username:
        factor = "WEB_AUTHN" if method == "passkey" else None
        result = await auth.hosted_first_factor(authorization.client.id, username, factor)
        return await after_step(request, authorization, query, result)
    if not username or not password:
        return pages.sign_in(
            request,
            authorization,
            query,
            error="Enter your username and password.",
            username=username,
        )
    result = await auth.hosted_sign_in(authorization.client.id, username, password)
    return await after_step(request, authorization, query, result)


async def mfa_submit(request: Request) -> Response:
    pages, auth = web(request).pages, web(request).services.auth
    form, query, authorization = await pages.posted(request)
    name = form.get("challenge", "")
    challenge = CHALLENGES.get(name)
    if challenge is None or challenge.page is None:
        return pages.sign_in(
            request, authorization, query, error="That step is not on the hosted pages."
        )
    session = form.get("session", "")
    responses = {"USERNAME": form.get("username", "")}
    if challenge.page == "setup":
        session = await verify_in_setup(auth.context, session, form.get("code", "").strip())
    for field in challenge.fields:
        value = form.get(field.name, "")
        responses[field.member] = value.strip() if field.strip else value
    command = RespondToAuthChallenge(authorization.client.id, name, responses, session)
    result = await auth.respond_hosted(command)
    return await after_step(request, authorization, query, result)


async def branding_image(request: Request) -> Response:
    pages = web(request).pages
    path = request.path_params
    found = await pages.hosted.branding_image(path["pool_id"], path["kind"], path["client_id"])
    if found is None:
        return Response(status_code=404)
    data, kind = found
    return Response(data, media_type=kind, headers=ASSET_HEADERS)


def _login_again(request: Request, error: CognitoError | None) -> Response:
    """The sign-in page again, saying why."""
    pages = web(request).pages
    form, query, authorization = posted_form(request)
    if error is None:
        return pages.sign_in(
            request, authorization, query, error="Your form expired; please try again."
        )
    username = form.get("username", "")
    return pages.sign_in(request, authorization, query, error=str(error), username=username)


def _challenge_again(request: Request, error: CognitoError | None) -> Response:
    """A wrong answer uses the step up: the user signs in again."""
    pages = web(request).pages
    _form, query, authorization = posted_form(request)
    if error is None:
        message = "Your form expired; please sign in again."
    else:
        message = f"{error} Please sign in again."
    return pages.sign_in(request, authorization, query, error=message)


# What a CognitoError raised while answering a form shows (web.errors); a refused CSRF token too.
SHOW_AGAIN: dict[tuple[str, str], ShowAgain] = {
    ("POST", "/login"): _login_again,
    ("POST", "/mfa"): _challenge_again,
}

ROUTES = [
    Route("/_branding/{pool_id}/{kind:str}/{client_id}", branding_image, methods=["GET"]),
    Route("/oauth2/authorize", authorize, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/mfa", mfa_submit, methods=["POST"]),
]


def _allows_cognito(request: Request) -> bool:
    """Whether the app client (checked for this request) lets the pool's own users sign in."""
    options: SignInOptions | None = getattr(request.state, "sign_in", None)
    return options is None or options.cognito


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""
