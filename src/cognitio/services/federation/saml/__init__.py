"""SAML 2.0 service provider: what a pool does as Cognito's SP towards a SAML identity provider.

No storage and no HTTP here: the caller keeps the request IDs it sent, the replay cache and the
keys, and turns URLs and results into pages.

- ``redirect``: the signed AuthnRequest and LogoutRequest on the HTTP-Redirect binding, and the
  IdP's LogoutResponse.
- ``responses``: a ``SAMLResponse`` posted to ``/saml2/idpresponse``, validated into a
  ``SamlAssertion`` (``accept_response``), or refused with ``SamlRejected``.
- ``signatures``, ``encryption``, ``assertions``, ``xml``, ``instants``: the steps.

Specs: OASIS SAML 2.0 core, bindings and profiles (2005 standards); W3C XML Signature and XML
Encryption 1.1; Cognito developer guide, "SAML identity providers" and "SAML session
initiation".
"""

from cognitio.services.federation.saml.assertions import SamlAssertion
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.parties import (
    SamlIdentityProvider,
    SamlKeyPair,
    SamlServiceProvider,
)
from cognitio.services.federation.saml.redirect import (
    RedirectRequest,
    SamlLogoutResult,
    authn_request,
    logout_request,
    read_logout_response_post,
    read_logout_response_redirect,
)
from cognitio.services.federation.saml.responses import ReplayCache, accept_response, read_response

__all__ = [
    "RedirectRequest",
    "ReplayCache",
    "SamlAssertion",
    "SamlIdentityProvider",
    "SamlKeyPair",
    "SamlLogoutResult",
    "SamlRejected",
    "SamlServiceProvider",
    "accept_response",
    "authn_request",
    "logout_request",
    "read_logout_response_post",
    "read_logout_response_redirect",
    "read_response",
]
