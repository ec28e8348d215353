"""What every hosted page shares: templates, the CSRF token (issued here, checked by
:mod:`cognitio.web.csrf`), error pages, and turning an
authorization request (kept in a hidden ``query`` field from page to page) back into a checked
:class:`~cognitio.services.oauth.oauth.Authorization`."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from cognitio.documents import JsonObject
from cognitio.errors import CognitoError, OAuthError
from cognitio.services.clients.settings import client_settings
from cognitio.services.federation.providers import IdentityProviders, OfferedProvider
from cognitio.services.hosted.hosted import Hosted
from cognitio.services.oauth.oauth import Authorization, OAuth, RedirectError
from cognitio.services.pools.branding import Look
from cognitio.services.pools.settings import pool_settings
from cognitio.web.csrf import CSRF_COOKIE, FormExpired
from cognitio.web.limits import read_form

# How a form page is shown again, for a refused CSRF token (None) or a service's error; the
# page modules' SHOW_AGAIN tables map (method, path) to one, and web.errors calls it.
ShowAgain = Callable[[Request, CognitoError | None], Response]


def with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def posted_form(request: Request) -> tuple[dict[str, str], str, Authorization]:
    """The form, query and checked authorization :meth:`Pages.posted` read for ``request``."""
    posted: tuple[dict[str, str], str, Authorization] = request.state.posted
    return posted


# What a social provider's button says; an OIDC or SAML provider's shows its name.
_BUTTON_LABELS = {
    "Google": "Continue with Google",
    "Facebook": "Continue with Facebook",
    "LoginWithAmazon": "Continue with Amazon",
    "SignInWithApple": "Continue with Apple",
}
# Parameters of the app's request that a provider button or the email box replaces.
_ROUTING = ("identity_provider", "idp_identifier")


@dataclass(frozen=True, slots=True)
class SignInOptions:
    """How the app client lets its users sign in on the page: the pool's own users
    (COGNITO), the external providers it lists, and whether an email address picks the SAML
    provider (every one of the client's SAML providers has IdpIdentifiers)."""

    cognito: bool = True
    providers: tuple[OfferedProvider, ...] = ()
    email_box: bool = False

    @property
    def buttons(self) -> tuple[OfferedProvider, ...]:
        """The providers shown as buttons: all, but the SAML ones the email box reaches."""
        return tuple(p for p in self.providers if not (self.email_box and p.type == "SAML"))


def provider_links(options: SignInOptions, query: str) -> list[tuple[str, str]]:
    """(label, URL) of each provider button: the app's request again, naming the provider."""
    params = [(k, v) for k, v in parse_qsl(query) if k not in _ROUTING]
    return [
        (
            _BUTTON_LABELS.get(provider.type, provider.name),
            "/oauth2/authorize?" + urlencode([*params, ("identity_provider", provider.name)]),
        )
        for provider in options.buttons
    ]


def session_cookie(pool_id: str) -> str:
    """The hosted session cookie's name: one per pool, so pools on one host stay apart."""
    return f"cognitio-session-{pool_id}"


class Pages:
    def __init__(
        self, oauth: OAuth, hosted: Hosted, providers: IdentityProviders, *, secure: bool
    ) -> None:
        self.oauth = oauth
        self.hosted = hosted
        self.providers = providers
        self.secure = secure
        self._templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

    def render(
        self, request: Request, name: str, context: Mapping[str, object], status: int = 200
    ) -> HTMLResponse:
        """A page with a CSRF token for its form (the cookie's, or a new one)."""
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        look = getattr(request.state, "look", None) or Look()
        response = self._templates.TemplateResponse(
            request, name, {**context, "csrf": token, "look": look}, status_code=status
        )
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="strict", secure=self.secure, path="/"
        )
        request.state.hosted_page = True  # its headers: web.headers.SecurityHeaders
        return response

    def sign_in(
        self, request: Request, authorization: Authorization, query: str, **context: object
    ) -> HTMLResponse:
        """The sign-in page, offering what the pool allows besides the password."""
        status = 400 if context.get("error") else 200
        factors = pool_settings(authorization.pool).allowed_first_auth_factors
        # A MFA-requiring pool offers no passwordless code (it would skip the second factor).
        codes = pool_settings(authorization.pool).mfa_configuration != "ON" and bool(
            {"EMAIL_OTP", "SMS_OTP"} & set(factors)
        )
        hint = dict(parse_qsl(query)).get("login_hint", "")
        options: SignInOptions = getattr(request.state, "sign_in", None) or SignInOptions()
        context = {
            "client_name": authorization.client.name,
            "query": query,
            "username": hint,
            "offer_cognito": options.cognito,
            "provider_links": provider_links(options, query),
            "email_box": options.email_box,
            "email_box_params": [(k, v) for k, v in parse_qsl(query) if k not in _ROUTING],
            "offer_code": codes,
            "offer_passkey": "WEB_AUTHN" in factors,
            **context,
        }
        return self.render(request, "login.html", context, status=status)

    def passkey(
        self, request: Request, *, mode: str, action: str, options: JsonObject, **context: object
    ) -> HTMLResponse:
        """A passkey ceremony page (``mode`` get or create) holding the server's options."""
        # JSON inside <script>: "<" escaped, so nothing in it can end the element.
        text = orjson.dumps(options).decode().replace("<", "\\u003c")
        values = {"mode": mode, "action": action, "options_json": text, "username": "", **context}
        return self.render(request, "passkey.html", values)

    def error(self, request: Request, error: OAuthError) -> HTMLResponse:
        context = {"error": error.error, "description": error.description}
        return self.render(request, "error.html", context, status=400)

    @staticmethod
    def redirect_error(failure: RedirectError) -> RedirectResponse:
        """An error sent back to the client's (checked) redirect URI."""
        request = failure.authorization
        params = {"error": failure.error.error}
        if failure.error.description:
            params["error_description"] = failure.error.description
        if request.state is not None:
            params["state"] = request.state
        if request.response_type == "token":
            return RedirectResponse(f"{request.redirect_uri}#{urlencode(params)}", 302)
        return RedirectResponse(with_query(request.redirect_uri, params), 302)

    async def authorization(
        self, request: Request, query: str | Mapping[str, str]
    ) -> Authorization:
        """The checked request behind a page (on a pool's domain, for that pool only).
        ``query`` is a URL's or a hidden field's query string, or parameters already parsed.
        Raises RedirectError or OAuthError, which the app's handlers answer."""
        params = dict(parse_qsl(query)) if isinstance(query, str) else dict(query)
        pool_id = await self.oauth.host_pool(request.headers.get("host", ""))
        checked = await self.oauth.authorization(params, pool_id)
        await self.dress(request, checked)
        return checked

    async def posted(self, request: Request) -> tuple[dict[str, str], str, Authorization]:
        """A submitted form, the query it carries, and that query checked as by
        :meth:`authorization`; kept for :func:`posted_form`. Raises FormExpired when the
        form's CSRF token was refused (:class:`~cognitio.web.csrf.CsrfCheck`)."""
        form = await self.form(request)
        query = form.get("query", "")
        authorization = await self.authorization(request, query)
        request.state.posted = (form, query, authorization)
        if not getattr(request.state, "csrf_ok", False):
            raise FormExpired
        return form, query, authorization

    async def signed_in(
        self, request: Request, authorization: Authorization
    ) -> tuple[str, int] | None:
        """The user (sub, sign-in time) of this browser's hosted session with the pool, if any."""
        cookie = request.cookies.get(session_cookie(authorization.pool.id))
        return await self.hosted.open_session(cookie, authorization.pool.id)

    async def dress(self, request: Request, authorization: Authorization) -> None:
        """Remember, for this request's page, how the client's pages look, how its users may
        sign in, and where its forms may end (the checked redirect URI, and the SAML providers
        the email box reaches)."""
        request.state.look = await self.hosted.look(authorization)
        options = await self.sign_in_options(authorization)
        request.state.sign_in = options
        # The email box's form ends at the SAML provider it routes to.
        saml_urls = [p.sign_in_url for p in options.providers if p.sign_in_url]
        request.state.form_targets = (
            authorization.redirect_uri,
            *(saml_urls if options.email_box else ()),
        )

    async def sign_in_options(self, authorization: Authorization) -> SignInOptions:
        """The ways the app client's users may sign in on the page."""
        names = client_settings(authorization.client).supported_identity_providers
        cognito = not names or "COGNITO" in names
        if not set(names) - {"COGNITO"}:
            return SignInOptions(cognito=cognito)
        providers = tuple(await self.providers.offered(authorization.pool.id, names))
        saml = [p for p in providers if p.type == "SAML"]
        email_box = bool(saml) and all(p.has_identifiers for p in saml)
        return SignInOptions(cognito, providers, email_box)

    @staticmethod
    async def form(request: Request) -> dict[str, str]:
        return await read_form(request)
