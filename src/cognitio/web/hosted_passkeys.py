"""Passkeys on the hosted pages: ``/passkeys/add``, where a user signed in on the hosted pages
registers a passkey and goes back to the app, and the pages' one script, which runs the browser's
WebAuthn ceremonies for this page and for the WEB_AUTHN sign-in step."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cognitio.documents import JsonValue
from cognitio.errors import CognitoError, InvalidRequest
from cognitio.web.context import web
from cognitio.web.pages import ShowAgain, posted_form


async def passkeys_add_page(request: Request) -> Response:
    """/passkeys/add: a signed-in user registers a passkey, then goes back to the app."""
    pages = web(request).pages
    query = dict(request.query_params)
    authorization = await pages.authorization(request, query)
    signed_in = await pages.signed_in(request, authorization)
    if signed_in is None:
        return pages.sign_in(
            request, authorization, urlencode(query), error="Sign in to add a passkey."
        )
    options = await pages.hosted.passkey_options(authorization, signed_in[0])
    return pages.passkey(
        request,
        mode="create",
        action="/passkeys/add",
        options=options,
        query=urlencode(query),
        session="",
        heading="Add a passkey",
        hint="Your browser will ask where to keep the new passkey.",
        button="Create a passkey",
    )


async def passkeys_add_submit(request: Request) -> Response:
    pages = web(request).pages
    form, query, authorization = await pages.posted(request)
    signed_in = await pages.signed_in(request, authorization)
    if signed_in is None:
        return pages.sign_in(request, authorization, query, error="Sign in to add a passkey.")
    credential = _credential(form)
    await pages.hosted.add_passkey(authorization, signed_in[0], credential)
    return RedirectResponse(authorization.redirect_uri, 302)


def _credential(form: dict[str, str]) -> JsonValue:
    """The browser's answer to the ceremony, as JSON (checked by the passkey service)."""
    try:
        credential: JsonValue = orjson.loads(form.get("credential") or "null")
    except orjson.JSONDecodeError as error:
        raise InvalidRequest(str(error)) from None
    return credential


def _passkey_again(request: Request, error: CognitoError | None) -> Response:
    """A refused form signs in again; a refused passkey is the error page."""
    pages = web(request).pages
    if error is not None:
        return pages.error(request, InvalidRequest(str(error)))
    _form, query, authorization = posted_form(request)
    return pages.sign_in(request, authorization, query, error="Sign in to add a passkey.")


# What a CognitoError raised while answering shows (web.errors); a refused CSRF token too.
SHOW_AGAIN: dict[tuple[str, str], ShowAgain] = {
    ("GET", "/passkeys/add"): _passkey_again,
    ("POST", "/passkeys/add"): _passkey_again,
}

_SCRIPT = (Path(__file__).parent / "static" / "passkey.js").read_bytes()


async def passkey_script(_request: Request) -> Response:
    return Response(_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


ROUTES = [
    Route("/_static/passkey.js", passkey_script, methods=["GET"]),
    Route("/passkeys/add", passkeys_add_page, methods=["GET"]),
    Route("/passkeys/add", passkeys_add_submit, methods=["POST"]),
]
