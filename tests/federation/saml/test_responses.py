"""A SAMLResponse at the assertion consumer service: the rules, one broken at a time.

Every response is minted by the in-process fixture IdP (signxml), valid but for the one thing
the test changes; each refusal is checked by its reason, which is what the user would see.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from cognitio.services.federation.saml import (
    SamlAssertion,
    SamlIdentityProvider,
    SamlRejected,
    SamlServiceProvider,
    accept_response,
    read_response,
)
from tests.helpers.saml_idp import (
    FixtureIdp,
    add_unsigned_assertion,
    encode,
    key_pair,
    tamper_attribute,
    the_assertion,
    wrap_signed_assertion,
    wrap_signed_response,
)

REQUEST_ID = "_request-1"


class MemoryReplayCache:
    """The replay store's contract, in memory: an ID can be spent once."""

    def __init__(self) -> None:
        self.spent: dict[str, int] = {}

    async def spend(self, assertion_id: str, expires_ms: int) -> bool:
        if assertion_id in self.spent:
            return False
        self.spent[assertion_id] = expires_ms
        return True


def read(
    response: etree._Element | str,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None = REQUEST_ID,
) -> SamlAssertion:
    value = response if isinstance(response, str) else encode(response)
    return read_response(
        value, idp=idp, sp=sp, request_id=request_id, now_ms=int(time.time() * 1000)
    )


def refused(
    response: etree._Element | str,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None = REQUEST_ID,
) -> str:
    with pytest.raises(SamlRejected) as caught:
        read(response, idp, sp, request_id)
    return caught.value.reason


def test_a_signed_response_gives_the_subject_and_its_attributes(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    assertion = read(fixture_idp.response(in_response_to=REQUEST_ID), idp, sp)
    assert assertion.name_id == "alice"
    assert assertion.name_id_format == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    assert assertion.attributes == {
        "email": ("alice@example.com",),
        "groups": ("admins", "staff"),
    }
    assert assertion.session_index == "_session-1"
    assert assertion.issuer == idp.entity_id
    assert assertion.in_response_to == REQUEST_ID
    assert assertion.assertion_id.startswith("_a")
    # Kept in the replay cache until the assertion expires (5 minutes) plus the skew.
    assert time.time() * 1000 + 4 * 60_000 < assertion.expires_ms < time.time() * 1000 + 8 * 60_000


@pytest.mark.parametrize(
    ("sign_response", "sign_assertion"), [(True, False), (False, True), (True, True)]
)
def test_either_signature_is_enough(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    sign_response: bool,
    sign_assertion: bool,
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, sign_response=sign_response, sign_assertion=sign_assertion
    )
    assert read(response, idp, sp).name_id == "alice"


def test_any_configured_certificate_verifies(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    """An IdP rolling its key lists two certificates; an assertion is valid if any matches."""
    other = key_pair("old-idp-key").certificate_pem
    rolled = dataclasses.replace(idp, signing_certificates=(other, *idp.signing_certificates))
    assert read(fixture_idp.response(in_response_to=REQUEST_ID), rolled, sp).name_id == "alice"


def test_an_unsigned_response_with_an_unsigned_assertion_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, sign_response=False, sign_assertion=False
    )
    assert refused(response, idp, sp) == "Neither the SAML response nor its assertion is signed."


def test_a_response_signed_by_another_key_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, signing_keys=key_pair("impostor"))
    assert refused(response, idp, sp) == "The SAML response's signature is not valid."


def test_an_expired_signing_certificate_is_refused(
    idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    expired = key_pair("expired-idp", days=30, expired=True)
    minted = FixtureIdp(keys=expired, sp_entity_id=sp.entity_id, acs_url=sp.acs_url)
    configured = dataclasses.replace(idp, signing_certificates=(expired.certificate_pem,))
    response = minted.response(in_response_to=REQUEST_ID)
    assert refused(response, configured, sp) == "The SAML response's signature is not valid."


@pytest.mark.parametrize("signed_where", ["response", "assertion"])
def test_a_value_changed_after_signing_is_refused(
    fixture_idp: FixtureIdp,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    signed_where: str,
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID,
        sign_response=signed_where == "response",
        sign_assertion=signed_where == "assertion",
    )
    tamper_attribute(response)
    reason = refused(response, idp, sp)
    assert reason.endswith("signature is not valid.")


def test_a_forged_unsigned_assertion_beside_the_signed_one_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    add_unsigned_assertion(response)
    assert refused(response, idp, sp) == "The SAML response must hold exactly one assertion."


def test_a_signed_assertion_wrapped_inside_a_forged_one_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    wrap_signed_assertion(response)
    assert refused(response, idp, sp) == "The SAML response must hold exactly one assertion."


def test_the_wrapped_assertion_is_refused_even_when_counted_alone(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    """Signature wrapping with the genuine assertion hidden where no Assertion is counted
    (inside the forged one's Advice renamed away): the signature must cover the very element
    read, not one found elsewhere by its ID."""
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    wrap_signed_assertion(response)
    forged = the_assertion(response)
    hidden = forged.find(
        ".//{urn:oasis:names:tc:SAML:2.0:assertion}Subject/"
        "{urn:oasis:names:tc:SAML:2.0:assertion}Assertion"
    )
    assert hidden is not None
    hidden.tag = "{urn:example:hidden}Assertion"
    assert refused(response, idp, sp) == "The assertion's signature is not valid."


def test_a_signed_response_wrapped_inside_a_forged_one_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_assertion=False)
    forged = wrap_signed_response(response)
    reason = refused(forged, idp, sp)
    assert reason in (
        "The SAML response must hold exactly one assertion.",
        "The SAML response's signature is not valid.",
    )


def test_two_assertions_are_refused_even_when_both_are_signed(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    second = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    response.append(the_assertion(second))
    assert refused(response, idp, sp) == "The SAML response must hold exactly one assertion."


def test_a_response_without_an_assertion_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, sign_response=False)
    response.remove(the_assertion(response))
    assert refused(response, idp, sp) == "The SAML response must hold exactly one assertion."


def test_a_failed_status_is_refused_with_its_code(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, status="urn:oasis:names:tc:SAML:2.0:status:Responder"
    )
    assert refused(response, idp, sp) == (
        "The identity provider did not sign the user in (status Responder)."
    )


def test_another_issuer_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, issuer="https://evil.test/idp")
    assert refused(response, idp, sp) == (
        "The SAML response was not issued by the configured identity provider."
    )


def test_another_audience_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, audience="urn:amazon:cognito:sp:us-east-1_Other"
    )
    assert refused(response, idp, sp) == (
        "The assertion is meant for another service provider (Audience)."
    )


def test_another_destination_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, destination="https://other.test/saml2/idpresponse"
    )
    assert refused(response, idp, sp) == (
        "The SAML response is meant for another endpoint (Destination)."
    )


def test_another_recipient_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, recipient="https://other.test/saml2/idpresponse"
    )
    assert refused(response, idp, sp) == "The assertion is meant for another endpoint (Recipient)."


def test_an_expired_assertion_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, issue_instant=datetime.now(UTC) - timedelta(minutes=20)
    )
    assert refused(response, idp, sp) == "The assertion has expired (NotOnOrAfter)."


def test_an_assertion_not_valid_yet_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, not_before=datetime.now(UTC) + timedelta(minutes=10)
    )
    assert refused(response, idp, sp) == "The assertion is not valid yet (NotBefore)."


def test_an_assertion_issued_in_the_future_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, issue_instant=datetime.now(UTC) + timedelta(minutes=10)
    )
    assert refused(response, idp, sp) == "The assertion was issued in the future."


def test_a_small_clock_difference_is_tolerated(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, issue_instant=datetime.now(UTC) + timedelta(seconds=60)
    )
    assert read(response, idp, sp).name_id == "alice"


def test_an_answer_to_another_request_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to="_another-request")
    assert refused(response, idp, sp) == (
        "The SAML response does not answer this sign-in's request."
    )


def test_an_assertion_answering_another_request_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    """The Response names the right request but its signed assertion does not."""
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, subject_in_response_to="_another-request"
    )
    assert refused(response, idp, sp) == (
        "The assertion does not answer this sign-in's request (InResponseTo)."
    )


def test_an_unsolicited_response_is_refused_when_idp_initiation_is_off(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=None)
    assert refused(response, idp, sp, request_id=None) == (
        "This identity provider may not start a sign-in (IdP-initiated)."
    )


def test_an_unsolicited_response_is_accepted_when_idp_initiation_is_on(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    allowed = dataclasses.replace(idp, idp_init=True)
    assertion = read(fixture_idp.response(in_response_to=None), allowed, sp, request_id=None)
    assert assertion.name_id == "alice"
    assert assertion.in_response_to is None


def test_an_idp_initiated_assertion_older_than_six_minutes_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    allowed = dataclasses.replace(idp, idp_init=True)
    response = fixture_idp.response(
        in_response_to=None,
        issue_instant=datetime.now(UTC) - timedelta(minutes=9),
        lifetime=timedelta(minutes=30),
    )
    assert refused(response, allowed, sp, request_id=None) == (
        "The IdP-initiated assertion is older than six minutes."
    )


def test_a_solicited_response_is_refused_where_none_was_sent(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    allowed = dataclasses.replace(idp, idp_init=True)
    response = fixture_idp.response(in_response_to=REQUEST_ID)
    assert refused(response, allowed, sp, request_id=None) == (
        "The SAML response does not answer this sign-in's request."
    )


def test_a_response_without_name_id_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    response = fixture_idp.response(in_response_to=REQUEST_ID, name_id=None)
    assert refused(response, idp, sp) == "The assertion has no NameID."


def test_a_plain_assertion_is_refused_when_encryption_is_required(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    required = dataclasses.replace(idp, encryption_required=True)
    response = fixture_idp.response(in_response_to=REQUEST_ID)
    assert refused(response, required, sp) == "This identity provider must encrypt its assertions."


def test_a_comment_cannot_cut_the_name_id_short(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    """A comment inside a signed NameID does not change the digest (c14n drops comments); the
    whole text is read, not the part before the comment."""
    response = fixture_idp.response(
        in_response_to=REQUEST_ID, name_id="alice@example.com.evil.test", sign_response=False
    )
    raw = etree.tostring(response).replace(
        b"alice@example.com.evil.test", b"alice@example.com<!---->.evil.test"
    )
    assert b"<!---->" in raw
    assert read(encode(raw), idp, sp).name_id == "alice@example.com.evil.test"


def test_a_replayed_assertion_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    cache = MemoryReplayCache()
    value = encode(fixture_idp.response(in_response_to=REQUEST_ID))

    async def accept() -> SamlAssertion:
        return await accept_response(value, idp=idp, sp=sp, request_id=REQUEST_ID, replay=cache)

    first = asyncio.run(accept())
    assert cache.spent == {first.assertion_id: first.expires_ms}
    with pytest.raises(SamlRejected) as caught:
        asyncio.run(accept())
    assert caught.value.reason == "The assertion has already been used."


def test_a_replayed_assertion_id_in_a_new_response_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    cache = MemoryReplayCache()

    async def accept() -> SamlAssertion:
        value = encode(fixture_idp.response(in_response_to=REQUEST_ID, assertion_id="_same"))
        return await accept_response(value, idp=idp, sp=sp, request_id=REQUEST_ID, replay=cache)

    assert asyncio.run(accept()).assertion_id == "_same"
    with pytest.raises(SamlRejected) as caught:
        asyncio.run(accept())
    assert caught.value.reason == "The assertion has already been used."


def test_a_message_that_is_not_a_response_is_refused(
    fixture_idp: FixtureIdp, idp: SamlIdentityProvider, sp: SamlServiceProvider
) -> None:
    logout = fixture_idp.logout_response(in_response_to=REQUEST_ID, destination=sp.logout_url)
    assert refused(logout, idp, sp) == "The message is not a SAML 2.0 Response."
