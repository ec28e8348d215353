"""The assertion consumer service's work on a ``SAMLResponse`` (HTTP-POST binding).

Order: size cap and base64 (``xml``), hardened parse, ``samlp:Response`` root; the Response's
own signature, if present, verified against the IdP's certificates and, from then on, only the
signed copy read; the status; exactly one assertion in the whole document (plain or
encrypted; encrypted when the provider requires it), decrypted with the provider's key
(``encryption``); the assertion's own signature, if present, verified and only its signed copy
read (a decrypted assertion is verified on its own); at least one of the two signatures
present; the Response's Issuer, Destination and InResponseTo; then the assertion's rules
(``assertions``) and the replay cache, which spends the assertion's ID once across all nodes.

Specs: saml-core-2.0-os §3.2.2 (StatusResponseType), §3.3.3 (Response); saml-bindings-2.0-os
§3.5.5.2 (Destination); saml-profiles-2.0-os §4.1.4.3 (the SP's checks).
"""

from __future__ import annotations

import time
from typing import Protocol

from lxml import etree

from cognitio.services.federation.saml.assertions import SamlAssertion, check_assertion
from cognitio.services.federation.saml.encryption import decrypt_assertion
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.parties import SamlIdentityProvider, SamlServiceProvider
from cognitio.services.federation.saml.signatures import has_own_signature, verified_copy
from cognitio.services.federation.saml.xml import (
    SAML,
    SAMLP,
    STATUS_SUCCESS,
    child,
    decode_post_message,
    parse_untrusted,
    tag,
    text_of,
)


class ReplayCache(Protocol):
    """The store, shared by every node, that lets an assertion ID be used once."""

    async def spend(self, assertion_id: str, expires_ms: int) -> bool:
        """Record ``assertion_id`` until ``expires_ms``; False if it was already recorded."""
        ...


async def accept_response(
    saml_response: str,
    *,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None,
    replay: ReplayCache,
    now_ms: int | None = None,
) -> SamlAssertion:
    """Validate a ``SAMLResponse`` form value and spend its assertion: the signed-in subject.

    ``request_id`` is the ID of the AuthnRequest this sign-in sent (SP-initiated), or None for
    an unsolicited (IdP-initiated) response. Raises SamlRejected, with a reason safe to show.
    """
    assertion = read_response(
        saml_response,
        idp=idp,
        sp=sp,
        request_id=request_id,
        now_ms=int(time.time() * 1000) if now_ms is None else now_ms,
    )
    if not await replay.spend(assertion.assertion_id, assertion.expires_ms):
        raise SamlRejected("The assertion has already been used.")
    return assertion


def read_response(
    saml_response: str,
    *,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None,
    now_ms: int,
) -> SamlAssertion:
    """Every check of :func:`accept_response` except the replay cache."""
    root = parse_untrusted(decode_post_message(saml_response))
    if root.tag != tag(SAMLP, "Response") or root.get("Version") != "2.0":
        raise SamlRejected("The message is not a SAML 2.0 Response.")
    response = root
    response_signed = has_own_signature(root)
    if response_signed:
        signed = verified_copy(root, idp.signing_certificates)
        if signed is None:
            raise SamlRejected("The SAML response's signature is not valid.")
        response = signed
    _check_status(response)
    assertion = _the_assertion(root, response, idp, sp)
    if has_own_signature(assertion):
        signed_assertion = verified_copy(assertion, idp.signing_certificates)
        if signed_assertion is None:
            raise SamlRejected("The assertion's signature is not valid.")
        assertion = signed_assertion
    elif not response_signed:
        raise SamlRejected("Neither the SAML response nor its assertion is signed.")
    _check_response(response, idp, sp, request_id)
    return check_assertion(assertion, idp=idp, sp=sp, request_id=request_id, now_ms=now_ms)


def _check_status(response: etree._Element) -> None:
    status = child(response, SAMLP, "Status")
    code = child(status, SAMLP, "StatusCode") if status is not None else None
    value = code.get("Value") if code is not None else None
    if value != STATUS_SUCCESS:
        # The status code is a fixed URI from the spec; its StatusMessage is the IdP's text,
        # not shown.
        short = value.rsplit(":", 1)[-1] if value and len(value) <= 100 else "missing"
        raise SamlRejected(f"The identity provider did not sign the user in (status {short}).")


def _the_assertion(
    document: etree._Element,
    response: etree._Element,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
) -> etree._Element:
    """The one assertion, decrypted if need be, taken from ``response`` (the signed copy when
    the Response is signed). Counted over the whole ``document``, so that a wrapped copy
    anywhere (signature wrapping) makes it two."""
    found = list(document.iter(tag(SAML, "Assertion"), tag(SAML, "EncryptedAssertion")))
    if len(found) != 1:
        raise SamlRejected("The SAML response must hold exactly one assertion.")
    direct = [
        element
        for element in response
        if element.tag in (tag(SAML, "Assertion"), tag(SAML, "EncryptedAssertion"))
    ]
    if len(direct) != 1:
        raise SamlRejected("The SAML response must hold exactly one assertion.")
    (assertion,) = direct
    if assertion.tag == tag(SAML, "EncryptedAssertion"):
        return decrypt_assertion(assertion, sp.decryption)
    if idp.encryption_required:
        raise SamlRejected("This identity provider must encrypt its assertions.")
    return assertion


def _check_response(
    response: etree._Element,
    idp: SamlIdentityProvider,
    sp: SamlServiceProvider,
    request_id: str | None,
) -> None:
    issuer = child(response, SAML, "Issuer")
    if issuer is not None and text_of(issuer) != idp.entity_id:
        raise SamlRejected("The SAML response was not issued by the configured identity provider.")
    destination = response.get("Destination")
    if destination is not None and destination != sp.acs_url:
        raise SamlRejected("The SAML response is meant for another endpoint (Destination).")
    answered = response.get("InResponseTo")
    if answered is not None and answered != request_id:
        raise SamlRejected("The SAML response does not answer this sign-in's request.")
