"""An in-process SAML identity provider that mints responses with signxml, for the rule matrix.

``FixtureIdp.response(...)`` builds a ``samlp:Response`` the way IdPs do (Response and
Assertion signed with RSA-SHA256 and exclusive c14n, the ``ds:Signature`` right after the
Issuer), optionally encrypts the assertion for the service provider, and takes a knob for each
way a response can be wrong. The functions below it damage a minted response the way attacks
do (a changed value, signature wrapping, a DTD). Keys are made here with cryptography.
"""

from __future__ import annotations

import base64
import copy
import os
import urllib.parse
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from cognitio.services.federation.saml import SamlKeyPair
from cognitio.services.federation.saml.instants import format_instant

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

IDP_ENTITY_ID = "https://idp.example.test/metadata"


def key_pair(common_name: str, *, days: int = 365, expired: bool = False) -> SamlKeyPair:
    """A fresh RSA-2048 key and a self-signed certificate for it, as PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.now(UTC) - timedelta(days=days + 2 if expired else 1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return SamlKeyPair(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
    )


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def sign(element: etree._Element, keys: SamlKeyPair) -> etree._Element:
    """``element`` with an enveloped RSA-SHA256 signature where its placeholder stands."""
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(
        element, key=keys.private_key_pem, cert=keys.certificate_pem, id_attribute="ID"
    )
    return signed


def _placeholder(parent: etree._Element, position: int) -> None:
    parent.insert(position, etree.Element(q(DS, "Signature"), Id="placeholder", nsmap={"ds": DS}))


@dataclass(frozen=True)
class Encryption:
    """How the fixture encrypts an assertion (XML Encryption algorithm names, short form)."""

    recipient: SamlKeyPair
    content: str = "aes256-cbc"
    key_transport: str = "rsa-oaep-mgf1p"
    key_beside_data: bool = False


@dataclass
class FixtureIdp:
    """A SAML IdP with its own key, minting responses for one service provider."""

    keys: SamlKeyPair
    sp_entity_id: str
    acs_url: str
    entity_id: str = IDP_ENTITY_ID
    attributes: dict[str, list[str]] = field(
        default_factory=lambda: {
            "email": ["alice@example.com"],
            "groups": ["admins", "staff"],
        }
    )

    def response(
        self,
        *,
        in_response_to: str | None = None,
        name_id: str | None = "alice",
        now: datetime | None = None,
        issue_instant: datetime | None = None,
        lifetime: timedelta = timedelta(minutes=5),
        not_before: datetime | None = None,
        audience: str | None = None,
        destination: str | None = None,
        recipient: str | None = None,
        issuer: str | None = None,
        assertion_id: str | None = None,
        status: str = SUCCESS,
        sign_response: bool = True,
        sign_assertion: bool = True,
        encrypt: Encryption | None = None,
        subject_in_response_to: str | None = None,
        signing_keys: SamlKeyPair | None = None,
    ) -> etree._Element:
        """A signed ``samlp:Response`` element; each argument changes one thing in it."""
        now = now or datetime.now(UTC)
        issued = issue_instant or now
        keys = signing_keys or self.keys
        response = etree.Element(q(SAMLP, "Response"), nsmap={"samlp": SAMLP, "saml": SAML})
        response.set("ID", "_r" + uuid.uuid4().hex)
        response.set("Version", "2.0")
        response.set("IssueInstant", _instant(issued))
        response.set("Destination", destination or self.acs_url)
        if in_response_to is not None:
            response.set("InResponseTo", in_response_to)
        etree.SubElement(response, q(SAML, "Issuer")).text = issuer or self.entity_id
        status_element = etree.SubElement(response, q(SAMLP, "Status"))
        etree.SubElement(status_element, q(SAMLP, "StatusCode"), Value=status)
        if status == SUCCESS:
            assertion = self.assertion(
                in_response_to=subject_in_response_to or in_response_to,
                name_id=name_id,
                issued=issued,
                lifetime=lifetime,
                not_before=not_before,
                audience=audience,
                recipient=recipient,
                issuer=issuer,
                assertion_id=assertion_id,
            )
            if sign_assertion:
                _placeholder(assertion, 1)
                assertion = sign(assertion, keys)
            if encrypt is not None:
                assertion = encrypt_assertion(assertion, encrypt)
            response.append(assertion)
        if sign_response:
            _placeholder(response, 1)
            response = sign(response, keys)
        return response

    def assertion(
        self,
        *,
        in_response_to: str | None,
        name_id: str | None,
        issued: datetime,
        lifetime: timedelta,
        not_before: datetime | None,
        audience: str | None,
        recipient: str | None,
        issuer: str | None,
        assertion_id: str | None,
    ) -> etree._Element:
        """An unsigned ``saml:Assertion``."""
        assertion = etree.Element(q(SAML, "Assertion"), nsmap={"saml": SAML})
        assertion.set("ID", assertion_id or "_a" + uuid.uuid4().hex)
        assertion.set("Version", "2.0")
        assertion.set("IssueInstant", _instant(issued))
        etree.SubElement(assertion, q(SAML, "Issuer")).text = issuer or self.entity_id
        subject = etree.SubElement(assertion, q(SAML, "Subject"))
        if name_id is not None:
            etree.SubElement(
                subject,
                q(SAML, "NameID"),
                Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            ).text = name_id
        confirmation = etree.SubElement(subject, q(SAML, "SubjectConfirmation"), Method=BEARER)
        data = etree.SubElement(confirmation, q(SAML, "SubjectConfirmationData"))
        data.set("NotOnOrAfter", _instant(issued + lifetime))
        data.set("Recipient", recipient or self.acs_url)
        if in_response_to is not None:
            data.set("InResponseTo", in_response_to)
        conditions = etree.SubElement(assertion, q(SAML, "Conditions"))
        conditions.set("NotBefore", _instant(not_before or issued - timedelta(seconds=5)))
        conditions.set("NotOnOrAfter", _instant(issued + lifetime))
        restriction = etree.SubElement(conditions, q(SAML, "AudienceRestriction"))
        etree.SubElement(restriction, q(SAML, "Audience")).text = audience or self.sp_entity_id
        authn = etree.SubElement(assertion, q(SAML, "AuthnStatement"))
        authn.set("AuthnInstant", _instant(issued))
        authn.set("SessionIndex", "_session-1")
        context = etree.SubElement(authn, q(SAML, "AuthnContext"))
        etree.SubElement(
            context, q(SAML, "AuthnContextClassRef")
        ).text = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        statement = etree.SubElement(assertion, q(SAML, "AttributeStatement"))
        for name, values in self.attributes.items():
            attribute = etree.SubElement(statement, q(SAML, "Attribute"), Name=name)
            for value in values:
                etree.SubElement(attribute, q(SAML, "AttributeValue")).text = value
        return assertion

    def logout_response(
        self,
        *,
        in_response_to: str,
        destination: str,
        sign_it: bool = True,
        status: str = SUCCESS,
        issuer: str | None = None,
        signing_keys: SamlKeyPair | None = None,
    ) -> etree._Element:
        """A ``samlp:LogoutResponse`` (status Success unless told otherwise)."""
        response = etree.Element(q(SAMLP, "LogoutResponse"), nsmap={"samlp": SAMLP, "saml": SAML})
        response.set("ID", "_l" + uuid.uuid4().hex)
        response.set("Version", "2.0")
        response.set("IssueInstant", _instant(datetime.now(UTC)))
        response.set("Destination", destination)
        response.set("InResponseTo", in_response_to)
        etree.SubElement(response, q(SAML, "Issuer")).text = issuer or self.entity_id
        status_element = etree.SubElement(response, q(SAMLP, "Status"))
        etree.SubElement(status_element, q(SAMLP, "StatusCode"), Value=status)
        if sign_it:
            _placeholder(response, 1)
            response = sign(response, signing_keys or self.keys)
        return response


def _instant(moment: datetime) -> str:
    return format_instant(int(moment.timestamp() * 1000))


def encode(document: etree._Element | bytes) -> str:
    """The ``SAMLResponse`` form value (HTTP-POST binding) for a document."""
    raw = document if isinstance(document, bytes) else etree.tostring(document)
    return base64.b64encode(raw).decode("ascii")


def encrypt_assertion(assertion: etree._Element, how: Encryption) -> etree._Element:
    """``saml:EncryptedAssertion`` holding ``assertion``, sealed for ``how.recipient``."""
    plaintext = etree.tostring(assertion)
    certificate = x509.load_pem_x509_certificate(how.recipient.certificate_pem.encode())
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    size = {"aes128": 16, "aes192": 24, "aes256": 32, "tripledes": 24}[how.content.split("-")[0]]
    key = os.urandom(size)
    if how.content.endswith("-gcm"):
        nonce = os.urandom(12)
        ciphertext = nonce + AESGCM(key).encrypt(nonce, plaintext, None)
        content_uri = XENC11 + how.content
    elif how.content == "tripledes-cbc":
        ciphertext = os.urandom(8 + 64)  # refused before decryption: the bytes do not matter
        content_uri = XENC + how.content
    else:
        iv = os.urandom(16)
        pad = 16 - len(plaintext) % 16
        padded = plaintext + os.urandom(pad - 1) + bytes([pad])  # ISO 10126
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        ciphertext = iv + encryptor.update(padded) + encryptor.finalize()
        content_uri = XENC + how.content

    encrypted_key = etree.Element(q(XENC, "EncryptedKey"), nsmap={"xenc": XENC})
    method = etree.SubElement(encrypted_key, q(XENC, "EncryptionMethod"))
    if how.key_transport == "rsa-oaep-mgf1p":
        method.set("Algorithm", XENC + "rsa-oaep-mgf1p")
        etree.SubElement(method, q(DS, "DigestMethod"), Algorithm=DS + "sha1")
        # rsa-oaep-mgf1p is OAEP with SHA-1 by definition; SHA-1 is safe inside OAEP.
        oaep = padding.OAEP(
            mgf=padding.MGF1(hashes.SHA1()),  # noqa: S303
            algorithm=hashes.SHA1(),  # noqa: S303
            label=None,
        )
        wrapped = public_key.encrypt(key, oaep)
    elif how.key_transport == "rsa-oaep":
        method.set("Algorithm", XENC11 + "rsa-oaep")
        etree.SubElement(method, q(DS, "DigestMethod"), Algorithm=XENC + "sha256")
        etree.SubElement(method, q(XENC11, "MGF"), Algorithm=XENC11 + "mgf1sha256")
        wrapped = public_key.encrypt(
            key,
            padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
        )
    else:  # rsa-1_5
        method.set("Algorithm", XENC + "rsa-1_5")
        wrapped = public_key.encrypt(key, padding.PKCS1v15())
    etree.SubElement(
        etree.SubElement(encrypted_key, q(XENC, "CipherData")), q(XENC, "CipherValue")
    ).text = base64.b64encode(wrapped).decode()

    encrypted = etree.Element(q(SAML, "EncryptedAssertion"), nsmap={"saml": SAML})
    data = etree.SubElement(
        encrypted, q(XENC, "EncryptedData"), Type=XENC + "Element", nsmap={"xenc": XENC}
    )
    etree.SubElement(data, q(XENC, "EncryptionMethod"), Algorithm=content_uri)
    if not how.key_beside_data:
        etree.SubElement(data, q(DS, "KeyInfo"), nsmap={"ds": DS}).append(encrypted_key)
    etree.SubElement(
        etree.SubElement(data, q(XENC, "CipherData")), q(XENC, "CipherValue")
    ).text = base64.b64encode(ciphertext).decode()
    if how.key_beside_data:
        data.addnext(encrypted_key)
    return encrypted


# Damage done to a minted response, the way attacks do.


def the_assertion(response: etree._Element) -> etree._Element:
    found = response.find(q(SAML, "Assertion"))
    assert found is not None
    return found


def tamper_attribute(response: etree._Element, value: str = "mallory@example.com") -> None:
    """Change the first attribute value after signing."""
    attribute_value = the_assertion(response).find(f".//{q(SAML, 'AttributeValue')}")
    assert attribute_value is not None
    attribute_value.text = value


def add_unsigned_assertion(response: etree._Element, name_id: str = "mallory") -> None:
    """XSW: a forged, unsigned copy of the assertion placed before the signed one."""
    forged = copy.deepcopy(the_assertion(response))
    forged.set("ID", "_forged" + uuid.uuid4().hex)
    signature = forged.find(q(DS, "Signature"))
    if signature is not None:
        forged.remove(signature)
    _set_name_id(forged, name_id)
    the_assertion(response).addprevious(forged)


def wrap_signed_assertion(response: etree._Element, name_id: str = "mallory") -> None:
    """XSW: a forged assertion carrying a copy of the genuine signature takes the signed
    assertion's place, and the signed assertion hides inside the forged Subject, so that the
    signature's reference still finds the element it signed."""
    original = the_assertion(response)
    forged = copy.deepcopy(original)
    forged.set("ID", "_forged" + uuid.uuid4().hex)
    _set_name_id(forged, name_id)
    position = response.index(original)
    subject = forged.find(q(SAML, "Subject"))
    assert subject is not None
    subject.append(original)
    response.insert(position, forged)


def wrap_signed_response(response: etree._Element, name_id: str = "mallory") -> etree._Element:
    """XSW on the Response: a new unsigned Response with a forged assertion, the genuine
    signed Response hidden in its Extensions."""
    forged = etree.Element(q(SAMLP, "Response"), nsmap={"samlp": SAMLP, "saml": SAML})
    for name, value in response.attrib.items():
        forged.set(name, value)
    forged.set("ID", "_forged" + uuid.uuid4().hex)
    forged.append(copy.deepcopy(response.find(q(SAML, "Issuer"))))
    forged.append(copy.deepcopy(response.find(q(DS, "Signature"))))
    extensions = etree.SubElement(forged, q(SAMLP, "Extensions"))
    extensions.append(copy.deepcopy(response))
    forged.append(copy.deepcopy(response.find(q(SAMLP, "Status"))))
    assertion = copy.deepcopy(the_assertion(response))
    _set_name_id(assertion, name_id)
    signature = assertion.find(q(DS, "Signature"))
    if signature is not None:
        assertion.remove(signature)
    forged.append(assertion)
    return forged


def _set_name_id(assertion: etree._Element, name_id: str) -> None:
    element = assertion.find(f"{q(SAML, 'Subject')}/{q(SAML, 'NameID')}")
    assert element is not None
    element.text = name_id


def with_doctype(response: etree._Element, doctype: str) -> bytes:
    """The serialized response with a DOCTYPE (an internal subset) before its root."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype.encode()
        + b"\n"
        + bytes(etree.tostring(response))
    )


BILLION_LAUGHS = (
    '<!DOCTYPE samlp:Response [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def signed_redirect_query(
    field_name: str, document: etree._Element, relay_state: str | None, keys: SamlKeyPair
) -> str:
    """A Redirect-binding query carrying ``document``, signed with RSA-SHA256 by ``keys``."""
    compressor = zlib.compressobj(wbits=-15)
    deflated = compressor.compress(etree.tostring(document)) + compressor.flush()
    fields = [(field_name, base64.b64encode(deflated).decode())]
    if relay_state is not None:
        fields.append(("RelayState", relay_state))
    fields.append(("SigAlg", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"))
    signed = urllib.parse.urlencode(fields)
    key = serialization.load_pem_private_key(keys.private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signed + "&" + urllib.parse.urlencode({"Signature": base64.b64encode(signature)})
