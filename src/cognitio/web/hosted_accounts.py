"""Hosted pages for accounts: ``/signup`` and ``/confirm``, ``/forgotPassword`` and
``/confirmForgotPassword``. They call the same SignUp, ConfirmSignUp, ForgotPassword and
ConfirmForgotPassword services as the API (triggers, messages and all), for the app client the
authorization request names, as a trusted caller (no proof of the client's secret is asked
here, as on Cognito's managed login), and end on the sign-in page."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitio.errors import CognitoError
from cognitio.services.clients.app_clients import TrustedCaller
from cognitio.services.messages.notifications import Destination, mask
from cognitio.services.oauth.oauth import Authorization
from cognitio.services.pools.settings import pool_settings
from cognitio.services.users.sign_up import (
    ConfirmForgotPassword,
    ConfirmSignUp,
    ForgotPassword,
    SignUp,
)
from cognitio.web.context import web
from cognitio.web.pages import ShowAgain, posted_form


async def signup_page(request: Request) -> Response:
    pages = web(request).pages
    query = str(request.url.query)
    checked = await pages.authorization(request, query)
    return pages.render(request, "signup.html", _signup_context(checked, query))


async def signup_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    email = form.get("email", "")
    username = _signup_username(checked, form)
    command = SignUp(
        client_id=checked.client.id,
        username=username,
        password=form.get("password", ""),
        proof=_trusted(checked),
        attributes={"email": email} if email else {},
    )
    answer = await self_service.sign_up(command)
    if answer.confirmed:
        return pages.sign_in(
            request, checked, query, username=username, notice="Your account is ready. Sign in."
        )
    destination = _masked(answer.delivery)
    return pages.render(
        request,
        "confirm.html",
        {"query": query, "username": username, "destination": destination},
    )


async def confirm_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    username = form.get("username", "")
    code = form.get("code", "").strip()
    await self_service.confirm_sign_up(
        ConfirmSignUp(checked.client.id, username, code, _trusted(checked))
    )
    return pages.sign_in(
        request, checked, query, username=username, notice="Your account is confirmed. Sign in."
    )


async def forgot_page(request: Request) -> Response:
    pages = web(request).pages
    query = str(request.url.query)
    await pages.authorization(request, query)
    return pages.render(request, "forgot.html", {"query": query})


async def forgot_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    username = form.get("username", "")
    sent = await self_service.forgot_password(
        ForgotPassword(checked.client.id, username, _trusted(checked))
    )
    destination = _masked(sent)
    context = {"query": query, "username": username, "destination": destination}
    return pages.render(request, "reset.html", context)


async def reset_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    username = form.get("username", "")
    command = ConfirmForgotPassword(
        client_id=checked.client.id,
        username=username,
        code=form.get("code", "").strip(),
        password=form.get("password", ""),
        proof=_trusted(checked),
    )
    await self_service.confirm_forgot_password(command)
    return pages.sign_in(
        request, checked, query, username=username, notice="Your password is changed. Sign in."
    )


def _show_again(
    template: str, context: Callable[[dict[str, str], str, Authorization], dict[str, object]]
) -> ShowAgain:
    """The form's page again (``template`` with ``context``), saying why, with status 400."""

    def again(request: Request, error: CognitoError | None) -> Response:
        form, query, checked = posted_form(request)
        values = context(form, query, checked)
        values["error"] = "Your form expired; please try again." if error is None else str(error)
        return web(request).pages.render(request, template, values, status=400)

    return again


def _code_form(form: dict[str, str], query: str, _checked: Authorization) -> dict[str, object]:
    return {"query": query, "username": form.get("username", ""), "destination": "you"}


# What a CognitoError raised while answering a form shows (web.errors); a refused CSRF token too.
SHOW_AGAIN: dict[tuple[str, str], ShowAgain] = {
    ("POST", "/signup"): _show_again(
        "signup.html", lambda form, query, checked: _signup_form(checked, query, form)
    ),
    ("POST", "/confirm"): _show_again("confirm.html", _code_form),
    ("POST", "/forgotPassword"): _show_again("forgot.html", lambda _f, query, _c: {"query": query}),
    ("POST", "/confirmForgotPassword"): _show_again("reset.html", _code_form),
}

ROUTES = [
    Route("/signup", signup_page, methods=["GET"]),
    Route("/signup", signup_submit, methods=["POST"]),
    Route("/confirm", confirm_submit, methods=["POST"]),
    Route("/forgotPassword", forgot_page, methods=["GET"]),
    Route("/forgotPassword", forgot_submit, methods=["POST"]),
    Route("/confirmForgotPassword", reset_submit, methods=["POST"]),
]


def _signup_context(authorization: Authorization, query: str, **values: str) -> dict[str, object]:
    return {
        "query": query,
        "client_name": authorization.client.name,
        "email_is_username": "email" in pool_settings(authorization.pool).username_attributes,
        "username": values.get("username", ""),
        "email": values.get("email", ""),
    }


def _signup_form(checked: Authorization, query: str, form: dict[str, str]) -> dict[str, object]:
    """The sign-up page's values for a submitted form."""
    email = form.get("email", "")
    return _signup_context(checked, query, email=email, username=_signup_username(checked, form))


def _signup_username(checked: Authorization, form: dict[str, str]) -> str:
    """The username a sign-up form asks for: the email in a pool that signs in with it."""
    if "email" in pool_settings(checked.pool).username_attributes:
        return form.get("email", "")
    return form.get("username", "")


def _trusted(authorization: Authorization) -> TrustedCaller:
    """The pages call for the client their authorization request named and checked."""
    return TrustedCaller(client_id=authorization.client.id, via="hosted pages")


def _masked(destination: Destination | None) -> str:
    """Where the code went, as Cognito masks it ("you" when it went nowhere)."""
    return "you" if destination is None else mask(destination.attribute, destination.address)
