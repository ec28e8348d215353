"""Reading untrusted SAML XML: a hardened lxml parser, the bindings' encodings, and namespaces.

Every SAML document from the network goes through :func:`parse_untrusted`: no DTD at all (so no
entity expansion, no external entity, no entity bomb), no network access, no huge trees, no
comments or processing instructions (a comment inside a NameID must not cut its text in two),
and only UTF-8. The HTTP-POST binding's base64 is capped at the 100,000 characters Cognito takes
on ``/saml2/idpresponse``; the HTTP-Redirect binding's DEFLATE is capped after inflation.

Specs: SAML 2.0 Bindings (saml-bindings-2.0-os) §3.4 (HTTP-Redirect) and §3.5 (HTTP-POST).
"""

from __future__ import annotations

import base64
import binascii
import zlib

from lxml import etree

from cognitio.services.federation.saml.errors import SamlRejected

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

# Cognito's limit on the SAMLResponse form field, in base64 characters.
MAX_POST_MESSAGE_CHARS = 100_000
# A Redirect-binding message inflated; a LogoutResponse is a few kilobytes.
MAX_INFLATED_BYTES = 200_000


def tag(namespace: str, name: str) -> str:
    """The Clark-notation name lxml uses: ``{namespace}name``."""
    return f"{{{namespace}}}{name}"


def _parser() -> etree.XMLParser:
    # One parser per document: lxml parsers keep state and are not shared across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_untrusted(document: bytes) -> etree._Element:
    """Parse an XML document from the network, refusing DTDs, entities and non-UTF-8 input."""
    try:
        text = document.decode("utf-8")
    except UnicodeDecodeError:
        raise SamlRejected("The SAML message is not UTF-8 XML.") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SamlRejected("The SAML message contains a DTD, which is not allowed.")
    try:
        root = etree.fromstring(document, parser=_parser())
    except etree.XMLSyntaxError:
        raise SamlRejected("The SAML message is not well-formed XML.") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise SamlRejected("The SAML message contains a DTD, which is not allowed.")
    if (docinfo.encoding or "UTF-8").upper() not in ("UTF-8", "UTF8"):
        raise SamlRejected("The SAML message is not UTF-8 XML.")
    for _ in root.iter(etree.Entity):
        raise SamlRejected("The SAML message contains an entity reference, which is not allowed.")
    return root


def parse_fragment(fragment: bytes, context: etree._Element) -> etree._Element:
    """Parse one decrypted element in the namespace scope of ``context`` (where it was encrypted).

    The plaintext of an EncryptedData of type Element may use prefixes declared by its former
    ancestors, so it is parsed inside a wrapper that declares the namespaces in scope there.
    """
    body = fragment.lstrip()
    if body.startswith(b"<?xml"):
        end = body.find(b"?>")
        body = body[end + 2 :] if end >= 0 else body
    declarations = " ".join(
        f'xmlns{":" + prefix if prefix else ""}="{_escape_attribute(uri)}"'
        for prefix, uri in context.nsmap.items()
    )
    wrapped = f"<wrapper {declarations}>".encode() + body + b"</wrapper>"
    wrapper = parse_untrusted(wrapped)
    children = list(wrapper)
    if len(children) != 1 or (wrapper.text or "").strip() or (children[0].tail or "").strip():
        raise SamlRejected("The decrypted assertion is not a single XML element.")
    return children[0]


def _escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def decode_post_message(value: str) -> bytes:
    """The XML of an HTTP-POST binding message (``SAMLResponse`` form field): base64, capped."""
    if len(value) > MAX_POST_MESSAGE_CHARS:
        raise SamlRejected("The SAML response is too large.")
    compact = "".join(value.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise SamlRejected("The SAML response is not valid base64.") from None


def encode_redirect_message(xml: bytes) -> str:
    """An HTTP-Redirect binding message: raw DEFLATE (RFC 1951), then base64."""
    compressor = zlib.compressobj(wbits=-15)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode("ascii")


def decode_redirect_message(value: str) -> bytes:
    """The XML of an HTTP-Redirect binding message: base64, then raw DEFLATE, inflation capped."""
    if len(value) > MAX_POST_MESSAGE_CHARS:
        raise SamlRejected("The SAML message is too large.")
    try:
        deflated = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRejected("The SAML message is not valid base64.") from None
    inflater = zlib.decompressobj(wbits=-15)
    try:
        xml = inflater.decompress(deflated, MAX_INFLATED_BYTES)
    except zlib.error:
        raise SamlRejected("The SAML message is not valid DEFLATE data.") from None
    if inflater.unconsumed_tail:
        raise SamlRejected("The SAML message is too large.")
    return xml


def text_of(element: etree._Element | None) -> str | None:
    """All the text inside ``element`` (child elements' text included), or None if absent."""
    if element is None:
        return None
    return "".join(element.itertext())


def child(element: etree._Element, namespace: str, name: str) -> etree._Element | None:
    """The first direct child called ``{namespace}name``."""
    return element.find(tag(namespace, name))


def children(element: etree._Element, namespace: str, name: str) -> list[etree._Element]:
    """Every direct child called ``{namespace}name``, in document order."""
    return list(element.findall(tag(namespace, name)))
