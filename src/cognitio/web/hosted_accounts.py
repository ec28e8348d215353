"""Hosted pages for accounts: ``/signup`` and ``/confirm``, ``/forgotPassword`` and
``/confirmForgotPassword``. They call the same SignUp, ConfirmSignUp, ForgotPassword and
ConfirmForgotPassword services as the API (triggers, messages and all), standing in for the app
client — with its SecretHash when it has a secret — and end on the sign-in page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitio.errors import CognitoError
from cognitio.services.oauth.oauth import Authorization
from cognitio.web.context import web
from cognitio.web.pages import Pages


def api_params(
    pages: Pages, authorization: Authorization, username: str, **params: Any
) -> dict[str, Any]:
    """The API's parameters for ``username`` on the client's behalf, SecretHash included."""
    params = {"ClientId": authorization.client.id, "Username": username, **params}
    secret_hash = pages.hosted.secret_hash(authorization.client, username)
    if secret_hash is not None:
        params["SecretHash"] = secret_hash
    return params


async def signup_page(request: Request) -> Response:
    pages = web(request).pages
    query = str(request.url.query)
    checked = await pages.authorization(request, query)
    return pages.render(request, "signup.html", _signup_context(checked, query))


async def signup_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    email = form.get("email", "")
    context = _signup_context(checked, query, email=email)
    username = email if context["email_is_username"] else form.get("username", "")
    context["username"] = username
    if not pages.csrf_ok(request, form):
        context["error"] = "Your form expired; please try again."
        return pages.render(request, "signup.html", context, status=400)
    params = api_params(
        pages,
        checked,
        username,
        Password=form.get("password", ""),
        UserAttributes=[{"Name": "email", "Value": email}] if email else [],
    )
    try:
        answer = await self_service.sign_up(params)
    except CognitoError as error:
        context["error"] = str(error)
        return pages.render(request, "signup.html", context, status=400)
    if answer.get("UserConfirmed"):
        return pages.sign_in(
            request, checked, query, username=username, notice="Your account is ready. Sign in."
        )
    destination = answer.get("CodeDeliveryDetails", {}).get("Destination", "you")
    return pages.render(
        request,
        "confirm.html",
        {"query": query, "username": username, "destination": destination},
    )


async def confirm_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    username = form.get("username", "")
    context = {"query": query, "username": username, "destination": "you"}
    if not pages.csrf_ok(request, form):
        context["error"] = "Your form expired; please try again."
        return pages.render(request, "confirm.html", context, status=400)
    params = api_params(pages, checked, username, ConfirmationCode=form.get("code", "").strip())
    try:
        await self_service.confirm_sign_up(params)
    except CognitoError as error:
        context["error"] = str(error)
        return pages.render(request, "confirm.html", context, status=400)
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
    if not pages.csrf_ok(request, form):
        context = {"query": query, "error": "Your form expired; please try again."}
        return pages.render(request, "forgot.html", context, status=400)
    username = form.get("username", "")
    try:
        answer = await self_service.forgot_password(api_params(pages, checked, username))
    except CognitoError as error:
        context = {"query": query, "error": str(error)}
        return pages.render(request, "forgot.html", context, status=400)
    destination = answer.get("CodeDeliveryDetails", {}).get("Destination", "you")
    context = {"query": query, "username": username, "destination": destination}
    return pages.render(request, "reset.html", context)


async def reset_submit(request: Request) -> Response:
    pages, self_service = web(request).pages, web(request).services.self_service
    form, query, checked = await pages.posted(request)
    username = form.get("username", "")
    context = {"query": query, "username": username, "destination": "you"}
    if not pages.csrf_ok(request, form):
        context["error"] = "Your form expired; please try again."
        return pages.render(request, "reset.html", context, status=400)
    params = api_params(
        pages,
        checked,
        username,
        ConfirmationCode=form.get("code", "").strip(),
        Password=form.get("password", ""),
    )
    try:
        await self_service.confirm_forgot_password(params)
    except CognitoError as error:
        context["error"] = str(error)
        return pages.render(request, "reset.html", context, status=400)
    return pages.sign_in(
        request, checked, query, username=username, notice="Your password is changed. Sign in."
    )


ROUTES = [
    Route("/signup", signup_page, methods=["GET"]),
    Route("/signup", signup_submit, methods=["POST"]),
    Route("/confirm", confirm_submit, methods=["POST"]),
    Route("/forgotPassword", forgot_page, methods=["GET"]),
    Route("/forgotPassword", forgot_submit, methods=["POST"]),
    Route("/confirmForgotPassword", reset_submit, methods=["POST"]),
]


def _signup_context(authorization: Authorization, query: str, **values: str) -> dict[str, Any]:
    return {
        "query": query,
        "client_name": authorization.client.name,
        "email_is_username": "email" in authorization.pool.config.get("UsernameAttributes", []),
        "username": values.get("username", ""),
        "email": values.get("email", ""),
    }
