"""Untrusted SAML XML: no DTD, no entity, no network, no oversize message reaches the rules."""

from __future__ import annotations

import base64
import random
import time
import zlib
from pathlib import Path

import pytest
from lxml import etree

from cognitio.services.federation.saml import (
    SamlIdentityProvider,
    SamlRejected,
    SamlServiceProvider,
    read_response,
)
from cognitio.services.federation.saml.xml import (
    MAX_INFLATED_BYTES,
    decode_redirect_message,
    parse_untrusted,
)
from tests.helpers.saml_idp import BILLION_LAUGHS, FixtureIdp, encode, with_doctype

REQUEST_ID = "_request-1"


def refused(value: str, idp: SamlIdentityProvider, sp: SamlServiceProvider) -> str:
    with pytest.raises(SamlRejected) as caught:
        read_response(value, idp=idp, sp=sp, request_id=REQUEST_ID, now_ms=int(time.time() * 1000))
    return caught.value.reason


def test_an_entity_bomb_is_refused_before_parsing(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID)
    raw = with_doctype(response, BILLION_LAUGHS).replace(b"alice</", b"&lol9;</", 1)
    assert refused(encode(raw), idp, sp) == "The SAML message contains a DTD, which is not allowed."


def test_an_external_entity_naming_a_file_is_refused(
    tmp_path: Path, fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the-file-content")
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    doctype = f'<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    raw = with_doctype(response, doctype).replace(b"alice</", b"&xxe;</", 1)
    reason = refused(encode(raw), idp, sp)
    assert reason == "The SAML message contains a DTD, which is not allowed."
    assert "the-file-content" not in reason


def test_a_dtd_hidden_in_another_encoding_is_refused() -> None:
    """UTF-16 would hide ``<!DOCTYPE`` from a byte search; only UTF-8 is read."""
    document = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(SamlRejected) as caught:
        parse_untrusted(document.encode("utf-16"))
    assert caught.value.reason == "The SAML message is not UTF-8 XML."


def test_a_declared_foreign_encoding_is_refused() -> None:
    with pytest.raises(SamlRejected) as caught:
        parse_untrusted(b'<?xml version="1.0" encoding="ISO-8859-1"?><a>x</a>')
    assert caught.value.reason == "The SAML message is not UTF-8 XML."


def test_an_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(SamlRejected) as caught:
        parse_untrusted(b"<a>&undeclared;</a>")
    assert caught.value.reason == "The SAML message is not well-formed XML."


def test_a_response_over_100000_characters_is_refused(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    value = base64.b64encode(b"<a>" + b"x" * 80_000 + b"</a>").decode()
    assert len(value) > 100_000
    assert refused(value, idp, sp) == "The SAML response is too large."


@pytest.mark.parametrize("value", ["not base64!", "YWJj=ZGVm", ""])
def test_a_response_that_is_not_base64_xml_is_refused(
    value: str, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    assert refused(value, idp, sp) in (
        "The SAML response is not valid base64.",
        "The SAML message is not well-formed XML.",
    )


@pytest.mark.parametrize(
    "document",
    [b"\xff\xfe<a/>", b"<samlp:Response", b"<a><b></a>", b"\x00" * 10, b"<?xml?>"],
)
def test_garbage_is_refused_as_such(
    document: bytes, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    assert refused(base64.b64encode(document).decode(), idp, sp) in (
        "The SAML message is not UTF-8 XML.",
        "The SAML message is not well-formed XML.",
    )


def test_a_deflate_bomb_on_the_redirect_binding_is_refused() -> None:
    compressor = zlib.compressobj(wbits=-15)
    bomb = compressor.compress(b"<a>" + b" " * (MAX_INFLATED_BYTES * 5)) + compressor.flush()
    value = base64.b64encode(bomb).decode()
    assert len(value) < 10_000
    with pytest.raises(SamlRejected) as caught:
        decode_redirect_message(value)
    assert caught.value.reason == "The SAML message is too large."


def test_a_deeply_nested_document_is_refused() -> None:
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(SamlRejected):
        parse_untrusted(deep)


def test_mangled_responses_are_refused_and_never_crash(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    """Bytes flipped, cut or dropped anywhere in a signed response: no exception but the
    refusal escapes (a change in a part no rule reads, such as the certificate copy in
    KeyInfo, may still be accepted)."""
    raw = etree.tostring(fixture_idp.response(in_response_to=REQUEST_ID))
    chooser = random.Random(13)
    for _ in range(150):
        mangled = bytearray(raw)
        position = chooser.randrange(len(mangled))
        kind = chooser.choice(["flip", "cut", "drop"])
        if kind == "flip":
            mangled[position] = chooser.randrange(256)
        elif kind == "cut":
            del mangled[position:]
        else:
            del mangled[position : position + chooser.randrange(1, 40)]
        if bytes(mangled) == raw:
            continue
        try:
            read_response(
                encode(bytes(mangled)),
                idp=idp,
                sp=sp,
                request_id=REQUEST_ID,
                now_ms=int(time.time() * 1000),
            )
        except SamlRejected:
            continue
