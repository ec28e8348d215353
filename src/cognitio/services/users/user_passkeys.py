"""A signed-in user's passkeys: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials and DeleteWebAuthnCredential. The ceremonies themselves are
:mod:`cognitio.services.mfa.passkeys`."""

from __future__ import annotations

from cognitio.documents import JsonObject, JsonValue
from cognitio.services.common.pages import Page
from cognitio.services.mfa import passkeys
from cognitio.services.tokens.access_tokens import current_user, signed_in
from cognitio.services.tokens.tokens import Tokens
from cognitio.store.records import PasskeyRecord
from cognitio.store.repositories import Store


class UserPasskeys:
    """The passkey operations on a signed-in user's account."""

    def __init__(self, store: Store, tokens: Tokens) -> None:
        self._store = store
        self._tokens = tokens

    async def start_registration(self, access_token: str) -> JsonObject:
        """StartWebAuthnRegistration: CredentialCreationOptions (a WebAuthn JSON document)."""
        async with self._store.write() as tx:
            user, claims = await signed_in(tx, self._tokens, access_token)
            pool = await tx.pools.get(user.pool_id)
            assert pool is not None  # the user's row proves its pool (foreign key)
            return await passkeys.registration_options(tx, pool, user, str(claims["client_id"]))

    async def complete_registration(self, access_token: str, credential: JsonValue) -> None:
        """CompleteWebAuthnRegistration: ``credential`` is the browser's JSON document."""
        async with self._store.write() as tx:
            user, claims = await signed_in(tx, self._tokens, access_token)
            pool = await tx.pools.get(user.pool_id)
            assert pool is not None
            await passkeys.register(tx, pool, user, str(claims["client_id"]), credential)

    async def listing(
        self, access_token: str, limit: int | None, token: str | None
    ) -> Page[PasskeyRecord]:
        """ListWebAuthnCredentials."""
        async with self._store.read() as tx:
            user = await current_user(tx, self._tokens, access_token)
            return await passkeys.listing(tx, user, limit, token)

    async def delete(self, access_token: str, credential_id: str) -> None:
        """DeleteWebAuthnCredential."""
        async with self._store.write() as tx:
            user = await current_user(tx, self._tokens, access_token)
            await passkeys.delete(tx, user, credential_id)
