"""Sign-in through a SAML 2.0 identity provider, end to end: a real server, npm saml-idp on
loopback (its metadata given to CreateIdentityProvider as a MetadataFile), and a test playing
the browser from the app's /oauth2/authorize through the IdP's login form to the app."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from cognitio.services.federation.saml import SamlKeyPair
from tests.conftest import client
from tests.helpers.federated_browser import claims, redeem
from tests.helpers.loopback import LoopbackServer
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


@pytest.fixture(scope="module")
def world(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, SamlIdpPeer, str, str]]:
    """On each backend the suite runs on: the replay cache is the store's."""
    folder = Path(tmp_path_factory.mktemp("saml-sign-in"))
    server: ServerProcess = make_server(
        backend,
        # A MetadataURL is read again at every sign-in (the providers below from a
        # MetadataFile are not).
        extra_env={
            "COGNITIO_FEDERATION_ALLOW_INSECURE": "1",
            "COGNITIO_FEDERATION_METADATA_REFRESH_S": "0",
        },
    )
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="saml")["UserPool"]["Id"]
        with running_saml_idp(
            folder / "idp",
            acs_url=f"{server.url}/saml2/idpresponse",
            audience=f"urn:amazon:cognito:sp:{pool_id}",
        ) as peer:
            metadata = httpx.get(peer.base_url + "/metadata").text
            idp.create_identity_provider(
                UserPoolId=pool_id,
                ProviderName="MySAML",
                ProviderType="SAML",
                ProviderDetails={"MetadataFile": metadata},
                AttributeMapping={"email": "email", "given_name": "firstName"},
            )
            client_id = saml_app_client(idp, pool_id, "MySAML")
            yield server, peer, pool_id, client_id
    finally:
        server.stop()


def test_a_saml_user_signs_in_through_the_hosted_pages(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, client_id = world
    with httpx.Client(trust_env=False) as browser:
        url = to_the_idp(browser, server, client_id)
        assert url.startswith(peer.sso_url)
        assert "Signature=" in url and "SigAlg=" in url
        posted = log_in(browser, peer, url)
        assert posted["action"] == f"{server.url}/saml2/idpresponse"
        fields = {k: v for k, v in posted.items() if k != "action"}
        back = browser.post(posted["action"], data=fields)
        assert back.status_code == 302, back.text[:500]
        landed = dict(parse_qsl(urlsplit(back.headers["location"]).query))
        assert landed["state"] == "app-state"
        # The same response posted again is a replay.
        replayed = browser.post(posted["action"], data=fields)
        assert replayed.status_code == 400
    tokens = httpx.post(
        f"{server.url}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": landed["code"],
            "redirect_uri": APP,
        },
    ).json()
    identity = claims(tokens["id_token"])
    assert identity["cognito:username"] == "MySAML_saml.jackson@example.com"
    assert identity["email"] == "saml.jackson@example.com"
    assert identity["given_name"] == "Saml"
    assert identity["cognito:groups"] == [f"{pool_id}_MySAML"]
    [linked] = identity["identities"]
    assert (linked["providerType"], linked["issuer"]) == ("SAML", "urn:example:idp")


def test_an_unsolicited_response_is_refused_without_idp_init(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, _, _ = world
    with httpx.Client(trust_env=False) as browser:
        answer = browser.post(peer.base_url + "/signin", data=USER)
        fields = read_form(answer.text).fields
        back = browser.post(f"{server.url}/saml2/idpresponse", data=fields)
    assert back.status_code == 400


def test_idp_initiated_sign_in_works_once_the_provider_allows_it(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, client_id = world
    idp = client("cognito-idp", server.url)
    idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="MySAML", ProviderDetails={"IDPInit": "true"}
    )
    relay_state = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": APP,
            "scope": "openid email",
            "identity_provider": "MySAML",
            "state": "from-the-idp",
        }
    )
    try:
        with httpx.Client(trust_env=False) as browser:
            answer = browser.post(peer.base_url + "/signin", data=USER)
            fields = read_form(answer.text).fields
            fields["RelayState"] = relay_state
            back = browser.post(f"{server.url}/saml2/idpresponse", data=fields)
        assert back.status_code == 302, back.text[:500]
        landed = dict(parse_qsl(urlsplit(back.headers["location"]).query))
        assert landed["state"] == "from-the-idp"
        assert "code" in landed
    finally:
        idp.update_identity_provider(
            UserPoolId=pool_id, ProviderName="MySAML", ProviderDetails={"IDPInit": "false"}
        )


def test_encrypted_assertions_are_decrypted_with_the_providers_key(
    world: tuple[ServerProcess, SamlIdpPeer, str, str], tmp_path: Path
) -> None:
    server, peer, pool_id, _ = world
    idp = client("cognito-idp", server.url)
    metadata = httpx.get(peer.base_url + "/metadata").text
    created = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="SealedSAML",
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": metadata, "EncryptedResponses": "true"},
        AttributeMapping={"email": "email"},
    )["IdentityProvider"]
    der = created["ProviderDetails"]["ActiveEncryptionCertificate"]
    lines = "\n".join(der[i : i + 64] for i in range(0, len(der), 64))
    certificate = f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"
    client_id = saml_app_client(idp, pool_id, "SealedSAML", name="sealed")
    with running_saml_idp(
        tmp_path / "sealed",
        acs_url=f"{server.url}/saml2/idpresponse",
        audience=f"urn:amazon:cognito:sp:{pool_id}",
        encrypt_for=SamlKeyPair("", certificate),
    ) as sealing:
        idp.update_identity_provider(
            UserPoolId=pool_id,
            ProviderName="SealedSAML",
            ProviderDetails={
                "MetadataFile": httpx.get(sealing.base_url + "/metadata").text,
                "EncryptedResponses": "true",
            },
        )
        described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="SealedSAML")
        assert (
            described["IdentityProvider"]["ProviderDetails"]["ActiveEncryptionCertificate"] == der
        )
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": APP,
            "scope": "openid email",
            "state": "sealed",
            "identity_provider": "SealedSAML",
        }
        with httpx.Client(trust_env=False) as browser:
            answer = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
            posted = log_in(browser, sealing, answer.headers["location"])
            fields = {k: v for k, v in posted.items() if k != "action"}
            assert "EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"]).decode()
            back = browser.post(posted["action"], data=fields)
        assert back.status_code == 302, back.text[:500]
        assert "code=" in back.headers["location"]


def test_a_client_with_an_idp_initiated_provider_supports_saml_only(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, _ = world
    idp = client("cognito-idp", server.url)
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="OpenSAML",
        ProviderType="SAML",
        ProviderDetails={
            "MetadataFile": httpx.get(peer.base_url + "/metadata").text,
            "IDPInit": "true",
        },
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="SAML providers only"):
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="mixed",
            SupportedIdentityProviders=["OpenSAML", "COGNITO"],
        )
    idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="saml-only", SupportedIdentityProviders=["OpenSAML"]
    )


def test_an_identity_linked_on_a_saml_attribute_signs_in_as_the_native_user(
    world: tuple[ServerProcess, SamlIdpPeer, str, str],
) -> None:
    server, peer, pool_id, client_id = world
    idp = client("cognito-idp", server.url)
    idp.admin_create_user(UserPoolId=pool_id, Username="carol", MessageAction="SUPPRESS")
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "carol"},
        SourceUser={
            "ProviderName": "MySAML",
            "ProviderAttributeName": "email",
            "ProviderAttributeValue": "carol@example.com",
        },
    )
    carol = {**USER, "userName": "c.smith", "email": "carol@example.com", "firstName": "Carol"}
    with httpx.Client(trust_env=False) as browser:
        posted = log_in(browser, peer, to_the_idp(browser, server, client_id), carol)
        fields = {k: v for k, v in posted.items() if k != "action"}
        back = browser.post(posted["action"], data=fields)
    assert back.status_code == 302, back.text[:500]
    code = dict(parse_qsl(urlsplit(back.headers["location"]).query))["code"]
    identity = claims(redeem(server, client_id, code)["id_token"])
    assert identity["cognito:username"] == "carol"
    assert (identity["email"], identity["given_name"]) == ("carol@example.com", "Carol")
    [linked] = identity["identities"]
    # The NameID, not the email: later sign-ins go by subject.
    assert (linked["providerName"], linked["userId"]) == ("MySAML", "c.smith")


def test_a_metadata_url_is_read_again_and_a_rotated_key_follows(
    world: tuple[ServerProcess, SamlIdpPeer, str, str], tmp_path: Path
) -> None:
    """The IdP at the MetadataURL rotates its signing key (here: a second saml-idp with its own
    key and SSO URL); a sign-in that finds the metadata stale goes on with the stored copy and
    refreshes it, after which the new key's assertions are accepted and the old key's refused."""
    server, old, pool_id, _ = world
    idp = client("cognito-idp", server.url)
    served = {"document": httpx.get(old.base_url + "/metadata").text}

    async def metadata(_request: Request) -> PlainTextResponse:
        return PlainTextResponse(served["document"])

    host = LoopbackServer(Starlette(routes=[Route("/metadata", metadata)])).start()
    try:
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName="RotatingSAML",
            ProviderType="SAML",
            ProviderDetails={"MetadataURL": f"{host.url}/metadata"},
            AttributeMapping={"email": "email"},
        )
        client_id = saml_app_client(idp, pool_id, "RotatingSAML", name="rotating")
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": APP,
            "scope": "openid email",
            "state": "rotating",
            "identity_provider": "RotatingSAML",
        }
        with running_saml_idp(
            tmp_path / "new",
            acs_url=f"{server.url}/saml2/idpresponse",
            audience=f"urn:amazon:cognito:sp:{pool_id}",
        ) as new:
            served["document"] = httpx.get(new.base_url + "/metadata").text
            with httpx.Client(trust_env=False) as browser:
                answer = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
            # This sign-in found the metadata stale: it went on with the stored copy.
            assert answer.headers["location"].startswith(old.sso_url)
            assert until_refreshed(idp, pool_id, new.sso_url)
            with httpx.Client(trust_env=False) as browser:
                answer = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
                url = answer.headers["location"]
                assert url.startswith(new.sso_url)
                posted = log_in(browser, new, url)
                back = browser.post(posted.pop("action"), data=posted)
            assert back.status_code == 302, back.text[:500]
            assert "code=" in back.headers["location"]
            with httpx.Client(trust_env=False) as browser:
                answer = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
                to_old = answer.headers["location"].replace(new.sso_url, old.sso_url)
                posted = log_in(browser, old, to_old)
                back = browser.post(posted.pop("action"), data=posted)
            # Refused; the error goes back to the app, as after any failed provider sign-in.
            assert back.status_code == 302
            refused = dict(parse_qsl(urlsplit(back.headers["location"]).query))
            assert refused["error"] == "invalid_request", refused
            assert "code" not in refused
            assert "signature" in refused["error_description"].lower(), refused
    finally:
        host.stop()


def until_refreshed(idp: Any, pool_id: str, sso_url: str) -> bool:
    """Whether the provider shows ``sso_url`` within 30 s: the refresh runs in the
    background, so the test waits for its outcome (a condition, not a duration)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="RotatingSAML")
        if shown["IdentityProvider"]["ProviderDetails"]["SSORedirectBindingURI"] == sso_url:
            return True
        time.sleep(0.05)
    return False
