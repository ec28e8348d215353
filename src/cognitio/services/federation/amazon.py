"""Login with Amazon as an identity provider: OAuth 2.0 and the customer profile.

https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html: authorize at
``/ap/oa``, redeem the code with a POST to ``/auth/o2/token``, then read ``/user/profile`` with
the access token: ``{user_id, name, email, postal_code}``. The user id is ``user_id``
(``amzn1.account.…``). No ID token, no nonce.
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

ENDPOINTS = Endpoints(
    authorize_url="https://www.amazon.com/ap/oa",
    token_url="https://api.amazon.com/auth/o2/token",  # noqa: S106 - a URL, not a secret
    attributes_url="https://api.amazon.com/user/profile",
)


class AmazonRelyingParty(OidcRelyingParty):
    """Sign-in with Login with Amazon."""

    uses_nonce: ClassVar[bool] = False

    def default_endpoints(self) -> Endpoints:
        return ENDPOINTS

    async def identity(
        self, token_response: JsonObject, callback: Callback, nonce: str | None, found: Endpoints
    ) -> ExternalIdentity:
        profile = await self.clients.upstream.json(
            "GET",
            found.attributes_url or "",
            "user profile",
            headers={"Authorization": f"Bearer {token_response['access_token']}"},
        )
        user_id = profile.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise IdentityProviderError(
                "The identity provider sent an answer that could not be read.",
                "profile without user_id",
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
