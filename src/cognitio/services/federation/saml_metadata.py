"""A SAML IdP's metadata (SAML 2.0 Metadata, OASIS saml-metadata-2.0-os): read from the
MetadataFile a caller gives, or fetched from its MetadataURL.

What a pool needs of it (developer guide, ``cognito-user-pools-saml-idp`` and its "things to
know"): the IdP's entityID, its HTTP-Redirect SingleSignOnService (and SingleLogoutService) URL,
and every signing certificate — none expired, each at most 4,096 characters. The document is
untrusted: it is parsed without a DTD, without resolving entities, without the network and
within a size limit, and every fault is InvalidParameterException naming what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

import httpx
from cryptography import x509
from lxml import etree

from cognitio.errors import InvalidParameterException
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.instants import instant_ms
from cognitio.services.federation.upstream import (
    BoundedTransport,
    IdentityProviderError,
    ResponseTooLarge,
    pin_public,
)

MAX_METADATA_BYTES = 1_000_000
FETCH_TIMEOUT_S = 5.0
MAX_CERTIFICATE_CHARS = 4096
_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"
_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


@dataclass(frozen=True, slots=True)
class IdpMetadata:
    """What a pool keeps of an IdP's metadata."""

    entity_id: str
    sso_redirect_url: str
    slo_redirect_url: str | None
    # base64 DER, as in the metadata's X509Certificate elements
    signing_certificates: tuple[str, ...]
    # The document's validUntil (on the IdP's EntityDescriptor or the EntitiesDescriptor
    # around it), epoch ms; None when absent or unreadable. A MetadataURL is read again before.
    valid_until_ms: int | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _bad(reason: str) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid SAML metadata: {reason}")


def parse_metadata(text: str, now: dt.datetime | None = None) -> IdpMetadata:
    """The IdP's entityID, redirect endpoints and signing certificates, or
    InvalidParameterException saying what the document lacks."""
    data = text.encode()
    if len(data) > MAX_METADATA_BYTES:
        raise _bad(f"the document is larger than {MAX_METADATA_BYTES} bytes.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        raise _bad("the document is not well-formed XML.") from None
    if root is None:
        raise _bad("the document is empty.")
    if root.getroottree().docinfo.doctype:
        raise _bad("a document type declaration (DTD) is not allowed.")
    entity = _idp_entity(root)
    entity_id = entity.get("entityID")
    if not entity_id:
        raise _bad("the EntityDescriptor has no entityID.")
    descriptor = entity.find(f"{{{_MD}}}IDPSSODescriptor")
    if descriptor is None:
        raise _bad("there is no IDPSSODescriptor.")
    sso = _redirect_location(descriptor, "SingleSignOnService")
    if sso is None:
        raise _bad("there is no SingleSignOnService with the HTTP-Redirect binding.")
    certificates = _signing_certificates(descriptor, now or dt.datetime.now(dt.UTC))
    return IdpMetadata(
        entity_id=entity_id,
        sso_redirect_url=sso,
        slo_redirect_url=_redirect_location(descriptor, "SingleLogoutService"),
        signing_certificates=certificates,
        valid_until_ms=_valid_until(root, entity),
    )


def _valid_until(root: etree._Element, entity: etree._Element) -> int | None:
    """The earliest validUntil of the IdP's entity and the document's root."""
    found: list[int] = []
    for element in {id(root): root, id(entity): entity}.values():
        value = element.get("validUntil")
        if value:
            try:
                found.append(instant_ms(value, "validUntil"))
            except SamlRejected:
                continue
    return min(found, default=None)


def _idp_entity(root: etree._Element) -> etree._Element:
    if root.tag == f"{{{_MD}}}EntityDescriptor":
        return root
    if root.tag == f"{{{_MD}}}EntitiesDescriptor":
        for entity in root.iter(f"{{{_MD}}}EntityDescriptor"):
            if entity.find(f"{{{_MD}}}IDPSSODescriptor") is not None:
                return entity
    raise _bad("the root element is not an md:EntityDescriptor of an IdP.")


def _redirect_location(descriptor: etree._Element, service: str) -> str | None:
    for element in descriptor.findall(f"{{{_MD}}}{service}"):
        location = element.get("Location")
        if element.get("Binding") == _REDIRECT and location:
            if not location.startswith(("https://", "http://")):
                raise _bad(f"the {service} Location is not an http(s) URL.")
            return str(location)
    return None


def _signing_certificates(descriptor: etree._Element, now: dt.datetime) -> tuple[str, ...]:
    found: list[str] = []
    for key in descriptor.findall(f"{{{_MD}}}KeyDescriptor"):
        if key.get("use") not in (None, "signing"):
            continue
        for element in key.iter(f"{{{_DS}}}X509Certificate"):
            text = "".join((element.text or "").split())
            found.append(_certificate(text, now))
    if not found:
        raise _bad('there is no signing certificate (KeyDescriptor use="signing").')
    return tuple(dict.fromkeys(found))


def _certificate(text: str, now: dt.datetime) -> str:
    if len(text) > MAX_CERTIFICATE_CHARS:
        raise _bad(f"a signing certificate is longer than {MAX_CERTIFICATE_CHARS} characters.")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error):
        raise _bad("a signing certificate is not a base64 X.509 certificate.") from None
    if certificate.not_valid_after_utc <= now:
        raise _bad("a signing certificate has expired.")
    return text


async def fetch_metadata(
    url: str, *, allow_insecure: bool, timeout_s: float = FETCH_TIMEOUT_S
) -> str:
    """The document at MetadataURL: one GET, no redirects followed, no proxy from the
    environment, at most MAX_METADATA_BYTES (a compressed answer is inflated no further), within
    ``timeout_s`` per step. Unless ``allow_insecure``, every address the host resolves to must
    be public (``127.1`` or a name pointing inside is refused like ``127.0.0.1``), as for calls
    to OIDC providers."""
    headers = {
        "Accept": "application/samlmetadata+xml",
        "Accept-Encoding": "gzip, deflate, identity",
    }
    extensions: dict[str, str] = {}
    if not allow_insecure:
        try:
            pinned = await pin_public(url, "MetadataURL")
        except IdentityProviderError as error:
            unresolved = "resolves to" not in error.detail
            raise _bad(
                "MetadataURL could not be read."
                if unresolved
                else "MetadataURL names or resolves to a local or private address."
            ) from None
        url, extensions = pinned.url, pinned.extensions
        headers.update(pinned.headers)
    # The bounded transport inflates a compressed answer only up to the limit: httpx's own
    # decoders inflate each chunk whole, so a few hundred KiB of gzip would take 100s of MB.
    transport = BoundedTransport(httpx.AsyncHTTPTransport(), MAX_METADATA_BYTES)
    try:
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout_s, follow_redirects=False, trust_env=False
        ) as http:
            answer = await http.get(url, headers=headers, extensions=extensions)
    except ResponseTooLarge:
        raise _bad(f"the document is larger than {MAX_METADATA_BYTES} bytes.") from None
    except httpx.HTTPError:
        raise _bad("MetadataURL could not be read.") from None
    if answer.status_code != 200:
        raise _bad(f"MetadataURL answered HTTP {answer.status_code}.")
    try:
        return answer.content.decode()
    except UnicodeDecodeError:
        raise _bad("the document is not UTF-8 text.") from None
