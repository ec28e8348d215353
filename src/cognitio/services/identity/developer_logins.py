"""The developer provider as a login: trusted only from the developer's signed backend.

https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html:
the pool's DeveloperProviderName maps to the developer user identifier only in the signed
GetOpenIdTokenForDeveloperIdentity; an app naming it in the public operations' Logins is
refused, since nothing proves the identifier there.
"""

from __future__ import annotations

DEVELOPER_PROVIDER_IN_PUBLIC_LOGINS = (
    "The developer provider's logins are accepted only by GetOpenIdTokenForDeveloperIdentity."
)


def developer_amr(provider: str, pool_id: str, user_identifier: str) -> tuple[str, str]:
    """The ``amr`` entries of a developer user: the provider, and provider:pool:user."""
    return provider, f"{provider}:{pool_id}:{user_identifier}"
