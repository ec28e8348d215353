"""The ``Logins`` of GetId and GetCredentialsForIdentity, checked: each token proves a subject
of a provider the identity pool accepts.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html: every token
must be valid, from a provider the pool is configured with, unexpired and for the pool's app.
The key of each entry picks its kind in ``LOGIN_KINDS``: the social providers by their fixed
names, an IAM SAML provider by its ARN, a Cognitio user pool by either form of its name, and
any other key names an OIDC provider of the ``[iam]`` table (its issuer's host and path).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cognitio.errors import NotAuthorizedException
from cognitio.services.identity.access_token_logins import (
    AMAZON_KEY,
    FACEBOOK_KEY,
    amazon_login,
    facebook_login,
)
from cognitio.services.identity.developer_logins import DEVELOPER_PROVIDER_IN_PUBLIC_LOGINS
from cognitio.services.identity.id_token_logins import (
    APPLE_KEY,
    GOOGLE_KEY,
    apple_login,
    google_login,
    oidc_login,
)
from cognitio.services.identity.login_kinds import Login, LoginContext, LoginVerifier
from cognitio.services.identity.saml_logins import saml_login
from cognitio.services.identity.user_pool_logins import user_pool_login, user_pool_of
from cognitio.services.tokens.tokens import Tokens

USER_POOL = "cognito-idp"
SAML = "saml"
OIDC = "oidc"
SAML_PROVIDER_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:saml-provider/[\w+=,.@-]{1,128}$")

# Each kind of login and its verifier; a fixed Logins key is its own kind.
LOGIN_KINDS: dict[str, LoginVerifier] = {
    USER_POOL: user_pool_login,
    SAML: saml_login,
    OIDC: oidc_login,
    GOOGLE_KEY: google_login,
    APPLE_KEY: apple_login,
    FACEBOOK_KEY: facebook_login,
    AMAZON_KEY: amazon_login,
}


def kind_of(key: str, tokens: Tokens) -> str:
    """The kind of login a ``Logins`` key names."""
    if key in LOGIN_KINDS:
        return key
    if SAML_PROVIDER_ARN.match(key):
        return SAML
    if user_pool_of(key, tokens) is not None:
        return USER_POOL
    return OIDC


async def check_logins(ctx: LoginContext, logins: Mapping[str, str]) -> list[Login]:
    """Each login checked, in the order given; the first refusal ends the call."""
    checked: list[Login] = []
    seen: set[str] = set()
    for key, token in logins.items():
        if key == ctx.pool.developer_provider_name:
            raise NotAuthorizedException(DEVELOPER_PROVIDER_IN_PUBLIC_LOGINS)
        login = await LOGIN_KINDS[kind_of(key, ctx.tokens)](ctx, key, token)
        if login.provider in seen:
            raise NotAuthorizedException(f"Logins names {login.provider} twice.")
        seen.add(login.provider)
        checked.append(login)
    return checked
