"""Encrypted assertions: decrypted with the provider's key, then verified on their own."""

from __future__ import annotations

import base64
import dataclasses
import time

import pytest
from lxml import etree

from cognitio.services.federation.saml import (
    SamlAssertion,
    SamlIdentityProvider,
    SamlKeyPair,
    SamlRejected,
    SamlServiceProvider,
    read_response,
)
from tests.helpers.saml_idp import XENC, Encryption, FixtureIdp, encode, key_pair, q

REQUEST_ID = "_request-1"


def read(
    response: etree._Element, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> SamlAssertion:
    return read_response(
        encode(response), idp=idp, sp=sp, request_id=REQUEST_ID, now_ms=int(time.time() * 1000)
    )


def refused(response: etree._Element, idp: SamlIdentityProvider, sp: SamlServiceProvider) -> str:
    with pytest.raises(SamlRejected) as caught:
        read(response, idp, sp)
    return caught.value.reason


@pytest.mark.parametrize(
    ("content", "key_transport"),
    [
        ("aes256-cbc", "rsa-oaep-mgf1p"),
        ("aes128-cbc", "rsa-oaep-mgf1p"),
        ("aes128-gcm", "rsa-oaep"),
        ("aes256-gcm", "rsa-oaep-mgf1p"),
    ],
)
def test_an_encrypted_signed_assertion_is_decrypted_and_verified(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
    content: str,
    key_transport: str,
) -> None:
    required = dataclasses.replace(idp, encryption_required=True)
    response = fixture_idp.response(
        in_response_to=REQUEST_ID,
        sign_response=False,
        encrypt=Encryption(decryption_keys, content=content, key_transport=key_transport),
    )
    assertion = read(response, required, sp)
    assert assertion.name_id == "alice"
    assert assertion.attributes["email"] == ("alice@example.com",)


def test_the_encrypted_key_may_sit_beside_the_encrypted_data(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, encrypt=Encryption(decryption_keys, key_beside_data=True)
    )
    assert read(response, idp, sp).name_id == "alice"


def test_an_older_decryption_key_still_works(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    renewed = dataclasses.replace(sp, decryption=(key_pair("newer"), decryption_keys))
    response = fixture_idp.response(in_response_to=REQUEST_ID, encrypt=Encryption(decryption_keys))
    assert read(response, idp, renewed).name_id == "alice"


def test_an_assertion_encrypted_for_another_key_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, encrypt=Encryption(key_pair("someone-else"))
    )
    assert refused(response, idp, sp) == "The encrypted assertion could not be decrypted."


def test_an_encrypted_assertion_without_a_configured_key_is_refused(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    keyless = dataclasses.replace(sp, decryption=())
    response = fixture_idp.response(in_response_to=REQUEST_ID, encrypt=Encryption(decryption_keys))
    assert refused(response, idp, keyless) == (
        "The assertion is encrypted but no decryption key is configured."
    )


def test_triple_des_is_refused(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, encrypt=Encryption(decryption_keys, content="tripledes-cbc")
    )
    assert refused(response, idp, sp) == (
        "The assertion is encrypted with Triple-DES, which is not accepted."
    )


def test_rsa_pkcs1_v1_5_key_transport_is_refused(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, encrypt=Encryption(decryption_keys, key_transport="rsa-1_5")
    )
    assert refused(response, idp, sp) == (
        "The assertion's key is encrypted with an unsupported algorithm."
    )


def test_an_encrypted_unsigned_assertion_in_an_unsigned_response_is_refused(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    """Encryption is not authentication: anyone holding the public certificate can encrypt."""
    response = fixture_idp.response(
        in_response_to=REQUEST_ID,
        sign_response=False,
        sign_assertion=False,
        encrypt=Encryption(decryption_keys),
    )
    assert refused(response, idp, sp) == "Neither the SAML response nor its assertion is signed."


def test_altered_ciphertext_gives_one_reason_whatever_broke(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    decryption_keys: SamlKeyPair,
) -> None:
    """No padding or parsing oracle: every altered byte of the CBC ciphertext is refused with
    the same reason (or fails the signature, for a change the padding check cannot see)."""
    reasons = set()
    for position in (16, 40, -17, -1):
        response = fixture_idp.response(
            in_response_to=REQUEST_ID, sign_response=False, encrypt=Encryption(decryption_keys)
        )
        values = response.findall(
            f".//{q(XENC, 'EncryptedData')}/{q(XENC, 'CipherData')}/{q(XENC, 'CipherValue')}"
        )
        assert len(values) == 1
        data = bytearray(base64.b64decode(values[0].text or ""))
        data[position] ^= 0x01
        values[0].text = base64.b64encode(bytes(data)).decode()
        reasons.add(refused(response, idp, sp))
    assert reasons <= {
        "The encrypted assertion could not be decrypted.",
        "The assertion's signature is not valid.",
    }
