"""One external identity provider as configured: what the relying-party code needs to talk to it.

Built by the caller from a provider's stored ProviderDetails (secrets unsealed) and the
server's endpoint overrides; the protocol modules only read it. Secrets stay out of its repr.
Keys and their values follow the Cognito Developer Guide's ProviderDetails of
CreateIdentityProvider.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class ProviderType(enum.StrEnum):
    """Cognito's ProviderType values for the OAuth-speaking providers (SAML lives elsewhere)."""

    OIDC = "OIDC"
    GOOGLE = "Google"
    FACEBOOK = "Facebook"
    LOGIN_WITH_AMAZON = "LoginWithAmazon"
    SIGN_IN_WITH_APPLE = "SignInWithApple"


@dataclass(frozen=True)
class ProviderConfig:
    """One configured OIDC or social identity provider.

    ``authorize_scopes`` are the scopes as sent (Facebook joins them with commas, the others
    with spaces). URLs left None are discovered from ``issuer`` (OIDC) or come from the
    provider type's defaults. ``mapped_attributes`` are the provider attribute names the pool's
    AttributeMapping reads: Google and Facebook ask their attributes URL for exactly those.
    """

    provider_name: str
    provider_type: ProviderType
    client_id: str
    client_secret: str = field(default="", repr=False)
    authorize_scopes: tuple[str, ...] = ()
    issuer: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    attributes_url: str | None = None
    jwks_uri: str | None = None
    token_request_method: str = "POST"  # noqa: S105 - an HTTP method
    attributes_request_method: str = "GET"
    attributes_url_add_attributes: bool = False
    # Facebook: the Graph API version in its three URLs (None: the module's default).
    api_version: str | None = None
    # Sign in with Apple: the team, the key's id and its .p8 PEM that sign the client secret.
    team_id: str | None = None
    key_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    mapped_attributes: tuple[str, ...] = ()

    @classmethod
    def from_details(
        cls,
        provider_name: str,
        provider_type: ProviderType,
        details: Mapping[str, str],
        attribute_mapping: Mapping[str, str] | None = None,
    ) -> ProviderConfig:
        """The configuration in a provider's ProviderDetails (secrets already unsealed; endpoint
        overrides already applied) and its AttributeMapping (pool attribute -> provider name)."""

        def text(name: str) -> str | None:
            return details.get(name) or None

        return cls(
            provider_name=provider_name,
            provider_type=provider_type,
            client_id=details.get("client_id", ""),
            client_secret=details.get("client_secret", ""),
            authorize_scopes=split_scopes(details.get("authorize_scopes", "")),
            issuer=text("oidc_issuer"),
            authorize_url=text("authorize_url"),
            token_url=text("token_url"),
            attributes_url=text("attributes_url"),
            jwks_uri=text("jwks_uri"),
            token_request_method=(text("token_request_method") or "POST").upper(),
            attributes_request_method=(text("attributes_request_method") or "GET").upper(),
            attributes_url_add_attributes=details.get("attributes_url_add_attributes") == "true",
            api_version=text("api_version"),
            team_id=text("team_id"),
            key_id=text("key_id"),
            private_key=text("private_key"),
            mapped_attributes=tuple(dict.fromkeys((attribute_mapping or {}).values())),
        )


def split_scopes(text: str) -> tuple[str, ...]:
    """The scopes of an ``authorize_scopes`` value: Facebook's are comma-separated
    (``public_profile, email``), the others' space-separated."""
    return tuple(scope for scope in re.split(r"[\s,]+", text) if scope)
