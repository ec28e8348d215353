"""The ``Logins`` of GetId and GetCredentialsForIdentity, checked: each token proves a subject
of a provider the identity pool accepts.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html: every token
must be valid, from a provider the pool is configured with, unexpired and for the pool's app.
Cognitio's own user pools are checked here (``user_pool_logins``); other provider types
(social, OIDC, SAML, developer) are refused as not supported yet rather than trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cognitio.documents import JsonObject
from cognitio.errors import NotAuthorizedException
from cognitio.services.identity.developer_logins import DEVELOPER_PROVIDER_IN_PUBLIC_LOGINS
from cognitio.services.identity.user_pool_logins import (
    NOT_SUPPORTED,
    UserPoolProvider,
    provider_name,
    user_pool_of,
    verify_id_token,
)
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class Login:
    """A checked login: the provider's name as identities keep it, the subject there, the
    token's claims (for role mapping and principal tags) and the app the token was for."""

    provider: str
    subject: str
    client_id: str
    claims: JsonObject = field(repr=False)

    @property
    def mapping_key(self) -> str:
        """The RoleMappings key of this login: ``<provider>:<app client id>`` for user pools."""
        return f"{self.provider}:{self.client_id}"

    @property
    def amr(self) -> tuple[str, ...]:
        """``amr`` as the identity token states it for a user-pool sign-in."""
        return (
            "authenticated",
            self.provider,
            f"{self.provider}:CognitoSignIn:{self.subject}",
        )


def user_pool_providers(
    pool: IdentityPoolRecord, tokens: Tokens
) -> dict[str, list[UserPoolProvider]]:
    """The pool's CognitoIdentityProviders, by user pool id (either name form accepted)."""
    providers: dict[str, list[UserPoolProvider]] = {}
    entries = pool.providers.get("CognitoIdentityProviders")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        name, client_id = entry.get("ProviderName"), entry.get("ClientId")
        pool_id = user_pool_of(name, tokens) if isinstance(name, str) else None
        if pool_id is None or not isinstance(client_id, str):
            continue
        check = entry.get("ServerSideTokenCheck") is True
        providers.setdefault(pool_id, []).append(UserPoolProvider(pool_id, client_id, check))
    return providers


async def check_logins(
    tx: Transaction, tokens: Tokens, pool: IdentityPoolRecord, logins: Mapping[str, str]
) -> list[Login]:
    """Each login checked, in the order given; the first refusal ends the call."""
    providers = user_pool_providers(pool, tokens)
    checked: list[Login] = []
    seen: set[str] = set()
    for key, token in logins.items():
        if key == pool.developer_provider_name:
            raise NotAuthorizedException(DEVELOPER_PROVIDER_IN_PUBLIC_LOGINS)
        user_pool = user_pool_of(key, tokens)
        if user_pool is None:
            raise NotAuthorizedException(
                f"Logins of {key[:128]} are not supported yet: Cognitio accepts ID tokens of "
                "its own user pools (cognito-idp.<region>.amazonaws.com/<userPoolId>)."
            )
        name = provider_name(user_pool)
        if name in seen:
            raise NotAuthorizedException(f"Logins names {name} twice.")
        seen.add(name)
        if user_pool not in providers:
            raise NotAuthorizedException(NOT_SUPPORTED)
        claims = await verify_id_token(tx, tokens, user_pool, token, providers[user_pool])
        checked.append(Login(name, str(claims["sub"]), str(claims["aud"]), claims))
    return checked
