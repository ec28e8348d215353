"""Requests the pool sends to an IdP on the HTTP-Redirect binding, and the IdP's LogoutResponse.

An ``AuthnRequest`` (sign-in) and a ``LogoutRequest`` (IDPSignout) are DEFLATEd, base64-encoded
and signed as the Redirect binding says (saml-bindings-2.0-os §3.4.4.1): an RSA-SHA256
signature (RequestSigningAlgorithm ``rsa-sha256``) over the URL-encoded
``SAMLRequest=…&RelayState=…&SigAlg=…`` exactly as it appears in the URL, not an XML signature.
The request's ID comes back with the URL so that the caller can remember it and check the
answer's ``InResponseTo``.

A ``LogoutResponse`` comes back on ``/saml2/logout``, on the Redirect binding (its signature in
the query) or the POST binding (an XML signature); it must be signed by the IdP either way.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
import urllib.parse
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_pem_x509_certificate
from lxml import etree

from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.instants import format_instant
from cognitio.services.federation.saml.parties import SamlIdentityProvider, SamlServiceProvider
from cognitio.services.federation.saml.signatures import has_own_signature, verified_copy
from cognitio.services.federation.saml.xml import (
    SAML,
    SAMLP,
    STATUS_SUCCESS,
    child,
    decode_post_message,
    decode_redirect_message,
    encode_redirect_message,
    parse_untrusted,
    tag,
    text_of,
)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


@dataclass(frozen=True, slots=True)
class RedirectRequest:
    """A signed request to send the browser to, and its ID (for ``InResponseTo``)."""

    url: str
    request_id: str


@dataclass(frozen=True, slots=True)
class SamlLogoutResult:
    """A verified LogoutResponse: whether the IdP ended its session, and the request it answers;
    ``status`` is the top-level StatusCode URI (None when there is none)."""

    in_response_to: str
    success: bool
    status: str | None = None


def new_request_id() -> str:
    """A fresh message ID: an ``xs:ID`` (NCName, so it must not start with a digit)."""
    return "_" + secrets.token_hex(20)


def authn_request(
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    relay_state: str | None,
    *,
    now_ms: int | None = None,
    request_id: str | None = None,
) -> RedirectRequest:
    """The signed AuthnRequest URL on the IdP's SSO Redirect endpoint; ``request_id`` is a
    fresh one unless the caller chose it (to seal it into the RelayState first)."""
    request_id = request_id or new_request_id()
    root = etree.Element(tag(SAMLP, "AuthnRequest"), nsmap={"saml2p": SAMLP, "saml2": SAML})
    root.set("ID", request_id)
    root.set("Version", "2.0")
    root.set("IssueInstant", format_instant(_now(now_ms)))
    root.set("Destination", idp.sso_redirect_url)
    root.set("AssertionConsumerServiceURL", sp.acs_url)
    root.set("ProtocolBinding", HTTP_POST)
    etree.SubElement(root, tag(SAML, "Issuer")).text = sp.entity_id
    policy = etree.SubElement(root, tag(SAMLP, "NameIDPolicy"))
    policy.set("Format", NAMEID_UNSPECIFIED)
    policy.set("AllowCreate", "true")
    return RedirectRequest(
        url=_signed_url(idp.sso_redirect_url, root, relay_state, sp), request_id=request_id
    )


def logout_request(
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    *,
    name_id: str,
    name_id_format: str | None,
    session_index: str | None,
    relay_state: str | None,
    name_qualifier: str | None = None,
    sp_name_qualifier: str | None = None,
    now_ms: int | None = None,
    request_id: str | None = None,
) -> RedirectRequest:
    """The signed LogoutRequest URL on the IdP's SLO Redirect endpoint (IDPSignout). The
    NameID goes back as the assertion gave it (value, Format and qualifiers), with the
    sign-in's SessionIndex (saml-core-2.0-os §3.7.1); ``request_id`` as for
    :func:`authn_request`."""
    if not idp.slo_redirect_url:
        raise SamlRejected("The identity provider has no single logout endpoint.")
    request_id = request_id or new_request_id()
    root = etree.Element(tag(SAMLP, "LogoutRequest"), nsmap={"saml2p": SAMLP, "saml2": SAML})
    root.set("ID", request_id)
    root.set("Version", "2.0")
    root.set("IssueInstant", format_instant(_now(now_ms)))
    root.set("Destination", idp.slo_redirect_url)
    etree.SubElement(root, tag(SAML, "Issuer")).text = sp.entity_id
    name = etree.SubElement(root, tag(SAML, "NameID"))
    name.text = name_id
    if name_qualifier:
        name.set("NameQualifier", name_qualifier)
    if sp_name_qualifier:
        name.set("SPNameQualifier", sp_name_qualifier)
    if name_id_format:
        name.set("Format", name_id_format)
    if session_index:
        etree.SubElement(root, tag(SAMLP, "SessionIndex")).text = session_index
    return RedirectRequest(
        url=_signed_url(idp.slo_redirect_url, root, relay_state, sp), request_id=request_id
    )


def _now(now_ms: int | None) -> int:
    return int(time.time() * 1000) if now_ms is None else now_ms


def _signed_url(
    endpoint: str, message: etree._Element, relay_state: str | None, sp: SamlServiceProvider
) -> str:
    fields = [("SAMLRequest", encode_redirect_message(etree.tostring(message)))]
    if relay_state is not None:
        fields.append(("RelayState", relay_state))
    fields.append(("SigAlg", RSA_SHA256))
    signed = urllib.parse.urlencode(fields)
    key = serialization.load_pem_private_key(sp.signing.private_key_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("the pool's SAML signing key must be an RSA key")
    signature = key.sign(signed.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    query = signed + "&" + urllib.parse.urlencode({"Signature": base64.b64encode(signature)})
    return endpoint + ("&" if "?" in endpoint else "?") + query


def verify_redirect_signature(raw_query: str, certificates: tuple[str, ...]) -> bool:
    """Whether a Redirect-binding query (as received, still URL-encoded) is signed with
    RSA-SHA256 by one of ``certificates``.

    Names are compared as a reader decodes them: a field that appears twice, however its name
    is spelled (``RelayStat%65`` beside ``RelayState``), or a query with both a SAMLRequest and
    a SAMLResponse, is not signed, so the message and RelayState that were signed are the only
    ones a reader of the query can find."""
    pieces: dict[str, str] = {}
    for part in raw_query.split("&"):
        raw_name, _, value = part.partition("=")
        name = urllib.parse.unquote_plus(raw_name)
        if name in pieces:
            return False
        pieces[name] = value
    if ("SAMLRequest" in pieces) == ("SAMLResponse" in pieces):
        return False
    message = "SAMLRequest" if "SAMLRequest" in pieces else "SAMLResponse"
    if "Signature" not in pieces or "SigAlg" not in pieces:
        return False
    if urllib.parse.unquote_plus(pieces["SigAlg"]) != RSA_SHA256:
        return False
    signed = "&".join(
        f"{name}={pieces[name]}" for name in (message, "RelayState", "SigAlg") if name in pieces
    )
    try:
        signature = base64.b64decode(urllib.parse.unquote_plus(pieces["Signature"]), validate=True)
    except (binascii.Error, ValueError):
        return False
    for certificate in certificates:
        public_key = load_pem_x509_certificate(certificate.encode()).public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            continue
        try:
            public_key.verify(signature, signed.encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return True
    return False


def read_logout_response_redirect(
    raw_query: str, *, idp: SamlIdentityProvider, sp: SamlServiceProvider, request_id: str
) -> SamlLogoutResult:
    """A LogoutResponse on the Redirect binding; ``raw_query`` is the URL's query as received."""
    try:
        values = urllib.parse.parse_qs(raw_query, max_num_fields=10)
    except ValueError:  # more fields than a Redirect-binding message has
        raise SamlRejected("The logout answer carries too many parameters.") from None
    messages = values.get("SAMLResponse", [])
    if len(messages) != 1:
        raise SamlRejected("The logout answer carries no SAMLResponse.")
    root = parse_untrusted(decode_redirect_message(messages[0]))
    if "Signature" in values:
        if not verify_redirect_signature(raw_query, idp.signing_certificates):
            raise SamlRejected("The logout response's signature is not valid.")
        return _logout_result(root, idp, sp, request_id)
    return _logout_result(_signed_logout(root, idp), idp, sp, request_id)


def read_logout_response_post(
    saml_response: str, *, idp: SamlIdentityProvider, sp: SamlServiceProvider, request_id: str
) -> SamlLogoutResult:
    """A LogoutResponse on the POST binding: it must carry the IdP's XML signature."""
    root = parse_untrusted(decode_post_message(saml_response))
    return _logout_result(_signed_logout(root, idp), idp, sp, request_id)


def _signed_logout(root: etree._Element, idp: SamlIdentityProvider) -> etree._Element:
    if not has_own_signature(root):
        raise SamlRejected("The logout response is not signed.")
    signed = verified_copy(root, idp.signing_certificates)
    if signed is None:
        raise SamlRejected("The logout response's signature is not valid.")
    return signed


def _logout_result(
    root: etree._Element, idp: SamlIdentityProvider, sp: SamlServiceProvider, request_id: str
) -> SamlLogoutResult:
    if root.tag != tag(SAMLP, "LogoutResponse") or root.get("Version") != "2.0":
        raise SamlRejected("The message is not a SAML 2.0 LogoutResponse.")
    if text_of(child(root, SAML, "Issuer")) != idp.entity_id:
        raise SamlRejected("The logout response was not issued by the identity provider.")
    destination = root.get("Destination")
    if destination is not None and destination != sp.logout_url:
        raise SamlRejected("The logout response is meant for another endpoint (Destination).")
    if root.get("InResponseTo") != request_id:
        raise SamlRejected("The logout response does not answer this sign-out's request.")
    status = child(root, SAMLP, "Status")
    code = child(status, SAMLP, "StatusCode") if status is not None else None
    value = code.get("Value") if code is not None else None
    return SamlLogoutResult(
        in_response_to=request_id, success=value == STATUS_SUCCESS, status=value
    )
