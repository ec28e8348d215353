"""Single logout with a SAML provider, end to end: a real server, npm saml-idp on loopback started
with the pool's /saml2/logout as its SP logout URL (its metadata then names its own
SingleLogoutService), and a test playing the browser from the app's /logout through the IdP's
LogoutRequest endpoint and its auto-posted LogoutResponse back to the app's sign-out URL."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest
from lxml import etree

from tests.conftest import client
from tests.helpers.node import needs_node
from tests.helpers.saml_peer import (
    APP,
    USER,
    SamlIdpPeer,
    log_in,
    read_form,
    running_saml_idp,
    saml_app_client,
    to_the_idp,
)
from tests.server import ServerProcess

pytestmark = needs_node

SIGNED_OUT = "https://app.example/signed-out"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


@pytest.fixture(scope="module")
def world(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, SamlIdpPeer, str, str]]:
    """On each backend the suite runs on: the sign-out trip is spent in the store."""
    folder = Path(tmp_path_factory.mktemp("saml-sign-out"))
    server: ServerProcess = make_server(
        backend, extra_env={"COGNITIO_FEDERATION_ALLOW_INSECURE": "1"}
    )
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="saml-slo")["UserPool"]["Id"]
        with running_saml_idp(
            folder / "idp",
            acs_url=f"{server.url}/saml2/idpresponse",
            audience=f"urn:amazon:cognito:sp:{pool_id}",
            slo_url=f"{server.url}/saml2/logout",
        ) as peer:
            created = idp.create_identity_provider(
                UserPoolId=pool_id,
                ProviderName="MySAML",
                ProviderType="SAML",
                ProviderDetails={
                    "MetadataFile": httpx.get(peer.base_url + "/metadata").text,
                    "IDPSignout": "true",
                },
                AttributeMapping={"email": "email"},
            )["IdentityProvider"]
            assert (
                created["ProviderDetails"]["SLORedirectBindingURI"] == f"{peer.base_url}/saml/slo"
            )
            client_id = saml_app_client(idp, pool_id, "MySAML", LogoutURLs=[SIGNED_OUT])
            yield server, peer, pool_id, client_id
    finally:
        server.stop()


def signed_in(
    browser: httpx.Client, server: ServerProcess, peer: SamlIdpPeer, client_id: str
) -> str:
    """Signed in through saml-idp; the SessionIndex its assertion gave."""
    posted = log_in(browser, peer, to_the_idp(browser, server, client_id))
    fields = {k: v for k, v in posted.items() if k != "action"}
    assertion = etree.fromstring(base64.b64decode(fields["SAMLResponse"]))
    statement = assertion.find(f".//{{{SAML}}}AuthnStatement")
    assert statement is not None
    back = browser.post(posted["action"], data=fields)
    assert back.status_code == 302, back.text[:500]
    assert back.headers["location"].startswith(APP)
    return str(statement.get("SessionIndex"))


def still_signed_in(browser: httpx.Client, server: ServerProcess, client_id: str) -> bool:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP,
        "scope": "openid email",
        "prompt": "none",
    }
    silent = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
    assert silent.status_code == 302, silent.text[:300]
    return "code" in parse_qs(urlsplit(silent.headers["location"]).query)


def test_a_saml_user_signs_out_of_the_pool_and_the_idp(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, client_id = world
    with httpx.Client(trust_env=False) as browser:
        session_index = signed_in(browser, server, peer, client_id)
        assert still_signed_in(browser, server, client_id)
        logout = (
            f"{server.url}/logout?{urlencode({'client_id': client_id, 'logout_uri': SIGNED_OUT})}"
        )
        out = browser.get(logout)
        assert out.status_code == 302, out.text[:300]
        to_idp = out.headers["location"]
        assert to_idp.startswith(f"{peer.base_url}/saml/slo?")
        fields = dict(parse_qsl(urlsplit(to_idp).query))
        request = etree.fromstring(zlib.decompress(base64.b64decode(fields["SAMLRequest"]), -15))
        assert request.findtext(f"{{{SAML}}}NameID") == USER["userName"]
        assert request.findtext(f"{{{SAMLP}}}SessionIndex") == session_index
        assert request.findtext(f"{{{SAML}}}Issuer") == f"urn:amazon:cognito:sp:{pool_id}"
        assert not still_signed_in(browser, server, client_id)

        # saml-idp finds its session by the NameID and SessionIndex, ends it and auto-posts
        # its signed LogoutResponse to the pool's /saml2/logout.
        at_idp = browser.get(to_idp)
        assert at_idp.status_code == 200, peer.log()
        form = read_form(at_idp.text)
        assert form.action == f"{server.url}/saml2/logout"
        assert "Destroying session" in peer.log()
        back = browser.post(form.action, data=form.fields)
        assert back.status_code == 302, back.text[:500]
        assert back.headers["location"] == SIGNED_OUT

        # Posted again, the same answer is a replay.
        again = browser.post(form.action, data=form.fields)
        assert again.status_code == 400
        assert "This sign-out was already used." in again.text


def test_without_idp_signout_the_idp_is_not_asked(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, client_id = world
    idp = client("cognito-idp", server.url)
    idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="MySAML", ProviderDetails={"IDPSignout": "false"}
    )
    try:
        with httpx.Client(trust_env=False) as browser:
            signed_in(browser, server, peer, client_id)
            query = urlencode({"client_id": client_id, "logout_uri": SIGNED_OUT})
            out = browser.get(f"{server.url}/logout?{query}")
            assert out.status_code == 302
            assert out.headers["location"] == SIGNED_OUT
            assert not still_signed_in(browser, server, client_id)
    finally:
        idp.update_identity_provider(
            UserPoolId=pool_id, ProviderName="MySAML", ProviderDetails={"IDPSignout": "true"}
        )
