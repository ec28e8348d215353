"""The settings CreateIdentityPool and UpdateIdentityPool take, checked beyond the model.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CreateIdentityPool.html
The model checks lengths and patterns; these are the rules it cannot state: the shape of the
IAM provider ARNs, each provider listed once, a Cognito user pool provider with its app client.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidParameterException
from cognitio.services.identity.iam_providers import IamProviders

# IAM's provider ARNs: arn:aws:iam::<account>:oidc-provider/<host[/path]>, ...:saml-provider/<name>
_OIDC_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:oidc-provider/[^\s/][^\s]*$")
_SAML_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:saml-provider/[\w+=,.@-]{1,128}$")


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """What CreateIdentityPool takes and UpdateIdentityPool replaces (members left out of an
    update return to their defaults, except tags and the developer provider name)."""

    name: str
    allow_unauthenticated: bool
    allow_classic_flow: bool | None = None
    supported_login_providers: Mapping[str, str] | None = None
    developer_provider_name: str | None = None
    open_id_connect_provider_arns: Sequence[str] | None = None
    cognito_identity_providers: Sequence[Mapping[str, JsonValue]] | None = None
    saml_provider_arns: Sequence[str] | None = None
    tags: Mapping[str, str] | None = None


def providers_document(settings: PoolSettings, declared: IamProviders | None = None) -> JsonObject:
    """The four provider members, checked, in Cognito's shapes; members not given stay out.
    The OIDC and SAML provider ARNs must name providers ``declared`` in the ``[iam]`` table, as
    they must name IAM providers of the account in AWS."""
    declared = declared or IamProviders.none()
    document: JsonObject = {}
    if settings.supported_login_providers is not None:
        document["SupportedLoginProviders"] = dict(settings.supported_login_providers)
    if settings.open_id_connect_provider_arns is not None:
        arns = _arns(settings.open_id_connect_provider_arns, _OIDC_ARN, "OpenIdConnectProviderARN")
        _declared(arns, declared.oidc, "OpenIdConnectProviderARN", "oidc_providers")
        document["OpenIdConnectProviderARNs"] = list(arns)
    if settings.cognito_identity_providers is not None:
        document["CognitoIdentityProviders"] = _user_pool_providers(
            settings.cognito_identity_providers
        )
    if settings.saml_provider_arns is not None:
        arns = _arns(settings.saml_provider_arns, _SAML_ARN, "SamlProviderARN")
        _declared(arns, declared.saml, "SamlProviderARN", "saml_providers")
        document["SamlProviderARNs"] = list(arns)
    return document


def _declared(arns: Sequence[str], known: Mapping[str, object], what: str, table: str) -> None:
    for arn in arns:
        if arn not in known:
            raise InvalidParameterException(
                f"Invalid {what}: {arn[:2048]} names no provider of this server "
                f"(declare it in the configuration's [[iam.{table}]])."
            )


def _arns(arns: Sequence[str], shape: re.Pattern[str], what: str) -> Sequence[str]:
    for arn in arns:
        if not shape.match(arn):
            raise InvalidParameterException(f"Invalid {what}: {arn[:2048]}")
    if len(set(arns)) != len(arns):
        raise InvalidParameterException(f"Duplicate {what}s are not allowed.")
    return arns


def _user_pool_providers(providers: Sequence[Mapping[str, JsonValue]]) -> list[JsonValue]:
    """CognitoIdentityProviders: each a user pool and one of its app clients, listed once."""
    checked: list[JsonValue] = []
    seen: set[tuple[str, str]] = set()
    for provider in providers:
        name, client_id = provider.get("ProviderName"), provider.get("ClientId")
        if not isinstance(name, str) or not isinstance(client_id, str):
            raise InvalidParameterException(
                "Each CognitoIdentityProvider needs a ProviderName and a ClientId."
            )
        if (name, client_id) in seen:
            raise InvalidParameterException(
                f"Duplicate CognitoIdentityProvider: {name} with ClientId {client_id}."
            )
        seen.add((name, client_id))
        checked.append(
            {
                "ProviderName": name,
                "ClientId": client_id,
                "ServerSideTokenCheck": provider.get("ServerSideTokenCheck") is True,
            }
        )
    return checked
