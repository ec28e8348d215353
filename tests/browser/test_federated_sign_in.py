"""Federated sign-in in a real browser (Playwright driving Debian's Chromium, headless): from the
app's /oauth2/authorize to the sign-in page's provider buttons, through a real OpenID Provider's
login page (npm oidc-provider) or a real SAML IdP's (npm saml-idp), back to the app's redirect
URI; the app's code is then redeemed. Cognitio's pages must raise no Content-Security-Policy
refusal on the way. The pages are photographed (into COGNITIO_SCREENSHOTS when set, as for
docs/)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from tests.conftest import client
from tests.helpers.browser import csp_violations, needs_chromium
from tests.helpers.federated_browser import APP, claims, redeem
from tests.helpers.node import needs_node
from tests.helpers.oidc_peer import CLIENT_ID, CLIENT_SECRET, OidcPeer
from tests.helpers.saml_peer import SamlIdpPeer, running_saml_idp
from tests.server import ServerProcess

pytestmark = [needs_chromium, needs_node]

OP_PASSWORD = "wonderland"  # the password the interactive oidc-provider page accepts
SAML_USER = "saml.jackson@example.com"  # saml-idp's own sample user, prefilled on its page
VIEWPORT = {"width": 640, "height": 860}


@dataclass(frozen=True)
class World:
    """A server, an oidc-provider with a login page, a saml-idp, and a pool trusting both."""

    server: ServerProcess
    op: OidcPeer
    saml: SamlIdpPeer
    pool_id: str
    client_id: str


def app_client(idp: Any, pool_id: str, providers: list[str]) -> str:
    """A public app client answering at APP that signs in through ``providers``."""
    created = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="Example Store",
        SupportedIdentityProviders=providers,
        CallbackURLs=[APP],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
    )
    return str(created["UserPoolClient"]["ClientId"])


def saml_provider(idp: Any, pool_id: str, peer: SamlIdpPeer, name: str, **extra: Any) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": httpx.get(peer.base_url + "/metadata").text},
        AttributeMapping={"email": "email", "given_name": "firstName"},
        **extra,
    )


@pytest.fixture(scope="module")
def world(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    server: ServerProcess = make_server(
        backend, extra_env={"COGNITIO_FEDERATION_ALLOW_INSECURE": "1"}
    )
    op = OidcPeer(
        [f"{server.url}/oauth2/idpresponse"], INTERACTIVE="1", PASSWORD=OP_PASSWORD
    ).start()
    try:
        server.start()
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="Example Store")["UserPool"]["Id"]
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName="Wonderland",
            ProviderType="OIDC",
            ProviderDetails={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "authorize_scopes": "openid email profile",
                "attributes_request_method": "GET",
                "oidc_issuer": op.issuer,
            },
            AttributeMapping={"email": "email", "name": "name"},
        )
        with running_saml_idp(
            tmp_path_factory.mktemp("saml-idp"),
            acs_url=f"{server.url}/saml2/idpresponse",
            audience=f"urn:amazon:cognito:sp:{pool_id}",
        ) as saml:
            saml_provider(idp, pool_id, saml, "CorpSAML")
            client_id = app_client(idp, pool_id, ["COGNITO", "Wonderland", "CorpSAML"])
            yield World(server, op, saml, pool_id, client_id)
    finally:
        server.stop()
        op.stop()


def authorize_url(server: ServerProcess, client_id: str, state: str) -> str:
    """The app's request, naming no provider: the browser gets Cognitio's sign-in page."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP,
        "scope": "openid email profile",
        "state": state,
    }
    return f"{server.url}/oauth2/authorize?{urlencode(query)}"


class App:
    """A browser tab whose visits to the app's redirect URI are answered here, not fetched."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.refused = csp_violations(self.page)
        self.reached: list[str] = []
        self.page.route(APP + "**", self._answer)

    def _answer(self, route: Any) -> None:
        self.reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Signed in</h1>")

    def landed(self) -> dict[str, str]:
        """The redirect URI's parameters, once the app has been reached (exactly once)."""
        self.page.get_by_text("Signed in").wait_for()
        (location,) = self.reached
        return dict(parse_qsl(urlsplit(location).query))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def app(browser: Any) -> Iterator[App]:
    tab = App(browser)
    yield tab
    tab.close()


def at_saml_idp(page: Any, peer: SamlIdpPeer) -> None:
    """Wait until the browser shows saml-idp's sign-in page (Cognitio's has a Sign in button
    too, so the URL tells them apart)."""
    page.wait_for_url(lambda url: url.startswith(peer.sso_url + "?"))
    page.get_by_role("button", name="Sign in").wait_for()


def sign_in_at_saml_idp(page: Any) -> None:
    """On saml-idp's page (its sample user prefilled): check the NameID and press Sign in."""
    assert page.get_by_label("Subject NameID").input_value() == SAML_USER
    page.get_by_role("button", name="Sign in").click()


def test_an_oidc_user_signs_in_from_the_providers_button(
    world: World, app: App, shots: Path
) -> None:
    state = secrets.token_urlsafe(16)
    page = app.page
    page.goto(authorize_url(world.server, world.client_id, state))
    assert urlsplit(page.url).path == "/login"
    page.get_by_role("link", name="CorpSAML").wait_for()
    page.get_by_label("Username").wait_for()  # COGNITO is listed: the password form stays
    page.screenshot(path=str(shots / "federation-1-buttons.png"))

    page.get_by_role("link", name="Wonderland").click()
    page.get_by_text(f"oidc-provider at {world.op.issuer}").wait_for()
    assert page.url.startswith(world.op.issuer + "/interaction/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(OP_PASSWORD)
    page.screenshot(path=str(shots / "federation-2-provider.png"))
    page.get_by_role("button", name="Sign in").click()

    landed = app.landed()
    assert landed["state"] == state
    identity = claims(redeem(world.server, world.client_id, landed["code"])["id_token"])
    assert identity["cognito:username"] == "Wonderland_alice"
    assert identity["email"] == "alice@example.com"
    assert identity["name"] == "Alice Liddell"
    [linked] = identity["identities"]
    assert (linked["providerName"], linked["providerType"], linked["userId"]) == (
        "Wonderland",
        "OIDC",
        "alice",
    )
    assert app.refused == []


def test_a_wrong_password_at_the_provider_does_not_reach_the_app(world: World, app: App) -> None:
    page = app.page
    page.goto(authorize_url(world.server, world.client_id, "wrong-password"))
    page.get_by_role("link", name="Wonderland").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-" + OP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Incorrect username or password."
    assert page.url.startswith(world.op.issuer)
    assert app.reached == []


def test_a_saml_user_signs_in_from_the_providers_button(
    world: World, app: App, shots: Path
) -> None:
    state = secrets.token_urlsafe(16)
    page = app.page
    page.goto(authorize_url(world.server, world.client_id, state))
    page.get_by_role("link", name="CorpSAML").click()
    at_saml_idp(page, world.saml)
    page.screenshot(path=str(shots / "federation-3-saml-idp.png"))
    sign_in_at_saml_idp(page)

    landed = app.landed()
    assert landed["state"] == state
    identity = claims(redeem(world.server, world.client_id, landed["code"])["id_token"])
    assert identity["cognito:username"] == f"CorpSAML_{SAML_USER}"
    assert identity["email"] == SAML_USER
    assert identity["given_name"] == "Saml"
    assert identity["cognito:groups"] == [f"{world.pool_id}_CorpSAML"]
    [linked] = identity["identities"]
    assert (linked["providerName"], linked["providerType"]) == ("CorpSAML", "SAML")
    assert app.refused == []


def test_the_email_box_routes_a_saml_user_by_domain(
    world: World, app: App, shots: Path, tmp_path: Path
) -> None:
    """Every SAML provider of the client has IdpIdentifiers: an email box instead of their
    buttons, whose form leaves for the IdP the domain names (the page's form-action allows it)."""
    server = world.server
    idp = client("cognito-idp", server.url)
    pool_id = idp.create_user_pool(PoolName="Example Corp")["UserPool"]["Id"]
    with running_saml_idp(
        tmp_path / "idp",
        acs_url=f"{server.url}/saml2/idpresponse",
        audience=f"urn:amazon:cognito:sp:{pool_id}",
    ) as peer:
        saml_provider(idp, pool_id, peer, "ExampleCorp", IdpIdentifiers=["example.com"])
        client_id = app_client(idp, pool_id, ["COGNITO", "ExampleCorp"])
        state = secrets.token_urlsafe(16)
        page = app.page
        page.goto(authorize_url(server, client_id, state))
        assert page.get_by_role("link", name="ExampleCorp").count() == 0
        page.get_by_label("Sign in with your corporate email address").fill(SAML_USER)
        page.screenshot(path=str(shots / "federation-4-email-box.png"))
        page.get_by_role("button", name="Continue").click()
        at_saml_idp(page, peer)
        sign_in_at_saml_idp(page)
        landed = app.landed()
    assert landed["state"] == state
    identity = claims(redeem(server, client_id, landed["code"])["id_token"])
    assert identity["cognito:username"] == f"ExampleCorp_{SAML_USER}"
    assert app.refused == []
