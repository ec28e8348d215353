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

from dataclasses import dataclass

from cognitio.documents import (
    JsonObject,
    flag_member,
    int_member,
    object_member,
    text_member,
    texts_member,
)
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
    # COGNITO and the names of the pool's identity providers the client signs users in with.
    supported_identity_providers: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, config: JsonObject) -> ClientSettings:
        """The view of a client's stored settings document."""
        units = object_member(config, "TokenValidityUnits")
        rotation = object_member(config, "RefreshTokenRotation")
        session_minutes = int_member(config, "AuthSessionValidity")
        return cls(
            explicit_auth_flows=texts_member(config, "ExplicitAuthFlows"),
            auth_session_validity_minutes=3 if session_minutes is None else session_minutes,
            prevent_user_existence_errors=config.get("PreventUserExistenceErrors") == "ENABLED",
            read_attributes=_names(config, "ReadAttributes"),
            write_attributes=_names(config, "WriteAttributes"),
            access_token_validity_s=_validity(config, units, "AccessToken", 3600, "hours"),
            id_token_validity_s=_validity(config, units, "IdToken", 3600, "hours"),
            refresh_token_validity_s=_validity(config, units, "RefreshToken", 30 * 86400, "days"),
            enable_token_revocation="EnableTokenRevocation" not in config
            or flag_member(config, "EnableTokenRevocation"),
            refresh_token_rotation=rotation.get("Feature") == "ENABLED",
            rotation_grace_period_ms=(int_member(rotation, "RetryGracePeriodSeconds") or 0) * 1000,
            callback_urls=texts_member(config, "CallbackURLs"),
            logout_urls=texts_member(config, "LogoutURLs"),
            default_redirect_uri=text_member(config, "DefaultRedirectURI"),
            allowed_oauth_flows=texts_member(config, "AllowedOAuthFlows"),
            allowed_oauth_scopes=texts_member(config, "AllowedOAuthScopes"),
            allowed_oauth_flows_user_pool_client=flag_member(
                config, "AllowedOAuthFlowsUserPoolClient"
            ),
            supported_identity_providers=texts_member(config, "SupportedIdentityProviders"),
        )


def client_settings(client: ClientRecord) -> ClientSettings:
    """The typed view of ``client``'s settings, parsed the first time this record is asked."""
    view = client.views.get("settings")
    if not isinstance(view, ClientSettings):
        view = ClientSettings.from_document(client.config)
        client.views["settings"] = view
    return view


def _names(config: JsonObject, member: str) -> tuple[str, ...] | None:
    """An attribute list member; None when the client names none."""
    return None if config.get(member) is None else texts_member(config, member)


def _validity(config: JsonObject, units: JsonObject, token: str, default_s: int, unit: str) -> int:
    """A token lifetime in seconds: ``<token>Validity`` in its unit, or Cognito's default."""
    amount = int_member(config, f"{token}Validity")
    if amount is None:
        return default_s
    given_unit = text_member(units, token)
    return amount * _SECONDS[unit if given_unit is None else given_unit]
