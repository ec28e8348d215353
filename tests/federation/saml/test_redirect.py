"""Requests on the HTTP-Redirect binding (signed AuthnRequest, LogoutRequest) and the IdP's
LogoutResponse on the Redirect and POST bindings."""

from __future__ import annotations

import dataclasses
import urllib.parse

import pytest
from lxml import etree

from cognitio.services.federation.saml import (
    SamlIdentityProvider,
    SamlRejected,
    SamlServiceProvider,
    authn_request,
    logout_request,
    read_logout_response_post,
    read_logout_response_redirect,
)
from cognitio.services.federation.saml.redirect import verify_redirect_signature
from cognitio.services.federation.saml.xml import decode_redirect_message, parse_untrusted
from tests.helpers.saml_idp import (
    SAML,
    SAMLP,
    FixtureIdp,
    encode,
    key_pair,
    q,
    signed_redirect_query,
)

RELAY_STATE = "opaque-" + "x" * 120  # longer than the binding's 80 bytes: Cognito allows it


def split(url: str) -> tuple[str, str, dict[str, str]]:
    parts = urllib.parse.urlsplit(url)
    endpoint = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return endpoint, parts.query, dict(urllib.parse.parse_qsl(parts.query))


def test_an_authn_request_is_deflated_signed_and_names_the_pool(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    request = authn_request(idp, sp, RELAY_STATE)
    endpoint, query, fields = split(request.url)
    assert endpoint == idp.sso_redirect_url
    assert list(fields) == ["SAMLRequest", "RelayState", "SigAlg", "Signature"]
    assert fields["RelayState"] == RELAY_STATE
    assert fields["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert verify_redirect_signature(query, (sp.signing.certificate_pem,))
    message = parse_untrusted(decode_redirect_message(fields["SAMLRequest"]))
    assert message.tag == q(SAMLP, "AuthnRequest")
    assert message.get("ID") == request.request_id
    assert message.get("Destination") == idp.sso_redirect_url
    assert message.get("AssertionConsumerServiceURL") == sp.acs_url
    assert message.get("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert message.findtext(q(SAML, "Issuer")) == "urn:amazon:cognito:sp:us-east-1_SamlTest1"


def test_each_authn_request_has_its_own_id(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    first, second = authn_request(idp, sp, None), authn_request(idp, sp, None)
    assert first.request_id != second.request_id
    assert first.request_id[0] == "_"  # an xs:ID may not start with a digit
    assert "RelayState" not in split(first.url)[2]


def test_an_sso_url_with_a_query_keeps_it(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    with_query = dataclasses.replace(idp, sso_redirect_url="https://idp.example.test/sso?app=7")
    _, query, fields = split(authn_request(with_query, sp, "r").url)
    assert fields["app"] == "7"
    assert verify_redirect_signature(query.removeprefix("app=7&"), (sp.signing.certificate_pem,))


@pytest.mark.parametrize(
    "change",
    [
        lambda query: query.replace("RelayState=", "RelayState=x"),
        lambda query: query.replace("SigAlg=http", "SigAlg=xhttp"),
        lambda query: query + "&SAMLRequest=again",
        # The same names spelled otherwise: a reader decodes them to a second field.
        lambda query: query + "&RelayStat%65=other",
        lambda query: query + "&SAMLReques%74=again",
        lambda query: query + "&SigAl%67=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1",
        # A SAMLResponse beside the signed SAMLRequest: the signature is not over it.
        lambda query: query + "&SAMLResponse=unsigned",
    ],
)
def test_a_changed_redirect_query_fails_its_signature(
    idp: SamlIdentityProvider, sp: SamlServiceProvider, change: object
) -> None:
    _, query, _ = split(authn_request(idp, sp, "state").url)
    assert callable(change)
    assert not verify_redirect_signature(change(query), (sp.signing.certificate_pem,))
    assert not verify_redirect_signature(query, (key_pair("other").certificate_pem,))


def test_a_logout_request_names_the_subject_and_session(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    request = logout_request(
        idp,
        sp,
        name_id="alice",
        name_id_format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        session_index="_session-1",
        relay_state="back",
    )
    endpoint, query, fields = split(request.url)
    assert endpoint == idp.slo_redirect_url
    assert verify_redirect_signature(query, (sp.signing.certificate_pem,))
    message = parse_untrusted(decode_redirect_message(fields["SAMLRequest"]))
    assert message.tag == q(SAMLP, "LogoutRequest")
    assert message.get("ID") == request.request_id
    assert message.findtext(q(SAML, "NameID")) == "alice"
    assert message.findtext(q(SAMLP, "SessionIndex")) == "_session-1"
    assert message.findtext(q(SAML, "Issuer")) == sp.entity_id


def test_a_logout_request_gives_the_name_id_back_with_its_qualifiers(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    request = logout_request(
        idp,
        sp,
        name_id="alice",
        name_id_format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        name_qualifier="urn:example:idp",
        sp_name_qualifier=sp.entity_id,
        session_index=None,
        relay_state=None,
        request_id="_chosen",
    )
    _, _, fields = split(request.url)
    message = parse_untrusted(decode_redirect_message(fields["SAMLRequest"]))
    assert request.request_id == message.get("ID") == "_chosen"
    name = message.find(q(SAML, "NameID"))
    assert name is not None
    assert (name.get("NameQualifier"), name.get("SPNameQualifier")) == (
        "urn:example:idp",
        sp.entity_id,
    )
    assert message.find(q(SAMLP, "SessionIndex")) is None


def test_no_logout_request_without_a_logout_endpoint(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    without = dataclasses.replace(idp, slo_redirect_url=None)
    with pytest.raises(SamlRejected):
        logout_request(
            without, sp, name_id="a", name_id_format=None, session_index=None, relay_state=None
        )


def test_a_signed_logout_response_on_the_post_binding_is_read(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.logout_response(in_response_to="_out-1", destination=sp.logout_url)
    result = read_logout_response_post(encode(response), idp=idp, sp=sp, request_id="_out-1")
    assert result.success
    assert result.in_response_to == "_out-1"


def test_a_signed_logout_response_on_the_redirect_binding_is_read(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.logout_response(
        in_response_to="_out-1", destination=sp.logout_url, sign_it=False
    )
    query = signed_redirect_query("SAMLResponse", response, "back", fixture_idp.keys)
    result = read_logout_response_redirect(query, idp=idp, sp=sp, request_id="_out-1")
    assert result.success


def test_an_unsigned_logout_response_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.logout_response(
        in_response_to="_out-1", destination=sp.logout_url, sign_it=False
    )
    with pytest.raises(SamlRejected) as caught:
        read_logout_response_post(encode(response), idp=idp, sp=sp, request_id="_out-1")
    assert caught.value.reason == "The logout response is not signed."


def test_a_logout_response_signed_by_another_key_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.logout_response(
        in_response_to="_out-1", destination=sp.logout_url, sign_it=False
    )
    query = signed_redirect_query("SAMLResponse", response, None, key_pair("impostor"))
    with pytest.raises(SamlRejected) as caught:
        read_logout_response_redirect(query, idp=idp, sp=sp, request_id="_out-1")
    assert caught.value.reason == "The logout response's signature is not valid."


def test_a_logout_response_to_another_request_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response: etree._Element = fixture_idp.logout_response(
        in_response_to="_out-2", destination=sp.logout_url
    )
    with pytest.raises(SamlRejected) as caught:
        read_logout_response_post(encode(response), idp=idp, sp=sp, request_id="_out-1")
    assert caught.value.reason == "The logout response does not answer this sign-out's request."


def test_a_logout_response_with_a_failing_status_says_which(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    responder = "urn:oasis:names:tc:SAML:2.0:status:Responder"
    response = fixture_idp.logout_response(
        in_response_to="_out-1", destination=sp.logout_url, status=responder
    )
    result = read_logout_response_post(encode(response), idp=idp, sp=sp, request_id="_out-1")
    assert (result.success, result.status) == (False, responder)


def test_a_redirect_answer_with_too_many_parameters_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.logout_response(
        in_response_to="_out-1", destination=sp.logout_url, sign_it=False
    )
    query = signed_redirect_query("SAMLResponse", response, "back", fixture_idp.keys)
    padded = query + "".join(f"&extra{n}=1" for n in range(20))
    with pytest.raises(SamlRejected) as caught:
        read_logout_response_redirect(padded, idp=idp, sp=sp, request_id="_out-1")
    assert caught.value.reason == "The logout answer carries too many parameters."


def test_private_keys_stay_out_of_reprs(sp: SamlServiceProvider) -> None:
    shown = repr(sp)
    assert "PRIVATE KEY" not in shown
    assert sp.signing.private_key_pem not in shown
    assert "BEGIN CERTIFICATE" in shown  # certificates are public and help a reader
