"""GlobalSignOut, AdminUserGlobalSignOut and RevokeToken (Cognito API reference pages).

Every sign-in leaves a refresh-token row under its `origin_jti`; revoking that row voids the
refresh token and every access token of the sign-in (see
:mod:`cognitio.services.tokens.access_tokens`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    UnauthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
)
from cognitio.services.clients.app_clients import ClientAuthenticator, find_client
from cognitio.services.clients.settings import client_settings
from cognitio.services.sts.revocations import now_ms, revoke_signed_out_user
from cognitio.services.tokens.access_tokens import current_user
from cognitio.services.tokens.tokens import Tokens, token_hash
from cognitio.store.records import UserRecord
from cognitio.store.repositories import Store, Transaction


@dataclass(frozen=True, slots=True)
class RevokeToken:
    """RevokeToken: a refresh token of the client, and the client's secret if it has one."""

    client_id: str
    token: str = field(repr=False)
    client_secret: str | None = field(default=None, repr=False)


class SignOut:
    """GlobalSignOut, AdminUserGlobalSignOut and RevokeToken."""

    def __init__(self, store: Store, tokens: Tokens, envelope: Envelope) -> None:
        self._store = store
        self._tokens = tokens
        self._clients = ClientAuthenticator(envelope)

    async def global_sign_out(self, access_token: str) -> None:
        async with self._store.write() as tx:
            user = await current_user(tx, self._tokens, access_token)
            await sign_out_everywhere(tx, user)

    async def revoke(self, command: RevokeToken) -> None:
        async with self._store.write() as tx:
            client = await find_client(tx, command.client_id)
            if client.secret_sealed is not None and not self._clients.secret_matches(
                client, command.client_secret
            ):
                raise UnauthorizedException("Unauthorized")
            if not client_settings(client).enable_token_revocation:
                raise UnsupportedOperationException(
                    "Token revocation is not enabled for this client."
                )
            token = command.token
            if token.count(".") == 2:
                raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
            record = await tx.refresh_tokens.get(token_hash(token))
            # An unknown or foreign token is not an error: revocation is idempotent, and the
            # answer must not tell a caller which tokens exist.
            if record is not None and record.client_id == client.id:
                await tx.refresh_tokens.revoke_origin(record.origin_jti)


async def sign_out_everywhere(tx: Transaction, user: UserRecord) -> None:
    """Every sign-in of the user ends: its tokens (access tokens through their origin) and the
    hosted pages' sign-on sessions, and the identity pools' credentials of the identities it is
    linked to where ServerSideTokenCheck is on. GlobalSignOut, AdminUserGlobalSignOut,
    AdminDisableUser."""
    await tx.refresh_tokens.revoke_user(user.sub)
    await tx.hosted_sessions.end_all(user.sub)  # the hosted pages' sign-on cookie too
    await revoke_signed_out_user(tx, user.pool_id, user.sub, now_ms())
