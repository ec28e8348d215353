"""An app client's settings as the code reads them: :class:`ClientSettings`, parsed once per record.

The store keeps a client's settings as Cognito's ``UserPoolClientType`` JSON
(:attr:`~cognitio.store.records.ClientRecord.config`, built by
:mod:`cognitio.services.clients.clients`). :func:`client_settings` turns that document into a
frozen, typed view the first time a loaded record is asked, and keeps it on the record; the
defaults Cognito gives a member the client leaves out are written down once, here. Token
lifetimes follow "Token expiration" in UserPoolClientType: one hour for ID and access tokens,
30 days for refresh tokens, in the units TokenValidityUnits names (hours and days by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cognitio.store.records import ClientRecord

_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """What the services read of an app client's settings, Cognito's defaults filled in."""

    # As set; empty means the client named none (the caller applies Cognito's default flows).
    explicit_auth_flows: tuple[str, ...]
    auth_session_validity_minutes: int
    prevent_user_existence_errors: bool
    # None: the client names none, so every attribute it may otherwise see or write.
    read_attributes: tuple[str, ...] | None
    write_attributes: tuple[str, ...] | None
    access_token_validity_s: int
    id_token_validity_s: int
    refresh_token_validity_s: int
    enable_token_revocation: bool
    refresh_token_rotation: bool
    rotation_grace_period_ms: int  # how long a rotated refresh token still works
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    default_redirect_uri: str | None
    allowed_oauth_flows: tuple[str, ...]
    allowed_oauth_scopes: tuple[str, ...]
    allowed_oauth_flows_user_pool_client: bool

    @classmethod
    def from_document(cls, config: Mapping[str, Any]) -> ClientSettings:
        """The view of a client's stored settings document."""
        units = config.get("TokenValidityUnits") or {}
        rotation = config.get("RefreshTokenRotation") or {}
        reads = config.get("ReadAttributes")
        writes = config.get("WriteAttributes")
        return cls(
            explicit_auth_flows=tuple(config.get("ExplicitAuthFlows") or ()),
            auth_session_validity_minutes=int(config.get("AuthSessionValidity", 3)),
            prevent_user_existence_errors=config.get("PreventUserExistenceErrors") == "ENABLED",
            read_attributes=None if reads is None else tuple(reads),
            write_attributes=None if writes is None else tuple(writes),
            access_token_validity_s=_validity(config, units, "AccessToken", 3600, "hours"),
            id_token_validity_s=_validity(config, units, "IdToken", 3600, "hours"),
            refresh_token_validity_s=_validity(config, units, "RefreshToken", 30 * 86400, "days"),
            enable_token_revocation=bool(config.get("EnableTokenRevocation", True)),
            refresh_token_rotation=rotation.get("Feature") == "ENABLED",
            rotation_grace_period_ms=int(rotation.get("RetryGracePeriodSeconds", 0) or 0) * 1000,
            callback_urls=tuple(config.get("CallbackURLs") or ()),
            logout_urls=tuple(config.get("LogoutURLs") or ()),
            default_redirect_uri=config.get("DefaultRedirectURI"),
            allowed_oauth_flows=tuple(config.get("AllowedOAuthFlows") or ()),
            allowed_oauth_scopes=tuple(config.get("AllowedOAuthScopes") or ()),
            allowed_oauth_flows_user_pool_client=bool(
                config.get("AllowedOAuthFlowsUserPoolClient")
            ),
        )


def client_settings(client: ClientRecord) -> ClientSettings:
    """The typed view of ``client``'s settings, parsed the first time this record is asked."""
    view = client.views.get("settings")
    if not isinstance(view, ClientSettings):
        view = ClientSettings.from_document(client.config)
        client.views["settings"] = view
    return view


def _validity(
    config: Mapping[str, Any], units: Mapping[str, str], token: str, default_s: int, unit: str
) -> int:
    """A token lifetime in seconds: ``<token>Validity`` in its unit, or Cognito's default."""
    member = f"{token}Validity"
    if member not in config:
        return default_s
    return int(config[member]) * _SECONDS[units.get(token, unit)]
