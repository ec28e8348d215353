"""Decrypting a SAML ``EncryptedAssertion`` (XML Encryption 1.1) with the provider's RSA key.

Key transport: RSA-OAEP only — ``xmlenc#rsa-oaep-mgf1p`` (MGF1 with SHA-1) and
``xmlenc11#rsa-oaep`` (MGF1 named by ``xenc11:MGF``), the digest named by ``ds:DigestMethod``
(SHA-1 by default, as the spec says), an optional ``xenc:OAEPparams`` label. RSA PKCS#1 v1.5
key transport is refused (Bleichenbacher's oracle).

Content: AES-128/192/256-CBC (ISO 10126 padding) and AES-128/192/256-GCM. Triple-DES
(``xmlenc#tripledes-cbc``, pysaml2's default) is refused: a 64-bit block cipher (Sweet32) that
AWS's encryption certificate setup does not ask IdPs for, and an IdP that uses it can be set
to AES. The ``xenc:EncryptedKey`` may sit in the EncryptedData's ``ds:KeyInfo`` or beside the
EncryptedData inside the EncryptedAssertion (SAML core §2.2.4).

Every failure after the algorithms are known gives the same reason, so that the answer is no
padding or parsing oracle for someone replaying altered ciphertext (Jager and Somorovsky, "How
to Break XML Encryption", 2011). Spec: https://www.w3.org/TR/xmlenc-core1/ §5.2, §5.4, §5.5.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.parties import SamlKeyPair
from cognitio.services.federation.saml.xml import DS, XENC, XENC11, child, children, parse_fragment

_XENC = "http://www.w3.org/2001/04/xmlenc#"
_XENC11 = "http://www.w3.org/2009/xmlenc11#"

# Content encryption: algorithm URI -> (key length in bytes, GCM or CBC).
_CONTENT: dict[str, tuple[int, bool]] = {
    _XENC + "aes128-cbc": (16, False),
    _XENC + "aes192-cbc": (24, False),
    _XENC + "aes256-cbc": (32, False),
    _XENC11 + "aes128-gcm": (16, True),
    _XENC11 + "aes192-gcm": (24, True),
    _XENC11 + "aes256-gcm": (32, True),
}
_REFUSED_CONTENT = {_XENC + "tripledes-cbc"}

_OAEP_MGF1P = _XENC + "rsa-oaep-mgf1p"
_OAEP = _XENC11 + "rsa-oaep"

_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmldsig-more#sha224": hashes.SHA224,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
_MGFS: dict[str, type[hashes.HashAlgorithm]] = {
    _XENC11 + "mgf1sha1": hashes.SHA1,
    _XENC11 + "mgf1sha224": hashes.SHA224,
    _XENC11 + "mgf1sha256": hashes.SHA256,
    _XENC11 + "mgf1sha384": hashes.SHA384,
    _XENC11 + "mgf1sha512": hashes.SHA512,
}

_UNREADABLE = "The encrypted assertion could not be decrypted."


def decrypt_assertion(encrypted: etree._Element, keys: tuple[SamlKeyPair, ...]) -> etree._Element:
    """The ``saml:Assertion`` inside ``encrypted`` (a ``saml:EncryptedAssertion``)."""
    if not keys:
        raise SamlRejected("The assertion is encrypted but no decryption key is configured.")
    data = child(encrypted, XENC, "EncryptedData")
    if data is None:
        raise SamlRejected("The encrypted assertion has no EncryptedData.")
    method = child(data, XENC, "EncryptionMethod")
    algorithm = method.get("Algorithm", "") if method is not None else ""
    if algorithm in _REFUSED_CONTENT:
        raise SamlRejected("The assertion is encrypted with Triple-DES, which is not accepted.")
    if algorithm not in _CONTENT:
        raise SamlRejected("The assertion is encrypted with an unsupported algorithm.")
    key_size, gcm = _CONTENT[algorithm]
    key_info = child(data, DS, "KeyInfo")
    encrypted_keys = (children(key_info, XENC, "EncryptedKey") if key_info is not None else []) + (
        children(encrypted, XENC, "EncryptedKey")
    )
    if not encrypted_keys:
        raise SamlRejected("The encrypted assertion carries no encrypted key.")
    for encrypted_key in encrypted_keys:
        _check_key_transport(encrypted_key)
    content_key = _content_key(encrypted_keys, keys, key_size)
    ciphertext = _cipher_value(data)
    decrypt = _decrypt_gcm if gcm else _decrypt_cbc
    plaintext = decrypt(content_key, ciphertext)
    try:
        return parse_fragment(plaintext, encrypted)
    except SamlRejected:
        raise SamlRejected(_UNREADABLE) from None


def _check_key_transport(encrypted_key: etree._Element) -> None:
    method = child(encrypted_key, XENC, "EncryptionMethod")
    algorithm = method.get("Algorithm", "") if method is not None else ""
    if algorithm not in (_OAEP_MGF1P, _OAEP):
        raise SamlRejected("The assertion's key is encrypted with an unsupported algorithm.")


def _oaep(encrypted_key: etree._Element) -> padding.OAEP:
    method = child(encrypted_key, XENC, "EncryptionMethod")
    assert method is not None  # _check_key_transport saw it
    digest_method = child(method, DS, "DigestMethod")
    digest_uri = digest_method.get("Algorithm", "") if digest_method is not None else ""
    digest = _DIGESTS.get(digest_uri or "http://www.w3.org/2000/09/xmldsig#sha1")
    mgf_digest: type[hashes.HashAlgorithm] | None = hashes.SHA1
    if method.get("Algorithm") == _OAEP:
        mgf = child(method, XENC11, "MGF")
        mgf_uri = mgf.get("Algorithm", "") if mgf is not None else _XENC11 + "mgf1sha1"
        mgf_digest = _MGFS.get(mgf_uri)
    if digest is None or mgf_digest is None:
        raise SamlRejected("The assertion's key is encrypted with an unsupported digest.")
    label: bytes | None = None
    params = child(method, XENC, "OAEPparams")
    if params is not None:
        label = _b64(params.text or "")
    return padding.OAEP(mgf=padding.MGF1(mgf_digest()), algorithm=digest(), label=label)


def _content_key(
    encrypted_keys: list[etree._Element], keys: tuple[SamlKeyPair, ...], key_size: int
) -> bytes:
    for encrypted_key in encrypted_keys:
        scheme = _oaep(encrypted_key)
        wrapped = _cipher_value(encrypted_key)
        for pair in keys:
            private_key = serialization.load_pem_private_key(
                pair.private_key_pem.encode(), password=None
            )
            if not isinstance(private_key, rsa.RSAPrivateKey):
                continue
            try:
                content_key = private_key.decrypt(wrapped, scheme)
            except ValueError:
                continue
            if len(content_key) == key_size:
                return content_key
    raise SamlRejected(_UNREADABLE)


def _cipher_value(element: etree._Element) -> bytes:
    cipher_data = child(element, XENC, "CipherData")
    value = child(cipher_data, XENC, "CipherValue") if cipher_data is not None else None
    if value is None:
        raise SamlRejected("The encrypted assertion has no CipherValue.")
    return _b64(value.text or "")


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRejected(_UNREADABLE) from None


def _decrypt_cbc(key: bytes, data: bytes) -> bytes:
    block = 16
    if len(data) < 2 * block or len(data) % block:
        raise SamlRejected(_UNREADABLE)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:block])).decryptor()
    padded = decryptor.update(data[block:]) + decryptor.finalize()
    # ISO 10126: only the last byte (the pad length) is defined; the others are random.
    pad = padded[-1]
    if not 1 <= pad <= block:
        raise SamlRejected(_UNREADABLE)
    return padded[:-pad]


def _decrypt_gcm(key: bytes, data: bytes) -> bytes:
    nonce = 12  # bytes, XML Encryption 1.1 §5.2.4
    if len(data) < nonce + 16:
        raise SamlRejected(_UNREADABLE)
    try:
        return AESGCM(key).decrypt(data[:nonce], data[nonce:], None)
    except InvalidTag:  # altered ciphertext, or a key that is not the one it was sealed with
        raise SamlRejected(_UNREADABLE) from None
