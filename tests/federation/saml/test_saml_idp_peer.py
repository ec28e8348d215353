"""The service provider against npm saml-idp, a SAML IdP built on another stack (node-samlp,
xml-crypto, xml-encryption): SP-initiated with InResponseTo, IdP-initiated, encrypted.

The test plays the browser: it takes the AuthnRequest URL this library builds, fetches the
IdP's login form for it, posts the form, and hands the auto-posted SAMLResponse to the library.
"""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cognitio.services.federation.saml import (
    SamlAssertion,
    SamlIdentityProvider,
    SamlKeyPair,
    SamlRejected,
    SamlServiceProvider,
    authn_request,
    read_response,
)
from tests.helpers.node import needs_node
from tests.helpers.saml_idp import key_pair
from tests.helpers.saml_peer import (
    ENTITY_ID,
    SamlIdpPeer,
    read_form,
    running_saml_idp,
)

pytestmark = needs_node

USER = {
    "userName": "saml.jackson@example.com",
    "nameIdFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "email": "saml.jackson@example.com",
    "firstName": "Saml",
    "lastName": "Jackson",
}


@pytest.fixture(scope="module")
def peer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("saml-idp")


@pytest.fixture(scope="module")
def module_sp() -> SamlServiceProvider:
    return SamlServiceProvider(
        pool_id="us-east-1_PeerTest1",
        base_url="http://127.0.0.1:9229",
        signing=key_pair("pool-signing"),
        decryption=(key_pair("provider-encryption"),),
    )


@pytest.fixture(scope="module")
def plain_peer(peer_dir: Path, module_sp: SamlServiceProvider) -> Iterator[SamlIdpPeer]:
    with running_saml_idp(
        peer_dir / "plain", acs_url=module_sp.acs_url, audience=module_sp.entity_id
    ) as peer:
        yield peer


def configured(
    peer: SamlIdpPeer, *, idp_init: bool = False, encryption_required: bool = False
) -> SamlIdentityProvider:
    return SamlIdentityProvider(
        entity_id=ENTITY_ID,
        sso_redirect_url=peer.sso_url,
        signing_certificates=(peer.certificate_pem,),
        idp_init=idp_init,
        encryption_required=encryption_required,
    )


def sign_in(
    peer: SamlIdpPeer, sp: SamlServiceProvider, idp: SamlIdentityProvider, relay_state: str
) -> tuple[str, str, str]:
    """SP-initiated: (request id, SAMLResponse, RelayState) as the browser would post them."""
    request = authn_request(idp, sp, relay_state)
    with httpx.Client() as browser:
        login = browser.get(request.url)
        assert login.status_code == 200, peer.log()
        form = read_form(login.text)
        assert "_authnRequest" in form.fields, login.text[:500]
        assert form.action is not None
        answer = browser.post(
            peer.base_url + form.action,
            data={"_authnRequest": form.fields["_authnRequest"], **USER},
        )
    assert answer.status_code == 200, peer.log()
    posted = read_form(answer.text)
    assert posted.action == sp.acs_url, answer.text[:500]
    return request.request_id, posted.fields["SAMLResponse"], posted.fields.get("RelayState", "")


def unsolicited(peer: SamlIdpPeer) -> str:
    """IdP-initiated: the sign-in form posted without an AuthnRequest."""
    with httpx.Client() as browser:
        answer = browser.post(peer.base_url + "/signin", data=USER)
    assert answer.status_code == 200, peer.log()
    return read_form(answer.text).fields["SAMLResponse"]


def read(
    value: str, idp: SamlIdentityProvider, sp: SamlServiceProvider, request_id: str | None
) -> SamlAssertion:
    return read_response(
        value, idp=idp, sp=sp, request_id=request_id, now_ms=int(time.time() * 1000)
    )


def test_sp_initiated_sign_in_answers_the_request(
    plain_peer: SamlIdpPeer, module_sp: SamlServiceProvider
) -> None:
    idp = configured(plain_peer)
    request_id, response, relay_state = sign_in(plain_peer, module_sp, idp, "opaque-state")
    assertion = read(response, idp, module_sp, request_id)
    assert relay_state == "opaque-state"
    assert assertion.in_response_to == request_id
    assert assertion.name_id == "saml.jackson@example.com"
    assert assertion.name_id_format == USER["nameIdFormat"]
    assert assertion.attributes["email"] == ("saml.jackson@example.com",)
    assert assertion.attributes["firstName"] == ("Saml",)
    assert assertion.session_index


def test_sp_initiated_response_for_another_request_is_refused(
    plain_peer: SamlIdpPeer, module_sp: SamlServiceProvider
) -> None:
    idp = configured(plain_peer)
    _, response, _ = sign_in(plain_peer, module_sp, idp, "state")
    with pytest.raises(SamlRejected) as caught:
        read(response, idp, module_sp, "_a-request-this-sign-in-did-not-send")
    assert caught.value.reason == "The SAML response does not answer this sign-in's request."


def test_idp_initiated_sign_in_is_accepted_only_when_allowed(
    plain_peer: SamlIdpPeer, module_sp: SamlServiceProvider
) -> None:
    response = unsolicited(plain_peer)
    allowed = read(response, configured(plain_peer, idp_init=True), module_sp, None)
    assert allowed.name_id == "saml.jackson@example.com"
    assert allowed.in_response_to is None
    with pytest.raises(SamlRejected) as caught:
        read(response, configured(plain_peer), module_sp, None)
    assert caught.value.reason == "This identity provider may not start a sign-in (IdP-initiated)."


def test_another_certificate_does_not_verify_the_peer(
    plain_peer: SamlIdpPeer, module_sp: SamlServiceProvider
) -> None:
    idp = configured(plain_peer)
    request_id, response, _ = sign_in(plain_peer, module_sp, idp, "state")
    impostor = dataclasses.replace(idp, signing_certificates=(module_sp.signing.certificate_pem,))
    with pytest.raises(SamlRejected) as caught:
        read(response, impostor, module_sp, request_id)
    assert caught.value.reason == "The SAML response's signature is not valid."


def test_encrypted_assertions_are_decrypted(peer_dir: Path, module_sp: SamlServiceProvider) -> None:
    decryption: SamlKeyPair = module_sp.decryption[0]
    with running_saml_idp(
        peer_dir / "encrypted",
        acs_url=module_sp.acs_url,
        audience=module_sp.entity_id,
        encrypt_for=decryption,
    ) as peer:
        idp = configured(peer, encryption_required=True, idp_init=True)
        request_id, response, _ = sign_in(peer, module_sp, idp, "state")
        unsolicited_response = unsolicited(peer)
    assert b"EncryptedAssertion" in base64.b64decode(response)
    assertion = read(response, idp, module_sp, request_id)
    assert assertion.name_id == "saml.jackson@example.com"
    assert assertion.attributes["lastName"] == ("Jackson",)
    assert read(unsolicited_response, idp, module_sp, None).in_response_to is None
