"""The rules a verified SAML assertion must meet before a pool signs its subject in.

SAML core (saml-core-2.0-os) §2.3-§2.7 and the Web Browser SSO profile (saml-profiles-2.0-os
§4.1.4.2-§4.1.4.3): the Issuer is the configured IdP; every AudienceRestriction names the pool
(``urn:amazon:cognito:sp:<poolId>``); the Conditions' NotBefore/NotOnOrAfter hold; a bearer
SubjectConfirmation whose data names the ACS as Recipient, is not expired, and answers the
request this sign-in sent (``InResponseTo``) or, for an IdP-initiated sign-in, nothing at all;
a NameID. Cognito adds (cognito-user-pools-SAML-session-initiation): an IdP-initiated assertion
is accepted only when the provider allows it (IDPInit) and only within six minutes of its
IssueInstant.

Functions here read only the signed copy of an assertion (see ``signatures``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.instants import instant_ms
from cognitio.services.federation.saml.parties import SamlIdentityProvider, SamlServiceProvider
from cognitio.services.federation.saml.xml import BEARER, SAML, XSI, child, children, text_of

# Clock skew allowed between the IdP and this server, in milliseconds (2 minutes).
CLOCK_SKEW_MS = 120_000
# How old an IdP-initiated assertion may be, in milliseconds (Cognito: 6 minutes).
IDP_INITIATED_WINDOW_MS = 6 * 60_000


@dataclass(frozen=True, slots=True)
class SamlAssertion:
    """What a valid assertion says about its subject.

    ``attributes`` maps each ``Attribute/@Name`` (as the IdP wrote it) to its values in order.
    The NameID's qualifiers and the first AuthnStatement's SessionIndex are what a
    LogoutRequest must name to end this sign-in at the IdP.
    ``assertion_id`` and ``expires_ms`` are for the replay cache: the ID must be refused until
    ``expires_ms``, after which the assertion is refused as expired anyway.
    """

    issuer: str
    name_id: str
    name_id_format: str | None
    attributes: dict[str, tuple[str, ...]]
    session_index: str | None
    assertion_id: str
    expires_ms: int
    in_response_to: str | None
    name_qualifier: str | None = None
    sp_name_qualifier: str | None = None


def check_assertion(
    assertion: etree._Element,
    *,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None,
    now_ms: int,
) -> SamlAssertion:
    """The subject of ``assertion`` (a verified ``saml:Assertion``), or SamlRejected."""
    if assertion.tag != f"{{{SAML}}}Assertion" or assertion.get("Version") != "2.0":
        raise SamlRejected("The SAML response does not hold a SAML 2.0 assertion.")
    assertion_id = assertion.get("ID")
    if not assertion_id:
        raise SamlRejected("The assertion has no ID.")
    if text_of(child(assertion, SAML, "Issuer")) != idp.entity_id:
        raise SamlRejected("The assertion was not issued by the configured identity provider.")
    issued_ms = instant_ms(assertion.get("IssueInstant", ""), "IssueInstant")
    if issued_ms > now_ms + CLOCK_SKEW_MS:
        raise SamlRejected("The assertion was issued in the future.")
    deadlines = [*_check_conditions(assertion, sp, now_ms)]
    subject = child(assertion, SAML, "Subject")
    if subject is None:
        raise SamlRejected("The assertion has no Subject.")
    deadlines.append(_check_bearer(subject, sp, request_id, now_ms))
    if request_id is None:
        if not idp.idp_init:
            raise SamlRejected("This identity provider may not start a sign-in (IdP-initiated).")
        if now_ms - issued_ms > IDP_INITIATED_WINDOW_MS + CLOCK_SKEW_MS:
            raise SamlRejected("The IdP-initiated assertion is older than six minutes.")
        deadlines.append(issued_ms + IDP_INITIATED_WINDOW_MS)
    name_id = child(subject, SAML, "NameID")
    name = text_of(name_id)
    if name_id is None or not name or not name.strip():
        raise SamlRejected("The assertion has no NameID.")
    authn = child(assertion, SAML, "AuthnStatement")
    return SamlAssertion(
        issuer=idp.entity_id,
        name_id=name,
        name_id_format=name_id.get("Format"),
        attributes=_attributes(assertion),
        session_index=authn.get("SessionIndex") if authn is not None else None,
        assertion_id=assertion_id,
        expires_ms=min(deadlines) + CLOCK_SKEW_MS,
        in_response_to=request_id,
        name_qualifier=name_id.get("NameQualifier"),
        sp_name_qualifier=name_id.get("SPNameQualifier"),
    )


def _check_conditions(assertion: etree._Element, sp: SamlServiceProvider, now_ms: int) -> list[int]:
    """Check Conditions; the NotOnOrAfter found, if any."""
    conditions = child(assertion, SAML, "Conditions")
    if conditions is None:
        raise SamlRejected("The assertion has no Conditions, so no audience.")
    not_before = conditions.get("NotBefore")
    if not_before is not None and instant_ms(not_before, "NotBefore") > now_ms + CLOCK_SKEW_MS:
        raise SamlRejected("The assertion is not valid yet (NotBefore).")
    deadlines = []
    not_on_or_after = conditions.get("NotOnOrAfter")
    if not_on_or_after is not None:
        deadline = instant_ms(not_on_or_after, "NotOnOrAfter")
        if deadline + CLOCK_SKEW_MS <= now_ms:
            raise SamlRejected("The assertion has expired (NotOnOrAfter).")
        deadlines.append(deadline)
    restrictions = children(conditions, SAML, "AudienceRestriction")
    if not restrictions:
        raise SamlRejected("The assertion names no audience.")
    for restriction in restrictions:
        audiences = [text_of(audience) for audience in children(restriction, SAML, "Audience")]
        if sp.entity_id not in audiences:
            raise SamlRejected("The assertion is meant for another service provider (Audience).")
    return deadlines


def _check_bearer(
    subject: etree._Element, sp: SamlServiceProvider, request_id: str | None, now_ms: int
) -> int:
    """Check the bearer SubjectConfirmation; its NotOnOrAfter. The first reason wins."""
    reasons: list[str] = []
    for confirmation in children(subject, SAML, "SubjectConfirmation"):
        if confirmation.get("Method") != BEARER:
            continue
        data = child(confirmation, SAML, "SubjectConfirmationData")
        if data is None:
            reasons.append("The assertion's bearer confirmation has no data.")
            continue
        reason, deadline = _bearer_data(data, sp, request_id, now_ms)
        if reason is None:
            return deadline
        reasons.append(reason)
    raise SamlRejected(reasons[0] if reasons else "The assertion has no bearer confirmation.")


def _bearer_data(
    data: etree._Element, sp: SamlServiceProvider, request_id: str | None, now_ms: int
) -> tuple[str | None, int]:
    if data.get("Recipient") != sp.acs_url:
        return "The assertion is meant for another endpoint (Recipient).", 0
    not_on_or_after = data.get("NotOnOrAfter")
    if not_on_or_after is None:
        return "The assertion's bearer confirmation has no NotOnOrAfter.", 0
    deadline = instant_ms(not_on_or_after, "NotOnOrAfter")
    if deadline + CLOCK_SKEW_MS <= now_ms:
        return "The assertion has expired (NotOnOrAfter).", 0
    not_before = data.get("NotBefore")
    if not_before is not None and instant_ms(not_before, "NotBefore") > now_ms + CLOCK_SKEW_MS:
        return "The assertion is not valid yet (NotBefore).", 0
    answered = data.get("InResponseTo")
    if request_id is None and answered is not None:
        return "The assertion answers a request this sign-in did not send.", 0
    if request_id is not None and answered != request_id:
        return "The assertion does not answer this sign-in's request (InResponseTo).", 0
    return None, deadline


def _attributes(assertion: etree._Element) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for statement in children(assertion, SAML, "AttributeStatement"):
        for attribute in children(statement, SAML, "Attribute"):
            name = attribute.get("Name")
            if not name:
                continue
            values = found.setdefault(name, [])
            for value in children(attribute, SAML, "AttributeValue"):
                if value.get(f"{{{XSI}}}nil") in ("true", "1"):
                    continue
                values.append(text_of(value) or "")
    return {name: tuple(values) for name, values in found.items()}
