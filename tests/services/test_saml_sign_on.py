"""What the hosted session remembers of a SAML sign-in for single logout: all of it, or nothing
when it would not fit in a cookie; a document it did not write reads as nothing."""

from __future__ import annotations

from cognitio.documents import JsonValue
from cognitio.services.federation.saml_sign_on import MAX_SIGN_ON_BYTES, SamlSignOn

SIGN_ON = SamlSignOn(
    provider_name="Corp",
    name_id="alice@example.com",
    issuer="urn:example:idp",
    name_id_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    name_qualifier="urn:example:idp",
    sp_name_qualifier="urn:amazon:cognito:sp:us-east-1_Ab12Cd34E",
    session_index="_session-1",
)


def test_a_sign_on_comes_back_as_it_was_kept() -> None:
    document = SIGN_ON.document()
    assert document is not None
    assert SamlSignOn.from_document(document) == SIGN_ON


def test_a_sign_on_too_large_for_a_cookie_is_not_kept() -> None:
    huge = SamlSignOn(provider_name="Corp", name_id="a" * MAX_SIGN_ON_BYTES)
    assert huge.document() is None


def test_what_is_not_a_sign_on_reads_as_none() -> None:
    values: list[JsonValue] = [
        None,
        "Corp",
        [],
        {"p": "Corp"},
        {"p": "Corp", "n": 7},
        {"p": "", "n": "a"},
    ]
    for value in values:
        assert SamlSignOn.from_document(value) is None


def test_a_session_sealed_without_the_idps_entity_id_reads_as_naming_none() -> None:
    document = SIGN_ON.document()
    assert document is not None
    del document["e"]
    opened = SamlSignOn.from_document(document)
    assert opened is not None and opened.issuer is None
