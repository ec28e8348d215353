"""What every kind of ``Logins`` entry is checked into, and what a check may use.

Each provider kind (a user pool, a social provider, an OIDC or SAML provider declared in the
configuration's ``[iam]`` table) has a verifier ``(context, key, token) -> Login``; ``logins``
keeps them in one registry. The ``amr`` strings are those Cognito puts in the identity token
and passes to STS (Developer Guide, "Role trust and permissions"): ``authenticated``, the
provider, and ``<provider>:<subject>`` (user pools: ``<provider>:CognitoSignIn:<sub>``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from cognitio.documents import JsonObject
from cognitio.services.federation.oidc import FederationClients
from cognitio.services.federation.provider_types import FederationEndpoints
from cognitio.services.identity.iam_providers import IamProviders
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class Login:
    """A checked login.

    ``provider`` is the provider's name as identities keep it; ``subject`` the user there;
    ``claims`` feed role mapping rules and principal tags; ``mapping_key`` names the
    RoleMappings entry that applies; ``granted_roles`` are the roles the provider itself grants
    (a user pool's ``cognito:roles``, a SAML assertion's Role attribute) and ``preferred_role``
    the one it prefers, for ``Token`` role mappings; ``provider_roles`` says the provider's
    grant replaces the pool's default authenticated role even without a mapping (SAML).
    """

    provider: str
    subject: str
    claims: JsonObject = field(repr=False)
    amr: tuple[str, ...]
    mapping_key: str
    granted_roles: tuple[str, ...] = ()
    preferred_role: str | None = None
    provider_roles: bool = False


def standard_amr(provider: str, subject: str) -> tuple[str, ...]:
    """``amr`` of a social, OIDC or SAML sign-in."""
    return ("authenticated", provider, f"{provider}:{subject}")


@dataclass(frozen=True, slots=True)
class LoginServices:
    """What the verifiers share for the server's life: the HTTP client and caches for
    identity providers, the social endpoints' overrides, the [iam] providers."""

    clients: FederationClients
    endpoints: FederationEndpoints
    iam: IamProviders


@dataclass(frozen=True, slots=True)
class LoginContext:
    """One call's view: its transaction, the identity pool, whether proofs that may be used
    once (SAML assertions) are spent now (GetCredentialsForIdentity) or only checked (GetId),
    and whether the call belongs to the basic flow (GetOpenIdToken), which SAML logins may not
    take."""

    tx: Transaction
    tokens: Tokens
    pool: IdentityPoolRecord
    services: LoginServices
    spend: bool = False
    basic_flow: bool = False

    def supported(self, member: str) -> Mapping[str, str]:
        """SupportedLoginProviders (``member`` of the providers document) as a dict."""
        value = self.pool.providers.get(member)
        if not isinstance(value, dict):
            return {}
        return {str(k): v for k, v in value.items() if isinstance(v, str)}

    def listed(self, member: str) -> tuple[str, ...]:
        """OpenIdConnectProviderARNs or SamlProviderARNs."""
        value = self.pool.providers.get(member)
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


LoginVerifier = Callable[[LoginContext, str, str], Awaitable[Login]]
