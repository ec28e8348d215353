"""The two parties of a SAML exchange as the service provider knows them.

``SamlIdentityProvider`` is an IdP as the pool configured it (from its metadata and the
IdentityProvider's ProviderDetails); ``SamlServiceProvider`` is the pool's side: the entity ID
Cognito gives a pool (``urn:amazon:cognito:sp:<poolId>``), the assertion consumer service URL
(``<base>/saml2/idpresponse``), the pool's request-signing key and the provider's decryption keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SP_ENTITY_ID_PREFIX = "urn:amazon:cognito:sp:"
ACS_PATH = "/saml2/idpresponse"
LOGOUT_PATH = "/saml2/logout"


@dataclass(frozen=True, slots=True)
class SamlKeyPair:
    """An RSA private key and its X.509 certificate, both PEM; the key never shows in a repr."""

    private_key_pem: str = field(repr=False)
    certificate_pem: str


@dataclass(frozen=True, slots=True)
class SamlIdentityProvider:
    """A SAML IdP as configured: where to send requests, which certificates sign its answers,
    and the ProviderDetails switches: ``idp_init`` (IDPInit), ``encryption_required``
    (EncryptedResponses), ``idp_signout`` (IDPSignout)."""

    entity_id: str
    sso_redirect_url: str
    signing_certificates: tuple[str, ...]
    slo_redirect_url: str | None = None
    idp_init: bool = False
    encryption_required: bool = False
    idp_signout: bool = False


@dataclass(frozen=True, slots=True)
class SamlServiceProvider:
    """The pool as a SAML service provider.

    ``signing`` signs AuthnRequests and LogoutRequests (GetSigningCertificate shows its
    certificate); ``decryption`` holds the provider's encryption key pairs, newest first (an
    older, unexpired certificate keeps working after a renewal).
    """

    pool_id: str
    base_url: str
    signing: SamlKeyPair
    decryption: tuple[SamlKeyPair, ...] = ()
    # An identity pool is not a user pool's SP: it takes the assertions IdPs address to AWS,
    # whose audience and recipient are fixed (see ``audience`` and ``recipient``).
    audience: str | None = None
    recipient: str | None = None

    @property
    def entity_id(self) -> str:
        """The audience every assertion must name: ``urn:amazon:cognito:sp:<poolId>``."""
        return self.audience or SP_ENTITY_ID_PREFIX + self.pool_id

    @property
    def acs_url(self) -> str:
        """The assertion consumer service (HTTP-POST binding) the IdP answers on."""
        return self.recipient or self.base_url.rstrip("/") + ACS_PATH

    @property
    def logout_url(self) -> str:
        """Where the IdP sends the LogoutResponse after single logout."""
        return self.base_url.rstrip("/") + LOGOUT_PATH
