"""ID tokens of OpenID Connect providers as identity pool logins: the ``[iam]`` table's OIDC
providers, Google and Sign in with Apple.

Cognito Developer Guide, "OpenID Connect providers (identity pools)": the ``Logins`` key is
the issuer without its scheme (``login.example.com[/path]``) and the pool must list the IAM
provider's ARN in OpenIdConnectProviderARNs; the token's ``iss`` must name that key, its
signature must check out with a key of the issuer's JWKS (found through discovery, RSA or EC,
never ``none`` nor an HMAC), ``azp`` when present, else ``aud``, must be one of the provider's
client IDs, and it must not have expired (five minutes of clock skew). Google
(``accounts.google.com``) and Apple (``appleid.apple.com``) are listed in
SupportedLoginProviders with the app's client ID, which must be the token's ``aud``; their keys
come from their fixed JWKS URLs, which ``federation_endpoints`` can point at a stand-in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection

from cognitio.documents import JsonObject
from cognitio.errors import ExternalServiceException, NotAuthorizedException
from cognitio.services.federation import apple, google
from cognitio.services.federation.id_token import signed_claims
from cognitio.services.federation.upstream import IdentityProviderError
from cognitio.services.identity.iam_providers import issuer_key
from cognitio.services.identity.login_kinds import Login, LoginContext, standard_amr
from cognitio.services.identity.user_pool_logins import NOT_SUPPORTED

SKEW_SECONDS = 300  # the five minutes AWS allows OIDC tokens
ISSUER_MISMATCH = "Invalid login token. Issuer doesn't match providerName"
WRONG_AUDIENCE = "Invalid login token. Incorrect token audience."
UNVERIFIED = "Invalid login token. Couldn't verify signed token."
EXPIRED = "Invalid login token. Token expired."
_NO_SUB = "Invalid login token. Missing a required claim: sub"
_TOKEN_FAULT = "id token:"  # noqa: S105 (a prefix of error details)

GOOGLE_KEY = "accounts.google.com"
APPLE_KEY = "appleid.apple.com"
_GOOGLE_JWKS = "https://www.googleapis.com/oauth2/v3/certs"


def provider_failure(key: str, error: IdentityProviderError) -> ExternalServiceException:
    """The provider could not be asked (unreachable, refused, not allowed by the policy)."""
    return ExternalServiceException(f"{key[:128]}: {error.reason}")


async def verified_claims(ctx: LoginContext, key: str, token: str, jwks_uri: str) -> JsonObject:
    """The claims of ``token`` once signed by a key of ``jwks_uri``; NotAuthorized for a bad
    token, ExternalService when the keys cannot be had."""
    try:
        return await signed_claims(token, ctx.services.clients.jwks, jwks_uri)
    except IdentityProviderError as error:
        # "id token: ..." is the token's fault (unreadable, an algorithm refused, a kid the
        # issuer's keys do not hold, a bad signature); anything else is the provider's.
        if error.detail.startswith(_TOKEN_FAULT):
            raise NotAuthorizedException(UNVERIFIED) from None
        raise provider_failure(key, error) from None


def check_token_claims(
    claims: JsonObject,
    *,
    issuers: Collection[str],
    audiences: Collection[str],
    use_azp: bool,
    now: float | None = None,
) -> str:
    """The token's ``sub`` once its issuer, audience and expiry are right."""
    if claims.get("iss") not in issuers:
        raise NotAuthorizedException(ISSUER_MISMATCH)
    aud = claims.get("aud")
    named = [a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str)]
    azp = claims.get("azp")
    if use_azp and azp is not None:
        if not isinstance(azp, str) or azp not in audiences:
            raise NotAuthorizedException(WRONG_AUDIENCE)
    elif not any(a in audiences for a in named):
        raise NotAuthorizedException(WRONG_AUDIENCE)
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not math.isfinite(exp):
        raise NotAuthorizedException(UNVERIFIED)
    if exp + SKEW_SECONDS <= (time.time() if now is None else now):
        raise NotAuthorizedException(EXPIRED)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise NotAuthorizedException(_NO_SUB)
    return sub


async def oidc_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A login of an ``[iam]`` OIDC provider the pool lists."""
    provider = ctx.services.iam.oidc_by_key(key)
    if provider is None or provider.arn not in ctx.listed("OpenIdConnectProviderARNs"):
        raise NotAuthorizedException(NOT_SUPPORTED)
    try:
        metadata = await ctx.services.clients.discovery.metadata(provider.issuer)
    except IdentityProviderError as error:
        raise provider_failure(key, error) from None
    claims = await verified_claims(ctx, key, token, metadata.jwks_uri)
    iss = claims.get("iss")
    if not isinstance(iss, str) or issuer_key(iss) != key:
        raise NotAuthorizedException(ISSUER_MISMATCH)
    sub = check_token_claims(claims, issuers=(iss,), audiences=provider.client_ids, use_azp=True)
    return Login(key, sub, claims, standard_amr(key, sub), key)


def app_ids(ctx: LoginContext, key: str) -> tuple[str, ...]:
    """The app (client) IDs SupportedLoginProviders gives ``key``: one, or several separated by
    commas."""
    value = ctx.supported("SupportedLoginProviders").get(key)
    if value is None:
        raise NotAuthorizedException(NOT_SUPPORTED)
    return tuple(part.strip() for part in value.split(",") if part.strip())


async def _social_id_token(
    ctx: LoginContext, key: str, token: str, provider_type: str, jwks: str, issuer: str
) -> Login:
    audiences = app_ids(ctx, key)
    jwks_uri = ctx.services.endpoints.url(provider_type, jwks)
    claims = await verified_claims(ctx, key, token, jwks_uri)
    bare = issuer.removeprefix("https://")
    sub = check_token_claims(claims, issuers=(issuer, bare), audiences=audiences, use_azp=False)
    return Login(key, sub, claims, standard_amr(key, sub), key)


async def google_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A Google ID token (``accounts.google.com``)."""
    return await _social_id_token(ctx, key, token, "Google", _GOOGLE_JWKS, google.ISSUER)


async def apple_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A Sign in with Apple ID token (``appleid.apple.com``)."""
    jwks = apple.ENDPOINTS.jwks_uri or "https://appleid.apple.com/auth/keys"
    return await _social_id_token(ctx, key, token, "SignInWithApple", jwks, apple.ISSUER)
