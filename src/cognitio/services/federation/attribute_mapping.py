"""From what a provider says about a user to the pool's attributes, as Cognito maps them.

An IdP's AttributeMapping names, for each pool attribute, the provider's claim (OIDC and the
social providers) or SAML attribute that fills it. Every mapped attribute is written again on
every federated sign-in; a claim the provider did not send leaves its attribute as it was. A
mapped ``email`` is unverified unless ``email_verified`` is mapped too. ``username`` is not
mapped from the table: it is ``<ProviderName>_<the provider's id for the user>``, the id being
fixed per provider type.

The ``identities`` attribute lists the external identities a user signs in with, as the JSON
string Cognito keeps (``userId``, ``providerName``, ``providerType``, ``issuer``, ``primary``,
``dateCreated`` — the last two strings, as in Cognito's tokens).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from cognitio.documents import JsonObject, JsonValue

# Longest value a mapped attribute may take (Cognito's limit for an attribute value).
MAX_VALUE_CHARS = 2048
# Attributes the pool keeps for federated users itself: no provider's claim may fill them (a
# forged ``identities`` would name providers and users the sign-in never saw).
SERVER_KEPT = frozenset({"identities"})


class MappingError(Exception):
    """A provider's value cannot become the pool attribute it is mapped to; ``reason`` is safe
    to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    """One external identity of a user, as the ``identities`` attribute lists it."""

    provider_name: str
    provider_type: str
    user_id: str
    issuer: str | None
    primary: bool
    created_ms: int

    def document(self) -> JsonObject:
        return {
            "userId": self.user_id,
            "providerName": self.provider_name,
            "providerType": self.provider_type,
            "issuer": self.issuer,
            "primary": "true" if self.primary else "false",
            "dateCreated": str(self.created_ms),
        }


def federated_username(provider_name: str, user_id: str) -> str:
    """The username Cognito gives a user a provider signs in: ``Google_1069...``."""
    return f"{provider_name}_{user_id}"


def attribute_value(value: JsonValue) -> str | None:
    """A claim's value as an attribute string: booleans as ``true``/``false``, numbers as
    written, several values (SAML) joined by commas, an object (OIDC ``address``) as JSON;
    None for an absent or null claim."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [attribute_value(item) for item in value]
        return ",".join(part for part in parts if part is not None)
    return orjson.dumps(value).decode()


def mapped_attributes(mapping: Mapping[str, str], claims: JsonObject) -> dict[str, str]:
    """The pool attributes ``mapping`` fills from ``claims``; absent claims fill nothing."""
    attributes: dict[str, str] = {}
    for attribute, claim in mapping.items():
        if attribute == "username" or attribute in SERVER_KEPT:
            continue
        value = attribute_value(claims.get(claim))
        if value is None:
            continue
        if len(value) > MAX_VALUE_CHARS:
            raise MappingError(
                f"The identity provider's {claim} is longer than the {attribute} attribute "
                f"allows ({MAX_VALUE_CHARS} characters)."
            )
        attributes[attribute] = value
    return attributes


def identities_value(identities: list[Identity]) -> str:
    """The ``identities`` attribute's value."""
    return orjson.dumps([identity.document() for identity in identities]).decode()


def read_identities(value: str | None) -> list[Identity]:
    """The ``identities`` attribute read back (the server wrote it); empty when absent."""
    if not value:
        return []
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        return []
    found: list[Identity] = []
    for item in document if isinstance(document, list) else []:
        if not isinstance(item, dict):
            continue
        name, kind, user_id = item.get("providerName"), item.get("providerType"), item.get("userId")
        issuer, created = item.get("issuer"), item.get("dateCreated")
        if not (isinstance(name, str) and isinstance(kind, str) and isinstance(user_id, str)):
            continue
        found.append(
            Identity(
                provider_name=name,
                provider_type=kind,
                user_id=user_id,
                issuer=issuer if isinstance(issuer, str) else None,
                primary=item.get("primary") in ("true", True),
                created_ms=int(created) if isinstance(created, str) and created.isdigit() else 0,
            )
        )
    return found
