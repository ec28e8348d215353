"""Passkeys on the hosted pages: ``/passkeys/add``, where a user signed in on the hosted pages
registers a passkey and goes back to the app, and the pages' one script, which runs the browser's
WebAuthn ceremonies for this page and for the WEB_AUTHN sign-in step."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cognitio.errors import CognitoError, InvalidRequest, OAuthError
from cognitio.services.oauth import Authorization, RedirectError
from cognitio.web.hosted import session_cookie
from cognitio.web.pages import Pages


def passkey_routes(pages: Pages) -> list[Route]:
    async def checked(request: Request, query: dict[str, str]) -> Authorization:
        pool_id = await pages.oauth.host_pool(request.headers.get("host", ""))
        authorization = await pages.oauth.authorization(query, pool_id)
        await pages.dress(request, authorization)
        return authorization

    redirect_error, error_page = pages.redirect_error, pages.error
    form_of, csrf_ok = pages.form, pages.csrf_ok

    async def passkeys_add_page(request: Request) -> Response:
        """/passkeys/add: a signed-in user registers a passkey, then goes back to the app."""
        query = dict(request.query_params)
        try:
            authorization = await checked(request, query)
        except RedirectError as failure:
            return redirect_error(failure)
        except OAuthError as error:
            return error_page(request, error)
        cookie = request.cookies.get(session_cookie(authorization.pool.id))
        signed_in = pages.hosted.open_session(cookie, authorization.pool.id)
        if signed_in is None:
            return pages.sign_in(
                request, authorization, urlencode(query), error="Sign in to add a passkey."
            )
        try:
            options = await pages.hosted.passkey_options(authorization, signed_in[0])
        except CognitoError as error:
            return error_page(request, InvalidRequest(str(error)))
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
        form = await form_of(request)
        query = form.get("query", "")
        try:
            authorization = await checked(request, dict(parse_qsl(query)))
        except RedirectError as failure:
            return redirect_error(failure)
        except OAuthError as error:
            return error_page(request, error)
        cookie = request.cookies.get(session_cookie(authorization.pool.id))
        signed_in = pages.hosted.open_session(cookie, authorization.pool.id)
        if signed_in is None or not csrf_ok(request, form):
            return pages.sign_in(request, authorization, query, error="Sign in to add a passkey.")
        try:
            credential = orjson.loads(form.get("credential") or "null")
            await pages.hosted.add_passkey(authorization, signed_in[0], credential)
        except (CognitoError, orjson.JSONDecodeError) as error:
            return error_page(request, InvalidRequest(str(error)))
        return RedirectResponse(authorization.redirect_uri, 302)

    script = (Path(__file__).parent / "static" / "passkey.js").read_bytes()

    async def passkey_script(_request: Request) -> Response:
        return Response(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    return [
        Route("/_static/passkey.js", passkey_script, methods=["GET"]),
        Route("/passkeys/add", passkeys_add_page, methods=["GET"]),
        Route("/passkeys/add", passkeys_add_submit, methods=["POST"]),
    ]
