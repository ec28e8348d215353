"""XML Signature checks on SAML elements, with signxml, against the IdP's configured certificates.

An element's own enveloped ``ds:Signature`` (a direct child, SAML core §5.4) is verified
against each configured signing certificate in turn; the element counts as signed if any of
them verifies it (an IdP rolling its key lists two). What comes back is signxml's copy of the
signed subtree, re-parsed from the bytes that were digested: callers read only that copy, never
the document they were handed, which is the defence against signature wrapping (XSW).

SHA-1 signatures and digests are refused (signxml's default); so are expired certificates.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from lxml import etree
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from cognitio.services.federation.saml.xml import DS, child

# The signature must be the element's own child, not one found anywhere below it.
_OWN_SIGNATURE = SignatureConfiguration(location="./")

# What signxml, lxml and cryptography raise for a signature that is malformed, forged, made
# with another key or an unsupported algorithm: all of them mean "not signed by this IdP".
_NOT_VERIFIED = (
    SignXMLException,
    ValueError,
    TypeError,
    LookupError,
    UnsupportedAlgorithm,
    etree.LxmlError,
)


def has_own_signature(element: etree._Element) -> bool:
    """Whether ``element`` carries an enveloped signature as a direct child."""
    return child(element, DS, "Signature") is not None


def verified_copy(element: etree._Element, certificates: tuple[str, ...]) -> etree._Element | None:
    """The signed copy of ``element`` if one of ``certificates`` verifies its own signature
    and that signature covers ``element`` itself; None otherwise."""
    element_id = element.get("ID")
    if not element_id:
        return None
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(
                element,
                x509_cert=certificate,
                parser=_verifier_parser(),
                expect_config=_OWN_SIGNATURE,
            )
        except _NOT_VERIFIED:
            continue
        if isinstance(result, list):
            continue
        signed = result.signed_xml
        if signed is None or signed.tag != element.tag or signed.get("ID") != element_id:
            continue
        return signed
    return None


def _verifier_parser() -> etree.XMLParser:
    # signxml re-parses what it verifies; the same hardening as for the message itself.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
