"""The sign-in page's external providers, driven like a browser without JavaScript: a button per
provider the app client lists (the app's request again, naming the provider), the password form
only when the client allows the pool's own users, and an email box that routes by domain when
every SAML provider has IdpIdentifiers."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.helpers.federated_browser import saml_metadata
from tests.helpers.oauth import CALLBACK, Browser, oauth_client


def google(idp: Any, pool_id: str) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        ProviderType="Google",
        ProviderDetails={
            "client_id": "google-client",
            "client_secret": "google-secret",
            "authorize_scopes": "openid email profile",
        },
    )


def oidc(idp: Any, pool_id: str, name: str, identifiers: list[str] | None = None) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "corp-client",
            "client_secret": "corp-secret",
            "authorize_scopes": "openid email",
            "attributes_request_method": "GET",
            "oidc_issuer": "https://login.corp.example",
        },
        IdpIdentifiers=identifiers or [],
    )


def saml(idp: Any, pool_id: str, name: str, identifiers: list[str] | None = None) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml_metadata()},
        IdpIdentifiers=identifiers or [],
    )


def query(client_id: str, state: str = "app-state") -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email",
        "state": state,
    }


def login_page(browser: Browser, client_id: str, state: str = "app-state") -> str:
    to_login = browser.http.get("/oauth2/authorize", params=query(client_id, state))
    assert to_login.status_code == 302, to_login.text
    page = browser.get(to_login.headers["location"])
    assert page.status_code == 200, page.text
    return page.text


def buttons(page: str) -> dict[str, str]:
    """Each provider button's label and (unescaped) link."""
    found = re.findall(r'<a class="idp idpButton-customizable" href="([^"]*)">([^<]*)</a>', page)
    return {html.unescape(label): html.unescape(href) for href, label in found}


def test_a_button_per_listed_provider_beside_the_password_form(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="buttons")["UserPool"]["Id"]
    google(idp, pool_id)
    oidc(idp, pool_id, "Corp")
    oidc(idp, pool_id, "Unlisted")
    client = oauth_client(
        idp, pool_id, secret=False, SupportedIdentityProviders=["COGNITO", "Google", "Corp"]
    )
    browser = Browser(server.url)
    page = login_page(browser, client["ClientId"])
    found = buttons(page)
    assert list(found) == ["Continue with Google", "Corp"]
    assert "Unlisted" not in page
    assert 'autocomplete="current-password"' in page  # COGNITO: the password form stays
    assert "Forgot your password?" in page
    assert 'name="idp_identifier"' not in page  # no SAML provider: no email box
    link = urlsplit(found["Continue with Google"])
    assert link.path == "/oauth2/authorize"
    assert dict(parse_qsl(link.query)) == {
        **query(client["ClientId"]),
        "identity_provider": "Google",
    }
    # The button is an ordinary link: following it departs to Google.
    departed = browser.get(found["Continue with Google"])
    assert departed.status_code == 302
    to_google = urlsplit(departed.headers["location"])
    assert (to_google.netloc, to_google.path) == ("accounts.google.com", "/o/oauth2/v2/auth")
    assert dict(parse_qsl(to_google.query))["client_id"] == "google-client"


def test_providers_answer_at_the_public_url_or_the_pools_domain(idp: Any, server: Any) -> None:
    """The callback a provider is given comes from the server's public URL, or from a domain of
    the pool the request came to: a forged Host header never becomes it."""
    pool_id = idp.create_user_pool(PoolName="callback")["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="callback-login")
    google(idp, pool_id)
    client = oauth_client(idp, pool_id, secret=False, SupportedIdentityProviders=["Google"])

    def callback(host: str) -> str:
        departed = httpx.get(
            f"{server.url}/oauth2/authorize",
            params={**query(client["ClientId"]), "identity_provider": "Google"},
            headers={"Host": host},
        )
        assert departed.status_code == 302, departed.text
        return dict(parse_qsl(urlsplit(departed.headers["location"]).query))["redirect_uri"]

    public = f"{server.url}/oauth2/idpresponse"
    assert callback(urlsplit(server.url).netloc) == public
    assert callback("attacker.example") == public
    assert callback("Callback-Login.auth.test.example") == (
        "http://callback-login.auth.test.example/oauth2/idpresponse"
    )


def test_a_client_without_cognito_shows_only_the_buttons(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="buttons")["UserPool"]["Id"]
    google(idp, pool_id)
    client = oauth_client(idp, pool_id, secret=False, SupportedIdentityProviders=["Google"])
    browser = Browser(server.url)
    page = login_page(browser, client["ClientId"])
    assert list(buttons(page)) == ["Continue with Google"]
    assert 'autocomplete="current-password"' not in page
    assert 'action="/login"' not in page
    assert "Sign up" not in page
    # A password form made by hand is refused all the same.
    to_login = browser.http.get("/oauth2/authorize", params=query(client["ClientId"]))
    login_query = urlsplit(to_login.headers["location"]).query
    forged = browser.http.post(
        "/login",
        data={
            "_csrf": browser.http.cookies.get("cognitio-csrf") or "",
            "query": login_query,
            "username": "someone",
            "password": "Passw0rd!",
        },
    )
    assert forged.status_code == 400
    assert "another account" in forged.text
    assert not any(name.startswith("cognitio-session-") for name in browser.http.cookies)
    # And so is identity_provider=COGNITO: an error for the app.
    asked = browser.http.get(
        "/oauth2/authorize", params={**query(client["ClientId"]), "identity_provider": "COGNITO"}
    )
    assert asked.status_code == 302
    back = dict(parse_qsl(urlsplit(asked.headers["location"]).query))
    assert back["error"] == "invalid_request" and back["state"] == "app-state"


def test_names_and_the_app_request_are_escaped_on_the_page(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="buttons")["UserPool"]["Id"]
    name = "<b>Corp</b>\"'&"
    oidc(idp, pool_id, name)
    client = oauth_client(idp, pool_id, secret=False, SupportedIdentityProviders=["COGNITO", name])
    browser = Browser(server.url)
    state = '"><script>alert(1)</script>'
    page = login_page(browser, client["ClientId"], state)
    assert "<b>" not in page and "<script>alert" not in page
    found = buttons(page)
    assert list(found) == [name]
    params = dict(parse_qsl(urlsplit(found[name]).query))
    assert params["identity_provider"] == name
    assert params["state"] == state


def test_an_email_box_routes_to_the_saml_provider_by_domain(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="buttons")["UserPool"]["Id"]
    google(idp, pool_id)
    saml(idp, pool_id, "CorpSSO", ["corp.example"])
    saml(idp, pool_id, "PartnerSSO", ["partner.example"])
    client = oauth_client(
        idp,
        pool_id,
        secret=False,
        SupportedIdentityProviders=["COGNITO", "Google", "CorpSSO", "PartnerSSO"],
    )
    browser = Browser(server.url)
    to_login = browser.http.get("/oauth2/authorize", params=query(client["ClientId"]))
    answer = browser.get(to_login.headers["location"])
    page = answer.text
    # The SAML providers are reached through the box; the others keep their buttons.
    assert list(buttons(page)) == ["Continue with Google"]
    form = re.search(r'<form method="get" action="/oauth2/authorize"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None
    fields = {
        html.unescape(k): html.unescape(v)
        for k, v in re.findall(r'name="([^"]*)" value="([^"]*)"', form.group(1))
    }
    assert fields == query(client["ClientId"])
    assert 'name="idp_identifier"' in form.group(1)
    # The form's redirects end at the SAML provider: the page's CSP allows its origin.
    policy = answer.headers["content-security-policy"]
    assert "form-action 'self' http://localhost:8000 https://idp.example" in policy
    # Submitted (a GET, as a browser sends it): the app's request departs by the email's domain.
    submitted = browser.http.get(
        "/oauth2/authorize", params={**fields, "idp_identifier": "alice@corp.example"}
    )
    assert submitted.status_code == 302
    location = submitted.headers["location"]
    # To CorpSSO's SSO URL, with a signed AuthnRequest.
    assert location.startswith("https://idp.example/sso"), location
    assert "SAMLRequest=" in location and "Signature=" in location
    # A domain no provider has: the app hears of it.
    unknown = browser.http.get(
        "/oauth2/authorize", params={**fields, "idp_identifier": "eve@elsewhere.example"}
    )
    back = dict(parse_qsl(urlsplit(unknown.headers["location"]).query))
    assert back["error"] == "invalid_request" and back["state"] == "app-state"
    assert back["error_description"] == "No identity provider matches."


def test_saml_providers_without_identifiers_get_buttons(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="buttons")["UserPool"]["Id"]
    saml(idp, pool_id, "CorpSSO", ["corp.example"])
    saml(idp, pool_id, "PartnerSSO")
    client = oauth_client(
        idp, pool_id, secret=False, SupportedIdentityProviders=["CorpSSO", "PartnerSSO"]
    )
    page = login_page(Browser(server.url), client["ClientId"])
    assert list(buttons(page)) == ["CorpSSO", "PartnerSSO"]
    assert 'name="idp_identifier"' not in page
    assert 'autocomplete="current-password"' not in page
