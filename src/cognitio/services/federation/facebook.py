"""Facebook Login as an identity provider: OAuth 2.0 (not OpenID Connect) and the Graph API.

https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow: the code is
redeemed with a **GET** to ``/{api-version}/oauth/access_token`` carrying client_id,
client_secret, redirect_uri and code; the profile is ``/{api-version}/me?fields=<names>`` with
the access token. Scopes are comma-separated. There is no ID token and no nonce; the user id is
the Graph ``id``.
"""

from __future__ import annotations

from typing import ClassVar

from cognitio.documents import JsonObject
from cognitio.services.federation.oidc import (
    Callback,
    Endpoints,
    ExternalIdentity,
    OidcRelyingParty,
)
from cognitio.services.federation.upstream import IdentityProviderError

DEFAULT_API_VERSION = "v17.0"


def endpoints(api_version: str = DEFAULT_API_VERSION) -> Endpoints:
    """Facebook's endpoints for one Graph API version."""
    return Endpoints(
        authorize_url=f"https://www.facebook.com/{api_version}/dialog/oauth",
        token_url=f"https://graph.facebook.com/{api_version}/oauth/access_token",
        attributes_url=f"https://graph.facebook.com/{api_version}/me?fields=",
    )


def profile_fields(mapped: tuple[str, ...]) -> list[str]:
    """The Graph fields to ask for: ``id`` and every mapped name, without repeats."""
    fields = ["id"]
    for name in mapped:
        if name not in fields and name.replace("_", "").isalnum():
            fields.append(name)
    return fields


class FacebookRelyingParty(OidcRelyingParty):
    """Sign-in with Facebook."""

    scope_separator: ClassVar[str] = ","
    uses_nonce: ClassVar[bool] = False

    def default_endpoints(self) -> Endpoints:
        return endpoints(self.config.api_version or DEFAULT_API_VERSION)

    async def identity(
        self, token_response: JsonObject, callback: Callback, nonce: str | None, found: Endpoints
    ) -> ExternalIdentity:
        url = found.attributes_url or ""
        if self.config.attributes_url_add_attributes:
            url += ",".join(profile_fields(self.config.mapped_attributes))
        profile = await self.clients.upstream.json(
            "GET",
            url,
            "graph me",
            headers={"Authorization": f"Bearer {token_response['access_token']}"},
        )
        user_id = profile.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise IdentityProviderError(
                "The identity provider sent an answer that could not be read.", "profile without id"
            )
        return ExternalIdentity(
            provider_name=self.config.provider_name,
            provider_type=self.config.provider_type,
            user_id=user_id,
            issuer=None,
            attributes=profile,
            token_response=token_response,
            userinfo=profile,
        )
