"""Sign in with Apple as an identity provider.

https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api: the
authorization request asks for ``response_mode=form_post`` (required with the ``name`` and
``email`` scopes), so the browser POSTs ``code``, ``state``, ``id_token`` and, on the first
consent only, ``user`` (``{"name": {"firstName", "lastName"}, "email"}``) to the redirect URI.
The token request authenticates with a client secret that is an ES256 JWT signed with the
team's .p8 key (header ``kid`` = key id; ``iss`` team id, ``sub`` client id, ``aud``
``https://appleid.apple.com``), minted fresh for each call. The ID token is RS256 from Apple's
JWKS; there is no userInfo endpoint, so ``firstName``/``lastName`` come from ``user`` alone.
"""

from __future__ import annotations

import time

import orjson
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from cognitio.documents import JsonObject
from cognitio.services.federation.oidc import (
    Callback,
    Endpoints,
    ExternalIdentity,
    OidcRelyingParty,
)
from cognitio.services.federation.upstream import IdentityProviderError

ISSUER = "https://appleid.apple.com"
ENDPOINTS = Endpoints(
    authorize_url="https://appleid.apple.com/auth/authorize",
    token_url="https://appleid.apple.com/auth/token",  # noqa: S106 - a URL, not a secret
    jwks_uri="https://appleid.apple.com/auth/keys",
    issuer=ISSUER,
)
# Five minutes: the secret lives for one token request (Apple allows up to six months).
CLIENT_SECRET_SECONDS = 300


def client_secret(
    team_id: str, client_id: str, key_id: str, private_key_pem: str, now: int | None = None
) -> str:
    """Apple's client secret: an ES256 JWT over the team, the client and Apple's audience."""
    issued = int(time.time()) if now is None else now
    key = ECKey.import_key(private_key_pem)
    return jwt.encode(
        {"alg": "ES256", "kid": key_id},
        {
            "iss": team_id,
            "iat": issued,
            "exp": issued + CLIENT_SECRET_SECONDS,
            "aud": ISSUER,
            "sub": client_id,
        },
        key,
        algorithms=["ES256"],
    )


def user_names(user: str | None) -> JsonObject:
    """``firstName``, ``lastName``, ``name`` and ``email`` from the one-time ``user`` JSON."""
    if not user:
        return {}
    try:
        document = orjson.loads(user)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(document, dict):
        return {}
    found: JsonObject = {}
    names = document.get("name")
    if isinstance(names, dict):
        for part in ("firstName", "lastName"):
            value = names.get(part)
            if isinstance(value, str) and value:
                found[part] = value
        full = " ".join(str(found[part]) for part in ("firstName", "lastName") if part in found)
        if full:
            found["name"] = full
    email = document.get("email")
    if isinstance(email, str) and email:
        found["email"] = email
    return found


class AppleRelyingParty(OidcRelyingParty):
    """Sign-in with Apple."""

    def default_endpoints(self) -> Endpoints:
        return ENDPOINTS

    def authorize_parameters(
        self, redirect_uri: str, state: str, nonce: str | None
    ) -> list[tuple[str, str]]:
        return [
            *super().authorize_parameters(redirect_uri, state, nonce),
            ("response_mode", "form_post"),
        ]

    def token_auth_method(self, found: Endpoints) -> str:
        return "client_secret_post"

    def client_secret(self) -> str:
        config = self.config
        if not (config.team_id and config.key_id and config.private_key):
            raise IdentityProviderError(
                "The identity provider is not configured correctly.",
                "apple: team_id, key_id and private_key are required",
            )
        try:
            return client_secret(
                config.team_id, config.client_id, config.key_id, config.private_key
            )
        except (JoseError, ValueError, TypeError) as error:
            raise IdentityProviderError(
                "The identity provider is not configured correctly.",
                "apple: the private key cannot sign",
            ) from error

    async def identity(
        self, token_response: JsonObject, callback: Callback, nonce: str | None, found: Endpoints
    ) -> ExternalIdentity:
        id_token, claims = await self.validated_claims(token_response, found, nonce)
        attributes: JsonObject = {**user_names(callback.user), **claims}
        return ExternalIdentity(
            provider_name=self.config.provider_name,
            provider_type=self.config.provider_type,
            user_id=str(claims["sub"]),
            issuer=None,
            attributes=attributes,
            token_response=token_response,
            id_token=id_token,
        )
