"""Who an access token speaks for: the checks every access-token operation makes first.

Signature, `kid`, expiry, issuer and `token_use` (``Tokens.verify_access``), then whether the
sign-in it came from was revoked (RevokeToken, GlobalSignOut), then the user's state.
"""

from __future__ import annotations

from cognitio.documents import JsonObject
from cognitio.errors import NotAuthorizedException
from cognitio.services.tokens.tokens import ADMIN_SCOPE, Tokens
from cognitio.store.records import UserRecord
from cognitio.store.repositories import Transaction


async def current_user(tx: Transaction, tokens: Tokens, access_token: str) -> UserRecord:
    """The user an access token speaks for, refusing revoked tokens and disabled users."""
    user, _ = await signed_in(tx, tokens, access_token)
    return user


async def signed_in(
    tx: Transaction, tokens: Tokens, access_token: str
) -> tuple[UserRecord, JsonObject]:
    """The user an access token speaks for, with the token's verified claims (``client_id`` a
    string, as :meth:`Tokens.verify_access` checked)."""
    verified = await tokens.verify_access(tx, access_token)
    if ADMIN_SCOPE not in verified.scopes:
        # A token from an OAuth grant that did not ask for the user-pool API scope.
        raise NotAuthorizedException("Access Token does not have required scopes")
    user = await tx.users.get(verified.sub)
    if user is None or user.pool_id != verified.pool_id:
        raise NotAuthorizedException("Invalid Access Token")
    # Every sign-in leaves a refresh-token row under its origin_jti; revoking that row (RevokeToken,
    # GlobalSignOut) voids every access token of the sign-in, exactly.
    if await tx.refresh_tokens.origin_revoked(verified.origin_jti):
        raise NotAuthorizedException("Access Token has been revoked")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return user, verified.claims
