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
from cognitio.services.oauth import Authorization
from cognitio.services.sign_up import SelfService
from cognitio.web.pages import Pages


def account_routes(pages: Pages, self_service: SelfService) -> list[Route]:
    def email_is_username(authorization: Authorization) -> bool:
        return "email" in authorization.pool.config.get("UsernameAttributes", [])

    def api_params(authorization: Authorization, username: str, **params: Any) -> dict[str, Any]:
        params = {"ClientId": authorization.client.id, "Username": username, **params}
        secret_hash = pages.hosted.secret_hash(authorization.client, username)
        if secret_hash is not None:
            params["SecretHash"] = secret_hash
        return params

    def sign_in(
        request: Request, authorization: Authorization, query: str, notice: str
    ) -> Response:
        context = {
            "query": query,
            "username": "",
            "notice": notice,
            "client_name": authorization.client.name,
        }
        return pages.render(request, "login.html", context)

    async def signup_page(request: Request) -> Response:
        query = str(request.url.query)
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        return pages.render(request, "signup.html", _signup_context(checked, query))

    async def signup_submit(request: Request) -> Response:
        form = await pages.form(request)
        query = form.get("query", "")
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        email = form.get("email", "")
        username = email if email_is_username(checked) else form.get("username", "")
        context = _signup_context(checked, query, username=username, email=email)
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "signup.html", context, status=400)
        params = api_params(
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
            return sign_in(request, checked, query, "Your account is ready. Sign in.")
        destination = answer.get("CodeDeliveryDetails", {}).get("Destination", "you")
        return pages.render(
            request,
            "confirm.html",
            {"query": query, "username": username, "destination": destination},
        )

    async def confirm_submit(request: Request) -> Response:
        form = await pages.form(request)
        query = form.get("query", "")
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        username = form.get("username", "")
        context = {"query": query, "username": username, "destination": "you"}
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "confirm.html", context, status=400)
        params = api_params(checked, username, ConfirmationCode=form.get("code", "").strip())
        try:
            await self_service.confirm_sign_up(params)
        except CognitoError as error:
            context["error"] = str(error)
            return pages.render(request, "confirm.html", context, status=400)
        return sign_in(request, checked, query, "Your account is confirmed. Sign in.")

    async def forgot_page(request: Request) -> Response:
        query = str(request.url.query)
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        return pages.render(request, "forgot.html", {"query": query})

    async def forgot_submit(request: Request) -> Response:
        form = await pages.form(request)
        query = form.get("query", "")
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        if not pages.csrf_ok(request, form):
            context = {"query": query, "error": "Your form expired; please try again."}
            return pages.render(request, "forgot.html", context, status=400)
        username = form.get("username", "")
        try:
            answer = await self_service.forgot_password(api_params(checked, username))
        except CognitoError as error:
            context = {"query": query, "error": str(error)}
            return pages.render(request, "forgot.html", context, status=400)
        destination = answer.get("CodeDeliveryDetails", {}).get("Destination", "you")
        context = {"query": query, "username": username, "destination": destination}
        return pages.render(request, "reset.html", context)

    async def reset_submit(request: Request) -> Response:
        form = await pages.form(request)
        query = form.get("query", "")
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        username = form.get("username", "")
        context = {"query": query, "username": username, "destination": "you"}
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "reset.html", context, status=400)
        params = api_params(
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
        return sign_in(request, checked, query, "Your password is changed. Sign in.")

    return [
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
