"""The identity pool's own OpenID token as a login: ``cognito-identity.amazonaws.com``.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html
(Logins: "If the token is for cognito-identity.amazonaws.com, it will be passed through to
AWS Security Token Service with the appropriate role for the token") and the Developer Guide's
"Developer-authenticated identities": a backend gets a token with
GetOpenIdTokenForDeveloperIdentity, and the app trades it for credentials. The token must be
this issuer's, unexpired, for this identity pool (``aud``) and for this identity (``sub``).

As user pools accept two key forms, so does this: AWS's name, and the identity issuer's URL
without its scheme (what a client deriving the key from the token's ``iss`` sends).
"""

from __future__ import annotations

import re

from cognitio.crypto import jwt
from cognitio.errors import NotAuthorizedException
from cognitio.services.identity.openid_token import OpenIdTokenClaims, OpenIdTokens

IDENTITY_TOKEN_KEY = "cognito-identity.amazonaws.com"  # noqa: S105 (a provider name)
_SCHEME = re.compile(r"^\w+://")
_EXPIRED = "Invalid login token. Token expired."
_UNVERIFIED = "Invalid login token. Couldn't verify signed token."
_WRONG_POOL = "Invalid login token. Token is not from this identity pool."
_WRONG_IDENTITY = "Invalid login token. Token is not for this identity."


def is_identity_token_key(key: str, tokens: OpenIdTokens) -> bool:
    """Whether a Logins key names the identity issuer itself, in either form."""
    return key == IDENTITY_TOKEN_KEY or key == _SCHEME.sub("", tokens.issuer)


async def verify_identity_token(tokens: OpenIdTokens, token: str) -> OpenIdTokenClaims:
    """The token's claims once its signature, issuer and expiry check out (outside any
    transaction: the issuer may read its keys); NotAuthorizedException otherwise."""
    try:
        return await tokens.verify(token)
    except jwt.TokenError as error:
        raise NotAuthorizedException(
            _EXPIRED if error.reason == "expired" else _UNVERIFIED
        ) from None


def check_proves(claims: OpenIdTokenClaims, pool_id: str, identity_id: str) -> None:
    """The token is for ``identity_id`` of ``pool_id``; NotAuthorizedException otherwise."""
    if claims.identity_pool_id != pool_id:
        raise NotAuthorizedException(_WRONG_POOL)
    if claims.identity_id != identity_id:
        raise NotAuthorizedException(_WRONG_IDENTITY)
