"""The implicit grant's tokens (RFC 6749 section 4.2; Cognito's ``response_type=token``): an ID
and an access token in the redirect's fragment, no refresh token, and yet revocable.

Revocation goes through a sign-in's row in ``refresh_tokens`` (see
:mod:`cognitio.services.tokens.access_tokens`). An implicit sign-in gets such a row too, shaped as a
refresh token but holding the hash of a random value nobody is given, so it refreshes nothing;
GlobalSignOut and AdminUserGlobalSignOut mark it, and with it the sign-in's access token.
"""

from __future__ import annotations

import secrets
import uuid

from cognitio.services.clients.settings import client_settings
from cognitio.services.common import ids
from cognitio.services.tokens.tokens import TokenOverrides, Tokens, TokenSet, token_hash
from cognitio.store.records import ClientRecord, RefreshTokenRecord, UserRecord
from cognitio.store.repositories import Transaction


async def implicit_tokens(
    tx: Transaction,
    tokens: Tokens,
    client: ClientRecord,
    user: UserRecord,
    *,
    auth_time: int,
    scopes: list[str],
    nonce: str | None,
    overrides: TokenOverrides | None,
) -> TokenSet:
    """ID and access tokens without a refresh token, whose sign-in can be revoked."""
    origin_jti = str(uuid.uuid4())
    result = await tokens.issue(
        tx,
        client,
        user,
        auth_time=auth_time,
        origin_jti=origin_jti,
        with_refresh=False,
        overrides=overrides,
        scopes=scopes,
        nonce=nonce,
    )
    created = ids.now_ms()
    lifetime = max(  # as long as the longer-lived of the two tokens
        client_settings(client).access_token_validity_s,
        client_settings(client).id_token_validity_s,
    )
    origin = RefreshTokenRecord(
        token_hash=token_hash(secrets.token_urlsafe(48)),
        pool_id=client.pool_id,
        client_id=client.id,
        sub=user.sub,
        origin_jti=origin_jti,
        auth_time=auth_time,
        created_ms=created,
        expires_ms=created + lifetime * 1000,
        revoked=False,
        scopes=" ".join(scopes),
    )
    await tx.refresh_tokens.insert(origin)
    return result
