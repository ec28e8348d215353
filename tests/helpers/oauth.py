"""OAuth clients of a pool, authlib sessions, and a Browser that signs in on the hosted pages."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from authlib.integrations.requests_client import OAuth2Session as OAuth2Client

from tests.helpers.pools import PASSWORD

CALLBACK = "http://localhost:8000/callback"
_OPEN: list[Any] = []  # HTTP clients a test made, closed after it
SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]


@pytest.fixture(autouse=True)
def close_clients() -> Any:
    """Close the HTTP clients a test made, once it is over (autouse where imported)."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def oauth2(**options: Any) -> OAuth2Client:
    client = OAuth2Client(**options)
    _OPEN.append(client)
    return client


def oauth_client(idp: Any, pool_id: str, *, secret: bool = True, **options: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": SCOPES,
        "CallbackURLs": [CALLBACK],
        "LogoutURLs": ["http://localhost:8000/signed-out"],
        "SupportedIdentityProviders": ["COGNITO"],
        **options,
    }
    settings.setdefault("ClientName", "web")
    client: dict[str, Any] = idp.create_user_pool_client(
        UserPoolId=pool_id, GenerateSecret=secret, **settings
    )["UserPoolClient"]
    return client


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field in:\n{page}"
    return html.unescape(match.group(1))


class Browser:
    """A cookie-keeping HTTP client that follows the hosted pages like a person would."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, follow_redirects=False)
        _OPEN.append(self.http)

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def sign_in(
        self, authorize_url: str, username: str, password: str = PASSWORD
    ) -> httpx.Response:
        """From the authorization URL to the answer of the login form."""
        to_login = self.get(authorize_url)
        assert to_login.status_code == 302, to_login.text
        login = self.get(to_login.headers["location"])
        assert login.status_code == 200
        assert 'autocomplete="current-password"' in login.text
        return self.http.post(
            "/login",
            data={
                "_csrf": hidden(login.text, "_csrf"),
                "query": hidden(login.text, "query"),
                "username": username,
                "password": password,
            },
        )

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code == 302, response.text
        return self.get(response.headers["location"])


def authlib_client(server: Any, client: dict[str, Any], scope: str) -> OAuth2Client:
    return oauth2(
        client_id=client["ClientId"],
        client_secret=client.get("ClientSecret"),
        scope=scope,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )


def callback_url(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK), location
    return location
