"""Tokens for app clients themselves (machine to machine): the token endpoint's
client_credentials grant and GetClientToken. The access token's ``sub`` is the client; its
scopes are custom scopes of the pool's resource servers; a version 3 PreTokenGeneration function
may change it (TokenGeneration_ClientCredentials)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
)
from cognitio.services.clients.app_clients import ClientAuthenticator, find_client
from cognitio.services.clients.settings import client_settings
from cognitio.services.tokens.tokens import Tokens, TokenSet
from cognitio.services.triggers.triggers import Call, Triggers, client_token_generation
from cognitio.store.records import ClientRecord
from cognitio.store.repositories import Store


@dataclass(frozen=True, slots=True)
class GetClientToken:
    """GetClientToken: the client, its secret, the scopes asked for (None: all it may have)."""

    client_id: str
    secret: str = field(repr=False)
    scopes: tuple[str, ...] | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


async def machine_token(
    store: Store,
    tokens: Tokens,
    triggers: Triggers,
    client: ClientRecord,
    scopes: list[str],
    metadata: dict[str, str],
) -> TokenSet:
    """The signed access token (alone: no ID or refresh token) and its lifetime."""
    async with store.read() as tx:
        pool = await tx.pools.get(client.pool_id)
    overrides = None
    if pool is not None:
        call = Call(pool, client.id, client.id, metadata)
        overrides = await client_token_generation(triggers, call, scopes)
    async with store.write() as tx:
        return await tokens.issue_client_token(tx, client, scopes, overrides)


async def get_client_token(
    store: Store, tokens: Tokens, triggers: Triggers, envelope: Envelope, command: GetClientToken
) -> TokenSet:
    """GetClientToken: client_credentials through the API, for a client with a secret that may
    use that grant."""
    async with store.read() as tx:
        client = await find_client(tx, command.client_id)
    if (
        client.secret_sealed is None
        or "client_credentials" not in client_settings(client).allowed_oauth_flows
    ):
        raise NotAuthorizedException(
            "The client needs a secret and the client_credentials OAuth flow to get tokens."
        )
    if not ClientAuthenticator(envelope).secret_matches(client, command.secret):
        raise NotAuthorizedException(f"Unable to verify secret for client {client.id}")
    allowed = client_settings(client).allowed_oauth_scopes
    scopes = list(command.scopes or allowed)
    for scope in scopes:
        if scope not in allowed:
            raise InvalidParameterException(f"Invalid scope requested: {scope}")
    return await machine_token(store, tokens, triggers, client, scopes, dict(command.metadata))
