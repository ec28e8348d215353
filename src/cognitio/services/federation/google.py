"""Google as an identity provider: OpenID Connect plus the People API.

Google's sign-in is an OIDC code flow (https://developers.google.com/identity/openid-connect/
openid-connect); its ID tokens name the issuer with or without the scheme. Cognito merges the ID
token's claims (``email``, ``email_verified``, ``picture``, ...) with the People API fields the
pool's mapping names (``names``, ``birthdays``, ``phoneNumbers``, ``genders``, ...), which it
asks for by appending them to ``personFields=`` (``attributes_url_add_attributes``).
"""

from __future__ import annotations

from cognitio.documents import JsonObject
from cognitio.services.federation.id_token import TokenExpectations
from cognitio.services.federation.oidc import (
    Callback,
    Endpoints,
    ExternalIdentity,
    OidcRelyingParty,
)

ISSUER = "https://accounts.google.com"
ENDPOINTS = Endpoints(
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://www.googleapis.com/oauth2/v4/token",  # noqa: S106 - a URL, not a secret
    attributes_url="https://people.googleapis.com/v1/people/me?personFields=",
    jwks_uri="https://www.googleapis.com/oauth2/v3/certs",
    issuer=ISSUER,
)
# The People API's person fields (people.get personFields); other mapped names are ID-token claims.
PERSON_FIELDS = frozenset(
    [
        "addresses",
        "ageRanges",
        "biographies",
        "birthdays",
        "calendarUrls",
        "clientData",
        "coverPhotos",
        "emailAddresses",
        "events",
        "externalIds",
        "genders",
        "imClients",
        "interests",
        "locales",
        "locations",
        "memberships",
        "metadata",
        "miscKeywords",
        "names",
        "nicknames",
        "occupations",
        "organizations",
        "phoneNumbers",
        "photos",
        "relations",
        "sipAddresses",
        "skills",
        "urls",
        "userDefined",
    ]
)
# Names Cognito's console offers for Google that the People API spells differently.
_PERSON_FIELD_ALIASES = {"gender": "genders"}


def person_fields(mapped: tuple[str, ...]) -> list[str]:
    """The People API fields to ask for, in mapping order, without repeats."""
    fields: list[str] = []
    for name in mapped:
        field = _PERSON_FIELD_ALIASES.get(name, name)
        if field in PERSON_FIELDS and field not in fields:
            fields.append(field)
    return fields


class GoogleRelyingParty(OidcRelyingParty):
    """Sign-in with Google."""

    def default_endpoints(self) -> Endpoints:
        return ENDPOINTS

    def expectations(self, found: Endpoints, nonce: str | None) -> TokenExpectations:
        expect = super().expectations(found, nonce)
        issuer = next(iter(expect.issuers))
        bare = issuer.removeprefix("https://")
        return TokenExpectations(
            issuers=(issuer, bare),
            client_id=expect.client_id,
            jwks_uri=expect.jwks_uri,
            nonce=expect.nonce,
            skew_seconds=expect.skew_seconds,
        )

    async def identity(
        self, token_response: JsonObject, callback: Callback, nonce: str | None, found: Endpoints
    ) -> ExternalIdentity:
        id_token, claims = await self.validated_claims(token_response, found, nonce)
        fields = person_fields(self.config.mapped_attributes)
        person: JsonObject | None = None
        if found.attributes_url and self.config.attributes_url_add_attributes and fields:
            person = await self.clients.upstream.json(
                "GET",
                found.attributes_url + ",".join(fields),
                "people api",
                headers={"Authorization": f"Bearer {token_response['access_token']}"},
            )
        attributes: JsonObject = dict(claims)
        for name in fields:
            if person is not None and name in person:
                attributes[name] = person[name]
        return ExternalIdentity(
            provider_name=self.config.provider_name,
            provider_type=self.config.provider_type,
            user_id=str(claims["sub"]),
            issuer=None,
            attributes=attributes,
            token_response=token_response,
            id_token=id_token,
            userinfo=person,
        )
