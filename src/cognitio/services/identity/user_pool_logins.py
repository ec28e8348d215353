"""A Cognitio user pool's ID token as an identity pool login.

Cognito Developer Guide, "Integrating a user pool with an identity pool" and the
CognitoIdentityProvider shape of the Cognito Identity API reference: the ``Logins`` key is
``cognito-idp.<region>.amazonaws.com/<userPoolId>``, the token is the user's ID token, and it is
checked for its signature (the pool's keys), its issuer, ``token_use`` ``id``, its expiry and an
``aud`` among the app clients the identity pool lists for that user pool. With
ServerSideTokenCheck the user must also still exist, be enabled and not be signed out.

Amplify v6 writes the key as the token's ``iss`` without its scheme (``127.0.0.1:9229/<poolId>``
against this server), so that form names the same provider; both are kept under the AWS name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cognitio.crypto import jwt
from cognitio.documents import JsonObject
from cognitio.errors import NotAuthorizedException
from cognitio.services.identity.login_kinds import Login, LoginContext
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import IdentityPoolRecord
from cognitio.store.repositories import Transaction

_AWS_NAME = re.compile(r"^cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+_[0-9a-zA-Z]+)$")
_POOL_ID = re.compile(r"^[\w-]+_[0-9a-zA-Z]+$")
_SCHEME = re.compile(r"^\w+://")

NOT_SUPPORTED = "Token is not from a supported provider of this identity pool."
_ISSUER_MISMATCH = "Invalid login token. Issuer doesn't match providerName"
_NO_AUDIENCE = "Invalid login token. Missing a required claim: aud"
_UNVERIFIED = "Invalid login token. Couldn't verify signed token."
_EXPIRED = "Invalid login token. Token expired."
_NOT_ID_TOKEN = "Invalid login token. Not an ID token."  # noqa: S105 (a message)
_SIGNED_OUT = "Invalid login token. The user has signed out or no longer exists."


@dataclass(frozen=True, slots=True)
class UserPoolProvider:
    """One CognitoIdentityProviders entry: a user pool, an app client, ServerSideTokenCheck."""

    pool_id: str
    client_id: str
    server_side_token_check: bool


def provider_name(pool_id: str) -> str:
    """The AWS name of a user pool as a provider: ``cognito-idp.<region>.amazonaws.com/<id>``."""
    region = pool_id.partition("_")[0]
    return f"cognito-idp.{region}.amazonaws.com/{pool_id}"


def user_pool_of(key: str, tokens: Tokens) -> str | None:
    """The user pool a Logins key (or a CognitoIdentityProviders name) names, in either form."""
    match = _AWS_NAME.match(key)
    if match is not None:
        pool_id = match.group(2)
        return pool_id if pool_id.partition("_")[0] == match.group(1) else None
    pool_id = key.rpartition("/")[2]
    if not _POOL_ID.match(pool_id):
        return None
    return pool_id if _SCHEME.sub("", tokens.issuer(pool_id)) == key else None


def id_token_audience(claims: JsonObject) -> str:
    aud = claims.get("aud")
    if not isinstance(aud, str) or not aud:
        raise NotAuthorizedException(_NO_AUDIENCE)
    return aud


async def verify_id_token(
    tx: Transaction,
    tokens: Tokens,
    pool_id: str,
    token: str,
    providers: list[UserPoolProvider],
) -> JsonObject:
    """The claims of a user pool's ID token, or NotAuthorizedException with Cognito's words.

    ``providers`` are the identity pool's entries for ``pool_id``; the token's ``aud`` must be
    the client of one of them.
    """
    found = await tokens.signing_key(tx, token)
    if found is None:
        raise NotAuthorizedException(_UNVERIFIED)
    key_pool, key = found
    try:
        claims = jwt.verify(token, {key.kid: key}, issuer=tokens.issuer(key_pool), token_use=None)
    except jwt.TokenError as error:
        if error.reason == "expired":
            raise NotAuthorizedException(_EXPIRED) from None
        if error.reason == "issuer":
            raise NotAuthorizedException(_ISSUER_MISMATCH) from None
        raise NotAuthorizedException(_UNVERIFIED) from None
    if key_pool != pool_id:
        raise NotAuthorizedException(_ISSUER_MISMATCH)
    aud = id_token_audience(claims)
    if claims.get("token_use") != "id":
        raise NotAuthorizedException(_NOT_ID_TOKEN)
    provider = next((p for p in providers if p.client_id == aud), None)
    if provider is None:
        raise NotAuthorizedException(NOT_SUPPORTED)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise NotAuthorizedException(_UNVERIFIED)
    if provider.server_side_token_check:
        await _check_with_user_pool(tx, pool_id, sub, claims)
    return claims


async def _check_with_user_pool(
    tx: Transaction, pool_id: str, sub: str, claims: JsonObject
) -> None:
    """ServerSideTokenCheck: the user still exists, is enabled, and the sign-in the token came
    from was not revoked (GlobalSignOut, RevokeToken)."""
    user = await tx.users.get(sub)
    origin = claims.get("origin_jti")
    if (
        user is None
        or user.pool_id != pool_id
        or not user.enabled
        or not isinstance(origin, str)
        or await tx.refresh_tokens.origin_revoked(origin)
    ):
        raise NotAuthorizedException(_SIGNED_OUT)


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


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(item for item in items if isinstance(item, str) and item)


async def user_pool_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A Cognitio user pool's ID token; the RoleMappings key is ``<provider>:<app client>``
    and a Token mapping reads the token's ``cognito:roles`` and ``cognito:preferred_role``."""
    user_pool = user_pool_of(key, ctx.tokens)
    providers = user_pool_providers(ctx.pool, ctx.tokens)
    if user_pool is None or user_pool not in providers:
        raise NotAuthorizedException(NOT_SUPPORTED)
    claims = await verify_id_token(ctx.tx, ctx.tokens, user_pool, token, providers[user_pool])
    name, sub, client_id = provider_name(user_pool), str(claims["sub"]), str(claims["aud"])
    preferred = claims.get("cognito:preferred_role")
    return Login(
        provider=name,
        subject=sub,
        claims=claims,
        amr=("authenticated", name, f"{name}:CognitoSignIn:{sub}"),
        mapping_key=f"{name}:{client_id}",
        granted_roles=_strings(claims.get("cognito:roles")),
        preferred_role=preferred if isinstance(preferred, str) and preferred else None,
    )
