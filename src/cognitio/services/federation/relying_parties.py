"""The relying-party class of each OAuth-speaking provider type: a new provider is one module
and one line here."""

from __future__ import annotations

from cognitio.services.federation.amazon import AmazonRelyingParty
from cognitio.services.federation.apple import AppleRelyingParty
from cognitio.services.federation.facebook import FacebookRelyingParty
from cognitio.services.federation.google import GoogleRelyingParty
from cognitio.services.federation.oidc import FederationClients, OidcRelyingParty
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType

RELYING_PARTIES: dict[ProviderType, type[OidcRelyingParty]] = {
    ProviderType.OIDC: OidcRelyingParty,
    ProviderType.GOOGLE: GoogleRelyingParty,
    ProviderType.FACEBOOK: FacebookRelyingParty,
    ProviderType.LOGIN_WITH_AMAZON: AmazonRelyingParty,
    ProviderType.SIGN_IN_WITH_APPLE: AppleRelyingParty,
}


def relying_party(config: ProviderConfig, clients: FederationClients) -> OidcRelyingParty:
    """The relying party that signs users in through ``config``'s provider."""
    return RELYING_PARTIES[config.provider_type](config, clients)
