"""Hosted pages for accounts: ``/signup`` and ``/confirm``, ``/forgotPassword`` and
``/confirmForgotPassword``. They call the same SignUp, ConfirmSignUp, ForgotPassword and
ConfirmForgotPassword services as the API (triggers, messages and all), for the app client the
authorization request names, as a trusted caller (no proof of the client's secret is asked
here, as on Cognito's managed login), and end on the sign-in page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognitio.errors import CognitoError
from cognitio.services.clients.app_clients import TrustedCaller
from cognitio.services.messages.notifications import Destination, mask
from cognitio.services.oauth.oauth import Authorization
from cognitio.services.users.sign_up import (
    ConfirmForgotPassword,
    ConfirmSignUp,
    ForgotPassword,
    SelfService,
    SignUp,
)
from cognitio.web.pages import Pages


def account_routes(pages: Pages, self_service: SelfService) -> list[Route]:
    async def signup_page(request: Request) -> Response:
        query = str(request.url.query)
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        return pages.render(request, "signup.html", _signup_context(checked, query))

    async def signup_submit(request: Request) -> Response:
        form, query, checked = await pages.posted(request)
        if not isinstance(checked, Authorization):
            return checked
        email = form.get("email", "")
        context = _signup_context(checked, query, email=email)
        username = email if context["email_is_username"] else form.get("username", "")
        context["username"] = username
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "signup.html", context, status=400)
        command = SignUp(
            client_id=checked.client.id,
            username=username,
            password=form.get("password", ""),
            proof=_trusted(checked),
            attributes={"email": email} if email else {},
        )
        try:
            answer = await self_service.sign_up(command)
        except CognitoError as error:
            context["error"] = str(error)
            return pages.render(request, "signup.html", context, status=400)
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
        form, query, checked = await pages.posted(request)
        if not isinstance(checked, Authorization):
            return checked
        username = form.get("username", "")
        context = {"query": query, "username": username, "destination": "you"}
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "confirm.html", context, status=400)
        code = form.get("code", "").strip()
        try:
            await self_service.confirm_sign_up(
                ConfirmSignUp(checked.client.id, username, code, _trusted(checked))
            )
        except CognitoError as error:
            context["error"] = str(error)
            return pages.render(request, "confirm.html", context, status=400)
        return pages.sign_in(
            request, checked, query, username=username, notice="Your account is confirmed. Sign in."
        )

    async def forgot_page(request: Request) -> Response:
        query = str(request.url.query)
        checked = await pages.authorization(request, query)
        if not isinstance(checked, Authorization):
            return checked
        return pages.render(request, "forgot.html", {"query": query})

    async def forgot_submit(request: Request) -> Response:
        form, query, checked = await pages.posted(request)
        if not isinstance(checked, Authorization):
            return checked
        if not pages.csrf_ok(request, form):
            context = {"query": query, "error": "Your form expired; please try again."}
            return pages.render(request, "forgot.html", context, status=400)
        username = form.get("username", "")
        try:
            sent = await self_service.forgot_password(
                ForgotPassword(checked.client.id, username, _trusted(checked))
            )
        except CognitoError as error:
            context = {"query": query, "error": str(error)}
            return pages.render(request, "forgot.html", context, status=400)
        destination = _masked(sent)
        context = {"query": query, "username": username, "destination": destination}
        return pages.render(request, "reset.html", context)

    async def reset_submit(request: Request) -> Response:
        form, query, checked = await pages.posted(request)
        if not isinstance(checked, Authorization):
            return checked
        username = form.get("username", "")
        context = {"query": query, "username": username, "destination": "you"}
        if not pages.csrf_ok(request, form):
            context["error"] = "Your form expired; please try again."
            return pages.render(request, "reset.html", context, status=400)
        command = ConfirmForgotPassword(
            client_id=checked.client.id,
            username=username,
            code=form.get("code", "").strip(),
            password=form.get("password", ""),
            proof=_trusted(checked),
        )
        try:
            await self_service.confirm_forgot_password(command)
        except CognitoError as error:
            context["error"] = str(error)
            return pages.render(request, "reset.html", context, status=400)
        return pages.sign_in(
            request, checked, query, username=username, notice="Your password is changed. Sign in."
        )

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


def _trusted(authorization: Authorization) -> TrustedCaller:
    """The pages call for the client their authorization request named and checked."""
    return TrustedCaller(client_id=authorization.client.id, via="hosted pages")


def _masked(destination: Destination | None) -> str:
    """Where the code went, as Cognito masks it ("you" when it went nowhere)."""
    return "you" if destination is None else mask(destination.attribute, destination.address)
