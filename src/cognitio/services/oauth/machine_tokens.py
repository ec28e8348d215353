"""Tokens for app clients themselves (machine to machine): the token endpoint's
client_credentials grant and GetClientToken. The access token's ``sub`` is the client; its
scopes are custom scopes of the pool's resource servers; a version 3 PreTokenGeneration function
may change it (TokenGeneration_ClientCredentials)."""

from __future__ import annotations

from typing import Any

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
)
from cognitio.services.clients.app_clients import ClientAuthenticator, find_client
from cognitio.services.clients.settings import client_settings
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.triggers.triggers import Call, Triggers, client_token_generation
from cognitio.store.records import ClientRecord
from cognitio.store.repositories import Store


async def machine_token(
    store: Store,
    tokens: Tokens,
    triggers: Triggers,
    client: ClientRecord,
    scopes: list[str],
    metadata: dict[str, str],
) -> tuple[str, int]:
    """The signed access token and its lifetime in seconds."""
    async with store.read() as tx:
        pool = await tx.pools.get(client.pool_id)
    overrides = None
    if pool is not None:
        call = Call(pool, client.id, client.id, metadata)
        overrides = await client_token_generation(triggers, call, scopes)
    async with store.write() as tx:
        return await tokens.issue_client_token(tx, client, scopes, overrides)


async def get_client_token(
    store: Store, tokens: Tokens, triggers: Triggers, envelope: Envelope, params: dict[str, Any]
) -> dict[str, Any]:
    """GetClientToken: client_credentials through the API, for a client with a secret that may
    use that grant."""
    async with store.read() as tx:
        client = await find_client(tx, params["ClientId"])
    if (
        client.secret_sealed is None
        or "client_credentials" not in client_settings(client).allowed_oauth_flows
    ):
        raise NotAuthorizedException(
            "The client needs a secret and the client_credentials OAuth flow to get tokens."
        )
    if not ClientAuthenticator(envelope).secret_matches(client, params["Secret"]):
        raise NotAuthorizedException(f"Unable to verify secret for client {client.id}")
    allowed = client_settings(client).allowed_oauth_scopes
    scopes = list(params.get("Scopes") or allowed)
    for scope in scopes:
        if scope not in allowed:
            raise InvalidParameterException(f"Invalid scope requested: {scope}")
    metadata = dict(params.get("ClientMetadata") or {})
    token, seconds = await machine_token(store, tokens, triggers, client, scopes, metadata)
    result = {"AccessToken": token, "ExpiresIn": seconds, "TokenType": "Bearer"}
    return {"ClientAuthenticationResult": result}
